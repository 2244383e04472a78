// SPDX-License-Identifier: MIT
/*
 * A stack depot, after the kernel's lib/stackdepot.c: allocation and
 * free traces of vmalloc areas are stored once each and referred to by a
 * 32-bit handle, so a million live areas do not carry a million copies
 * of the same few call chains.
 */
#include "mm/mm.h"

#define DEPOT_DEPTH	8
#define DEPOT_BUCKETS	(1u << 14)

struct depot_entry {
	struct depot_entry *next;
	uint32_t hash, nr, handle;
	uintptr_t pcs[DEPOT_DEPTH];
};

static struct depot_entry *buckets[DEPOT_BUCKETS];
static struct depot_entry **by_handle;	/* handle - 1 -> entry */
static uint32_t nr_entries;
#define MAX_ENTRIES (1u << 20)
static kasan_spinlock_t depot_lock;

static uint32_t hash_pcs(const uintptr_t *pcs, uint32_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (uint32_t i = 0; i < n; i++)
		h = (h ^ pcs[i]) * 0x100000001b3ULL;
	return (uint32_t)(h ^ (h >> 32));
}

/*
 * Frame-pointer walk from fp, the frame of the function holding ip.
 * Only frames inside the current stack are followed, so a chain that
 * runs into code without frame pointers ends instead of faulting.
 */
static uint32_t save_trace(uintptr_t fp, uintptr_t ip, uintptr_t *pcs)
{
	uintptr_t lo, hi;
	uint32_t n = 0;

	pcs[n++] = ip;
	/* Bounds of the stack we run on (cached per thread): a caller
	 * without frame pointers hands us garbage, which must not send us
	 * looking for its mapping on every call. */
	if (!plat_stack_bounds((uintptr_t)__builtin_frame_address(0), &lo, &hi))
		return n;
	while (n < DEPOT_DEPTH && fp + PLAT_FRAME_RECORD_OFFSET >= lo &&
	       fp + PLAT_FRAME_RECORD_OFFSET + 16 <= hi && !(fp & 7)) {
		const uintptr_t *rec = (const uintptr_t *)(fp + PLAT_FRAME_RECORD_OFFSET);
		uintptr_t next = rec[0], ret = rec[1];

		if (!ret)
			break;
		pcs[n++] = ret;
		if (next <= fp)
			break;
		fp = next;
	}
	return n;
}

depot_handle_t stack_depot_save_here(uintptr_t fp, uintptr_t ip)
{
	uintptr_t pcs[DEPOT_DEPTH];
	uint32_t n = save_trace(fp, ip, pcs), h = hash_pcs(pcs, n);
	struct depot_entry *e;
	depot_handle_t handle = 0;

	kasan_spin_lock(&depot_lock);
	for (e = buckets[h % DEPOT_BUCKETS]; e; e = e->next) {
		uint32_t i = 0;

		if (e->hash != h || e->nr != n)
			continue;
		while (i < n && e->pcs[i] == pcs[i])
			i++;
		if (i == n)
			break;
	}
	if (e) {
		handle = e->handle;
	} else if (nr_entries < MAX_ENTRIES && (by_handle || (by_handle = plat_alloc_pages(
			   MAX_ENTRIES * sizeof(*by_handle))))) {
		/* No trace is better than a failed allocation: a full budget
		 * leaves the handle 0. */
		e = meta_alloc(sizeof(*e));
		if (e) {
			e->hash = h;
			e->nr = n;
			for (uint32_t i = 0; i < n; i++)
				e->pcs[i] = pcs[i];
			e->handle = handle = ++nr_entries;
			by_handle[handle - 1] = e;
			e->next = buckets[h % DEPOT_BUCKETS];
			buckets[h % DEPOT_BUCKETS] = e;
		}
	}
	kasan_spin_unlock(&depot_lock);
	return handle;
}

void stack_depot_print(depot_handle_t h)
{
	struct depot_entry *e = NULL;

	kasan_spin_lock(&depot_lock);
	if (h && h <= nr_entries)
		e = by_handle[h - 1];
	kasan_spin_unlock(&depot_lock);
	if (!e) {
		kasan_printf(" (no trace recorded)\n");
		return;
	}
	kasan_print_pcs(e->pcs, (int)e->nr);
}

void depot_lock_all(bool lock)
{
	if (lock)
		kasan_spin_lock(&depot_lock);
	else
		kasan_spin_unlock(&depot_lock);
}
