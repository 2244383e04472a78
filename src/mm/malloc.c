// SPDX-License-Identifier: MIT
/*
 * malloc semantics over the slab side (the libc names are defined by the
 * hosted port): requests up to KMALLOC_MAX_CACHE_SIZE with alignment up
 * to 16 are objects of the kmalloc caches (through the per-thread fast
 * path of slab_thread.c); up to MALLOC_LARGE_MAX (and alignments up to a
 * page) large kmallocs, whole pages that the page allocator reuses; bigger
 * ones, and alignments above a page, vmalloc areas marked VMK_MALLOC, so
 * the vmalloc shadow policy serves big buffers.  That is Linux kvmalloc's
 * order (kmalloc first, vmalloc when kmalloc will not do), with the
 * switch where ASan's size-class allocator ends too: a vmalloc area per
 * block costs its page faults and mapping work every time.  Reports are the slab side's (and
 * vmalloc's for big blocks): slab-out-of-bounds, slab-use-after-free,
 * double-free, invalid-free; vmalloc-out-of-bounds, double-free or
 * invalid-free.
 *
 * Objects are unpoisoned to the requested size exactly, and
 * malloc_usable_size() returns that size (as ASan's does), so a program
 * that uses all of the "usable" size never touches a redzone.
 */
#include "mm/slab.h"
#include "mm/malloc.h"

/* The smallest class malloc uses: glibc and the C standard promise
 * 16-byte alignment (max_align_t), and kmalloc-8 gives only 8. */
#define MALLOC_MIN_CLASS	16
#define MALLOC_ALIGN		16
#define MALLOC_LARGE_MAX	(128UL << 10)

int malloc_mode = MALLOC_KASAN;
static const char *const malloc_modes[] = { "kasan", "libc", NULL };
const struct kasan_option malloc_options[] = {
	{ "malloc", OPT_ENUM, &malloc_mode, malloc_modes, 0, 0,
	  "kasan: malloc and friends on the slab caches and vmalloc, checked (default); "
	  "libc: the C library's malloc, unchecked (not in a -static program)" },
};
const unsigned malloc_nr_options = ARRAY_SIZE(malloc_options);

static bool in_linear(uintptr_t a)
{
	return a >= mm_layout.linear_start &&
	       a < mm_layout.linear_start + (mm_layout.general_pfns << PAGE_SHIFT);
}

static bool in_vmalloc(uintptr_t a)
{
	return a >= mm_layout.vmalloc_start && a < mm_layout.vmalloc_end;
}

bool kasan_malloc_owns(uintptr_t a)
{
	return kasan_ready && (in_linear(a) || in_vmalloc(a));
}

static void *malloc_block(size_t size, size_t align, bool zero, uintptr_t ip, uintptr_t fp)
{
	if (align <= MALLOC_ALIGN && size <= KMALLOC_MAX_CACHE_SIZE)
		return slab_alloc_fast(kmalloc_cache_for(size < MALLOC_MIN_CLASS ? MALLOC_MIN_CLASS : size),
				       size, zero ? __GFP_ZERO : 0, ip, fp);
	/* (A 0-byte aligned block is a page with nothing usable in it.)
	 * The pages hold a redzone granule past the block (an overflow is
	 * out-of-bounds, not the next free page's use-after-free), within
	 * the largest order that MALLOC_LARGE_MAX needs. */
	if (ALIGN_UP(size, KASAN_GRANULE_SIZE) + KASAN_GRANULE_SIZE <= MALLOC_LARGE_MAX &&
	    align <= PAGE_SIZE)
		return kmalloc_large_caller(size, zero ? __GFP_ZERO : 0, ip, fp);
	if (size > (1UL << 40))
		return NULL;
	/* calloc's zeroing costs only the frames the purge kept with data
	 * (released ones read as zero).  A 0-byte aligned block gets one
	 * byte of area, all of it poisoned. */
	if (!size) {
		void *p = vmalloc_for_malloc(1, align, false, ip, fp);

		if (p)
			vmalloc_malloc_resize((uintptr_t)p, 0);
		return p;
	}
	return vmalloc_for_malloc(size, align < MALLOC_ALIGN ? MALLOC_ALIGN : align, zero, ip, fp);
}

/* One call, one attempt on fault-injection path "malloc"; what the
 * block takes below it (slab, pages, area, shadow) fails and counts as
 * malloc's, never on the kernel-API paths (lib/fault_inject.c). */
void *kasan_malloc(size_t size, size_t align, bool zero, uintptr_t ip, uintptr_t fp)
{
	void *p;

	if (unlikely(!kasan_ready))
		kasan_init();
	if (unlikely(should_fail(FAIL_MALLOC))) {
		count_failure(FAIL_MALLOC);
		return NULL;
	}
	fault_malloc_enter();
	p = malloc_block(size, align, zero, ip, fp);
	fault_malloc_leave();
	return p;
}

/* The stack of the calling thread, for the report of free(&local). */
static bool on_own_stack(uintptr_t a)
{
	uintptr_t lo, hi;

	return plat_stack_bounds((uintptr_t)__builtin_frame_address(0), &lo, &hi) && a >= lo &&
	       a < hi;
}

/* The common free: a live slab block (of `kind`, unless -1), freed
 * without a report; false sends the caller to the checked path. */
static bool free_slab_fast(uintptr_t a, int kind, uintptr_t ip, uintptr_t fp)
{
	struct slab *sl = addr_to_slab(a);

	return sl && slab_free_fast(sl, a, kind, ip, fp);
}

void kasan_free(const void *p, uintptr_t ip, uintptr_t fp, const char *fn)
{
	uintptr_t a = (uintptr_t)p;
	struct kasan_bad_free bad = {
		.fn = fn, .addr = a, .ip = ip, .fp = fp, .counter = &slab_bad_frees,
	};

	if (!p)
		return;
	if (kasan_ready && in_linear(a)) {
		if (!free_slab_fast(a, -1, ip, fp))
			kfree_caller(p, ip, fp, fn);	/* checked: reports what is wrong */
		return;
	}
	if (kasan_ready && in_vmalloc(a)) {
		vfree_for_malloc(a, ip, fp);	/* reports a double or wrong free */
		return;
	}
	bad.reason = on_own_stack(a) ? KASAN_FREE_ON_STACK : KASAN_FREE_NOT_HEAP;
	kasan_report_bad_free(&bad);
}

/* The requested size of the live block at p; false when p is not the
 * start of one. */
static bool live_size(uintptr_t a, size_t *size)
{
	if (in_linear(a)) {
		struct slab *sl = addr_to_slab(a);
		uintptr_t start;
		uint32_t idx;

		if (sl) {
			if (!slab_obj_index(sl, a, &idx) || a != slab_obj_addr(sl, idx) ||
			    __atomic_load_n(&sl->meta[idx].state, __ATOMIC_ACQUIRE) != OBJ_LIVE)
				return false;
			*size = sl->meta[idx].size;
			return true;
		}
		if (kmalloc_large_addr(a, &start, size))
			return start == a;	/* a kmalloc()ed block freed with free() */
		return false;
	}
	if (in_vmalloc(a)) {
		*size = vmalloc_malloc_size(a);
		/* A 0-byte aligned block is live with size 0: look again. */
		return *size || vmalloc_malloc_resize(a, 0);
	}
	return false;
}

/* The kind of the live block starting at a, -1 if none; set >= 0
 * replaces it. */
static int block_kind(uintptr_t a, int set)
{
	if (!kasan_ready)
		return -1;
	if (in_linear(a)) {
		struct slab *sl = addr_to_slab(a);
		struct page *pg;
		uint16_t f;
		uint32_t idx;
		int kind;

		if (sl) {
			if (!slab_obj_index(sl, a, &idx) || a != slab_obj_addr(sl, idx) ||
			    __atomic_load_n(&sl->meta[idx].state, __ATOMIC_ACQUIRE) != OBJ_LIVE)
				return -1;
			kind = sl->meta[idx].kind;
			if (set >= 0)
				WRITE_ONCE(sl->meta[idx].kind, (uint8_t)set);
			return kind;
		}
		if (a & (PAGE_SIZE - 1))
			return -1;
		pg = pfn_to_page((a - mm_layout.linear_start) >> PAGE_SHIFT);
		f = __atomic_load_n(&pg->flags, __ATOMIC_ACQUIRE);
		if (!(f & PG_large_kmalloc))
			return -1;
		/* A plain store, as kmalloc.c's: a live block's head flags change
		 * only under its owner (no 16-bit compare-and-swap on RISC-V). */
		if (set >= 0)
			__atomic_store_n(&pg->flags,
					 (uint16_t)((f & ~PG_malloc_kind) |
						    (((unsigned)set << PG_malloc_kind_shift) & PG_malloc_kind)),
					 __ATOMIC_RELEASE);
		return (f & PG_malloc_kind) >> PG_malloc_kind_shift;
	}
	if (in_vmalloc(a))
		return vmalloc_malloc_kind(a, set);
	return -1;
}

void kasan_malloc_set_kind(const void *p, enum malloc_kind kind)
{
	if (p && kind != MALLOC_KIND_MALLOC)
		block_kind((uintptr_t)p, (int)kind);
}

/* "free()" and "operator new []": the names in the report's line. */
static const char *const kind_alloc_name[] = {
	[MALLOC_KIND_MALLOC] = "malloc()",
	[MALLOC_KIND_NEW] = "operator new",
	[MALLOC_KIND_NEW_ARRAY] = "operator new []",
};

void kasan_free_check_kind(const void *p, enum malloc_kind kind, const char *fn, uintptr_t ip,
			   uintptr_t fp)
{
	int have;

	if (!p)
		return;
	have = block_kind((uintptr_t)p, -1);
	if (have < 0 || have == (int)kind || have >= (int)ARRAY_SIZE(kind_alloc_name))
		return;	/* not a live block (kasan_free says why), or the right kind */
	block_kind((uintptr_t)p, (int)kind);	/* reported once: freed as `kind` now */
	kasan_report_bad_free(&(struct kasan_bad_free){
		.reason = KASAN_FREE_DEALLOC_MISMATCH, .fn = fn, .addr = (uintptr_t)p,
		.ip = ip, .fp = fp, .other = kind_alloc_name[have],
	});
}

void kasan_free_kind(const void *p, enum malloc_kind kind, const char *kind_fn, const char *fn,
		     uintptr_t ip, uintptr_t fp)
{
	uintptr_t a = (uintptr_t)p;

	/* Live, and of the kind this deallocator expects: freed. */
	if (p && kasan_ready && in_linear(a) && free_slab_fast(a, (int)kind, ip, fp))
		return;
	kasan_free_check_kind(p, kind, kind_fn, ip, fp);
	kasan_free(p, ip, fp, fn);
}

size_t kasan_malloc_size(const void *p)
{
	size_t size = 0;

	if (!p || !kasan_ready || !live_size((uintptr_t)p, &size))
		return 0;
	return size;
}

void *kasan_realloc(void *p, size_t size, uintptr_t ip, uintptr_t fp)
{
	uintptr_t a = (uintptr_t)p;
	size_t old;
	void *n;

	if (!live_size(a, &old)) {
		kasan_free(p, ip, fp, "realloc");	/* reports why */
		return NULL;
	}
	/* Same class, or a big block whose pages hold the new size: only
	 * the poison moves (the object keeps its allocation track). */
	if (in_linear(a) && size <= KMALLOC_MAX_CACHE_SIZE) {
		struct slab *sl = addr_to_slab(a);

		if (sl && sl->cache == kmalloc_cache_for(size < MALLOC_MIN_CLASS ? MALLOC_MIN_CLASS : size)) {
			uint32_t idx = slab_slot_of(sl->cache, (uint32_t)(a - sl->objects));

			kasan_unpoison(a, size);
			if (ALIGN_UP(size, KASAN_GRANULE_SIZE) < sl->cache->obj_span)
				kasan_poison(ALIGN_UP(a + size, KASAN_GRANULE_SIZE),
					     sl->cache->obj_span - ALIGN_UP(size, KASAN_GRANULE_SIZE),
					     KASAN_SLAB_REDZONE);
			sl->meta[idx].size = (uint32_t)size;
			return p;
		}
	}
	if (in_vmalloc(a) && size > KMALLOC_MAX_CACHE_SIZE && vmalloc_malloc_resize(a, size))
		return p;
	n = kasan_malloc(size, MALLOC_ALIGN, false, ip, fp);
	if (!n)
		return NULL;
	plat_memcpy(n, p, old < size ? old : size);
	kasan_free(p, ip, fp, "realloc");
	return n;
}
