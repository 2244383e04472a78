/* SPDX-License-Identifier: MIT */
/*
 * The hosted x86-64 port's layout: the constants platform.h asks for,
 * and the regions of the Linux user address space as vmkasan divides
 * it.  The offset 0x7fff8000 is the one gcc already uses for user-space
 * ASan, so the shadow regions are those of compiler-rt's x86-64 mapping;
 * the runtime's RAM sits in high memory at fixed addresses:
 *
 *   0x8000_0000_0000 ┐ end of user space: PLAT_ADDR_LIMIT
 *                    │ (stacks, ld.so, libraries)
 *   0x6100_0000_0000 ┤
 *   0x6000_0000_0000 ┤ vmalloc space, 1 TiB (identity frames of the memfd)
 *                    │ (PIE executables near 0x5555_5555_0000)
 *   0x5010_0000_0000 ┤
 *   0x5000_0000_0000 ┤ linear map: alloc_pages() frames, 64 GiB
 *   0x1000_7fff_8000 ┤ high memory starts
 *   0x0200_8fff_7000 ┤ high shadow: shadow(a) = (a >> 3) + 0x7fff_8000
 *   0x0000_8fff_7000 ┤ shadow gap: the shadow of the shadow, never valid
 *   0x0000_7fff_8000 ┤ low shadow
 *   0x0000_0000_0000 ┘ low memory (non-PIE executables, brk heap)
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
/* The ELF machine of the modules it loads (EM_X86_64). */
#define PLAT_ELF_MACHINE	62

#define LOW_MEM_END		0x00007fff8000UL
#define LOW_SHADOW_START	0x00007fff8000UL
#define LOW_SHADOW_END		0x00008fff7000UL
#define SHADOW_GAP_START	LOW_SHADOW_END
#define SHADOW_GAP_END		HIGH_SHADOW_START
#define HIGH_SHADOW_START	0x02008fff7000UL
#define HIGH_SHADOW_END		0x10007fff8000UL
#define HIGH_MEM_START		HIGH_SHADOW_END
#define HIGH_MEM_END		0x800000000000UL

#define LINEAR_START		0x500000000000UL
#define GENERAL_PAGES		(16UL << 20)	/* 64 GiB of alloc_pages() frames */
#define VMALLOC_BASE		0x600000000000UL
#define VMALLOC_BYTES		(1UL << 40)	/* 1 TiB */

#endif
