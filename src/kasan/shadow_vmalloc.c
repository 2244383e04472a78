// SPDX-License-Identifier: MIT
/*
 * Real shadow memory for the vmalloc space (Daniel Axtens' v4 patch and
 * what its review asked for).
 *
 * The shadow of the vmalloc space is absent until a mapping needs it:
 * kasan_populate_vmalloc() installs each shadow page the first time an
 * area touches it, filled with KASAN_VMALLOC_INVALID, and neighbouring
 * areas share it (one shadow page covers 32 KiB of vmalloc space).
 * Each shadow page's struct page counts the areas using it (the review's
 * "use page_ref to count how many pieces of a shadow page are used").
 * What happens when the count drops to zero is the policy:
 *
 *   keep      the page stays for ever (v4: "keep this page around");
 *   purge     the page is freed at the lazy purge when the free address
 *             space around it covers it wholly (Linux mainline's
 *             kasan_release_vmalloc);
 *   refcount  the page is freed at once, through a small LRU cache so a
 *             free/alloc pair at the same place does not thrash
 *             (the default, the reviewer's proposal);
 *   off       no vmalloc shadow at all (for uninstrumented baselines).
 *
 * An absent shadow page faults when read; the fault handler turns that
 * into a report at the real address (see src/hosted/fault.c).
 *
 * Concurrency: a shadow page's frame is fixed by its address (identity
 * frames keep the shadow in few mappings), so two populates of the same
 * page cannot each allocate one and let the loser free it, as the
 * kernel does.  Instead each page is populated under one of a set of
 * striped locks, held across charge, map and fill; different pages
 * rarely share a stripe.
 */
#include "mm/mm.h"

int vmalloc_shadow_policy = SHADOW_REFCOUNT;
/* The "vmalloc_shadow_cache" option; unset: SHADOW_CACHE_PER_CPU per CPU
 * (vmalloc_shadow_init). */
unsigned long vmalloc_shadow_cache_max = SHADOW_CACHE_AUTO;
unsigned long shadow_pages_now, shadow_pages_peak, shadow_pages_cached;

/* Pages some area uses: a count per CPU slot, summed when read (stats),
 * so that two CPUs' populate and depopulate do not share its line. */
#define USED_SLOTS 16
static struct { long n; } __attribute__((aligned(64))) used_slots[USED_SLOTS];

static void used_add(long delta)
{
	__atomic_add_fetch(&used_slots[plat_cpu_id() % USED_SLOTS].n, delta, __ATOMIC_RELAXED);
}

unsigned long shadow_pages_used(void)
{
	long sum = 0;

	for (unsigned i = 0; i < USED_SLOTS; i++)
		sum += __atomic_load_n(&used_slots[i].n, __ATOMIC_RELAXED);
	return sum > 0 ? (unsigned long)sum : 0;
}

#define NR_STRIPES 256
/* A cache line each: packed sixteen to a line, two CPUs' different pages
 * still passed the line to and fro (perf: the hottest instructions of
 * get_present and depopulate_one with two workers). */
static struct { kasan_spinlock_t l; } __attribute__((aligned(64))) stripe_locks[NR_STRIPES];

static uintptr_t vshadow_start(void)
{
	return (uintptr_t)kasan_shadow(mm_layout.vmalloc_start);
}

static uintptr_t vshadow_end(void)
{
	return (uintptr_t)kasan_shadow(mm_layout.vmalloc_end);
}

static unsigned long shadow_pfn(uintptr_t sp)
{
	return mm_layout.shadow_pfn_base + ((sp - vshadow_start()) >> PAGE_SHIFT);
}

static kasan_spinlock_t *stripe(uintptr_t sp)
{
	return &stripe_locks[(sp >> PAGE_SHIFT) % NR_STRIPES].l;
}

static bool in_zero_run(uintptr_t sp);

bool vmalloc_shadow_populated(uintptr_t shadow_addr)
{
	uintptr_t sp = ALIGN_DOWN(shadow_addr, PAGE_SIZE);

	return (READ_ONCE(pfn_to_page(shadow_pfn(sp))->flags) & (PG_allocated | PG_shadow_zero)) ||
	       in_zero_run(sp);
}

/*
 * The hole callback of the fault handler: an absent vmalloc shadow byte
 * reads as "invalid vmalloc space".  A page that is present, or being
 * made by a populate (which will map it under the port's fault lock),
 * is no hole: -2, the fault is retried (see src/hosted/fault.c).  -1:
 * not vmalloc shadow.
 */
int vmalloc_shadow_hole(uintptr_t shadow_addr)
{
	uintptr_t sp = ALIGN_DOWN(shadow_addr, PAGE_SIZE);

	if (!mem_map || shadow_addr < vshadow_start() || shadow_addr >= vshadow_end())
		return -1;
	/* Without vmalloc shadow the port maps the space's shadow as plain
	 * zeros: nothing there is absent. */
	if (vmalloc_shadow_policy == SHADOW_OFF)
		return -1;
	if ((READ_ONCE(pfn_to_page(shadow_pfn(sp))->flags) &
	     (PG_allocated | PG_shadow_creating | PG_shadow_zero)) || in_zero_run(sp))
		return -2;
	return KASAN_VMALLOC_INVALID;
}

/*
 * One bit per vmalloc shadow page, set while the page holds a frame
 * (PG_allocated): a big range's present pages are found by scanning
 * 64 pages per word instead of 64 struct pages (kasan_zero_vmalloc,
 * kasan_zero_release).  Kept with count_populated(), which every path
 * that gives a shadow page its frame or takes it away calls.
 */
static unsigned long *shadow_present;

static void mark_present(uintptr_t sp, unsigned long n, bool present)
{
	unsigned long i = (sp - vshadow_start()) >> PAGE_SHIFT;

	for (unsigned long end = i + n; i < end; i++) {
		unsigned long bit = 1UL << (i % 64);

		if (present)
			__atomic_fetch_or(&shadow_present[i / 64], bit, __ATOMIC_RELAXED);
		else
			__atomic_fetch_and(&shadow_present[i / 64], ~bit, __ATOMIC_RELAXED);
	}
}

/* The first present page in [sp, last), or last. */
static uintptr_t next_present(uintptr_t sp, uintptr_t last)
{
	unsigned long i = (sp - vshadow_start()) >> PAGE_SHIFT;
	unsigned long end = (last - vshadow_start()) >> PAGE_SHIFT;

	while (i < end) {
		unsigned long w = __atomic_load_n(&shadow_present[i / 64], __ATOMIC_RELAXED) >> (i % 64);

		if (w) {
			i += (unsigned long)__builtin_ctzl(w);
			break;
		}
		i = (i | 63) + 1;
	}
	return i >= end ? last : vshadow_start() + (i << PAGE_SHIFT);
}

static void count_populated(uintptr_t sp, long delta)
{
	unsigned long now;

	mark_present(sp, (unsigned long)(delta < 0 ? -delta : delta), delta > 0);
	now = __atomic_add_fetch(&shadow_pages_now, (unsigned long)delta, __ATOMIC_RELAXED);
	if (delta > 0 && now > READ_ONCE(shadow_pages_peak))
		WRITE_ONCE(shadow_pages_peak, now);
}

/*
 * ---- the refcount policy's cache of unused pages ----
 *
 * A true LRU list threaded through the pages' struct page (private: the
 * next and previous page's index, and an "on the list" bit), so that a
 * cached page taken back by a new area leaves the list at once and the
 * count is exact.  When the count passes vmalloc_shadow_cache, the least
 * recently used eighth is evicted in one batch (sorted, neighbours in one
 * unmap and one punch).  Lock order: a page's stripe, then cache_lock.
 */
#define MAX_CACHE	1024
#define LRU_ON		(1ULL << 63)
#define LRU_NONE	0x7fffffffu
static uint32_t lru_head = LRU_NONE, lru_tail = LRU_NONE;	/* most, least recent */
static kasan_spinlock_t cache_lock;

static uint32_t shadow_index(uintptr_t sp)
{
	return (uint32_t)((sp - vshadow_start()) >> PAGE_SHIFT);
}

static struct page *index_page(uint32_t i)
{
	return pfn_to_page(mm_layout.shadow_pfn_base + i);
}

static uint32_t lru_next(const struct page *p)
{
	return (uint32_t)p->private & LRU_NONE;
}

static uint32_t lru_prev(const struct page *p)
{
	return (uint32_t)(p->private >> 32) & LRU_NONE;
}

static void lru_set(uint32_t i, uint32_t prev, uint32_t next)
{
	index_page(i)->private = LRU_ON | ((uint64_t)prev << 32) | next;
}

/* Caller holds cache_lock. */
static void lru_unlink(uint32_t i)
{
	struct page *p = index_page(i);
	uint32_t prev = lru_prev(p), next = lru_next(p);

	if (prev == LRU_NONE)
		lru_head = next;
	else
		lru_set(prev, lru_prev(index_page(prev)), next);
	if (next == LRU_NONE)
		lru_tail = prev;
	else
		lru_set(next, prev, lru_next(index_page(next)));
	p->private = 0;
	WRITE_ONCE(shadow_pages_cached, shadow_pages_cached - 1);
}

/* Caller holds cache_lock: i becomes the most recently used. */
static void lru_push(uint32_t i)
{
	lru_set(i, LRU_NONE, lru_head);
	if (lru_head != LRU_NONE)
		lru_set(lru_head, i, lru_next(index_page(lru_head)));
	else
		lru_tail = i;
	lru_head = i;
	WRITE_ONCE(shadow_pages_cached, shadow_pages_cached + 1);
}

/* A new user takes a cached page back (caller holds its stripe). */
static void cache_take_back(uintptr_t sp)
{
	kasan_spin_lock(&cache_lock);
	if (pfn_to_page(shadow_pfn(sp))->private & LRU_ON)
		lru_unlink(shadow_index(sp));
	kasan_spin_unlock(&cache_lock);
}

/* Caller holds the page's stripe. */
static void free_shadow_page(uintptr_t sp)
{
	/* Absent in the books before it is absent in the mappings: a fault
	 * on it in between must already read as a hole. */
	frames_put(shadow_pfn(sp), 1, false);
	plat_shadow_pages_unmap(sp, 1);
	plat_frames_release(shadow_pfn(sp), 1);
	count_populated(sp, -1);
}

/* Take a reference on a present page; false if it is absent (or being
 * made by another populate). */
static bool get_present(uintptr_t sp)
{
	struct page *page = pfn_to_page(shadow_pfn(sp));
	bool present;

	kasan_spin_lock(stripe(sp));
	present = (page->flags & (PG_allocated | PG_shadow_creating)) == PG_allocated;
	if (present) {
		if (page->flags & PG_shadow_cached) {
			page->flags &= (uint16_t)~PG_shadow_cached;
			cache_take_back(sp);
		}
		if (!page->refcount++)
			used_add(1);
	}
	kasan_spin_unlock(stripe(sp));
	return present;
}

/* Set or clear the "being made" mark of n pages from sp; when done, the
 * pages become present with one user each. */
static void mark_run(uintptr_t sp, unsigned long n, bool creating, bool done)
{
	for (unsigned long i = 0; i < n; i++, sp += PAGE_SIZE) {
		struct page *page = pfn_to_page(shadow_pfn(sp));

		kasan_spin_lock(stripe(sp));
		if (creating) {
			page->flags |= PG_shadow_creating;
		} else {
			page->flags &= (uint16_t)~PG_shadow_creating;
			if (done) {
				page->flags |= PG_allocated;
				page->refcount = 1;
			}
		}
		kasan_spin_unlock(stripe(sp));
	}
}

/*
 * Map the n charged pages from sp filled with "invalid" poison (the page
 * becomes readable as accessible only through areas that unpoison their
 * own bytes afterwards).  An exposed first page is filled before anyone
 * can see it: it covers addresses below the area being made, where a
 * live area's guard may lie whose shadow it is (vmalloc.c leaves a
 * guard's own shadow page unmade), and zeros there for an instant were a
 * missed overflow (test_vmalloc's two workers saw one).  The others are
 * the new area's alone until it is returned: mapped, then written, which
 * costs a page fault less.
 */
static bool map_run(uintptr_t sp, unsigned long n, bool exposed)
{
	unsigned long pfn = shadow_pfn(sp);

	if (exposed) {
		if (!plat_shadow_pages_map(sp, pfn, 1, KASAN_VMALLOC_INVALID))
			return false;
		if (n > 1 && !map_run(sp + PAGE_SIZE, n - 1, false)) {
			plat_shadow_pages_unmap(sp, 1);
			return false;
		}
		return true;
	}
	if (!plat_shadow_pages_map(sp, pfn, n, -1))
		return false;
	plat_memset((void *)sp, KASAN_VMALLOC_INVALID, n << PAGE_SHIFT);
	return true;
}

/*
 * Make n absent pages from sp present: charge their frames, map them
 * filled with "invalid" poison (map_run), and only then mark them
 * present.
 */
static bool create_run(uintptr_t sp, unsigned long n, bool exposed)
{
	unsigned long pfn = shadow_pfn(sp);

	mark_run(sp, n, true, false);
	if (!frames_charge(pfn, n, FAIL_SHADOW)) {
		mark_run(sp, n, false, false);
		return false;
	}
	if (!map_run(sp, n, exposed)) {
		plat_frames_release(pfn, n);
		ram_uncharge(n);
		count_failure(FAIL_SHADOW);
		mark_run(sp, n, false, false);
		return false;
	}
	mark_run(sp, n, false, true);
	count_populated(sp, (long)n);
	used_add((long)n);
	return true;
}

/* Only one populate makes pages at a time (create_lock, with evict());
 * references to present pages are taken without it. */

static void depopulate_range(uintptr_t first, uintptr_t last, uintptr_t area_start,
			     uintptr_t area_end);

static kasan_spinlock_t create_lock;

/* n pages from sp, already marked absent: unmap them and give their RAM
 * back, one call each for the run. */
static void drop_run(uintptr_t sp, unsigned long n)
{
	plat_shadow_pages_unmap(sp, n);
	plat_frames_release(shadow_pfn(sp), n);
	count_populated(sp, -(long)n);
}

/*
 * Free the cached pages among victims that are still unused.  Under the
 * create lock, so that no populate can make one of them again between
 * the moment it is marked absent and the moment it is unmapped; sorted,
 * so that neighbours (the allocator moves through addresses in order)
 * go in one unmap and one punch.
 */
static void evict(uintptr_t *victims, unsigned n)
{
	unsigned kept = 0;

	kasan_spin_lock(&create_lock);
	for (unsigned i = 0; i < n; i++) {
		uintptr_t sp = victims[i];
		struct page *page = pfn_to_page(shadow_pfn(sp));
		bool on_list;

		kasan_spin_lock(stripe(sp));
		/* Taken back and cached again meanwhile: it is on the list anew. */
		kasan_spin_lock(&cache_lock);
		on_list = page->private & LRU_ON;
		kasan_spin_unlock(&cache_lock);
		if ((page->flags & PG_shadow_cached) && !page->refcount && !on_list) {
			page->flags &= (uint16_t)~PG_shadow_cached;
			frames_put(shadow_pfn(sp), 1, false);
			victims[kept++] = sp;
		}
		kasan_spin_unlock(stripe(sp));
	}
	for (unsigned i = 1; i < kept; i++)
		for (unsigned j = i; j && victims[j - 1] > victims[j]; j--) {
			uintptr_t t = victims[j];

			victims[j] = victims[j - 1];
			victims[j - 1] = t;
		}
	for (unsigned i = 0, run; i < kept; i += run) {
		for (run = 1; i + run < kept && victims[i + run] == victims[i] + run * PAGE_SIZE; run++)
			;
		drop_run(victims[i], run);
	}
	kasan_spin_unlock(&create_lock);
}

#define MAX_VICTIMS (MAX_CACHE / 8 + 1)

/*
 * Caller holds sp's stripe.  The page goes to the head of the LRU list;
 * when the list is longer than the cache, its least recently used
 * eighth (at least one page) is handed back in victims, to evict once
 * the stripe is dropped (two stripes are never held together).
 */
static unsigned cache_add(uintptr_t sp, struct page *page, uintptr_t *victims)
{
	unsigned n = 0;

	page->flags |= PG_shadow_cached;
	kasan_spin_lock(&cache_lock);
	lru_push(shadow_index(sp));
	if (shadow_pages_cached > vmalloc_shadow_cache_max) {
		unsigned long target = vmalloc_shadow_cache_max - vmalloc_shadow_cache_max / 8;

		while (shadow_pages_cached > target && n < MAX_VICTIMS) {
			uint32_t i = lru_tail;

			victims[n++] = vshadow_start() + ((uintptr_t)i << PAGE_SHIFT);
			lru_unlink(i);
		}
	}
	kasan_spin_unlock(&cache_lock);
	return n;
}

static void depopulate_one(uintptr_t sp)
{
	struct page *page = pfn_to_page(shadow_pfn(sp));
	uintptr_t victims[MAX_VICTIMS];
	unsigned n = 0;

	kasan_spin_lock(stripe(sp));
	if (page->refcount && !--page->refcount) {
		used_add(-1);
		if (vmalloc_shadow_policy == SHADOW_REFCOUNT) {
			if (vmalloc_shadow_cache_max)
				n = cache_add(sp, page, victims);
			else
				free_shadow_page(sp);
		}
	}
	kasan_spin_unlock(stripe(sp));
	if (n)
		evict(victims, n);
}

static void shadow_pages_of(uintptr_t start, uintptr_t end, uintptr_t *first, uintptr_t *last)
{
	*first = ALIGN_DOWN((uintptr_t)kasan_shadow(start), PAGE_SIZE);
	*last = ALIGN_UP((uintptr_t)kasan_shadow(end), PAGE_SIZE);
}

/*
 * Make the shadow of [start, end) present and count the area as a user
 * of each of its pages.  All or nothing: on failure the pages taken so
 * far are given back and -1 returned.
 */
int kasan_populate_vmalloc(uintptr_t start, uintptr_t end)
{
	uintptr_t first, last, sp, run = 0, taken_after_run = 0, exposed;

	if (vmalloc_shadow_policy == SHADOW_OFF)
		return 0;
	shadow_pages_of(start, end, &first, &last);
	/* The first page covers addresses below start: see map_run(). */
	exposed = kasan_shadow_to_mem((const void *)first) < start ? first : 0;
	/* Usually every page is there already: neighbours share them. */
	for (sp = first; sp < last && get_present(sp); sp += PAGE_SIZE)
		;
	if (sp == last)
		return 0;
	/* Otherwise make the absent ones, a run of neighbours per mmap. */
	kasan_spin_lock(&create_lock);
	for (; sp < last; sp += PAGE_SIZE) {
		if (get_present(sp)) {
			if (run && !create_run(run, (sp - run) >> PAGE_SHIFT, run == exposed)) {
				taken_after_run = sp;
				goto fail;
			}
			run = 0;
		} else if (!run) {
			run = sp;
		}
	}
	if (run && !create_run(run, (last - run) >> PAGE_SHIFT, run == exposed))
		goto fail;
	kasan_spin_unlock(&create_lock);
	return 0;
fail:
	kasan_spin_unlock(&create_lock);
	/* Give back what this call took: the pages before the failed run and
	 * the present page just after it.  Not under the create lock: giving
	 * back may evict from the cache, which takes it. */
	if (taken_after_run)
		depopulate_range(taken_after_run, taken_after_run + PAGE_SIZE, start, end);
	depopulate_range(first, run, start, end);
	return -1;
}

/*
 * A shadow page whose whole 32 KiB lies inside the area [start, end) has
 * no other user and cannot get one while the area holds the address
 * range: drop its only reference.  Refcount policy without a cache only.
 */
static bool drop_exclusive(uintptr_t sp, uintptr_t start, uintptr_t end)
{
	uintptr_t mem = kasan_shadow_to_mem((void *)sp);
	struct page *page = pfn_to_page(shadow_pfn(sp));
	bool dropped = false;

	if (vmalloc_shadow_policy != SHADOW_REFCOUNT || mem < start || mem + SHADOW_PAGE_SPAN > end)
		return false;
	kasan_spin_lock(stripe(sp));
	if ((page->flags & (PG_allocated | PG_shadow_cached)) == PG_allocated && page->refcount == 1) {
		page->refcount = 0;
		dropped = true;
		used_add(-1);
	}
	kasan_spin_unlock(stripe(sp));
	return dropped;
}

/* Free n unused, unshared shadow pages from sp in one unmap and one punch. */
static void free_run(uintptr_t sp, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		kasan_spin_lock(stripe(sp + (i << PAGE_SHIFT)));
		frames_put(shadow_pfn(sp) + i, 1, false);
		kasan_spin_unlock(stripe(sp + (i << PAGE_SHIFT)));
	}
	drop_run(sp, n);
}

/*
 * The area [start, end) stops using the shadow pages [first, last).
 * With a cache every page goes through depopulate_one; without one the
 * pages inside the area are its own and are freed at once, a run per
 * call, and only the shared boundary pages are counted down.
 */
static void depopulate_range(uintptr_t first, uintptr_t last, uintptr_t start, uintptr_t end)
{
	uintptr_t run = 0;

	/* With a cache, an area's own pages go through it too: the next area
	 * at these addresses (the lowest fit hands them out again soon after
	 * the purge) takes them back instead of making them anew. */
	if (vmalloc_shadow_cache_max) {
		for (uintptr_t sp = first; sp < last; sp += PAGE_SIZE)
			depopulate_one(sp);
		return;
	}
	for (uintptr_t sp = first; sp < last; sp += PAGE_SIZE) {
		if (drop_exclusive(sp, start, end)) {
			if (!run)
				run = sp;
			continue;
		}
		if (run)
			free_run(run, (sp - run) >> PAGE_SHIFT);
		run = 0;
		depopulate_one(sp);
	}
	if (run)
		free_run(run, (last - run) >> PAGE_SHIFT);
}

/* The area [start, end) no longer uses its shadow pages. */
void kasan_depopulate_vmalloc(uintptr_t start, uintptr_t end)
{
	uintptr_t first, last;

	if (vmalloc_shadow_policy == SHADOW_OFF)
		return;
	shadow_pages_of(start, end, &first, &last);
	depopulate_range(first, last, start, end);
}

/*
 * Purge policy: free the unused shadow pages whose whole 32 KiB lies in
 * [free_start, free_end), a free block that [start, end) is part of.
 * Linux 6.12 calls it at the lazy purge with each freed area as its own
 * free block (so only pages wholly inside one area go, and an area under
 * 32 KiB frees none), and on a failed per-cpu allocation with the merged
 * free block around each area; vmkasan does the same.
 */
void kasan_release_vmalloc(uintptr_t start, uintptr_t end, uintptr_t free_start,
			   uintptr_t free_end)
{
	uintptr_t first, last;

	if (vmalloc_shadow_policy != SHADOW_PURGE)
		return;
	shadow_pages_of(start, end, &first, &last);
	/* Only the pages wholly inside the free block. */
	if (kasan_shadow_to_mem((void *)first) < free_start)
		first += PAGE_SIZE;
	if (last > first && kasan_shadow_to_mem((void *)(last - PAGE_SIZE)) + SHADOW_PAGE_SPAN > free_end)
		last -= PAGE_SIZE;
	if (last <= first)
		return;
	/* Under the create lock, like evict(): marked absent, nobody can
	 * make a page again before its run is unmapped.  Only a populate
	 * under it makes a page present, so the present bitmap names every
	 * candidate: an absent page (a big area's zero run given back) costs
	 * nothing, not even a look at its struct page. */
	kasan_spin_lock(&create_lock);
	for (uintptr_t sp = next_present(first, last), run = 0, run_end = 0;;
	     sp = next_present(sp + PAGE_SIZE, last)) {
		struct page *page = pfn_to_page(shadow_pfn(sp));
		bool unused = false;

		if (sp < last) {
			kasan_spin_lock(stripe(sp));
			unused = (page->flags & PG_allocated) && !(page->flags & PG_shadow_zero) &&
				 !page->refcount;
			if (unused)
				frames_put(shadow_pfn(sp), 1, false);
			kasan_spin_unlock(stripe(sp));
		}
		if (run && (!unused || sp != run_end)) {
			drop_run(run, (run_end - run) >> PAGE_SHIFT);
			run = 0;
		}
		if (unused) {
			if (!run)
				run = sp;
			run_end = sp + PAGE_SIZE;
		}
		if (sp >= last)
			break;
	}
	kasan_spin_unlock(&create_lock);
}

/*
 * ---- zero shadow: big areas cost what is touched ----
 *
 * The review of v4 asked "couldn't we switch back and forth from the
 * zero page to a real page on demand?".  The shadow pages whose whole
 * 32 KiB lies inside one area's accessible bytes only have to read as
 * zero: the port maps them so (plat_shadow_zero_map) without a frame.
 * Nothing writes them unless something must (a realloc shrinking the
 * block, the frames of a stack running in it): that write faults, and
 * the port's fault path calls kasan_shadow_zero_write(), which charges
 * the page's identity frame (zero: a released shadow frame is punched)
 * for the port to map writable, and marks it PG_shadow_zero.  At free
 * the run is not poisoned: it is given back at once (kasan_zero_release),
 * and a use after free reads absent shadow, which the fault path reports
 * at the real address as for any freed area whose shadow is gone.  Zero
 * pages are exclusive to their area (no neighbour shares a page wholly
 * inside it), so they never enter the refcount cache or the purge.
 *
 * What costs nothing per page: the run is one entry in a sorted table
 * (struct pages of unwritten zero pages stay blank: writing 16 bytes per
 * 32 KiB at vmalloc and again at vfree was 74% of a 1 GiB vmalloc+vfree),
 * and the pages with a frame under it are found in the present bitmap.
 * The table changes only under the port's fault lock
 * (plat_shadow_zero_lock), so a fault never sees half of a run; readers
 * without that lock (a read fault deciding whether to retry) follow a
 * sequence count.
 */
struct zero_run {
	uintptr_t first, last;		/* shadow pages [first, last) */
};

#define MAX_ZERO_RUNS 16384		/* beyond: populated as any other shadow */
static struct zero_run *zero_runs;
static unsigned nr_zero_runs, zero_runs_seq;

/* How many runs start at or below sp (the table is sorted by first). */
static unsigned runs_upto(uintptr_t sp, unsigned nr)
{
	unsigned lo = 0, hi = nr;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (READ_ONCE(zero_runs[mid].first) <= sp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool in_zero_run(uintptr_t sp)
{
	if (!zero_runs)
		return false;
	for (;;) {
		unsigned seq = __atomic_load_n(&zero_runs_seq, __ATOMIC_ACQUIRE), nr, i;
		bool in;

		if (seq & 1) {
			plat_cpu_relax();
			continue;
		}
		nr = READ_ONCE(nr_zero_runs);
		if (nr > MAX_ZERO_RUNS)
			nr = MAX_ZERO_RUNS;
		i = runs_upto(sp, nr);
		in = i && sp < READ_ONCE(zero_runs[i - 1].last);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&zero_runs_seq, __ATOMIC_RELAXED) == seq)
			return in;
	}
}

/* Writers hold the fault lock (one at a time). */
static void runs_write(bool begin)
{
	if (!begin)
		__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&zero_runs_seq, zero_runs_seq + 1, __ATOMIC_RELAXED);
	if (begin)
		__atomic_thread_fence(__ATOMIC_RELEASE);
}

static bool run_insert(uintptr_t first, uintptr_t last)
{
	unsigned nr = nr_zero_runs, i;

	if (nr == MAX_ZERO_RUNS)
		return false;
	i = runs_upto(first, nr);
	runs_write(true);
	for (unsigned j = nr; j > i; j--)
		zero_runs[j] = zero_runs[j - 1];
	zero_runs[i] = (struct zero_run){ first, last };
	WRITE_ONCE(nr_zero_runs, nr + 1);
	runs_write(false);
	return true;
}

static void run_remove(uintptr_t first)
{
	unsigned nr = nr_zero_runs, i = runs_upto(first, nr);

	if (!i || zero_runs[i - 1].first != first)
		return;
	runs_write(true);
	for (i--; i + 1 < nr; i++)
		zero_runs[i] = zero_runs[i + 1];
	WRITE_ONCE(nr_zero_runs, nr - 1);
	runs_write(false);
}

/* The present bitmap and the run table: reserved, touched as used. */
/*
 * The cache holds what the lazily freed areas of every CPU that frees
 * give back until the lowest fit hands their addresses out again.  One
 * CPU's worth (64 pages) for two test_vmalloc workers made the cache
 * thrash: every eviction and remake a mapping change, with a second
 * thread a TLB shoot-down, and 0.3-0.9x one worker's throughput; 128
 * pages made evictions rare (77 mappings in 80000 operations, against
 * thousands).  The lazy window stays one CPU's share (vmap_area.c).
 */
static void shadow_cache_size(void)
{
	unsigned long cpus = plat_nr_cpus();

	if (vmalloc_shadow_cache_max != SHADOW_CACHE_AUTO)
		return;
	if (!cpus)
		cpus = 1;
	vmalloc_shadow_cache_max = SHADOW_CACHE_PER_CPU *
				   (cpus < MAX_CACHE / SHADOW_CACHE_PER_CPU ? cpus :
				    MAX_CACHE / SHADOW_CACHE_PER_CPU);
}

bool vmalloc_shadow_init(void)
{
	unsigned long pages = (vshadow_end() - vshadow_start()) >> PAGE_SHIFT;

	shadow_cache_size();

	shadow_present = plat_alloc_pages(ALIGN_UP((pages + 63) / 64 * sizeof(unsigned long),
						   PAGE_SIZE));
	zero_runs = plat_alloc_pages(ALIGN_UP(MAX_ZERO_RUNS * sizeof(struct zero_run), PAGE_SIZE));
	return shadow_present && zero_runs;
}

/*
 * A page present under the new run has no user (the run lies inside a
 * new area, and freed areas keep their space until the purge): kept by
 * keep, cached by refcount, awaiting the purge.  Its frame goes now, as
 * an eviction would take it (the caller releases a run of them with one
 * punch), and the zero mapping replaces its own.  Caller holds the create
 * lock; true if it went.
 */
static bool take_unused(uintptr_t sp)
{
	struct page *page = pfn_to_page(shadow_pfn(sp));
	bool gone = false;

	kasan_spin_lock(stripe(sp));
	if (!page->refcount && !(page->flags & PG_shadow_zero)) {
		if (page->flags & PG_shadow_cached) {
			kasan_spin_lock(&cache_lock);
			if (page->private & LRU_ON)
				lru_unlink(shadow_index(sp));
			kasan_spin_unlock(&cache_lock);
		}
		frames_put(shadow_pfn(sp), 1, false);
		gone = true;
	}
	kasan_spin_unlock(stripe(sp));
	return gone;
}

/* The frames of n taken pages from sp go back to the machine. */
static void release_taken(uintptr_t sp, unsigned long n)
{
	if (!n)
		return;
	plat_frames_release(shadow_pfn(sp), n);
	count_populated(sp, -(long)n);
}

/*
 * Does a zero run pay here?  A run costs a mapping made and unmade and a
 * read fault per shadow page read; populating instead costs a page fault
 * per absent page (made anew) and writing every page twice (unpoison,
 * poison at vfree), and a run drops the present pages it covers (they
 * are unused: kept, cached or awaiting the purge).  Measured on the
 * hosted port (bench/run-vmalloc-bench.sh, test_vmalloc's long_busy): a
 * run pays from ZERO_RUN_ALWAYS pages whatever is there; from
 * ZERO_SHADOW_MIN (vmalloc.c) only where at least half of the pages are
 * absent (a 256 KiB area at a fresh address, 7 whole pages when not
 * aligned, cost 5.5 times an mmap made page by page; a 400 KiB area
 * whose pages the cache holds costs less written).
 */
#define ZERO_RUN_ALWAYS	16		/* pages: 512 KiB of area */

static bool zero_run_pays(uintptr_t first, uintptr_t last)
{
	unsigned long pages = (last - first) >> PAGE_SHIFT, present = 0;

	if (pages >= ZERO_RUN_ALWAYS)
		return true;
	/* Under refcount the freed areas' pages wait in the cache and their
	 * addresses come back after a short lazy window: a page made once is
	 * taken back again and again, a run is paid at every vmalloc (and
	 * leaves its pages absent for the next area there). */
	if (vmalloc_shadow_policy == SHADOW_REFCOUNT && vmalloc_shadow_cache_max)
		return false;
	for (uintptr_t sp = next_present(first, last); sp < last;
	     sp = next_present(sp + PAGE_SIZE, last))
		present++;
	return pages - present >= present;
}

/*
 * Under the create lock (no populate, eviction or purge runs) and the
 * port's fault lock (no write fault is served until the run is mapped).
 * Only the pages that hold a frame (few: what keep, the cache or the
 * purge left there) are visited.
 */
bool kasan_zero_vmalloc(uintptr_t start, uintptr_t end)
{
	uintptr_t first, last, sp, run = 0, run_end = 0;
	bool took = false, ok = false;

#ifndef PLAT_HAS_SHADOW_ZERO
	return false;	/* (the port cannot: populate as any other shadow) */
#endif
	if (vmalloc_shadow_policy == SHADOW_OFF || !zero_runs)
		return false;
	shadow_pages_of(start, end, &first, &last);
	if (!zero_run_pays(first, last))
		return false;
	kasan_spin_lock(&create_lock);
	plat_shadow_zero_lock(true);
	for (sp = next_present(first, last); sp < last; sp = next_present(sp + PAGE_SIZE, last)) {
		if (!take_unused(sp))
			break;
		took = true;
		if (sp != run_end) {
			release_taken(run, (run_end - run) >> PAGE_SHIFT);
			run = sp;
		}
		run_end = sp + PAGE_SIZE;
	}
	release_taken(run, (run_end - run) >> PAGE_SHIFT);
	if (sp >= last && run_insert(first, last)) {
		ok = plat_shadow_zero_map(first, (last - first) >> PAGE_SHIFT);
		if (!ok)
			run_remove(first);
	}
	/* Pages whose frames went are absent now: so must their mappings be. */
	if (!ok && took)
		plat_shadow_pages_unmap(first, (sp - first) >> PAGE_SHIFT);
	plat_shadow_zero_lock(false);
	kasan_spin_unlock(&create_lock);
	return ok;
}

int kasan_shadow_zero_write(uintptr_t shadow_addr, unsigned long *pfn)
{
	uintptr_t sp = ALIGN_DOWN(shadow_addr, PAGE_SIZE);
	struct page *page;

	if (!mem_map || shadow_addr < vshadow_start() || shadow_addr >= vshadow_end())
		return -1;
	page = pfn_to_page(shadow_pfn(sp));
	*pfn = 0;
	if (__atomic_load_n(&page->flags, __ATOMIC_ACQUIRE) & PG_shadow_zero)
		return 1;	/* mapped writable already: retry */
	if (!in_zero_run(sp))
		return -1;
	if (!mem_map_cover(shadow_pfn(sp), 1) || !ram_charge(1)) {
		count_failure(FAIL_SHADOW);
		return 0;
	}
	page->refcount = 1;
	/* A store, no 16-bit RMW (RISC-V has none): nobody else changes a
	 * zero page's flags but under the fault lock, which we hold. */
	__atomic_store_n(&page->flags, (uint16_t)(PG_shadow_zero | PG_allocated), __ATOMIC_RELEASE);
	count_populated(sp, 1);
	used_add(1);
	*pfn = shadow_pfn(sp);
	return 1;
}

/* The run [start, end)'s shadow goes: the frames of its written pages
 * (found in the present bitmap), its entry, its mapping. */
void kasan_zero_release(uintptr_t start, uintptr_t end)
{
	uintptr_t first, last, sp;

	shadow_pages_of(start, end, &first, &last);
	plat_shadow_zero_lock(true);
	for (sp = next_present(first, last); sp < last; sp = next_present(sp, last)) {
		uintptr_t e = sp;
		unsigned long k;

		for (; e < last && next_present(e, e + PAGE_SIZE) == e; e += PAGE_SIZE) {
			struct page *page = pfn_to_page(shadow_pfn(e));

			page->flags = 0;
			page->refcount = 0;
		}
		k = (e - sp) >> PAGE_SHIFT;
		plat_frames_release(shadow_pfn(sp), k);
		ram_uncharge(k);
		count_populated(sp, -(long)k);
		used_add(-(long)k);
		sp = e;
	}
	run_remove(first);
	plat_shadow_pages_unmap(first, (last - first) >> PAGE_SHIFT);
	plat_shadow_zero_lock(false);
}

void kasan_poison_vmalloc(uintptr_t start, uintptr_t end, uint8_t value)
{
	if (vmalloc_shadow_policy != SHADOW_OFF)
		kasan_poison(start, end - start, value);
}

void kasan_unpoison_vmalloc(uintptr_t start, size_t size)
{
	if (vmalloc_shadow_policy != SHADOW_OFF)
		kasan_unpoison(start, size);
}

/* fork: the create lock first (it nests outside the stripes), else a
 * child forked while another thread made shadow pages would wait for it
 * for ever in its first populate of a new page. */
void shadow_lock_all(bool lock)
{
	if (lock) {
		kasan_spin_lock(&create_lock);
		for (unsigned i = 0; i < NR_STRIPES; i++)
			kasan_spin_lock(&stripe_locks[i].l);
		kasan_spin_lock(&cache_lock);
	} else {
		kasan_spin_unlock(&cache_lock);
		for (unsigned i = NR_STRIPES; i--;)
			kasan_spin_unlock(&stripe_locks[i].l);
		kasan_spin_unlock(&create_lock);
	}
}
