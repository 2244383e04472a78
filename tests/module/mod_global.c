// SPDX-License-Identifier: MIT
/* Overflows a module global by one byte. */
#include <linux/module.h>
#include <linux/kernel.h>

char mod_global_buf[10];
EXPORT_SYMBOL(mod_global_buf);
static volatile int idx = 10;
module_param(idx, int, 0444);

static int __init mod_global_init(void)
{
	mod_global_buf[idx] = 1;
	return 0;
}
static void __exit mod_global_exit(void) { }
module_init(mod_global_init);
module_exit(mod_global_exit);
MODULE_LICENSE("GPL");
