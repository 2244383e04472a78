// SPDX-License-Identifier: MIT
/* Overflows a module global by one byte (idx=10), from a function that
 * stays after init (its trace line is decoded from the .ko). */
#include <linux/module.h>
#include <linux/kernel.h>

char mod_global_buf[10];
EXPORT_SYMBOL(mod_global_buf);
static int idx = 10;
module_param(idx, int, 0444);

noinline void mod_global_poke(int i)
{
	mod_global_buf[i] = 1;	/* the bad write: line 14 */
}

static int __init mod_global_init(void)
{
	mod_global_poke(idx);
	return 0;
}
static void __exit mod_global_exit(void) { }
module_init(mod_global_init);
module_exit(mod_global_exit);
MODULE_LICENSE("GPL");
