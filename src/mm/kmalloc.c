// SPDX-License-Identifier: MIT
/*
 * kmalloc and friends over the slab caches, as Linux 6.12 (mm/slab_common.c,
 * mm/slub.c): size classes kmalloc-8 ... kmalloc-8k (with the 96 and 192
 * classes); above 8 KiB a "large kmalloc" of whole pages whose tail past
 * the requested size is poisoned KASAN_PAGE_REDZONE and which is freed
 * straight back to the page allocator (poisoned as a free page); kvmalloc
 * sends what kmalloc does not serve to vmalloc.  Page helpers by address
 * (__get_free_pages, virt_to_page ...) live here too.
 */
#include "mm/slab.h"

#define ZERO_SIZE_PTR	((void *)16)

static const struct { unsigned size; const char *name; } kmalloc_info[] = {
	{ 8, "kmalloc-8" }, { 16, "kmalloc-16" }, { 32, "kmalloc-32" }, { 64, "kmalloc-64" },
	{ 96, "kmalloc-96" }, { 128, "kmalloc-128" }, { 192, "kmalloc-192" },
	{ 256, "kmalloc-256" }, { 512, "kmalloc-512" }, { 1024, "kmalloc-1k" },
	{ 2048, "kmalloc-2k" }, { 4096, "kmalloc-4k" }, { 8192, "kmalloc-8k" },
};
#define NR_KMALLOC ARRAY_SIZE(kmalloc_info)
static struct kmem_cache *kmalloc_caches[NR_KMALLOC];

/* False when a cache could not be made (the budget is too small):
 * every kmalloc and malloc path assumes them all. */
bool kmalloc_init(void)
{
	/* 16-byte alignment from kmalloc-16 up: malloc() hands these
	 * objects out, and C promises max_align_t alignment.  Each class
	 * gets a magazine index for the malloc fast path. */
	for (unsigned i = 0; i < NR_KMALLOC; i++) {
		unsigned size = kmalloc_info[i].size;

		kmalloc_caches[i] = slab_cache_create(kmalloc_info[i].name, size,
						      size >= 16 ? 16 : 0, 0, NULL, true);
		if (!kmalloc_caches[i])
			return false;
		kmalloc_caches[i]->thread_index = (uint8_t)(i + 1);
	}
	return true;
}

static unsigned kmalloc_index(size_t size)
{
	unsigned i;

	if (size <= 64)
		return size <= 8 ? 0 : size <= 16 ? 1 : size <= 32 ? 2 : 3;
	if (size <= 96)
		return 4;
	if (size <= 128)
		return 5;
	if (size <= 192)
		return 6;
	for (i = 7; kmalloc_info[i].size < size; i++)
		;
	return i;
}

struct kmem_cache *kmalloc_cache_for(size_t size)
{
	return size && size <= KMALLOC_MAX_CACHE_SIZE ? kmalloc_caches[kmalloc_index(size)] : NULL;
}

/* ---- large kmalloc: whole pages ---- */

/* Recently freed large blocks, for the reports' "Freed by" of malloc's
 * blocks (kmalloc_large_lookup). */
struct large_rec {
	uintptr_t start;
	uint32_t size, alloc_stack, free_stack, alloc_pid, free_pid;
	uint16_t order;		/* malloc's blocks may span one more than size needs */
	bool malloc;		/* the head had PG_malloc */
};
#define LARGE_RECENT 64
static struct large_rec large_recent[LARGE_RECENT];
static unsigned large_recent_next;
static kasan_spinlock_t large_lock;

/* The smallest order that holds size; a size above the largest order
 * (PAGE_SIZE << order would wrap to 0: kmalloc(SIZE_MAX) in Linux's
 * lib/overflow_kunit.c) gives that order, and the caller refuses it. */
static unsigned order_for(size_t size)
{
	unsigned order = 0;

	while (order < 8 * sizeof(size_t) - PAGE_SHIFT - 1 && (PAGE_SIZE << order) < size)
		order++;
	return order;
}

static struct page *large_head(uintptr_t addr)
{
	uintptr_t lo = mm_layout.linear_start;
	struct page *pg;

	if (!mem_map || addr < lo || addr >= lo + (mm_layout.general_pfns << PAGE_SHIFT))
		return NULL;
	pg = pfn_to_page((addr - lo) >> PAGE_SHIFT);
	return (READ_ONCE(pg->flags) & PG_large_kmalloc) ? pg : NULL;
}

/*
 * A large block's track lives in its head page's private.  From order 1
 * on: the requested size in the low 32 bits, the allocation stack in the
 * high 32, the task in the second page's private.  A one-page block has
 * no second page, but its size fits 13 bits and a handle 21, leaving 30
 * for the task: size | stack << 13 | task << 34.
 */
#define ONE_PAGE_SIZE_BITS 13
#define ONE_PAGE_PID_SHIFT (ONE_PAGE_SIZE_BITS + DEPOT_HANDLE_BITS)

static void large_track_set(struct page *pg, size_t size, depot_handle_t stack, uint32_t pid)
{
	if (pg->order) {
		pg->private = (uint64_t)size | (uint64_t)stack << 32;
		pg[1].private = pid;
	} else {
		pg->private = (uint64_t)size | (uint64_t)stack << ONE_PAGE_SIZE_BITS |
			      (uint64_t)(pid & ((1u << 30) - 1)) << ONE_PAGE_PID_SHIFT;
	}
}

static uint32_t large_size(const struct page *pg)
{
	return pg->order ? (uint32_t)pg->private
			 : (uint32_t)(pg->private & ((1u << ONE_PAGE_SIZE_BITS) - 1));
}

static depot_handle_t large_stack(const struct page *pg)
{
	return pg->order ? (depot_handle_t)(pg->private >> 32)
			 : (depot_handle_t)(pg->private >> ONE_PAGE_SIZE_BITS) &
				   ((1u << DEPOT_HANDLE_BITS) - 1);
}

static uint32_t large_pid(const struct page *pg)
{
	return pg->order ? (uint32_t)pg[1].private : (uint32_t)(pg->private >> ONE_PAGE_PID_SHIFT);
}

/* The head of the live large kmalloc whose pages hold addr, or NULL. */
static struct page *large_head_covering(uintptr_t addr)
{
	uintptr_t lo = mm_layout.linear_start;
	unsigned long pfn;

	if (!mem_map || addr < lo || addr >= lo + (mm_layout.general_pfns << PAGE_SHIFT))
		return NULL;
	pfn = (addr - lo) >> PAGE_SHIFT;
	/* The head is at most 2^10 frames back, at an aligned frame. */
	for (unsigned order = 0; order <= 10; order++) {
		unsigned long h = pfn & ~((1UL << order) - 1);
		struct page *pg = pfn_to_page(h);

		if ((READ_ONCE(pg->flags) & PG_large_kmalloc) && pg->order >= order &&
		    pfn < h + (1UL << pg->order))
			return pg;
	}
	return NULL;
}

/* Is addr inside a live large kmalloc? Its start and requested size. */
bool kmalloc_large_addr(uintptr_t addr, uintptr_t *start, size_t *size)
{
	struct page *pg = large_head_covering(addr);

	if (!pg)
		return false;
	*start = (uintptr_t)page_address(pg);
	*size = large_size(pg);
	return true;
}

/*
 * What addr is to the large-kmalloc side, for reports: a live block
 * whose pages hold it, or (its shadow a free page's) the newest recently
 * freed block that held it.  The record outlives the wait in large_held,
 * so a block whose pages went back is still named, as long as no newer
 * large block held the address.  The report's words are kasan/'s.
 */
bool kmalloc_large_lookup(uintptr_t addr, struct large_info *li)
{
	struct page *pg = large_head_covering(addr);
	bool found = false;

	if (pg) {
		*li = (struct large_info){
			.start = (uintptr_t)page_address(pg), .size = large_size(pg), .live = true,
			.malloc = READ_ONCE(pg->flags) & PG_malloc,
			.alloc = { large_pid(pg), large_stack(pg) },
		};
		return true;
	}
	if (!mem_map || addr < mm_layout.linear_start ||
	    addr >= mm_layout.linear_start + (mm_layout.general_pfns << PAGE_SHIFT) ||
	    (uint8_t)*kasan_shadow(addr) != KASAN_PAGE_FREE || !lookup_trylock(&large_lock))
		return false;
	for (unsigned i = 0; i < LARGE_RECENT && !found; i++) {
		const struct large_rec *r = &large_recent[(large_recent_next - 1 - i) % LARGE_RECENT];

		if (!r->start || addr < r->start || addr >= r->start + (PAGE_SIZE << r->order))
			continue;
		*li = (struct large_info){
			.start = r->start, .size = r->size, .malloc = r->malloc,
			.alloc = { r->alloc_pid, r->alloc_stack },
			.free = { r->free_pid, r->free_stack },
		};
		found = true;
	}
	kasan_spin_unlock(&large_lock);
	return found;
}

/* For fork (mm_lock_all): large_lock is a leaf, nothing is taken under
 * it, so it goes last.  A child forked while another thread freed a
 * large block (malloc of 8..128 KiB) spun on it for ever. */
void kmalloc_lock_all(bool lock)
{
	if (lock)
		kasan_spin_lock(&large_lock);
	else
		kasan_spin_unlock(&large_lock);
}

/* room >= size: the bytes the pages must hold (malloc asks for a
 * redzone granule past the block, see kmalloc_large_caller); mark: 0, or
 * PG_malloc for malloc's blocks. */
static void *kmalloc_large(size_t size, size_t room, uint16_t mark, gfp_t gfp, uintptr_t ip,
			   uintptr_t fp)
{
	unsigned order;
	struct page *pg;
	uintptr_t p;

	/* Before order_for: its loop never ends for sizes near SIZE_MAX
	 * (room is at most a granule or two past size). */
	if (size > KMALLOC_MAX_SIZE)
		return NULL;
	order = order_for(room);
	pg = pages_alloc_path(gfp, order, FAIL_SLAB);
	if (!pg)
		return NULL;
	p = (uintptr_t)page_address(pg);
	pg->order = (uint16_t)order;
	large_track_set(pg, size, stack_depot_save_here(fp, ip), (uint32_t)plat_tid());
	/* The block is ours: a releasing store, no 16-bit RMW (see slab.c). */
	__atomic_store_n(&pg->flags, (uint16_t)(pg->flags | PG_large_kmalloc | mark), __ATOMIC_RELEASE);
	__atomic_add_fetch(&slab_pages_now, 1UL << order, __ATOMIC_RELAXED);
	kasan_poison(p, PAGE_SIZE << order, KASAN_PAGE_REDZONE);
	kasan_unpoison(p, size);
	return (void *)p;
}

/* malloc's large blocks: a block whose end met a page end would have
 * the next (free) page's shadow right behind it, and a one-byte overflow
 * would read as a use-after-free; one granule of room past the block
 * keeps a redzone there, so it is slab-out-of-bounds.  They are marked
 * PG_malloc: a program's heap block is described in its reports (tracks,
 * location), where Linux describes a large kmalloc by its page only. */
void *kmalloc_large_caller(size_t size, gfp_t gfp, uintptr_t ip, uintptr_t fp)
{
	return kmalloc_large(size, ALIGN_UP(size, KASAN_GRANULE_SIZE) + KASAN_GRANULE_SIZE,
			     PG_malloc, gfp, ip, fp);
}

/*
 * Freed large blocks wait, poisoned as free pages, before their pages go
 * back to the page allocator: at most LARGE_RECENT of them and a quarter
 * of quarantine_size (none with the quarantine off).  Without the wait
 * the very next allocation (malloc's, libc's own) reuses the pages, and a
 * use after free or double free of a large block is missed or
 * misreported.  The records double as the reports' "Freed by" source.
 */
static struct { struct page *pg; unsigned long bytes; } large_held[LARGE_RECENT];
static unsigned long large_held_bytes;

static void free_large(struct page *pg, uintptr_t ip, uintptr_t fp)
{
	unsigned order = pg->order;
	unsigned long bytes = PAGE_SIZE << order;
	struct page *release[LARGE_RECENT + 1];
	unsigned nr = 0, slot;
	struct large_rec r = {
		.start = (uintptr_t)page_address(pg), .size = large_size(pg),
		.alloc_stack = large_stack(pg), .alloc_pid = large_pid(pg),
		.free_stack = stack_depot_save_here(fp, ip), .free_pid = (uint32_t)plat_tid(),
		.order = (uint16_t)order, .malloc = pg->flags & PG_malloc,
	};

	__atomic_store_n(&pg->flags,
			 (uint16_t)(pg->flags & ~(PG_large_kmalloc | PG_malloc_kind | PG_malloc)),
			 __ATOMIC_RELEASE);
	kasan_poison(r.start, bytes, KASAN_PAGE_FREE);
	kasan_spin_lock(&large_lock);
	slot = large_recent_next++ % LARGE_RECENT;
	large_recent[slot] = r;
	if (large_held[slot].pg) {
		release[nr++] = large_held[slot].pg;
		large_held_bytes -= large_held[slot].bytes;
		large_held[slot].pg = NULL;
	}
	if (READ_ONCE(quarantine_max) && bytes <= READ_ONCE(quarantine_max) / 4) {
		large_held[slot].pg = pg;
		large_held[slot].bytes = bytes;
		large_held_bytes += bytes;
		/* Over the bound: the oldest held blocks go first. */
		for (unsigned i = 1; i < LARGE_RECENT && large_held_bytes > quarantine_max / 4; i++) {
			unsigned o = (slot + i) % LARGE_RECENT;

			if (large_held[o].pg) {
				release[nr++] = large_held[o].pg;
				large_held_bytes -= large_held[o].bytes;
				large_held[o].pg = NULL;
			}
		}
	} else {
		release[nr++] = pg;
	}
	kasan_spin_unlock(&large_lock);
	/* slab_pages counts a held block until here, as a slab's pages stay
	 * counted while its freed objects sit in the quarantine: the RAM is
	 * the slab side's until the page allocator has it back. */
	while (nr--) {
		__atomic_sub_fetch(&slab_pages_now, 1UL << release[nr]->order, __ATOMIC_RELAXED);
		pages_free_block(release[nr], release[nr]->order);
	}
}

/* ---- the kmalloc API ---- */

static void *do_kmalloc(size_t size, gfp_t gfp, uintptr_t ip, uintptr_t fp)
{
	if (unlikely(!kasan_ready))
		kasan_init();
	if (!size)
		return ZERO_SIZE_PTR;
	if (size > KMALLOC_MAX_CACHE_SIZE)
		return kmalloc_large(size, size, 0, gfp, ip, fp);
	return slab_alloc(kmalloc_caches[kmalloc_index(size)], size, gfp, ip, fp);
}

void *kmalloc(size_t size, gfp_t gfp)
{
	return do_kmalloc(size, gfp, CALLER_IP, CALLER_FP);
}

void *kzalloc(size_t size, gfp_t gfp)
{
	return do_kmalloc(size, gfp | __GFP_ZERO, CALLER_IP, CALLER_FP);
}

void *kmalloc_node(size_t size, gfp_t gfp, int node)
{
	(void)node;
	return do_kmalloc(size, gfp, CALLER_IP, CALLER_FP);
}

void *kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return do_kmalloc(bytes, gfp, CALLER_IP, CALLER_FP);
}

void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return do_kmalloc(bytes, gfp | __GFP_ZERO, CALLER_IP, CALLER_FP);
}

/* Does the shadow of linear-map memory at addr say "free page"? */
static bool page_freed(uintptr_t addr)
{
	return (uint8_t)*kasan_shadow(addr) == KASAN_PAGE_FREE;
}

static void do_kfree(const void *p, uintptr_t ip, uintptr_t fp, const char *fn)
{
	uintptr_t a = (uintptr_t)p;
	struct page *pg;
	struct kasan_bad_free bad = {
		.reason = KASAN_FREE_NOT_KMALLOC, .fn = fn, .addr = a, .ip = ip, .fp = fp,
		.counter = &slab_bad_frees,
	};

	if (!p || p == ZERO_SIZE_PTR)
		return;
	if (addr_to_slab(a)) {
		slab_free(NULL, p, ip, fp, fn);
		return;
	}
	pg = large_head(a);
	if (pg && a == (uintptr_t)page_address(pg)) {
		free_large(pg, ip, fp);
		return;
	}
	{
		uintptr_t start;
		size_t size;

		if (kmalloc_large_addr(a, &start, &size)) {
			bad.reason = KASAN_FREE_INSIDE_LARGE;
			bad.start = start;
			bad.end = start + size;
			kasan_report_bad_free(&bad);
			return;
		}
	}
	if (a >= mm_layout.linear_start &&
	    a < mm_layout.linear_start + (mm_layout.general_pfns << PAGE_SHIFT) && page_freed(a)) {
		bad.reason = KASAN_FREE_PAGE_ALREADY_FREED;
		kasan_report_bad_free(&bad);
		return;
	}
	kasan_report_bad_free(&bad);
}

void kfree_caller(const void *p, uintptr_t ip, uintptr_t fp, const char *fn)
{
	do_kfree(p, ip, fp, fn);
}

void kfree(const void *p)
{
	do_kfree(p, CALLER_IP, CALLER_FP, "kfree");
}

/* The usable size of a live object, or 0 (and a report, as the kernel's
 * kasan_check_byte) when p is not live. */
static size_t usable_size(const void *p, uintptr_t ip, uintptr_t fp)
{
	uintptr_t a = (uintptr_t)p;
	struct slab *sl = addr_to_slab(a);
	struct page *pg;

	if (!p || p == ZERO_SIZE_PTR)
		return 0;
	if (!kasan_check_range(a, 1, false, ip, fp))
		return 0;
	if (sl)
		return sl->cache->object_size;
	pg = large_head(a);
	if (pg)
		return PAGE_SIZE << pg->order;
	return 0;
}

/* Make the first size bytes of a live object usable, the rest of it
 * poisoned (krealloc in place). */
static void resize_in_place(const void *p, size_t size)
{
	uintptr_t a = (uintptr_t)p;
	struct slab *sl = addr_to_slab(a);
	uint32_t idx;

	if (sl) {
		struct kmem_cache *s = sl->cache;

		kasan_unpoison(a, size);
		if (ALIGN_UP(size, KASAN_GRANULE_SIZE) < s->obj_span)
			kasan_poison(ALIGN_UP(a + size, KASAN_GRANULE_SIZE),
				     s->obj_span - ALIGN_UP(size, KASAN_GRANULE_SIZE),
				     KASAN_SLAB_REDZONE);
		if (slab_obj_index(sl, a, &idx)) {
			kasan_spin_lock(&s->lock);
			sl->meta[idx].size = (uint32_t)size;
			kasan_spin_unlock(&s->lock);
		}
		return;
	}
	struct page *pg = large_head(a);

	if (pg) {
		kasan_poison(a, PAGE_SIZE << pg->order, KASAN_PAGE_REDZONE);
		kasan_unpoison(a, size);
		large_track_set(pg, size, large_stack(pg), large_pid(pg));
	}
}

/* As Linux 6.12: the size of the slot, but the bytes past the requested
 * size stay poisoned (ksize_unpoisons_memory tests exactly that); a
 * caller that wants them must krealloc. */
size_t ksize(const void *p)
{
	return usable_size(p, CALLER_IP, CALLER_FP);
}

/* The requested size of a live object. */
static size_t object_size_of(const void *p)
{
	uintptr_t a = (uintptr_t)p, start;
	struct slab *sl = addr_to_slab(a);
	uint32_t idx;
	size_t size = 0;

	if (sl && slab_obj_index(sl, a, &idx))
		return sl->meta[idx].size;
	if (kmalloc_large_addr(a, &start, &size))
		return size;
	return 0;
}

static void *do_krealloc(const void *p, size_t size, gfp_t gfp, uintptr_t ip, uintptr_t fp)
{
	size_t ks, old;
	void *n;

	if (!p || p == ZERO_SIZE_PTR)
		return do_kmalloc(size, gfp, ip, fp);
	if (!size) {
		do_kfree(p, ip, fp, "krealloc");
		return ZERO_SIZE_PTR;
	}
	ks = usable_size(p, ip, fp);
	if (!ks) {
		/* Not a live kmalloc object: kasan_check_byte reported a freed
		 * one; anything else is an invalid free, as kfree would say. */
		if (!kasan_region_is_poisoned_byte((uintptr_t)p))
			do_kfree(p, ip, fp, "krealloc");
		return NULL;
	}
	/* Fits where it is (same class or same pages): only the poison moves. */
	if (size <= ks && (size > KMALLOC_MAX_CACHE_SIZE) == (ks > KMALLOC_MAX_CACHE_SIZE)) {
		resize_in_place(p, size);
		return (void *)p;
	}
	old = object_size_of(p);
	n = do_kmalloc(size, gfp, ip, fp);
	if (!n)
		return NULL;
	plat_memcpy(n, p, old < size ? old : size);
	do_kfree(p, ip, fp, "krealloc");
	return n;
}

void *krealloc(const void *p, size_t size, gfp_t gfp)
{
	return do_krealloc(p, size, gfp, CALLER_IP, CALLER_FP);
}

void *krealloc_array(void *p, size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return do_krealloc(p, bytes, gfp, CALLER_IP, CALLER_FP);
}

void kfree_sensitive(const void *p)
{
	uintptr_t ip = CALLER_IP, fp = CALLER_FP;
	size_t n = 0;

	/* A live object is wiped first.  Linux's ksize() checks the first
	 * byte (kasan_check_byte), so a freed object is a use-after-free
	 * report, and then kfree's double free: two reports. */
	if (p && p != ZERO_SIZE_PTR && kasan_check_range((uintptr_t)p, 1, false, ip, fp))
		n = usable_size(p, ip, fp);
	if (n)
		plat_memset((void *)p, 0, n);
	do_kfree(p, ip, fp, "kfree_sensitive");
}

void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	uintptr_t ip = CALLER_IP, fp = CALLER_FP;
	void *p;

	if (!kasan_check_range((uintptr_t)src, len, false, ip, fp))
		return NULL;
	p = do_kmalloc(len, gfp, ip, fp);
	if (p && len)
		plat_memcpy(p, src, len);
	return p;
}

static char *strdup_n(const char *s, size_t max, gfp_t gfp, uintptr_t ip, uintptr_t fp)
{
	size_t len = 0;
	char *p;

	if (!s)
		return NULL;
	/* Find the end without reading past it, then check what we read. */
	while (len < max && !kasan_region_is_poisoned_byte((uintptr_t)s + len) && s[len])
		len++;
	if (!kasan_check_range((uintptr_t)s, len < max ? len + 1 : len, false, ip, fp))
		return NULL;
	p = do_kmalloc(len + 1, gfp, ip, fp);
	if (p) {
		plat_memcpy(p, s, len);
		p[len] = 0;
	}
	return p;
}

char *kstrdup(const char *s, gfp_t gfp)
{
	return strdup_n(s, ~(size_t)0, gfp, CALLER_IP, CALLER_FP);
}

char *kstrndup(const char *s, size_t max, gfp_t gfp)
{
	return strdup_n(s, max, gfp, CALLER_IP, CALLER_FP);
}

/* ---- kvmalloc: kmalloc for slab sizes, vmalloc beyond (or on failure) ---- */

static void *do_kvmalloc(size_t size, gfp_t gfp, uintptr_t ip, uintptr_t fp)
{
	void *p = NULL;

	if (size <= KMALLOC_MAX_CACHE_SIZE)
		p = do_kmalloc(size, gfp, ip, fp);
	if (p || !size)
		return p;
	return __vmalloc_node(size, 1, gfp, NUMA_NO_NODE, (const void *)ip);
}

void *kvmalloc(size_t size, gfp_t gfp)
{
	return do_kvmalloc(size, gfp, CALLER_IP, CALLER_FP);
}

void *kvzalloc(size_t size, gfp_t gfp)
{
	return do_kvmalloc(size, gfp | __GFP_ZERO, CALLER_IP, CALLER_FP);
}

void kvfree(const void *p)
{
	if (is_vmalloc_addr(p))
		vfree(p);
	else
		do_kfree(p, CALLER_IP, CALLER_FP, "kvfree");
}

/* ---- pages by address ---- */

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *pg;

	if (unlikely(!kasan_ready))
		kasan_init();
	pg = pages_alloc_path(gfp, order, FAIL_PAGE);
	return pg ? (unsigned long)page_address(pg) : 0;
}

unsigned long get_zeroed_page(gfp_t gfp)
{
	struct page *pg;

	if (unlikely(!kasan_ready))
		kasan_init();
	pg = pages_alloc_path(gfp | __GFP_ZERO, 0, FAIL_PAGE);
	return pg ? (unsigned long)page_address(pg) : 0;
}

struct page *virt_to_page(const void *addr)
{
	uintptr_t a = (uintptr_t)addr, lo = mm_layout.linear_start;

	if (!mem_map || a < lo || a >= lo + (mm_layout.nr_pfns << PAGE_SHIFT))
		return NULL;
	return pfn_to_page((a - lo) >> PAGE_SHIFT);
}

unsigned long virt_to_phys(const volatile void *addr)
{
	return (uintptr_t)addr - mm_layout.linear_start;
}

void *phys_to_virt(unsigned long phys)
{
	return (void *)(mm_layout.linear_start + phys);
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (!addr)
		return;
	if (addr & (PAGE_SIZE - 1) || !virt_to_page((void *)addr)) {
		struct kasan_bad_free bad = {
			.reason = KASAN_FREE_NOT_LINEAR_PAGE, .fn = "free_pages", .addr = addr,
			.ip = CALLER_IP, .fp = CALLER_FP, .counter = &slab_bad_frees,
		};

		kasan_report_bad_free(&bad);
		return;
	}
	free_pages_checked(virt_to_page((void *)addr), order, CALLER_IP, CALLER_FP);
}
