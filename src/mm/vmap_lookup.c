// SPDX-License-Identifier: MIT
/*
 * "What is this vmalloc address?" for reports: the mm side answers with
 * facts (which mapping, in what state, its traces), as Linux's
 * vmalloc_dump_obj() looks the area up for mm/kasan/report.c; kasan/
 * words the answer.  Reports may interrupt vmalloc code that holds an
 * area lock on this very thread: locks are only tried.
 */
#include "mm/vmalloc_internal.h"

/*
 * Reports may come from a signal handler that interrupted vmalloc code
 * holding this very lock on this thread: waiting for it would never end
 * (the large-kmalloc lookup of kmalloc.c uses it too).
 * Try for a while (another thread's critical sections are short), then
 * give up and say so.
 */
bool lookup_trylock(kasan_spinlock_t *lock)
{
	for (unsigned i = 0; i < 4096; i++) {
		if (kasan_spin_trylock(lock))
			return true;
		if (i < 64)
			plat_cpu_relax();
		else
			plat_yield();
	}
	return false;
}

enum found { NOT_FOUND, FOUND, BUSY };

static enum found find_copy(kasan_spinlock_t *lock, const struct vmap_tree *tree, uintptr_t addr,
			    struct vmap_area *copy, unsigned long *pfn, bool fill)
{
	struct vmap_area *va;

	if (!lookup_trylock(lock))
		return BUSY;
	va = vmap_area_find(tree, addr);
	if (va)
		*copy = *va;
	/* The frame behind addr, read under the lock (alias_pfns dies with
	 * the area). */
	if (va && pfn && addr < va->va_start + ((uintptr_t)va->nr_pages << PAGE_SHIFT)) {
		*pfn = va->alias_pfns ? va->alias_pfns[(addr - va->va_start) >> PAGE_SHIFT]
				      : identity_pfn(addr);
		/* The report prints that page: as Linux would see it. */
		if (fill)
			vmap_area_fill_pages(va);
	}
	kasan_spin_unlock(lock);
	return va ? FOUND : NOT_FOUND;
}

/* Every live shard in turn (areas do not overlap: one holds addr at most). */
static enum found find_live_copy(uintptr_t addr, struct vmap_area *copy, unsigned long *pfn)
{
	enum found live = NOT_FOUND;

	for (unsigned i = 0; i < nr_live_shards && live != FOUND; i++) {
		enum found f = find_copy(&live_shards[i].lock, &live_shards[i].tree, addr, copy, pfn,
					 true);

		if (f != NOT_FOUND)
			live = f;
	}
	return live;
}

static void fill(struct vmalloc_info *vi, const struct vmap_area *va)
{
	vi->start = va->va_start;
	vi->end = va->va_end;
	vi->size = va->size;
	vi->mapped_end = va->va_start + ((uintptr_t)va->nr_pages << PAGE_SHIFT);
	vi->nr_pages = va->nr_pages;
	vi->flags = va->flags;
	vi->alloc.pid = va->alloc_tid;
	vi->alloc.stack = va->alloc_trace;
	vi->free.pid = va->free_tid;
	vi->free.stack = va->free_trace;
}

enum vmalloc_state vmalloc_lookup(uintptr_t addr, struct vmalloc_info *vi)
{
	struct vmap_area copy;
	enum found live, lazy;

	kasan_memset_raw(vi, 0, sizeof(*vi));
	kasan_memset_raw(&copy, 0, sizeof(copy));
	if (!vmalloc_addr(addr) || !mem_map) {
		vi->start = VMALLOC_START;
		vi->end = VMALLOC_END;
		return VMALLOC_OUTSIDE;
	}
	live = find_live_copy(addr, &copy, &vi->pfn);
	/* The bottom guard is never mapped: an access there is told by the
	 * area right above it, as an access into any area's guard is. */
	if (live == NOT_FOUND && addr < VMALLOC_START + VMALLOC_BOTTOM_GUARD)
		live = find_live_copy(VMALLOC_START + VMALLOC_BOTTOM_GUARD, &copy, NULL);
	if (live == FOUND) {
		fill(vi, &copy);
		return VMALLOC_LIVE;
	}
	lazy = NOT_FOUND;
	for (unsigned i = 0; i < nr_vmap_nodes && lazy != FOUND; i++) {
		enum found f = find_copy(&vmap_nodes[i].lock, &vmap_nodes[i].lazy_tree, addr, &copy,
					 NULL, false);

		if (f != NOT_FOUND)
			lazy = f;
	}
	if (lazy == FOUND) {
		fill(vi, &copy);
		return VMALLOC_LAZY;
	}
	for (unsigned long i = 0; recent_area(i); i++) {
		const struct recent_area *r = recent_area(i);

		if (addr >= r->start && addr < r->end) {
			vi->start = r->start;
			vi->end = r->end;
			vi->size = r->size;
			vi->alloc.pid = r->alloc_tid;
			vi->alloc.stack = r->alloc_trace;
			vi->free.pid = r->free_tid;
			vi->free.stack = r->free_trace;
			return VMALLOC_PURGED;
		}
	}
	vi->start = VMALLOC_START;
	vi->end = VMALLOC_END;
	return live == BUSY || lazy == BUSY ? VMALLOC_BUSY : VMALLOC_NONE;
}

/* A hardware fault at addr: is it a live vmap stack's guard page?  The
 * stack proper is [*lo, *hi). */
bool vmalloc_stack_guard(uintptr_t addr, uintptr_t *lo, uintptr_t *hi)
{
	struct vmalloc_info vi;

	/* An overflow inside vmalloc code holding the lock is BUSY here:
	 * the fault is then reported as a plain fault. */
	if (vmalloc_lookup(addr, &vi) != VMALLOC_LIVE || !(vi.flags & VMK_STACK) ||
	    addr >= vi.start + PAGE_SIZE)
		return false;
	*lo = vi.start + PAGE_SIZE;
	*hi = vi.mapped_end;
	return true;
}
