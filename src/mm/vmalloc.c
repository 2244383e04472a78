// SPDX-License-Identifier: MIT
/*
 * vmalloc areas: made from address space (vmap_area.c), identity frames
 * and shadow (kasan_populate_vmalloc, poisoned invalid then unpoisoned
 * to the byte), kept in the live tree; freed with KASAN_VMALLOC_FREED
 * poison and kasan_depopulate_vmalloc, then queued for the lazy purge.
 * Every area ends with a guard page unless VM_NO_GUARD.
 */
#include "mm/vmalloc_internal.h"
#include "mm/malloc.h"

unsigned long VMALLOC_START, VMALLOC_END;

/*
 * Live areas: a tree per CPU, the area in the tree of the CPU that made
 * it, so that a CPU's vmalloc and vfree take a lock and touch tree nodes
 * no other CPU touches (hashing areas to trees by address, as Linux 6.9+
 * spreads its busy areas over its nodes, still left the lock's cache line
 * the hottest instruction of two workers: each CPU's areas went to every
 * tree).  Finding an area asks the caller's CPU's tree first, then the
 * others: areas do not overlap, one tree holds an address at most.
 */
struct live_shard live_shards[MAX_LIVE_SHARDS];
unsigned nr_live_shards = 1;
unsigned long bad_frees;

static struct live_shard *this_shard(void)
{
	return &live_shards[plat_cpu_id() % nr_live_shards];
}

/* The live area holding addr, its shard locked (*locked), else NULL and
 * nothing locked. */
static struct vmap_area *find_live(uintptr_t addr, struct live_shard **locked)
{
	unsigned first = plat_cpu_id() % nr_live_shards;

	for (unsigned i = 0; i < nr_live_shards; i++) {
		struct live_shard *sh = &live_shards[(first + i) % nr_live_shards];
		struct vmap_area *va;

		kasan_spin_lock(&sh->lock);
		va = vmap_area_find(&sh->tree, addr);
		if (va) {
			*locked = sh;
			return va;
		}
		kasan_spin_unlock(&sh->lock);
	}
	*locked = NULL;
	return NULL;
}

/* The live area starting at addr, its shard locked, else NULL. */
static struct vmap_area *find_live_start(uintptr_t addr, struct live_shard **locked)
{
	struct vmap_area *va = find_live(addr, locked);

	if (va && va->va_start != addr) {
		kasan_spin_unlock(&(*locked)->lock);
		*locked = NULL;
		return NULL;
	}
	return va;
}

static void unlock_shard(struct live_shard *sh)
{
	if (sh)
		kasan_spin_unlock(&sh->lock);
}

static unsigned long lower_bound_of(const struct vmap_area *va)
{
	return (va->va_end - va->va_start + SHADOW_PAGE_SPAN - 1) / SHADOW_PAGE_SPAN;
}

bool vmalloc_addr(uintptr_t addr)
{
	return addr >= VMALLOC_START && addr < VMALLOC_END;
}

int is_vmalloc_addr(const void *addr)
{
	return vmalloc_addr((uintptr_t)addr);
}


/* ---- making and unmaking areas ---- */

static unsigned long tid32(void)
{
	return (uint32_t)plat_tid();
}

/*
 * Big areas: the shadow pages wholly inside the accessible bytes read as
 * zero without a frame (kasan_zero_vmalloc, which decides whether the
 * run pays) when there are at least this many (a 224 KiB area); shorter
 * runs cost little to write, and each run is a mapping of its own.  Not
 * for stacks (their frames write the shadow everywhere) nor per-cpu
 * chunks (their allocations do).
 */
#define ZERO_SHADOW_MIN (7 * SHADOW_PAGE_SPAN)

static bool zero_run(struct vmap_area *va, size_t from, size_t size)
{
	uintptr_t zs = ALIGN_UP(va->va_start + from, SHADOW_PAGE_SPAN);
	uintptr_t ze = ALIGN_DOWN(va->va_start + from + size, SHADOW_PAGE_SPAN);

	va->zero_start = va->zero_end = 0;
	if (!(va->flags & VM_ALLOC) || (va->flags & (VMK_STACK | VMK_PERCPU)) ||
	    ze < zs + ZERO_SHADOW_MIN || !kasan_zero_vmalloc(zs, ze))
		return false;
	va->zero_start = zs;
	va->zero_end = ze;
	return true;
}

/* Poison [start, end) but the area's zero run (which reads as zero). */
static void poison_around_zero(const struct vmap_area *va, uintptr_t start, uintptr_t end,
			       uint8_t value)
{
	if (!va->zero_end) {
		kasan_poison_vmalloc(start, end, value);
		return;
	}
	kasan_poison_vmalloc(start, va->zero_start, value);
	kasan_poison_vmalloc(va->zero_end, end, value);
}

/*
 * Where the shadow an area makes and writes ends: a vmalloc'ed area's
 * guard page only has to read "invalid", and is left as it is, as Linux
 * 6.12 leaves it (its vfree poisons get_vm_area_size(), the guard left
 * out, and its vmalloc writes only new pages' fill and the owner's
 * bytes).  The guard's shadow holds "invalid" (a new page is filled so)
 * or an earlier owner's "freed", both vmalloc-out-of-bounds; and when
 * the guard starts a shadow page (the pages end on a 32 KiB boundary),
 * that page is not made at all: absent, it reads "invalid", the fault
 * path reporting at the real address (the area above, making it, fills
 * it before mapping it: see shadow_vmalloc.c's map_run).  Making that
 * page at a fresh address was 42% of a 1 MiB vmalloc + touch + vfree
 * (perf, keep); writing the guard's shadow was half of what a one-page
 * vmalloc+vfree wrote.  Only for areas whose shadow nothing writes after
 * vmalloc beyond their pages (not stacks, not per-cpu chunks).
 */
static uintptr_t shadow_end(const struct vmap_area *va)
{
	uintptr_t guard = va->va_end - PAGE_SIZE;

	if (!(va->flags & VM_ALLOC) || (va->flags & (VM_NO_GUARD | VMK_STACK | VMK_PERCPU)))
		return va->va_end;
	return guard;
}

/*
 * "Invalid" over the area (up to shadow_end) but the owner's bytes [acc,
 * acc + size), which the unpoison that follows writes (a shared page may hold
 * a previous owner's "freed" poison, so everything else is written too;
 * writing the owner's bytes twice was a third of the shadow written per
 * vmalloc).  The zero run lies inside the owner's bytes.
 */
static void poison_outside(const struct vmap_area *va, uintptr_t acc, size_t size)
{
	kasan_poison_vmalloc(va->va_start, acc, KASAN_VMALLOC_INVALID);
	kasan_poison_vmalloc(ALIGN_UP(acc + size, KASAN_GRANULE_SIZE), shadow_end(va),
			     KASAN_VMALLOC_INVALID);
}

/*
 * Shadow for a new area: present, poisoned as invalid over the area and
 * guard, the owner's bytes unpoisoned to the byte; a big area's zero
 * run is only mapped, and only the pages around it are written.
 */
int setup_area_shadow(struct vmap_area *va, size_t accessible_from, size_t size)
{
	uintptr_t acc = va->va_start + accessible_from, end = shadow_end(va);

	if (zero_run(va, accessible_from, size)) {
		/* (A populate that fails gives back what it took.) */
		if (kasan_populate_vmalloc(va->va_start, va->zero_start))
			goto fail;
		if (kasan_populate_vmalloc(va->zero_end, end)) {
			kasan_depopulate_vmalloc(va->va_start, va->zero_start);
			goto fail;
		}
		va->flags |= VM_KASAN;
		poison_outside(va, acc, size);
		kasan_unpoison_vmalloc(acc, va->zero_start - acc);
		kasan_unpoison_vmalloc(va->zero_end, acc + size - va->zero_end);
		return 0;
	}
	if (kasan_populate_vmalloc(va->va_start, end))
		return -1;
	va->flags |= VM_KASAN;
	poison_outside(va, acc, size);
	kasan_unpoison_vmalloc(acc, size);
	return 0;
fail:
	kasan_zero_release(va->zero_start, va->zero_end);
	va->zero_start = va->zero_end = 0;
	return -1;
}

/* The area's shadow, poisoned with value but for the zero run (given
 * back as it is), stops being its own. */
static void release_area_shadow(struct vmap_area *va, uint8_t value)
{
	poison_around_zero(va, va->va_start, shadow_end(va), value);
	if (!(va->flags & VM_KASAN))
		return;
	if (!va->zero_end) {
		kasan_depopulate_vmalloc(va->va_start, shadow_end(va));
		return;
	}
	kasan_depopulate_vmalloc(va->va_start, va->zero_start);
	kasan_depopulate_vmalloc(va->zero_end, shadow_end(va));
	kasan_zero_release(va->zero_start, va->zero_end);
	va->zero_start = va->zero_end = 0;
}

void insert_live(struct vmap_area *va, uintptr_t ip, uintptr_t fp)
{
	va->alloc_trace = stack_depot_save_here(fp, ip);
	va->alloc_tid = (uint32_t)tid32();
	struct live_shard *sh = this_shard();

	kasan_spin_lock(&sh->lock);
	vmap_tree_insert(&sh->tree, va);
	sh->pages += va->nr_pages;
	sh->bytes += va->va_end - va->va_start;
	sh->lower_bound += lower_bound_of(va);
	kasan_spin_unlock(&sh->lock);
}

/* An area that never went live: straight back to the free tree. */
void abandon_area(struct vmap_area *va)
{
	uintptr_t start = va->va_start, end = va->va_end, fs, fe;

	if (va->flags & VM_KASAN)
		release_area_shadow(va, KASAN_VMALLOC_INVALID);
	free_vmap_block(va, &fs, &fe);
	/* Only the area's own shadow pages: the merged free block can be
	 * the whole 1 TiB space, 32M shadow pages to walk. */
	kasan_release_vmalloc(start, end, fs, fe);
}

/*
 * Take the frames of [va, va + n pages) that the purge kept with stale
 * data (PG_resident_free) out of the kept count, zeroing them if the
 * caller asked for zeroed memory; the other frames read as zero already.
 * As in Linux, vmalloc() does not zero (vzalloc, __GFP_ZERO, calloc and
 * vmap stacks do): a kept frame then costs nothing, where a memset of
 * every kept frame was 58% of test_vmalloc random_size under refcount.
 * Only the groups marked in resident_groups are looked at (a big area's
 * struct pages are never read otherwise: reading them cost work and,
 * where never written, RAM per 256 KiB of area).
 */
static void take_resident_frames(struct vmap_area *area, unsigned long n, bool zero)
{
	uintptr_t va = area->va_start;
	unsigned long pfn = identity_pfn(va), end = pfn + n, zeroed = 0;

	/* A pooled area says whether its purge kept any of its frames; from
	 * the free tree, any frame may be kept unless none is. */
	if (area->flags & VMK_POOLED ? !(area->flags & VMK_FRAMES_KEPT) : !frames_resident_free())
		return;
	for (unsigned long g = pfn / RESIDENT_GROUP; g * RESIDENT_GROUP < end; g++) {
		unsigned long w = READ_ONCE(resident_groups[g / 64]) >> (g % 64);
		unsigned long lo = g * RESIDENT_GROUP, hi = lo + RESIDENT_GROUP;

		if (!w) {
			g |= 63;	/* none in the rest of this word */
			continue;
		}
		if (!(w & 1))
			continue;
		/* A group wholly inside the area has no other frame to keep
		 * it marked: unmark it. */
		if (lo >= pfn && hi <= end)
			__atomic_fetch_and(&resident_groups[g / 64], ~(1UL << (g % 64)),
					   __ATOMIC_RELAXED);
		for (unsigned long f = lo > pfn ? lo : pfn; f < hi && f < end; f++)
			if (READ_ONCE(mem_map[f].flags) & PG_resident_free) {
				if (zero)
					plat_memset((void *)(va + ((f - pfn) << PAGE_SHIFT)), 0, PAGE_SIZE);
				mem_map[f].flags = 0;
				zeroed++;
			}
	}
	/* One update of the shared count per area: per frame, it was the
	 * most contended cache line of two threads' vmalloc (perf annotate). */
	if (zeroed)
		frames_resident_add(-(long)zeroed);
}

/* The area's frames go back; their struct pages are reset if they were
 * written (vmalloc_to_page). */
static void put_area_frames(struct vmap_area *va)
{
	if (va->flags & VMK_BLANK_PAGES)
		frames_put_blank(identity_pfn(va->va_start), va->nr_pages);
	else
		frames_put(identity_pfn(va->va_start), va->nr_pages, false);
}

static size_t guard_size(unsigned long vm_flags)
{
	return vm_flags & VM_NO_GUARD ? 0 : PAGE_SIZE;
}

/*
 * A request whose pages cannot be had fails before anything is done:
 * more than the machine can back at all (mm_layout.request_limit_pages),
 * or than the RAM budget has left.  Without this, malloc(1UL << 39)
 * wrote 2 GiB of struct pages (and before zero shadow, 64 GiB of
 * shadow) until the machine's OOM killer ended it.  Counted as a page
 * failure.
 */
static bool pages_can_be_had(size_t bytes)
{
	unsigned long n = bytes >> PAGE_SHIFT, used = READ_ONCE(ram_pages);

	if ((mm_layout.request_limit_pages && n > mm_layout.request_limit_pages) ||
	    (ram_budget && (used > ram_budget || n > ram_budget - used))) {
		count_failure(FAIL_PAGE);
		return false;
	}
	return true;
}

/*
 * A big area in the whole space starts on a shadow page boundary (32
 * KiB): its shadow is then a zero run and its guard's own page, which
 * is left absent, with no partial page at either end to make and fill.
 * At page alignment, consecutive 1 MiB areas at fresh addresses each
 * made two such pages (two mmaps and two memfd faults per vmalloc).  The
 * gap, under 32 KiB of address space, stays free.  Not in a caller's
 * range (it may be tight), nor for stacks (no zero run).
 */
static size_t shadow_align(size_t real, size_t align, uintptr_t start, uintptr_t end,
			   unsigned long vm_flags)
{
	if (real < ZERO_SHADOW_MIN || align >= SHADOW_PAGE_SPAN || (vm_flags & VMK_STACK) ||
	    start != VMALLOC_START || end != VMALLOC_END)
		return align;
	return SHADOW_PAGE_SPAN;
}

static void *vmalloc_common(size_t size, size_t align, uintptr_t start, uintptr_t end,
			    unsigned long vm_flags, bool zero, uintptr_t ip, uintptr_t fp)
{
	struct vmap_area *va;
	size_t real;

	if (!size || size > (VMALLOC_END - VMALLOC_START) / 2)
		return NULL;
	if (!align || (align & (align - 1)))
		return NULL;
	if (align < PAGE_SIZE)
		align = PAGE_SIZE;
	if (start < VMALLOC_START)
		start = VMALLOC_START;
	if (!end || end > VMALLOC_END)
		end = VMALLOC_END;
	real = ALIGN_UP(size, PAGE_SIZE);
	if (!pages_can_be_had(real))
		return NULL;
	align = shadow_align(real, align, start, end, vm_flags);
	va = alloc_vmap_area(real + guard_size(vm_flags), align, start, end);
	if (!va)
		return NULL;
	va->size = size;
	/* Identity frames the purge released read as zero; kept ones hold
	 * their last owner's data unless zero was asked for. */
	take_resident_frames(va, real >> PAGE_SHIFT, zero);
	va->flags = (uint32_t)(VM_ALLOC | (vm_flags & (VM_NO_GUARD | VMK_STACK | VMK_PERCPU | VMK_MALLOC)));
	if (!frames_take_blank(identity_pfn(va->va_start), real >> PAGE_SHIFT, FAIL_PAGE)) {
		abandon_area(va);
		return NULL;
	}
	va->flags |= VMK_BLANK_PAGES;
	va->nr_pages = (uint32_t)(real >> PAGE_SHIFT);
	if (setup_area_shadow(va, 0, size)) {
		put_area_frames(va);
		abandon_area(va);
		return NULL;
	}
	insert_live(va, ip, fp);
	return (void *)va->va_start;
}

void *__vmalloc_node_range(unsigned long size, unsigned long align, unsigned long start,
				    unsigned long end, gfp_t gfp, pgprot_t prot,
				    unsigned long vm_flags, int node, const void *caller)
{
	(void)gfp;
	(void)prot;
	(void)node;
	(void)caller;
	return vmalloc_common(size, align, start, end, vm_flags & VM_NO_GUARD, gfp & __GFP_ZERO,
			      CALLER_IP, CALLER_FP);
}

void *__vmalloc_node(unsigned long size, unsigned long align, gfp_t gfp, int node,
			      const void *caller)
{
	(void)node;
	(void)caller;
	return vmalloc_common(size, align, 0, 0, 0, gfp & __GFP_ZERO, CALLER_IP, CALLER_FP);
}

void *vmalloc(unsigned long size)
{
	return vmalloc_common(size, 1, 0, 0, 0, false, CALLER_IP, CALLER_FP);
}

void *vzalloc(unsigned long size)
{
	return vmalloc_common(size, 1, 0, 0, 0, true, CALLER_IP, CALLER_FP);
}

/* ---- freeing ---- */

const char *const free_fn[] = { "vfree", "vunmap", "vm_unmap_ram", "free_percpu",
				       "vmap stack free", "free" };

/* Can addr's area be freed this way?  If not, say why in f. */
static bool kind_matches(const struct vmap_area *va, enum free_kind kind, unsigned count,
			 struct kasan_bad_free *f)
{
	switch (kind) {
	case FREE_VFREE:
		if (!(va->flags & (VMK_PERCPU | VMK_STACK | VMK_MAP_RAM | VMK_MALLOC)))
			return true;	/* vfree() of a vmap() area is allowed, as in Linux */
		break;
	case FREE_VUNMAP:
		if (va->flags & VM_MAP)
			return true;
		break;
	case FREE_MAP_RAM:
		if ((va->flags & VMK_MAP_RAM) && va->nr_pages == count)
			return true;
		if (va->flags & VMK_MAP_RAM) {
			f->reason = KASAN_FREE_WRONG_COUNT;
			f->count = count;
			f->index = va->nr_pages;
			goto region;
		}
		break;
	case FREE_PERCPU:
		if (va->flags & VMK_PERCPU)
			return true;
		break;
	case FREE_STACK:
		if (va->flags & VMK_STACK)
			return true;
		break;
	case FREE_MALLOC:
		if (va->flags & VMK_MALLOC)
			return true;
		break;
	}
	f->reason = KASAN_FREE_WRONG_KIND;
	f->other = va->flags & VMK_PERCPU ? "the per-cpu allocator" :
		   va->flags & VMK_STACK ? "a vmap stack" :
		   va->flags & VMK_MAP_RAM ? "vm_map_ram()" :
		   va->flags & VMK_MALLOC ? "malloc()" :
		   va->flags & VM_MAP ? "vmap()" : "vmalloc()";
region:
	f->start = va->va_start;
	f->end = va->va_end;
	return false;
}

/*
 * The shadow pages a freed area keeps out of reuse while it waits for the
 * purge (refcount's lazy limit counts them): those it spans, but its zero
 * run's, which are given back at once and never wait in the cache.  A
 * 1 MiB area spans 33, over the limit alone, and purged at every vfree.
 */
static unsigned long lazy_shadow_pages(const struct vmap_area *va)
{
	return lower_bound_of(va) - (va->zero_end - va->zero_start) / SHADOW_PAGE_SPAN;
}

bool free_area(uintptr_t addr, enum free_kind kind, unsigned count, uintptr_t ip,
		      uintptr_t fp)
{
	struct kasan_bad_free f = {
		.reason = KASAN_FREE_REASON_NR, .fn = free_fn[kind], .addr = addr, .ip = ip, .fp = fp,
		.counter = &bad_frees,
	};
	struct live_shard *sh;
	struct vmap_area *va;
	unsigned long lazy_shadow;

	plat_check_process();	/* a raw clone child must not touch shared state */
	va = find_live_start(addr, &sh);
	if (va && kind_matches(va, kind, count, &f)) {
		vmap_tree_remove(&sh->tree, va);
		sh->pages -= va->nr_pages;
		sh->bytes -= va->va_end - va->va_start;
		sh->lower_bound -= lower_bound_of(va);
	} else {
		va = NULL;
	}
	unlock_shard(sh);
	if (!va) {
		if (f.reason == KASAN_FREE_REASON_NR)
			describe_bad_free(addr, &f);
		kasan_report_bad_free(&f);
		return false;
	}

	lazy_shadow = lazy_shadow_pages(va);
	release_area_shadow(va, KASAN_VMALLOC_FREED);
	if (va->alias_pfns)
		plat_unmap_alias(va->va_start, va->nr_pages);
	else if (va->nr_pages)
		put_area_frames(va);
	if (va->flags & VMK_STACK)
		plat_guard(va->va_start, PAGE_SIZE, false);
	va->free_trace = stack_depot_save_here(fp, ip);
	va->free_tid = (uint32_t)tid32();

	free_vmap_area_lazy(va, lazy_shadow);
	return true;
}

void vfree(const void *addr)
{
	if (addr)
		free_area((uintptr_t)addr, FREE_VFREE, 0, CALLER_IP, CALLER_FP);
}

void vunmap(const void *addr)
{
	if (addr)
		free_area((uintptr_t)addr, FREE_VUNMAP, 0, CALLER_IP, CALLER_FP);
}

void vm_unmap_ram(const void *mem, unsigned int count)
{
	free_area((uintptr_t)mem, FREE_MAP_RAM, count, CALLER_IP, CALLER_FP);
}

/* ---- lookups ---- */

/*
 * An area's frames get their struct pages (one reference each, as
 * frames_take gives) the first time one is asked for: vmalloc_to_page,
 * or a report that prints the page.  Caller holds its shard's lock.
 */
void vmap_area_fill_pages(struct vmap_area *va)
{
	unsigned long first = identity_pfn(va->va_start);

	if (va->alias_pfns || !(va->flags & VMK_BLANK_PAGES))
		return;
	for (unsigned long i = 0; i < va->nr_pages; i++) {
		mem_map[first + i].refcount = 1;
		mem_map[first + i].flags = PG_allocated;
	}
	va->flags &= ~VMK_BLANK_PAGES;
}

/* The frame behind addr in a live area, 0 if none; page: with its
 * struct page filled in. */
static unsigned long area_pfn(uintptr_t a, bool page)
{
	unsigned long pfn = 0;
	struct live_shard *sh;
	struct vmap_area *va;

	va = find_live(a, &sh);
	if (va && a < va->va_start + ((uintptr_t)va->nr_pages << PAGE_SHIFT)) {
		unsigned long idx = (a - va->va_start) >> PAGE_SHIFT;

		pfn = va->alias_pfns ? va->alias_pfns[idx] : identity_pfn(a);
		if (page)
			vmap_area_fill_pages(va);
	}
	if (sh)
		kasan_spin_unlock(&sh->lock);
	return pfn;
}

unsigned long vmalloc_to_pfn(const void *addr)
{
	return area_pfn((uintptr_t)addr, false);
}

struct page *vmalloc_to_page(const void *addr)
{
	unsigned long pfn = area_pfn((uintptr_t)addr, true);

	return pfn ? pfn_to_page(pfn) : NULL;
}

bool vmalloc_area_bounds(uintptr_t addr, uintptr_t *start, uintptr_t *end, bool *is_stack)
{
	struct live_shard *sh;
	struct vmap_area *va;

	if (!vmalloc_addr(addr) || !mem_map)
		return false;
	va = find_live(addr, &sh);
	if (!va)
		return false;
	*start = va->va_start;
	*end = va->va_start + ((uintptr_t)va->nr_pages << PAGE_SHIFT);
	*is_stack = va->flags & VMK_STACK;
	kasan_spin_unlock(&sh->lock);
	return true;
}

/* ---- big malloc() blocks (mm/malloc.c): kvmalloc's vmalloc half ---- */

void *vmalloc_for_malloc(size_t size, size_t align, bool zero, uintptr_t ip, uintptr_t fp)
{
	return vmalloc_common(size, align, 0, 0, VMK_MALLOC, zero, ip, fp);
}

bool vfree_for_malloc(uintptr_t addr, uintptr_t ip, uintptr_t fp)
{
	return free_area(addr, FREE_MALLOC, 0, ip, fp);
}

/* The requested size of the live malloc block starting at addr, else 0. */
size_t vmalloc_malloc_size(uintptr_t addr)
{
	struct live_shard *sh;
	struct vmap_area *va;
	size_t size = 0;

	va = find_live_start(addr, &sh);
	if (va && (va->flags & VMK_MALLOC))
		size = va->size;
	unlock_shard(sh);
	return size;
}

/* The kind of the live malloc block starting at addr (and, set >= 0, it
 * becomes set), or -1 if there is none. */
int vmalloc_malloc_kind(uintptr_t addr, int set)
{
	struct live_shard *sh;
	struct vmap_area *va;
	int kind = -1;

	va = find_live_start(addr, &sh);
	if (va && (va->flags & VMK_MALLOC)) {
		kind = (int)((va->flags & VMK_MALLOC_KIND) >> VMK_MALLOC_KIND_SHIFT);
		if (set >= 0)
			va->flags = (va->flags & ~VMK_MALLOC_KIND) |
				    (((uint32_t)set << VMK_MALLOC_KIND_SHIFT) & VMK_MALLOC_KIND);
	}
	unlock_shard(sh);
	return kind;
}

/* A live malloc block at addr takes size bytes in place when its pages
 * hold them: the rest of the area is poisoned invalid again, from the
 * smaller of the two sizes on.  Not when that would cut into the zero
 * run (realloc moves the block: a copy of the new size). */
bool vmalloc_malloc_resize(uintptr_t addr, size_t size)
{
	struct live_shard *sh;
	struct vmap_area *va;
	bool ok = false;

	va = find_live_start(addr, &sh);
	if (va && (va->flags & VMK_MALLOC) &&
	    size <= ((size_t)va->nr_pages << PAGE_SHIFT) &&
	    (size == va->size || addr + size >= va->zero_end)) {
		if (size != va->size) {
			uintptr_t from = addr + ALIGN_DOWN(size < va->size ? size : va->size,
							   KASAN_GRANULE_SIZE);

			kasan_poison_vmalloc(from, addr + ((size_t)va->nr_pages << PAGE_SHIFT),
					     KASAN_VMALLOC_INVALID);
			kasan_unpoison_vmalloc(from, addr + size - from);
			va->size = size;
		}
		ok = true;
	}
	unlock_shard(sh);
	return ok;
}

/* ---- vmap stacks ---- */

/* A stack of size bytes with a hardware guard page below it (an
 * overflow of uninstrumented pushes faults there) and the usual shadow
 * guard above.  Returns the area start; the stack is [*lo, *hi). */
void *vmalloc_stack_alloc(size_t size, uintptr_t *lo, uintptr_t *hi)
{
	uintptr_t base;

	size = ALIGN_UP(size, PAGE_SIZE);
	/* Zeroed, as Linux's THREADINFO_GFP asks for a vmap stack. */
	base = (uintptr_t)vmalloc_common(size + PAGE_SIZE, PAGE_SIZE, 0, 0, VMK_STACK, true,
					 CALLER_IP, CALLER_FP);
	if (!base)
		return NULL;
	kasan_poison_vmalloc(base, base + PAGE_SIZE, KASAN_VMALLOC_INVALID);
	if (!plat_guard(base, PAGE_SIZE, true)) {
		free_area(base, FREE_STACK, 0, CALLER_IP, CALLER_FP);
		return NULL;
	}
	*lo = base + PAGE_SIZE;
	*hi = base + PAGE_SIZE + size;
	return (void *)base;
}

void vmalloc_stack_free(void *stack)
{
	free_area((uintptr_t)stack, FREE_STACK, 0, CALLER_IP, CALLER_FP);
}

/* ---- statistics and set-up ---- */

bool vmalloc_init_space(char *err, size_t errlen)
{
	if (!page_alloc_init(err, errlen))
		return false;
	if (!vmalloc_shadow_init()) {
		kasan_snprintf(err, errlen, "vmkasan: cannot reserve the vmalloc shadow's metadata");
		return false;
	}
	VMALLOC_START = mm_layout.vmalloc_start;
	VMALLOC_END = mm_layout.vmalloc_end;
	if (vmalloc_shadow_policy == SHADOW_OFF) {
		kasan_unchecked_start = VMALLOC_START;
		kasan_unchecked_end = VMALLOC_END;
	}
	for (unsigned i = 0; i < MAX_LIVE_SHARDS; i++)
		live_shards[i].tree.seed = (plat_time_ns() * 3 + 2 * i) | 1;
	nr_live_shards = plat_nr_cpus() < MAX_LIVE_SHARDS ? plat_nr_cpus() : MAX_LIVE_SHARDS;
	if (!nr_live_shards)
		nr_live_shards = 1;
	if (!vmap_area_init(err, errlen))
		return false;
	return true;
}

/* Read by vmkasan_get_stats() in stats.c. */
void vmalloc_counters(unsigned long *areas, unsigned long *pages, unsigned long *bytes,
		      unsigned long *lower, unsigned long *lazy, unsigned long *purges,
		      unsigned long *bad)
{
	*areas = *pages = *bytes = *lower = 0;
	for (unsigned i = 0; i < nr_live_shards; i++) {
		struct live_shard *sh = &live_shards[i];

		kasan_spin_lock(&sh->lock);
		*areas += sh->tree.count;
		*pages += sh->pages;
		*bytes += sh->bytes;
		*lower += sh->lower_bound;
		kasan_spin_unlock(&sh->lock);
	}
	vmap_area_counters(lazy, purges);
	*bad = READ_ONCE(bad_frees);
}

/* fork: hold the address-space locks (see mm_lock_all). */
void vmalloc_lock_all(bool lock)
{
	if (lock) {
		vmap_area_lock_all(true);
		for (unsigned i = 0; i < MAX_LIVE_SHARDS; i++)
			kasan_spin_lock(&live_shards[i].lock);
	} else {
		for (unsigned i = MAX_LIVE_SHARDS; i--;)
			kasan_spin_unlock(&live_shards[i].lock);
		vmap_area_lock_all(false);
	}
}
