// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench/bindfloor bind|giveback DRIVER DEVICE...: the sysfs writes of a
 * binding and of giving a device back, and nothing else, for the binding
 * benchmark in the VM (bench/vm-bind). bind: driver_override = DRIVER, the
 * current driver's unbind, drivers_probe. giveback: the driver's unbind,
 * driver_override cleared, drivers_probe. No checks, no verification.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void put(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		perror(path);
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	char path[256];
	int i, bind;

	if (argc < 4 || (strcmp(argv[1], "bind") && strcmp(argv[1], "giveback")))
		return 2;
	bind = !strcmp(argv[1], "bind");
	for (i = 3; i < argc; i++) {
		const char *dev = argv[i];

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", dev);
		if (bind)
			put(path, argv[2]);
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", dev);
		if (access(path, F_OK) == 0)
			put(path, dev);
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", dev);
		if (!bind)
			put(path, "\n");
		put("/sys/bus/pci/drivers_probe", dev);
	}
	return 0;
}
