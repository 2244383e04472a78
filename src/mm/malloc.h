/* SPDX-License-Identifier: MIT */
/*
 * Whole-program heap: malloc semantics over the kmalloc caches (objects
 * up to 8 KiB, 16-byte aligned) and, beyond them or for alignments above
 * 16, over vmalloc (kvmalloc's split), with the slab side's reports.
 * The hosted port (src/hosted/malloc.c) defines the libc names on top.
 */
#ifndef VMKASAN_MM_MALLOC_H
#define VMKASAN_MM_MALLOC_H

#include "mm/mm.h"

/* The port-facing half (malloc_mode, kasan_malloc ...) is in core.h. */

/* vmalloc.c: big blocks are vmalloc areas marked as malloc's. */
void *vmalloc_for_malloc(size_t size, size_t align, bool zero, uintptr_t ip, uintptr_t fp);
bool vfree_for_malloc(uintptr_t addr, uintptr_t ip, uintptr_t fp);
size_t vmalloc_malloc_size(uintptr_t addr);
int vmalloc_malloc_kind(uintptr_t addr, int set);
bool vmalloc_malloc_resize(uintptr_t addr, size_t size);

/* kmalloc.c */
void *kmalloc_large_caller(size_t size, gfp_t gfp, uintptr_t ip, uintptr_t fp);
void kfree_caller(const void *p, uintptr_t ip, uintptr_t fp, const char *fn);

#endif
