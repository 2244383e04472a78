// SPDX-License-Identifier: MIT
/* Leaves the program pointers into its init data (freed after init)
 * and into its data (freed at unload). */
#include <linux/module.h>
#include <linux/kernel.h>

extern char *test_stale_data, *test_stale_init;
char mod_stale_data[64] = "data";
static char mod_stale_initbuf[64] __initdata = "init";

static int __init mod_stale_init(void)
{
	test_stale_data = mod_stale_data;
	test_stale_init = mod_stale_initbuf;
	return 0;
}
static void __exit mod_stale_exit(void) { }
module_init(mod_stale_init);
module_exit(mod_stale_exit);
MODULE_LICENSE("GPL");
