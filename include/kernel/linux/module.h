/* SPDX-License-Identifier: MIT */
/* vmkasan kernel-compatibility header: everything is in vmkasan_kernel.h
 * and <linux/kernel.h>, which the kernel's includes too; and, as the
 * kernel's does (directly, and through cpumask.h), <linux/list.h> and
 * <linux/bitmap.h> where the kernel source's are taken (vmkasan-kunit
 * --ksrc). */
#include <linux/kernel.h>
#if __has_include(<vmkasan_ksrc.h>)
#include <linux/list.h>
#include <linux/bitmap.h>
#endif
