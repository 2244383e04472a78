/* SPDX-License-Identifier: MIT */
/*
 * The kernel's type limits (include/vdso/limits.h's names).  libc's own
 * headers include this name for the user-space one: then that is used.
 */
#ifdef __VMK_LIBC
#include_next <linux/limits.h>
#else
#ifndef VMKASAN_LINUX_LIMITS_H
#define VMKASAN_LINUX_LIMITS_H
#include <vmkasan_kernel.h>
#endif
#endif
