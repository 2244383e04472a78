/* SPDX-License-Identifier: MIT */
/* The errno values are the system's (libc includes this name for its
 * own <errno.h>: then the system's header is the one used). */
#ifdef __VMK_LIBC
#include_next <linux/errno.h>
#else
#include <vmkasan_kernel.h>
#endif
