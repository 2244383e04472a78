// SPDX-License-Identifier: MIT
/*
 * Benchmarks (not the kernel's cases):
 *
 *   --bench=scale  vmalloc+vfree of one page with N live one-page areas
 *                  (N from --live_areas), --pairs timed pairs per worker,
 *                  nr_threads workers at once.  The live areas are made
 *                  once, growing from one N to the next, and not touched
 *                  (as long_busy_list_alloc_test's are not in the kernel);
 *                  the timed areas are touched at both ends.
 *   --bench=mmap   vmalloc+vfree against mmap+munmap of the same sizes
 *                  (--mmap_pages), touching the first and last byte, or
 *                  every page; nr_threads workers at once (default 1).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "tv.h"

static int parse_list(const char *s, unsigned long *out, int max)
{
	int n = 0;

	while (*s && n < max) {
		char *end;
		unsigned long v = strtoul(s, &end, 10);

		if (end == s)
			return -1;
		if (*end == 'k' || *end == 'K') {
			v *= 1000;
			end++;
		} else if (*end == 'm' || *end == 'M') {
			v *= 1000000;
			end++;
		}
		out[n++] = v;
		if (*end == ',')
			end++;
		else if (*end)
			return -1;
		s = end;
	}
	return n;
}

bool bench_list_ok(const char *s);
bool bench_list_ok(const char *s)
{
	unsigned long v[32];
	int n = parse_list(s, v, 32);

	if (n <= 0)
		return false;
	for (int i = 0; i < n; i++)
		if (!v[i] || (i && v[i] < v[i - 1]))
			return false;
	return true;
}

static void touch_ends(void *p, size_t size)
{
	volatile unsigned char *c = p;

	c[0] = 1;
	c[size - 1] = 2;
}

static void touch_all(void *p, size_t size)
{
	volatile unsigned char *c = p;

	for (size_t off = 0; off < size; off += TV_PAGE)
		c[off] = 1;
	c[size - 1] = 2;
}

/* ---- scale ---- */
struct scale_worker {
	pthread_t thread;
	long pairs;
	unsigned long fails;
	double usec;
};

static pthread_barrier_t scale_barrier;

static void *scale_main(void *arg)
{
	struct scale_worker *w = arg;
	long warm = w->pairs / 10 + 1;

	for (long i = 0; i < warm; i++) {
		void *p = vmalloc(TV_PAGE);

		if (p) {
			note_area(p, TV_PAGE);
			touch_ends(p, TV_PAGE);
		}
		vfree(p);
	}
	pthread_barrier_wait(&scale_barrier);
	double t0 = now_usec();

	for (long i = 0; i < w->pairs; i++) {
		void *p = vmalloc(TV_PAGE);

		if (!p) {
			w->fails++;
			continue;
		}
		note_area(p, TV_PAGE);	/* for the resident shadow scan */
		touch_ends(p, TV_PAGE);
		vfree(p);
	}
	w->usec = now_usec() - t0;
	return NULL;
}

int run_scale_bench(FILE *result)
{
	unsigned long live[32];
	int npoints = parse_list(tv.live_areas, live, 32);
	unsigned nthreads = tv.nr_threads ? (unsigned)tv.nr_threads : online_cpus();
	void **areas;
	unsigned long have = 0;
	int status = 0;

	if (npoints <= 0)
		return 2;
	areas = malloc(sizeof(void *) * live[npoints - 1]);
	if (!areas) {
		fprintf(stderr, "test_vmalloc: no memory for %lu pointers\n", live[npoints - 1]);
		return 1;
	}
	for (int k = 0; k < npoints; k++) {
		struct scale_worker *w = calloc(nthreads, sizeof(*w));
		struct vmkasan_stats s;
		double t0 = now_usec(), prealloc_usec, sum = 0;
		unsigned long fails = 0;

		while (have < live[k]) {
			void *p = vmalloc(TV_PAGE);

			if (!p)
				break;
			note_area(p, TV_PAGE);
			areas[have++] = p;
		}
		prealloc_usec = now_usec() - t0;
		vmkasan_get_stats(&s);
		if (have < live[k]) {
			fprintf(stderr, "test_vmalloc: --bench=scale: vmalloc failed at %lu live areas "
				"(failed page %lu shadow %lu area %lu; RAM pages %lu, metadata pages %lu, "
				"VMAs %lu)\n", have, s.failed[0], s.failed[1], s.failed[2], s.ram_pages,
				s.metadata_pages, s.vma_count);
			fprintf(result, "scalefail %lu %lu %lu %lu %lu %lu %lu %lu\n", live[k], have,
				s.failed[0], s.failed[1], s.failed[2], s.ram_pages, s.metadata_pages,
				s.vma_count);
			status = 1;
			free(w);
			break;
		}
		pthread_barrier_init(&scale_barrier, NULL, nthreads);
		for (unsigned i = 0; i < nthreads; i++) {
			w[i].pairs = tv.pairs;
			pthread_create(&w[i].thread, NULL, scale_main, &w[i]);
		}
		for (unsigned i = 0; i < nthreads; i++) {
			pthread_join(w[i].thread, NULL);
			sum += w[i].usec / (double)w[i].pairs;
			fails += w[i].fails;
		}
		pthread_barrier_destroy(&scale_barrier);
		vmkasan_get_stats(&s);
		/* scale N threads us/op prealloc_us/area fails ram meta shadow vmas resident */
		fprintf(result, "scale %lu %u %.4f %.4f %lu %lu %lu %lu %lu %lu\n", live[k], nthreads,
			sum / nthreads, have ? prealloc_usec / (double)have : 0, fails, s.ram_pages,
			s.metadata_pages, s.shadow_pages, s.vma_count, resident_shadow_pages());
		fprintf(stderr, "test_vmalloc [%s] scale: %lu live areas, %u threads: %.3f us/op\n",
			policy_names[tv.child_policy], live[k], nthreads, sum / nthreads);
		free(w);
	}
	for (unsigned long i = 0; i < have; i++)
		vfree(areas[i]);
	free(areas);
	return status;
}

/* ---- vmalloc against mmap ---- */

/* One worker of a timed run: pairs of allocate, touch, free. */
struct pair_worker {
	pthread_t thread;
	pthread_barrier_t *start;
	bool use_mmap;
	size_t size;
	long pairs;
	void (*touch)(void *, size_t);
	unsigned long fails;
};

static void *pair_main(void *arg)
{
	struct pair_worker *w = arg;

	pthread_barrier_wait(w->start);
	for (long i = 0; i < w->pairs; i++) {
		void *p = w->use_mmap ? mmap(NULL, w->size, PROT_READ | PROT_WRITE,
					     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
				      : vmalloc(w->size);

		if (!p || p == MAP_FAILED) {
			w->fails++;
			continue;
		}
		w->touch(p, w->size);
		if (w->use_mmap)
			munmap(p, w->size);
		else
			vfree(p);
	}
	pthread_barrier_wait(w->start);
	return NULL;
}

/* nthreads workers at once; µs of wall time per pair of one worker. */
static double timed_pairs(unsigned nthreads, bool use_mmap, size_t size, long pairs,
			  void (*touch)(void *, size_t), unsigned long *fails)
{
	struct pair_worker w[64];
	pthread_barrier_t start;
	double t0, t1;

	if (nthreads > 64)
		nthreads = 64;
	pthread_barrier_init(&start, NULL, nthreads + 1);
	for (unsigned i = 0; i < nthreads; i++) {
		w[i] = (struct pair_worker){ .start = &start, .use_mmap = use_mmap, .size = size,
					     .pairs = pairs, .touch = touch };
		pthread_create(&w[i].thread, NULL, pair_main, &w[i]);
	}
	pthread_barrier_wait(&start);
	t0 = now_usec();
	pthread_barrier_wait(&start);
	t1 = now_usec();
	for (unsigned i = 0; i < nthreads; i++) {
		pthread_join(w[i].thread, NULL);
		*fails += w[i].fails;
	}
	pthread_barrier_destroy(&start);
	return (t1 - t0) / (double)pairs;
}

/* Each point: nr_threads workers (default 1) each time their own pairs
 * of vmalloc+touch+vfree, then of mmap+touch+munmap. */
int run_mmap_bench(FILE *result)
{
	unsigned long sizes[32];
	int n = parse_list(tv.mmap_pages, sizes, 32);
	unsigned nthreads = tv.nr_threads > 0 ? (unsigned)tv.nr_threads : 1;

	if (n <= 0)
		return 2;
	for (int k = 0; k < n; k++) {
		size_t size = sizes[k] * TV_PAGE;
		long pairs = tv.pairs / (long)(sizes[k] > 4 ? sizes[k] / 4 : 1);

		if (pairs < 200)
			pairs = 200;
		for (int all = 0; all < 2; all++) {
			void (*touch)(void *, size_t) = all ? touch_all : touch_ends;
			double tv_us, mm_us;
			unsigned long fails = 0;

			timed_pairs(nthreads, false, size, pairs / 10, touch, &fails);	/* warm up */
			fails = 0;
			tv_us = timed_pairs(nthreads, false, size, pairs, touch, &fails);
			mm_us = timed_pairs(nthreads, true, size, pairs, touch, &fails);
			fprintf(result, "mmap %lu %d %ld %.4f %.4f %lu\n", sizes[k], all, pairs, tv_us,
				mm_us, fails);
		}
	}
	return 0;
}
