/*
 * Fault injection (item 4 of the test plan).
 *
 *   faults stress THREADS SECONDS   run with fail_prob=...:fail_path=all
 *   faults nth                      run with fail_nth=N: a fixed sequence
 *   faults percpu                   run with fail_path=page|shadow:fail_nth=N
 *   faults abandon                  run with fail_path=page:fail_prob=1
 *   faults budget                   run with ram=8M
 *
 * An allocation that fails must fail cleanly: NULL, and nothing left
 * behind.  A non-NULL result must be wholly usable (every byte written:
 * a half-made area would be reported or fault).  No report may be
 * printed: run.sh requires an empty stderr and exit status 0.
 *
 * RAM accounting, precisely: ram_pages counts the pages of live areas
 * (identity frames of vmalloc'd memory, not vmap aliases, whose pages
 * alloc_page charged), alloc_page'd pages, vmalloc shadow pages
 * (populated, including the refcount policy's cache), metadata (area
 * descriptors, stack depot entries, the struct page array), which is
 * charged the first time it is touched and never given back, and the
 * slab side's pages (slab_pages: here only malloc's, the program's and
 * libc's, e.g. stdout's buffer; its fault path, "malloc", is not part
 * of fail_path=all).  So
 *   ram_pages - metadata_pages - shadow_pages - live_vmalloc_pages
 * - slab_pages - pages the program holds from alloc_page
 * must be the same at the end as at the start, and at the end the only
 * live areas are the first per-cpu chunk (kept for good once made).
 * The program makes no malloc block big enough to be a vmalloc area
 * (the checkers' scratch memory is mmap'd: vmtest.h).
 */
#include <pthread.h>
#include <time.h>
#include "vmtest.h"

static unsigned long base_other;	/* ram - meta - shadow - live pages at start */
static unsigned long nulls, percpu_made;

static unsigned long other_ram(const struct vmkasan_stats *s)
{
	return s->ram_pages - s->metadata_pages - s->shadow_pages - s->live_vmalloc_pages - s->slab_pages;
}

static void check_final(const char *when)
{
	struct vmkasan_stats s;

	vm_unmap_aliases();
	get_stats(&s);
	CHECK(s.live_areas == (percpu_made ? nr_cpu_ids : 0), "%s: %lu live areas, expected %u", when,
	      s.live_areas, percpu_made ? nr_cpu_ids : 0);
	CHECK(s.lazy_areas == 0, "%s: %lu lazy areas after vm_unmap_aliases()", when, s.lazy_areas);
	CHECK(other_ram(&s) == base_other,
	      "%s: RAM not back: ram %lu - meta %lu - shadow %lu - live pages %lu - slab %lu = %lu, "
	      "at the start %lu", when, s.ram_pages, s.metadata_pages, s.shadow_pages,
	      s.live_vmalloc_pages, s.slab_pages, other_ram(&s), base_other);
	check_shadow_count(when);
	/* keep never frees shadow, purge (6.12) keeps the pages areas shared;
	 * refcount keeps at most the chunk's (and its cache). */
	CHECK(s.shadow_policy != 2 || s.shadow_pages - s.shadow_pages_cached <= 16,
	      "%s: %lu shadow pages in use with only the per-cpu chunk live", when,
	      s.shadow_pages - s.shadow_pages_cached);
}

/* ---------------- stress ---------------- */

enum { O_VMALLOC, O_VMAP, O_MAPRAM, O_PERCPU };
struct obj {
	int kind;
	unsigned char *p;
	size_t size;
	unsigned n;
	struct page *pages[8];
};

#define PER_THREAD 64
static volatile int stop;
static unsigned long total_nulls, total_ok;

static int get_pages(struct page **pages, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		if (!pages[i]) {
			while (i--)
				__free_page(pages[i]);
			return 0;
		}
	}
	return 1;
}

static void release(struct obj *o)
{
	switch (o->kind) {
	case O_VMALLOC:
		CHECK(o->p[o->size - 1] == 0x5a, "vmalloc'd bytes lost");
		vfree(o->p);
		break;
	case O_VMAP:
	case O_MAPRAM:
		if (o->kind == O_VMAP)
			vunmap(o->p);
		else
			vm_unmap_ram(o->p, o->n);
		for (unsigned i = 0; i < o->n; i++)
			__free_page(o->pages[i]);
		break;
	case O_PERCPU:
		free_percpu(o->p);
		break;
	}
}

static void *stress_thread(void *arg)
{
	struct obj objs[PER_THREAD];
	int n = 0;
	uint64_t r = (uintptr_t)arg * 2654435761u + 1;
	unsigned long my_nulls = 0, my_ok = 0;

	while (!stop) {
		r ^= r << 13, r ^= r >> 7, r ^= r << 17;
		if (n == PER_THREAD || (n && r % 3 == 0)) {
			int i = (int)((r >> 8) % (unsigned)n);

			release(&objs[i]);
			objs[i] = objs[--n];
			continue;
		}
		struct obj *o = &objs[n];

		o->kind = (int)((r >> 4) % 4);
		switch (o->kind) {
		case O_VMALLOC:
			o->size = 1 + (r >> 16) % ((r & 0x100) ? 100000 : 5000);
			o->p = (r & 0x200) ? vmalloc(o->size)
					   : __vmalloc_node(o->size, 8192, GFP_KERNEL, NUMA_NO_NODE, NULL);
			if (o->p)
				memset(o->p, 0x5a, o->size);
			break;
		case O_VMAP:
		case O_MAPRAM:
			o->n = 1 + (r >> 20) % 8;
			if (!get_pages(o->pages, o->n)) {
				my_nulls++;
				continue;
			}
			o->p = o->kind == O_VMAP ? vmap(o->pages, o->n, VM_MAP, PAGE_KERNEL)
						 : vm_map_ram(o->pages, o->n, NUMA_NO_NODE);
			if (o->p)
				memset(o->p, 0x33, o->n * PGSZ);
			else
				for (unsigned i = 0; i < o->n; i++)
					__free_page(o->pages[i]);
			break;
		case O_PERCPU:
			/* Large ones need chunks of their own: chunks are made
			 * (and their creation fails) often. */
			o->size = (r & 0x400) ? 8000 + (r >> 20) % 24000 : 1 + (r >> 20) % 200;
			o->p = __alloc_percpu(o->size, 8);
			if (o->p) {
				for (unsigned c = 0; c < nr_cpu_ids; c++)
					memset(per_cpu_ptr(o->p, c), 0x44, o->size);
				__atomic_store_n(&percpu_made, 1, __ATOMIC_RELAXED);
			}
			break;
		}
		if (o->p) {
			CHECK(is_vmalloc_addr(o->p), "allocation outside the vmalloc space");
			n++;
			my_ok++;
		} else {
			my_nulls++;
		}
	}
	while (n)
		release(&objs[--n]);
	__atomic_add_fetch(&total_nulls, my_nulls, __ATOMIC_RELAXED);
	__atomic_add_fetch(&total_ok, my_ok, __ATOMIC_RELAXED);
	return NULL;
}

static void stress(int nthreads, double seconds)
{
	pthread_t t[16];
	struct vmkasan_stats s;
	struct timespec ts = { (time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9) };
	unsigned long injected = 0;

	for (int i = 0; i < nthreads; i++)
		pthread_create(&t[i], NULL, stress_thread, (void *)(uintptr_t)(i + 1));
	nanosleep(&ts, NULL);
	stop = 1;
	for (int i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	check_final("after the stress");
	get_stats(&s);
	static const char *const names[VMKASAN_FAIL_NR] = { "page", "shadow", "area", "percpu", "slab",
							     "malloc" };

	for (int p = 0; p < VMKASAN_FAIL_NR; p++) {
		/* The stress allocates from the vmalloc paths only; malloc's
		 * (pthread_create's, printf's) path is not in fail_path=all. */
		if (p == VMKASAN_FAIL_MALLOC)
			CHECK(s.injected[p] == 0, "%lu failures injected on the malloc path, not in "
			      "fail_path=all", s.injected[p]);
		CHECK(s.injected[p] > 0 || p == VMKASAN_FAIL_SLAB || p == VMKASAN_FAIL_MALLOC,
		      "no failure injected on the %s path", names[p]);
		CHECK(s.failed[p] >= s.injected[p], "%s path: %lu failed < %lu injected", names[p],
		      s.failed[p], s.injected[p]);
		injected += s.injected[p];
	}
	/* Each NULL comes from an injected failure (there is no RAM budget);
	 * an injected failure may not make a NULL (e.g. a stack depot entry). */
	CHECK(total_nulls > 0 && total_nulls <= injected, "%lu NULL results for %lu injected failures",
	      total_nulls, injected);
	say("STRESS ok=%lu null=%lu injected page=%lu shadow=%lu area=%lu percpu=%lu ram_peak=%lu",
	    total_ok, total_nulls, s.injected[0], s.injected[1], s.injected[2], s.injected[3],
	    s.ram_pages_peak);
}

/* ---------------- fail_nth on a fixed sequence ---------------- */

/* In-use RAM and areas before an operation, to compare after it. */
struct snap {
	unsigned long areas, pages, used, resident;
};

static void snap(struct snap *sn)
{
	struct vmkasan_stats s;

	get_stats(&s);
	sn->areas = s.live_areas;
	sn->pages = s.live_vmalloc_pages;
	/* Cached shadow pages are unused: a failed attempt may leave some.
	 * Slab pages are malloc's (stdout's buffer, ...), not the op's. */
	sn->used = s.ram_pages - s.metadata_pages - s.shadow_pages_cached - s.slab_pages;
	sn->resident = count_resident(USED_SPAN) - s.shadow_pages_cached;
}

/* op returned NULL: nothing may have changed. */
static void check_clean(const char *op, const struct snap *before)
{
	struct snap after;

	nulls++;
	snap(&after);
	CHECK(after.areas == before->areas, "failed %s: live_areas %lu -> %lu", op, before->areas, after.areas);
	CHECK(after.pages == before->pages, "failed %s: live_vmalloc_pages %lu -> %lu", op, before->pages,
	      after.pages);
	CHECK(after.used == before->used, "failed %s: RAM in use %lu -> %lu pages", op, before->used,
	      after.used);
	CHECK(after.resident == before->resident, "failed %s: shadow pages in use %lu -> %lu", op,
	      before->resident, after.resident);
}

static void nth(void)
{
	struct snap sn;
	struct page *pg[5];
	unsigned char *a, *b, *c, *v = NULL, *m = NULL;
	long *pc1, *pc2;
	int have_pages = 0;

#define TRY(var, what, expr)					\
	do {							\
		snap(&sn);					\
		var = (expr);					\
		if (!var)					\
			check_clean(what, &sn);			\
	} while (0)

	TRY(a, "vmalloc(5000)", vmalloc(5000));
	TRY(b, "vzalloc(70000)", vzalloc(70000));
	TRY(c, "__vmalloc_node(10000, 16384)", __vmalloc_node(10000, 16384, GFP_KERNEL, NUMA_NO_NODE, NULL));
	TRY(pc1, "__alloc_percpu(64)", __alloc_percpu(64, 8));
	TRY(pc2, "__alloc_percpu(12000)", __alloc_percpu(12000, 64));
	for (int i = 0; i < 5; i++) {
		pg[i] = alloc_page(GFP_KERNEL);
		if (!pg[i])
			nulls++;
	}
	if (pg[0] && pg[1] && pg[2] && pg[3] && pg[4]) {
		have_pages = 1;
		TRY(v, "vmap(3)", vmap(pg, 3, VM_MAP, PAGE_KERNEL));
		TRY(m, "vm_map_ram(2)", vm_map_ram(pg + 3, 2, NUMA_NO_NODE));
	}
	/* Everything that was made is whole. */
	if (a)
		memset(a, 1, 5000);
	if (b)
		for (int i = 0; i < 70000; i += 97)
			CHECK(b[i] == 0, "vzalloc memory not zero");
	if (c) {
		CHECK((uintptr_t)c % 16384 == 0, "alignment");
		memset(c, 2, 10000);
	}
	if (v)
		memset(v, 3, 3 * PGSZ);
	if (m)
		memset(m, 4, 2 * PGSZ);
	for (unsigned cpu = 0; cpu < nr_cpu_ids; cpu++) {
		if (pc1)
			memset(per_cpu_ptr(pc1, cpu), 5, 64);
		if (pc2)
			memset(per_cpu_ptr(pc2, cpu), 6, 12000);
	}
	percpu_made = pc1 || pc2;
	vfree(a);
	vfree(b);
	vfree(c);
	if (v)
		vunmap(v);
	if (m)
		vm_unmap_ram(m, 2);
	free_percpu(pc1);
	free_percpu(pc2);
	for (int i = 0; i < 5; i++)
		if (pg[i])
			__free_page(pg[i]);
	(void)have_pages;
	check_final("after the sequence");
	say("NULLS %lu", nulls);
}

/* ---------------- per-cpu: all or nothing ---------------- */

static void percpu(void)
{
	struct snap sn;
	long *p;

	say("NR_CPU_IDS %u", nr_cpu_ids);
	snap(&sn);
	p = __alloc_percpu(64, 8);
	if (!p) {
		check_clean("__alloc_percpu (the first chunk)", &sn);
		say("PERCPU NULL");
	} else {
		uintptr_t base = (uintptr_t)p;
		uintptr_t end = nr_cpu_ids > 1 ? (uintptr_t)per_cpu_ptr(p, nr_cpu_ids - 1) +
							 ((uintptr_t)per_cpu_ptr(p, 1) - base)
					       : base + 32768 + PGSZ;

		for (unsigned cpu = 0; cpu < nr_cpu_ids; cpu++)
			memset(per_cpu_ptr(p, cpu), 7, 64);
		/* The chunk's areas [base, end): how many shadow pages they need
		 * (each populated with one attempt on the shadow path). */
		say("SHADOW_PAGES %lu", shadow_page_idx(end - 1) - shadow_page_idx(base) + 1);
		say("PERCPU OK");
		free_percpu(p);
		percpu_made = 1;
	}
	check_final("after the per-cpu allocation");
}

/* ---------------- failed areas give their shadow back, quickly ---------------- */

/*
 * Every vmalloc fails after its area and shadow are made (the page path
 * fails): the area is abandoned.  Its shadow pages must go (purge,
 * refcount without cache), and quickly: abandoning used to walk the
 * shadow of the whole merged free block, i.e. of the 1 TiB space,
 * 0.3 s per failed vmalloc under vmalloc_shadow=purge.
 */
static void abandon(void)
{
	struct timespec a, b;
	struct vmkasan_stats s;
	double secs;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < 5; i++) {
		void *p = vmalloc(100000);

		CHECK(p == NULL, "vmalloc succeeded with every page allocation failing");
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	CHECK(secs < 0.25, "5 failed vmalloc() calls took %.3f s", secs);
	get_stats(&s);
	CHECK(s.failed[VMKASAN_FAIL_PAGE] >= 5, "page path failures not counted");
	if (s.shadow_policy == 1 || (s.shadow_policy == 2 && s.shadow_pages_cached == 0))
		CHECK(s.shadow_pages == 0 && count_resident(USED_SPAN) == 0,
		      "%lu shadow pages (%lu present) left by abandoned areas", s.shadow_pages,
		      count_resident(USED_SPAN));
	say("ABANDON %.3f s", secs);
}

/* ---------------- the RAM budget ---------------- */

/*
 * With ram=8M, 1 MiB areas until one fails: RAM in use never exceeds
 * the budget, the failure is clean, and after freeing them all the
 * same number fits again (nothing leaked against the budget).
 */
static int fill_budget(void **ptrs, int max)
{
	int n = 0;

	while (n < max) {
		struct snap sn;

		snap(&sn);
		ptrs[n] = vmalloc(1 << 20);
		if (!ptrs[n]) {
			check_clean("vmalloc(1M) over the budget", &sn);
			break;
		}
		memset(ptrs[n], 0x11, 1 << 20);
		n++;
	}
	return n;
}

static void budget(void)
{
	void *ptrs[64];
	struct vmkasan_stats s;
	int n1, n2;

	get_stats(&s);
	CHECK(s.ram_budget_pages == (8UL << 20) / PGSZ, "ram_budget_pages %lu, expected %lu",
	      s.ram_budget_pages, (8UL << 20) / PGSZ);
	n1 = fill_budget(ptrs, 64);
	get_stats(&s);
	CHECK(s.ram_pages_peak <= s.ram_budget_pages, "RAM peak %lu over the budget %lu",
	      s.ram_pages_peak, s.ram_budget_pages);
	CHECK(n1 >= 5 && n1 < 8, "%d areas of 1 MiB fit in 8 MiB", n1);
	CHECK(s.failed[VMKASAN_FAIL_PAGE] + s.failed[VMKASAN_FAIL_SHADOW] + s.failed[VMKASAN_FAIL_AREA] > 0,
	      "the failure is not counted");
	for (int i = 0; i < n1; i++)
		vfree(ptrs[i]);
	vm_unmap_aliases();
	n2 = fill_budget(ptrs, 64);
	CHECK(n2 == n1, "%d areas fit the first time, %d the second", n1, n2);
	for (int i = 0; i < n2; i++)
		vfree(ptrs[i]);
	check_final("after the budget test");
	say("BUDGET %d areas of 1 MiB in 8 MiB", n1);
}

int main(int argc, char **argv)
{
	struct vmkasan_stats s;

	get_stats(&s);
	base_other = other_ram(&s);
	if (argc == 4 && !strcmp(argv[1], "stress"))
		stress(atoi(argv[2]), atof(argv[3]));
	else if (argc == 2 && !strcmp(argv[1], "nth"))
		nth();
	else if (argc == 2 && !strcmp(argv[1], "percpu"))
		percpu();
	else if (argc == 2 && !strcmp(argv[1], "abandon"))
		abandon();
	else if (argc == 2 && !strcmp(argv[1], "budget"))
		budget();
	else {
		fprintf(stderr, "usage: %s stress THREADS SECONDS | nth | percpu | abandon | budget\n", argv[0]);
		return 2;
	}
	say("DONE");
	return vt_failures ? 1 : 0;
}
