/* SPDX-License-Identifier: MIT */
/*
 * The machine's string functions, as an arch's asm/string.h names them
 * (__HAVE_ARCH_*, Linux 6.12's include/linux/string.h and lib/string.c):
 * here, the runtime's checked mem* and str* (src/kasan/string*.c), which
 * check every byte they touch and report at their caller as the kernel's
 * instrumented ones do.  Built unchanged, the kernel's lib/string.c then
 * defines only the rest (strcasecmp, strlcat, sized_strscpy, memset16
 * ...), instrumented.  FORTIFY_SOURCE is off: CONFIG_FORTIFY_SOURCE is
 * not set, so <linux/fortify-string.h> is not used.
 */
#ifndef VMKASAN_ASM_STRING_H
#define VMKASAN_ASM_STRING_H
#include <vmkasan_kernel.h>
#define __HAVE_ARCH_MEMCPY 1
#define __HAVE_ARCH_MEMMOVE 1
#define __HAVE_ARCH_MEMSET 1
#define __HAVE_ARCH_MEMCMP 1
#define __HAVE_ARCH_BCMP 1
#define __HAVE_ARCH_MEMCHR 1
#define __HAVE_ARCH_STRLEN 1
#define __HAVE_ARCH_STRNLEN 1
#define __HAVE_ARCH_STRCHR 1
#define __HAVE_ARCH_STRRCHR 1
#define __HAVE_ARCH_STRCMP 1
#define __HAVE_ARCH_STRNCMP 1
#define __HAVE_ARCH_STRCPY 1
#define __HAVE_ARCH_STRNCPY 1
#define __HAVE_ARCH_STRCAT 1
#define __HAVE_ARCH_STRNCAT 1
#define __HAVE_ARCH_STRSTR 1
/*
 * memset64(), as x86-64's asm/string_64.h has its own: the kernel's
 * uint64_t is its u64 (unsigned long long), libc's is unsigned long, and
 * kernel code passes either (a u64 array, <linux/string.h>'s memset_l()):
 * both are the 64-bit word here.
 */
#define __HAVE_ARCH_MEMSET64 1
static inline void *__vmk_memset64(void *s, u64 v, __kernel_size_t count)
{
	u64 *p = s;

	while (count--)
		*p++ = v;
	return s;
}
#define memset64(s, v, count) __vmk_memset64((s), (v), (count))
#endif
