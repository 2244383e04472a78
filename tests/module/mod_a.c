// SPDX-License-Identifier: MIT
/* A module with a parameter, an exported variable and function. */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>

static int count = 3;
module_param(count, int, 0444);
int mod_a_value = 42;
EXPORT_SYMBOL(mod_a_value);
int mod_a_add(int x) { return x + mod_a_value; }
EXPORT_SYMBOL(mod_a_add);

static int __init mod_a_init(void)
{
	char *p = kmalloc(16, GFP_KERNEL);

	pr_info("mod_a: init count=%d\n", count);
	kfree(p);
	return 0;
}
static void __exit mod_a_exit(void) { pr_info("mod_a: exit\n"); }
module_init(mod_a_init);
module_exit(mod_a_exit);
MODULE_LICENSE("GPL");
