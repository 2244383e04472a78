// SPDX-License-Identifier: MIT
/*
 * platform.h's memory side on the RISC-V port: the frames of the page
 * allocator are the RAM itself (frame n is the page at 0x80000000 +
 * n * 4 KiB, the identity-mapped linear map); identity frames of the
 * vmalloc space are backed by pool frames mapped in the page tables
 * when taken and freed when put, as Linux's vmalloc allocates and frees
 * pages; the TLBs of other harts are flushed at the lazy purge
 * (plat_frames_release), as Linux defers its flush.  Runtime metadata
 * lives in a demand-paged region: a read of an untouched page maps the
 * zero page, a write maps a fresh frame.
 */
#include "riscv.h"

extern unsigned long rv_ram_size;

#define EAGER_PAGES	48	/* small metadata arrays, mapped at once */
/* Pages kept out of the budget for page tables and the zero-page
 * metadata, which are not charged. */
#define PT_RESERVE	160

static uintptr_t eager_next, eager_end;
static uintptr_t meta_next = RV_META_BASE;
static kasan_spinlock_t meta_va_lock;

static unsigned long vm_pfn_base(void) { return mm_layout.vmalloc_pfn_base; }

static bool is_vmalloc_pfn(unsigned long pfn, unsigned long n)
{
	return pfn >= vm_pfn_base() && pfn + n <= mm_layout.shadow_pfn_base;
}

static uintptr_t vmalloc_va(unsigned long pfn)
{
	return RV_VMALLOC_BASE + ((pfn - vm_pfn_base()) << PAGE_SHIFT);
}

bool plat_mm_init(struct plat_mm_layout *l, char *err, size_t errlen)
{
	unsigned long vm_pages = RV_VMALLOC_SIZE >> PAGE_SHIFT;

	l->vmalloc_start = RV_VMALLOC_BASE;
	l->vmalloc_end = RV_VMALLOC_BASE + RV_VMALLOC_SIZE;
	l->linear_start = RV_RAM_BASE;
	/* the last page is the restart mailbox (init.c) */
	l->general_pfns = (rv_ram_size >> PAGE_SHIFT) - 1;
	l->vmalloc_pfn_base = l->general_pfns;
	l->shadow_pfn_base = l->vmalloc_pfn_base + vm_pages;
	l->nr_pfns = l->shadow_pfn_base + (vm_pages >> KASAN_SHADOW_SCALE_SHIFT);
	/* The last boot allocations: a few pages for small metadata arrays
	 * (the pool's free stack is written under the pool lock, so it
	 * must never need a demand fault that takes a pool frame). */
	eager_next = rv_boot_alloc_end();
	for (unsigned i = 0; i < EAGER_PAGES; i++)
		if (!rv_boot_alloc()) {
			kasan_snprintf(err, errlen, "vmkasan: no RAM for the page allocator");
			return false;
		}
	eager_end = rv_boot_alloc_end();
	l->general_first = (eager_end - RV_RAM_BASE) >> PAGE_SHIFT;
	if (l->general_first + PT_RESERVE + 64 > l->general_pfns) {
		kasan_snprintf(err, errlen, "vmkasan: %lu KiB of RAM is too little", rv_ram_size >> 10);
		return false;
	}
	l->ram_limit_pages = l->general_pfns - l->general_first - PT_RESERVE;
	/* Free pages read as free in the shadow until allocated. */
	kasan_poison(RV_RAM_BASE + (l->general_first << PAGE_SHIFT),
		     (l->general_pfns - l->general_first) << PAGE_SHIFT, 0xFF);
	return true;
}

void *plat_alloc_pages(size_t size)
{
	uintptr_t va = 0;

	size = ALIGN_UP(size, PAGE_SIZE);
	kasan_spin_lock(&meta_va_lock);
	if (eager_next + size <= eager_end) {
		va = eager_next;
		eager_next += size;
	} else if (meta_next + size <= RV_META_BASE + RV_META_SIZE) {
		va = meta_next;
		meta_next += size + PAGE_SIZE;	/* a hole between regions */
	}
	kasan_spin_unlock(&meta_va_lock);
	return (void *)va;
}

/* A frame's RAM goes back to the page allocator at plat_frames_put:
 * nothing of a freed frame is left to reuse, and the release must run
 * (it flushes the other harts' TLBs). */
unsigned plat_frames_data(unsigned long pfn, unsigned long n, unsigned long *runs, unsigned max)
{
	(void)pfn;
	(void)n;
	(void)runs;
	return max + 1;
}

/* Nor frame by frame. */
unsigned long plat_frames_resident(unsigned long pfn, unsigned long n, uint8_t *vec)
{
	(void)pfn;
	for (unsigned long i = 0; i < n; i++)
		vec[i] = 0;
	return 0;
}

bool rv_meta_fault(uintptr_t va, bool write)
{
	pte_t *e;
	uintptr_t pa;

	if (va < RV_META_BASE || va >= meta_next)
		return false;
	va = ALIGN_DOWN(va, PAGE_SIZE);
	if (!write)
		return rv_map(va, rv_zero_page, PTE_R);
	e = rv_pte(va, false);
	if (e && (*e & PTE_V) && (*e & PTE_W))
		return true;	/* another hart was first */
	pa = rv_page_alloc();
	if (!pa)
		return false;
	plat_memset((void *)pa, 0, PAGE_SIZE);
	if (!rv_map(va, pa, PTE_R | PTE_W | PTE_OWNED)) {
		rv_page_free(pa);
		return false;
	}
	/* Replacing the zero page is a change of a valid PTE. */
	rv_tlb_flush_range(va, 1);
	return true;
}

/* ---- identity frames of the vmalloc space ---- */

bool plat_frames_take(unsigned long pfn, unsigned long n)
{
	if (!is_vmalloc_pfn(pfn, n))
		return true;	/* pool frames are RAM already */
	for (unsigned long i = 0; i < n; i++) {
		uintptr_t pa = rv_page_alloc();

		if (!pa || !rv_map(vmalloc_va(pfn + i), pa, PTE_R | PTE_W | PTE_OWNED)) {
			if (pa)
				rv_page_free(pa);
			plat_frames_put(pfn, i);
			return false;
		}
		/* vzalloc and the core count on fresh frames reading zero */
		plat_memset((void *)pa, 0, PAGE_SIZE);
	}
	return true;
}

void plat_frames_put(unsigned long pfn, unsigned long n)
{
	if (!is_vmalloc_pfn(pfn, n))
		return;
	for (unsigned long i = 0; i < n; i++) {
		pte_t *e = rv_pte(vmalloc_va(pfn + i), false);

		if (!e)
			continue;
		if ((*e & PTE_V) && (*e & PTE_OWNED))
			rv_page_free((uintptr_t)(*e >> PTE_PPN_SHIFT) << 12);
		*e = 0;
	}
	/* this hart at once; the others at the purge */
	if (n <= 32) {
		RV_EVENT_ADD(flush_page, n);
		for (unsigned long i = 0; i < n; i++)
			__asm__ volatile("sfence.vma %0" :: "r"(vmalloc_va(pfn + i)) : "memory");
	} else
		rv_tlb_flush_local();
}

/* The lazy purge: any hart may still cache the freed areas, this one
 * too (plat_frames_put flushed only the hart that freed them), and the
 * space is reused after the purge. */
void plat_frames_release(unsigned long pfn, unsigned long n)
{
	if (is_vmalloc_pfn(pfn, n))
		rv_tlb_flush_all();
}

/* ---- vmap aliases and guards ---- */

static uintptr_t frame_pa(unsigned long pfn)
{
	pte_t *e;

	if (pfn < mm_layout.general_pfns)
		return RV_RAM_BASE + (pfn << PAGE_SHIFT);
	if (!is_vmalloc_pfn(pfn, 1))
		return 0;
	e = rv_pte(vmalloc_va(pfn), false);
	return e && (*e & PTE_V) ? (uintptr_t)(*e >> PTE_PPN_SHIFT) << 12 : 0;
}

bool plat_map_alias(uintptr_t va, const unsigned long *pfns, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		uintptr_t pa = frame_pa(pfns[i]);

		if (!pa || !rv_map(va + (i << PAGE_SHIFT), pa, PTE_R | PTE_W)) {
			plat_unmap_alias(va, i);
			return false;
		}
	}
	rv_tlb_flush_local();
	return true;
}

void plat_unmap_alias(uintptr_t va, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		pte_t *e = rv_pte(va + (i << PAGE_SHIFT), false);

		if (e)
			*e = 0;
	}
	/* The purge does not flush for aliases (they own no frames). */
	rv_tlb_flush_range(va, n);
}

/* A guard page gives its frame back and becomes an invalid PTE marked
 * as a guard, so that its fault is told apart from any other. */
bool plat_guard(uintptr_t va, size_t n, bool guard)
{
	for (size_t off = 0; off < n; off += PAGE_SIZE) {
		pte_t *e = rv_pte(va + off, guard);

		if (!e)
			return !guard;
		if (guard) {
			if ((*e & PTE_V) && (*e & PTE_OWNED))
				rv_page_free((uintptr_t)(*e >> PTE_PPN_SHIFT) << 12);
			*e = PTE_GUARD;
		} else if (*e == PTE_GUARD) {
			*e = 0;
		}
	}
	rv_tlb_flush_range(va, n >> PAGE_SHIFT);
	return true;
}

unsigned plat_nr_cpus(void)
{
	return rv_nr_harts;
}

/* No VMAs here; the page-table pages are the comparable cost. */
unsigned long plat_vma_count(void)
{
	return READ_ONCE(rv_pt_pages);
}

/* One address space, no fork or clone: every caller is the process. */
void plat_check_process(void)
{
}

/* The vmalloc shadow's pages are page-table work (pgtable.c); identity
 * frame numbers are bookkeeping here. */
bool plat_shadow_pages_map(uintptr_t shadow_page, unsigned long pfn, unsigned long n, int fill)
{
	(void)pfn;
	return rv_shadow_pages_map(shadow_page, n, fill);
}

void plat_shadow_pages_unmap(uintptr_t shadow_page, unsigned long n)
{
	rv_shadow_pages_unmap(shadow_page, n);
}

/* Zero shadow (platform.h): the zero page in the PTEs (pgtable.c); a
 * write faults into fault.c. */
bool plat_shadow_zero_map(uintptr_t sp, unsigned long n)
{
	return rv_shadow_zero_map(sp, n);
}
