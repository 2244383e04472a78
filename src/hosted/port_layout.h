/* SPDX-License-Identifier: MIT */
/*
 * The hosted x86-64 port's constants for platform.h: gcc's user-space
 * ASan offset (see layout.h for the regions it implies).
 */
#ifndef VMKASAN_HOSTED_PORT_LAYOUT_H
#define VMKASAN_HOSTED_PORT_LAYOUT_H

#if !defined(__x86_64__)
#error "vmkasan: the hosted port is Linux x86-64 only"
#endif
#define PLAT_SHADOW_OFFSET	0x7fff8000UL
#define PLAT_PAGE_SHIFT		12
/* Addresses at or above this are not user addresses at all. */
#define PLAT_ADDR_LIMIT		0x800000000000UL
/* The port maps vmalloc shadow that reads as zero without a frame
 * (plat_shadow_zero_map in ram.c). */
#define PLAT_HAS_SHADOW_ZERO	1
/* x86-64 frame pointer: [rbp] = caller's rbp, [rbp + 8] = return address. */
#define PLAT_FRAME_RECORD_OFFSET 0

#endif
