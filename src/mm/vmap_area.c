// SPDX-License-Identifier: MIT
/*
 * The vmalloc address space, after Linux mm/vmalloc.c: free space is a
 * tree of free blocks searched for the lowest fit; freed areas wait on a
 * purge list (the kernel defers its TLB flush the same way) and leave it
 * in batches, when the lazily freed space passes its limit, when space
 * runs out, or at vm_unmap_aliases().  kasan_release_vmalloc runs at the
 * purge (see kasan/shadow_vmalloc.c for the policies).
 *
 * Per-CPU nodes (Linux 6.9+'s vmap_node): each CPU's node has its own
 * lock, its own purge list, and pools of purged areas by size in pages
 * (up to VMAP_POOL_PAGES; Linux's MAX_VA_SIZE_PAGES is more).  A request of a
 * pooled size is served from the caller's node: the same address range,
 * its frames still resident, its vmap_area reused, no free-tree lock, no
 * metadata allocation, no system call.  A purge moves each node's freed
 * areas into that node's pools, the rest (too big, pools full, sizes
 * nobody asked for since the last purge: a quarter of those "decays"
 * each time, as Linux decays its pools) back to the free tree under one
 * hold of its lock.  vm_unmap_aliases and a failed fit empty the pools
 * too.  Two CPUs freeing and allocating therefore share only the purge
 * limit's counters and the free tree on a pool miss.
 */
#include "mm/vmalloc_internal.h"

static struct vmap_tree free_tree;
static kasan_spinlock_t free_area_lock;
static unsigned long lazy_pages, lazy_max_pages, nr_purges;	/* atomic */
/* Shadow pages the lazily freed areas span: under refcount, what keeping
 * their addresses out of reuse costs in shadow made anew elsewhere. */
static unsigned long lazy_shadow, lazy_max_shadow;
unsigned long vmalloc_lazy_max_bytes;	/* the "vmalloc_lazy_max" option; 0: auto */

struct vmap_node vmap_nodes[MAX_VMAP_NODES];
unsigned nr_vmap_nodes = 1;

static kasan_spinlock_t recent_lock;
static struct recent_area recent[NR_RECENT];
static unsigned long recent_next;

static struct vmap_node *this_node(void)
{
	return &vmap_nodes[plat_cpu_id() % nr_vmap_nodes];
}

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
/*
 * A purged area of exactly size bytes from the caller's node that meets
 * align and [vstart, vend), or NULL.  Only the first few of a size are
 * looked at: a pool is a cache, not a search.
 */
static struct vmap_area *pool_take(size_t size, size_t align, uintptr_t vstart, uintptr_t vend)
{
	unsigned long n = size >> PAGE_SHIFT;
	struct vmap_node *vn;
	struct vmap_area **pp, *va = NULL;
	unsigned looked = 0;

	if (!n || n > VMAP_POOL_PAGES || (size & (PAGE_SIZE - 1)))
		return NULL;
	vn = this_node();
	if (!READ_ONCE(vn->pool[n - 1]))
		return NULL;
	kasan_spin_lock(&vn->lock);
	vn->pool_wanted[n - 1] = 1;
	for (pp = &vn->pool[n - 1]; *pp && looked < 8; pp = &(*pp)->purge_next, looked++) {
		struct vmap_area *c = *pp;

		if (!(c->va_start & (align - 1)) && c->va_start >= vstart && c->va_end <= vend) {
			*pp = c->purge_next;
			vn->pool_len[n - 1]--;
			vn->pooled--;
			va = c;
			break;
		}
	}
	kasan_spin_unlock(&vn->lock);
	if (va) {
		uintptr_t s = va->va_start, e = va->va_end;
		uint32_t kept = va->flags & VMK_FRAMES_KEPT;

		kasan_memset_raw(va, 0, sizeof(*va));
		va->va_start = s;
		va->va_end = e;
		va->flags = VMK_POOLED | kept;
	}
	return va;
}

struct vmap_area *alloc_vmap_area(size_t size, size_t align, uintptr_t vstart,
					 uintptr_t vend)
{
	struct vmap_area *va, *spare, *blk;
	uintptr_t addr = 0;
	bool purged = false;

	if (should_fail(FAIL_AREA))
		goto fail;
	plat_check_process();	/* a raw clone child must not touch shared state */
	va = pool_take(size, align, vstart, vend);
	if (va)
		return va;
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
	if (!blk && !purged) {
		/* Lazily freed and pooled space may be what we need. */
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

/* Consumes va; caller holds free_area_lock.  The merged-away neighbours
 * come back through *dead (chained by purge_next) for meta_free. */
static void free_block_locked(struct vmap_area *va, uintptr_t *fs, uintptr_t *fe,
			      struct vmap_area **dead)
{
	struct vmap_area *prev, *next;

	kasan_memset_raw(&va->subtree_max, 0, sizeof(*va) - offsetof(struct vmap_area, subtree_max));
	prev = va->va_start ? vmap_area_find(&free_tree, va->va_start - 1) : NULL;
	if (prev) {
		vmap_tree_remove(&free_tree, prev);
		va->va_start = prev->va_start;
		prev->purge_next = *dead;
		*dead = prev;
	}
	next = vmap_area_find(&free_tree, va->va_end);
	if (next) {
		vmap_tree_remove(&free_tree, next);
		va->va_end = next->va_end;
		next->purge_next = *dead;
		*dead = next;
	}
	vmap_tree_insert(&free_tree, va);
	*fs = va->va_start;
	*fe = va->va_end;
}

static void free_dead(struct vmap_area *dead)
{
	for (struct vmap_area *next; dead; dead = next) {
		next = dead->purge_next;
		meta_free(dead, sizeof(*dead));
	}
}

/* Consumes va. */
void free_vmap_block(struct vmap_area *va, uintptr_t *fs, uintptr_t *fe)
{
	struct vmap_area *dead = NULL;

	kasan_spin_lock(&free_area_lock);
	free_block_locked(va, fs, fe, &dead);
	kasan_spin_unlock(&free_area_lock);
	free_dead(dead);
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
 * Keep the frames of a purged area that hold data for the next area at
 * these addresses (its pool hands the range out again to a request of
 * its size; a bigger area's, the lowest fit soon after), as long as
 * fewer than FRAMES_RESIDENT_FREE_MAX are kept: taking a kept frame
 * costs a memset only if zeroed memory is asked for, a released one a page fault
 * and a hole punch on the hosted port.  Small areas (and pooled ones,
 * whose guard page counts: see keep_pages) are asked about in windows of
 * near neighbours, one residency query each (one mincore on the hosted
 * port, which takes the address space's lock that faults and mmap take
 * too: a second thread made every one slower).  A big area, mostly
 * untouched (it costs what is touched), is asked for the runs of frames
 * that hold data, so it costs the runs it has, not its size (a hole
 * punch over a 64 MiB area with one page touched was a quarter of its
 * vmalloc+vfree).
 */
/* Pages: asked in windows up to this, in runs above.  A window keeps any
 * number of runs; a range that earlier, smaller areas left frames in
 * (vmalloc does not zero them) has many, and at 64 pages a third of
 * test_vmalloc random_size's areas (1-100 pages) went over the run limit
 * and were released whole: a hole punch, with two threads a TLB
 * shootdown, per area. */
#define KEEP_RESIDENT_AREA_MAX 128
#define VMK_PURGE_POOL	0x80000000u	/* during a purge: goes to its node's pool */
#define VMK_PURGE_KEPT	VMK_FRAMES_KEPT	/* frames kept: no release; told to the reuser */
#define RESIDENT_WINDOW	1024		/* pages one residency query covers */
#define RESIDENT_GAP	16		/* pages between two areas of one query */
#define KEEP_RESIDENT_RUNS 4	/* a big area's runs; each costs two lseeks on the hosted port */
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

/*
 * A big area: keep its runs of frames that hold data.  True: nothing is
 * left to release (kept, or nothing there).  False: over the limit, too
 * many runs, or a port that must release: release.
 */
static bool keep_big(unsigned long pfn, unsigned long n)
{
	unsigned long runs[2 * KEEP_RESIDENT_RUNS], total = 0;
	unsigned nr, kept = 0;

	if (frames_resident_free() >= FRAMES_RESIDENT_FREE_MAX)
		return false;
	nr = plat_frames_data(pfn, n, runs, KEEP_RESIDENT_RUNS);
	if (nr > KEEP_RESIDENT_RUNS)
		return false;
	for (unsigned i = 0; i < nr; i++) {
		/*
		 * A short run that holds only zeros: most likely frames kept
		 * for an earlier area, zeroed when this one took them and never
		 * written since.  Kept again, they would be a run at every
		 * purge there (two lseeks each on the hosted port: a 64 MiB
		 * area where a sweep of smaller ones had been found three);
		 * released now, once.
		 */
		if (runs[2 * i + 1] <= KEEP_ZERO_CHECK_RUN && frames_zero(runs[2 * i], runs[2 * i + 1])) {
			plat_frames_release(runs[2 * i], runs[2 * i + 1]);
			continue;
		}
		runs[2 * kept] = runs[2 * i];
		runs[2 * kept + 1] = runs[2 * i + 1];
		total += runs[2 * kept + 1];
		kept++;
	}
	if (frames_resident_free() + total > FRAMES_RESIDENT_FREE_MAX)
		return false;
	total = 0;
	for (unsigned i = 0; i < kept; i++)
		for (unsigned long f = runs[2 * i]; f < runs[2 * i] + runs[2 * i + 1]; f++)
			total += frame_keep_resident(f);
	frames_resident_add((long)total);
	return true;
}

/* The frames whose residency is asked: a pooled area's whole range (its
 * next owner may map the guard page too: VM_NO_GUARD), else the mapped ones. */
static unsigned long keep_pages(const struct vmap_area *va)
{
	return va->flags & VMK_PURGE_POOL ? (va->va_end - va->va_start) >> PAGE_SHIFT : va->nr_pages;
}

/* Frames of an area that keeps any: none for a vmap alias (its frames
 * are someone else's) or an area without pages. */
static bool has_frames(const struct vmap_area *va)
{
	return !va->alias_pfns && va->nr_pages;
}

/* Asked in a window (mincore) up to this size, a pooled range's guard
 * page included; above it, in runs (keep_big). */
static bool is_big(const struct vmap_area *va)
{
	return keep_pages(va) > KEEP_RESIDENT_AREA_MAX + (va->flags & VMK_PURGE_POOL ? 1UL : 0UL);
}

static bool wants_keep(const struct vmap_area *va)
{
	return has_frames(va) && !is_big(va) &&
	       frames_resident_free() + keep_pages(va) <= FRAMES_RESIDENT_FREE_MAX;
}

/*
 * Mark what the keepers in the sorted list keep: frames holding data are
 * PG_resident_free (frame_keep_resident) and counted; an area with any,
 * or a big one with nothing left to release, is VMK_PURGE_KEPT.
 */
static void keep_resident(struct vmap_area *sorted)
{
	uint8_t vec[RESIDENT_WINDOW];

	for (struct vmap_area *va = sorted, *last, *x; va; va = last->purge_next) {
		uintptr_t ws = va->va_start, we;
		unsigned long kept = 0;

		last = va;
		if (has_frames(va) && is_big(va) && keep_big(identity_pfn(va->va_start), keep_pages(va)))
			va->flags |= VMK_PURGE_KEPT;
		if (!wants_keep(va))
			continue;
		we = ws + (keep_pages(va) << PAGE_SHIFT);
		for (x = va->purge_next; x; x = x->purge_next) {
			uintptr_t xe = x->va_start + (keep_pages(x) << PAGE_SHIFT);

			/* The query costs a page-cache lookup per page of the span,
			 * gaps included: only near neighbours share one.  A big
			 * area ends the window: it is asked in runs, at its turn
			 * in the outer loop (inside a window it was never asked,
			 * and its frames were released). */
			if (is_big(x) || ((xe - ws) >> PAGE_SHIFT) > RESIDENT_WINDOW ||
			    ((x->va_start - we) >> PAGE_SHIFT) > RESIDENT_GAP)
				break;
			last = x;
			we = xe;
		}
		plat_frames_resident(identity_pfn(ws), (we - ws) >> PAGE_SHIFT, vec);
		for (x = va;; x = x->purge_next) {
			if (wants_keep(x)) {
				unsigned long first = (x->va_start - ws) >> PAGE_SHIFT, k = 0;

				for (unsigned long i = 0; i < keep_pages(x); i++)
					if (vec[first + i]) {
						kept += frame_keep_resident(identity_pfn(x->va_start) + i);
						k++;
					}
				/* Nothing kept (a port that frees frames at put, or pages never
				 * touched): the release still runs, it may have more to do than
				 * free RAM (the bare-metal port flushes other harts' TLBs there). */
				if (k)
					x->flags |= VMK_PURGE_KEPT;
			}
			if (x == last)
				break;
		}
		if (kept)
			frames_resident_add((long)kept);
	}
}

/*
 * vmalloc'd frames were uncharged at vfree.  Now, before their range is
 * handed out again (nobody can take them meanwhile): kept for reuse, or
 * their RAM released with one hole punch per run of adjacent areas
 * (guard frames were never touched, punching them too costs nothing).
 * A vmap alias got its identity mapping back at vunmap and has no frames
 * of its own here.
 */
static void release_purged_frames(struct vmap_area *sorted)
{
	uintptr_t run_start = 0, run_end = 0;

	keep_resident(sorted);
	for (struct vmap_area *va = sorted; va; va = va->purge_next) {
		if (va->alias_pfns || !va->nr_pages || (va->flags & VMK_PURGE_KEPT))
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

/*
 * A pooled area tells its next owner whether any frame of its range
 * holds stale data to zero (VMK_FRAMES_KEPT): not only what this purge
 * kept — a vmap alias or a per-cpu chunk at these addresses before left
 * the frames earlier purges kept as they were.  At most VMAP_POOL_PAGES
 * struct pages read.
 */
static void mark_kept(struct vmap_area *va)
{
	unsigned long pfn = identity_pfn(va->va_start), n = (va->va_end - va->va_start) >> PAGE_SHIFT;

	va->flags &= ~VMK_FRAMES_KEPT;
	for (unsigned long i = 0; i < n; i++)
		if (mem_map[pfn + i].flags & PG_resident_free) {
			va->flags |= VMK_FRAMES_KEPT;
			return;
		}
}

/* Pool caps: per size, and per node (address space the pools hold back
 * from the free tree; their frames are bounded by FRAMES_RESIDENT_FREE_MAX). */
#define POOL_SIZE_MAX	64
#define POOL_NODE_MAX	1024

static unsigned long pool_index(const struct vmap_area *va)
{
	return ((va->va_end - va->va_start) >> PAGE_SHIFT) - 1;
}

/*
 * Caller holds vn->lock.  Pools of sizes nobody asked for since the last
 * purge give a quarter of their areas (at least one) back; full: all of
 * them.  Returned chained by purge_next.
 */
static struct vmap_area *pool_decay(struct vmap_node *vn, bool full)
{
	struct vmap_area *out = NULL;

	for (unsigned long i = 0; i < VMAP_POOL_PAGES && vn->pooled; i++) {
		uint32_t n = full ? vn->pool_len[i] : vn->pool_wanted[i] ? 0 :
			     (vn->pool_len[i] + 3) / 4;

		vn->pool_wanted[i] = 0;
		for (; n && vn->pool[i]; n--) {
			struct vmap_area *va = vn->pool[i];

			vn->pool[i] = va->purge_next;
			vn->pool_len[i]--;
			vn->pooled--;
			va->purge_next = out;
			out = va;
		}
	}
	return out;
}

/* Caller holds vn->lock. */
static bool pool_room(const struct vmap_node *vn, const struct vmap_area *va)
{
	unsigned long n = (va->va_end - va->va_start) >> PAGE_SHIFT;

	return n && n <= VMAP_POOL_PAGES && vn->pool_len[n - 1] < POOL_SIZE_MAX &&
	       vn->pooled < POOL_NODE_MAX;
}

static void remember(struct vmap_area *list)
{
	kasan_spin_lock(&recent_lock);
	for (struct vmap_area *va = list; va; va = va->purge_next) {
		struct recent_area *r = &recent[recent_next % NR_RECENT];

		r->start = va->va_start;
		r->end = va->va_end;
		r->size = va->size;
		r->alloc_trace = va->alloc_trace;
		r->free_trace = va->free_trace;
		r->alloc_tid = va->alloc_tid;
		r->free_tid = va->free_tid;
		WRITE_ONCE(recent_next, recent_next + 1);
	}
	kasan_spin_unlock(&recent_lock);
}

/* Caller holds free_area_lock: a chain of areas back to the free tree. */
static void free_chain_locked(struct vmap_area *va, struct vmap_area **dead)
{
	for (struct vmap_area *next; va; va = next) {
		uintptr_t fs, fe;

		next = va->purge_next;
		free_block_locked(va, &fs, &fe, dead);
	}
}

/* One node's lazily freed areas into its pools or the free tree; full:
 * its pools too go back to the free tree. */
static void purge_node(struct vmap_node *vn, bool full)
{
	struct vmap_area *list, *back, *pool = NULL, *tofree = NULL, *dead = NULL, *next;
	unsigned long pages, shadow;

	if (!READ_ONCE(vn->lazy) && !READ_ONCE(vn->pooled))
		return;
	kasan_spin_lock(&vn->lock);
	list = vn->lazy;
	vn->lazy = NULL;
	for (struct vmap_area *va = list; va; va = va->purge_next)
		vmap_tree_remove(&vn->lazy_tree, va);
	/* What of the list the global counts hold; the rest was local. */
	pages = vn->flushed_pages;
	shadow = vn->flushed_shadow;
	vn->flushed_pages = vn->flushed_shadow = vn->local_pages = vn->local_shadow = 0;
	/* Areas freed since the last purge go to the pools below: only what
	 * waited a whole round unasked decays. */
	back = pool_decay(vn, full);
	for (struct vmap_area *va = full ? NULL : list; va; va = va->purge_next)
		if (pool_room(vn, va)) {
			va->flags |= VMK_PURGE_POOL;
			vn->pool_len[pool_index(va)]++;	/* room taken now, filled below */
			vn->pooled++;
		}
	kasan_spin_unlock(&vn->lock);
	__atomic_sub_fetch(&lazy_pages, pages, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&lazy_shadow, shadow, __ATOMIC_RELAXED);
	if (list) {
		__atomic_add_fetch(&nr_purges, 1, __ATOMIC_RELAXED);
		remember(list);
	}

	list = sort_by_address(list);
	release_purged_frames(list);
	for (struct vmap_area *va = list; va; va = next) {
		next = va->purge_next;
		if (va->alias_pfns)
			meta_free(va->alias_pfns, va->nr_pages * sizeof(unsigned long));
		va->alias_pfns = NULL;
		/* Each freed area is its own free block, as in Linux 6.12. */
		kasan_release_vmalloc(va->va_start, va->va_end, va->va_start, va->va_end);
		if (va->flags & VMK_PURGE_POOL) {
			mark_kept(va);
			va->purge_next = pool;
			pool = va;
		} else {
			va->purge_next = tofree;
			tofree = va;
		}
	}
	if (pool) {
		kasan_spin_lock(&vn->lock);
		for (struct vmap_area *va = pool; va; va = next) {
			unsigned long i = pool_index(va);

			next = va->purge_next;
			va->flags &= ~VMK_PURGE_POOL;
			va->purge_next = vn->pool[i];
			vn->pool[i] = va;
		}
		kasan_spin_unlock(&vn->lock);
	}
	/* Decayed areas keep their kept frames, as any kept frame in the free
	 * tree (at most KEEP_RESIDENT_AREA_MAX + 1 pages an area: zeroing them
	 * when the lowest fit hands them out in another shape stays cheap). */
	if (!tofree && !back)
		return;
	kasan_spin_lock(&free_area_lock);
	free_chain_locked(tofree, &dead);
	free_chain_locked(back, &dead);
	kasan_spin_unlock(&free_area_lock);
	free_dead(dead);
}

/* Every node's lazily freed areas; full: the pools too (vm_unmap_aliases,
 * and an allocation the free tree could not place). */
static void purge_nodes(bool full)
{
	for (unsigned i = 0; i < nr_vmap_nodes; i++)
		purge_node(&vmap_nodes[i], full);
}

void purge_vmap_area_lazy(void)
{
	purge_nodes(true);
}

void vm_unmap_aliases(void)
{
	purge_nodes(true);
}

/*
 * On the freeing CPU's node.  The limit is global (as Linux's
 * vmap_lazy_nr): the use-after-vfree window is the same whichever CPUs
 * free, and a purge then takes every node's list.  A node adds to the
 * global counts in batches of an eighth of the limit per node (an atomic
 * per vfree was the hottest instruction of free_vmap_area_lazy with two
 * workers) and checks the global counts plus its own: a program on one
 * CPU purges exactly at the limit; other CPUs' unflushed frees can only
 * make the window longer, never shorter.  shadow: the shadow pages the
 * area keeps out of reuse meanwhile (vmalloc.c's lazy_shadow_pages).
 */
static unsigned long lazy_batch_pages, lazy_batch_shadow;

void free_vmap_area_lazy(struct vmap_area *va, unsigned long shadow)
{
	struct vmap_node *vn = this_node();
	unsigned long pages = (va->va_end - va->va_start) >> PAGE_SHIFT;
	unsigned long add_pages = 0, add_shadow = 0, local_pages, local_shadow;
	bool full;

	kasan_spin_lock(&vn->lock);
	vmap_tree_insert(&vn->lazy_tree, va);
	va->purge_next = vn->lazy;
	vn->lazy = va;
	vn->local_pages += pages;
	vn->local_shadow += shadow;
	if (vn->local_pages >= lazy_batch_pages || vn->local_shadow >= lazy_batch_shadow) {
		add_pages = vn->local_pages;
		add_shadow = vn->local_shadow;
		vn->flushed_pages += add_pages;
		vn->flushed_shadow += add_shadow;
		vn->local_pages = vn->local_shadow = 0;
	}
	local_pages = vn->local_pages;
	local_shadow = vn->local_shadow;
	kasan_spin_unlock(&vn->lock);
	if (add_pages) {
		__atomic_add_fetch(&lazy_pages, add_pages, __ATOMIC_RELAXED);
		__atomic_add_fetch(&lazy_shadow, add_shadow, __ATOMIC_RELAXED);
	}
	full = __atomic_load_n(&lazy_pages, __ATOMIC_RELAXED) + local_pages > lazy_max_pages ||
	       __atomic_load_n(&lazy_shadow, __ATOMIC_RELAXED) + local_shadow > lazy_max_shadow;
	if (full)
		purge_nodes(false);
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
	 * (after the purge, the area's pool or the lowest fit hands the range
	 * out again).
	 * Given: vmalloc_lazy_max bytes.  Auto: Linux's lazy_max_pages(),
	 * 32 MiB times (1 + log2(cpus)) — except under refcount with a cache,
	 * where the freed areas' shadow pages wait in the cache: purging once
	 * they span half of one CPU's share of it lets the next areas take
	 * them back instead of making shadow anew at fresh addresses (about
	 * 1 MiB of frees).
	 */
	lazy_max_pages = ((32UL << 20) >> PAGE_SHIFT) * (log + 1);
	lazy_max_shadow = ~0UL;
	if (vmalloc_lazy_max_bytes) {
		lazy_max_pages = vmalloc_lazy_max_bytes >> PAGE_SHIFT;
	} else if (vmalloc_shadow_policy == SHADOW_REFCOUNT && vmalloc_shadow_cache_max) {
		/* Half of one CPU's share of the cache: a window as big as
		 * the cache spread the areas over more pages than it holds. */
		lazy_max_shadow = (vmalloc_shadow_cache_max < SHADOW_CACHE_PER_CPU ?
				   vmalloc_shadow_cache_max : SHADOW_CACHE_PER_CPU) / 2;
	}
	nr_vmap_nodes = ncpu < MAX_VMAP_NODES ? (ncpu ? ncpu : 1) : MAX_VMAP_NODES;
	lazy_batch_pages = lazy_max_pages / (8 * nr_vmap_nodes) ? : 1;
	lazy_batch_shadow = lazy_max_shadow == ~0UL ? ~0UL : lazy_max_shadow / (8 * nr_vmap_nodes) ? : 1;
	free_tree.seed = plat_time_ns() | 1;
	for (unsigned i = 0; i < MAX_VMAP_NODES; i++)
		vmap_nodes[i].lazy_tree.seed = free_tree.seed * (5 + 2 * i);
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
	*lazy = 0;
	for (unsigned i = 0; i < nr_vmap_nodes; i++) {
		kasan_spin_lock(&vmap_nodes[i].lock);
		*lazy += vmap_nodes[i].lazy_tree.count;
		kasan_spin_unlock(&vmap_nodes[i].lock);
	}
	*purges = READ_ONCE(nr_purges);
}

/* fork: every node, the recent ring, the free tree (never nested elsewhere). */
void vmap_area_lock_all(bool lock)
{
	if (lock) {
		for (unsigned i = 0; i < MAX_VMAP_NODES; i++)
			kasan_spin_lock(&vmap_nodes[i].lock);
		kasan_spin_lock(&recent_lock);
		kasan_spin_lock(&free_area_lock);
	} else {
		kasan_spin_unlock(&free_area_lock);
		kasan_spin_unlock(&recent_lock);
		for (unsigned i = MAX_VMAP_NODES; i--;)
			kasan_spin_unlock(&vmap_nodes[i].lock);
	}
}
