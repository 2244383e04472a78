// SPDX-License-Identifier: MIT
/*
 * Shadow memory: writing poison and finding it.
 *
 * One shadow byte describes one 8-byte granule (Linux generic KASAN):
 * 0 means the whole granule is addressable, k in 1..7 means only its
 * first k bytes are, and a negative value means none is, the value
 * saying why.
 */
#include "kasan/kasan.h"

/* Shadow writes are long runs (frames, areas): the platform's fill is
 * the fastest the machine has. */
void kasan_memset_raw(void *dst, int c, size_t n)
{
	plat_memset(dst, c, n);
}

void kasan_memcpy_raw(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
}

/* Poison whole granules: addr and size must be granule aligned. */
void kasan_poison(uintptr_t addr, size_t size, uint8_t value)
{
	if (!size)
		return;
	kasan_memset_raw(kasan_shadow(addr), value, size >> KASAN_SHADOW_SCALE_SHIFT);
}

/*
 * Make [addr, addr+size) addressable.  addr is granule aligned; a size
 * that ends inside a granule leaves that granule partially addressable,
 * which is how vmalloc(3000) keeps byte 3000 onwards poisoned.
 */
void kasan_unpoison(uintptr_t addr, size_t size)
{
	if (!size)
		return;
	kasan_memset_raw(kasan_shadow(addr), 0, size >> KASAN_SHADOW_SCALE_SHIFT);
	kasan_poison_last_granule(addr, size);
}

/*
 * kasan_unpoison() for memory whose shadow is most likely all zero
 * already: a global in a freshly mapped image.  Only the shadow words
 * that are not zero are written.  Reading an untouched anonymous page
 * maps the kernel's shared zero page, so a 64 MiB .bss keeps its 8 MiB
 * of shadow untouched: no resident memory, and every later check of it
 * reads the one cache-hot zero page, as under user-space ASan, whose
 * globals registration writes only the redzones' shadow (compiler-rt
 * asan_globals.cpp).  Writing the zeros made every check of a large
 * global miss the cache.  Where the port has no zero page the read
 * costs what the write did.
 */
void kasan_unpoison_sparse(uintptr_t addr, size_t size)
{
	int8_t *s = kasan_shadow(addr);
	int8_t *end = s + (size >> KASAN_SHADOW_SCALE_SHIFT);

	for (; s < end && ((uintptr_t)s & 7); s++)
		if (*s)
			*s = 0;
	for (; end - s >= 8; s += 8)
		if (*(volatile uint64_t *)s)
			*(volatile uint64_t *)s = 0;
	for (; s < end; s++)
		if (*s)
			*s = 0;
	kasan_poison_last_granule(addr, size);
}

void kasan_poison_last_granule(uintptr_t addr, size_t size)
{
	if (size & KASAN_GRANULE_MASK)
		*kasan_shadow(addr + size) = (int8_t)(size & KASAN_GRANULE_MASK);
}

static bool granule_byte_bad(uintptr_t addr)
{
	int8_t v = *kasan_shadow(addr);

	return v && (int8_t)(addr & KASAN_GRANULE_MASK) >= v;
}

/* The first byte of [addr, addr+size) that the shadow forbids. */
uintptr_t kasan_find_first_bad_addr(uintptr_t addr, size_t size)
{
	uintptr_t end = addr + size;

	while (addr < end) {
		if (granule_byte_bad(addr))
			return addr;
		/* A zero granule is wholly fine: skip to the next one. */
		if (*kasan_shadow(addr) == 0)
			addr = ALIGN_DOWN(addr, KASAN_GRANULE_SIZE) + KASAN_GRANULE_SIZE;
		else
			addr++;
	}
	return 0;
}

/* <vmkasan.h>: manual poisoning for programs with their own allocators. */
void vmkasan_poison(const volatile void *p, size_t size)
{
	uintptr_t addr = (uintptr_t)p;

	kasan_poison(ALIGN_DOWN(addr, KASAN_GRANULE_SIZE),
		     ALIGN_UP(addr + size, KASAN_GRANULE_SIZE) - ALIGN_DOWN(addr, KASAN_GRANULE_SIZE),
		     KASAN_USER_POISON);
}

void vmkasan_unpoison(const volatile void *p, size_t size)
{
	kasan_unpoison(ALIGN_DOWN((uintptr_t)p, KASAN_GRANULE_SIZE),
		       (uintptr_t)p + size - ALIGN_DOWN((uintptr_t)p, KASAN_GRANULE_SIZE));
}
