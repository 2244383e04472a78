/* SPDX-License-Identifier: MIT */
/* What kernel code that includes mm/kasan/kasan.h (KASAN internals) needs
 * from it; vmkasan_kernel.h has it all. */
#include <vmkasan_kernel.h>
