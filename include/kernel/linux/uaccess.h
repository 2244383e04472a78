/* SPDX-License-Identifier: MIT */
/* vmkasan kernel-compatibility header: copy_from_user()/copy_to_user()
 * are in vmkasan_lib.h (through vmkasan_kernel.h). */
#ifndef VMKASAN_LINUX_UACCESS_H
#define VMKASAN_LINUX_UACCESS_H
#include <vmkasan_kernel.h>
#endif
