// SPDX-License-Identifier: MIT
/*
 * The KASAN side of mempools (Linux mm/kasan/common.c kasan_mempool_*):
 * an element sitting in a pool is poisoned as freed, with a free track,
 * so a use of an element the program gave back is caught although the
 * memory was never freed; putting back something that is not a live
 * element (twice, a middle pointer) is reported as double/invalid free
 * and the pool does not take it.
 */
#include "mm/slab.h"

static bool bad_free(enum kasan_free_reason why, uintptr_t a, uintptr_t ip, uintptr_t fp)
{
	struct kasan_bad_free f = {
		.reason = why, .fn = "mempool_free", .addr = a, .ip = ip, .fp = fp,
		.counter = &slab_bad_frees,
	};

	kasan_report_bad_free(&f);
	return false;
}

static bool check_live(uintptr_t a, uintptr_t ip, uintptr_t fp, struct slab **slp, uint32_t *idx)
{
	struct slab *sl = addr_to_slab(a);
	uintptr_t start;
	size_t size;

	*slp = sl;
	if (sl) {
		if (!slab_obj_index(sl, a, idx) || a != slab_obj_addr(sl, *idx))
			return bad_free(KASAN_FREE_NOT_OBJECT_START, a, ip, fp);
		if (sl->meta[*idx].state != OBJ_LIVE || kasan_region_is_poisoned_byte(a))
			return bad_free(KASAN_FREE_ALREADY_IN_POOL, a, ip, fp);
		return true;
	}
	if (kmalloc_large_addr(a, &start, &size)) {
		if (a != start)
			return bad_free(KASAN_FREE_INSIDE_POOL_ELEMENT, a, ip, fp);
		if (kasan_region_is_poisoned_byte(a))
			return bad_free(KASAN_FREE_ALREADY_IN_POOL, a, ip, fp);
		return true;
	}
	return bad_free(KASAN_FREE_NOT_KMALLOC, a, ip, fp);
}

/*
 * The frame holding ip: the API function's caller, one frame above the
 * API function (fp: the API function's frame); fp itself when ip is in
 * the API function (the plain entry points).
 */
static uintptr_t frame_of(uintptr_t ip, uintptr_t caller_ip, uintptr_t fp)
{
	uintptr_t rec[2];

	if (ip == caller_ip)
		return fp;
	if (!(fp & 7) && plat_read_safe(rec, fp + PLAT_FRAME_RECORD_OFFSET, sizeof(rec)) &&
	    rec[1] == ip)
		return rec[0];
	return 0;
}

static bool poison_object(void *ptr, uintptr_t ip, uintptr_t fp);
static bool poison_pages(struct page *page, unsigned int order, uintptr_t ip, uintptr_t fp);

bool kasan_mempool_poison_object(void *ptr)
{
	return poison_object(ptr, CALLER_IP, CALLER_FP);
}

bool __kasan_mempool_poison_object(void *ptr, unsigned long ip)
{
	return poison_object(ptr, ip, frame_of(ip, CALLER_IP, CALLER_FP));
}

bool kasan_mempool_poison_pages(struct page *page, unsigned int order)
{
	return poison_pages(page, order, CALLER_IP, CALLER_FP);
}

bool __kasan_mempool_poison_pages(struct page *page, unsigned int order, unsigned long ip)
{
	return poison_pages(page, order, ip, frame_of(ip, CALLER_IP, CALLER_FP));
}

static bool poison_object(void *ptr, uintptr_t ip, uintptr_t fp)
{
	uintptr_t a = (uintptr_t)ptr, start;
	struct slab *sl;
	uint32_t idx;
	size_t size;

	if (!check_live(a, ip, fp, &sl, &idx))
		return false;
	if (sl) {
		depot_handle_t h = stack_depot_save_here(fp, ip);

		kasan_spin_lock(&sl->cache->lock);
		sl->meta[idx].free_stack = h;
		sl->meta[idx].free_pid = (uint32_t)plat_tid();
		kasan_spin_unlock(&sl->cache->lock);
		kasan_poison(a, sl->cache->obj_span, KASAN_SLAB_FREE);
	} else if (kmalloc_large_addr(a, &start, &size)) {
		kasan_poison(a, ALIGN_UP(size, PAGE_SIZE), KASAN_PAGE_FREE);
	}
	return true;
}

void kasan_mempool_unpoison_object(void *ptr, size_t size)
{
	uintptr_t a = (uintptr_t)ptr, start;
	struct slab *sl = addr_to_slab(a);
	size_t large;

	kasan_unpoison(a, size);
	/* A large element's tail is a redzone again, not a freed page (Linux:
	 * poison_kmalloc_large_redzone): an overflow is slab-out-of-bounds. */
	if (!sl && kmalloc_large_addr(a, &start, &large) && start == a &&
	    ALIGN_UP(size, KASAN_GRANULE_SIZE) < ALIGN_UP(large, PAGE_SIZE))
		kasan_poison(ALIGN_UP(a + size, KASAN_GRANULE_SIZE),
			     ALIGN_UP(large, PAGE_SIZE) - ALIGN_UP(size, KASAN_GRANULE_SIZE),
			     KASAN_PAGE_REDZONE);
	if (sl && ALIGN_UP(size, KASAN_GRANULE_SIZE) < sl->cache->obj_span)
		kasan_poison(ALIGN_UP(a + size, KASAN_GRANULE_SIZE),
			     sl->cache->obj_span - ALIGN_UP(size, KASAN_GRANULE_SIZE),
			     KASAN_SLAB_REDZONE);
	if (sl) {
		uint32_t idx;

		if (slab_obj_index(sl, a, &idx)) {
			kasan_spin_lock(&sl->cache->lock);
			sl->meta[idx].free_stack = 0;
			sl->meta[idx].size = (uint32_t)size;
			kasan_spin_unlock(&sl->cache->lock);
		}
	}
}

static bool poison_pages(struct page *page, unsigned int order, uintptr_t ip, uintptr_t fp)
{
	uintptr_t a = (uintptr_t)page_address(page);

	if (kasan_region_is_poisoned_byte(a))
		return bad_free(KASAN_FREE_ALREADY_IN_POOL, a, ip, fp);
	kasan_poison(a, PAGE_SIZE << order, KASAN_PAGE_FREE);
	return true;
}

void kasan_mempool_unpoison_pages(struct page *page, unsigned int order)
{
	kasan_unpoison((uintptr_t)page_address(page), PAGE_SIZE << order);
}

bool kasan_save_enable_multi_shot(void)
{
	bool old = kasan_flags.multi_shot;

	kasan_flags.multi_shot = 1;
	return old;
}

void kasan_restore_multi_shot(bool enabled)
{
	kasan_flags.multi_shot = enabled;
}
