// SPDX-License-Identifier: MIT
/*
 * What a report says about slab and page memory, in the words of Linux
 * 6.12 mm/kasan/report.c and report_generic.c: the bug type from the
 * shadow value, the object's allocation and free tracks, "The buggy
 * address belongs to the object at X / which belongs to the cache C of
 * size S", where the access lies relative to the object (computed from
 * the access address, as the kernel does), and the physical page.
 */
#include "mm/slab.h"

static bool in_linear(uintptr_t addr)
{
	return mem_map && addr >= mm_layout.linear_start &&
	       addr < mm_layout.linear_start + (mm_layout.general_pfns << PAGE_SHIFT);
}

/* The bug type for a bad access to memory of the page allocator, or NULL. */
const char *kasan_slab_bug_type(uintptr_t addr, uint8_t v)
{
	switch (v) {
	case KASAN_SLAB_REDZONE:
		return "slab-out-of-bounds";
	case KASAN_SLAB_FREE:
		return "slab-use-after-free";
	case KASAN_PAGE_FREE:
		return "use-after-free";
	case KASAN_PAGE_REDZONE:
		/* Page 0 is the other user of 0xFE. */
		return in_linear(addr) ? "slab-out-of-bounds" : NULL;
	default:
		return NULL;
	}
}

static void print_track(const char *what, uint32_t pid, depot_handle_t stack)
{
	kasan_printf("%s by task %u:\n", what, pid);
	if (stack)
		stack_depot_print(stack);
	else
		kasan_printf("(stack is not available)\n");
	kasan_printf("\n");
}

static bool describe_slab_object(uintptr_t addr, struct slab *sl)
{
	struct kmem_cache *s = sl->cache;
	struct slab_meta m;
	uint32_t idx = 0;
	uintptr_t obj;
	const char *state;
	size_t size;

	/* The nearest object: the one whose slot holds addr; the header
	 * before slot 0 is slot 0's left redzone. */
	if (addr >= sl->objects && !slab_obj_index(sl, addr, &idx))
		idx = sl->nr - 1;
	obj = slab_obj_addr(sl, idx);
	kasan_spin_lock(&s->lock);
	m = sl->meta[idx];
	kasan_spin_unlock(&s->lock);
	if (m.alloc_pid || m.alloc_stack)
		print_track("Allocated", m.alloc_pid, m.alloc_stack);
	if (m.state != OBJ_LIVE && m.free_stack)
		print_track("Freed", m.free_pid, m.free_stack);
	kasan_printf("The buggy address belongs to the object at %p\n"
		     " which belongs to the cache %s of size %u\n", (void *)obj, s->name,
		     s->object_size);
	/* Generic KASAN names the region's state after the bug type. */
	size = m.state == OBJ_LIVE ? m.size : s->object_size;
	state = m.state == OBJ_LIVE ? "allocated " : m.state == OBJ_FREE && !m.alloc_pid ? "" :
		"freed ";
	kasan_print_location(addr, obj, size, state);
	return true;
}

bool kasan_describe_slab(uintptr_t addr)
{
	struct slab *sl;
	uintptr_t start;
	size_t size;
	uint32_t t[4];

	if (!in_linear(addr))
		return false;
	sl = addr_to_slab(addr);
	if (sl) {
		describe_slab_object(addr, sl);
		kasan_printf("\n");
	} else if (kmalloc_large_addr(addr, &start, &size)) {
		uint32_t pid, stack;

		kmalloc_large_tracks(start, &pid, &stack);
		print_track("Allocated", pid, stack);
		kasan_print_location(addr, start, size, "allocated ");
		kasan_printf("\n");
	} else if ((uint8_t)*kasan_shadow(addr) == KASAN_PAGE_FREE &&
		   kmalloc_large_freed(addr, &start, &size, t)) {
		print_track("Allocated", t[0], t[1]);
		print_track("Freed", t[2], t[3]);
		kasan_print_location(addr, start, size, "freed ");
		kasan_printf("\n");
	} else {
		return false;	/* a plain page: kasan_describe_page() */
	}
	/* The page dump follows, as in Linux. */
	kasan_describe_page(addr);
	return true;
}

void report_slab_bad_free(const char *bug, uintptr_t addr, uintptr_t ip, uintptr_t fp,
			  const char *detail)
{
	struct kasan_access a = {
		.addr = addr, .ip = ip, .fp = fp, .op = "Free", .bug_type = bug, .detail = detail,
	};

	__atomic_add_fetch(&slab_bad_frees, 1, __ATOMIC_RELAXED);
	kasan_report(&a);
}
