/* SPDX-License-Identifier: MIT */
/*
 * The shadow tests shared by the outline checks (generic.c) and the
 * checked mem* functions (string.c), inline in both: they are the hot
 * path of every instrumented program.
 */
#ifndef VMKASAN_CORE_CHECK_H
#define VMKASAN_CORE_CHECK_H

#include "kasan/kasan.h"

static __always_inline bool byte_is_poisoned(uintptr_t addr)
{
	int8_t v = *kasan_shadow(addr);

	return unlikely(v) && (int8_t)(addr & KASAN_GRANULE_MASK) >= v;
}

/* Bytes [from, to) of a little-endian word, as a mask (0 <= from <= to <= 8). */
static __always_inline uint64_t byte_mask(unsigned from, unsigned to)
{
	uint64_t lo = from ? ~0ULL << (from * 8) : ~0ULL;
	uint64_t hi = to < 8 ? ~(~0ULL << (to * 8)) : ~0ULL;

	return lo & hi;
}

/*
 * Any size: every granule before the one holding the last byte must be
 * wholly addressable, and the last byte must be.  Shadow is read in
 * aligned 8-byte words, masked at both ends: an aligned word never
 * reaches into a shadow page the range does not use.
 */
static __always_inline bool range_is_poisoned(uintptr_t addr, size_t size)
{
	uintptr_t last = addr + size - 1;
	uintptr_t s = (uintptr_t)kasan_shadow(addr), e = (uintptr_t)kasan_shadow(last);
	const uint64_t *w = (const uint64_t *)(s & ~7UL), *we = (const uint64_t *)(e & ~7UL);

	if (w == we) {
		if (*w & byte_mask(s & 7, e & 7))
			return true;
	} else {
		if (*w & byte_mask(s & 7, 8))
			return true;
		for (w++; w < we; w++)
			if (*w)
				return true;
		if ((e & 7) && (*we & byte_mask(0, e & 7)))
			return true;
	}
	return byte_is_poisoned(last);
}

#endif
