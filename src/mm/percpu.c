// SPDX-License-Identifier: MIT
/*
 * Per-cpu memory over vmalloc'd chunks, after Linux mm/percpu.c: a chunk
 * is one area per possible CPU, made together by pcpu_get_vm_areas(); an
 * allocation takes the same offset in every unit, so per_cpu_ptr(p, cpu)
 * is p plus cpu times the unit stride.  Allocation maps are two bitmaps
 * of 16-byte granules (used, and the start of each allocation) as in the
 * kernel's alloc_map/bound_map.
 *
 * Finding space stays cheap with many chunks, as in the kernel: each
 * chunk keeps hints (the largest free run, exact, and the first free
 * granule), and chunks sit on lists ("slots") by their largest free run,
 * so an allocation looks only at chunks that can hold it, fullest first;
 * runs are found a word of the bitmap at a time.  free_percpu() finds
 * its chunk by binary search in an array sorted by address.
 */
#include "mm/mm.h"

#define PCPU_UNIT	(32UL << 10)
#define PCPU_MIN	16UL
#define PCPU_BITS	((unsigned)(PCPU_UNIT / PCPU_MIN))
#define PCPU_WORDS	(PCPU_BITS / 64)
#define MAX_CHUNKS	4096
/* Slot 0: full chunks; slot s > 0: largest free run in [2^(s-1), 2^s). */
#define NR_SLOTS	14

struct pcpu_chunk {
	uintptr_t base;
	unsigned long used[PCPU_WORDS];
	unsigned long bound[PCPU_WORDS];
	unsigned nr_used;
	unsigned contig_hint;		/* largest run of free granules, exact */
	unsigned first_free;		/* no free granule below this */
	unsigned slot;
	struct pcpu_chunk *prev, *next;	/* on slots[slot] */
};

unsigned int nr_cpu_ids;
static size_t unit_stride = PCPU_UNIT + PAGE_SIZE;
static struct pcpu_chunk *chunks[MAX_CHUNKS];	/* sorted by base */
static unsigned nr_chunks;
static struct pcpu_chunk *slots[NR_SLOTS];
static kasan_spinlock_t pcpu_lock;

static bool test_bit(const unsigned long *map, unsigned i)
{
	return map[i / 64] & (1UL << (i % 64));
}

static void set_bits(unsigned long *map, unsigned from, unsigned n, bool on)
{
	for (unsigned i = from; i < from + n; i++) {
		if (on)
			map[i / 64] |= 1UL << (i % 64);
		else
			map[i / 64] &= ~(1UL << (i % 64));
	}
}

/* The first granule at or after i whose used bit is `set` (PCPU_BITS if none). */
static unsigned next_bit(const unsigned long *map, unsigned i, bool set)
{
	while (i < PCPU_BITS) {
		unsigned long w = set ? map[i / 64] : ~map[i / 64];

		w &= ~0UL << (i % 64);
		if (w)
			return (i & ~63u) + (unsigned)__builtin_ctzl(w);
		i = (i & ~63u) + 64;
	}
	return PCPU_BITS;
}

static unsigned slot_of(unsigned contig)
{
	return contig ? 1 + (unsigned)(63 - __builtin_clzl(contig)) : 0;
}

static void slot_unlink(struct pcpu_chunk *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		slots[c->slot] = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
}

static void slot_link(struct pcpu_chunk *c)
{
	c->slot = slot_of(c->contig_hint);
	c->prev = NULL;
	c->next = slots[c->slot];
	if (c->next)
		c->next->prev = c;
	slots[c->slot] = c;
}

/* Recompute the hints after the map changed; move the chunk's slot. */
static void update_hints(struct pcpu_chunk *c)
{
	unsigned best = 0, i = next_bit(c->used, 0, false);

	c->first_free = i;
	while (i < PCPU_BITS) {
		unsigned end = next_bit(c->used, i, true);

		if (end - i > best)
			best = end - i;
		i = next_bit(c->used, end, false);
	}
	c->contig_hint = best;
	if (slot_of(best) != c->slot) {
		slot_unlink(c);
		slot_link(c);
	}
}

/* First run of n free granules starting at a multiple of step. */
static int find_free(const struct pcpu_chunk *c, unsigned n, unsigned step)
{
	unsigned i = c->first_free;

	if (c->contig_hint < n)
		return -1;
	while (i < PCPU_BITS) {
		unsigned end;

		i = (unsigned)ALIGN_UP(i, step);
		if (i + n > PCPU_BITS)
			return -1;
		if (test_bit(c->used, i)) {
			i = next_bit(c->used, i, false);
			continue;
		}
		end = next_bit(c->used, i, true);
		if (end - i >= n)
			return (int)i;
		i = next_bit(c->used, end, false);
	}
	return -1;
}

/* Index of the chunk whose first unit holds addr, or -1. */
static int chunk_index(uintptr_t addr)
{
	unsigned lo = 0, hi = nr_chunks;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (chunks[mid]->base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || addr >= chunks[lo - 1]->base + PCPU_UNIT)
		return -1;
	return (int)lo - 1;
}

static void chunk_insert(struct pcpu_chunk *c)
{
	unsigned i = nr_chunks;

	while (i && chunks[i - 1]->base > c->base) {
		chunks[i] = chunks[i - 1];
		i--;
	}
	chunks[i] = c;
	nr_chunks++;
	c->contig_hint = PCPU_BITS;
	c->first_free = 0;
	slot_link(c);
}

static void chunk_remove(unsigned idx)
{
	slot_unlink(chunks[idx]);
	for (unsigned i = idx; i + 1 < nr_chunks; i++)
		chunks[i] = chunks[i + 1];
	nr_chunks--;
}

/* A chunk with room for n granules at step, fullest first. */
static struct pcpu_chunk *find_chunk(unsigned n, unsigned step, int *off)
{
	for (unsigned s = slot_of(n); s < NR_SLOTS; s++)
		for (struct pcpu_chunk *c = slots[s]; c; c = c->next)
			if ((*off = find_free(c, n, step)) >= 0)
				return c;
	return NULL;
}

static void for_each_unit(uintptr_t addr, size_t size, void (*fn)(uintptr_t, size_t))
{
	for (unsigned cpu = 0; cpu < nr_cpu_ids; cpu++)
		fn(addr + cpu * unit_stride, size);
}

static void unpoison_and_zero(uintptr_t a, size_t size)
{
	kasan_unpoison_vmalloc(a, size);
	plat_memset((void *)a, 0, size);
}

static void poison_freed(uintptr_t a, size_t size)
{
	kasan_poison_vmalloc(a, a + ALIGN_UP(size, KASAN_GRANULE_SIZE), KASAN_VMALLOC_FREED);
}

static void *pcpu_alloc(size_t size, size_t align, uintptr_t ip, uintptr_t fp)
{
	unsigned n, step;
	struct pcpu_chunk *c = NULL;
	int off = -1;

	if (!size || size > PCPU_UNIT || !align || (align & (align - 1)) || align > PAGE_SIZE)
		return NULL;
	n = (unsigned)(ALIGN_UP(size, PCPU_MIN) / PCPU_MIN);
	step = align > PCPU_MIN ? (unsigned)(align / PCPU_MIN) : 1;

	kasan_spin_lock(&pcpu_lock);
	c = find_chunk(n, step, &off);
	if (!c) {
		/* A new chunk: made outside the lock, it is the slow path. */
		kasan_spin_unlock(&pcpu_lock);
		struct pcpu_chunk *nc = meta_alloc(sizeof(*nc));
		size_t stride;

		if (!nc) {
			count_failure(FAIL_PERCPU);
			return NULL;
		}
		nc->base = pcpu_get_vm_areas(nr_cpu_ids, PCPU_UNIT, &stride, ip, fp);
		kasan_spin_lock(&pcpu_lock);
		if (!nc->base || nr_chunks == MAX_CHUNKS) {
			kasan_spin_unlock(&pcpu_lock);
			if (nc->base)
				pcpu_free_vm_areas(nc->base, nr_cpu_ids, unit_stride, ip, fp);
			meta_free(nc, sizeof(*nc));
			return NULL;
		}
		chunk_insert(nc);
		c = nc;
		off = find_free(c, n, step);
	}
	set_bits(c->used, (unsigned)off, n, true);
	set_bits(c->bound, (unsigned)off, 1, true);
	c->nr_used += n;
	update_hints(c);
	kasan_spin_unlock(&pcpu_lock);

	uintptr_t addr = c->base + (uintptr_t)off * PCPU_MIN;

	for_each_unit(addr, size, unpoison_and_zero);
	return (void *)addr;
}

void *__alloc_percpu(size_t size, size_t align)
{
	return pcpu_alloc(size, align, CALLER_IP, CALLER_FP);
}

void *__alloc_percpu_gfp(size_t size, size_t align, gfp_t gfp)
{
	(void)gfp;
	return pcpu_alloc(size, align, CALLER_IP, CALLER_FP);
}

void free_percpu(void *ptr)
{
	uintptr_t addr = (uintptr_t)ptr, off;
	struct pcpu_chunk *c, *empty = NULL;
	unsigned start, n = 0;
	int idx;

	if (!ptr)
		return;
	kasan_spin_lock(&pcpu_lock);
	idx = chunk_index(addr);
	c = idx >= 0 ? chunks[idx] : NULL;
	off = c ? addr - c->base : 0;
	if (!c || off % PCPU_MIN || !test_bit(c->bound, (unsigned)(off / PCPU_MIN)) ||
	    !test_bit(c->used, (unsigned)(off / PCPU_MIN))) {
		kasan_spin_unlock(&pcpu_lock);
		struct kasan_bad_free f = {
			.reason = c ? KASAN_FREE_PERCPU_NOT_LIVE : KASAN_FREE_PERCPU_OUTSIDE,
			.fn = "free_percpu", .addr = addr, .ip = CALLER_IP, .fp = CALLER_FP,
			.counter = &bad_frees,
		};

		kasan_report_bad_free(&f);
		return;
	}
	start = (unsigned)(off / PCPU_MIN);
	set_bits(c->bound, start, 1, false);
	/* The allocation runs to the next bound or free granule. */
	n = next_bit(c->used, start, false);
	if (next_bit(c->bound, start + 1, true) < n)
		n = next_bit(c->bound, start + 1, true);
	n -= start;
	/* Poison before the granules can be handed out again: poisoned
	 * after the unlock, a concurrent pcpu_alloc() of the same granules
	 * would have its unpoison overwritten (a false report). */
	for_each_unit(addr, (size_t)n * PCPU_MIN, poison_freed);
	set_bits(c->used, start, n, false);
	c->nr_used -= n;
	if (!c->nr_used && nr_chunks > 1) {
		chunk_remove((unsigned)idx);
		empty = c;
	} else {
		update_hints(c);
	}
	kasan_spin_unlock(&pcpu_lock);

	if (empty) {
		pcpu_free_vm_areas(empty->base, nr_cpu_ids, unit_stride, CALLER_IP, CALLER_FP);
		meta_free(empty, sizeof(*empty));
	}
}

void *vmk_per_cpu_ptr(void *ptr, unsigned int cpu)
{
	if (cpu >= nr_cpu_ids)
		return NULL;
	return (char *)ptr + cpu * unit_stride;
}

void percpu_init(void)
{
	nr_cpu_ids = plat_nr_cpus();
	if (nr_cpu_ids > 256)
		nr_cpu_ids = 256;
}

void pcpu_lock_all(bool lock)
{
	if (lock)
		kasan_spin_lock(&pcpu_lock);
	else
		kasan_spin_unlock(&pcpu_lock);
}
