/* SPDX-License-Identifier: MIT */
/* vmkasan kernel-compatibility header: everything is in vmkasan_kernel.h;
 * and, as the kernel's <kunit/test.h> does, <linux/string.h> (the kernel
 * source's, where vmkasan-kunit takes it). */
#include <vmkasan_kernel.h>
#include <linux/string.h>
