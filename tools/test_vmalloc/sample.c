// SPDX-License-Identifier: MIT
/*
 * Memory accounting of a test_vmalloc run: every sample_interval
 * allocation ops one thread (under a lock) records live vmalloc bytes,
 * the shadow lower bound, the vmalloc shadow pages *resident in this
 * process* and RAM pages in use.
 *
 * Resident shadow is measured, not taken from the runtime's counters:
 * mincore() over the used part of the vmalloc shadow region, from the
 * shadow of VMALLOC_START up to the shadow of the highest address any
 * allocation of this run ever reached, plus a margin.  mincore() reads
 * no shadow byte (on this machine reading an untouched anonymous page
 * allocates one), and the range stays small because vmalloc hands out
 * the lowest free addresses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "tv.h"

/* Shadow scanned beyond the highest address used: catches shadow pages
 * populated a little past any area (2 MiB of shadow = 16 MiB of space). */
#define SCAN_MARGIN	(2UL << 20)

static pthread_mutex_t sample_lock = PTHREAD_MUTEX_INITIALIZER;
/*
 * With several workers a sample must not see an allocation or a free
 * half done (shadow mapped but not yet counted, or counted but not yet
 * mapped): each thread holds its own slot's mutex across each allocator
 * call, the sampler takes every slot's.  One lock (and one op counter)
 * per thread, each on its own cache line: a shared rwlock made two
 * workers pass its line to and fro twice per call, a cost of the tool
 * that section 6 of bench.sh then charged to vmalloc.
 */
#define SLOTS 64
static struct slot {
	pthread_mutex_t lock;
	unsigned long ops;		/* atomic */
} __attribute__((aligned(64))) slots[SLOTS];
static unsigned nr_slots_used;		/* atomic */
static __thread struct slot *my_slot;
static bool use_quiesce;
static FILE *csv;
static const char *policy;
static unsigned long interval, thread_interval;
static uintptr_t highest;		/* atomic */
static unsigned char *vec;
static size_t vec_cap;
static struct sample_summary sum;

/* The refcount policy's cache as the runtime sized it (the option, or
 * per CPU). */
unsigned long shadow_cache_option(void)
{
	struct vmkasan_stats s;

	vmkasan_get_stats(&s);
	return s.shadow_cache_max;
}

/*
 * The scanned ranges: the dense part of the space, from VMALLOC_START up
 * to the highest end reached by growing in steps of at most DENSE_STEP,
 * and a few far-off areas (align_shift_alloc_test puts areas at 2^39
 * alignments), each scanned on its own so the scan stays small.
 */
#define DENSE_STEP	(64UL << 20)
#define MAX_FAR		256
#define FAR_MARGIN	(2 * TV_PAGE)	/* shadow bytes around a far area */

static pthread_mutex_t far_lock = PTHREAD_MUTEX_INITIALIZER;
static struct { uintptr_t lo, hi; } far[MAX_FAR];	/* shadow ranges, page-aligned */
static unsigned nr_far;

static uintptr_t shadow_page_down(uintptr_t a)
{
	return (uintptr_t)kasan_mem_to_shadow((void *)a) & ~(TV_PAGE - 1);
}

static uintptr_t shadow_page_up(uintptr_t a)
{
	return ((uintptr_t)kasan_mem_to_shadow((void *)a) + TV_PAGE - 1) & ~(TV_PAGE - 1);
}

static void note_far(uintptr_t start, uintptr_t end)
{
	uintptr_t lo = shadow_page_down(start) - FAR_MARGIN, hi = shadow_page_up(end) + FAR_MARGIN;

	pthread_mutex_lock(&far_lock);
	for (unsigned i = 0; i < nr_far; i++) {
		if (lo <= far[i].hi && hi >= far[i].lo) {
			if (lo < far[i].lo)
				far[i].lo = lo;
			if (hi > far[i].hi)
				far[i].hi = hi;
			pthread_mutex_unlock(&far_lock);
			return;
		}
	}
	if (nr_far < MAX_FAR) {
		far[nr_far].lo = lo;
		far[nr_far].hi = hi;
		nr_far++;
	} else {
		/* Full: extend the last range (the scan grows, stays right). */
		if (lo < far[MAX_FAR - 1].lo)
			far[MAX_FAR - 1].lo = lo;
		if (hi > far[MAX_FAR - 1].hi)
			far[MAX_FAR - 1].hi = hi;
	}
	pthread_mutex_unlock(&far_lock);
}

void note_area(const void *addr, size_t size)
{
	uintptr_t start = (uintptr_t)addr, end = start + size + TV_PAGE;
	uintptr_t cur = __atomic_load_n(&highest, __ATOMIC_RELAXED);

	if (cur < VMALLOC_START)
		cur = VMALLOC_START;
	if (end <= cur)
		return;
	if (start > cur + DENSE_STEP) {
		note_far(start, end);
		return;
	}
	while (end > cur && !__atomic_compare_exchange_n(&highest, &cur, end, true,
							  __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

/* Resident pages of the shadow range [lo, hi), clipped to [min, max). */
static unsigned long scan(uintptr_t lo, uintptr_t hi, uintptr_t min, uintptr_t max)
{
	unsigned long resident = 0;
	size_t n;

	if (lo < min)
		lo = min;
	if (hi > max)
		hi = max;
	if (lo >= hi)
		return 0;
	n = (hi - lo) / TV_PAGE;
	if (n > vec_cap) {
		unsigned char *nv = realloc(vec, n);

		if (!nv)
			return 0;
		vec = nv;
		vec_cap = n;
	}
	if (mincore((void *)lo, hi - lo, vec)) {
		fprintf(stderr, "test_vmalloc: mincore(%#lx, %#lx): %s\n", (unsigned long)lo,
			(unsigned long)(hi - lo), strerror(errno));
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		resident += vec[i] & 1;
	return resident;
}

unsigned long resident_shadow_pages(void)
{
	uintptr_t min = shadow_page_down(VMALLOC_START), max = shadow_page_down(VMALLOC_END);
	uintptr_t h = __atomic_load_n(&highest, __ATOMIC_RELAXED), dense_hi;
	unsigned long resident;

	if (h < VMALLOC_START)
		h = VMALLOC_START;
	dense_hi = shadow_page_up(h) + SCAN_MARGIN;
	resident = scan(min, dense_hi, min, max);
	pthread_mutex_lock(&far_lock);
	for (unsigned i = 0; i < nr_far; i++)
		/* Parts below dense_hi were counted already. */
		resident += scan(far[i].lo > dense_hi ? far[i].lo : dense_hi, far[i].hi, min, max);
	pthread_mutex_unlock(&far_lock);
	return resident;
}

/* Caller holds sample_lock. */
static unsigned long take(unsigned long op, const char *event)
{
	struct vmkasan_stats s;
	unsigned long resident;

	vmkasan_get_stats(&s);
	resident = resident_shadow_pages();
	sum.samples++;
	if (resident > sum.resident_peak) {
		sum.resident_peak = resident;
		sum.lower_bound_at_peak = s.shadow_lower_bound;
	}
	if (s.shadow_lower_bound) {
		double r = (double)resident / (double)s.shadow_lower_bound;

		if (r > sum.max_ratio)
			sum.max_ratio = r;
	}
	if ((double)resident > 1.1 * (double)s.shadow_lower_bound + (double)sum.cache)
		sum.over_bound++;
	if (resident > s.shadow_pages_used + sum.cache)
		sum.over_used++;
	if (s.vma_count > sum.vma_peak)
		sum.vma_peak = s.vma_count;
	if (csv)
		fprintf(csv, "%s,%lu,%lu,%lu,%lu,%lu,%lu,%lu,%lu,%s,%lu,%lu\n", policy, op,
			s.live_vmalloc_bytes, s.shadow_lower_bound, resident, s.ram_pages,
			s.shadow_pages, s.shadow_pages_cached, s.vma_count, event,
			s.shadow_pages_used, s.shadow_cache_max);
	return resident;
}

static struct slot *slot_of_thread(void)
{
	if (!my_slot)
		my_slot = &slots[__atomic_fetch_add(&nr_slots_used, 1, __ATOMIC_RELAXED) % SLOTS];
	return my_slot;
}

void op_begin(void)
{
	if (use_quiesce)
		pthread_mutex_lock(&slot_of_thread()->lock);
}

void op_end(void)
{
	if (use_quiesce)
		pthread_mutex_unlock(&slot_of_thread()->lock);
}

/* Every thread stopped between two calls (sample_lock held). */
static void quiesce_all(bool stop)
{
	if (!use_quiesce)
		return;
	if (stop)
		for (unsigned i = 0; i < SLOTS; i++)
			pthread_mutex_lock(&slots[i].lock);
	else
		for (unsigned i = SLOTS; i--;)
			pthread_mutex_unlock(&slots[i].lock);
}

void sample_init(const char *pol, const char *csv_path, unsigned long every, unsigned workers)
{
	for (unsigned i = 0; i < SLOTS; i++)
		pthread_mutex_init(&slots[i].lock, NULL);
	/* Workers stop for a sample only if there are samples to take. */
	use_quiesce = workers > 1 && every;
	policy = pol;
	interval = every;
	/* Each thread samples every interval / workers of its own ops: about
	 * every interval ops in all, as one shared count gave. */
	thread_interval = every / (workers ? workers : 1) ? : 1;
	sum.cache = shadow_cache_option();
	if (csv_path && *csv_path) {
		/* The driver wrote the header; children append in turn. */
		csv = fopen(csv_path, "a");
		if (!csv)
			fprintf(stderr, "test_vmalloc: cannot append to %s: %s\n", csv_path,
				strerror(errno));
	}
}

void op_tick(void)
{
	unsigned long n = __atomic_add_fetch(&slot_of_thread()->ops, 1, __ATOMIC_RELAXED);

	if (interval && n % thread_interval == 0) {
		pthread_mutex_lock(&sample_lock);
		quiesce_all(true);
		take(total_ops(), "");
		quiesce_all(false);
		pthread_mutex_unlock(&sample_lock);
	}
}

unsigned long total_ops(void)
{
	unsigned long n = 0;

	for (unsigned i = 0; i < SLOTS; i++)
		n += __atomic_load_n(&slots[i].ops, __ATOMIC_RELAXED);
	return n;
}

void sample_now(const char *why)
{
	pthread_mutex_lock(&sample_lock);
	take(total_ops(), why);
	pthread_mutex_unlock(&sample_lock);
}

/* The last samples: as the run left it, then after the lazy purge. */
void sample_finish(struct sample_summary *out)
{
	pthread_mutex_lock(&sample_lock);
	sum.resident_final = take(total_ops(), "end");
	vm_unmap_aliases();
	sum.resident_after_purge = take(total_ops(), "purged");
	*out = sum;
	if (csv) {
		fclose(csv);
		csv = NULL;
	}
	pthread_mutex_unlock(&sample_lock);
}
