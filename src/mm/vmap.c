// SPDX-License-Identifier: MIT
/*
 * vmap() and vm_map_ram(): pages the caller owns, at a new address in
 * the vmalloc space.  The platform maps the alias (plat_map_alias) and
 * gives the address its identity frames back at vunmap.
 */
#include "mm/vmalloc_internal.h"

static bool pages_valid(struct page **pages, unsigned int count, uintptr_t ip, uintptr_t fp)
{
	for (unsigned i = 0; i < count; i++) {
		struct page *p = pages[i];
		/* Any allocated page: alloc_pages() ones, and the frames behind a
		 * vmalloc area (vmap(vmalloc_to_page(p), ...) is legal in Linux).
		 * Not shadow frames: no caller can hold one. */
		bool ok = p && p >= mem_map && p < mem_map + mm_layout.shadow_pfn_base &&
			  (READ_ONCE(p->flags) & PG_allocated);

		if (!ok) {
			struct kasan_bad_free f = {
				.reason = KASAN_BAD_VMAP_PAGE, .fn = "vmap", .addr = (uintptr_t)p,
				.ip = ip, .fp = fp, .index = i, .counter = &bad_frees,
			};

			kasan_report_bad_free(&f);
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

void *vmap(struct page **pages, unsigned int count, unsigned long flags, pgprot_t prot)
{
	(void)flags;
	(void)prot;
	return vmap_common(pages, count, VM_MAP, CALLER_IP, CALLER_FP);
}

void *vm_map_ram(struct page **pages, unsigned int count, int node)
{
	(void)node;
	return vmap_common(pages, count, VMK_MAP_RAM, CALLER_IP, CALLER_FP);
}
