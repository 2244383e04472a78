/* SPDX-License-Identifier: MIT */
/*
 * The x86-64 Linux user address space as vmkasan divides it.  The
 * offset 0x7fff8000 is the one gcc already uses for user-space ASan, so
 * the regions are those of compiler-rt's x86-64 mapping:
 *
 *   [0x10007fff8000, 0x800000000000)  high memory (PIE, libraries, stacks, vmalloc space)
 *   [0x02008fff7000, 0x10007fff8000)  high shadow
 *   [0x00008fff7000, 0x02008fff7000)  shadow gap: the shadow of the shadow, never valid
 *   [0x00007fff8000, 0x00008fff7000)  low shadow
 *   [0x000000000000, 0x00007fff8000)  low memory (non-PIE executables, brk heap)
 */
#ifndef VMKASAN_HOSTED_LAYOUT_H
#define VMKASAN_HOSTED_LAYOUT_H

#define LOW_MEM_END		0x00007fff8000UL
#define LOW_SHADOW_START	0x00007fff8000UL
#define LOW_SHADOW_END		0x00008fff7000UL
#define SHADOW_GAP_START	LOW_SHADOW_END
#define SHADOW_GAP_END		HIGH_SHADOW_START
#define HIGH_SHADOW_START	0x02008fff7000UL
#define HIGH_SHADOW_END		0x10007fff8000UL
#define HIGH_MEM_START		HIGH_SHADOW_END
#define HIGH_MEM_END		0x800000000000UL

#endif
