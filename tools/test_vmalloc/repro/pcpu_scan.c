// SPDX-License-Identifier: MIT
/*
 * Repro: __alloc_percpu() costs grow with the number of chunks.
 *
 * pcpu_alloc() (src/core/percpu.c) tries every chunk in turn with
 * find_free(), which tests the allocation bitmap one granule at a time
 * (2048 per 32 KiB unit) even when the chunk is full: an allocation
 * costs O(chunks x 2048).  pcpu_alloc_test's 35000 allocations spend
 * 97% of their time in find_free (perf), about 9 s; free_percpu's
 * chunk_of() is linear in the chunks too.
 *
 * Prints the cost of a 1 KiB per-cpu allocation as live ones pile up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "vmkasan.h"

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

int main(void)
{
	enum { N = 32000, STEP = 4000 };
	static void *p[N];
	double t0 = now_us();

	for (int i = 0; i < N; i++) {
		p[i] = __alloc_percpu(1024, 64);
		if (!p[i]) {
			printf("allocation %d failed\n", i);
			return 1;
		}
		if ((i + 1) % STEP == 0) {
			double t = now_us();

			printf("live %5d (~%4d chunks): %7.1f us per __alloc_percpu\n", i + 1,
			       (i + 1) / 31, (t - t0) / STEP);
			t0 = t;
		}
	}
	t0 = now_us();
	for (int i = 0; i < N; i++)
		free_percpu(p[i]);
	printf("free_percpu: %.1f us each\n", (now_us() - t0) / N);
	return 0;
}
