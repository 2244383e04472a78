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

/*
 * The primitive is called, not jumped to: this frame stays on the chain
 * while it runs, so that a fault inside it (a range whose shadow is fine
 * but whose memory is not mapped) is recognised by the fault handler as
 * this call's and reported with the program's frames (see
 * kasan_mem_fault_caller).
 */
#define NO_TAIL_CALL(r)	__asm__ volatile("" : "+r"(r))

#define DEFINE_CHECKED_COPY(name, prim)						\
	__public void *name(void *dst, const void *src, size_t n);		\
	__public void *name(void *dst, const void *src, size_t n)		\
	{									\
		void *r;							\
		if (!check_ranges(dst, src, true, n, CALLER_IP, CALLER_FP))		\
			return dst;						\
		r = prim(dst, src, n);						\
		NO_TAIL_CALL(r);						\
		return r;							\
	}

DEFINE_CHECKED_COPY(memcpy, plat_memcpy)
DEFINE_CHECKED_COPY(memmove, plat_memmove)
DEFINE_CHECKED_COPY(__asan_memcpy, plat_memcpy)
DEFINE_CHECKED_COPY(__asan_memmove, plat_memmove)

#define DEFINE_CHECKED_SET(name)						\
	__public void *name(void *dst, int c, size_t n);			\
	__public void *name(void *dst, int c, size_t n)			\
	{									\
		void *r;							\
		if (!check_ranges(dst, NULL, false, n, CALLER_IP, CALLER_FP))	\
			return dst;						\
		r = plat_memset(dst, c, n);					\
		NO_TAIL_CALL(r);						\
		return r;							\
	}

DEFINE_CHECKED_SET(memset)
DEFINE_CHECKED_SET(__asan_memset)

static bool is_checked_mem_function(const char *f)
{
	static const char *const names[] = { "memcpy", "memmove", "memset", "__asan_memcpy",
					     "__asan_memmove", "__asan_memset" };

	for (unsigned i = 0; i < ARRAY_SIZE(names); i++)
		if (!kasan_strcmp(f, names[i]))
			return true;
	return false;
}

static bool returns_into_mem_function(uintptr_t ret)
{
	struct plat_symbol sym;

	return ret && plat_symbolize(ret, true, &sym) && sym.func &&
	       is_checked_mem_function(sym.func);
}

/* The caller of the function whose frame is at fp. */
static bool frame_caller(uintptr_t fp, uintptr_t *caller_ip, uintptr_t *caller_fp)
{
	uintptr_t frame[2];

	if (!fp || (fp & 7) || !plat_read_safe(frame, fp, sizeof(frame)) || !frame[1])
		return false;
	*caller_ip = frame[1];
	*caller_fp = frame[0];
	return true;
}

/*
 * A fault at sp/fp (in the runtime): if it happened in the copy of a
 * checked mem* call, i.e. a range whose shadow said "fine" but whose
 * memory is not there, find that call's caller, the program's code, so
 * that it can be reported as the program's access.  The primitive may
 * be a leaf without a frame of its own (then fp is the mem* frame and
 * the return address into mem* is near sp), or keep a frame pointer
 * (then a return address into mem* is on the frame chain).
 */
bool kasan_mem_fault_caller(uintptr_t sp, uintptr_t fp, uintptr_t *caller_ip,
			    uintptr_t *caller_fp)
{
	uintptr_t words[8];

	if (sp && !(sp & 7) && plat_read_safe(words, sp, sizeof(words)))
		for (unsigned i = 0; i < ARRAY_SIZE(words) && sp + i * 8 < fp; i++)
			if (returns_into_mem_function(words[i]))
				return frame_caller(fp, caller_ip, caller_fp);
	for (int depth = 0; fp && depth < 4; depth++) {
		uintptr_t frame[2];

		if ((fp & 7) || !plat_read_safe(frame, fp, sizeof(frame)) || !frame[1])
			return false;
		/* frame[1] returns into the function whose frame is frame[0]. */
		if (returns_into_mem_function(frame[1]))
			return frame_caller(frame[0], caller_ip, caller_fp);
		fp = frame[0];
	}
	return false;
}
