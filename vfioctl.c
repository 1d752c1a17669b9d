// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfioctl: hand PCI devices to the right VFIO driver.
 *
 * This file is the front: options (argp), the command table, the exit
 * status. The work is in lib/.
 */
#include <argp.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/cmd.h"
#include "lib/ctx.h"
#include "lib/log.h"
#include "tools/print.h"
#include "lib/util.h"

#ifndef VFIOCTL_VERSION
#define VFIOCTL_VERSION "0.1.0"
#endif

const char *argp_program_version = "vfioctl " VFIOCTL_VERSION;

/* Options a command takes beyond the global ones. */
enum {
	OPT_DRIVER = 1u << 0,
	OPT_DRY_RUN = 1u << 1,
	OPT_VFIO = 1u << 2,
	OPT_PERSIST = 1u << 3,
	OPT_GROUP = 1u << 4,
	OPT_NOIOMMU = 1u << 5,
	OPT_OWNER = 1u << 6,
	OPT_NUMVFS = 1u << 7,
	OPT_FORCE = 1u << 8,
	OPT_SRIOV_ONLY = 1u << 9,
	OPT_BUS = 1u << 10,
	OPT_NO_RESET = 1u << 11,
};

/* Keys of long-only options. */
enum {
	KEY_ROOT = 0x100,
	KEY_KERNEL,
	KEY_VFIO,
	KEY_PERSIST,
	KEY_GROUP,
	KEY_NOIOMMU,
	KEY_OWNER,
	KEY_NUMVFS,
	KEY_FORCE,
	KEY_SRIOV_ONLY,
	KEY_BUS,
	KEY_NO_RESET,
};

struct command {
	const char *name;
	int (*fn)(struct vctx *ctx, const struct cmd_args *a);
	const char *summary;
	const char *args_doc;
	const char *doc;
	unsigned opts;
};

static const struct command commands[] = {
	{ "bind", cmd_bind, "bind devices to their best VFIO driver", "bind DEVICE...",
	  "Bind each DEVICE to its best VFIO driver: the vendor variant whose alias matches it "
	  "most exactly, else vfio-pci. Loads the module, writes driver_override, unbinds, "
	  "probes, verifies; on failure puts the device back where it was. With --persist, "
	  "also record the choice in /etc/vfioctl.d (auto, or the --driver given) so it holds "
	  "after reboots; a DEVICE may then also be VVVV:DDDD[:SSSS:TTTT], every device with "
	  "those IDs. With --group, bind every endpoint of each DEVICE's IOMMU group, each to "
	  "its own best driver, all or nothing.",
	  OPT_DRIVER | OPT_DRY_RUN | OPT_PERSIST | OPT_GROUP | OPT_NOIOMMU | OPT_OWNER |
	  OPT_FORCE | OPT_BUS | OPT_NO_RESET },
	{ "unbind", cmd_unbind, "give devices back to their previous driver", "unbind DEVICE...",
	  "Give each DEVICE back: clear driver_override and return it to the driver it had "
	  "before vfioctl took it (recorded under /run/vfioctl), or to the kernel's choice. "
	  "With --persist, also forget the record in /etc/vfioctl.d; a DEVICE may then also be "
	  "VVVV:DDDD[:SSSS:TTTT], an ids record. A device a process holds open through VFIO "
	  "(a VM) is refused: the kernel would wait for it to let go; --force waits.",
	  OPT_DRY_RUN | OPT_PERSIST | OPT_FORCE | OPT_BUS },
	{ "list-devices", cmd_list_devices, "list devices, drivers, groups, overrides",
	  "list-devices",
	  "List every PCI device (with --bus BUS, every device of BUS; --bus all, of every bus): "
	  "address or BUS/NAME, IDs, class, driver, IOMMU group, driver_override, names from the "
	  "PCI ID database (the modalias for the other buses).",
	  OPT_VFIO | OPT_BUS },
	{ "list-candidates", cmd_list_candidates, "list the matching VFIO modules, best first",
	  "list-candidates [DEVICE...]",
	  "For each DEVICE (every PCI device when none is named; with --bus BUS, every device "
	  "of BUS, or of every bus with --bus all), every matching VFIO module, best first, with "
	  "the alias that matched and its number of wildcards. CDX ranks vfio_cdx aliases as PCI "
	  "does; platform, AMBA and fsl-mc devices have no vfio aliases: their bus's universal "
	  "driver is the candidate.",
	  OPT_BUS },
	{ "show", cmd_show, "explain the choice for a device, step by step", "show DEVICE",
	  "Explain the choice for DEVICE: the six steps (sysfs path, modalias, vfio alias, "
	  "lookup, module, driver) with each input and result, and what bind would write.",
	  0 },
	{ "apply", cmd_apply, "bind devices as /etc/vfioctl.d records say", "apply [DEVICE...]",
	  "Bind every device (or each DEVICE) that a record in /etc/vfioctl.d names to the "
	  "driver recorded (auto: the best one now). Idempotent; run by udev, systemd and the "
	  "initramfs. A platform, AMBA, fsl-mc or CDX device is applied when a record names it "
	  "as BUS/NAME (udev passes BUS/NAME as it appears). Exit status: 0 nothing to do, 3 "
	  "something was bound, 1 a device or record failed (the others are still applied).",
	  OPT_DRY_RUN | OPT_FORCE | OPT_SRIOV_ONLY | OPT_BUS },
	{ "list-overrides", cmd_list_overrides, "devices with driver_override set",
	  "list-overrides",
	  "List the devices whose driver_override is set in sysfs now (PCI's; with --bus BUS, "
	  "BUS's; --bus all, every bus's), their driver, and the record that keeps it.",
	  OPT_BUS },
	{ "list-persisted", cmd_list_persisted, "the records in /etc/vfioctl.d",
	  "list-persisted",
	  "List the records in /etc/vfioctl.d: what each matches, its driver, the devices "
	  "present that it matches; files that were refused or malformed, with the reason.",
	  0 },
	{ "import-driverctl", cmd_import_driverctl, "records from driverctl's overrides",
	  "import-driverctl",
	  "Turn driverctl's saved overrides (/etc/driverctl.d/pci-ADDRESS, and BUS-NAME for the "
	  "other buses) into records in /etc/vfioctl.d. Devices that already have a record are "
	  "left as they are.",
	  OPT_DRY_RUN },
	{ "sriov", cmd_sriov, "create SR-IOV VFs and bind them to VFIO", "sriov DEVICE... --numvfs N",
	  "Create N virtual functions of each SR-IOV device DEVICE without letting host drivers "
	  "take them (sriov_drivers_autoprobe is off meanwhile) and bind each to its best VFIO "
	  "driver (or --driver). --numvfs 0 gives the VFs back and removes them. With --persist "
	  "the PF's record keeps the count, so apply recreates them at boot.",
	  OPT_DRIVER | OPT_DRY_RUN | OPT_PERSIST | OPT_NOIOMMU | OPT_OWNER | OPT_NUMVFS |
	  OPT_FORCE },
	{ "owner", cmd_owner, "who owns a VFIO node (for udev)", "owner NODE",
	  "Print, as udev environment (VFIOCTL_OWNER=UID, VFIOCTL_GROUP=GID), the owner given with "
	  "bind --owner (or a record's owner) to a device of the VFIO node NODE: a group N, "
	  "noiommu-N, an iommufd cdev vfioX, or its /dev path. Nothing when nobody was given it. "
	  "The udev rule uses it, since udev makes new nodes root's.",
	  0 },
};

/* Every option; `mask` 0 marks a global one. */
static const struct {
	struct argp_option opt;
	unsigned mask;
	bool takes_arg;
} all_options[] = {
	{ { "root", KEY_ROOT, "DIR", 0,
	    "Take every path (sys/, lib/modules/, etc/, run/, dev/, proc/) under DIR; default /", 0 },
	  0, true },
	{ { "kernel", KEY_KERNEL, "RELEASE", 0,
	    "Module directory release; default the running kernel's, or under --root the only "
	    "one present", 0 }, 0, true },
	{ { "json", 'j', NULL, 0, "Print JSON (errors too)", 0 }, 0, false },
	{ { "verbose", 'v', NULL, 0, "Say what is done, each write included; twice for debug", 0 },
	  0, false },
	{ { "quiet", 'q', NULL, 0, "Print errors only", 0 }, 0, false },
	{ { "driver", 'd', "NAME", 0,
	    "Skip selection: bind to this driver or module", 1 }, OPT_DRIVER, true },
	{ { "dry-run", 'n', NULL, 0, "Print the plan (module, driver, each write); write nothing",
	    1 }, OPT_DRY_RUN, false },
	{ { "vfio", KEY_VFIO, NULL, 0, "Only devices on (or set to) a VFIO driver", 1 },
	  OPT_VFIO, false },
	{ { "group", KEY_GROUP, NULL, 0,
	    "Bind every endpoint of the device's IOMMU group, all or nothing", 1 },
	  OPT_GROUP, false },
	{ { "noiommu", KEY_NOIOMMU, NULL, 0,
	    "Without an IOMMU, use VFIO's no-IOMMU mode where the kernel has it (UNSAFE: no DMA "
	    "isolation)", 1 }, OPT_NOIOMMU, false },
	{ { "owner", KEY_OWNER, "USER[:GROUP]", 0,
	    "Give USER the device's VFIO nodes (/dev/vfio/N, /dev/vfio/devices/vfioX)", 1 },
	  OPT_OWNER, true },
	{ { "force", KEY_FORCE, NULL, 0,
	    "Take a device the host is using (network up, mounted, swap, console, root disk) or "
	    "one a process holds through VFIO, and say what was overridden", 1 }, OPT_FORCE, false },
	{ { "sriov-only", KEY_SRIOV_ONLY, NULL, 0,
	    "Only make the VFs records ask for, bind nothing else (udev runs this when a driver "
	    "binds a PF)", 1 }, OPT_SRIOV_ONLY, false },
	{ { "numvfs", KEY_NUMVFS, "N", 0, "How many VFs to have (0 removes them)", 1 },
	  OPT_NUMVFS, true },
	{ { "bus", KEY_BUS, "BUS", 0,
	    "Device names are of BUS: pci (the default), platform, amba, fsl-mc or cdx "
	    "(driverctl's spelling of BUS/NAME); list-devices and list-candidates: list BUS's "
	    "devices, or every bus's with all", 1 }, OPT_BUS, true },
	{ { "no-reset-required", KEY_NO_RESET, NULL, 0,
	    "platform and AMBA devices without a reset handler: load vfio-platform with "
	    "reset_required=0 (the device is not reset between users)", 1 }, OPT_NO_RESET, false },
	{ { "persist", KEY_PERSIST, NULL, 0,
	    "Also keep it across reboots in /etc/vfioctl.d: record it (bind; sriov: the VF count) "
	    "or forget it (unbind)", 1 },
	  OPT_PERSIST, false },
};

#define EXIT_DOC \
	"\vDEVICE is a PCI address DDDD:BB:DD.F (domain of 4 or more hex digits), BB:DD.F for " \
	"domain 0000, or pci/DDDD:BB:DD.F; bind, unbind, apply, show and list-candidates also take platform/NAME, amba/NAME, " \
	"fsl-mc/NAME and cdx/NAME (NAME as in /sys/bus/BUS/devices), or NAME with --bus BUS. " \
	"Options may stand before or after device names.\n\n" \
	"Exit status: 0 success, 1 an operation failed, 2 usage error or bad input; apply: " \
	"3 when it bound something (with --dry-run: would bind), 0 when there was nothing to do."

struct parsed {
	const struct command *cmd;
	const char *root, *kernel;
	bool json;
	int verbose, quiet;
	struct cmd_args args;
	char **names;
	int nnames;
};

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static bool option_takes_arg(const char *arg)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(all_options); i++) {
		const struct argp_option *o = &all_options[i].opt;

		if (!all_options[i].takes_arg)
			continue;
		if (arg[1] == '-' && !strcmp(arg + 2, o->name))
			return true;
		/* -dNAME carries its value; a trailing -d takes the next word */
		if (arg[1] != '-' && o->key < 0x100 && strchr(arg + 1, o->key) &&
		    arg[strlen(arg) - 1] == o->key)
			return true;
	}
	return false;
}

/* The command word: the first argument that is not an option or its value. */
static const char *prescan(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--"))
			return i + 1 < argc ? argv[i + 1] : NULL;
		if (a[0] != '-' || !a[1])
			return a;
		if (!strchr(a, '=') && option_takes_arg(a))
			i++;
	}
	return NULL;
}

/*
 * A usage error in one line, "vfioctl: MESSAGE", exit status 2 (argp_error
 * adds a second line, a hint); a value in it is escaped.
 */
static void __attribute__((noreturn, format(printf, 2, 3)))
usage_error(const struct argp_state *state, const char *fmt, ...)
{
	char msg[512], shown[1024];
	va_list ap;

	(void)state;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "vfioctl: %s\n", escape_text(msg, shown, sizeof(shown)));
	exit(EXIT_USAGE);
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct parsed *p = state->input;

	switch (key) {
	case KEY_ROOT:
		p->root = arg;
		break;
	case KEY_KERNEL:
		p->kernel = arg;
		break;
	case 'j':
		p->json = true;
		break;
	case 'v':
		p->verbose++;
		break;
	case 'q':
		p->quiet++;
		break;
	case 'd':
		p->args.driver = arg;
		break;
	case 'n':
		p->args.dry_run = true;
		break;
	case KEY_VFIO:
		p->args.vfio_only = true;
		break;
	case KEY_PERSIST:
		p->args.persist = true;
		break;
	case KEY_GROUP:
		p->args.group = true;
		break;
	case KEY_NOIOMMU:
		p->args.noiommu = true;
		break;
	case KEY_OWNER:
		p->args.owner = arg;
		break;
	case KEY_FORCE:
		p->args.force = true;
		break;
	case KEY_SRIOV_ONLY:
		p->args.sriov_only = true;
		break;
	case KEY_BUS:
		p->args.bus = arg;
		break;
	case KEY_NO_RESET:
		p->args.no_reset_required = true;
		break;
	case KEY_NUMVFS: {
		char *end;
		long v = strtol(arg, &end, 10);

		if (!*arg || *end || v < 0 || v > 65535)
			usage_error(state, "--numvfs '%s': not a number of VFs", arg);
		p->args.numvfs = (int)v;
		break;
	}
	case ARGP_KEY_ARG:
		if (!p->cmd) {
			p->cmd = find_command(arg);
			if (!p->cmd)
				usage_error(state, "unknown command '%s'; vfioctl --help lists them", arg);
			break;
		}
		p->names[p->nnames++] = arg;
		break;
	case ARGP_KEY_END:
		if (!p->cmd)
			usage_error(state, "no command given; vfioctl --help lists them");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static char *top_doc(void)
{
	static char doc[4096];
	size_t i, len;

	len = (size_t)snprintf(doc, sizeof(doc),
			       "Hand PCI devices to the right VFIO driver: a vendor variant "
			       "(mlx5_vfio_pci, ...) when one matches, vfio-pci otherwise.\n\n"
			       "Commands:\n");
	for (i = 0; i < ARRAY_SIZE(commands) && len < sizeof(doc); i++)
		len += (size_t)snprintf(doc + len, sizeof(doc) - len, "  %-30s%s\n",
					commands[i].args_doc, commands[i].summary);
	if (len < sizeof(doc))
		snprintf(doc + len, sizeof(doc) - len,
			 "\n'vfioctl COMMAND --help' describes a command; vfioctl(8) and "
			 "vfioctl.d(5) say more." EXIT_DOC);
	return doc;
}

int main(int argc, char **argv)
{
	struct argp_option opts[ARRAY_SIZE(all_options) + 3];
	const struct command *pre;
	struct parsed p = { 0 };
	char cmd_doc[2048];
	struct argp argp = { 0 };
	struct vctx ctx;
	size_t i, n = 0;
	int err;

	argp_err_exit_status = EXIT_USAGE;
	p.args.numvfs = -1;
	p.names = calloc((size_t)argc + 1, sizeof(char *));
	if (!p.names)
		return EXIT_FAILED;

	/* the command decides which options and which help argp shows */
	pre = prescan(argc, argv) ? find_command(prescan(argc, argv)) : NULL;
	opts[n++] = (struct argp_option){ NULL, 0, NULL, 0, "Global options:", -1 };
	for (i = 0; i < ARRAY_SIZE(all_options); i++)
		if (!all_options[i].mask)
			opts[n++] = all_options[i].opt;
	if (pre && pre->opts) {
		opts[n++] = (struct argp_option){ NULL, 0, NULL, 0, "Options of this command:", 1 };
		for (i = 0; i < ARRAY_SIZE(all_options); i++)
			if (all_options[i].mask & pre->opts)
				opts[n++] = all_options[i].opt;
	}
	opts[n] = (struct argp_option){ 0 };
	argp.options = opts;
	argp.parser = parse_opt;
	if (pre) {
		snprintf(cmd_doc, sizeof(cmd_doc), "%s" EXIT_DOC, pre->doc);
		argp.args_doc = pre->args_doc;
		argp.doc = cmd_doc;
	} else {
		argp.args_doc = "COMMAND [ARG...]";
		argp.doc = top_doc();
	}
	argp_parse(&argp, argc, argv, 0, NULL, &p);

	if (p.quiet)
		log_set_level(LOG_ERR);
	else if (p.verbose)
		log_set_level(p.verbose > 1 ? LOG_DEBUG : LOG_INFO);
	out_init(p.json);
	{
		const char *term = getenv("TERM");

		log_set_colour(!p.json && isatty(STDERR_FILENO) && !getenv("NO_COLOR") &&
			       !(term && !strcmp(term, "dumb")));
	}
	p.args.names = p.names;
	p.args.nnames = p.nnames;

	/* --kernel first, so that its error is blamed on it */
	err = p.kernel ? krel_check(p.kernel) : 0;
	if (!err)
		err = ctx_init(&ctx, p.root, p.kernel);
	if (err) {
		char shown[80];

		if (p.kernel && krel_check(p.kernel))
			out_error(NULL, err == -EINVAL ? 0 : err, "--kernel '%s': not a release name",
				  printable(p.kernel, shown, sizeof(shown)));
		else if (p.root && !*p.root)
			out_error(NULL, 0, "--root '': empty (without --root, vfioctl works on "
				  "the running system)");
		else
			out_error(NULL, err, "--root '%s'", printable(p.root ? p.root : "", shown,
								      sizeof(shown)));
		out_end();
		free(p.names);
		return EXIT_USAGE;
	}
	ctx.dry_run = p.args.dry_run;
	err = p.cmd->fn(&ctx, &p.args);
	if (err && ctx.exit_status == EXIT_OK) {
		out_error(NULL, err, "%s failed", p.cmd->name);
		ctx_fail(&ctx, EXIT_FAILED);
	}
	out_end();
	ctx_release(&ctx);
	free(p.names);
	return ctx.exit_status;
}
