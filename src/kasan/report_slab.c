// SPDX-License-Identifier: MIT
/*
 * What a report says about slab and page memory, in the words of Linux
 * 6.12 mm/kasan/report.c and report_generic.c: the bug type from the
 * shadow value, the object's allocation and free tracks, "The buggy
 * address belongs to the object at X / which belongs to the cache C of
 * size S", where the access lies relative to the object (computed from
 * the access address, as the kernel does), and the physical page.
 * A large kmalloc is no slab object to Linux (kasan_addr_to_slab() finds
 * no slab): it gets the physical page only.  A block of the program's
 * malloc family on the same pages (8 KiB to 128 KiB, marked PG_malloc)
 * is a heap block to its user: it gets its tracks and location line, in
 * the words of an object's, without the cache line it has not.
 */
#include "mm/slab.h"

static bool in_linear(uintptr_t addr)
{
	return mem_map && addr >= mm_layout.linear_start &&
	       addr < mm_layout.linear_start + (mm_layout.general_pfns << PAGE_SHIFT);
}

/* The bug type for a bad access to memory of the page allocator. */
enum kasan_bug_type kasan_slab_bug_type(uintptr_t addr, uint8_t v)
{
	switch (v) {
	case KASAN_SLAB_REDZONE:
		return KASAN_BUG_SLAB_OUT_OF_BOUNDS;
	case KASAN_SLAB_FREE:
		return KASAN_BUG_SLAB_USE_AFTER_FREE;
	case KASAN_PAGE_FREE:
		return KASAN_BUG_USE_AFTER_FREE;
	case KASAN_PAGE_REDZONE:
		/* Page 0 is the other user of 0xFE. */
		return in_linear(addr) ? KASAN_BUG_SLAB_OUT_OF_BOUNDS : KASAN_BUG_NONE;
	default:
		return KASAN_BUG_NONE;
	}
}

/*
 * Linux's kasan_get_alloc_size(): the requested size of a live object,
 * read from its shadow (0 for a freed object: the caller falls back to
 * the cache's object size).
 */
static size_t alloc_size_from_shadow(uintptr_t obj, size_t object_size)
{
	size_t size = 0;

	for (const uint8_t *sh = (const uint8_t *)kasan_shadow(obj); size < object_size; sh++) {
		if (*sh == 0)
			size += KASAN_GRANULE_SIZE;
		else if (*sh < KASAN_GRANULE_SIZE)
			return size + *sh;
		else
			return size;
	}
	return object_size;
}

/* A block of malloc's on large-kmalloc pages, live or recently freed. */
static void large_lookup(uintptr_t addr, struct kasan_report_info *info)
{
	struct large_info li;

	if (!kmalloc_large_lookup(addr, &li) || !li.malloc)
		return;	/* the kernel API's: the page only, as Linux */
	info->region = KASAN_REGION_LARGE;
	info->object = li.start;
	info->alloc_size = li.size;
	info->alloc = li.alloc;
	info->free = li.free;
	info->has_free = !li.live && (li.free.pid || li.free.stack);
}

/*
 * The object whose slot holds addr (Linux's nearest_obj(): a slot is the
 * object followed by its redzone, so a byte just before an object is
 * the previous object's right redzone); the header before slot 0 counts
 * as slot 0.  Its tracks are copied under the cache lock.
 */
void kasan_slab_lookup(uintptr_t addr, struct kasan_report_info *info)
{
	struct slab *sl;
	struct kmem_cache *s;
	struct slab_meta m;
	uint32_t idx = 0;

	if (!in_linear(addr))
		return;
	if (!(sl = addr_to_slab(addr))) {
		large_lookup(addr, info);
		return;
	}
	s = sl->cache;
	if (addr >= sl->objects && !slab_obj_index(sl, addr, &idx))
		idx = sl->nr - 1;
	kasan_spin_lock(&s->lock);
	m = sl->meta[idx];
	kasan_spin_unlock(&s->lock);
	info->region = KASAN_REGION_SLAB;
	info->object = slab_obj_addr(sl, idx);
	info->cache_name = s->name;
	info->cache_size = s->object_size;
	info->alloc_size = alloc_size_from_shadow(info->object, s->object_size);
	if (!info->alloc_size)
		info->alloc_size = s->object_size;
	info->alloc = (struct kasan_track){ m.alloc_pid, m.alloc_stack };
	info->free = (struct kasan_track){ m.free_pid, m.free_stack };
	info->has_free = m.state != OBJ_LIVE && m.free_stack;
}

bool kasan_describe_slab(uintptr_t addr, const struct kasan_report_info *info)
{
	const char *state = "";

	if (info->region == KASAN_REGION_NONE)
		return false;	/* the kernel's large kmalloc, a plain page: kasan_describe_page() */
	if (info->alloc.pid || info->alloc.stack) {
		kasan_print_track(&info->alloc, "Allocated");
		kasan_printf("\n");
	}
	if (info->has_free) {
		kasan_print_track(&info->free, "Freed");
		kasan_printf("\n");
	}
	if (info->region == KASAN_REGION_SLAB)
		kasan_printf("The buggy address belongs to the object at %p\n"
			     " which belongs to the cache %s of size %u\n", (void *)info->object,
			     info->cache_name, info->cache_size);
	/* Generic KASAN names the region's state after the bug type
	 * (Linux's describe_object_addr()). */
	if (info->bug == KASAN_BUG_SLAB_OUT_OF_BOUNDS)
		state = "allocated ";
	else if (info->bug == KASAN_BUG_SLAB_USE_AFTER_FREE)
		state = "freed ";
	kasan_print_location(addr, info->object, info->alloc_size, state);
	kasan_printf("\n");
	/* The page dump follows, as in Linux. */
	kasan_describe_page(addr);
	return true;
}
