// SPDX-License-Identifier: MIT
/*
 * Generic-mode checks: the outline entry points the compilers call
 * (__asan_{load,store}N[_noabort]) and the report entry points that
 * their inline checks call (__asan_report_*).  The ABI is that of gcc 12
 * and clang 14 with -fsanitize=kernel-address; see
 * ../shared/notes/compiler-abi.md.  The fast paths mirror Linux
 * mm/kasan/generic.c: one shadow load for an access within a granule,
 * two when it crosses one.
 */
#include "kasan/check.h"

/* Accesses of 2, 4 or 8 bytes: the last byte decides unless the access
 * straddles two granules, then the first granule must be wholly good. */
static __always_inline bool small_is_poisoned(uintptr_t addr, size_t size)
{
	uintptr_t last = addr + size - 1;

	if (unlikely((last & KASAN_GRANULE_MASK) < size - 1))
		return *kasan_shadow(addr) || byte_is_poisoned(last);
	return byte_is_poisoned(last);
}

static __always_inline bool sixteen_is_poisoned(uintptr_t addr)
{
	uintptr_t last = addr + 15;

	/* Aligned: two granules; otherwise three. */
	if (likely(!(addr & KASAN_GRANULE_MASK)))
		return *(uint16_t *)kasan_shadow(addr) != 0;
	return *kasan_shadow(addr) || *kasan_shadow(addr + 8) || byte_is_poisoned(last);
}

static __always_inline bool access_is_poisoned(uintptr_t addr, size_t size)
{
	switch (size) {
	case 1:
		return byte_is_poisoned(addr);
	case 2:
	case 4:
	case 8:
		return small_is_poisoned(addr, size);
	case 16:
		return sixteen_is_poisoned(addr);
	default:
		return range_is_poisoned(addr, size);
	}
}

static __noinline void report_access(uintptr_t addr, size_t size, bool write,
				     uintptr_t ip, uintptr_t fp)
{
	struct kasan_access a = {
		.addr = addr, .size = size, .write = write, .size_known = true,
		.ip = ip, .fp = fp,
	};

	/* Stale shadow seen through an old TLB entry is no bug. */
	if (size && addr + size > addr && plat_addr_has_shadow(addr) &&
	    plat_addr_has_shadow(addr + size - 1) && plat_shadow_recheck(addr, size) &&
	    !access_is_poisoned(addr, size))
		return;
	kasan_report(&a);
}

/*
 * Returns true when the access is fine.  A zero-sized access is always
 * fine; a range that wraps around the address space is reported.
 */
uintptr_t kasan_unchecked_start, kasan_unchecked_end;

bool kasan_check_range(uintptr_t addr, size_t size, bool write, uintptr_t ip, uintptr_t fp)
{
	if (unlikely(!size) ||
	    unlikely(addr - kasan_unchecked_start < kasan_unchecked_end - kasan_unchecked_start))
		return true;
	/* A range that wraps: an out-of-bounds report (Linux: kasan_get_bug_type). */
	if (unlikely(addr + size < addr)) {
		struct kasan_access a = {
			.addr = addr, .size = size, .write = write, .size_known = true,
			.ip = ip, .fp = fp,
		};
		kasan_report(&a);
		return false;
	}
	/* No shadow to read (the shadow region itself, non-canonical): the
	 * report names it a wild access without touching absent shadow. */
	if (unlikely(!plat_addr_has_shadow(addr) || !plat_addr_has_shadow(addr + size - 1))) {
		report_access(addr, size, write, ip, fp);
		return false;
	}
	if (likely(!access_is_poisoned(addr, size)))
		return true;
	report_access(addr, size, write, ip, fp);
	return false;
}

/*
 * The outline checks.  Each is its own function so that the return
 * address is the instrumented code; the aborting variants (gcc with
 * -fno-sanitize-recover) behave like halt_on_error=1 for that access.
 */
#define DEFINE_OUTLINE_CHECK(name, size, write, fatal)				\
	__public void __asan_##name(uintptr_t addr);					\
	__public void __asan_##name(uintptr_t addr)					\
	{									\
		/* A non-canonical address has no shadow to read. */		\
		if (likely(addr < PLAT_ADDR_LIMIT) &&				\
		    likely(!access_is_poisoned(addr, size)))			\
			return;							\
		report_access(addr, size, write, CALLER_IP, CALLER_FP);	\
		if (fatal)							\
			plat_die(kasan_flags.exitcode, kasan_flags.abort_on_error); \
	}

#define DEFINE_OUTLINE_SIZE(size)						\
	DEFINE_OUTLINE_CHECK(load##size##_noabort, size, false, false)		\
	DEFINE_OUTLINE_CHECK(store##size##_noabort, size, true, false)		\
	DEFINE_OUTLINE_CHECK(load##size, size, false, true)			\
	DEFINE_OUTLINE_CHECK(store##size, size, true, true)

DEFINE_OUTLINE_SIZE(1)
DEFINE_OUTLINE_SIZE(2)
DEFINE_OUTLINE_SIZE(4)
DEFINE_OUTLINE_SIZE(8)
DEFINE_OUTLINE_SIZE(16)

#define DEFINE_OUTLINE_N(name, write, fatal)					\
	__public void __asan_##name(uintptr_t addr, size_t size);		\
	__public void __asan_##name(uintptr_t addr, size_t size)		\
	{									\
		if (!kasan_check_range(addr, size, write,			\
				       CALLER_IP, CALLER_FP) && fatal)		\
			plat_die(kasan_flags.exitcode, kasan_flags.abort_on_error); \
	}

DEFINE_OUTLINE_N(loadN_noabort, false, false)
DEFINE_OUTLINE_N(storeN_noabort, true, false)
DEFINE_OUTLINE_N(loadN, false, true)
DEFINE_OUTLINE_N(storeN, true, true)

/*
 * Report entry points for inline checks: the compiler has already
 * decided the access is bad.  Re-checking would hide nothing and could
 * only disagree on the unaligned cases the inline check over-reports,
 * so, like Linux, we report at once.
 */
#define DEFINE_REPORT(name, size, write, fatal)					\
	__public void __asan_report_##name(uintptr_t addr);			\
	__public void __asan_report_##name(uintptr_t addr)			\
	{									\
		report_access(addr, size, write, CALLER_IP, CALLER_FP);	\
		if (fatal)							\
			plat_die(kasan_flags.exitcode, kasan_flags.abort_on_error); \
	}

#define DEFINE_REPORT_SIZE(size)						\
	DEFINE_REPORT(load##size##_noabort, size, false, false)			\
	DEFINE_REPORT(store##size##_noabort, size, true, false)			\
	DEFINE_REPORT(load##size, size, false, true)				\
	DEFINE_REPORT(store##size, size, true, true)

DEFINE_REPORT_SIZE(1)
DEFINE_REPORT_SIZE(2)
DEFINE_REPORT_SIZE(4)
DEFINE_REPORT_SIZE(8)
DEFINE_REPORT_SIZE(16)

#define DEFINE_REPORT_N(name, write, fatal)					\
	__public void __asan_report_##name(uintptr_t addr, size_t size);	\
	__public void __asan_report_##name(uintptr_t addr, size_t size)	\
	{									\
		report_access(addr, size, write, CALLER_IP, CALLER_FP);	\
		if (fatal)							\
			plat_die(kasan_flags.exitcode, kasan_flags.abort_on_error); \
	}

DEFINE_REPORT_N(load_n_noabort, false, false)
DEFINE_REPORT_N(store_n_noabort, true, false)
DEFINE_REPORT_N(load_n, false, true)
DEFINE_REPORT_N(store_n, true, true)

/*
 * Manual interface of <vmkasan.h>.  A query, not an access: an absent
 * vmalloc shadow page is not read (the fault would map a temporary
 * poison page, a VMA, for nothing) but taken for what it reads as, so
 * its range is asked a shadow page (32 KiB) at a time.  test_vmalloc asks
 * this of the byte after each area, where the guard's shadow page is
 * often absent.
 */
void *vmkasan_region_is_poisoned(const volatile void *p, size_t size)
{
	uintptr_t addr = (uintptr_t)p, end = addr + size;

	if (!size)
		return NULL;
	if (end < addr)		/* (a range past the top of the address space) */
		end = UINTPTR_MAX;
	while (addr < end) {
		uintptr_t sp = ALIGN_DOWN((uintptr_t)kasan_shadow(addr), PAGE_SIZE);
		uintptr_t next = kasan_shadow_to_mem((const void *)(sp + PAGE_SIZE));
		size_t n = (next < end ? next : end) - addr;

		if (vmalloc_shadow_hole(sp) >= 0)
			return (void *)addr;
		if (access_is_poisoned(addr, n))
			return (void *)kasan_find_first_bad_addr(addr, n);
		addr += n;
	}
	return NULL;
}

void *kasan_mem_to_shadow(const void *addr)
{
	return kasan_shadow((uintptr_t)addr);
}
