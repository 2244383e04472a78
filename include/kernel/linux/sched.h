/* SPDX-License-Identifier: MIT */
/* vmkasan kernel-compatibility header: everything is in vmkasan_kernel.h
 * and <linux/kernel.h>, which the kernel's includes too. */
#include <linux/kernel.h>
