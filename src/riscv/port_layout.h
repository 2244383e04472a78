/* SPDX-License-Identifier: MIT */
/*
 * The bare-metal RISC-V64 port's constants for platform.h.  Everything
 * lives in the lower half of Sv39 (39-bit VAs, [0, 256 GiB)), which keeps
 * the image identity-mapped and every address canonical:
 *
 *   0x40_0000_0000 ┐ end of the lower half: PLAT_ADDR_LIMIT
 *   0x38_0000_0000 ┤ (nothing)
 *   0x30_0000_0000 ┤ shadow of [0, 256 GiB), 32 GiB: shadow(a) = (a >> 3) + 0x30_0000_0000
 *                  │   0x32_0000_0000 +512 MiB  shadow of the vmalloc space (poison page or frames)
 *                  │   0x30_1000_0000 +4 MiB    shadow of RAM (the linear map), present from boot
 *                  │   0x30_0000_0000           shadow of page 0: poisoned, NULL reports
 *   0x11_0000_0000 ┤
 *   0x10_0000_0000 ┤ vmalloc space, 4 GiB
 *   0x08_0000_0000 ┤ runtime metadata (mem_map ...), demand-paged: zero page on read
 *   0x00_8200_0000 ┤
 *   0x00_8000_0000 ┤ RAM, 32 MiB, identity-mapped: image, stacks, page pool (linear map)
 *   0x00_0000_0000 ┘ devices: sifive_test 0x100000, CLINT 0x2000000, UART 0x10000000
 */
#ifndef VMKASAN_RISCV_PORT_LAYOUT_H
#define VMKASAN_RISCV_PORT_LAYOUT_H

#if !defined(__riscv) || __riscv_xlen != 64
#error "vmkasan: the riscv port is RV64 only"
#endif
#define PLAT_SHADOW_OFFSET	0x3000000000UL
#define PLAT_PAGE_SHIFT		12
#define PLAT_ADDR_LIMIT		0x4000000000UL
/* gcc and clang with frame pointers: ra at fp-8, the caller's fp at fp-16. */
#define PLAT_FRAME_RECORD_OFFSET (-16)

#define RV_RAM_BASE		0x80000000UL
#define RV_META_BASE		0x0800000000UL
#define RV_META_SIZE		0x0400000000UL	/* 16 GiB of VA, demand-paged */
#define RV_VMALLOC_BASE		0x1000000000UL
#define RV_VMALLOC_SIZE		0x0100000000UL	/* 4 GiB */
#define RV_SHADOW_START		0x3000000000UL
#define RV_SHADOW_END		0x3800000000UL

#define RV_UART_BASE		0x10000000UL
#define RV_TEST_BASE		0x100000UL
#define RV_CLINT_BASE		0x2000000UL
#define RV_MAX_HARTS		4
/* A big area's shadow can be the zero page until written (pgtable.c). */
#define PLAT_HAS_SHADOW_ZERO	1
/* Modules are RISC-V ELF (EM_RISCV, psABI): src/riscv/module.c. */
#define PLAT_ELF_MACHINE	243

#endif
