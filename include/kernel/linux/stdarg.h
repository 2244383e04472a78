/* SPDX-License-Identifier: MIT */
/* vmkasan kernel-compatibility header: everything is in vmkasan_kernel.h. */
#include <vmkasan_kernel.h>
