// SPDX-License-Identifier: MIT
/* Writes to its own read-only data (Linux maps module rodata read-only). */
#include <linux/module.h>

static const int mod_rodata_value = 1;

static int __init mod_rodata_init(void)
{
	*(volatile int *)&mod_rodata_value = 2;
	return 0;
}
module_init(mod_rodata_init);
MODULE_LICENSE("GPL");
