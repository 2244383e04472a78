/*
 * Model-based randomized test of the vmalloc space and its shadow
 * (item 3 of the test plan).
 *
 *   model SEED STEPS THREADS CHECK_EVERY CACHE
 *
 * THREADS threads each run STEPS/THREADS random operations on objects
 * of their own: vmalloc/vzalloc/__vmalloc_node (1 B .. 200 KiB), vfree,
 * vmap/vunmap and vm_map_ram/vm_unmap_ram of alloc_page'd pages,
 * __alloc_percpu/free_percpu, and now and then vm_unmap_aliases().
 * Every CHECK_EVERY steps all threads stop at a barrier and thread 0
 * compares the process with a reference model:
 *
 *  - shadow bytes: a live area's are exactly its requested size
 *    accessible (zeros, then the partial byte) and 0xF9 for the rest of
 *    its pages and its guard page; a per-cpu unit's are exact for its
 *    live allocations and 0xF7/0xF9 elsewhere; shadow that no live
 *    area covers is absent or 0xF7/0xF9;
 *  - which shadow pages are present, from mincore() (R), against the
 *    pages live areas cover (C) and those any area ever covered (E):
 *      keep              R == E
 *      purge             R >= C, and R == C right after vm_unmap_aliases()
 *                        (thread 0 calls it before every 16th check)
 *      refcount, cache 0 R == C
 *      refcount, cache k R >= C, |R - C| == stats.shadow_pages_cached <= k
 *  - the counters: live_areas, live_vmalloc_pages, live_vmalloc_bytes,
 *    shadow_lower_bound and shadow_pages against the model and mincore;
 *  - areas do not overlap, honour their alignment, and keep their bytes
 *    (checked when freed; vmap'd pages also through page_address()).
 *
 * Per-cpu operations are serialised by a mutex of the test (the model
 * of the chunks must see them in order); everything else runs
 * concurrently.  At the end everything is freed, vm_unmap_aliases() is
 * called and the checks run once more.  The program prints
 *   MODEL policy=P ... resident_after_workload=N resident_after_free=M
 * for run.sh.  Exit status 0 iff no check failed.
 */
#include <pthread.h>
#include "vmtest.h"

#define MAX_SPAN	(4UL << 30)		/* all areas must lie in the first 4 GiB */
#define MAX_OBJS	48			/* per thread */
#define MAX_THREADS	8
#define PCPU_GRAN	16

enum kind { K_VMALLOC, K_VMAP, K_MAPRAM, K_PERCPU };

struct obj {
	enum kind kind;
	unsigned char *p;
	size_t size;		/* requested bytes (vmalloc, per-cpu); pages * 4096 (vmap) */
	unsigned npages;
	struct page **pages;
	unsigned char fill;
};

struct thread {
	int id;
	uint64_t rng;
	struct obj objs[MAX_OBJS];
	int nobjs;
	unsigned long ops[8];
};

/* Per-cpu chunks as the model sees them. */
#define MAX_CHUNKS 64
struct chunk {
	uintptr_t base;
	unsigned char used[32768 / PCPU_GRAN];	/* granules of unit 0 in use */
	int nlive;
};

static struct thread threads[MAX_THREADS];
static int nthreads, check_every;
static unsigned long cache_max;
static struct chunk chunks[MAX_CHUNKS];
static int nchunks;
static size_t pcpu_stride, pcpu_unit;
static pthread_mutex_t pcpu_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t barrier;
static unsigned char ever[MAX_SPAN / SHADOW_SPAN];	/* E: shadow pages ever covered */
static uintptr_t high_water = 0;			/* highest area end seen */
static int policy;
static unsigned long nchecks;
static unsigned long last_covered;	/* C at the last check */

static uint64_t rnd(struct thread *t)
{
	t->rng ^= t->rng << 13;
	t->rng ^= t->rng >> 7;
	t->rng ^= t->rng << 17;
	return t->rng;
}

static size_t pick_size(struct thread *t)
{
	unsigned r = rnd(t) % 100;

	if (r < 60)
		return 1 + rnd(t) % 4096;
	if (r < 90)
		return 4097 + rnd(t) % (32768 - 4096);
	return 32769 + rnd(t) % (204800 - 32768);
}

static size_t area_len(const struct obj *o)
{
	if (o->kind == K_VMAP || o->kind == K_MAPRAM)
		return o->npages * PGSZ + PGSZ;
	return ((o->size + PGSZ - 1) & ~(PGSZ - 1)) + PGSZ;
}

/*
 * The part of an area whose shadow it makes and writes: all of it, but
 * a vmalloc'ed area's guard page, whose shadow is left as it is (as
 * Linux does): "invalid" or an earlier owner's "freed", or absent when
 * the guard starts a shadow page of its own.
 */
static size_t shadowed_len(const struct obj *o)
{
	return o->kind == K_VMALLOC ? area_len(o) - PGSZ : area_len(o);
}

/* Remember the shadow pages of [start, shadowed) as ever covered, and
 * that the area [start, end) is part of the space to check. */
static void mark_ever(uintptr_t start, uintptr_t shadowed, uintptr_t end)
{
	uintptr_t hw;

	if (start < VMALLOC_START || end > VMALLOC_START + MAX_SPAN) {
		vt_fail("area [%#lx, %#lx) outside the first 4 GiB of vmalloc space", start, end);
		return;
	}
	for (unsigned long i = shadow_page_idx(start); i <= shadow_page_idx(shadowed - 1); i++)
		__atomic_store_n(&ever[i], 1, __ATOMIC_RELAXED);
	hw = __atomic_load_n(&high_water, __ATOMIC_RELAXED);
	while (end > hw && !__atomic_compare_exchange_n(&high_water, &hw, end, 0, __ATOMIC_RELAXED,
							__ATOMIC_RELAXED))
		;
}

/* ---------------- operations ---------------- */

static void op_vmalloc(struct thread *t)
{
	struct obj *o = &t->objs[t->nobjs];
	unsigned r = rnd(t) % 100;
	size_t align = PGSZ;

	o->kind = K_VMALLOC;
	o->size = pick_size(t);
	o->fill = (unsigned char)(1 + rnd(t) % 254);
	if (r < 15) {
		align = PGSZ << (rnd(t) % 5);	/* 4 KiB .. 64 KiB */
		o->p = __vmalloc_node(o->size, align, GFP_KERNEL, NUMA_NO_NODE, NULL);
	} else if (r < 25) {
		o->p = vzalloc(o->size);
		if (o->p) {
			size_t step = o->size > 16384 ? 509 : 1;

			for (size_t i = 0; i < o->size; i += step)
				if (o->p[i]) {
					vt_fail("vzalloc(%zu) byte %zu is %#x", o->size, i, o->p[i]);
					break;
				}
			if (o->p[o->size - 1])
				vt_fail("vzalloc(%zu) last byte is %#x", o->size, o->p[o->size - 1]);
		}
	} else {
		o->p = vmalloc(o->size);
	}
	if (!o->p) {
		vt_fail("vmalloc(%zu) returned NULL", o->size);
		return;
	}
	if ((uintptr_t)o->p % align)
		vt_fail("__vmalloc_node(%zu, align %zu) = %p is misaligned", o->size, align, o->p);
	if (!is_vmalloc_addr(o->p))
		vt_fail("vmalloc returned %p outside the vmalloc space", o->p);
	memset(o->p, o->fill, o->size);
	mark_ever((uintptr_t)o->p, (uintptr_t)o->p + shadowed_len(o), (uintptr_t)o->p + area_len(o));
	t->nobjs++;
	t->ops[0]++;
}

static void op_vmap(struct thread *t, int ram)
{
	struct obj *o = &t->objs[t->nobjs];

	o->kind = ram ? K_MAPRAM : K_VMAP;
	o->npages = 1 + rnd(t) % (ram ? 8 : 16);
	o->size = o->npages * PGSZ;
	o->fill = (unsigned char)(1 + rnd(t) % 254);
	o->pages = malloc(o->npages * sizeof(*o->pages));
	for (unsigned i = 0; i < o->npages; i++) {
		o->pages[i] = alloc_page(GFP_KERNEL);
		if (!o->pages[i]) {
			vt_fail("alloc_page failed");
			exit(1);
		}
		memset(page_address(o->pages[i]), o->fill, PGSZ);
	}
	o->p = ram ? vm_map_ram(o->pages, o->npages, NUMA_NO_NODE)
		   : vmap(o->pages, o->npages, VM_MAP, PAGE_KERNEL);
	if (!o->p) {
		vt_fail("%s of %u pages returned NULL", ram ? "vm_map_ram" : "vmap", o->npages);
		exit(1);
	}
	/* The mapping shows the pages. */
	for (unsigned i = 0; i < o->npages; i++)
		if (o->p[i * PGSZ + 123] != o->fill || vmalloc_to_page(o->p + i * PGSZ) != o->pages[i])
			vt_fail("%s page %u does not map the page given", ram ? "vm_map_ram" : "vmap", i);
	mark_ever((uintptr_t)o->p, (uintptr_t)o->p + area_len(o), (uintptr_t)o->p + area_len(o));
	t->nobjs++;
	t->ops[ram ? 2 : 1]++;
}

/* Caller holds pcpu_mu. */
static struct chunk *chunk_of(uintptr_t p)
{
	for (int i = 0; i < nchunks; i++)
		if (p >= chunks[i].base && p < chunks[i].base + pcpu_unit)
			return &chunks[i];
	return NULL;
}

static void op_percpu_alloc(struct thread *t)
{
	struct obj *o = &t->objs[t->nobjs];
	size_t align = 1UL << (rnd(t) % 7);	/* 1 .. 64 */
	struct chunk *c;

	o->kind = K_PERCPU;
	/* Mostly small; some large enough to fill chunks, so that chunks
	 * are made and freed. */
	o->size = rnd(t) % 5 ? 1 + rnd(t) % 256 : 1024 + rnd(t) % 11264;
	o->fill = (unsigned char)(1 + rnd(t) % 200);
	pthread_mutex_lock(&pcpu_mu);
	o->p = __alloc_percpu(o->size, align);
	if (!o->p) {
		pthread_mutex_unlock(&pcpu_mu);
		vt_fail("__alloc_percpu(%zu, %zu) returned NULL", o->size, align);
		return;
	}
	if (!pcpu_stride) {
		pcpu_stride = nr_cpu_ids > 1 ? (size_t)((char *)vmk_per_cpu_ptr(o->p, 1) - (char *)o->p)
					     : 32768 + PGSZ;
		pcpu_unit = pcpu_stride - PGSZ;
	}
	if ((uintptr_t)o->p % align)
		vt_fail("__alloc_percpu align %zu gave %p", align, o->p);
	c = chunk_of((uintptr_t)o->p);
	if (!c) {
		/* A new chunk: nr_cpu_ids areas, the allocation at its start. */
		if ((uintptr_t)o->p % PGSZ || nchunks == MAX_CHUNKS) {
			vt_fail("per-cpu allocation %p in no known chunk", o->p);
			pthread_mutex_unlock(&pcpu_mu);
			return;
		}
		c = &chunks[nchunks++];
		memset(c, 0, sizeof(*c));
		c->base = (uintptr_t)o->p;
		mark_ever(c->base, c->base + nr_cpu_ids * pcpu_stride, c->base + nr_cpu_ids * pcpu_stride);
	}
	size_t off = (uintptr_t)o->p - c->base;

	for (size_t g = off / PCPU_GRAN; g < (off + o->size + PCPU_GRAN - 1) / PCPU_GRAN; g++) {
		if (c->used[g])
			vt_fail("per-cpu allocation %p (+%zu) overlaps a live one", o->p, o->size);
		c->used[g] = 1;
	}
	c->nlive++;
	pthread_mutex_unlock(&pcpu_mu);
	for (unsigned cpu = 0; cpu < nr_cpu_ids; cpu++) {
		unsigned char *q = per_cpu_ptr(o->p, cpu);

		for (size_t i = 0; i < o->size; i++)
			if (q[i]) {
				vt_fail("per-cpu memory not zeroed (cpu %u byte %zu)", cpu, i);
				break;
			}
		memset(q, o->fill + cpu, o->size);
	}
	t->nobjs++;
	t->ops[3]++;
}

static void free_obj(struct thread *t, int i)
{
	struct obj *o = &t->objs[i];

	switch (o->kind) {
	case K_VMALLOC:
		if (o->p[0] != o->fill || o->p[o->size - 1] != o->fill || o->p[o->size / 2] != o->fill)
			vt_fail("vmalloc(%zu) at %p lost its bytes", o->size, o->p);
		vfree(o->p);
		t->ops[4]++;
		break;
	case K_VMAP:
	case K_MAPRAM:
		for (unsigned k = 0; k < o->npages; k++)
			if (o->p[k * PGSZ + 7] != o->fill ||
			    ((unsigned char *)page_address(o->pages[k]))[4095] != o->fill)
				vt_fail("vmap'd page %u lost its bytes", k);
		if (o->kind == K_VMAP)
			vunmap(o->p);
		else
			vm_unmap_ram(o->p, o->npages);
		for (unsigned k = 0; k < o->npages; k++)
			__free_page(o->pages[k]);
		free(o->pages);
		t->ops[5]++;
		break;
	case K_PERCPU: {
		for (unsigned cpu = 0; cpu < nr_cpu_ids; cpu++) {
			unsigned char *q = per_cpu_ptr(o->p, cpu);

			if (q[0] != (unsigned char)(o->fill + cpu) ||
			    q[o->size - 1] != (unsigned char)(o->fill + cpu))
				vt_fail("per-cpu object %p lost its bytes on cpu %u", o->p, cpu);
		}
		pthread_mutex_lock(&pcpu_mu);
		struct chunk *c = chunk_of((uintptr_t)o->p);

		if (!c) {
			vt_fail("per-cpu object %p in no chunk of the model", o->p);
			exit(1);
		}
		size_t off = (uintptr_t)o->p - c->base;

		free_percpu(o->p);
		for (size_t g = off / PCPU_GRAN; g < (off + o->size + PCPU_GRAN - 1) / PCPU_GRAN; g++)
			c->used[g] = 0;
		/* The allocator frees an empty chunk unless it is the last. */
		if (!--c->nlive && nchunks > 1)
			*c = chunks[--nchunks];
		pthread_mutex_unlock(&pcpu_mu);
		t->ops[6]++;
		break;
	}
	}
	t->objs[i] = t->objs[--t->nobjs];
}

/* One random operation: 48% vmalloc, 33% free, 5% vmap, 3% vm_map_ram,
 * 10% per-cpu, 1% vm_unmap_aliases. */
static void step(struct thread *t)
{
	unsigned r = rnd(t) % 100;

	if (t->nobjs == MAX_OBJS || (t->nobjs && ((r >= 40 && r < 72) || r == 99)))
		free_obj(t, (int)(rnd(t) % (unsigned)t->nobjs));
	else if (r < 72 || (r >= 90 && r < 98) || r == 99)
		op_vmalloc(t);
	else if (r < 77)
		op_vmap(t, 0);
	else if (r < 80)
		op_vmap(t, 1);
	else if (r < 90)
		op_percpu_alloc(t);
	else {
		vm_unmap_aliases();
		t->ops[7]++;
	}
}

/* ---------------- the checker (all threads stopped) ---------------- */

/*
 * The expected shadow of [VMALLOC_START, high_water): expect[] holds the
 * value (0..7 or 0xF9), relax[] says 0xF7 is fine too (shadow no live
 * area owns, or a per-cpu unit outside its allocations), cov[] marks the
 * shadow pages live areas cover (C).
 */
static unsigned char *expect, *relax, *cov;
static unsigned char *resident;
static unsigned long exp_len, exp_cap;

/* [start, end) is the area, its shadow made up to shadowed (then the
 * rest is either "invalid" or "freed", or absent). */
static nosan void expect_area(uintptr_t start, uintptr_t end, uintptr_t shadowed,
			      size_t accessible, bool exact_rest)
{
	unsigned long g0 = (start - VMALLOC_START) / 8, n = (end - start) / 8;
	unsigned long full = accessible / 8, used = (accessible + 7) / 8, ns = (shadowed - start) / 8;

	/* Bytes: zeros, the partial granule, 0xF9 (already there). */
	memset(expect + g0, 0, full);
	if (accessible % 8)
		expect[g0 + full] = accessible % 8;
	memset(relax + g0, 0, used);
	memset(relax + g0 + used, !exact_rest, ns - used);
	memset(relax + g0 + ns, 1, n - ns);
	for (unsigned long pg = g0 / PGSZ; pg <= (g0 + ns - 1) / PGSZ; pg++)
		cov[pg] = 1;
}

/* Compare the shadow with the expectation: C, R, R - C and R != E. */
static nosan int compare_shadow(unsigned long npages, unsigned long *covered, unsigned long *res,
				unsigned long *extra, unsigned long *ever_n, int *bad_ever)
{
	const unsigned char *sh = (const unsigned char *)shadow_addr(VMALLOC_START);
	int errors = 0;

	*covered = *res = *extra = *ever_n = 0;
	*bad_ever = 0;
	for (unsigned long pg = 0; pg < npages; pg++) {
		unsigned long base = pg * PGSZ;

		*covered += cov[pg];
		*res += resident[pg];
		*ever_n += ever[pg];
		if (resident[pg] && !cov[pg])
			(*extra)++;
		if (resident[pg] != ever[pg])
			(*bad_ever)++;
		if (cov[pg] && !resident[pg]) {
			if (errors++ < 5)
				vt_fail("shadow page %lu (of %#lx) is covered by a live area but absent",
					pg, VMALLOC_START + pg * SHADOW_SPAN);
			continue;
		}
		if (!resident[pg])
			continue;
		for (unsigned long b = 0; b < PGSZ; b += 8) {
			unsigned long i = base + b;

			if (*(const uint64_t *)(sh + i) == *(const uint64_t *)(expect + i))
				continue;
			for (unsigned long k = i; k < i + 8; k++) {
				unsigned char v = sh[k], e = expect[k];

				if (v == e || (relax[k] && v == SH_FREED))
					continue;
				if (errors++ < 5)
					vt_fail("shadow of %#lx is %#x, expected %s%#x", VMALLOC_START + k * 8,
						v, relax[k] ? "0xF7/" : "", e);
				b = PGSZ;
				break;
			}
		}
	}
	return errors;
}

/* Live areas, to check that none overlaps another. */
static struct span { uintptr_t start, end; } *spans;
static int nspans, spans_cap;

static void add_span(uintptr_t start, uintptr_t end)
{
	if (nspans == spans_cap) {
		spans_cap = spans_cap ? spans_cap * 2 : 256;
		spans = realloc(spans, spans_cap * sizeof(*spans));
	}
	spans[nspans].start = start;
	spans[nspans++].end = end;
}

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static void check_overlaps(const char *when)
{
	qsort(spans, nspans, sizeof(*spans), span_cmp);
	for (int i = 1; i < nspans; i++)
		CHECK(spans[i - 1].end <= spans[i].start, "%s: areas [%#lx, %#lx) and [%#lx, %#lx) overlap",
		      when, spans[i - 1].start, spans[i - 1].end, spans[i].start, spans[i].end);
}

static void check(const char *when, bool after_purge)
{
	struct vmkasan_stats s;
	unsigned long areas = 0, pages = 0, bytes = 0, lower = 0, npages, covered, res, extra, ever_n;
	int bad_ever;

	nchecks++;
	nspans = 0;
	vmkasan_get_stats(&s);
	exp_len = ((high_water - VMALLOC_START + SHADOW_SPAN - 1) / SHADOW_SPAN) * PGSZ;
	npages = exp_len / PGSZ;
	if (exp_len > exp_cap) {
		/* (Refilled below: nothing to copy.) */
		scratch_free(expect, exp_cap);
		scratch_free(relax, exp_cap);
		scratch_free(cov, exp_cap / PGSZ);
		exp_cap = exp_len * 2;
		expect = scratch_alloc(exp_cap);
		relax = scratch_alloc(exp_cap);
		cov = scratch_alloc(exp_cap / PGSZ);
	}
	memset(expect, SH_INVALID, exp_len);
	memset(relax, 1, exp_len);
	memset(cov, 0, npages);

	for (int ti = 0; ti < nthreads; ti++) {
		for (int i = 0; i < threads[ti].nobjs; i++) {
			struct obj *o = &threads[ti].objs[i];
			size_t len = area_len(o);

			if (o->kind == K_PERCPU)
				continue;
			expect_area((uintptr_t)o->p, (uintptr_t)o->p + len,
				    (uintptr_t)o->p + shadowed_len(o), o->size, true);
			add_span((uintptr_t)o->p, (uintptr_t)o->p + len);
			areas++;
			pages += (len - PGSZ) / PGSZ;
			bytes += len;
			lower += (len + SHADOW_SPAN - 1) / SHADOW_SPAN;
		}
	}
	for (int c = 0; c < nchunks; c++) {
		for (unsigned cpu = 0; cpu < nr_cpu_ids; cpu++) {
			uintptr_t a = chunks[c].base + cpu * pcpu_stride;

			expect_area(a, a + pcpu_stride, a + pcpu_stride, 0, false);
			add_span(a, a + pcpu_stride);
			/* The unit's guard page is plain invalid. */
			memset(relax + (a + pcpu_unit - VMALLOC_START) / 8, 0, PGSZ / 8);
			areas++;
			pages += pcpu_unit / PGSZ;
			bytes += pcpu_stride;
			lower += (pcpu_stride + SHADOW_SPAN - 1) / SHADOW_SPAN;
		}
	}
	/* Live per-cpu allocations: exact in every unit. */
	for (int ti = 0; ti < nthreads; ti++) {
		for (int i = 0; i < threads[ti].nobjs; i++) {
			struct obj *o = &threads[ti].objs[i];

			if (o->kind != K_PERCPU)
				continue;
			for (unsigned cpu = 0; cpu < nr_cpu_ids; cpu++) {
				unsigned long g0 = ((uintptr_t)o->p + cpu * pcpu_stride - VMALLOC_START) / 8;

				for (unsigned long g = 0; g < (o->size + 7) / 8; g++) {
					expect[g0 + g] = g < o->size / 8 ? 0 : o->size % 8;
					relax[g0 + g] = 0;
				}
			}
		}
	}

	check_overlaps(when);
	shadow_resident(exp_len * 8, resident);
	compare_shadow(npages, &covered, &res, &extra, &ever_n, &bad_ever);
	last_covered = covered;

	CHECK(s.live_areas == areas, "%s: stats.live_areas %lu, model %lu", when, s.live_areas, areas);
	CHECK(s.live_vmalloc_pages == pages, "%s: stats.live_vmalloc_pages %lu, model %lu", when,
	      s.live_vmalloc_pages, pages);
	CHECK(s.live_vmalloc_bytes == bytes, "%s: stats.live_vmalloc_bytes %lu, model %lu", when,
	      s.live_vmalloc_bytes, bytes);
	CHECK(s.shadow_lower_bound == lower, "%s: stats.shadow_lower_bound %lu, model %lu", when,
	      s.shadow_lower_bound, lower);
	CHECK(s.shadow_pages == res, "%s: stats.shadow_pages %lu, mincore %lu", when, s.shadow_pages, res);

	switch (policy) {
	case 0:	/* keep: every page ever used is still there, no other */
		CHECK(!bad_ever, "%s: keep: %d shadow pages differ from the pages ever covered (%lu present, %lu ever)",
		      when, bad_ever, res, ever_n);
		break;
	case 1:	/* purge (Linux 6.12): only pages wholly inside one freed area go at
		 * the purge; pages an area shared with a neighbour stay, unused.
		 * cases.c purge_releases_own_pages checks which go. */
		(void)after_purge;
		break;
	case 2:	/* refcount: unused pages go at once but for the cache */
		CHECK(extra == s.shadow_pages_cached, "%s: refcount: %lu unused pages present, stats say %lu cached",
		      when, extra, s.shadow_pages_cached);
		CHECK(extra <= cache_max, "%s: refcount: %lu unused pages present, cache is %lu", when,
		      extra, cache_max);
		break;
	default:
		vt_fail("unexpected policy %d", policy);
	}
	if (vt_failures > 20) {
		say("too many failures, giving up");
		exit(1);
	}
}

/* ---------------- threads ---------------- */

static int steps_per_thread;

static void *worker(void *arg)
{
	struct thread *t = arg;

	for (int done = 0; done < steps_per_thread; done += check_every) {
		for (int k = 0; k < check_every && done + k < steps_per_thread; k++)
			step(t);
		pthread_barrier_wait(&barrier);
		if (t->id == 0) {
			bool purge = (nchecks % 16) == 15;
			struct vmkasan_stats s;

			if (purge)
				vm_unmap_aliases();
			vmkasan_get_stats(&s);
			check("workload", purge && s.lazy_areas == 0);
		}
		pthread_barrier_wait(&barrier);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	unsigned long seed, after_workload, after_workload_purged, after_free, lower, live, covered;
	struct vmkasan_stats s;
	pthread_t tids[MAX_THREADS];
	int steps;

	if (argc != 6) {
		fprintf(stderr, "usage: %s SEED STEPS THREADS CHECK_EVERY CACHE|auto\n", argv[0]);
		return 2;
	}
	seed = strtoul(argv[1], NULL, 0);
	steps = atoi(argv[2]);
	nthreads = atoi(argv[3]);
	check_every = atoi(argv[4]);
	if (nthreads < 1 || nthreads > MAX_THREADS || check_every < 1)
		return 2;
	vmkasan_get_stats(&s);
	/* "auto": the size the runtime chose (64 pages per CPU). */
	cache_max = strcmp(argv[5], "auto") ? strtoul(argv[5], NULL, 0) : s.shadow_cache_max;
	policy = s.shadow_policy;
	resident = scratch_alloc(MAX_SPAN / SHADOW_SPAN);
	high_water = VMALLOC_START + SHADOW_SPAN;
	steps_per_thread = steps / nthreads;
	pthread_barrier_init(&barrier, NULL, (unsigned)nthreads);
	for (int i = 0; i < nthreads; i++) {
		threads[i].id = i;
		threads[i].rng = seed * 0x9E3779B97F4A7C15ULL + (uint64_t)i * 7919 + 1;
		pthread_create(&tids[i], NULL, worker, &threads[i]);
	}
	for (int i = 0; i < nthreads; i++)
		pthread_join(tids[i], NULL);

	/* Resident shadow after the workload: as it ended, then purged. */
	after_workload = count_resident((high_water - VMALLOC_START + SHADOW_SPAN - 1) & ~(SHADOW_SPAN - 1));
	vmkasan_get_stats(&s);
	lower = s.shadow_lower_bound;
	live = s.live_areas;
	check("after the workload", false);
	covered = last_covered;
	vm_unmap_aliases();
	check("after the workload and vm_unmap_aliases()", true);
	after_workload_purged = count_resident((high_water - VMALLOC_START + SHADOW_SPAN - 1) & ~(SHADOW_SPAN - 1));

	for (int ti = 0; ti < nthreads; ti++)
		while (threads[ti].nobjs)
			free_obj(&threads[ti], threads[ti].nobjs - 1);
	vm_unmap_aliases();
	check("after freeing everything", true);
	vmkasan_get_stats(&s);
	after_free = count_resident((high_water - VMALLOC_START + SHADOW_SPAN - 1) & ~(SHADOW_SPAN - 1));
	CHECK(s.live_areas == (unsigned long)nchunks * nr_cpu_ids,
	      "after freeing everything: %lu live areas (%d per-cpu chunks left)", s.live_areas, nchunks);
	CHECK(s.lazy_areas == 0, "after vm_unmap_aliases(): %lu lazy areas", s.lazy_areas);

	unsigned long ops[8] = { 0 };

	for (int ti = 0; ti < nthreads; ti++)
		for (int k = 0; k < 8; k++)
			ops[k] += threads[ti].ops[k];
	unsigned long ever_n = 0;

	for (unsigned long i = 0; i < MAX_SPAN / SHADOW_SPAN; i++)
		ever_n += ever[i];
	say("OPS vmalloc=%lu vmap=%lu vm_map_ram=%lu percpu=%lu vfree=%lu vunmap=%lu free_percpu=%lu "
	    "purge=%lu checks=%lu span=%luKiB", ops[0], ops[1], ops[2], ops[3], ops[4], ops[5], ops[6],
	    ops[7], nchecks, (high_water - VMALLOC_START) >> 10);
	say("MODEL policy=%s cache=%lu threads=%d steps=%d resident_after_workload=%lu "
	    "resident_after_workload_purged=%lu resident_after_free=%lu peak=%lu ever=%lu "
	    "live_areas_after_workload=%lu lower_bound_after_workload=%lu covered_after_workload=%lu "
	    "failures=%d",
	    vmkasan_shadow_policy_name(policy), cache_max, nthreads, steps, after_workload,
	    after_workload_purged, after_free,
	    s.shadow_pages_peak, ever_n, live, lower, covered, vt_failures);
	return vt_failures ? 1 : 0;
}
