// SPDX-License-Identifier: MIT
/*
 * The vmalloc space: areas, their pages, their shadow, the lazy purge.
 *
 * Structure after Linux mm/vmalloc.c: free address space is a tree of
 * free areas searched for the lowest fit; live areas are a second tree;
 * freed areas wait on a purge list (the kernel defers its TLB flush the
 * same way) and go back to the free tree in batches.  Every area ends
 * with a guard page unless VM_NO_GUARD.  Shadow: kasan_populate_vmalloc
 * when an area is made, KASAN_VMALLOC_FREED poison and
 * kasan_depopulate_vmalloc when it is freed, kasan_release_vmalloc at
 * the purge (see shadow_vmalloc.c for the policies).
 *
 * Locks, never nested: free_area_lock (free tree), vmap_area_lock
 * (live tree), purge_lock (purge list and the freed-area tree).  Page
 * and shadow work happens outside them.
 */
#include "mm/vmap_tree.h"

/* Our flags, above the kernel's VM_* values of <vmkasan.h>. */
#define VM_ALLOC	0x00000002u
#define VM_MAP		0x00000004u
#define VM_NO_GUARD	0x00000040u
#define VM_KASAN	0x00000080u
#define VMK_MAP_RAM	0x00010000u
#define VMK_PERCPU	0x00020000u
#define VMK_STACK	0x00040000u	/* first page is a hardware guard */

__public unsigned long VMALLOC_START, VMALLOC_END;

static struct vmap_tree free_tree, live_tree, lazy_tree;
static kasan_spinlock_t free_area_lock, vmap_area_lock, purge_lock;
static struct vmap_area *purge_list;
static unsigned long lazy_pages, lazy_max_pages, nr_purges;
static unsigned long live_pages, live_bytes, live_lower_bound, bad_frees;

/* Recently purged areas, so a late access still says "freed". */
#define NR_RECENT 256
static struct recent_area {
	uintptr_t start, end;
	size_t size;
	depot_handle_t alloc_trace, free_trace;
	uint32_t alloc_tid, free_tid;
} recent[NR_RECENT];
static unsigned long recent_next;

static unsigned long lower_bound_of(const struct vmap_area *va)
{
	return (va->va_end - va->va_start + SHADOW_PAGE_SPAN - 1) / SHADOW_PAGE_SPAN;
}

bool vmalloc_addr(uintptr_t addr)
{
	return addr >= VMALLOC_START && addr < VMALLOC_END;
}

__public int is_vmalloc_addr(const void *addr);
__public int is_vmalloc_addr(const void *addr)
{
	return vmalloc_addr((uintptr_t)addr);
}

static unsigned long identity_pfn(uintptr_t va)
{
	return mm_layout.vmalloc_pfn_base + ((va - mm_layout.vmalloc_start) >> PAGE_SHIFT);
}

/* ---- address space ---- */

static struct vmap_area *va_alloc_meta(void)
{
	return meta_alloc(sizeof(struct vmap_area));
}

static void purge_vmap_area_lazy(void);

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
static struct vmap_area *alloc_vmap_area(size_t size, size_t align, uintptr_t vstart,
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

/* Give [va_start, va_end) back to the free tree, merging with neighbours.
 * Returns the merged free block through fs and fe.  Consumes va. */
static void free_vmap_block(struct vmap_area *va, uintptr_t *fs, uintptr_t *fe)
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
 * vmalloc'd frames were uncharged at vfree; their RAM goes now, with one
 * hole punch per run of adjacent areas (guard frames were never touched,
 * punching them too costs nothing).  A vmap alias got its identity
 * mapping back at vunmap and has no frames of its own here.
 */
static void release_purged_frames(struct vmap_area *sorted)
{
	uintptr_t run_start = 0, run_end = 0;

	for (struct vmap_area *va = sorted; va; va = va->purge_next) {
		if (va->alias_pfns || !va->nr_pages)
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

static void purge_vmap_area_lazy(void)
{
	struct vmap_area *list, *next;

	kasan_spin_lock(&purge_lock);
	list = purge_list;
	purge_list = NULL;
	lazy_pages = 0;
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
		kasan_release_vmalloc(start, end, fs, fe);
	}
}

__public void vm_unmap_aliases(void);
__public void vm_unmap_aliases(void)
{
	purge_vmap_area_lazy();
}

/* ---- making and unmaking areas ---- */

static unsigned long tid32(void)
{
	return (uint32_t)plat_tid();
}

/*
 * Shadow for a new area: present, poisoned as invalid over the whole
 * area and guard (a shared page may hold a previous owner's "freed"
 * poison), then the owner's bytes unpoisoned to the byte.
 */
static int setup_area_shadow(struct vmap_area *va, size_t accessible_from, size_t size)
{
	if (kasan_populate_vmalloc(va->va_start, va->va_end))
		return -1;
	va->flags |= VM_KASAN;
	kasan_poison_vmalloc(va->va_start, va->va_end, KASAN_VMALLOC_INVALID);
	kasan_unpoison_vmalloc(va->va_start + accessible_from, size);
	return 0;
}

static void insert_live(struct vmap_area *va, uintptr_t ip, uintptr_t fp)
{
	va->alloc_trace = stack_depot_save_here(fp, ip);
	va->alloc_tid = (uint32_t)tid32();
	kasan_spin_lock(&vmap_area_lock);
	vmap_tree_insert(&live_tree, va);
	live_pages += va->nr_pages;
	live_bytes += va->va_end - va->va_start;
	live_lower_bound += lower_bound_of(va);
	kasan_spin_unlock(&vmap_area_lock);
}

/* An area that never went live: straight back to the free tree. */
static void abandon_area(struct vmap_area *va)
{
	uintptr_t start = va->va_start, end = va->va_end, fs, fe;

	if (va->flags & VM_KASAN) {
		kasan_poison_vmalloc(va->va_start, va->va_end, KASAN_VMALLOC_INVALID);
		kasan_depopulate_vmalloc(va->va_start, va->va_end);
	}
	free_vmap_block(va, &fs, &fe);
	/* Only the area's own shadow pages: the merged free block can be
	 * the whole 1 TiB space, 32M shadow pages to walk. */
	kasan_release_vmalloc(start, end, fs, fe);
}

static size_t guard_size(unsigned long vm_flags)
{
	return vm_flags & VM_NO_GUARD ? 0 : PAGE_SIZE;
}

static void *vmalloc_common(size_t size, size_t align, uintptr_t start, uintptr_t end,
			    unsigned long vm_flags, uintptr_t ip, uintptr_t fp)
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
	va = alloc_vmap_area(real + guard_size(vm_flags), align, start, end);
	if (!va)
		return NULL;
	va->flags = (uint32_t)(VM_ALLOC | (vm_flags & (VM_NO_GUARD | VMK_STACK | VMK_PERCPU)));
	va->size = size;
	/* Identity frames are zero when taken: the purge punched them. */
	if (!frames_take(identity_pfn(va->va_start), real >> PAGE_SHIFT, FAIL_PAGE)) {
		abandon_area(va);
		return NULL;
	}
	va->nr_pages = (uint32_t)(real >> PAGE_SHIFT);
	if (setup_area_shadow(va, 0, size)) {
		frames_put(identity_pfn(va->va_start), va->nr_pages, false);
		abandon_area(va);
		return NULL;
	}
	insert_live(va, ip, fp);
	return (void *)va->va_start;
}

__public void *__vmalloc_node_range(unsigned long size, unsigned long align, unsigned long start,
				    unsigned long end, gfp_t gfp, unsigned long prot,
				    unsigned long vm_flags, int node, const void *caller);
__public void *__vmalloc_node_range(unsigned long size, unsigned long align, unsigned long start,
				    unsigned long end, gfp_t gfp, unsigned long prot,
				    unsigned long vm_flags, int node, const void *caller)
{
	(void)gfp;
	(void)prot;
	(void)node;
	(void)caller;
	return vmalloc_common(size, align, start, end, vm_flags & VM_NO_GUARD, CALLER_IP, CALLER_FP);
}

__public void *__vmalloc_node(unsigned long size, unsigned long align, gfp_t gfp, int node,
			      const void *caller);
__public void *__vmalloc_node(unsigned long size, unsigned long align, gfp_t gfp, int node,
			      const void *caller)
{
	(void)gfp;
	(void)node;
	(void)caller;
	return vmalloc_common(size, align, 0, 0, 0, CALLER_IP, CALLER_FP);
}

__public void *vmalloc(unsigned long size);
__public void *vmalloc(unsigned long size)
{
	return vmalloc_common(size, 1, 0, 0, 0, CALLER_IP, CALLER_FP);
}

__public void *vzalloc(unsigned long size);
__public void *vzalloc(unsigned long size)
{
	/* Fresh identity frames read as zero (see vmalloc_common). */
	return vmalloc_common(size, 1, 0, 0, 0, CALLER_IP, CALLER_FP);
}

/* ---- vmap and vm_map_ram: existing pages at new addresses ---- */

void report_bad_call(const char *bug, const char *detail, uintptr_t addr, uintptr_t ip,
		     uintptr_t fp, const char *op)
{
	struct kasan_access a = {
		.addr = addr, .ip = ip, .fp = fp, .op = op, .bug_type = bug, .detail = detail,
	};

	__atomic_add_fetch(&bad_frees, 1, __ATOMIC_RELAXED);
	kasan_report(&a);
}

static bool pages_valid(struct page **pages, unsigned int count, uintptr_t ip, uintptr_t fp)
{
	for (unsigned i = 0; i < count; i++) {
		struct page *p = pages[i];
		bool ok = p && p >= mem_map && p < mem_map + mm_layout.general_pfns &&
			  (p->flags & PG_allocated);

		if (!ok) {
			char detail[160];

			kasan_snprintf(detail, sizeof(detail), "pages[%u] is %s", i,
				       p ? "not an allocated page" : "NULL");
			report_bad_call("invalid-vmap", detail, (uintptr_t)p, ip, fp, "Map");
			return false;
		}
	}
	return true;
}

static void *vmap_common(struct page **pages, unsigned int count, uint32_t kind, uintptr_t ip,
			 uintptr_t fp)
{
	struct vmap_area *va;
	size_t bytes = (size_t)count << PAGE_SHIFT;
	unsigned long *pfns;

	if (!count || !pages || count > (1u << 24) || !pages_valid(pages, count, ip, fp))
		return NULL;
	pfns = meta_alloc(count * sizeof(unsigned long));
	if (!pfns && count * sizeof(unsigned long) > 4096)
		pfns = NULL;
	if (!pfns) {
		count_failure(FAIL_AREA);
		return NULL;
	}
	va = alloc_vmap_area(bytes + PAGE_SIZE, PAGE_SIZE, VMALLOC_START, VMALLOC_END);
	if (!va) {
		meta_free(pfns, count * sizeof(unsigned long));
		return NULL;
	}
	for (unsigned i = 0; i < count; i++)
		pfns[i] = page_pfn(pages[i]);
	va->flags = kind;
	va->size = bytes;
	if (!plat_map_alias(va->va_start, pfns, count)) {
		meta_free(pfns, count * sizeof(unsigned long));
		count_failure(FAIL_AREA);
		abandon_area(va);
		return NULL;
	}
	va->alias_pfns = pfns;
	va->nr_pages = count;
	if (setup_area_shadow(va, 0, bytes)) {
		plat_unmap_alias(va->va_start, count);
		va->alias_pfns = NULL;
		va->nr_pages = 0;
		meta_free(pfns, count * sizeof(unsigned long));
		abandon_area(va);
		return NULL;
	}
	insert_live(va, ip, fp);
	return (void *)va->va_start;
}

__public void *vmap(struct page **pages, unsigned int count, unsigned long flags,
		    unsigned long prot);
__public void *vmap(struct page **pages, unsigned int count, unsigned long flags,
		    unsigned long prot)
{
	(void)flags;
	(void)prot;
	return vmap_common(pages, count, VM_MAP, CALLER_IP, CALLER_FP);
}

__public void *vm_map_ram(struct page **pages, unsigned int count, int node);
__public void *vm_map_ram(struct page **pages, unsigned int count, int node)
{
	(void)node;
	return vmap_common(pages, count, VMK_MAP_RAM, CALLER_IP, CALLER_FP);
}

/* ---- freeing ---- */

enum free_kind { FREE_VFREE, FREE_VUNMAP, FREE_MAP_RAM, FREE_PERCPU, FREE_STACK };
static const char *const free_fn[] = { "vfree", "vunmap", "vm_unmap_ram", "free_percpu",
				       "vmap stack free" };

/* Explain why addr cannot be freed; the caller reports it. */
static void describe_bad_free(uintptr_t addr, enum free_kind kind, char *buf, size_t len)
{
	struct vmap_area *va;
	const char *fn = free_fn[kind];

	if (!vmalloc_addr(addr)) {
		kasan_snprintf(buf, len, "%s() of an address outside the vmalloc space [%p, %p)", fn,
			       (void *)VMALLOC_START, (void *)VMALLOC_END);
		return;
	}
	kasan_spin_lock(&vmap_area_lock);
	va = vmap_area_find(&live_tree, addr);
	if (va)
		kasan_snprintf(buf, len, "%s() of %p, which is %lu bytes inside the mapping [%p, %p)",
			       fn, (void *)addr, (unsigned long)(addr - va->va_start),
			       (void *)va->va_start, (void *)va->va_end);
	kasan_spin_unlock(&vmap_area_lock);
	if (va)
		return;
	kasan_spin_lock(&purge_lock);
	va = vmap_area_find(&lazy_tree, addr);
	if (va)
		kasan_snprintf(buf, len, "%s() of %p, in the mapping [%p, %p) that is already freed",
			       fn, (void *)addr, (void *)va->va_start, (void *)va->va_end);
	kasan_spin_unlock(&purge_lock);
	if (va)
		return;
	for (unsigned i = 0; i < NR_RECENT; i++) {
		if (recent[i].end && addr >= recent[i].start && addr < recent[i].end) {
			kasan_snprintf(buf, len, "%s() of %p, in the mapping [%p, %p) that was freed",
				       fn, (void *)addr, (void *)recent[i].start, (void *)recent[i].end);
			return;
		}
	}
	kasan_snprintf(buf, len, "%s() of %p, which no vmalloc mapping covers", fn, (void *)addr);
}

static bool kind_matches(const struct vmap_area *va, enum free_kind kind, unsigned count,
			 char *buf, size_t len)
{
	switch (kind) {
	case FREE_VFREE:
		if (!(va->flags & (VMK_PERCPU | VMK_STACK | VMK_MAP_RAM)))
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
			kasan_snprintf(buf, len, "vm_unmap_ram() of [%p, %p) with count %u, but it maps %u pages",
				       (void *)va->va_start, (void *)va->va_end, count, va->nr_pages);
			return false;
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
	}
	kasan_snprintf(buf, len, "%s() of [%p, %p), a mapping made by %s", free_fn[kind],
		       (void *)va->va_start, (void *)va->va_end,
		       va->flags & VMK_PERCPU ? "the per-cpu allocator" :
		       va->flags & VMK_STACK ? "a vmap stack" :
		       va->flags & VMK_MAP_RAM ? "vm_map_ram()" :
		       va->flags & VM_MAP ? "vmap()" : "vmalloc()");
	return false;
}

static bool free_area(uintptr_t addr, enum free_kind kind, unsigned count, uintptr_t ip,
		      uintptr_t fp)
{
	char why[200] = "";
	struct vmap_area *va;
	bool lazy_full;

	plat_check_process();
	kasan_spin_lock(&vmap_area_lock);
	va = vmap_area_find(&live_tree, addr);
	if (va && va->va_start == addr && kind_matches(va, kind, count, why, sizeof(why))) {
		vmap_tree_remove(&live_tree, va);
		live_pages -= va->nr_pages;
		live_bytes -= va->va_end - va->va_start;
		live_lower_bound -= lower_bound_of(va);
	} else {
		va = NULL;
	}
	kasan_spin_unlock(&vmap_area_lock);
	if (!va) {
		if (!why[0])
			describe_bad_free(addr, kind, why, sizeof(why));
		report_bad_call("double-free or invalid-free", why, addr, ip, fp, "Free");
		return false;
	}

	kasan_poison_vmalloc(va->va_start, va->va_end, KASAN_VMALLOC_FREED);
	if (va->flags & VM_KASAN)
		kasan_depopulate_vmalloc(va->va_start, va->va_end);
	if (va->alias_pfns)
		plat_unmap_alias(va->va_start, va->nr_pages);
	else if (va->nr_pages)
		frames_put(identity_pfn(va->va_start), va->nr_pages, false);
	if (va->flags & VMK_STACK)
		plat_guard(va->va_start, PAGE_SIZE, false);
	va->free_trace = stack_depot_save_here(fp, ip);
	va->free_tid = (uint32_t)tid32();

	kasan_spin_lock(&purge_lock);
	vmap_tree_insert(&lazy_tree, va);
	va->purge_next = purge_list;
	purge_list = va;
	lazy_pages += (va->va_end - va->va_start) >> PAGE_SHIFT;
	lazy_full = lazy_pages > lazy_max_pages;
	kasan_spin_unlock(&purge_lock);
	if (lazy_full)
		purge_vmap_area_lazy();
	return true;
}

__public void vfree(const void *addr);
__public void vfree(const void *addr)
{
	if (addr)
		free_area((uintptr_t)addr, FREE_VFREE, 0, CALLER_IP, CALLER_FP);
}

__public void vunmap(const void *addr);
__public void vunmap(const void *addr)
{
	if (addr)
		free_area((uintptr_t)addr, FREE_VUNMAP, 0, CALLER_IP, CALLER_FP);
}

__public void vm_unmap_ram(const void *mem, unsigned int count);
__public void vm_unmap_ram(const void *mem, unsigned int count)
{
	free_area((uintptr_t)mem, FREE_MAP_RAM, count, CALLER_IP, CALLER_FP);
}

/* ---- lookups ---- */

__public unsigned long vmalloc_to_pfn(const void *addr);
__public unsigned long vmalloc_to_pfn(const void *addr)
{
	uintptr_t a = (uintptr_t)addr;
	unsigned long pfn = 0;
	struct vmap_area *va;

	kasan_spin_lock(&vmap_area_lock);
	va = vmap_area_find(&live_tree, a);
	if (va && a < va->va_start + ((uintptr_t)va->nr_pages << PAGE_SHIFT)) {
		unsigned long idx = (a - va->va_start) >> PAGE_SHIFT;

		pfn = va->alias_pfns ? va->alias_pfns[idx] : identity_pfn(a);
	}
	kasan_spin_unlock(&vmap_area_lock);
	return pfn;
}

__public struct page *vmalloc_to_page(const void *addr);
__public struct page *vmalloc_to_page(const void *addr)
{
	unsigned long pfn = vmalloc_to_pfn(addr);

	return pfn ? pfn_to_page(pfn) : NULL;
}

bool vmalloc_area_bounds(uintptr_t addr, uintptr_t *start, uintptr_t *end, bool *is_stack)
{
	struct vmap_area *va;
	bool found = false;

	if (!vmalloc_addr(addr) || !mem_map)
		return false;
	kasan_spin_lock(&vmap_area_lock);
	va = vmap_area_find(&live_tree, addr);
	if (va) {
		*start = va->va_start;
		*end = va->va_start + ((uintptr_t)va->nr_pages << PAGE_SHIFT);
		*is_stack = va->flags & VMK_STACK;
		found = true;
	}
	kasan_spin_unlock(&vmap_area_lock);
	return found;
}

/* ---- vmap stacks ---- */

/* A stack of size bytes with a hardware guard page below it (an
 * overflow of uninstrumented pushes faults there) and the usual shadow
 * guard above.  Returns the area start; the stack is [*lo, *hi). */
void *vmalloc_stack_alloc(size_t size, uintptr_t *lo, uintptr_t *hi)
{
	uintptr_t base;

	size = ALIGN_UP(size, PAGE_SIZE);
	base = (uintptr_t)vmalloc_common(size + PAGE_SIZE, PAGE_SIZE, 0, 0, VMK_STACK,
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

/* ---- per-cpu areas: the kernel's pcpu_get_vm_areas ---- */

/*
 * nr areas of unit bytes each (plus a guard page), equally spaced, made
 * all at once or not at all: address space, pages and shadow of every
 * area, or nothing (the per-cpu failure path the v4 patch skipped).
 * Returns the first area's start; area i starts at base + i * stride.
 */
uintptr_t pcpu_get_vm_areas(unsigned nr, size_t unit, size_t *stride_out, uintptr_t ip,
			    uintptr_t fp)
{
	size_t stride = unit + PAGE_SIZE;
	struct vmap_area *block, *vas[256];
	unsigned made = 0, framed = 0, shadowed = 0;
	uintptr_t base, fs, fe;

	if (!nr || nr > ARRAY_SIZE(vas) || should_fail(FAIL_PERCPU))
		goto fail;
	block = alloc_vmap_area(nr * stride, PAGE_SIZE, VMALLOC_START, VMALLOC_END);
	if (!block)
		goto fail;
	base = block->va_start;
	vas[made++] = block;
	while (made < nr && (vas[made] = va_alloc_meta()))
		made++;
	if (made < nr)
		goto undo;
	for (unsigned i = 0; i < nr; i++) {
		vas[i]->va_start = base + i * stride;
		vas[i]->va_end = vas[i]->va_start + stride;
		vas[i]->flags = VM_ALLOC | VMK_PERCPU;
		vas[i]->size = 0;
	}
	for (; framed < nr; framed++) {
		if (!frames_take(identity_pfn(vas[framed]->va_start), unit >> PAGE_SHIFT, FAIL_PAGE))
			goto undo;
		vas[framed]->nr_pages = (uint32_t)(unit >> PAGE_SHIFT);
	}
	for (; shadowed < nr; shadowed++)
		if (setup_area_shadow(vas[shadowed], 0, 0))
			goto undo;
	for (unsigned i = 0; i < nr; i++)
		insert_live(vas[i], ip, fp);
	*stride_out = stride;
	return base;
undo:
	for (unsigned i = 0; i < shadowed; i++) {
		kasan_poison_vmalloc(vas[i]->va_start, vas[i]->va_end, KASAN_VMALLOC_INVALID);
		kasan_depopulate_vmalloc(vas[i]->va_start, vas[i]->va_end);
	}
	for (unsigned i = 0; i < framed; i++)
		frames_put(identity_pfn(vas[i]->va_start), unit >> PAGE_SHIFT, false);
	for (unsigned i = 1; i < made; i++)
		meta_free(vas[i], sizeof(*vas[i]));
	block->va_start = base;
	block->va_end = base + nr * stride;
	free_vmap_block(block, &fs, &fe);
	kasan_release_vmalloc(base, base + nr * stride, fs, fe);
fail:
	count_failure(FAIL_PERCPU);
	return 0;
}

void pcpu_free_vm_areas(uintptr_t base, unsigned nr, size_t stride, uintptr_t ip, uintptr_t fp)
{
	for (unsigned i = 0; i < nr; i++)
		free_area(base + i * stride, FREE_PERCPU, 0, ip, fp);
}

/* ---- reports ---- */

static const char *vmalloc_bug_type(uintptr_t addr, int8_t shadow)
{
	uint8_t v = (uint8_t)shadow;

	if (!vmalloc_addr(addr))
		return NULL;
	if (v == KASAN_VMALLOC_INVALID || v == KASAN_VMALLOC_FREED || v == 0 ||
	    (v > 0 && v < KASAN_GRANULE_SIZE))
		return "vmalloc-out-of-bounds";
	return NULL;	/* stack values on a vmap stack: let stack.c name them */
}

static void print_trace_of(const char *what, uint32_t tid, depot_handle_t h)
{
	kasan_printf("%s by task %u:\n", what, tid);
	stack_depot_print(h);
}

static void describe_live(const struct vmap_area *va, uintptr_t addr)
{
	uintptr_t start = va->va_start;

	kasan_printf("The buggy address belongs to the virtual mapping at\n [%p, %p) created by:\n",
		     (void *)va->va_start, (void *)va->va_end);
	stack_depot_print(va->alloc_trace);
	if (va->flags & VMK_PERCPU) {
		kasan_printf("\nIt is a per-cpu unit: the address is %lu bytes into it, outside every\n"
			     " live per-cpu allocation.\n", (unsigned long)(addr - start));
		return;
	}
	if (addr >= start + va->size)
		kasan_printf("\nThe buggy address is located %lu bytes to the right of\n"
			     " %lu-byte region [%p, %p)\n", (unsigned long)(addr - start - va->size),
			     (unsigned long)va->size, (void *)start, (void *)(start + va->size));
	if (addr >= start + ((uintptr_t)va->nr_pages << PAGE_SHIFT))
		kasan_printf("(in the mapping's guard page)\n");
}

/* A snapshot of the area of tree holding addr: reports print it unlocked. */
static bool find_area_copy(kasan_spinlock_t *lock, const struct vmap_tree *tree, uintptr_t addr,
			   struct vmap_area *copy)
{
	struct vmap_area *va;

	kasan_spin_lock(lock);
	va = vmap_area_find(tree, addr);
	if (va)
		*copy = *va;
	kasan_spin_unlock(lock);
	return va;
}

static bool vmalloc_describe(uintptr_t addr)
{
	struct vmap_area copy;

	if (!vmalloc_addr(addr) || !mem_map)
		return false;
	if (find_area_copy(&vmap_area_lock, &live_tree, addr, &copy)) {
		if (copy.flags & VMK_STACK && addr >= copy.va_start + PAGE_SIZE &&
		    addr < copy.va_start + ((uintptr_t)copy.nr_pages << PAGE_SHIFT))
			return kasan_describe_stack(addr);
		describe_live(&copy, addr);
		return true;
	}
	if (find_area_copy(&purge_lock, &lazy_tree, addr, &copy)) {
		kasan_printf("The buggy address belongs to a freed virtual mapping at\n"
			     " [%p, %p) created by:\n", (void *)copy.va_start, (void *)copy.va_end);
		stack_depot_print(copy.alloc_trace);
		kasan_printf("\n");
		print_trace_of("Freed", copy.free_tid, copy.free_trace);
		return true;
	}
	for (unsigned long i = 0; i < NR_RECENT; i++) {
		struct recent_area *r = &recent[(recent_next - 1 - i) % NR_RECENT];

		if (r->end && addr >= r->start && addr < r->end) {
			kasan_printf("The buggy address belonged to a virtual mapping at\n"
				     " [%p, %p), now freed and unmapped, created by:\n",
				     (void *)r->start, (void *)r->end);
			stack_depot_print(r->alloc_trace);
			kasan_printf("\n");
			print_trace_of("Freed", r->free_tid, r->free_trace);
			return true;
		}
	}
	kasan_printf("The buggy address lies in the vmalloc space [%p, %p), where no mapping\n"
		     " covers it (never mapped, or freed long ago): its shadow is not present.\n",
		     (void *)VMALLOC_START, (void *)VMALLOC_END);
	return true;
}

static const struct kasan_describer vmalloc_describer = {
	.bug_type = vmalloc_bug_type,
	.describe = vmalloc_describe,
};

/* A hardware fault in the vmalloc space: only a vmap stack's guard page
 * is protected, so this is a stack overflow. */
bool vmalloc_explain_fault(uintptr_t addr, bool write, uintptr_t ip, uintptr_t fp)
{
	uintptr_t start, end;
	bool is_stack;
	char detail[200];
	struct vmap_area *va;

	if (!vmalloc_addr(addr) || !mem_map)
		return false;
	kasan_spin_lock(&vmap_area_lock);
	va = vmap_area_find(&live_tree, addr);
	is_stack = va && (va->flags & VMK_STACK) && addr < va->va_start + PAGE_SIZE;
	start = va ? va->va_start + PAGE_SIZE : 0;
	end = va ? va->va_start + ((uintptr_t)va->nr_pages << PAGE_SHIFT) : 0;
	kasan_spin_unlock(&vmap_area_lock);
	if (!is_stack)
		return false;
	kasan_snprintf(detail, sizeof(detail),
		       "The task overflowed its vmalloc'd stack [%p, %p): the access hit the guard page below it.",
		       (void *)start, (void *)end);
	struct kasan_access a = {
		.addr = addr, .write = write, .fault = true, .ip = ip, .fp = fp,
		.bug_type = "stack-overflow", .detail = detail,
	};
	kasan_flags.multi_shot = 1;
	kasan_report(&a);
	return true;
}

/* ---- statistics and set-up ---- */

bool vmalloc_init_space(char *err, size_t errlen)
{
	struct vmap_area *all;
	unsigned ncpu = plat_nr_cpus(), log = 0;

	if (!page_alloc_init(err, errlen))
		return false;
	VMALLOC_START = mm_layout.vmalloc_start;
	VMALLOC_END = mm_layout.vmalloc_end;
	if (vmalloc_shadow_policy == SHADOW_OFF) {
		kasan_unchecked_start = VMALLOC_START;
		kasan_unchecked_end = VMALLOC_END;
	}
	while ((1u << (log + 1)) <= ncpu)
		log++;
	/* Linux: lazy_max_pages() = 32 MiB of pages times (1 + log2(cpus)). */
	lazy_max_pages = ((32UL << 20) >> PAGE_SHIFT) * (log + 1);
	free_tree.seed = plat_time_ns() | 1;
	live_tree.seed = free_tree.seed * 3;
	lazy_tree.seed = free_tree.seed * 5;
	all = va_alloc_meta();
	if (!all) {
		kasan_snprintf(err, errlen, "vmkasan: no RAM for the vmalloc space's first area");
		return false;
	}
	all->va_start = VMALLOC_START;
	all->va_end = VMALLOC_END;
	vmap_tree_insert(&free_tree, all);
	kasan_register_describer(&vmalloc_describer);
	return true;
}

/* Read by vmkasan_get_stats() in stats.c. */
void vmalloc_counters(unsigned long *areas, unsigned long *pages, unsigned long *bytes,
		      unsigned long *lower, unsigned long *lazy, unsigned long *purges,
		      unsigned long *bad)
{
	kasan_spin_lock(&vmap_area_lock);
	*areas = live_tree.count;
	*pages = live_pages;
	*bytes = live_bytes;
	*lower = live_lower_bound;
	kasan_spin_unlock(&vmap_area_lock);
	kasan_spin_lock(&purge_lock);
	*lazy = lazy_tree.count;
	*purges = nr_purges;
	kasan_spin_unlock(&purge_lock);
	*bad = READ_ONCE(bad_frees);
}

/* fork: hold the address-space locks (see mm_lock_all). */
void vmalloc_lock_all(bool lock)
{
	if (lock) {
		kasan_spin_lock(&purge_lock);
		kasan_spin_lock(&vmap_area_lock);
		kasan_spin_lock(&free_area_lock);
	} else {
		kasan_spin_unlock(&free_area_lock);
		kasan_spin_unlock(&vmap_area_lock);
		kasan_spin_unlock(&purge_lock);
	}
}
