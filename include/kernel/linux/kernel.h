/* SPDX-License-Identifier: MIT */
/* vmkasan kernel-compatibility header: everything is in vmkasan_kernel.h,
 * swap() (minmax.h), lib/cmdline.c's functions, and, as the kernel's
 * kernel.h does, ilog2(), the byte order, hex_to_bin() and kstrto*() where the
 * kernel source's log2.h, byteorder/, hex.h and kstrtox.h are taken
 * (vmkasan-kunit --ksrc). */
#include <vmkasan_kernel.h>
#include <linux/minmax.h>
#include <linux/printk.h>
#if __has_include(<vmkasan_ksrc.h>)
#include <linux/log2.h>
#include <asm/byteorder.h>
#include <linux/hex.h>
#include <linux/kstrtox.h>
#endif
int get_option(char **str, int *pint);
char *get_options(const char *str, int nints, int *ints);
unsigned long long memparse(const char *ptr, char **retptr);
bool parse_option_str(const char *str, const char *option);
char *next_arg(char *args, char **param, char **val);
