/* SPDX-License-Identifier: MIT */
/*
 * vmkasan public interface.
 *
 * vmkasan is a generic-mode KASAN runtime for programs built with
 * -fsanitize=kernel-address (use build/bin/vmkasan-cc).  This header is
 * what an instrumented program may call directly: manual poisoning,
 * report statistics and (see the vmalloc section) a vmalloc space with
 * kernel semantics.
 */
#ifndef VMKASAN_H
#define VMKASAN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Shadow mapping: shadow = (addr >> 3) + VMKASAN_SHADOW_OFFSET. */
#define VMKASAN_SHADOW_SCALE_SHIFT	3
#define VMKASAN_SHADOW_OFFSET		0x7fff8000UL

/* Mark [addr, addr + size) inaccessible / accessible.  addr must be
 * 8-byte aligned for poisoning; unpoisoning handles a partial tail. */
void vmkasan_poison(const volatile void *addr, size_t size);
void vmkasan_unpoison(const volatile void *addr, size_t size);

/* Address of the first poisoned byte in [addr, addr + size), or NULL. */
void *vmkasan_region_is_poisoned(const volatile void *addr, size_t size);

/* Number of reports printed so far (including suppressed duplicates). */
unsigned long vmkasan_report_count(void);

/* Shadow byte address for a memory address (the kernel's name). */
void *kasan_mem_to_shadow(const void *addr);

#ifdef __cplusplus
}
#endif
#endif /* VMKASAN_H */
