// SPDX-License-Identifier: MIT
/*
 * Repro: an uninstrumented caller built without frame pointers makes
 * every vmalloc()/vfree() read /proc/self/maps.
 *
 * vmalloc() and vfree() record a call trace (stack_depot_save_here)
 * starting from CALLER_FP, the caller's saved %rbp.  In code built with
 * -fomit-frame-pointer (gcc's default at -O2) %rbp is an ordinary
 * register, so the walk starts from a garbage "frame pointer";
 * save_trace() asks plat_stack_bounds() for the mapping holding it,
 * which is not the cached thread stack, so find_mapping() opens and
 * reads /proc/self/maps on every call (src/hosted/machine.c).
 *
 * Build and run with run.sh; it prints the read() system calls per
 * vmalloc+vfree pair with and without frame pointers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmkasan.h"

static unsigned long read_syscalls(void)
{
	char line[128];
	unsigned long n = 0;
	FILE *f = fopen("/proc/self/io", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "syscr:", 6))
			n = strtoul(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20000;
	struct timespec t0, t1;
	unsigned long r0, r1;
	/* Keep a non-stack pointer live in registers across the loop, as
	 * real code does; without frame pointers it may land in %rbp. */
	volatile char **keep = malloc(sizeof(*keep) * 4);

	r0 = read_syscalls();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < n; i++) {
		char *p = vmalloc(4096);

		keep[i & 3] = p;
		p[0] = 1;
		vfree(p);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r1 = read_syscalls();
	printf("%-22s %.2f us per vmalloc+vfree, %.2f read() calls per pair\n", argv[0],
	       ((t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3) / n,
	       (double)(r1 - r0 - 1) / n);
	return 0;
}
