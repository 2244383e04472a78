/* SPDX-License-Identifier: MIT */
/* vmkasan kernel-compatibility header: printk(), pr_*() and the hex dump
 * API of Linux 6.12's <linux/printk.h> (which the kernel source's
 * lib/hexdump.c defines) are in vmkasan_kernel.h and vmkasan_lib.h. */
#ifndef VMKASAN_LINUX_PRINTK_H
#define VMKASAN_LINUX_PRINTK_H
#include <vmkasan_kernel.h>
#endif
