// SPDX-License-Identifier: MIT
/*
 * vmalloc(N) + touch one byte + vfree against mmap(N) + touch one byte +
 * munmap, for N from 4 KiB to 1 GiB (issue 19's first row: a large area
 * costs what is touched, not its size).  Built with vmkasan-cc; run by
 * bench/run-vmalloc-bench.sh, which interleaves runs and takes medians.
 *
 *   vmsize		prints "N mmap_ns vmalloc_ns" per size, each the median
 *			of 9 repetitions, the two alternating
 *   vmsize rss		prints "RSS2G <KiB>": how much the peak RSS grew over
 *			an untouched malloc(2 GiB) and its free; and
 *			"HUGE <result> <errno>" for malloc(1UL << 39)
 */
#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <vmkasan.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

#define REPS 9

static long long median(long long *v)
{
	qsort(v, REPS, sizeof(*v), cmp_ll);
	return v[REPS / 2];
}

static long max_rss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static int rss(void)
{
	long before = max_rss_kib();
	void *p = malloc(2UL << 30), *q;

	if (!p)
		return 1;
	free(p);
	printf("RSS2G %ld\n", max_rss_kib() - before);
	errno = 0;
	q = malloc(1UL << 39);
	printf("HUGE %s %s\n", q ? "block" : "NULL", q ? "-" : strerror(errno));
	free(q);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "rss"))
		return rss();
	for (unsigned long n = 4096; n <= (1UL << 30); n <<= 2) {
		long long tm[REPS], tv[REPS];

		/* Alternate the two within the size: same machine state. */
		for (int r = 0; r < REPS; r++) {
			long long t0 = now_ns();
			volatile char *m = mmap(NULL, n, PROT_READ | PROT_WRITE,
						MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (m == MAP_FAILED)
				return 1;
			m[n / 2] = 1;
			munmap((void *)m, n);
			tm[r] = now_ns() - t0;

			t0 = now_ns();
			volatile char *v = vmalloc(n);

			if (!v)
				return 1;
			v[n / 2] = 1;
			vfree((void *)v);
			tv[r] = now_ns() - t0;
		}
		printf("%lu %lld %lld\n", n, median(tm), median(tv));
	}
	return 0;
}
