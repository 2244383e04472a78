/* SPDX-License-Identifier: MIT */
/*
 * The memory-management side of vmkasan: page frames, the vmalloc
 * space and its shadow.  Names follow Linux mm/ where they exist.
 */
#ifndef VMKASAN_CORE_MM_H
#define VMKASAN_CORE_MM_H

#include "kasan/kasan.h"

#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define PFN_UP(x)	(((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
/* One shadow page describes this many bytes of memory (32 KiB). */
#define SHADOW_PAGE_SPAN (PAGE_SIZE << KASAN_SHADOW_SCALE_SHIFT)

/* struct page: 16 bytes per frame, in an array indexed by pfn. */
struct page {
	uint32_t refcount;	/* users; for a shadow page: areas using it */
	uint16_t flags;
	uint16_t order;		/* head of an alloc_pages() block */
	uint64_t private;
};
#define PG_allocated	0x0001	/* counted in the RAM budget */
#define PG_shadow_cached 0x0002	/* an unused shadow page kept in the cache */
#define PG_shadow_creating 0x0004	/* being mapped by the populate in progress */
#define PG_slab		0x0008	/* part of a slab: private is its struct slab */
#define PG_large_kmalloc 0x0010	/* head of a large kmalloc block */
#define PG_resident_free 0x0020	/* a free vmalloc frame that still holds (stale) data */
#define PG_shadow_zero	0x0040	/* a zero shadow page of a live area (see shadow_vmalloc.c) */
#define PG_malloc_kind_shift 7	/* large kmalloc head: enum malloc_kind (malloc.h) */
#define PG_malloc_kind	0x0180
/* Large kmalloc head made by the program's malloc family (malloc.c), not
 * by the kernel API: its reports name the block, as a user needs. */
#define PG_malloc	0x0200

extern struct page *mem_map;

static inline struct page *pfn_to_page(unsigned long pfn) { return &mem_map[pfn]; }
static inline unsigned long page_pfn(const struct page *p) { return (unsigned long)(p - mem_map); }
static inline uintptr_t pfn_to_virt(unsigned long pfn)
{
	return mm_layout.linear_start + (pfn << PAGE_SHIFT);
}

/* ---- fault injection (fault_inject.c) ---- */
enum fail_path { FAIL_PAGE, FAIL_SHADOW, FAIL_AREA, FAIL_PERCPU, FAIL_SLAB, FAIL_MALLOC, FAIL_NR };
bool should_fail(enum fail_path path);
void count_failure(enum fail_path path);
/* fault_malloc_enter/leave: core.h */
extern unsigned long fail_count[FAIL_NR], fail_injected[FAIL_NR];

/* ---- page_alloc.c ---- */
bool page_alloc_init(char *err, size_t errlen);
/* Charge n pages to the RAM budget; false (nothing charged) if over it. */
bool ram_charge(unsigned long n);
void ram_uncharge(unsigned long n);
bool frames_charge(unsigned long pfn, unsigned long n, enum fail_path path);
/* Take the identity frames [pfn, pfn + n): all or none. */
bool frames_take(unsigned long pfn, unsigned long n, enum fail_path path);
/* Give them back; release tells the machine to drop the RAM now. */
void frames_put(unsigned long pfn, unsigned long n, bool release);
/* The same for a vmalloc area's identity frames, struct pages untouched. */
bool frames_take_blank(unsigned long pfn, unsigned long n, enum fail_path path);
void frames_put_blank(unsigned long pfn, unsigned long n);
extern unsigned long ram_pages, ram_pages_peak, ram_budget, meta_pages;
/* Free vmalloc frames kept resident for reuse instead of released (the
 * hosted port's page faults and hole punches cost more than zeroing). */
#define FRAMES_RESIDENT_FREE_MAX 4096UL
/* One bit per RESIDENT_GROUP frames: set while one of them may be
 * PG_resident_free, so that a big area looks at the struct pages of
 * those groups only (a 1 GiB area spans 262144 frames, 64 words here). */
#define RESIDENT_GROUP 64
extern unsigned long *resident_groups;
bool frame_keep_resident(unsigned long pfn);
/* How many there are: a count per CPU slot (each CPU's vmalloc and purge
 * change their own cache line; the sum is read at the purge). */
void frames_resident_add(long delta);
unsigned long frames_resident_free(void);
/* Blocks of 2^order general frames, unpoisoned, failures counted on
 * path; and back, poisoned KASAN_PAGE_FREE. */
struct page *pages_alloc_path(gfp_t gfp, unsigned int order, enum fail_path path);
void pages_free_block(struct page *page, unsigned int order);
void free_pages_checked(struct page *page, unsigned int order, uintptr_t ip, uintptr_t fp);

/* ---- stackdepot.c ---- */
typedef uint32_t depot_handle_t;
/* Handles fit this many bits (the depot holds at most 2^20 stacks), so
 * a one-page large kmalloc can pack its track into struct page. */
#define DEPOT_HANDLE_BITS 21
depot_handle_t stack_depot_save_here(uintptr_t fp, uintptr_t ip);
void stack_depot_print(depot_handle_t h);
/* The innermost pc of a stored trace (the allocating call), 0 if none. */
uintptr_t stack_depot_first_pc(depot_handle_t h);

/* ---- vmalloc shadow (shadow_vmalloc.c) ---- */
extern unsigned long vmalloc_shadow_cache_max;
#define SHADOW_CACHE_AUTO	(~0UL)	/* option unset: per CPU */
#define SHADOW_CACHE_PER_CPU	64UL
int kasan_populate_vmalloc(uintptr_t start, uintptr_t end);
void kasan_depopulate_vmalloc(uintptr_t start, uintptr_t end);
/* Lazy purge: [free_start, free_end) is now wholly free address space. */
void kasan_release_vmalloc(uintptr_t start, uintptr_t end, uintptr_t free_start,
			   uintptr_t free_end);
void kasan_poison_vmalloc(uintptr_t start, uintptr_t end, uint8_t value);
void kasan_unpoison_vmalloc(uintptr_t start, size_t size);
bool vmalloc_shadow_populated(uintptr_t shadow_addr);
/* Reserve the vmalloc shadow's books (after page_alloc_init). */
bool vmalloc_shadow_init(void);
/* Charge the struct page array's pages that describe [pfn, pfn + n). */
bool mem_map_cover(unsigned long pfn, unsigned long n);
/* Zero shadow over [start, end) (32 KiB aligned, inside one area's
 * accessible bytes): false if it cannot be had, populate instead. */
bool kasan_zero_vmalloc(uintptr_t start, uintptr_t end);
/* The area gives its zero shadow back (at free; no poison needed). */
void kasan_zero_release(uintptr_t start, uintptr_t end);
extern unsigned long shadow_pages_now, shadow_pages_peak, shadow_pages_cached;
unsigned long shadow_pages_used(void);

/* ---- vmalloc_setup.c: options, start-up, statistics ---- */
extern unsigned long ram_budget_bytes;	/* the "ram" option */
/* The smallest budget the "ram" option takes: the runtime's start-up
 * (3 pages hosted) and one slab of every kmalloc cache (37 more) are 40
 * pages, measured; 64 leave room for a thread's first allocations.  A
 * smaller one left the kmalloc caches unmade, and the first malloc
 * dereferenced a NULL cache (issue 16 item 6). */
#define RAM_BUDGET_MIN (256UL << 10)
extern unsigned long vmalloc_lazy_max_bytes;	/* the "vmalloc_lazy_max" option */
bool fault_inject_setup(char *err, size_t errlen);
void percpu_init(void);
/* Every lock of the memory-management side, for fork. */
void vmalloc_lock_all(bool lock);
void pcpu_lock_all(bool lock);
void depot_lock_all(bool lock);
void page_alloc_lock_meta(bool lock);
void page_alloc_lock_frames(bool lock);
void shadow_lock_all(bool lock);
void vmalloc_counters(unsigned long *areas, unsigned long *pages, unsigned long *bytes,
		      unsigned long *lower, unsigned long *lazy, unsigned long *purges,
		      unsigned long *bad);

/* ---- percpu_vm.c ---- */
uintptr_t pcpu_get_vm_areas(unsigned nr, size_t unit, size_t *stride_out, uintptr_t ip,
			    uintptr_t fp);
void pcpu_free_vm_areas(uintptr_t base, unsigned nr, size_t stride, uintptr_t ip, uintptr_t fp);

/* ---- page_alloc.c, for reports: "belongs to the physical page" ---- */
void kasan_describe_pfn(unsigned long pfn);

/* ---- vmalloc.c ---- */
bool vmalloc_init_space(char *err, size_t errlen);
bool vmalloc_addr(uintptr_t addr);
/* Bad calls (invalid frees, bad vmaps) the vmalloc side counts. */
extern unsigned long bad_frees;

/* ---- vmap_lookup.c: what a vmalloc address is, for reports ---- */
enum vmalloc_state {
	VMALLOC_OUTSIDE,	/* not in the vmalloc space: [start, end) is the space */
	VMALLOC_NONE,		/* no mapping covers it: [start, end) is the space */
	VMALLOC_BUSY,		/* the lookup would wait for a lock this thread may hold */
	VMALLOC_LIVE,		/* a live mapping */
	VMALLOC_LAZY,		/* freed, waiting for the lazy purge */
	VMALLOC_PURGED,		/* freed and purged (recently) */
};
struct vmalloc_info {
	uintptr_t start, end;	/* the mapping, guard included */
	uintptr_t mapped_end;	/* end of its mapped pages (live, lazy) */
	size_t size;		/* bytes the owner may touch */
	unsigned nr_pages;
	uint32_t flags;		/* VM_* and VMK_* */
	unsigned long pfn;	/* live: the frame behind the address, 0 if none */
	struct kasan_track alloc, free;
};
enum vmalloc_state vmalloc_lookup(uintptr_t addr, struct vmalloc_info *vi);
/* A report's lookups take mm's locks this way: false after a bounded
 * wait (this thread may hold the lock, interrupted by a signal). */
bool lookup_trylock(kasan_spinlock_t *lock);
/* Is addr a live vmap stack's guard page?  The stack is [*lo, *hi). */
bool vmalloc_stack_guard(uintptr_t addr, uintptr_t *lo, uintptr_t *hi);

#endif
