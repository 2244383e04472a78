/* SPDX-License-Identifier: MIT */
/* x86-64 and RISC-V64 are little-endian: the kernel source's generic
 * byte order (linux/byteorder/little_endian.h, taken with --ksrc). */
#include <vmkasan_kernel.h>
#include <linux/byteorder/little_endian.h>
