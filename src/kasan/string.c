// SPDX-License-Identifier: MIT
/*
 * Checked memcpy, memmove and memset.  In kernel mode gcc 12 and
 * clang 14 emit plain calls to these (the __asan_mem* routing came in
 * gcc 13 / clang 15), so, like the kernel's mm/kasan/shadow.c, the
 * runtime provides the symbols itself: it checks both ranges and then
 * does the work with the platform's unchecked primitive.  As in the
 * kernel, a bad range is reported and the operation skipped, so that a
 * program that continues (halt_on_error=0) has not corrupted memory.  The newer
 * __asan_mem* names are provided too, for newer compilers.
 */
#include "kasan/check.h"

static __always_inline bool in_unchecked(uintptr_t a)
{
	return a - kasan_unchecked_start < kasan_unchecked_end - kasan_unchecked_start;
}

static __always_inline bool check_ranges(const void *dst, const void *src, bool has_src,
					 size_t n, uintptr_t ip, uintptr_t fp)
{
	if (unlikely(!kasan_ready) || !n)
		return true;
	/* Short, good ranges (most calls) decide here, inline; anything
	 * else takes the full path, which also reports. */
	if (likely(n <= 256) && ((uintptr_t)dst | (uintptr_t)src) < PLAT_ADDR_LIMIT &&
	    !in_unchecked((uintptr_t)dst) && !in_unchecked((uintptr_t)src) &&
	    (!has_src || !range_is_poisoned((uintptr_t)src, n)) &&
	    !range_is_poisoned((uintptr_t)dst, n))
		return true;
	if (has_src && !kasan_check_range((uintptr_t)src, n, false, ip, fp))
		return false;
	return kasan_check_range((uintptr_t)dst, n, true, ip, fp);
}

#define DEFINE_CHECKED_COPY(name, prim)						\
	__public void *name(void *dst, const void *src, size_t n);		\
	__public void *name(void *dst, const void *src, size_t n)		\
	{									\
		if (!check_ranges(dst, src, true, n, CALLER_IP, CALLER_FP))		\
			return dst;						\
		return prim(dst, src, n);					\
	}

DEFINE_CHECKED_COPY(memcpy, plat_memcpy)
DEFINE_CHECKED_COPY(memmove, plat_memmove)
DEFINE_CHECKED_COPY(__asan_memcpy, plat_memcpy)
DEFINE_CHECKED_COPY(__asan_memmove, plat_memmove)

#define DEFINE_CHECKED_SET(name)						\
	__public void *name(void *dst, int c, size_t n);			\
	__public void *name(void *dst, int c, size_t n)			\
	{									\
		if (!check_ranges(dst, NULL, false, n, CALLER_IP, CALLER_FP))	\
			return dst;						\
		return plat_memset(dst, c, n);					\
	}

DEFINE_CHECKED_SET(memset)
DEFINE_CHECKED_SET(__asan_memset)
