/* SPDX-License-Identifier: MIT */
/*
 * Ordered sets of vmap areas: a treap keyed by start address, augmented
 * (as the kernel's free-area rb-tree is) with the largest area size in
 * each subtree so the lowest free block that fits is found in O(log n).
 * A treap keeps the balancing code to two small functions, split and
 * merge; expected depth is about 2 ln n (~28 for a million areas).
 */
#ifndef VMKASAN_CORE_VMAP_TREE_H
#define VMKASAN_CORE_VMAP_TREE_H

#include "mm/mm.h"

struct vmap_area {
	uintptr_t va_start, va_end;	/* [start, end), guard included */
	struct vmap_area *left, *right;
	uintptr_t subtree_max;		/* largest va_end - va_start below here */
	uint32_t prio;
	uint32_t flags;			/* VM_* and VMK_* */
	size_t size;			/* bytes the owner may touch */
	uint32_t nr_pages;		/* pages mapped (no guard) */
	depot_handle_t alloc_trace, free_trace;
	uint32_t alloc_tid, free_tid;
	unsigned long *alias_pfns;	/* vmap/vm_map_ram: the frames mapped */
	uintptr_t zero_start, zero_end;	/* its zero shadow, if any (vmalloc.c) */
	struct vmap_area *purge_next;
};

struct vmap_tree {
	struct vmap_area *root;
	unsigned long count;
	uint64_t seed;
};

void vmap_tree_insert(struct vmap_tree *t, struct vmap_area *va);
void vmap_tree_remove(struct vmap_tree *t, struct vmap_area *va);
/* The area with the greatest start <= addr, whether or not it holds addr. */
struct vmap_area *vmap_tree_floor(const struct vmap_tree *t, uintptr_t addr);
/* The area holding addr, or NULL. */
struct vmap_area *vmap_area_find(const struct vmap_tree *t, uintptr_t addr);
/* Lowest free block with room for size bytes at align within [vstart, vend). */
struct vmap_area *vmap_tree_lowest_fit(const struct vmap_tree *t, size_t size, size_t align,
				       uintptr_t vstart, uintptr_t vend, uintptr_t *addr);
/* Calls fn on every area in address order (reports, tests). */
void vmap_tree_walk(const struct vmap_tree *t, void (*fn)(struct vmap_area *, void *), void *arg);

#endif
