// SPDX-License-Identifier: MIT
/* Built -fno-pic (tests/module/run.sh): a PC32/32S reference to the
 * program's data, which the vmalloc space cannot reach in 32 bits. */
#include <linux/module.h>

extern char *test_stale_data;

static int __init mod_far_init(void)
{
	return test_stale_data != 0;
}
module_init(mod_far_init);
MODULE_LICENSE("GPL");
