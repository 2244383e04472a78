// SPDX-License-Identifier: MIT
/*
 * The vmalloc address space, after Linux mm/vmalloc.c: free space is a
 * tree of free blocks searched for the lowest fit; freed areas wait on a
 * purge list (the kernel defers its TLB flush the same way) and go back
 * to the free tree in batches, when the list is full, when space runs
 * out, or at vm_unmap_aliases().  kasan_release_vmalloc runs at the
 * purge (see kasan/shadow_vmalloc.c for the policies).
 */
#include "mm/vmalloc_internal.h"

static struct vmap_tree free_tree;
struct vmap_tree lazy_tree;
static kasan_spinlock_t free_area_lock;
kasan_spinlock_t purge_lock;
static struct vmap_area *purge_list;
static unsigned long lazy_pages, lazy_max_pages, nr_purges;
/* Shadow pages the lazily freed areas span: under refcount, what keeping
 * their addresses out of reuse costs in shadow made anew elsewhere. */
static unsigned long lazy_shadow, lazy_max_shadow;
unsigned long vmalloc_lazy_max_bytes;	/* the "vmalloc_lazy_max" option; 0: auto */

static struct recent_area recent[NR_RECENT];
static unsigned long recent_next;

const struct recent_area *recent_area(unsigned long i)
{
	const struct recent_area *r = &recent[(READ_ONCE(recent_next) - 1 - i) % NR_RECENT];

	return i < NR_RECENT && r->end ? r : NULL;
}

struct vmap_area *va_alloc_meta(void)
{
	return meta_alloc(sizeof(struct vmap_area));
}



/*
 * Placement that spares shadow: an area of size bytes needs at least
 * ceil(size / 32 KiB) shadow pages, one more if it straddles a shadow
 * page boundary it need not.  Within the block lowest-fit chose, move
 * such an area up to the next 32 KiB boundary when it still fits; the
 * hole left behind is small and takes small areas later.  Without this,
 * fragmentation leaves many small areas each straddling two shadow
 * pages, and a refcounted shadow can cost twice its lower bound.
 */
static uintptr_t shadow_friendly(uintptr_t addr, size_t size, uintptr_t block_end)
{
	uintptr_t slack = ALIGN_UP(size, SHADOW_PAGE_SPAN) - size;
	uintptr_t moved = ALIGN_UP(addr, SHADOW_PAGE_SPAN);

	if ((addr & (SHADOW_PAGE_SPAN - 1)) <= slack || moved + size > block_end)
		return addr;
	return moved;
}

/*
 * Find [addr, addr + size) in the free tree and carve it out.  Metadata
 * for the new area and a possible split remainder is allocated before
 * the lock is taken, like the kernel's ne_fit_preload.
 */
struct vmap_area *alloc_vmap_area(size_t size, size_t align, uintptr_t vstart,
					 uintptr_t vend)
{
	struct vmap_area *va, *spare, *blk;
	uintptr_t addr = 0;
	bool purged = false;

	if (should_fail(FAIL_AREA))
		goto fail;
	plat_check_process();	/* a raw clone child must not touch shared state */
	va = va_alloc_meta();
	spare = va_alloc_meta();
	if (!va || !spare) {
		meta_free(va, sizeof(*va));
		meta_free(spare, sizeof(*spare));
		goto fail;
	}
retry:
	kasan_spin_lock(&free_area_lock);
	blk = vmap_tree_lowest_fit(&free_tree, size, align, vstart, vend, &addr);
	if (blk) {
		uintptr_t bs = blk->va_start, be = blk->va_end;

		addr = shadow_friendly(addr, size, be < vend ? be : vend);

		vmap_tree_remove(&free_tree, blk);
		if (addr > bs && addr + size < be) {
			blk->va_end = addr;
			vmap_tree_insert(&free_tree, blk);
			spare->va_start = addr + size;
			spare->va_end = be;
			vmap_tree_insert(&free_tree, spare);
			spare = NULL;
		} else if (addr > bs) {
			blk->va_end = addr;
			vmap_tree_insert(&free_tree, blk);
		} else if (addr + size < be) {
			blk->va_start = addr + size;
			vmap_tree_insert(&free_tree, blk);
		} else {
			meta_free(blk, sizeof(*blk));
		}
	}
	kasan_spin_unlock(&free_area_lock);
	if (!blk && !purged && READ_ONCE(purge_list)) {
		/* Lazily freed space may be what we need. */
		purge_vmap_area_lazy();
		purged = true;
		goto retry;
	}
	meta_free(spare, sizeof(*spare));
	if (!blk) {
		meta_free(va, sizeof(*va));
		goto fail;
	}
	va->va_start = addr;
	va->va_end = addr + size;
	return va;
fail:
	count_failure(FAIL_AREA);
	return NULL;
}

/* Consumes va. */
void free_vmap_block(struct vmap_area *va, uintptr_t *fs, uintptr_t *fe)
{
	struct vmap_area *prev, *next;

	kasan_memset_raw(&va->subtree_max, 0, sizeof(*va) - offsetof(struct vmap_area, subtree_max));
	kasan_spin_lock(&free_area_lock);
	prev = va->va_start ? vmap_area_find(&free_tree, va->va_start - 1) : NULL;
	if (prev) {
		vmap_tree_remove(&free_tree, prev);
		va->va_start = prev->va_start;
	}
	next = vmap_area_find(&free_tree, va->va_end);
	if (next) {
		vmap_tree_remove(&free_tree, next);
		va->va_end = next->va_end;
	}
	vmap_tree_insert(&free_tree, va);
	*fs = va->va_start;
	*fe = va->va_end;
	kasan_spin_unlock(&free_area_lock);
	meta_free(prev, sizeof(*prev));
	meta_free(next, sizeof(*next));
}

/* Merge sort of the purge list by address (it is built LIFO). */
static struct vmap_area *sort_by_address(struct vmap_area *list)
{
	struct vmap_area *a = NULL, *b = NULL, *next, **tail, *out;

	if (!list || !list->purge_next)
		return list;
	for (bool to_a = true; list; list = next, to_a = !to_a) {
		next = list->purge_next;
		if (to_a) {
			list->purge_next = a;
			a = list;
		} else {
			list->purge_next = b;
			b = list;
		}
	}
	a = sort_by_address(a);
	b = sort_by_address(b);
	for (tail = &out; a && b; tail = &(*tail)->purge_next) {
		if (a->va_start < b->va_start) {
			*tail = a;
			a = a->purge_next;
		} else {
			*tail = b;
			b = b->purge_next;
		}
	}
	*tail = a ? a : b;
	return out;
}

/*
 * Keep the frames of [pfn, pfn + n) that hold data for the next area at
 * these addresses (the lowest fit soon hands them out again), as long as
 * fewer than FRAMES_RESIDENT_FREE_MAX are kept: taking a kept frame
 * costs a memset (vmalloc_common zeroes it), a released one a page fault
 * and a hole punch on the hosted port.  The port names the runs of
 * frames that hold data, so a big area, mostly untouched (it costs what
 * is touched), costs the runs it has, not its size (a hole punch over a
 * 64 MiB area with one page touched was a quarter of its vmalloc+vfree,
 * and asking page by page which frames hold data cost as much again).
 * True: nothing is left to release (kept, or nothing there).  False: over
 * the limit, too many runs, or a port that must release: release.
 */
#define KEEP_RESIDENT_RUNS 4	/* each costs two lseeks on the hosted port */
#define KEEP_ZERO_CHECK_MIN 64	/* pages: a bigger area's short runs are checked */
#define KEEP_ZERO_CHECK_RUN 4	/* pages */

/* Do the n frames from pfn (identity frames of the vmalloc space) hold
 * nothing but zeros?  Read through the vmalloc space: the runtime is not
 * instrumented, and the range waits in the purge. */
static bool frames_zero(unsigned long pfn, unsigned long n)
{
	const uint64_t *w = (const uint64_t *)(mm_layout.vmalloc_start +
					       ((pfn - mm_layout.vmalloc_pfn_base) << PAGE_SHIFT));

	for (unsigned long i = 0; i < (n << PAGE_SHIFT) / sizeof(*w); i++)
		if (w[i])
			return false;
	return true;
}

static bool keep_resident(unsigned long pfn, unsigned long n)
{
	unsigned long runs[2 * KEEP_RESIDENT_RUNS], total = 0;
	unsigned nr, kept = 0;

	if (READ_ONCE(frames_resident_free) >= FRAMES_RESIDENT_FREE_MAX)
		return false;
	nr = plat_frames_data(pfn, n, runs, KEEP_RESIDENT_RUNS);
	if (nr > KEEP_RESIDENT_RUNS)
		return false;
	for (unsigned i = 0; i < nr; i++) {
		/*
		 * A big area's short run that holds only zeros: most likely
		 * frames kept for an earlier area, zeroed when this one took
		 * them and never written since.  Kept again, they would be a
		 * run at every purge there (two lseeks each on the hosted port:
		 * a 64 MiB area where a sweep of smaller ones had been found
		 * three); released now, once.
		 */
		if (n > KEEP_ZERO_CHECK_MIN && runs[2 * i + 1] <= KEEP_ZERO_CHECK_RUN &&
		    frames_zero(runs[2 * i], runs[2 * i + 1])) {
			plat_frames_release(runs[2 * i], runs[2 * i + 1]);
			continue;
		}
		runs[2 * kept] = runs[2 * i];
		runs[2 * kept + 1] = runs[2 * i + 1];
		total += runs[2 * kept + 1];
		kept++;
	}
	if (READ_ONCE(frames_resident_free) + total > FRAMES_RESIDENT_FREE_MAX)
		return false;
	for (unsigned i = 0; i < kept; i++)
		for (unsigned long f = runs[2 * i]; f < runs[2 * i] + runs[2 * i + 1]; f++)
			frame_keep_resident(f);
	__atomic_add_fetch(&frames_resident_free, total, __ATOMIC_RELAXED);
	return true;
}

/*
 * vmalloc'd frames were uncharged at vfree.  Now, before their range
 * goes back to the free tree (nobody can take them meanwhile): kept for
 * reuse, or their RAM released with one hole punch per run of adjacent
 * areas (guard frames were never touched, punching them too costs
 * nothing).  A vmap alias got its identity mapping back at vunmap and
 * has no frames of its own here.
 */
static void release_purged_frames(struct vmap_area *sorted)
{
	uintptr_t run_start = 0, run_end = 0;

	for (struct vmap_area *va = sorted; va; va = va->purge_next) {
		if (va->alias_pfns || !va->nr_pages)
			continue;
		if (keep_resident(identity_pfn(va->va_start), va->nr_pages))
			continue;
		if (va->va_start != run_end) {
			if (run_end)
				plat_frames_release(identity_pfn(run_start),
						    (run_end - run_start) >> PAGE_SHIFT);
			run_start = va->va_start;
		}
		run_end = va->va_end;
	}
	if (run_end)
		plat_frames_release(identity_pfn(run_start), (run_end - run_start) >> PAGE_SHIFT);
}

void purge_vmap_area_lazy(void)
{
	struct vmap_area *list, *next;

	kasan_spin_lock(&purge_lock);
	list = purge_list;
	purge_list = NULL;
	lazy_pages = 0;
	lazy_shadow = 0;
	for (struct vmap_area *va = list; va; va = va->purge_next)
		vmap_tree_remove(&lazy_tree, va);
	if (list)
		nr_purges++;
	for (struct vmap_area *va = list; va; va = va->purge_next) {
		struct recent_area *r = &recent[recent_next++ % NR_RECENT];

		r->start = va->va_start;
		r->end = va->va_end;
		r->size = va->size;
		r->alloc_trace = va->alloc_trace;
		r->free_trace = va->free_trace;
		r->alloc_tid = va->alloc_tid;
		r->free_tid = va->free_tid;
	}
	kasan_spin_unlock(&purge_lock);

	list = sort_by_address(list);
	release_purged_frames(list);
	for (struct vmap_area *va = list; va; va = next) {
		uintptr_t start = va->va_start, end = va->va_end, fs, fe;

		next = va->purge_next;
		if (va->alias_pfns)
			meta_free(va->alias_pfns, va->nr_pages * sizeof(unsigned long));
		free_vmap_block(va, &fs, &fe);
		/* Each freed area is its own free block, as in Linux 6.12. */
		kasan_release_vmalloc(start, end, start, end);
	}
}

void vm_unmap_aliases(void)
{
	purge_vmap_area_lazy();
}


void free_vmap_area_lazy(struct vmap_area *va)
{
	bool full;

	kasan_spin_lock(&purge_lock);
	vmap_tree_insert(&lazy_tree, va);
	va->purge_next = purge_list;
	purge_list = va;
	lazy_pages += (va->va_end - va->va_start) >> PAGE_SHIFT;
	lazy_shadow += (va->va_end - va->va_start + SHADOW_PAGE_SPAN - 1) / SHADOW_PAGE_SPAN;
	full = lazy_pages > lazy_max_pages || lazy_shadow > lazy_max_shadow;
	kasan_spin_unlock(&purge_lock);
	if (full)
		purge_vmap_area_lazy();
}

bool vmap_area_init(char *err, size_t errlen)
{
	struct vmap_area *all;
	unsigned ncpu = plat_nr_cpus(), log = 0;

	while ((1u << (log + 1)) <= ncpu)
		log++;
	/*
	 * How much freed address space waits for the lazy purge: the window in
	 * which a use after vfree still finds "freed" poison at a dead address
	 * (after the purge, the lowest fit hands the range out again).
	 * Given: vmalloc_lazy_max bytes.  Auto: Linux's lazy_max_pages(),
	 * 32 MiB times (1 + log2(cpus)) — except under refcount with a cache,
	 * where the freed areas' shadow pages wait in the cache: purging once
	 * they span half of it lets the next areas take them back instead of
	 * making shadow anew at fresh addresses (about 1 MiB of frees with
	 * the 64-page cache).
	 */
	lazy_max_pages = ((32UL << 20) >> PAGE_SHIFT) * (log + 1);
	lazy_max_shadow = ~0UL;
	if (vmalloc_lazy_max_bytes) {
		lazy_max_pages = vmalloc_lazy_max_bytes >> PAGE_SHIFT;
	} else if (vmalloc_shadow_policy == SHADOW_REFCOUNT && vmalloc_shadow_cache_max) {
		lazy_max_shadow = vmalloc_shadow_cache_max / 2;
	}
	free_tree.seed = plat_time_ns() | 1;
	lazy_tree.seed = free_tree.seed * 5;
	all = va_alloc_meta();
	if (!all) {
		kasan_snprintf(err, errlen, "vmkasan: no RAM for the vmalloc space's first area");
		return false;
	}
	all->va_start = mm_layout.vmalloc_start + VMALLOC_BOTTOM_GUARD;
	all->va_end = mm_layout.vmalloc_end;
	vmap_tree_insert(&free_tree, all);
	return true;
}

void vmap_area_counters(unsigned long *lazy, unsigned long *purges)
{
	kasan_spin_lock(&purge_lock);
	*lazy = lazy_tree.count;
	*purges = nr_purges;
	kasan_spin_unlock(&purge_lock);
}

/* fork: the purge lock before the free-area lock, as purging nests them. */
void vmap_area_lock_all(bool lock)
{
	if (lock) {
		kasan_spin_lock(&purge_lock);
		kasan_spin_lock(&free_area_lock);
	} else {
		kasan_spin_unlock(&free_area_lock);
		kasan_spin_unlock(&purge_lock);
	}
}
