// SPDX-License-Identifier: MIT
/*
 * Per-cpu memory over vmalloc'd chunks, after Linux mm/percpu.c (much
 * simplified): a chunk is one area per possible CPU, made together by
 * pcpu_get_vm_areas(); an allocation takes the same offset in every
 * unit, so per_cpu_ptr(p, cpu) is p plus cpu times the unit stride.
 * Allocation maps are two bitmaps of 16-byte granules (used, and the
 * start of each allocation) as in the kernel's alloc_map/bound_map.
 */
#include "mm/mm.h"

#define PCPU_UNIT	(32UL << 10)
#define PCPU_MIN	16UL
#define PCPU_BITS	(PCPU_UNIT / PCPU_MIN)
#define MAX_CHUNKS	4096

struct pcpu_chunk {
	uintptr_t base;
	unsigned long used[PCPU_BITS / 64];
	unsigned long bound[PCPU_BITS / 64];
	unsigned nr_used;
};

unsigned int nr_cpu_ids;
static size_t unit_stride = PCPU_UNIT + PAGE_SIZE;
static struct pcpu_chunk *chunks[MAX_CHUNKS];
static unsigned nr_chunks;
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

/* First run of n free granules starting at a multiple of step; a full
 * word of the map is skipped at once. */
static int find_free(const struct pcpu_chunk *c, unsigned n, unsigned step)
{
	if (PCPU_BITS - c->nr_used < n)
		return -1;
	for (unsigned i = 0; i + n <= PCPU_BITS;) {
		unsigned j = 0;

		if (c->used[i / 64] == ~0UL) {
			i = ALIGN_UP(i + 1, 64);
			i = ALIGN_UP(i, step);
			continue;
		}
		while (j < n && !test_bit(c->used, i + j))
			j++;
		if (j == n)
			return (int)i;
		i = ALIGN_UP(i + j + 1, step);	/* past the used granule */
	}
	return -1;
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
	for (unsigned i = 0; i < nr_chunks && off < 0; i++)
		if ((off = find_free(chunks[i], n, step)) >= 0)
			c = chunks[i];
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
		chunks[nr_chunks++] = c = nc;
		off = find_free(c, n, step);
	}
	set_bits(c->used, (unsigned)off, n, true);
	set_bits(c->bound, (unsigned)off, 1, true);
	c->nr_used += n;
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

static struct pcpu_chunk *chunk_of(uintptr_t addr, unsigned *idx)
{
	for (unsigned i = 0; i < nr_chunks; i++) {
		if (addr >= chunks[i]->base && addr < chunks[i]->base + PCPU_UNIT) {
			*idx = i;
			return chunks[i];
		}
	}
	return NULL;
}

void free_percpu(void *ptr)
{
	uintptr_t addr = (uintptr_t)ptr, off;
	struct pcpu_chunk *c, *empty = NULL;
	unsigned idx, start, n = 0;

	if (!ptr)
		return;
	kasan_spin_lock(&pcpu_lock);
	c = chunk_of(addr, &idx);
	off = c ? addr - c->base : 0;
	if (!c || off % PCPU_MIN || !test_bit(c->bound, (unsigned)(off / PCPU_MIN)) ||
	    !test_bit(c->used, (unsigned)(off / PCPU_MIN))) {
		kasan_spin_unlock(&pcpu_lock);
		report_bad_call("double-free or invalid-free",
				c ? "free_percpu() of a pointer that is not a live per-cpu allocation"
				  : "free_percpu() of a pointer outside every per-cpu chunk",
				addr, CALLER_IP, CALLER_FP, "Free");
		return;
	}
	start = (unsigned)(off / PCPU_MIN);
	set_bits(c->bound, start, 1, false);
	/* The allocation runs to the next bound or free granule. */
	while (start + n < PCPU_BITS && test_bit(c->used, start + n) &&
	       (!n || !test_bit(c->bound, start + n)))
		n++;
	/* Poison before the granules can be handed out again: poisoned
	 * after the unlock, a concurrent pcpu_alloc() of the same granules
	 * would have its unpoison overwritten (a false report). */
	for_each_unit(addr, (size_t)n * PCPU_MIN, poison_freed);
	set_bits(c->used, start, n, false);
	c->nr_used -= n;
	if (!c->nr_used && nr_chunks > 1) {
		chunks[idx] = chunks[--nr_chunks];
		empty = c;
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
