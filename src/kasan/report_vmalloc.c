// SPDX-License-Identifier: MIT
/*
 * What a report says about the vmalloc space: the bug type of a vmalloc
 * address, the mapping it belongs to (live, freed and waiting for the
 * purge, or recently purged) with its traces, then the physical page
 * behind it (Linux's print_address_description: vmalloc_dump_obj, then
 * the page), and the facts of bad vfrees.  mm/vmap_lookup.c answers
 * what an address is; this file only words the answer.
 */
#include "mm/vmalloc_internal.h"

/* A bad vfree/vunmap/...: what vmalloc_lookup() knows of addr. */
void describe_bad_free(uintptr_t addr, struct kasan_bad_free *f)
{
	struct vmalloc_info vi;

	switch (vmalloc_lookup(addr, &vi)) {
	case VMALLOC_OUTSIDE:
		f->reason = KASAN_FREE_OUTSIDE_VMALLOC;
		break;
	case VMALLOC_LIVE:
		f->reason = KASAN_FREE_INSIDE_MAPPING;
		break;
	case VMALLOC_LAZY:
		f->reason = KASAN_FREE_MAPPING_LAZY;
		break;
	case VMALLOC_PURGED:
		f->reason = KASAN_FREE_MAPPING_PURGED;
		break;
	default:
		f->reason = KASAN_FREE_NO_MAPPING;
		break;
	}
	f->start = vi.start;
	f->end = vi.end;
}

/* ---- reports ---- */

bool kasan_vmalloc_bug_type(uintptr_t addr, uint8_t v)
{
	if (!vmalloc_addr(addr))
		return false;
	return v == KASAN_VMALLOC_INVALID || v == KASAN_VMALLOC_FREED || v == 0 ||
	       v < KASAN_GRANULE_SIZE;
}

static void describe_live(const struct vmalloc_info *vi, uintptr_t addr)
{
	uintptr_t start = vi->start;

	kasan_printf("The buggy address belongs to the virtual mapping at\n [%p, %p) created by:\n",
		     (void *)vi->start, (void *)vi->end);
	stack_depot_print(vi->alloc.stack);
	if (vi->flags & VMK_PERCPU) {
		kasan_printf("\nIt is a per-cpu unit: the address is %lu bytes into it, outside every\n"
			     " live per-cpu allocation.\n", (unsigned long)(addr - start));
		return;
	}
	/* The access address, as Linux describes objects: a write that starts
	 * inside the region and runs past it is "N bytes inside of" it. */
	kasan_printf("\n");
	kasan_print_location(addr, start, vi->size, "");
	if (addr >= vi->mapped_end)
		kasan_printf("(in the mapping's guard page)\n");
}

/*
 * An address on a vmap stack, as Linux describes one (CONFIG_VMAP_STACK):
 * the task's frame, then vmalloc_dump_obj()'s line for the stack's area
 * ("a N-page vmalloc region starting at X allocated at <caller>"; the
 * stack without its guard page), then the physical page behind it.
 */
static void describe_vmap_stack(const struct vmalloc_info *vi, uintptr_t addr)
{
	uintptr_t stack = vi->start + PAGE_SIZE;

	kasan_describe_stack(addr);
	kasan_printf("\nThe buggy address belongs to a %lu-page vmalloc region starting at 0x%lx "
		     "allocated at ", (unsigned long)((vi->mapped_end - stack) >> PAGE_SHIFT),
		     (unsigned long)stack);
	kasan_print_symbol(stack_depot_first_pc(vi->alloc.stack));
	kasan_printf("\n");
	if (vi->pfn)
		kasan_describe_pfn(vi->pfn);
}

bool kasan_describe_vmalloc(uintptr_t addr)
{
	struct vmalloc_info vi;

	switch (vmalloc_lookup(addr, &vi)) {
	case VMALLOC_OUTSIDE:
		return false;
	case VMALLOC_LIVE:
		if (vi.flags & VMK_STACK && addr >= vi.start + PAGE_SIZE && addr < vi.mapped_end) {
			describe_vmap_stack(&vi, addr);
			return true;
		}
		describe_live(&vi, addr);
		/* Then the frame behind it, as Linux does after vmalloc_dump_obj. */
		if (vi.pfn) {
			kasan_printf("\n");
			kasan_describe_pfn(vi.pfn);
		}
		return true;
	case VMALLOC_LAZY:
		kasan_printf("The buggy address belongs to a freed virtual mapping at\n"
			     " [%p, %p) created by:\n", (void *)vi.start, (void *)vi.end);
		stack_depot_print(vi.alloc.stack);
		kasan_printf("\n");
		kasan_print_track(&vi.free, "Freed");
		return true;
	case VMALLOC_PURGED:
		kasan_printf("The buggy address belonged to a virtual mapping at\n"
			     " [%p, %p), now freed and unmapped, created by:\n",
			     (void *)vi.start, (void *)vi.end);
		stack_depot_print(vi.alloc.stack);
		kasan_printf("\n");
		kasan_print_track(&vi.free, "Freed");
		return true;
	case VMALLOC_BUSY:
		kasan_printf("The buggy address lies in the vmalloc space; its mapping cannot be looked up:\n"
			     " the report interrupted vmalloc code that holds the area lock.\n");
		return true;
	default:
		kasan_printf("The buggy address lies in the vmalloc space [%p, %p), where no mapping\n"
			     " covers it (never mapped, or freed long ago): its shadow is not present.\n",
			     (void *)vi.start, (void *)vi.end);
		return true;
	}
}
