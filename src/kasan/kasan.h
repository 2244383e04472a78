/* SPDX-License-Identifier: MIT */
/*
 * Internal definitions of the vmkasan core: the ports never include this
 * (tests/clean holds that); what they may use is in core.h.
 *
 * The core is freestanding: it may include only the compiler's
 * freestanding headers and talks to the machine through platform.h.
 * Shadow encoding follows Linux generic KASAN (mm/kasan/kasan.h):
 * 0 = all 8 bytes accessible, 1..7 = that many leading bytes
 * accessible, negative values = poisoned, the value telling why.
 */
#ifndef VMKASAN_CORE_KASAN_H
#define VMKASAN_CORE_KASAN_H

/* What the ports see, besides what follows for the core alone. */
#include "core.h"

/* ---- shadow.c ---- */
__hidden void kasan_poison_last_granule(uintptr_t addr, size_t size);
__hidden uintptr_t kasan_find_first_bad_addr(uintptr_t addr, size_t size);

/* ---- generic.c ---- */
/* A range the runtime's own checks (mem*, outline N-byte) treat as
 * unchecked: the vmalloc space under vmalloc_shadow=off. */
__hidden extern uintptr_t kasan_unchecked_start, kasan_unchecked_end;

/* ---- report.c ---- */
__hidden void kasan_print_pcs(const uintptr_t *pcs, int n);
/* "The buggy address is located N bytes {to the left,to the right,inside}
 * of\n S-byte region [start, end)", for describers (addr: the access's). */
__hidden void kasan_print_location(uintptr_t addr, uintptr_t start, size_t size,
				   const char *state);

/* ---- report_slab.c ---- */
/* The bug type of a bad access to page-allocator memory (slab objects,
 * large kmallocs, free pages) with this shadow value, or NULL. */
__hidden const char *kasan_slab_bug_type(uintptr_t addr, uint8_t shadow);
/* Tracks, object, location and physical page of a page-allocator address. */
__hidden bool kasan_describe_slab(uintptr_t addr);

/* ---- globals.c ---- */
__hidden bool kasan_describe_global(uintptr_t addr);

/* ---- stack.c ---- */
__hidden bool kasan_describe_stack(uintptr_t addr);
__hidden bool kasan_describe_stack_access(uintptr_t addr, uintptr_t bad);

/* ---- report_vmalloc.c ---- */
/* Is a bad access at addr with this shadow value a vmalloc-out-of-bounds?
 * (Stack values on a vmap stack are left to the stack's own names.) */
__hidden bool kasan_vmalloc_bug_type(uintptr_t addr, uint8_t shadow);
__hidden bool kasan_describe_vmalloc(uintptr_t addr);
/* ---- mm/page_alloc.c: a linear-map address or a struct page ---- */
__hidden bool kasan_describe_page(uintptr_t addr);

/* ---- options.c ---- */
/* Parse "k=v:k=v" (':' or ',' separated).  On error writes one line into
 * err and returns false. */
__hidden bool kasan_parse_options(const char *s, char *err, size_t errlen);
__hidden void kasan_print_options_help(void);

/* ---- fmt.c ---- */
__hidden int kasan_vsnprintf(char *buf, size_t len, const char *fmt, va_list ap);

#endif /* VMKASAN_CORE_KASAN_H */
