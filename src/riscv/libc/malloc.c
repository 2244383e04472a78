// SPDX-License-Identifier: MIT
/*
 * malloc for guest programs until the runtime has a slab: every block is
 * a vmalloc area (a guard page after it, KASAN-checked like any vmalloc
 * memory), so it is page-granular and meant for the few large
 * allocations test programs make.  The size sits in front of the block.
 */
#include "../riscv.h"
#include "include/stdlib.h"

#define HDR 16

void *malloc(size_t n)
{
	char *p = vmalloc(n + HDR);

	if (!p)
		return NULL;
	*(size_t *)p = n;
	kasan_poison((uintptr_t)p, HDR, KASAN_VMALLOC_INVALID);
	return p + HDR;
}

void *calloc(size_t n, size_t size)
{
	/* fresh vmalloc memory reads zero */
	if (size && n > (size_t)-1 / size)
		return NULL;
	return malloc(n * size);
}

void free(void *p)
{
	if (p)
		vfree((char *)p - HDR);
}

void *realloc(void *p, size_t n)
{
	char *q;
	size_t old;

	if (!p)
		return malloc(n);
	q = malloc(n);
	if (!q)
		return NULL;
	kasan_unpoison((uintptr_t)p - HDR, HDR);
	old = *(size_t *)((char *)p - HDR);
	kasan_poison((uintptr_t)p - HDR, HDR, KASAN_VMALLOC_INVALID);
	plat_memcpy(q, p, old < n ? old : n);
	free(p);
	return q;
}
