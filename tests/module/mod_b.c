// SPDX-License-Identifier: MIT
/* Uses mod_a's exports. */
#include <linux/module.h>
#include <linux/kernel.h>

extern int mod_a_value;
int mod_a_add(int x);

static int __init mod_b_init(void)
{
	pr_info("mod_b: %d %d\n", mod_a_add(1), mod_a_value);
	return 0;
}
static void __exit mod_b_exit(void) { }
module_init(mod_b_init);
module_exit(mod_b_exit);
MODULE_LICENSE("GPL");
