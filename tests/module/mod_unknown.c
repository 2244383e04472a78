// SPDX-License-Identifier: MIT
/* Calls a function nothing exports. */
#include <linux/module.h>

int no_such_kernel_function(void);

static int __init mod_unknown_init(void) { return no_such_kernel_function(); }
module_init(mod_unknown_init);
MODULE_LICENSE("GPL");
