/* SPDX-License-Identifier: MIT */
/* get_random_*() are in vmkasan_kernel.h; the kernel's random.h ends
 * with <linux/prandom.h>: so does this one where the kernel source's is
 * taken (vmkasan-kunit --ksrc; lib/random32.c then builds). */
#include <vmkasan_kernel.h>
#include <linux/minmax.h>
#if __has_include(<vmkasan_ksrc.h>)
#include <linux/prandom.h>
#endif
