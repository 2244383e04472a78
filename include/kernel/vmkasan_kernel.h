/* SPDX-License-Identifier: MIT */
/*
 * vmkasan's kernel-compatibility layer: what kernel code (Linux 6.12's
 * mm/kasan/kasan_test_c.c, lib/test_vmalloc.c and the like) needs to
 * compile unchanged as a user program on top of <vmkasan.h>.  Every
 * <linux/...>, <kunit/...>, <asm/...> header of include/kernel/ includes
 * this one file.  `vmkasan-cc --kernel` puts include/kernel/ on the
 * include path.
 *
 * The allocators, RCU and the KASAN hooks are the runtime's (vmkasan.h);
 * this file adds the kernel's types and macros, instrumented bitops and
 * atomics (each checks its operand with __kasan_check_* first, as
 * include/linux/instrumented.h does), kthreads, completions and sleeping
 * locks (vmkasan_sched.h), a workqueue (vmkasan_workqueue.h), mempool,
 * and KUnit:
 * a runner that prints KTAP and is the program's main().  The functions
 * defined here are weak, so several files of one program may include it.
 */
#ifndef VMKASAN_KERNEL_H
#define VMKASAN_KERNEL_H

/* Kernel code includes kernel headers first: this comes before libc's
 * headers, which then declare the GNU extensions used below (gettid,
 * pthread_cond_clockwait, CPU affinity). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* libc's headers include some user-space kernel headers (<linux/errno.h>
 * ...): while this file includes libc, the build's kernel-absent headers
 * pass those through (tools/gen-kernel-absent.sh). */
#define __VMK_LIBC 1
#include <vmkasan.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define __VMK_WEAK __attribute__((weak))
/* The C library names both byte orders (<bits/endian.h>, for its
 * __BYTE_ORDER comparisons); the kernel defines only its own, and its
 * code asks "#ifdef __BIG_ENDIAN" (lib/bitmap-str.c,
 * asm-generic/word-at-a-time.h). */
#undef __BIG_ENDIAN
/* The kernel has no errno variable: the name is free for its own use
 * (lib/test_bitmap.c's struct field).  The layer's libc calls read it
 * as __vmk_errno. */
#define __vmk_errno (*__errno_location())
#undef errno

/* ---- configuration: generic KASAN with everything it has here ---- */
#define CONFIG_KASAN 1
#define CONFIG_KASAN_GENERIC 1
#define CONFIG_KASAN_STACK 1
#define CONFIG_KASAN_VMALLOC 1
#define CONFIG_SLUB_RCU_DEBUG 1
#define CONFIG_CC_HAS_KASAN_MEMINTRINSIC_PREFIX 1
#define CONFIG_64BIT 1
#define CONFIG_CRC32_SLICEBY8 1	/* lib/Kconfig's default */
#define CONFIG_KUNIT 1
#define CONFIG_PRINTK 1
#define CONFIG_SLUB 1
#if defined(__clang__)
#define CONFIG_CC_IS_CLANG 1
#else
#define CONFIG_CC_IS_GCC 1
#endif
/* IS_ENABLED(CONFIG_X): 1 when CONFIG_X is defined to 1, else 0. */
#define __VMK_PLACEHOLDER_1 0,
#define __vmk_second(ignored, val, ...) val
#define __vmk_defined(x) __vmk_defined2(x)
#define __vmk_defined2(val) __vmk_defined3(__VMK_PLACEHOLDER_##val)
#define __vmk_defined3(arg1_or_junk) __vmk_second(arg1_or_junk 1, 0)
#define IS_ENABLED(option) __vmk_defined(option)
#define IS_BUILTIN(option) __vmk_defined(option)
#define IS_MODULE(option) __vmk_defined(option##_MODULE)
#define IS_REACHABLE(option) IS_ENABLED(option)

/* ---- types ---- */
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef unsigned long long u64;	/* as the kernel's int-ll64.h: printed with %llu */
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef long long s64;
typedef uint8_t __u8;
typedef uint16_t __u16;
typedef uint32_t __u32;
typedef unsigned long long __u64;
typedef int8_t __s8;
typedef int16_t __s16;
typedef int32_t __s32;
typedef long long __s64;
typedef uint16_t __le16, __be16;
typedef uint32_t __le32, __be32;
typedef unsigned long long __le64, __be64;
typedef uint16_t __sum16;
typedef uint32_t __wsum;
typedef unsigned long phys_addr_t;
typedef int (*cmp_func_t)(const void *a, const void *b);
typedef int (*cmp_r_func_t)(const void *a, const void *b, const void *priv);
typedef void (*swap_func_t)(void *a, void *b, int size);
typedef void (*swap_r_func_t)(void *a, void *b, int size, const void *priv);
typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;
typedef struct { long long counter; } atomic64_t;
struct list_head { struct list_head *next, *prev; };
struct hlist_head { struct hlist_node *first; };
struct hlist_node { struct hlist_node *next, **pprev; };

/* ---- compiler and kernel.h ---- */
#ifdef VMKASAN_KO
/* A module's init code and data go when init has returned (Linux's
 * .init.text/.init.data); exit code stays until unload. */
#define __init		__attribute__((section(".init.text"), __noinline__))
#define __exit		__attribute__((section(".exit.text")))
#define __initdata	__attribute__((section(".init.data")))
#else
#define __init
#define __initconst
#define __refdata
#define __ro_after_init
#define __read_mostly
#define __force
#define __bitwise
#define __pure __attribute__((pure))
#define fallthrough __attribute__((__fallthrough__))
#define L1_CACHE_BYTES 64
#define SMP_CACHE_BYTES L1_CACHE_BYTES
#define ____cacheline_aligned __attribute__((__aligned__(SMP_CACHE_BYTES)))
#define __cacheline_aligned ____cacheline_aligned
#define ____cacheline_aligned_in_smp ____cacheline_aligned
#define __cacheline_aligned_in_smp ____cacheline_aligned
#define __weak __attribute__((__weak__))
#define __alias(symbol) __attribute__((__alias__(#symbol)))
/* Bounds annotations: not used by this compiler configuration (the
 * kernel enables them only with CONFIG_CC_HAS_COUNTED_BY). */
#define __counted_by(member)
#define __counted_by_le(member)
#define __counted_by_be(member)
#define __nonstring
#if __has_builtin(__builtin_dynamic_object_size)
#define __struct_size(p) __builtin_dynamic_object_size(p, 0)
#define __member_size(p) __builtin_dynamic_object_size(p, 1)
#else
#define __struct_size(p) __builtin_object_size(p, 0)
#define __member_size(p) __builtin_object_size(p, 1)
#endif
#define __no_sanitize_address __attribute__((no_sanitize_address))
#ifndef __attribute_const__
#define __attribute_const__ __attribute__((const))
#endif
#define __cold __attribute__((cold))
#define __noreturn __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#if __has_attribute(__error__)
#define __compiletime_error(msg) __attribute__((__error__(msg)))
#else
#define __compiletime_error(msg)
#endif
#define __BITS_PER_LONG 64
#define __BITS_PER_LONG_LONG 64
#define __exit
#define __initdata
#endif
#define __user
#define __rcu
#define __iomem
#define __must_check
/* sparse's lock context annotations: nothing to the compiler. */
#define __must_hold(x)
#define __acquires(x)
#define __releases(x)
#define __maybe_unused __attribute__((unused))
#define __used __attribute__((__used__))
#define __always_used __used __maybe_unused
#define __cleanup(func) __attribute__((__cleanup__(func)))
#define __always_unused __attribute__((unused))
#define __aligned(x) __attribute__((aligned(x)))
#define __packed __attribute__((packed))
/* What the kernel's own <linux/string.h> (taken by vmkasan-kunit) uses of
 * compiler_types.h, compiler.h, build_bug.h, stddef.h and alloc_tag.h. */
#define __malloc __attribute__((__malloc__))
#define __realloc_size(x, ...) __attribute__((__alloc_size__(x, ##__VA_ARGS__)))
#if __has_builtin(__builtin_has_attribute)
#define __vmk_nonstring(p) __builtin_has_attribute(p, __nonstring__)
#else
#define __vmk_nonstring(p) 0
#endif
/* A string function's argument must not be a __nonstring array. */
#define __must_be_cstr(p) BUILD_BUG_ON_ZERO(__vmk_nonstring(p))
/* The compiler must assume the memory at ptr is read (memzero_explicit). */
#define barrier_data(ptr) __asm__ __volatile__("" : : "r"(ptr) : "memory")
#define offsetofend(type, member) (offsetof(type, member) + sizeof(((type *)0)->member))
/* Allocation profiling is off: an allocator's _noprof name is the allocator. */
#define alloc_hooks(x) (x)
#define kmemdup_noprof kmemdup
typedef size_t __kernel_size_t;
#define noinline __attribute__((noinline))
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define barrier() __asm__ __volatile__("" ::: "memory")
#define RELOC_HIDE(ptr, off) ({ unsigned long __p = (unsigned long)(ptr);	\
	__asm__ ("" : "=r"(__p) : "0"(__p)); (__typeof__(ptr))(__p + (off)); })
#define OPTIMIZER_HIDE_VAR(var) __asm__ ("" : "=r" (var) : "0" (var))
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val) (*(volatile __typeof__(x) *)&(x) = (val))
#define __same_type(a, b) __builtin_types_compatible_p(__typeof__(a), __typeof__(b))
#define BUILD_BUG_ON_ZERO(e) ((int)(sizeof(struct { int:(-!!(e)); })))
#define __must_be_array(a) BUILD_BUG_ON_ZERO(__same_type((a), &(a)[0]))
/* 1 if x is an integer constant expression: only then is the null
 * pointer constant's type (void *) replaced by int * in the ?: */
#define __is_constexpr(x) \
	(sizeof(int) == sizeof(*(8 ? ((void *)((long)(x) * 0l)) : (int *)8)))
/* Whether an integer type has a sign: -1 converted is then below 1. */
#define is_signed_type(t) (((t)(-1)) < (t)1)
#define is_unsigned_type(t) (((t)(-1)) > (t)1)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#define round_up(x, y) ((((x) - 1) | ((__typeof__(x))((y) - 1))) + 1)
#define round_down(x, y) ((x) & ~((__typeof__(x))((y) - 1)))
/* Any y, not only powers of two (include/linux/math.h). */
#define roundup(x, y) ({ __typeof__(y) __vmk_y = (y); (((x) + __vmk_y - 1) / __vmk_y) * __vmk_y; })
#define rounddown(x, y) ({ __typeof__(x) __vmk_x = (x); __vmk_x - (__vmk_x % (y)); })
#if __has_include(<vmkasan_ksrc.h>)
/* With the kernel source's headers taken (vmkasan-kunit), its own
 * <linux/align.h> and <linux/bits.h>: one definition of each macro,
 * the one the taken headers (bitmap.h, xarray.h ...) expect. */
#include <linux/align.h>
#else
#define ALIGN(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#endif
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define clamp(v, lo, hi) min(max((v), (lo)), (hi))
#define clamp_t(t, v, lo, hi) min_t(t, max_t(t, (v), (lo)), (hi))
#define clamp_val(v, lo, hi) clamp_t(__typeof__(v), (v), (lo), (hi))
/* linux/math64.h's divisions (64-bit machines: plain C). */
static inline u64 div_u64_rem(u64 n, u32 d, u32 *rem) { *rem = (u32)(n % d); return n / d; }
static inline s64 div_s64_rem(s64 n, s32 d, s32 *rem) { *rem = (s32)(n % d); return n / d; }
static inline u64 div64_u64_rem(u64 n, u64 d, u64 *rem) { *rem = n % d; return n / d; }
static inline u64 div_u64(u64 n, u32 d) { return n / d; }
static inline s64 div_s64(s64 n, s32 d) { return n / d; }
static inline u64 div64_u64(u64 n, u64 d) { return n / d; }
static inline s64 div64_s64(s64 n, s64 d) { return n / d; }
#define div64_ul(x, y) div64_u64((x), (y))
#define DIV_ROUND_UP_ULL(ll, d) div_u64((ll) + (d) - 1, (d))
/* n /= base (n a u64 lvalue, base 32 bits); the remainder is the value. */
#define do_div(n, base) ({ u32 __b = (base); u32 __r = (u32)((n) % __b); (n) /= __b; __r; })
static inline int fls(unsigned int x) { return x ? 32 - __builtin_clz(x) : 0; }
static inline int fls64(u64 x) { return x ? 64 - __builtin_clzll(x) : 0; }
static inline unsigned long __fls(unsigned long x) { return 63 - __builtin_clzl(x); }
static inline unsigned int fls_long(unsigned long x) { return x ? 64 - __builtin_clzl(x) : 0; }
static inline unsigned long __ffs(unsigned long x) { return __builtin_ctzl(x); }
static inline unsigned int __ffs64(u64 x) { return (unsigned int)__builtin_ctzll(x); }
static inline unsigned long ffz(unsigned long x) { return __builtin_ctzl(~x); }
static inline u64 rol64(u64 w, unsigned int s) { return (w << (s & 63)) | (w >> ((-s) & 63)); }
static inline u64 ror64(u64 w, unsigned int s) { return (w >> (s & 63)) | (w << ((-s) & 63)); }
static inline u32 rol32(u32 w, unsigned int s) { return (w << (s & 31)) | (w >> ((-s) & 31)); }
static inline u32 ror32(u32 w, unsigned int s) { return (w >> (s & 31)) | (w << ((-s) & 31)); }
#define hweight8(w) ((unsigned int)__builtin_popcount((u8)(w)))
#define hweight16(w) ((unsigned int)__builtin_popcount((u16)(w)))
#define hweight32(w) ((unsigned int)__builtin_popcount((u32)(w)))
#define hweight64(w) ((unsigned int)__builtin_popcountll((u64)(w)))
#define hweight_long(w) ((unsigned long)__builtin_popcountl((unsigned long)(w)))
#define BUG_ON(c) do { if (c) abort(); } while (0)
#define WARN_ON(c) ({ int __c = !!(c); if (__c) fprintf(stderr, "WARNING: %s:%d\n", __FILE__, __LINE__); __c; })
#define WARN_ON_ONCE(c) WARN_ON(c)
#define WARN(c, fmt, ...) ({ int __c = !!(c); if (__c) {				\
	fprintf(stderr, "WARNING: %s:%d\n", __FILE__, __LINE__);			\
	fprintf(stderr, fmt, ##__VA_ARGS__); } __c; })
#define WARN_ONCE(c, fmt, ...) WARN(c, fmt, ##__VA_ARGS__)
/* BUILD_BUG_ON(cond), as the kernel's compiletime_assert(): a call to a
 * function the compiler refuses to emit (the error attribute) unless the
 * optimiser drops it, so cond may be a __builtin_constant_p() known only
 * after inlining (<linux/string.h>'s strtomem(), <linux/bitfield.h>). */
#if __has_attribute(__error__)
#define __vmk_build_assert(cond, msg, fn) do {					\
	extern void fn(void) __attribute__((__noreturn__, __error__(msg)));	\
	if (!(cond))								\
		fn();								\
} while (0)
#else
#define __vmk_build_assert(cond, msg, fn) do { } while (0)
#endif
#define __vmk_build_assert2(cond, msg, n) __vmk_build_assert(cond, msg, __vmk_build_bug_##n)
#define __vmk_build_assert1(cond, msg, n) __vmk_build_assert2(cond, msg, n)
#define BUILD_BUG_ON_MSG(cond, msg) __vmk_build_assert1(!(cond), msg, __COUNTER__)
#define BUILD_BUG_ON(c) BUILD_BUG_ON_MSG(c, "BUILD_BUG_ON failed: " #c)
/* static_assert(expr[, msg]): the message defaults to the expression,
 * as include/linux/build_bug.h's does (C11's needs one). */
#undef static_assert
#define static_assert(expr, ...) __vmk_static_assert(expr, ##__VA_ARGS__, #expr)
#define __vmk_static_assert(expr, msg, ...) _Static_assert(expr, msg)
#ifndef _LINUX_ALIGN_H
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define PTR_ALIGN(p, a) ((__typeof__(p))ALIGN((unsigned long)(p), (a)))
#endif
#define MAX_ERRNO 4095
#define IS_ERR_VALUE(x) ((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long e) { return (void *)e; }
static inline long PTR_ERR(const void *p) { return (long)p; }
static inline bool IS_ERR(const void *p) { return IS_ERR_VALUE(p); }
static inline bool IS_ERR_OR_NULL(const void *p) { return !p || IS_ERR_VALUE(p); }
/* include/vdso/limits.h's names */
#define U8_MAX ((u8)~0U)
#define S8_MAX ((s8)(U8_MAX >> 1))
#define S8_MIN ((s8)(-S8_MAX - 1))
#define U16_MAX ((u16)~0U)
#define S16_MAX ((s16)(U16_MAX >> 1))
#define S16_MIN ((s16)(-S16_MAX - 1))
#define U32_MAX ((u32)~0U)
#define U32_MIN ((u32)0)
#define S32_MAX ((s32)(U32_MAX >> 1))
#define S32_MIN ((s32)(-S32_MAX - 1))
#define U64_MAX ((u64)~0ULL)
#define S64_MAX ((s64)(U64_MAX >> 1))
#define S64_MIN ((s64)(-S64_MAX - 1))
#ifndef ULLONG_MAX
#define ULLONG_MAX (~0ULL)
#endif
#include <asm/bitsperlong.h>	/* BITS_PER_LONG, defined once */
#if __has_include(<vmkasan_ksrc.h>)
/* BIT(), BIT_MASK(), GENMASK() ...: the kernel source's <linux/bits.h>
 * (lib/test_bits.c tests its macros). */
#include <linux/bits.h>
#else
#define BITS_PER_BYTE 8
#define BIT(n) (1UL << (n))
#define BIT_MASK(nr) (1UL << ((nr) % BITS_PER_LONG))
#define BIT_WORD(nr) ((nr) / BITS_PER_LONG)
#endif
#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
/* x86-64's with KASAN: 4 pages << KASAN_STACK_ORDER 1 (Linux 6.12's
 * arch/x86/include/asm/page_64_types.h); THREAD_ALIGN defaults to it. */
#define THREAD_SIZE (PAGE_SIZE << 3)
#define THREAD_ALIGN THREAD_SIZE
#define offset_in_page(p) ((unsigned long)(p) & ~PAGE_MASK)
#define ZERO_SIZE_PTR ((void *)16)
#define ZERO_OR_NULL_PTR(x) ((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)
#define KASAN_GRANULE_SIZE 8
#define KASAN_SHADOW_SCALE_SHIFT 3
#define GFP_NOWAIT 0x0800u
#define GFP_USER GFP_KERNEL
#define __GFP_NORETRY 0x1000u
#define __GFP_RETRY_MAYFAIL 0x2000u
#define __GFP_HIGHMEM 0
#define __GFP_COMP 0
#define __GFP_ACCOUNT 0
/* The remaining bits, where 6.12's gfp_types.h puts them (the runtime's
 * allocators honour __GFP_ZERO only); xarray keeps its own flags, and
 * the radix tree its root tags, above __GFP_BITS_SHIFT: that is
 * gfp_types.h's ___GFP_LAST_BIT without KASAN_HW_TAGS, LOCKDEP and
 * SLAB_OBJ_EXT. */
#define __GFP_DMA 0x01u
#define __GFP_DMA32 0x04u
#define __GFP_MOVABLE 0x08u
#define __GFP_RECLAIMABLE 0x10u
#define __GFP_HIGH 0x20u
#define __GFP_IO 0x40u
#define __GFP_FS 0x80u
#define __GFP_DIRECT_RECLAIM 0x400u
#define __GFP_KSWAPD_RECLAIM 0x800u
#define __GFP_RECLAIM (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)
#define GFP_ZONEMASK (__GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE)
#define GFP_KERNEL_ACCOUNT (GFP_KERNEL | __GFP_ACCOUNT)
#define __GFP_BITS_SHIFT 24
#define __GFP_BITS_MASK ((gfp_t)((1 << __GFP_BITS_SHIFT) - 1))
static inline bool gfpflags_allow_blocking(gfp_t gfp) { return !!(gfp & __GFP_DIRECT_RECLAIM); }
/* include/linux/sched/mm.h: a blocking allocation may sleep (no
 * fs_reclaim lockdep map here). */
#define might_alloc(gfp) do { if (gfpflags_allow_blocking(gfp)) might_sleep(); } while (0)
#define PAGE_KERNEL_RO PAGE_KERNEL
#define cond_resched() do { } while (0)
#define might_sleep() do { } while (0)
#define preempt_disable() do { } while (0)
#define preempt_enable() do { } while (0)
#define migrate_disable() do { } while (0)
#define migrate_enable() do { } while (0)
#define local_irq_save(f) ((void)(f))
#define local_irq_restore(f) ((void)(f))

/* printk: KERN_* levels are prefixes the runner drops. */
#define KERN_EMERG ""
#define KERN_ALERT ""
#define KERN_CRIT ""
#define KERN_NOTICE ""
#define KERN_CONT ""
#define KERN_ERR ""
#define KERN_INFO ""
#define KERN_WARNING ""
#define KERN_DEBUG ""
#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif
#ifdef __vmkasan_riscv__
#define printk(fmt, ...) fprintf(stderr, fmt, ##__VA_ARGS__)
#else
/* The kernel's printf family, with its %p extensions (%*pb, %*pbl, %px). */
#include "vmkasan_printf.h"
#endif
#define pr_emerg(fmt, ...) printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_alert(fmt, ...) printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_crit(fmt, ...) printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...) printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...) printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...) printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...) printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...) do { } while (0)
#define pr_cont(fmt, ...) printk(fmt, ##__VA_ARGS__)

/* strscpy(): the runtime's, checked (src/kasan/string_checked.c).  Where
 * the kernel's own <linux/string.h> is taken (vmkasan-kunit), strscpy()
 * is its macro over lib/string.c's sized_strscpy(), and strnstr() and
 * memchr_inv() are lib/string.c's too: list it with the test. */
long strscpy(char *d, const char *s, size_t size);
#if !__has_include(<vmkasan_ksrc.h>)
static inline char *strnstr(const char *s1, const char *s2, size_t len)
{
	size_t l2 = strlen(s2);

	if (!l2)
		return (char *)s1;
	while (len >= l2) {
		len--;
		if (!memcmp(s1, s2, l2))
			return (char *)s1;
		s1++;
	}
	return NULL;
}
/* The first byte of [s, s + n) that is not c, or NULL (lib/string.c). */
static inline void *memchr_inv(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)c)
			return (void *)(p + i);
	return NULL;
}
#endif
/* Past the leading white space, the kernel's isspace() (lib/ctype.c:
 * also Latin-1's no-break space, 0xa0). */
static inline char *skip_spaces(const char *s)
{
	while (*s == ' ' || (*s >= '\t' && *s <= '\r') || (unsigned char)*s == 0xa0)
		s++;
	return (char *)s;
}
/* simple_strto*() (lib/vsprintf.c's rules): base 0 takes a 0x prefix
 * as 16 and a 0 as 8; digits are read up to the first that is not one;
 * no overflow check, no leading blanks. */
static inline unsigned long long simple_strtoull(const char *cp, char **endp, unsigned int base)
{
	unsigned long long v = 0;

	if ((base == 0 || base == 16) && cp[0] == '0' && (cp[1] == 'x' || cp[1] == 'X') &&
	    ((cp[2] >= '0' && cp[2] <= '9') || ((cp[2] | 0x20) >= 'a' && (cp[2] | 0x20) <= 'f'))) {
		base = 16;
		cp += 2;
	} else if (base == 0) {
		base = cp[0] == '0' ? 8 : 10;
	}
	for (;; cp++) {
		unsigned int d;

		if (*cp >= '0' && *cp <= '9')
			d = *cp - '0';
		else if ((*cp | 0x20) >= 'a' && (*cp | 0x20) <= 'z')
			d = (*cp | 0x20) - 'a' + 10;
		else
			break;
		if (d >= base)
			break;
		v = v * base + d;
	}
	if (endp)
		*endp = (char *)cp;
	return v;
}
static inline unsigned long simple_strtoul(const char *cp, char **endp, unsigned int base)
{
	return simple_strtoull(cp, endp, base);
}
static inline long long simple_strtoll(const char *cp, char **endp, unsigned int base)
{
	if (*cp == '-')
		return -(long long)simple_strtoull(cp + 1, endp, base);
	return (long long)simple_strtoull(cp, endp, base);
}
static inline long simple_strtol(const char *cp, char **endp, unsigned int base)
{
	return (long)simple_strtoll(cp, endp, base);
}

/* random: glibc's random() (31 bits a call, thread-safe); the RISC-V
 * guest's C library has rand() (31 bits too). */
#ifdef __vmkasan_riscv__
#define random() rand()
#endif
static inline u32 get_random_u32(void) { return (u32)random() << 16 ^ (u32)random(); }
static inline u64 get_random_u64(void) { return (u64)get_random_u32() << 32 | get_random_u32(); }
static inline u32 get_random_u32_below(u32 ceil) { return ceil ? get_random_u32() % ceil : 0; }
/* [floor, ceil], both included (include/linux/random.h). */
static inline u32 get_random_u32_inclusive(u32 floor, u32 ceil)
{
	return floor + get_random_u32_below(ceil - floor + 1);
}
static inline u8 get_random_u8(void) { return (u8)random(); }
static inline u16 get_random_u16(void) { return (u16)random(); }
static inline unsigned long get_random_long(void) { return (unsigned long)get_random_u64(); }
static inline void get_random_bytes(void *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		((u8 *)buf)[i] = get_random_u8();
}

/* ---- RCU ---- */
#define rcu_read_lock() __rcu_read_lock()
#define rcu_read_unlock() __rcu_read_unlock()
#define rcu_dereference(p) READ_ONCE(p)
#define rcu_dereference_protected(p, c) (p)
#define rcu_dereference_raw(p) READ_ONCE(p)
#define rcu_dereference_check(p, c) READ_ONCE(p)
#define rcu_access_pointer(p) READ_ONCE(p)
#define rcu_read_lock_held() true
#define lockdep_is_held(l) true
/* KCSAN's assertions and markings: no data race detector here. */
#define ASSERT_EXCLUSIVE_ACCESS(x) do { } while (0)
#define ASSERT_EXCLUSIVE_WRITER(x) do { } while (0)
#define data_race(expr) (expr)
#define rcu_assign_pointer(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#define RCU_INIT_POINTER(p, v) ((p) = (v))
#define kfree_rcu(ptr, field) kvfree_call_rcu(&(ptr)->field, (void *)(ptr))
#define kvfree_rcu(ptr, field) kvfree_call_rcu(&(ptr)->field, (void *)(ptr))

/* ---- slab, kasan ---- */
#define kasan_enabled() true
#define kasan_vmalloc_enabled() true
#define kasan_sync_fault_possible() false
#define kasan_async_fault_possible() false
#define kasan_force_async_fault() do { } while (0)
#define kasan_enable_hw_tags() do { } while (0)
#define kasan_reset_tag(p) ((void *)(p))
/* Generic KASAN has no pointer tags: the tag-based cases skip themselves. */
#define KASAN_TAG_KERNEL 0xFF
#define KASAN_TAG_INVALID 0xFE
#define KASAN_TAG_MIN 0x00
#define get_tag(p) ((u8)0xFF)
#define set_tag(p, t) ((void *)(p))
static inline int set_memory_ro(unsigned long addr, int n) { (void)addr; (void)n; return 0; }
static inline int set_memory_rw(unsigned long addr, int n) { (void)addr; (void)n; return 0; }
static inline void kasan_poison(const void *addr, size_t size, u8 value, bool init)
{
	(void)value; (void)init;
	vmkasan_poison(addr, size);
}
#define kasan_test_rust_uaf() do { } while (0)
#define kmalloc_track_caller(s, g) kmalloc(s, g)
#define kmem_cache_alloc_noprof kmem_cache_alloc
/* Reclaimable caches: accounting the runtime has no use for (the value
 * Linux gave it before 6.9's flag renumbering). */
#define SLAB_RECLAIM_ACCOUNT 0x00020000u
/* No list_lru (memcg-aware shrinker lists) here: the plain allocation. */
#define kmem_cache_alloc_lru(s, lru, gfp) kmem_cache_alloc((s), (gfp))
#define KMEM_CACHE(s, f) kmem_cache_create(#s, sizeof(struct s), __alignof__(struct s), (f), NULL)
#define kmalloc_large_node(s, g, n) kmalloc(s, g)
#define __vmalloc(size, gfp) __vmalloc_node((size), 1, (gfp), NUMA_NO_NODE, __builtin_return_address(0))
#define vmalloc_node(size, node) vmalloc(size)
/* One memory node here: the _node allocators are the plain ones. */
#define kzalloc_node(size, gfp, node) kmalloc_node((size), (gfp) | __GFP_ZERO, (node))
#define kmalloc_array_node(n, size, gfp, node) kmalloc_array((n), (size), (gfp))
#define kcalloc_node(n, size, gfp, node) kmalloc_array((n), (size), (gfp) | __GFP_ZERO)
#define kvmalloc_node(size, gfp, node) kvmalloc((size), (gfp))
#define kvzalloc_node(size, gfp, node) kvzalloc((size), (gfp))
#define vfree_atomic(p) vfree(p)
/* No huge mappings here: the same as vmalloc(), as where the kernel
 * has none (include/linux/vmalloc.h). */
#define vmalloc_huge(size, gfp) __vmalloc_node((size), 1, (gfp), NUMA_NO_NODE, __builtin_return_address(0))
static inline void *kvcalloc(size_t n, size_t size, gfp_t gfp)
{
	return size && n > SIZE_MAX / size ? NULL : kvzalloc(n * size, gfp);
}
#define kvmalloc_array(n, size, gfp) ({ size_t __n = (n), __s = (size);		\
	__s && __n > SIZE_MAX / __s ? NULL : kvmalloc(__n * __s, (gfp)); })
/* The single-argument kvfree_rcu: the kernel's fallback when it has no
 * memory to batch in, a grace period and then the free. */
#define kvfree_rcu_mightsleep(ptr) do { synchronize_rcu(); kvfree(ptr); } while (0)
#define kfree_rcu_mightsleep(ptr) kvfree_rcu_mightsleep(ptr)
/* Fills the NULL slots of pages[0..nr) with pages; returns how many
 * slots are filled (6.12's alloc_pages_bulk_array). */
static inline unsigned long alloc_pages_bulk_array(gfp_t gfp, unsigned long nr, struct page **pages)
{
	unsigned long filled = 0;

	for (unsigned long i = 0; i < nr; i++) {
		if (!pages[i])
			pages[i] = alloc_page(gfp);
		if (!pages[i])
			break;
		filled++;
	}
	return filled;
}
#define virt_addr_valid(p) (virt_to_page(p) != NULL)
#define page_to_virt(p) page_address(p)
#define free_page(addr) free_pages((addr), 0)
#define __get_free_page(g) __get_free_pages((g), 0)

/* ---- instrumented bitops and atomics (include/linux/instrumented.h) ----
 * As in Linux: the instrumented layer checks its operand once
 * (instrument_atomic_*), then the arch operation runs unchecked (asm
 * there, __VMK_NOASAN helpers here); only the parts Linux writes in
 * plain C are seen by the compiler's checks: test_bit (generic_test_bit),
 * atomic_read/atomic_set (READ_ONCE/WRITE_ONCE of the counter), the
 * fallbacks' raw_atomic_read
 * (add_unless, inc_unless_negative, ...) and try_cmpxchg's read and
 * write-back of *old.  So a bad operand gives the reports Linux gives. */
#define __VMK_CHECKW(p, n) __kasan_check_write((p), (n))
#define __VMK_CHECKR(p, n) __kasan_check_read((p), (n))
#define __VMK_NOASAN __attribute__((no_sanitize_address))
#define __VMK_BITP(nr, addr) ((volatile unsigned long *)(addr) + BIT_WORD(nr))
static inline __VMK_NOASAN unsigned long __vmk_bitop_raw(volatile unsigned long *p, unsigned long m,
							int op, bool atomic)
{
	unsigned long old;

	if (atomic) {
		if (op == 1)
			old = __atomic_fetch_and(p, ~m, __ATOMIC_SEQ_CST);
		else if (op == 2)
			old = __atomic_fetch_or(p, m, __ATOMIC_SEQ_CST);
		else
			old = __atomic_fetch_xor(p, m, __ATOMIC_SEQ_CST);
	} else {
		old = *p;
		*p = op == 1 ? old & ~m : op == 2 ? old | m : old ^ m;
	}
	return old & m;
}
static inline unsigned long __vmk_bit_rmw(long nr, volatile void *addr, int op, bool atomic)
{
	volatile unsigned long *p = __VMK_BITP(nr, addr);

	__VMK_CHECKW(p, sizeof(*p));
	return __vmk_bitop_raw(p, BIT_MASK(nr), op, atomic);
}
/* As include/linux/bitops.h's bitop(): a non-atomic operation whose bit
 * number, address and word are all known at compile time is the plain
 * C one (asm-generic's const_*), which the compiler folds away (no
 * access is left to check; lib/test_bitmap.c's test_bitmap_const_eval
 * asserts the folding); any other is the instrumented one. */
#define __vmk_bitop_const(nr, a)						\
	(__builtin_constant_p(nr) &&						\
	 __builtin_constant_p((unsigned long)(a) != 0UL) && (unsigned long)(a) != 0UL && \
	 __builtin_constant_p(*(const unsigned long *)(a)))
static __always_inline unsigned long __vmk_bit_plain(long nr, volatile void *addr, int op)
{
	unsigned long *p = (unsigned long *)addr + BIT_WORD(nr), m = BIT_MASK(nr), old = *p;

	*p = op == 1 ? old & ~m : op == 2 ? old | m : old ^ m;
	return old & m;
}
#define __vmk_bitop(nr, a, op) (__vmk_bitop_const((nr), (a)) ?			\
	__vmk_bit_plain((nr), (a), (op)) : __vmk_bit_rmw((nr), (a), (op), false))
#define set_bit(nr, a) ((void)__vmk_bit_rmw((nr), (a), 2, true))
#define __set_bit(nr, a) ((void)__vmk_bitop((nr), (a), 2))
#define clear_bit(nr, a) ((void)__vmk_bit_rmw((nr), (a), 1, true))
#define __clear_bit(nr, a) ((void)__vmk_bitop((nr), (a), 1))
#define clear_bit_unlock(nr, a) ((void)__vmk_bit_rmw((nr), (a), 1, true))
#define __clear_bit_unlock(nr, a) ((void)__vmk_bit_rmw((nr), (a), 1, false))
#define change_bit(nr, a) ((void)__vmk_bit_rmw((nr), (a), 3, true))
#define __change_bit(nr, a) ((void)__vmk_bitop((nr), (a), 3))
#define test_and_set_bit(nr, a) (__vmk_bit_rmw((nr), (a), 2, true) != 0)
#define __test_and_set_bit(nr, a) (__vmk_bitop((nr), (a), 2) != 0)
#define test_and_set_bit_lock(nr, a) (__vmk_bit_rmw((nr), (a), 2, true) != 0)
#define test_and_clear_bit(nr, a) (__vmk_bit_rmw((nr), (a), 1, true) != 0)
#define __test_and_clear_bit(nr, a) (__vmk_bitop((nr), (a), 1) != 0)
#define test_and_change_bit(nr, a) (__vmk_bit_rmw((nr), (a), 3, true) != 0)
#define __test_and_change_bit(nr, a) (__vmk_bitop((nr), (a), 3) != 0)
#define test_bit(nr, addr) (__vmk_bitop_const((nr), (addr)) ?			\
	(bool)((*((const unsigned long *)(addr) + BIT_WORD(nr)) >> ((nr) % BITS_PER_LONG)) & 1) : \
	__vmk_test_bit((nr), (addr)))
static inline bool __vmk_test_bit(long nr, const volatile void *addr)
{
	const volatile unsigned long *p = (const volatile unsigned long *)addr + BIT_WORD(nr);

	__VMK_CHECKR(p, sizeof(*p));
	/* The arch part is plain C (asm-generic generic_test_bit): checked too. */
	return (*p >> (nr % BITS_PER_LONG)) & 1;
}
/* The generic helpers of include/linux/bitops.h (that header is not
 * taken: it is tied to the arch's asm/bitops.h, whose instrumented
 * operations are the ones above). */
#ifndef BITS_PER_TYPE
#define BITS_PER_TYPE(t) (sizeof(t) * BITS_PER_BYTE)
#endif
#define BITS_TO_LONGS(nr) (((nr) + BITS_PER_TYPE(long) - 1) / BITS_PER_TYPE(long))
#define BITS_TO_U64(nr) (((nr) + BITS_PER_TYPE(u64) - 1) / BITS_PER_TYPE(u64))
#define BITS_TO_U32(nr) (((nr) + BITS_PER_TYPE(u32) - 1) / BITS_PER_TYPE(u32))
#define BITS_TO_BYTES(nr) (((nr) + BITS_PER_BYTE - 1) / BITS_PER_BYTE)
#define DECLARE_BITMAP(name, bits) unsigned long name[BITS_TO_LONGS(bits)]
/* asm-generic/bitsperlong.h: nbits known at compile time to fit one word. */
#define small_const_nbits(nbits) \
	(__builtin_constant_p(nbits) && (nbits) <= BITS_PER_LONG && (nbits) > 0)
#define assign_bit(nr, addr, v) ((v) ? set_bit((nr), (addr)) : clear_bit((nr), (addr)))
#define __assign_bit(nr, addr, v) ((v) ? __set_bit((nr), (addr)) : __clear_bit((nr), (addr)))
/* The position of the n-th (from 0) set bit of word, BITS_PER_LONG if
 * it has no more than n: drop the lowest set bit n times. */
static inline unsigned int fns(unsigned long word, unsigned int n)
{
	for (; word && n; n--)
		word &= word - 1;
	return word ? (unsigned int)__builtin_ctzl(word) : BITS_PER_LONG;
}
static inline s32 sign_extend32(u32 value, int index)
{
	u8 shift = 31 - index;

	return (s32)(value << shift) >> shift;
}
static inline s64 sign_extend64(u64 value, int index)
{
	u8 shift = 63 - index;

	return (s64)(value << shift) >> shift;
}
/* log2 of count rounded up; -1 for 0 (include/linux/bitops.h). */
static inline int get_count_order(unsigned int count)
{
	return count ? fls(count - 1) : -1;
}
static inline int get_count_order_long(unsigned long l)
{
	return l ? (int)fls_long(l - 1) : -1;
}
static inline __VMK_NOASAN unsigned long __vmk_xor_raw(volatile unsigned long *addr,
						      unsigned long mask)
{
	return __atomic_fetch_xor(addr, mask, __ATOMIC_SEQ_CST);
}
static inline bool xor_unlock_is_negative_byte(unsigned long mask, volatile unsigned long *addr)
{
	__VMK_CHECKW(addr, sizeof(*addr));
	return (__vmk_xor_raw(addr, mask) ^ mask) & 0x80;
}

/* Atomics: T is the type (atomic_t / atomic_long_t), V its value type.
 * __vmk_<pfx>_rmw: the arch read-modify-write (op: 0 add, 1 and, 2 or,
 * 3 xor, 4 xchg), returning the old value; _cas: the arch cmpxchg,
 * returning the value found.  Both unchecked. */
#define __VMK_ATOMICS(pfx, T, V)								\
static inline __VMK_NOASAN V __vmk_##pfx##_rmw(T *v, V i, int op)			\
{ switch (op) {										\
  case 0: return __atomic_fetch_add(&v->counter, i, __ATOMIC_SEQ_CST);			\
  case 1: return __atomic_fetch_and(&v->counter, i, __ATOMIC_SEQ_CST);			\
  case 2: return __atomic_fetch_or(&v->counter, i, __ATOMIC_SEQ_CST);			\
  case 3: return __atomic_fetch_xor(&v->counter, i, __ATOMIC_SEQ_CST);			\
  default: return __atomic_exchange_n(&v->counter, i, __ATOMIC_SEQ_CST); } }		\
static inline __VMK_NOASAN V __vmk_##pfx##_cas(T *v, V o, V n)				\
{ __atomic_compare_exchange_n(&v->counter, &o, n, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); return o; } \
static inline V pfx##_read(const T *v) { __VMK_CHECKR(v, sizeof(*v)); return *(const volatile V *)&v->counter; } \
static inline void pfx##_set(T *v, V i) { __VMK_CHECKW(v, sizeof(*v)); *(volatile V *)&v->counter = i; } \
static inline void pfx##_add(V i, T *v) { __VMK_CHECKW(v, sizeof(*v)); __vmk_##pfx##_rmw(v, i, 0); } \
static inline void pfx##_sub(V i, T *v) { __VMK_CHECKW(v, sizeof(*v)); __vmk_##pfx##_rmw(v, -i, 0); } \
static inline void pfx##_inc(T *v) { pfx##_add(1, v); }					\
static inline void pfx##_dec(T *v) { pfx##_sub(1, v); }					\
static inline void pfx##_and(V i, T *v) { __VMK_CHECKW(v, sizeof(*v)); __vmk_##pfx##_rmw(v, i, 1); } \
static inline void pfx##_andnot(V i, T *v) { pfx##_and(~i, v); }			\
static inline void pfx##_or(V i, T *v) { __VMK_CHECKW(v, sizeof(*v)); __vmk_##pfx##_rmw(v, i, 2); } \
static inline void pfx##_xor(V i, T *v) { __VMK_CHECKW(v, sizeof(*v)); __vmk_##pfx##_rmw(v, i, 3); } \
static inline V pfx##_xchg(T *v, V i) { __VMK_CHECKW(v, sizeof(*v)); return __vmk_##pfx##_rmw(v, i, 4); } \
static inline V pfx##_cmpxchg(T *v, V o, V n) { __VMK_CHECKW(v, sizeof(*v)); return __vmk_##pfx##_cas(v, o, n); } \
/* The arch try_cmpxchg: *old read and, on failure, written back in C. */		\
static inline bool __vmk_##pfx##_try_cas(T *v, V *o, V n)				\
{ V old = *o, r = __vmk_##pfx##_cas(v, old, n); if (r != old) *o = r; return r == old; }	\
static inline bool pfx##_try_cmpxchg(T *v, V *o, V n) { __VMK_CHECKW(v, sizeof(*v)); __VMK_CHECKW(o, sizeof(*o)); return __vmk_##pfx##_try_cas(v, o, n); } \
static inline V pfx##_add_return(V i, T *v) { __VMK_CHECKW(v, sizeof(*v)); return __vmk_##pfx##_rmw(v, i, 0) + i; } \
static inline V pfx##_sub_return(V i, T *v) { __VMK_CHECKW(v, sizeof(*v)); return __vmk_##pfx##_rmw(v, -i, 0) - i; } \
static inline V pfx##_inc_return(T *v) { return pfx##_add_return(1, v); }		\
static inline V pfx##_dec_return(T *v) { return pfx##_sub_return(1, v); }		\
static inline bool pfx##_sub_and_test(V i, T *v) { return pfx##_sub_return(i, v) == 0; } \
static inline bool pfx##_dec_and_test(T *v) { return pfx##_sub_return(1, v) == 0; }	\
static inline bool pfx##_inc_and_test(T *v) { return pfx##_add_return(1, v) == 0; }	\
static inline bool pfx##_add_negative(V i, T *v) { return pfx##_add_return(i, v) < 0; } \
/* Linux's fallbacks: raw_atomic_read (plain C), then a cmpxchg loop. */		\
static inline bool pfx##_add_unless(T *v, V a, V u)					\
{ V c; __VMK_CHECKW(v, sizeof(*v)); c = *(const volatile V *)&v->counter;		\
  do { if (c == u) return false; } while (!__vmk_##pfx##_try_cas(v, &c, c + a));	\
  return true; }									\
static inline bool pfx##_inc_not_zero(T *v) { return pfx##_add_unless(v, 1, 0); }	\
static inline bool pfx##_inc_unless_negative(T *v)					\
{ V c; __VMK_CHECKW(v, sizeof(*v)); c = *(const volatile V *)&v->counter;		\
  do { if (c < 0) return false; } while (!__vmk_##pfx##_try_cas(v, &c, c + 1));	\
  return true; }									\
static inline bool pfx##_dec_unless_positive(T *v)					\
{ V c; __VMK_CHECKW(v, sizeof(*v)); c = *(const volatile V *)&v->counter;		\
  do { if (c > 0) return false; } while (!__vmk_##pfx##_try_cas(v, &c, c - 1));	\
  return true; }									\
static inline V pfx##_dec_if_positive(T *v)						\
{ V c; __VMK_CHECKW(v, sizeof(*v)); c = *(const volatile V *)&v->counter;		\
  do { if (c - 1 < 0) return c - 1; } while (!__vmk_##pfx##_try_cas(v, &c, c - 1));	\
  return c - 1; }
__VMK_ATOMICS(atomic, atomic_t, int)
__VMK_ATOMICS(atomic_long, atomic_long_t, long)
__VMK_ATOMICS(atomic64, atomic64_t, long long)
#define ATOMIC_INIT(i) { (i) }
/* Plain C in Linux (READ_ONCE/WRITE_ONCE and a barrier): the compiler's
 * check is the one report. */
#define smp_load_acquire(p) ({ __typeof__(*(p)) __v = *(volatile __typeof__(*(p)) *)(p);	\
	__atomic_thread_fence(__ATOMIC_ACQUIRE); __v; })
#define smp_store_release(p, v) do { __atomic_thread_fence(__ATOMIC_RELEASE);		\
	*(volatile __typeof__(*(p)) *)(p) = (v); } while (0)
#define smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define mb() smp_mb()
#define rmb() smp_mb()
#define wmb() smp_mb()
#define smp_rmb() smp_mb()
#define smp_wmb() smp_mb()

/* Kthreads and workqueues are built on the host's threads: the RISC-V
 * guest's modules (vmkasan-cc --target=riscv64-virt --kernel) have
 * neither. */
#ifndef __vmkasan_riscv__
#include "vmkasan_sched.h"
#include "vmkasan_workqueue.h"
#include "vmkasan_lib.h"
#endif

/* ---- mempool (mm/mempool.c): elements in the pool are poisoned ---- */
typedef void *(mempool_alloc_t)(gfp_t gfp, void *pool_data);
typedef void (mempool_free_t)(void *element, void *pool_data);
typedef struct mempool_s {
	int min_nr, curr_nr;
	void **elements;
	void *pool_data;
	mempool_alloc_t *alloc;
	mempool_free_t *free;
	int kind;	/* 1 kmalloc, 2 slab, 3 pages */
} mempool_t;
__VMK_WEAK void *mempool_kmalloc(gfp_t gfp, void *data) { return kmalloc((size_t)data, gfp); }
__VMK_WEAK void mempool_kfree(void *e, void *data) { (void)data; kfree(e); }
__VMK_WEAK void *mempool_alloc_slab(gfp_t gfp, void *data) { return kmem_cache_alloc(data, gfp); }
__VMK_WEAK void mempool_free_slab(void *e, void *data) { kmem_cache_free(data, e); }
__VMK_WEAK void *mempool_alloc_pages(gfp_t gfp, void *data) { return alloc_pages(gfp, (unsigned)(long)data); }
__VMK_WEAK void mempool_free_pages(void *e, void *data) { __free_pages(e, (unsigned)(long)data); }

/* ip: mempool_free's caller, whom a bad free names (as in Linux). */
static inline bool __vmk_pool_poison(mempool_t *pool, void *e, unsigned long ip)
{
	if (pool->kind == 3)
		return __kasan_mempool_poison_pages(e, (unsigned)(long)pool->pool_data, ip);
	return __kasan_mempool_poison_object(e, ip);
}
static inline void __vmk_pool_unpoison(mempool_t *pool, void *e)
{
	if (pool->kind == 1)
		kasan_mempool_unpoison_object(e, (size_t)pool->pool_data);
	else if (pool->kind == 2)
		kasan_mempool_unpoison_object(e, kmem_cache_size(pool->pool_data));
	else
		kasan_mempool_unpoison_pages(e, (unsigned)(long)pool->pool_data);
}
__VMK_WEAK void mempool_exit(mempool_t *pool)
{
	while (pool->curr_nr) {
		void *e = pool->elements[--pool->curr_nr];

		__vmk_pool_unpoison(pool, e);
		pool->free(e, pool->pool_data);
	}
	kfree(pool->elements);
	pool->elements = NULL;
}
__VMK_WEAK int __vmk_mempool_init(mempool_t *pool, int min_nr, mempool_alloc_t *a,
				  mempool_free_t *f, void *data, int kind)
{
	pool->min_nr = min_nr;
	pool->curr_nr = 0;
	pool->alloc = a;
	pool->free = f;
	pool->pool_data = data;
	pool->kind = kind;
	pool->elements = kmalloc_array(min_nr ? min_nr : 1, sizeof(void *), GFP_KERNEL);
	if (!pool->elements)
		return -ENOMEM;
	while (pool->curr_nr < min_nr) {
		void *e = a(GFP_KERNEL, data);

		if (!e) {
			mempool_exit(pool);
			return -ENOMEM;
		}
		if (__vmk_pool_poison(pool, e, (unsigned long)__builtin_return_address(0)))
			pool->elements[pool->curr_nr++] = e;
	}
	return 0;
}
#define mempool_init_kmalloc_pool(p, n, size) \
	__vmk_mempool_init((p), (n), mempool_kmalloc, mempool_kfree, (void *)(size_t)(size), 1)
#define mempool_init_slab_pool(p, n, c) \
	__vmk_mempool_init((p), (n), mempool_alloc_slab, mempool_free_slab, (void *)(c), 2)
#define mempool_init_page_pool(p, n, order) \
	__vmk_mempool_init((p), (n), mempool_alloc_pages, mempool_free_pages, (void *)(long)(order), 3)
static inline mempool_t *__vmk_mempool_create(int n, mempool_alloc_t *a, mempool_free_t *f,
					      void *data, int kind)
{
	mempool_t *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (p && __vmk_mempool_init(p, n, a, f, data, kind)) {
		kfree(p);
		return NULL;
	}
	return p;
}
#define mempool_create_kmalloc_pool(n, size) \
	__vmk_mempool_create((n), mempool_kmalloc, mempool_kfree, (void *)(size_t)(size), 1)
#define mempool_create_slab_pool(n, c) \
	__vmk_mempool_create((n), mempool_alloc_slab, mempool_free_slab, (void *)(c), 2)
#define mempool_create_page_pool(n, order) \
	__vmk_mempool_create((n), mempool_alloc_pages, mempool_free_pages, (void *)(long)(order), 3)
__VMK_WEAK void *mempool_alloc_preallocated(mempool_t *pool)
{
	void *e;

	if (!pool->curr_nr)
		return NULL;
	e = pool->elements[--pool->curr_nr];
	__vmk_pool_unpoison(pool, e);
	return e;
}
__VMK_WEAK void *mempool_alloc(mempool_t *pool, gfp_t gfp)
{
	void *e = pool->alloc(gfp, pool->pool_data);

	return e ? e : mempool_alloc_preallocated(pool);
}
__VMK_WEAK void mempool_free(void *e, mempool_t *pool)
{
	if (!e)
		return;
	if (pool->curr_nr < pool->min_nr) {
		if (__vmk_pool_poison(pool, e, (unsigned long)__builtin_return_address(0)))
			pool->elements[pool->curr_nr++] = e;
		return;
	}
	pool->free(e, pool->pool_data);
}
__VMK_WEAK void mempool_destroy(mempool_t *pool)
{
	if (pool) {
		mempool_exit(pool);
		kfree(pool);
	}
}

/* ---- tracepoints: the console one is the report hook ---- */
typedef void (*__vmk_console_probe_t)(void *data, const char *buf, size_t len);
__VMK_WEAK __vmk_console_probe_t __vmk_console_probe;
__VMK_WEAK void *__vmk_console_data;
__VMK_WEAK void __vmk_console_hook(const char *text, size_t len)
{
	if (__vmk_console_probe)
		__vmk_console_probe(__vmk_console_data, text, len);
}
static inline int register_trace_console(__vmk_console_probe_t probe, void *data)
{
	__vmk_console_probe = probe;
	__vmk_console_data = data;
	return 0;
}
static inline int unregister_trace_console(__vmk_console_probe_t probe, void *data)
{
	(void)probe; (void)data;
	__vmk_console_probe = NULL;
	return 0;
}
#define tracepoint_synchronize_unregister() do { } while (0)

/* ---- modules ---- */
#ifdef VMKASAN_KO
/* Built as a loadable module (vmkasan-cc --kernel -c ... -o foo.ko): the
 * records the loader (src/module/main.c) reads, named as Linux names
 * them: init_module/cleanup_module, __ksymtab, __param, .modinfo. */
#define __VMK_MODINFO(tag, info)						\
	static const char __VMK_UNIQ(__vmk_modinfo_)[] __attribute__((used, retain, section(".modinfo"), \
		aligned(1))) = #tag "=" info
#define __VMK_UNIQ(p)		__VMK_UNIQ2(p, __COUNTER__)
#define __VMK_UNIQ2(p, n)	__VMK_UNIQ3(p, n)
#define __VMK_UNIQ3(p, n)	p##n
#define MODULE_LICENSE(x)	__VMK_MODINFO(license, x)
#define MODULE_AUTHOR(x)	__VMK_MODINFO(author, x)
#define MODULE_DESCRIPTION(x)	__VMK_MODINFO(description, x)
#define MODULE_INFO(tag, info)	__VMK_MODINFO(tag, info)
#define MODULE_PARM_DESC(name, desc) __VMK_MODINFO(parm, #name ":" desc)
struct __vmk_ksym { const void *addr; const char *name; };
#define EXPORT_SYMBOL(x)							\
	static const struct __vmk_ksym __ksymtab_##x __attribute__((used, retain, section("__ksymtab"), aligned(sizeof(void *)))) \
		= { (const void *)&x, #x }
#define EXPORT_SYMBOL_GPL(x)		EXPORT_SYMBOL(x)
#define EXPORT_SYMBOL_IF_KUNIT(x)	EXPORT_SYMBOL(x)
struct __vmk_kparam { const char *name; const char *type; void *p; };
#define module_param(name, type, perm)						\
	static const struct __vmk_kparam __param_##name __attribute__((used, retain, section("__param"), aligned(sizeof(void *)))) \
		= { #name, #type, (void *)&name }
typedef int (*__vmk_initcall_t)(void);
/* Complete declarations, as Linux's: with or without a ';' after them. */
#define module_init(fn)								\
	static inline __vmk_initcall_t __maybe_unused __vmk_inittest(void) { return fn; } \
	int init_module(void) __attribute__((alias(#fn)));
#define module_exit(fn)								\
	static inline void (*__maybe_unused __vmk_exittest(void))(void) { return fn; } \
	void cleanup_module(void) __attribute__((alias(#fn)));
#else
/* Built into the program: parameters are its --name=value arguments. */
#define MODULE_LICENSE(x)
#define MODULE_AUTHOR(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_INFO(tag, info)
#define EXPORT_SYMBOL(x)
#define EXPORT_SYMBOL_GPL(x)
#define EXPORT_SYMBOL_IF_KUNIT(x)
struct __vmk_param { const char *name; const char *type; void *p; struct __vmk_param *next; };
__VMK_WEAK struct __vmk_param *__vmk_params;
#define module_param(name, type, perm)						\
	static struct __vmk_param __vmk_param_##name = { #name, #type, &name, NULL };	\
	__attribute__((constructor)) static void __vmk_param_reg_##name(void)		\
	{ __vmk_param_##name.next = __vmk_params; __vmk_params = &__vmk_param_##name; }
#define MODULE_PARM_DESC(name, desc)
typedef int (*__vmk_initcall_t)(void);
__VMK_WEAK __vmk_initcall_t __vmk_module_init;
__VMK_WEAK const char *__vmk_module_init_name;
__VMK_WEAK void (*__vmk_module_exit)(void);
#define module_init(fn)								\
	__attribute__((constructor)) static void __vmk_modinit_reg(void)	\
	{ __vmk_module_init = fn; __vmk_module_init_name = #fn; }
#define module_exit(fn)								\
	__attribute__((constructor)) static void __vmk_modexit_reg(void) { __vmk_module_exit = fn; }
#endif

/* KUnit; in a module without the runner of kernel files built into a
 * program (a module has no main()).  The RISC-V guest's modules are
 * built without a C library's headers, and its KUnit has no kthreads. */
#if !defined(VMKASAN_KO) || !defined(__vmkasan_riscv__)
#include "vmkasan_kunit.h"
#endif

#undef __VMK_LIBC
#undef __BIG_ENDIAN

#endif
