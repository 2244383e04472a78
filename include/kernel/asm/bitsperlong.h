/* SPDX-License-Identifier: MIT */
/*
 * The word size (64-bit machines only).  Where the kernel source's
 * <linux/bits.h> is taken (vmkasan-kunit) it includes this before it
 * defines BIT_MASK(), which vmkasan_kernel.h's bitops use: so this must
 * not pull vmkasan_kernel.h in there; elsewhere it does, as every layer
 * header does.
 */
#ifndef VMKASAN_ASM_BITSPERLONG_H
#define VMKASAN_ASM_BITSPERLONG_H
#define BITS_PER_LONG 64
#define BITS_PER_LONG_LONG 64
#define __BITS_PER_LONG 64
#define __BITS_PER_LONG_LONG 64
#endif
#if !__has_include(<vmkasan_ksrc.h>)
#include <vmkasan_kernel.h>
#endif
