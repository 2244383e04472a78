// SPDX-License-Identifier: MIT
/*
 * The test cases of the kernel's lib/test_vmalloc.c (Uladzislau Rezki),
 * written again for vmkasan's vmalloc space, and the worker threads that
 * run them as the module does: every worker runs every selected case,
 * in a shuffled order unless sequential_test_order, test_repeat_count
 * times in a row, timing the repeats together.
 *
 * Where the kernel only writes the first byte, these write the first and
 * the last byte of every allocation through instrumented code (so the
 * KASAN checks run on both ends), check that __GFP_ZERO memory reads as
 * zero, that vm_map_ram() aliases the pages it was given, and, in the
 * instrumented build with a vmalloc shadow, that the byte after each
 * area is poisoned.  A failed allocation is counted and handled (the
 * kernel's vm_map_ram_test would oops on one); a failed check is an
 * integrity error and fails the run whatever the RAM budget.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tv.h"

/* x86-64 with KASAN: THREAD_SIZE = 32 KiB, THREAD_ALIGN = THREAD_SIZE. */
#define THREAD_ALIGN	(32UL << 10)

const char *const case_names[NR_CASES] = {
	"fix_size_alloc_test", "full_fit_alloc_test", "long_busy_list_alloc_test",
	"random_size_alloc_test", "fix_align_alloc_test", "random_size_align_alloc_test",
	"align_shift_alloc_test", "pcpu_alloc_test", "kvfree_rcu_1_arg_vmalloc_test",
	"kvfree_rcu_2_arg_vmalloc_test", "vm_map_ram_test",
};

bool case_applies(int c)
{
	return c != C_KVFREE_RCU_1 && c != C_KVFREE_RCU_2;
}

bool case_must_pass(int c)
{
	return c != C_ALIGN_SHIFT;
}

struct worker {
	pthread_t thread;
	int id;
	uint64_t rng;
	struct case_result res[NR_CASES];
	double usec_all;
	/* The case running now, for progress lines. */
	int cur_case, cur_repeat;
	/* Counters of the case running now. */
	unsigned long ops, fails;
};

static struct worker *workers;
static unsigned nr_workers;
static pthread_barrier_t start_barrier;
static bool shadow_checks;		/* instrumented, with a vmalloc shadow */
static unsigned long integrity_errors;	/* atomic */
static volatile int all_done;

/* ---- randomness: per worker, reproducible from --seed ---- */
static uint32_t rnd32(struct worker *w)
{
	uint64_t x = w->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	w->rng = x;
	return (uint32_t)((x * 0x2545F4914F6CDD1DULL) >> 32);
}

static uint32_t rnd_inclusive(struct worker *w, uint32_t lo, uint32_t hi)
{
	return lo + rnd32(w) % (hi - lo + 1);
}

static uint32_t rnd_below(struct worker *w, uint32_t n)
{
	return n ? rnd32(w) % n : 0;
}

/* ---- bookkeeping and checks ---- */
/* One allocation op done: count it, note where it is (before a sample
 * can scan for its shadow), maybe sample. */
static void *counted_at(struct worker *w, void *p, size_t span)
{
	if (p)
		note_area(p, span);
	w->ops++;
	if (!p)
		w->fails++;
	op_tick();
	return p;
}

#define counted(w, p, size) counted_at(w, p, size)

static void integrity(struct worker *w, const char *what, const void *p)
{
	unsigned long n = __atomic_add_fetch(&integrity_errors, 1, __ATOMIC_RELAXED);

	if (n <= 10)
		fprintf(stderr, "test_vmalloc: %s: worker %d: %s (at %p)\n", case_names[w->cur_case],
			w->id, what, p);
}

/*
 * Touch an allocation of size bytes through instrumented code: check
 * the zeroing asked for, write the first and the last byte, read them
 * back, and check that the byte after it is poisoned.
 */
static void touch(struct worker *w, void *p, size_t size, bool zero, bool poisoned_after)
{
	volatile unsigned char *c = p;

	note_area(p, size);
	if (zero && (c[0] || c[size - 1]))
		integrity(w, "__GFP_ZERO memory is not zero", p);
	c[0] = 0xa5;
	c[size - 1] = 0x5a;
	if ((size > 1 && c[0] != 0xa5) || c[size - 1] != 0x5a)
		integrity(w, "memory does not keep what was written", p);
#if TV_INSTRUMENTED
	if (poisoned_after && shadow_checks && !vmkasan_region_is_poisoned(c + size, 1))
		integrity(w, "the byte after the allocation is not poisoned", (char *)p + size);
#else
	(void)poisoned_after;
#endif
}

static void check_align(struct worker *w, const void *p, unsigned long align)
{
	if ((uintptr_t)p & (align - 1))
		integrity(w, "allocation is not aligned as asked", p);
}

/* ---- the cases ---- */
static int fix_size_alloc_test(struct worker *w)
{
	size_t size = (size_t)(tv.nr_pages > 0 ? tv.nr_pages : 1) * TV_PAGE;

	for (long i = 0; i < tv.test_loop_count; i++) {
		void *p = counted(w, CALL(vmalloc(size)), size);

		if (!p)
			return -1;
		touch(w, p, size, false, true);
		CALLV(vfree(p));
	}
	return 0;
}

static unsigned fls_u(unsigned x)
{
	return x ? 32 - (unsigned)__builtin_clz(x) : 0;
}

/*
 * Pairs of one-page areas, then every second one freed: the free space
 * is holes that a one-page allocation (with its guard) fits exactly.
 */
static int full_fit_alloc_test(struct worker *w)
{
	long junk_length = tv.full_fit_junk_length ? tv.full_fit_junk_length :
			   (long)fls_u(online_cpus()) * (long)((32UL << 20) / TV_PAGE);
	void **ptr, **junk_ptr;
	int rv = -1;

	ptr = counted(w, CALL(vmalloc(sizeof(void *) * (size_t)junk_length)), sizeof(void *) * (size_t)junk_length);
	if (!ptr)
		return rv;
	touch(w, ptr, sizeof(void *) * (size_t)junk_length, false, true);
	junk_ptr = counted(w, CALL(vmalloc(sizeof(void *) * (size_t)junk_length)), sizeof(void *) * (size_t)junk_length);
	if (!junk_ptr) {
		CALLV(vfree(ptr));
		return rv;
	}
	touch(w, junk_ptr, sizeof(void *) * (size_t)junk_length, false, true);

	for (long i = 0; i < junk_length; i++) {
		ptr[i] = counted(w, CALL(vmalloc(TV_PAGE)), TV_PAGE);
		junk_ptr[i] = counted(w, CALL(vmalloc(TV_PAGE)), TV_PAGE);
		if (ptr[i])
			touch(w, ptr[i], TV_PAGE, false, true);
		if (junk_ptr[i])
			touch(w, junk_ptr[i], TV_PAGE, false, true);
	}
	for (long i = 0; i < junk_length; i++)
		CALLV(vfree(junk_ptr[i]));

	for (long i = 0; i < tv.test_loop_count; i++) {
		void *tmp = counted(w, CALL(vmalloc(TV_PAGE)), TV_PAGE);

		if (!tmp)
			goto error;
		touch(w, tmp, TV_PAGE, false, true);
		CALLV(vfree(tmp));
	}
	rv = 0;
error:
	for (long i = 0; i < junk_length; i++)
		CALLV(vfree(ptr[i]));
	CALLV(vfree(ptr));
	CALLV(vfree(junk_ptr));
	return rv;
}

/* Many live one-page areas (the kernel's 15000), then pairs of a
 * 100-page and a one-page allocation among them. */
static int long_busy_list_alloc_test(struct worker *w)
{
	long n = tv.busy_list_length;
	void **ptr;
	int rv = -1;

	ptr = counted(w, CALL(vmalloc(sizeof(void *) * (size_t)n)), sizeof(void *) * (size_t)n);
	if (!ptr)
		return rv;
	touch(w, ptr, sizeof(void *) * (size_t)n, false, true);
	for (long i = 0; i < n; i++) {
		ptr[i] = counted(w, CALL(vmalloc(TV_PAGE)), TV_PAGE);
		if (ptr[i])
			touch(w, ptr[i], TV_PAGE, false, true);
	}

	for (long i = 0; i < tv.test_loop_count; i++) {
		void *ptr_1 = counted(w, CALL(vmalloc(100 * TV_PAGE)), 100 * TV_PAGE), *ptr_2;

		if (!ptr_1)
			goto leave;
		ptr_2 = counted(w, CALL(vmalloc(TV_PAGE)), TV_PAGE);
		if (!ptr_2) {
			CALLV(vfree(ptr_1));
			goto leave;
		}
		touch(w, ptr_1, 100 * TV_PAGE, false, true);
		touch(w, ptr_2, TV_PAGE, false, true);
		CALLV(vfree(ptr_1));
		CALLV(vfree(ptr_2));
	}
	rv = 0;
leave:
	for (long i = 0; i < n; i++)
		CALLV(vfree(ptr[i]));
	CALLV(vfree(ptr));
	return rv;
}

static int random_size_alloc_test(struct worker *w)
{
	for (long i = 0; i < tv.test_loop_count; i++) {
		size_t size = rnd_inclusive(w, 1, 100) * TV_PAGE;
		void *p = counted(w, CALL(vmalloc(size)), size);

		if (!p)
			return -1;
		touch(w, p, size, false, true);
		CALLV(vfree(p));
	}
	return 0;
}

static void *zalloc_node(unsigned long size, unsigned long align)
{
	return __vmalloc_node(size, align, GFP_KERNEL | __GFP_ZERO, 0,
			      __builtin_return_address(0));
}

static int fix_align_alloc_test(struct worker *w)
{
	for (long i = 0; i < tv.test_loop_count; i++) {
		void *p = counted(w, CALL(zalloc_node(5 * TV_PAGE, THREAD_ALIGN << 1)), 5 * TV_PAGE);

		if (!p)
			return -1;
		check_align(w, p, THREAD_ALIGN << 1);
		touch(w, p, 5 * TV_PAGE, true, true);
		CALLV(vfree(p));
	}
	return 0;
}

static int random_size_align_alloc_test(struct worker *w)
{
	for (long i = 0; i < tv.test_loop_count; i++) {
		unsigned rnd = rnd32(w) & 0xff;
		unsigned long align = 1UL << (rnd % 23);	/* up to 1024 pages */
		unsigned long size = ((rnd % 10) + 1) * TV_PAGE;	/* up to 10 pages */
		void *p = counted(w, CALL(zalloc_node(size, align)), size);

		if (!p)
			return -1;
		check_align(w, p, align);
		touch(w, p, size, true, true);
		CALLV(vfree(p));
	}
	return 0;
}

/* Expected to fail, as in the kernel: alignments up to 2^63 run out of
 * the vmalloc space. */
static int align_shift_alloc_test(struct worker *w)
{
	for (int i = 0; i < 64; i++) {
		unsigned long align = 1UL << i;
		void *p = counted(w, CALL(zalloc_node(TV_PAGE, align)), TV_PAGE);

		if (!p)
			return -1;
		check_align(w, p, align);
		touch(w, p, TV_PAGE, true, true);
		CALLV(vfree(p));
	}
	return 0;
}

/* Bytes from a per-cpu pointer to the end of its last CPU's copy. */
static size_t pcpu_span(void *p, size_t size)
{
	return p ? (size_t)((char *)per_cpu_ptr((char *)p, nr_cpu_ids - 1) - (char *)p) + size : 0;
}

static int pcpu_alloc_test(struct worker *w)
{
	long n = tv.pcpu_alloc_count;
	void **pcpu;
	int rv = 0;

	pcpu = counted(w, CALL(vmalloc(sizeof(void *) * (size_t)n)), sizeof(void *) * (size_t)n);
	if (!pcpu)
		return -1;
	touch(w, pcpu, sizeof(void *) * (size_t)n, false, true);
	for (long i = 0; i < n; i++) {
		size_t size = rnd_inclusive(w, 1, TV_PAGE / 4);
		size_t align = 1UL << rnd_inclusive(w, 1, 11);	/* up to PAGE_SIZE / 2 */
		void *pp = CALL(__alloc_percpu(size, align));

		pcpu[i] = counted(w, pp, pcpu_span(pp, size));
		if (!pcpu[i]) {
			rv = -1;
			continue;
		}
		check_align(w, pcpu[i], align);
		for (unsigned cpu = 0; cpu < nr_cpu_ids; cpu++)
			touch(w, per_cpu_ptr(pcpu[i], cpu), size, true, false);
	}
	for (long i = 0; i < n; i++)
		CALLV(free_percpu(pcpu[i]));
	CALLV(vfree(pcpu));
	return rv;
}

static int vm_map_ram_test(struct worker *w)
{
	unsigned int map_nr_pages = tv.nr_pages > 0 ? (unsigned)tv.nr_pages : 1;
	size_t size = (size_t)map_nr_pages * TV_PAGE;
	struct page **pages = calloc(map_nr_pages, sizeof(*pages));
	unsigned long nr_allocated = 0;
	int rv = -1;

	if (!pages)
		return -1;
	for (; nr_allocated < map_nr_pages; nr_allocated++)
		if (!(pages[nr_allocated] = CALL(alloc_page(GFP_KERNEL))))
			break;
	if (nr_allocated != map_nr_pages) {
		w->fails++;
		goto cleanup;
	}
	for (long i = 0; i < tv.test_loop_count; i++) {
		unsigned char *v_ptr = counted(w, CALL(vm_map_ram(pages, map_nr_pages, NUMA_NO_NODE)), size);
		volatile unsigned char *first, *last;

		if (!v_ptr)
			goto cleanup;
		touch(w, v_ptr, size, false, true);
		v_ptr[0] = 'a';
		/* The mapping aliases the pages: read them through the linear map. */
		first = page_address(pages[0]);
		last = (unsigned char *)page_address(pages[map_nr_pages - 1]) + TV_PAGE - 1;
		if (*first != 'a' || *last != 0x5a)
			integrity(w, "vm_map_ram() does not map the pages it was given", v_ptr);
		CALLV(vm_unmap_ram(v_ptr, map_nr_pages));
	}
	rv = 0;
cleanup:
	for (unsigned long i = 0; i < nr_allocated; i++)
		CALLV(__free_page(pages[i]));
	free(pages);
	return rv;
}

/*
 * A deliberate one-byte read past a vmalloc'd area: proves that this
 * binary's checks are live (a run without reports means something only
 * if a bad access would have been reported).  Returns the reports made.
 */
static unsigned long run_canary(void)
{
	unsigned long before = vmkasan_report_count();
	volatile unsigned char *p;

	if (!shadow_checks) {
		printf("Canary: skipped (no vmalloc shadow checks in this binary and policy)\n");
		return 0;
	}
	p = vmalloc(100);
	if (!p) {
		printf("Canary: vmalloc failed\n");
		return 0;
	}
	fprintf(stderr, "test_vmalloc: canary: reading p[100] of a 100-byte vmalloc area, "
		"a report must follow\n");
	(void)p[100];
	vfree((void *)p);
	if (vmkasan_report_count() == before) {
		__atomic_add_fetch(&integrity_errors, 1, __ATOMIC_RELAXED);
		printf("Canary: NOT detected: the out-of-bounds read was not reported\n");
	} else {
		printf("Canary: detected (%lu report)\n", vmkasan_report_count() - before);
	}
	return vmkasan_report_count() - before;
}

static int (*const case_fn[NR_CASES])(struct worker *) = {
	fix_size_alloc_test, full_fit_alloc_test, long_busy_list_alloc_test,
	random_size_alloc_test, fix_align_alloc_test, random_size_align_alloc_test,
	align_shift_alloc_test, pcpu_alloc_test, NULL, NULL, vm_map_ram_test,
};

/* ---- workers ---- */
static bool selected(int c)
{
	return ((unsigned long)tv.run_test_mask >> c) & 1;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	int order[NR_CASES];
	double t_all;

	for (int i = 0; i < NR_CASES; i++)
		order[i] = i;
	if (!tv.sequential_test_order)
		for (int i = NR_CASES - 1; i > 0; i--) {	/* the kernel's shuffle_array */
			int j = (int)rnd_below(w, (uint32_t)i), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
	pthread_barrier_wait(&start_barrier);
	t_all = now_usec();
	for (int i = 0; i < NR_CASES; i++) {
		int c = order[i];
		struct case_result *r = &w->res[c];
		double t0;

		if (!selected(c) || !case_applies(c))
			continue;
		__atomic_store_n(&w->cur_case, c, __ATOMIC_RELAXED);
		w->ops = w->fails = 0;
		t0 = now_usec();
		for (long j = 0; j < tv.test_repeat_count; j++) {
			__atomic_store_n(&w->cur_repeat, (int)j, __ATOMIC_RELAXED);
			if (!case_fn[c](w))
				r->passed++;
			else
				r->failed++;
		}
		r->usec = now_usec() - t0;
		r->avg_usec = r->usec / (double)tv.test_repeat_count;
		r->ops = w->ops;
		r->alloc_failures = w->fails;
	}
	w->usec_all = now_usec() - t_all;
	__atomic_store_n(&w->cur_case, -1, __ATOMIC_RELAXED);
	return NULL;
}

static pthread_mutex_t progress_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t progress_cond = PTHREAD_COND_INITIALIZER;

/* Progress on stderr, every tv.progress seconds of a long run. */
static void *progress_main(void *arg)
{
	const char *policy = arg;
	double start = now_usec();

	pthread_mutex_lock(&progress_lock);
	while (!all_done) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += tv.progress;
		pthread_cond_timedwait(&progress_cond, &progress_lock, &ts);
		if (all_done)
			break;
		fprintf(stderr, "test_vmalloc [%s] %.0f s, %lu ops:", policy,
			(now_usec() - start) / 1e6, total_ops());
		for (unsigned i = 0; i < nr_workers; i++) {
			int c = __atomic_load_n(&workers[i].cur_case, __ATOMIC_RELAXED);

			if (c >= 0)
				fprintf(stderr, " worker%u %s %d/%ld;", i, case_names[c],
					__atomic_load_n(&workers[i].cur_repeat, __ATOMIC_RELAXED) + 1,
					tv.test_repeat_count);
			else
				fprintf(stderr, " worker%u done;", i);
		}
		fputc('\n', stderr);
	}
	pthread_mutex_unlock(&progress_lock);
	return NULL;
}

static bool alloc_failures_tolerated(const struct vmkasan_stats *s)
{
	const char *o = getenv("VMKASAN_OPTIONS");

	return s->ram_budget_pages || (o && (strstr(o, "fail_nth=") || strstr(o, "fail_prob=")));
}

int run_tests(FILE *result)
{
	const char *policy = policy_names[tv.child_policy];
	struct vmkasan_stats s;
	struct sample_summary sum;
	pthread_t progress;
	bool tolerated, must_pass_failed = false;
	unsigned long reports, canary_reports = 0;
	int status = 0;

	shadow_checks = TV_INSTRUMENTED && tv.child_policy != P_OFF;
	nr_workers = tv.nr_threads ? (unsigned)tv.nr_threads : online_cpus();
	workers = calloc(nr_workers, sizeof(*workers));
	if (!workers) {
		fprintf(stderr, "test_vmalloc: out of memory for %u workers\n", nr_workers);
		return 1;
	}
	sample_init(policy, tv.csv, (unsigned long)tv.sample_interval, nr_workers);
	if (tv.canary)
		canary_reports = run_canary();
	sample_now("start");
	pthread_barrier_init(&start_barrier, NULL, nr_workers);
	if (tv.progress)
		pthread_create(&progress, NULL, progress_main, (void *)policy);
	for (unsigned i = 0; i < nr_workers; i++) {
		workers[i].id = (int)i;
		workers[i].cur_case = -1;
		workers[i].rng = ((uint64_t)tv.seed * 0x9E3779B97F4A7C15ULL) ^ ((uint64_t)(i + 1) << 32) ^ 1;
		for (int k = 0; k < 8; k++)
			rnd32(&workers[i]);
		if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i])) {
			fprintf(stderr, "test_vmalloc: cannot start worker %u\n", i);
			exit(1);
		}
	}
	for (unsigned i = 0; i < nr_workers; i++)
		pthread_join(workers[i].thread, NULL);
	if (tv.progress) {
		pthread_mutex_lock(&progress_lock);
		all_done = 1;
		pthread_cond_signal(&progress_cond);
		pthread_mutex_unlock(&progress_lock);
		pthread_join(progress, NULL);
	}
	vmkasan_get_stats(&s);
	sample_finish(&sum);
	reports = vmkasan_report_count() - canary_reports;
	tolerated = alloc_failures_tolerated(&s);

	/* The kernel's summary, per worker. */
	for (unsigned i = 0; i < nr_workers; i++) {
		for (int c = 0; c < NR_CASES; c++) {
			struct case_result *r = &workers[i].res[c];

			if (!selected(c) || !case_applies(c))
				continue;
			printf("Summary: %s passed: %ld failed: %ld repeat: %ld loops: %ld avg: %.0f usec\n",
			       case_names[c], r->passed, r->failed, tv.test_repeat_count,
			       tv.test_loop_count, r->avg_usec);
			if (r->failed && case_must_pass(c) && !tolerated)
				must_pass_failed = true;
			fprintf(result, "case %d %u %ld %ld %lu %lu %.3f %.3f\n", c, i, r->passed,
				r->failed, r->ops, r->alloc_failures, r->usec, r->avg_usec);
		}
		printf("All test took worker%u=%.0f usec\n", i, workers[i].usec_all);
	}
	if (selected(C_KVFREE_RCU_1) || selected(C_KVFREE_RCU_2))
		printf("Skipped: kvfree_rcu_1_arg_vmalloc_test, kvfree_rcu_2_arg_vmalloc_test "
		       "(kvfree_rcu needs RCU, which user space does not have)\n");
	if (integrity_errors)
		printf("Integrity errors: %lu (see stderr)\n", integrity_errors);
	if (reports)
		printf("KASAN reports: %lu (see stderr)\n", reports);
	if (must_pass_failed)
		printf("A case that must pass failed\n");
	else if (tolerated)
		printf("Allocation failures tolerated: RAM budget or fault injection set\n");
	fflush(stdout);

	fprintf(result, "mem ram_peak %lu\nmem ram_budget %lu\nmem shadow_peak %lu\n"
		"mem metadata %lu\nmem purges %lu\nmem bad_frees %lu\n",
		s.ram_pages_peak, s.ram_budget_pages, s.shadow_pages_peak, s.metadata_pages,
		s.purges, s.bad_frees);
	for (int i = 0; i < VMKASAN_FAIL_NR; i++)
		fprintf(result, "mem failed%d %lu\nmem injected%d %lu\n", i, s.failed[i], i,
			s.injected[i]);
	fprintf(result, "mem samples %lu\nmem resident_peak %lu\nmem resident_final %lu\n"
		"mem resident_after_purge %lu\nmem lb_at_peak %lu\nmem max_ratio %.4f\n"
		"mem over_bound %lu\nmem over_used %lu\nmem cache %lu\nmem vma_peak %lu\nmem reports %lu\n"
		"mem integrity %lu\nmem tolerated %d\nmem ops %lu\nmem threads %u\n",
		sum.samples, sum.resident_peak, sum.resident_final, sum.resident_after_purge,
		sum.lower_bound_at_peak, sum.max_ratio, sum.over_bound, sum.over_used, sum.cache, sum.vma_peak,
		reports, integrity_errors, tolerated, total_ops(), nr_workers);
	if (integrity_errors || reports || must_pass_failed)
		status = 1;
	return status;
}
