// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench/runner [-r ROUNDS] [-m MIN] [-b SECONDS] SPEC: run the commands of
 * SPEC (one a line: NAME, TAB, then the argv, TAB-separated; # comments)
 * in alternation, round after round, each round starting one command
 * later, after one unmeasured warm-up run of each. A command stops after
 * ROUNDS runs, or after MIN runs once it has used SECONDS in all. Output
 * is read from /dev/null, written to /dev/null. Prints, per command, a
 * tab-separated line:
 *	NAME RUNS WALL-MEDIAN WALL-MIN WALL-MAX CPU-MEDIAN RSS-MEDIAN STATUS
 * times in milliseconds, CPU = user + system, RSS the peak resident set
 * in KiB of the command and the children it waited for (wait4), STATUS
 * the exit status of the last run (-N: killed by signal N).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 64
#define MAX_ARGS 64
#define MAX_RUNS 1000

struct cmd {
	char *name;
	char *argv[MAX_ARGS + 1];
	double wall[MAX_RUNS], cpu[MAX_RUNS], rss[MAX_RUNS];
	int runs, status;
	double total;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double tv(struct timeval t)
{
	return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

/* One run; wall and CPU in seconds, RSS in KiB. */
static int run(struct cmd *c, double *wall, double *cpu, double *rss)
{
	struct rusage ru;
	int status, fd;
	double t0;
	pid_t pid;

	t0 = now();
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		fd = open("/dev/null", O_RDWR);
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execvp(c->argv[0], c->argv);
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			return -errno;
	*wall = now() - t0;
	*cpu = tv(ru.ru_utime) + tv(ru.ru_stime);
	*rss = (double)ru.ru_maxrss;
	c->status = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	double s[MAX_RUNS];

	memcpy(s, v, (size_t)n * sizeof(*v));
	qsort(s, (size_t)n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	static struct cmd cmds[MAX_CMDS];
	int rounds = 11, min = 3, ncmds = 0, opt, r, k, i;
	double budget = 60, w, c, s;
	char line[8192];
	FILE *f;

	while ((opt = getopt(argc, argv, "r:m:b:")) != -1) {
		switch (opt) {
		case 'r': rounds = atoi(optarg); break;
		case 'm': min = atoi(optarg); break;
		case 'b': budget = atof(optarg); break;
		default: return 2;
		}
	}
	if (optind != argc - 1 || rounds < 1 || rounds > MAX_RUNS || min < 1) {
		fprintf(stderr, "usage: %s [-r ROUNDS] [-m MIN] [-b SECONDS] SPEC\n", argv[0]);
		return 2;
	}
	f = fopen(argv[optind], "r");
	if (!f) {
		perror(argv[optind]);
		return 2;
	}
	while (fgets(line, sizeof(line), f) && ncmds < MAX_CMDS) {
		struct cmd *cm = &cmds[ncmds];
		char *save, *tok;
		int n = 0;

		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		cm->name = strdup(strtok_r(line, "\t", &save));
		while ((tok = strtok_r(NULL, "\t", &save)) && n < MAX_ARGS)
			cm->argv[n++] = strdup(tok);
		if (n == 0)
			continue;
		ncmds++;
	}
	fclose(f);

	for (k = 0; k < ncmds; k++)
		if (run(&cmds[k], &w, &c, &s))
			return 1;
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < ncmds; i++) {
			struct cmd *cm = &cmds[(i + r) % ncmds];

			if (cm->runs >= rounds || (cm->runs >= min && cm->total > budget))
				continue;
			if (run(cm, &w, &c, &s))
				return 1;
			cm->wall[cm->runs] = w;
			cm->cpu[cm->runs] = c;
			cm->rss[cm->runs] = s;
			cm->runs++;
			cm->total += w;
		}
	}
	for (k = 0; k < ncmds; k++) {
		struct cmd *cm = &cmds[k];
		double lo = cm->wall[0], hi = cm->wall[0];

		for (i = 1; i < cm->runs; i++) {
			lo = cm->wall[i] < lo ? cm->wall[i] : lo;
			hi = cm->wall[i] > hi ? cm->wall[i] : hi;
		}
		printf("%s\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.0f\t%d\n", cm->name, cm->runs,
		       median(cm->wall, cm->runs) * 1e3, lo * 1e3, hi * 1e3,
		       median(cm->cpu, cm->runs) * 1e3, median(cm->rss, cm->runs), cm->status);
	}
	return 0;
}
