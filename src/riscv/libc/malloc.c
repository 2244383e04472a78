// SPDX-License-Identifier: MIT
/*
 * malloc for guest programs: every block is a vmalloc area (a guard page
 * after it, KASAN-checked like any vmalloc memory), so it is
 * page-granular and meant for the few large allocations test programs
 * make.  In front of the block sit its size and its distance from the
 * area's start (16, or the alignment asked for), poisoned.
 *
 * Every size computation is checked before it is made: a request that
 * cannot fit the vmalloc space (or whose size would wrap once the header
 * is added, or whose count times size wraps) fails with ENOMEM, as
 * glibc's does, instead of becoming a tiny block.
 */
#include "../riscv.h"
#include "include/errno.h"
#include "include/malloc.h"
#include "include/stdlib.h"

struct header {
	size_t size;		/* what the program asked for */
	size_t offset;		/* from the area's start to the block */
};
#define HDR	sizeof(struct header)	/* 16: the block is 16-byte aligned */

static struct header *header_of(void *p)
{
	return (struct header *)p - 1;
}

/* align: a power of two. */
static void *block_alloc(size_t n, size_t align)
{
	size_t off = align > HDR ? align : HDR;
	char *base, *p;

	/* n + off must not wrap, and no area is bigger than the space */
	if (off > RV_VMALLOC_SIZE || n > RV_VMALLOC_SIZE - off) {
		errno = ENOMEM;
		return NULL;
	}
	/* areas start on a page, or on off when that is more */
	base = __vmalloc_node(n + off, off, GFP_KERNEL, NUMA_NO_NODE, NULL);
	if (!base) {
		errno = ENOMEM;
		return NULL;
	}
	p = base + off;
	header_of(p)->size = n;
	header_of(p)->offset = off;
	kasan_poison((uintptr_t)base, off, KASAN_VMALLOC_INVALID);
	return p;
}

/*
 * The header of a live block, or NULL when p is not one: it is read only
 * inside a live area that p's offset fits, and only where a page is
 * mapped (this file is not instrumented, and a bad pointer must not make
 * it read anywhere, nor fault).
 */
static struct header *block_of(void *p)
{
	uintptr_t start, end, a = (uintptr_t)p;
	bool is_stack;
	struct header h;

	if (!vmalloc_area_bounds(a, &start, &end, &is_stack) || is_stack || a - start < HDR ||
	    !plat_read_safe(&h, (uintptr_t)header_of(p), sizeof(h)))
		return NULL;
	if (h.offset != a - start || h.size > end - a)
		return NULL;
	return header_of(p);
}

void *malloc(size_t n)
{
	return block_alloc(n, HDR);
}

void *calloc(size_t n, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	/* fresh vmalloc memory reads zero */
	return block_alloc(total, HDR);
}

void free(void *p)
{
	struct header *h;

	if (!p)
		return;
	h = block_of(p);
	/* Not a block: vfree() reports the invalid free at the address. */
	vfree(h ? (char *)p - h->offset : p);
}

void *realloc(void *p, size_t n)
{
	struct header *h;
	char *q;

	if (!p)
		return malloc(n);
	h = block_of(p);
	if (!h) {
		vfree(p);	/* reported: not a block */
		errno = EINVAL;
		return NULL;
	}
	q = malloc(n);
	if (!q)
		return NULL;	/* p stays as it was */
	plat_memcpy(q, p, h->size < n ? h->size : n);
	free(p);
	return q;
}

void *reallocarray(void *p, size_t n, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, total);
}

static bool power_of_2(size_t a)
{
	return a && !(a & (a - 1));
}

void *aligned_alloc(size_t align, size_t n)
{
	if (!power_of_2(align)) {
		errno = EINVAL;
		return NULL;
	}
	return block_alloc(n, align);
}

void *memalign(size_t align, size_t n)
{
	return aligned_alloc(align, n);
}

void *valloc(size_t n)
{
	return block_alloc(n, PAGE_SIZE);
}

/* POSIX: the error is returned, errno and *out are left alone. */
int posix_memalign(void **out, size_t align, size_t n)
{
	int saved = errno;
	void *p;

	if (!power_of_2(align) || align % sizeof(void *))
		return EINVAL;
	p = block_alloc(n, align);
	errno = saved;
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

size_t malloc_usable_size(void *p)
{
	struct header *h = p ? block_of(p) : NULL;

	return h ? h->size : 0;
}
