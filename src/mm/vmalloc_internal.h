/* SPDX-License-Identifier: MIT */
/*
 * What the files of the vmalloc space share (as Linux mm/internal.h):
 * the area trees, their locks and the steps of an area's life.
 *
 *   vmap_area.c    address space: the free tree, lowest fit, the lazy
 *                  purge list and the purge
 *   vmalloc.c      areas: vmalloc/vfree, the live tree, lookups, stacks
 *   vmap.c         vmap and vm_map_ram: existing pages at new addresses
 *   percpu_vm.c    pcpu_get_vm_areas: per-cpu chunks, all or nothing
 *   kasan/report_vmalloc.c  what a report says about a vmalloc address
 *
 * Locks, never nested: free_area_lock (free tree), each live shard's
 * lock (its live tree), each vmap node's lock (its purge list, its freed-area
 * tree, its pools), recent_lock (the purged ring).  Page and shadow work
 * happens outside them.
 */
#ifndef VMKASAN_MM_VMALLOC_INTERNAL_H
#define VMKASAN_MM_VMALLOC_INTERNAL_H

#include "mm/vmap_tree.h"

/* Our flags, above the kernel's VM_* values of <vmkasan.h>. */
#define VMK_MAP_RAM	0x00010000u
#define VMK_PERCPU	0x00020000u
#define VMK_STACK	0x00040000u	/* first page is a hardware guard */
#define VMK_MALLOC	0x00080000u	/* a big malloc() block: free()d, not vfree()d */
#define VMK_BLANK_PAGES	0x00100000u	/* its frames' struct pages not written yet */
/* vmalloc.c: write them now (under the area's live shard lock). */
void vmap_area_fill_pages(struct vmap_area *va);
#define VMK_MALLOC_KIND_SHIFT 21	/* a big malloc block's enum malloc_kind (malloc.h) */
#define VMK_MALLOC_KIND	0x00600000u
/* From alloc_vmap_area until the caller sets its flags: the range came
 * from a pool, and the purge kept some of its frames (PG_resident_free). */
#define VMK_POOLED	0x20000000u
#define VMK_FRAMES_KEPT	0x40000000u

/* vmalloc.c: live areas, a tree per CPU (the CPU that made the area). */
#define MAX_LIVE_SHARDS 16
struct live_shard {
	kasan_spinlock_t lock;
	struct vmap_tree tree;
	unsigned long pages, bytes, lower_bound;
} __attribute__((aligned(64)));
extern struct live_shard live_shards[MAX_LIVE_SHARDS];
extern unsigned nr_live_shards;
extern unsigned long bad_frees;
/* The frame behind a vmalloc address when nothing aliases it. */
static inline unsigned long identity_pfn(uintptr_t va)
{
	return mm_layout.vmalloc_pfn_base + ((va - mm_layout.vmalloc_start) >> PAGE_SHIFT);
}
int setup_area_shadow(struct vmap_area *va, size_t accessible_from, size_t size);
void insert_live(struct vmap_area *va, uintptr_t ip, uintptr_t fp);
/* An area that never went live: shadow and address space back. */
void abandon_area(struct vmap_area *va);
enum free_kind { FREE_VFREE, FREE_VUNMAP, FREE_MAP_RAM, FREE_PERCPU, FREE_STACK, FREE_MALLOC };
extern const char *const free_fn[];
bool free_area(uintptr_t addr, enum free_kind kind, unsigned count, uintptr_t ip, uintptr_t fp);

/* vmap_area.c: address space, per-CPU nodes, the lazy purge. */
/* Pooled sizes: up to 16 KiB, guard included.  Linux pools up to 1 MiB
 * (MAX_VA_SIZE_PAGES); measured here with 256 pages, the pools spread the
 * live areas over so many addresses that the refcount policy's shadow
 * cache thrashed: test_vmalloc's random_size (1 to 100 pages) went from
 * 0.9x to 4.6x of its time without shadow, while fix_size (one page,
 * the pools' gain) is as fast with 4. */
#define VMAP_POOL_PAGES	4
#define MAX_VMAP_NODES	16
struct vmap_node {
	kasan_spinlock_t lock;
	struct vmap_area *lazy;			/* freed, waiting for the purge (LIFO) */
	struct vmap_tree lazy_tree;		/* the same, by address (reports) */
	unsigned long pooled;
	/* Its lazy pages and shadow pages: added to the global counts, not yet. */
	unsigned long flushed_pages, flushed_shadow, local_pages, local_shadow;
	struct vmap_area *pool[VMAP_POOL_PAGES];	/* purged areas of i + 1 pages */
	uint32_t pool_len[VMAP_POOL_PAGES];
	uint8_t pool_wanted[VMAP_POOL_PAGES];	/* asked for since the last purge */
} __attribute__((aligned(64)));
extern struct vmap_node vmap_nodes[MAX_VMAP_NODES];
extern unsigned nr_vmap_nodes;
struct vmap_area *va_alloc_meta(void);
struct vmap_area *alloc_vmap_area(size_t size, size_t align, uintptr_t vstart, uintptr_t vend);
/* Give [va_start, va_end) back to the free tree, merging with its
 * neighbours; the merged free block comes back through fs and fe. */
void free_vmap_block(struct vmap_area *va, uintptr_t *fs, uintptr_t *fe);
/* Queue a freed area for the lazy purge (purging when the list is full). */
void free_vmap_area_lazy(struct vmap_area *va, unsigned long shadow_pages);
void purge_vmap_area_lazy(void);
bool vmap_area_init(char *err, size_t errlen);
/*
 * The bottom of the space is never handed out: an access just below the
 * lowest area lands in this guard, whose shadow is never present (no
 * area shares its shadow page), and is reported as vmalloc-out-of-bounds
 * next to that area, as Linux reports an access into an area's guard
 * page.  Below the space lies unmapped memory that only a bare page fault
 * would report (issue 16 item 13).  One shadow page's span: no frame.
 */
#define VMALLOC_BOTTOM_GUARD SHADOW_PAGE_SPAN
void vmap_area_counters(unsigned long *lazy, unsigned long *purges);
void vmap_area_lock_all(bool lock);
/* Recently purged areas, so a late access still says "freed". */
struct recent_area {
	uintptr_t start, end;
	size_t size;
	depot_handle_t alloc_trace, free_trace;
	uint32_t alloc_tid, free_tid;
};
/* The i-th most recently purged area (i = 0 newest), or NULL. */
const struct recent_area *recent_area(unsigned long i);
#define NR_RECENT 256

/* kasan/report_vmalloc.c */
/* What addr is, for the report of a bad free of it (reason, region). */
void describe_bad_free(uintptr_t addr, struct kasan_bad_free *f);

#endif
