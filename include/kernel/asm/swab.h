/* SPDX-License-Identifier: MIT */
/* No arch byte swaps: uapi/linux/swab.h's generic ones (compiler builtins). */
#include <vmkasan_kernel.h>
