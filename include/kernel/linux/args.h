/* SPDX-License-Identifier: MIT */
/*
 * COUNT_ARGS() and CONCATENATE() (the names of Linux's <linux/args.h>,
 * which <linux/string.h>'s strscpy() uses).  The layer's own: the
 * kernel's header also defines __CONCAT, which libc's <sys/cdefs.h>
 * defines too.
 */
#ifndef VMKASAN_LINUX_ARGS_H
#define VMKASAN_LINUX_ARGS_H
#include <vmkasan_kernel.h>
/* The number of arguments, 0 to 15: each one shifts the count list right. */
#define __vmk_nth_arg(_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, n, ...) n
#define COUNT_ARGS(...) __vmk_nth_arg(, ##__VA_ARGS__, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define __vmk_paste(a, b) a##b
#define CONCATENATE(a, b) __vmk_paste(a, b)
#endif
