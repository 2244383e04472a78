// SPDX-License-Identifier: MIT
/*
 * Page frames standing for physical RAM, with a budget.
 *
 * Every page the runtime uses on the program's behalf is charged here:
 * pages of vmalloc areas, vmalloc shadow pages and the runtime's own
 * metadata (struct page array pages, area descriptors, traces), so that
 * "ram=32M" means what it says on a 32 MiB board.  The general pool
 * [0, general_pfns) serves alloc_pages(); identity frames back the
 * vmalloc space and its shadow (see platform.h).
 */
#include "mm/mm.h"

struct plat_mm_layout mm_layout;
struct page *mem_map;

unsigned long ram_pages, ram_pages_peak, ram_budget, meta_pages;
unsigned long *resident_groups;

/*
 * The purge keeps the data of this free vmalloc frame for the next
 * owner, who zeroes it if asked to (vmalloc.c: take_resident_frames).
 * False if it was kept already: a pooled range's guard frame is asked
 * at every purge of the range but taken by no owner, and counting it
 * each time made the count grow until the cap stopped all keeping.
 */
bool frame_keep_resident(unsigned long pfn)
{
	unsigned long g = pfn / RESIDENT_GROUP;

	if (mem_map[pfn].flags == PG_resident_free)
		return false;
	mem_map[pfn].flags = PG_resident_free;
	__atomic_fetch_or(&resident_groups[g / 64], 1UL << (g % 64), __ATOMIC_RELAXED);
	return true;
}

#define RESIDENT_SLOTS 16
static struct { long n; } __attribute__((aligned(64))) resident_slots[RESIDENT_SLOTS];

void frames_resident_add(long delta)
{
	__atomic_add_fetch(&resident_slots[plat_cpu_id() % RESIDENT_SLOTS].n, delta,
			   __ATOMIC_RELAXED);
}

unsigned long frames_resident_free(void)
{
	long sum = 0;

	for (unsigned i = 0; i < RESIDENT_SLOTS; i++)
		sum += __atomic_load_n(&resident_slots[i].n, __ATOMIC_RELAXED);
	return sum > 0 ? (unsigned long)sum : 0;
}

unsigned long ram_budget_bytes;		/* the "ram" option */

static kasan_spinlock_t pool_lock;
static unsigned long *free_stack;	/* freed general frames, reused LIFO (warm) */
static unsigned long free_top, free_cap;
static unsigned long next_fresh;	/* general frames never handed out start here */
static uint8_t *mem_map_touched;	/* one bit per page of mem_map */
static kasan_spinlock_t touch_lock;

bool ram_charge(unsigned long n)
{
	unsigned long old = READ_ONCE(ram_pages), new;

	do {
		new = old + n;
		if (ram_budget && new > ram_budget)
			return false;
	} while (!__atomic_compare_exchange_n(&ram_pages, &old, new, true, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	/* The peak is a statistic: a racy max is fine. */
	if (new > READ_ONCE(ram_pages_peak))
		WRITE_ONCE(ram_pages_peak, new);
	return true;
}

void ram_uncharge(unsigned long n)
{
	__atomic_sub_fetch(&ram_pages, n, __ATOMIC_RELAXED);
}

/*
 * The struct page array is reserved for every frame but costs RAM only
 * where touched: charge each of its pages once, when a frame it
 * describes is first used.
 */
static bool touched(uintptr_t i)
{
	return __atomic_load_n(&mem_map_touched[i >> 3], __ATOMIC_ACQUIRE) & (1u << (i & 7));
}

/* Are pages [first, last] of mem_map all charged?  64 bits per load in
 * the middle (the array is page-aligned): a 1 GiB area's 1024 bits one
 * by one were 12% of its vmalloc+touch+vfree. */
static bool all_touched(uintptr_t first, uintptr_t last)
{
	uintptr_t i = first;

	for (; i <= last && (i & 63); i++)
		if (!touched(i))
			return false;
	for (; i + 63 <= last; i += 64)
		if (__atomic_load_n((const uint64_t *)&mem_map_touched[i >> 3], __ATOMIC_ACQUIRE) !=
		    ~(uint64_t)0)
			return false;
	for (; i <= last; i++)
		if (!touched(i))
			return false;
	return true;
}

bool mem_map_cover(unsigned long pfn, unsigned long n)
{
	uintptr_t first = ((uintptr_t)&mem_map[pfn] - (uintptr_t)mem_map) >> PAGE_SHIFT;
	uintptr_t last = ((uintptr_t)&mem_map[pfn + n] - 1 - (uintptr_t)mem_map) >> PAGE_SHIFT;
	bool ok = true;

	/* Bits are only ever set: once every page is charged (nearly always)
	 * there is nothing to do, and no lock for two CPUs to pass around. */
	if (all_touched(first, last))
		return true;
	kasan_spin_lock(&touch_lock);
	for (uintptr_t i = first; i <= last; i++) {
		if (touched(i))
			continue;
		if (!ram_charge(1)) {
			ok = false;
			break;
		}
		/* A store, not an RMW (RISC-V has no byte RMW): writers hold the lock. */
		__atomic_store_n(&mem_map_touched[i >> 3],
				 (uint8_t)(mem_map_touched[i >> 3] | (1u << (i & 7))), __ATOMIC_RELEASE);
		__atomic_add_fetch(&meta_pages, 1, __ATOMIC_RELAXED);
	}
	kasan_spin_unlock(&touch_lock);
	return ok;
}

/* Charge n frames to the budget without marking them (the caller marks
 * them once they are usable); one fault-injection attempt per frame. */
bool frames_charge(unsigned long pfn, unsigned long n, enum fail_path path)
{
	for (unsigned long i = 0; i < n; i++) {
		if (should_fail(path)) {
			count_failure(path);
			return false;
		}
	}
	if (!mem_map_cover(pfn, n) || !ram_charge(n)) {
		count_failure(path);
		return false;
	}
	return true;
}

/*
 * A vmalloc area's identity frames: charged and backed like frames_take,
 * but their struct pages are left blank, to be written only if someone
 * asks for one (vmalloc_to_page), so that taking and giving back a big
 * area costs no work per page (measured: half of a 64 MiB vmalloc+vfree
 * went into these 16-byte writes).  The caller has zeroed and unmarked
 * any frame the purge kept resident (PG_resident_free).
 */
bool frames_take_blank(unsigned long pfn, unsigned long n, enum fail_path path)
{
	if (should_fail(path) || !mem_map_cover(pfn, n) || !ram_charge(n)) {
		count_failure(path);
		return false;
	}
	if (!plat_frames_take(pfn, n)) {
		ram_uncharge(n);
		count_failure(path);
		return false;
	}
	return true;
}

bool frames_take(unsigned long pfn, unsigned long n, enum fail_path path)
{
	if (!frames_take_blank(pfn, n, path))
		return false;
	for (unsigned long i = 0; i < n; i++) {
		if (mem_map[pfn + i].flags & PG_resident_free)
			frames_resident_add(-1);
		mem_map[pfn + i].refcount = 1;
		mem_map[pfn + i].flags = PG_allocated;
	}
	return true;
}

void frames_put_blank(unsigned long pfn, unsigned long n)
{
	plat_frames_put(pfn, n);
	ram_uncharge(n);
}

void frames_put(unsigned long pfn, unsigned long n, bool release)
{
	for (unsigned long i = 0; i < n; i++) {
		mem_map[pfn + i].refcount = 0;
		mem_map[pfn + i].flags = 0;
	}
	plat_frames_put(pfn, n);
	if (release)
		plat_frames_release(pfn, n);
	ram_uncharge(n);
}

/* ---- metadata: a small slab of power-of-two objects over pool pages ---- */
#define META_CLASSES 9		/* 16 .. 4096 bytes */
static void *meta_free_list[META_CLASSES];
static kasan_spinlock_t meta_lock;

static unsigned meta_class(size_t size)
{
	unsigned c = 0;

	while ((16UL << c) < size)
		c++;
	return c;
}

/*
 * Frames never handed out have blank shadow: an overrun from the last
 * block handed out into them would go unseen.  Poison a window ahead of
 * next_fresh as free pages, a little at a time (the shadow of untouched
 * frames is never written wholesale: that would cost real RAM).
 */
#define FRESH_POISON_AHEAD 64
static unsigned long fresh_poisoned;	/* frames below this have shadow written */

static void fresh_poison_ahead(void)
{
	unsigned long want = next_fresh + FRESH_POISON_AHEAD;

	if (want > mm_layout.general_pfns)
		want = mm_layout.general_pfns;
	if (fresh_poisoned < next_fresh)
		fresh_poisoned = next_fresh;
	if (fresh_poisoned + FRESH_POISON_AHEAD / 2 > want)
		return;
	kasan_poison(pfn_to_virt(fresh_poisoned), (want - fresh_poisoned) << PAGE_SHIFT,
		     KASAN_PAGE_FREE);
	fresh_poisoned = want;
}

static unsigned long pool_take(void)
{
	unsigned long pfn = ~0UL;

	kasan_spin_lock(&pool_lock);
	if (free_top) {
		pfn = free_stack[--free_top];
	} else if (next_fresh < mm_layout.general_pfns) {
		pfn = next_fresh++;
		fresh_poison_ahead();
	}
	kasan_spin_unlock(&pool_lock);
	return pfn;
}

static void pool_put(unsigned long pfn)
{
	kasan_spin_lock(&pool_lock);
	free_stack[free_top++] = pfn;
	kasan_spin_unlock(&pool_lock);
}

/*
 * Freed blocks of order > 0 are kept whole, one list per order linked
 * through page->private, so that slabs and large kmallocs that come and
 * go reuse their frames instead of eating fresh ones.
 */
#define BLOCK_MAX_ORDER 10
static unsigned long block_free[BLOCK_MAX_ORDER + 1];	/* pfn + 1 of the first, 0: none */

/* 2^order contiguous general frames, or ~0UL. */
static unsigned long pool_take_block(unsigned order)
{
	unsigned long n = 1UL << order, pfn;

	if (order == 0)
		return pool_take();
	kasan_spin_lock(&pool_lock);
	if (order <= BLOCK_MAX_ORDER && block_free[order]) {
		pfn = block_free[order] - 1;
		block_free[order] = (unsigned long)mem_map[pfn].private;
		kasan_spin_unlock(&pool_lock);
		return pfn;
	}
	/* Otherwise contiguous blocks come from fresh frames. */
	pfn = ALIGN_UP(next_fresh, n);
	if (pfn + n <= mm_layout.general_pfns) {
		for (unsigned long f = next_fresh; f < pfn; f++)
			free_stack[free_top++] = f;
		next_fresh = pfn + n;
		fresh_poison_ahead();
	} else {
		pfn = ~0UL;
	}
	kasan_spin_unlock(&pool_lock);
	return pfn;
}

#define META_MAX_ORDER 10

static unsigned meta_order(size_t size)
{
	unsigned order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

/* Metadata above a page (a vmap of many pages needs their frame
 * numbers): a block of whole frames, up to 4 MiB. */
static void *meta_alloc_block(size_t size)
{
	unsigned order = meta_order(size);
	unsigned long pfn, n = 1UL << order;

	if (order > META_MAX_ORDER)
		return NULL;
	pfn = pool_take_block(order);
	if (pfn == ~0UL)
		return NULL;
	if (!frames_take(pfn, n, FAIL_AREA)) {
		for (unsigned long i = 0; i < n; i++)
			pool_put(pfn + i);
		return NULL;
	}
	__atomic_add_fetch(&meta_pages, n, __ATOMIC_RELAXED);
	kasan_memset_raw((void *)pfn_to_virt(pfn), 0, n << PAGE_SHIFT);
	return (void *)pfn_to_virt(pfn);
}

static void meta_free_block(void *p, size_t size)
{
	unsigned long n = 1UL << meta_order(size);
	unsigned long pfn = ((uintptr_t)p - mm_layout.linear_start) >> PAGE_SHIFT;

	__atomic_sub_fetch(&meta_pages, n, __ATOMIC_RELAXED);
	frames_put(pfn, n, false);
	for (unsigned long i = 0; i < n; i++)
		pool_put(pfn + i);
}

void *meta_alloc(size_t size)
{
	unsigned c = meta_class(size);
	void *obj;

	if (c >= META_CLASSES)
		return meta_alloc_block(size);
	kasan_spin_lock(&meta_lock);
	obj = meta_free_list[c];
	if (obj)
		meta_free_list[c] = *(void **)obj;
	kasan_spin_unlock(&meta_lock);
	if (!obj) {
		unsigned long pfn = pool_take();
		size_t objsz = 16UL << c;

		if (pfn == ~0UL)
			return NULL;
		if (!frames_take(pfn, 1, FAIL_AREA)) {
			pool_put(pfn);
			return NULL;
		}
		__atomic_add_fetch(&meta_pages, 1, __ATOMIC_RELAXED);
		/* Carve the page: keep the first object, chain the rest. */
		uintptr_t base = pfn_to_virt(pfn);

		kasan_spin_lock(&meta_lock);
		for (size_t off = objsz; off + objsz <= PAGE_SIZE; off += objsz) {
			*(void **)(base + off) = meta_free_list[c];
			meta_free_list[c] = (void *)(base + off);
		}
		kasan_spin_unlock(&meta_lock);
		obj = (void *)base;
	}
	kasan_memset_raw(obj, 0, 16UL << c);
	return obj;
}

void meta_free(void *p, size_t size)
{
	unsigned c = meta_class(size);

	if (!p)
		return;
	if (c >= META_CLASSES) {
		meta_free_block(p, size);
		return;
	}
	kasan_spin_lock(&meta_lock);
	*(void **)p = meta_free_list[c];
	meta_free_list[c] = p;
	kasan_spin_unlock(&meta_lock);
}

/* ---- the kernel's page API over the general pool ---- */

static void pool_put_block(unsigned long pfn, unsigned order)
{
	if (order == 0 || order > BLOCK_MAX_ORDER) {
		for (unsigned long i = 0; i < (1UL << order); i++)
			pool_put(pfn + i);
		return;
	}
	kasan_spin_lock(&pool_lock);
	mem_map[pfn].private = block_free[order];
	block_free[order] = pfn + 1;
	kasan_spin_unlock(&pool_lock);
}

/* A block for alloc_pages() or for the slab side (path FAIL_SLAB),
 * unpoisoned; NULL with nothing taken. */
struct page *pages_alloc_path(gfp_t gfp, unsigned int order, enum fail_path path)
{
	unsigned long n = 1UL << order, pfn;

	if (order > BLOCK_MAX_ORDER)
		return NULL;
	pfn = pool_take_block(order);
	if (pfn == ~0UL) {
		count_failure(path);
		return NULL;
	}
	if (!frames_take(pfn, n, path)) {
		pool_put_block(pfn, order);
		return NULL;
	}
	mem_map[pfn].private = 0;
	mem_map[pfn].order = (uint16_t)order;
	kasan_unpoison(pfn_to_virt(pfn), n << PAGE_SHIFT);
	if (gfp & __GFP_ZERO)
		plat_memset((void *)pfn_to_virt(pfn), 0, n << PAGE_SHIFT);
	return &mem_map[pfn];
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	return pages_alloc_path(gfp, order, FAIL_PAGE);
}

/* Give a block back, poisoned as a free page; no checks (the caller knows). */
void pages_free_block(struct page *page, unsigned int order)
{
	unsigned long pfn = page_pfn(page), n = 1UL << order;

	kasan_poison(pfn_to_virt(pfn), n << PAGE_SHIFT, KASAN_PAGE_FREE);
	frames_put(pfn, n, false);
	pool_put_block(pfn, order);
}

struct page *alloc_page(gfp_t gfp)
{
	return alloc_pages(gfp, 0);
}

static bool general_page(const struct page *page)
{
	return page >= mem_map && page < mem_map + mm_layout.general_pfns &&
	       (page->flags & PG_allocated);
}

static void free_block(struct page *page, unsigned int order, uintptr_t ip, uintptr_t fp)
{
	/* A slab's or a large kmalloc's pages belong to kfree. */
	if (!general_page(page) || page->order != order ||
	    (page->flags & (PG_slab | PG_large_kmalloc))) {
		struct kasan_bad_free f = {
			.reason = KASAN_FREE_NOT_PAGE_BLOCK, .fn = "__free_pages",
			.addr = (uintptr_t)page, .ip = ip, .fp = fp, .counter = &bad_frees,
		};

		kasan_report_bad_free(&f);
		return;
	}
	pages_free_block(page, order);
}

/* free_pages(addr, order) and the slab side: as __free_pages, with the
 * caller's frame for a report. */
void free_pages_checked(struct page *page, unsigned int order, uintptr_t ip, uintptr_t fp)
{
	if (general_page(page) && page->refcount > 1) {
		__atomic_sub_fetch(&page->refcount, 1, __ATOMIC_RELAXED);
		return;
	}
	free_block(page, order, ip, fp);
}

void __free_pages(struct page *page, unsigned int order)
{
	if (!page)
		return;
	if (general_page(page) && page->refcount > 1) {
		__atomic_sub_fetch(&page->refcount, 1, __ATOMIC_RELAXED);
		return;
	}
	free_block(page, order, CALLER_IP, CALLER_FP);
}

void __free_page(struct page *page)
{
	if (!page)
		return;
	if (general_page(page) && page->refcount > 1) {
		__atomic_sub_fetch(&page->refcount, 1, __ATOMIC_RELAXED);
		return;
	}
	free_block(page, 0, CALLER_IP, CALLER_FP);
}

void *page_address(const struct page *page)
{
	return page ? (void *)pfn_to_virt(page_pfn(page)) : NULL;
}

unsigned long page_to_pfn(const struct page *page)
{
	return page_pfn(page);
}

int page_ref_count(const struct page *page)
{
	return (int)READ_ONCE(page->refcount);
}

/*
 * Taking a reference to a free page would leave a free page with
 * refcount 1 that a later put_page() "frees" again, or that the
 * allocator hands out while someone still holds it: Linux stops on it
 * (VM_BUG_ON_PAGE on a zero refcount).  Report it, and take nothing.
 */
void get_page(struct page *page)
{
	uint32_t old = __atomic_load_n(&page->refcount, __ATOMIC_RELAXED);

	do {
		if (!old) {
			struct kasan_bad_free f = {
				.reason = KASAN_BAD_GET_FREE_PAGE, .fn = "get_page",
				.addr = (uintptr_t)page, .ip = CALLER_IP, .fp = CALLER_FP,
				.counter = &bad_frees,
			};

			kasan_report_bad_free(&f);
			return;
		}
	} while (!__atomic_compare_exchange_n(&page->refcount, &old, old + 1, true,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
}

void put_page(struct page *page)
{
	if (general_page(page) && __atomic_load_n(&page->refcount, __ATOMIC_RELAXED) > 1) {
		__atomic_sub_fetch(&page->refcount, 1, __ATOMIC_RELAXED);
		return;
	}
	free_block(page, page->order, CALLER_IP, CALLER_FP);
}

/* ---- reports: the physical page behind an address ---- */

/* Bit i of struct page flags (mm.h); the malloc-kind field unnamed. */
static const char *const page_flag_names[] = { "allocated", "shadow_cached", "shadow_creating",
					       "slab", "large_kmalloc", "resident_free",
					       "shadow_zero", NULL, NULL, "malloc" };

/* The first lines of Linux's dump_page(), with what struct page has here. */
static void dump_page(const struct page *page)
{
	char flags[96];
	int n = 0;

	flags[0] = 0;
	for (unsigned i = 0; i < ARRAY_SIZE(page_flag_names); i++)
		if (page_flag_names[i] && (page->flags & (1u << i)))
			n += kasan_snprintf(flags + n, sizeof(flags) - (size_t)n, "%s%s",
					    n ? "|" : "", page_flag_names[i]);
	kasan_printf("page: refcount:%u order:%u pfn:0x%lx\n", (unsigned)READ_ONCE(page->refcount),
		     (unsigned)page->order, page_pfn(page));
	kasan_printf("flags: 0x%x(%s)\n", (unsigned)page->flags, flags);
	kasan_printf("page dumped because: kasan: bad access detected\n");
}

/*
 * An address in the linear map is a page frame's (Linux: "The buggy
 * address belongs to the physical page:"); an address inside the
 * struct page array (a bad __free_pages or get_page argument) is the
 * struct page of a frame.
 */
bool kasan_describe_page(uintptr_t addr)
{
	uintptr_t lin = mm_layout.linear_start;
	uintptr_t map = (uintptr_t)mem_map;

	if (!mem_map)
		return false;
	if (addr >= lin && addr - lin < (mm_layout.nr_pfns << PAGE_SHIFT)) {
		kasan_printf("The buggy address belongs to the physical page:\n");
		dump_page(pfn_to_page((addr - lin) >> PAGE_SHIFT));
		return true;
	}
	if (addr >= map && addr - map < mm_layout.nr_pfns * sizeof(struct page)) {
		kasan_printf("The buggy address is in the struct page of the physical page:\n");
		dump_page(pfn_to_page((addr - map) / sizeof(struct page)));
		return true;
	}
	return false;
}

void kasan_describe_pfn(unsigned long pfn)
{
	if (!mem_map || pfn >= mm_layout.nr_pfns)
		return;
	kasan_printf("The buggy address belongs to the physical page:\n");
	dump_page(pfn_to_page(pfn));
}

bool page_alloc_init(char *err, size_t errlen)
{
	size_t map_bytes, touched_bytes;

	if (!plat_mm_init(&mm_layout, err, errlen))
		return false;
	ram_budget = ram_budget_bytes >> PAGE_SHIFT;
	/* A machine with real RAM caps the budget at what it has. */
	if (mm_layout.ram_limit_pages && (!ram_budget || ram_budget > mm_layout.ram_limit_pages))
		ram_budget = mm_layout.ram_limit_pages;
	next_fresh = mm_layout.general_first;
	map_bytes = ALIGN_UP(mm_layout.nr_pfns * sizeof(struct page), PAGE_SIZE);
	touched_bytes = ALIGN_UP((map_bytes >> PAGE_SHIFT) / 8 + 1, PAGE_SIZE);
	free_cap = mm_layout.general_pfns;
	/* Reserved, not committed: only touched pages cost anything. */
	mem_map = plat_alloc_pages(map_bytes);
	mem_map_touched = plat_alloc_pages(touched_bytes);
	free_stack = plat_alloc_pages(ALIGN_UP(free_cap * sizeof(unsigned long), PAGE_SIZE));
	resident_groups = plat_alloc_pages(ALIGN_UP(mm_layout.nr_pfns / RESIDENT_GROUP / 8 + 8,
						    PAGE_SIZE));
	if (!mem_map || !mem_map_touched || !free_stack || !resident_groups) {
		kasan_snprintf(err, errlen, "vmkasan: cannot reserve the page allocator's metadata");
		return false;
	}
	return true;
}

/* fork: the slab first (it is taken before the frame locks), then the frames. */
void page_alloc_lock_meta(bool lock)
{
	if (lock)
		kasan_spin_lock(&meta_lock);
	else
		kasan_spin_unlock(&meta_lock);
}

void page_alloc_lock_frames(bool lock)
{
	if (lock) {
		kasan_spin_lock(&pool_lock);
		kasan_spin_lock(&touch_lock);
	} else {
		kasan_spin_unlock(&touch_lock);
		kasan_spin_unlock(&pool_lock);
	}
}

/*
 * A bare-metal port backs identity frames and page tables with frames
 * of the same pool (its RAM): taken and given back here, not charged
 * (the identity frame they back already is).  ~0UL when the pool is dry.
 */
unsigned long mm_frame_alloc(void)
{
	return pool_take();
}

void mm_frame_free(unsigned long pfn)
{
	pool_put(pfn);
}

bool mm_frame_pool_ready(void)
{
	return READ_ONCE(mem_map) != NULL;
}
