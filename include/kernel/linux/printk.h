/* SPDX-License-Identifier: MIT */
/* vmkasan kernel-compatibility header: printk() and pr_*() are in
 * vmkasan_kernel.h; here the hex dump API of Linux 6.12's <linux/printk.h>,
 * which the kernel source's lib/hexdump.c defines. */
#ifndef VMKASAN_LINUX_PRINTK_H
#define VMKASAN_LINUX_PRINTK_H
#include <vmkasan_kernel.h>
enum { DUMP_PREFIX_NONE, DUMP_PREFIX_ADDRESS, DUMP_PREFIX_OFFSET };
int hex_dump_to_buffer(const void *buf, size_t len, int rowsize, int groupsize,
		       char *linebuf, size_t linebuflen, bool ascii);
void print_hex_dump(const char *level, const char *prefix_str, int prefix_type,
		    int rowsize, int groupsize, const void *buf, size_t len, bool ascii);
#endif
