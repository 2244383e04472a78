// SPDX-License-Identifier: MIT
/*
 * Per-cpu chunks in the vmalloc space: the kernel's pcpu_get_vm_areas()
 * and pcpu_free_vm_areas(), the vmalloc side of mm/percpu.c.
 */
#include "mm/vmalloc_internal.h"

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
