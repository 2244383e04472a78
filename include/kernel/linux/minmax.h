/* SPDX-License-Identifier: MIT */
/* min()/max() are in vmkasan_kernel.h; swap() only here and in
 * <linux/kernel.h> and what includes it, as in the kernel (lib/sort.c
 * calls a member named swap with three arguments). */
#include <vmkasan_kernel.h>
#ifndef swap
#define swap(a, b) do { __typeof__(a) __s = (a); (a) = (b); (b) = __s; } while (0)
#endif
