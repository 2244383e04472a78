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
__hidden void kasan_unpoison_sparse(uintptr_t addr, size_t size);
__hidden uintptr_t kasan_find_first_bad_addr(uintptr_t addr, size_t size);

/* ---- generic.c ---- */
/* A range the runtime's own checks (mem*, outline N-byte) treat as
 * unchecked: the vmalloc space under vmalloc_shadow=off. */
__hidden extern uintptr_t kasan_unchecked_start, kasan_unchecked_end;

/* ---- report.c ---- */
__hidden const char *kasan_bug_name(enum kasan_bug_type bug);

/* Who did what, and where: an allocation or free (Linux's struct
 * kasan_track; stack is a stack depot handle, 0 if none was saved). */
struct kasan_track {
	uint32_t pid;
	uint32_t stack;
};


/*
 * Bad frees (and the other bad calls of an allocator's API).  The
 * allocator says what it found; report.c words it and picks the bug
 * type (Linux's kasan_report_invalid_free() with its report type).
 */
enum kasan_free_reason {
	KASAN_FREE_NOT_SLAB,		/* addr is not slab memory */
	KASAN_FREE_DESTROYED_CACHE,	/* cache: the object's destroyed cache */
	KASAN_FREE_WRONG_CACHE,		/* cache: the one passed, other: the object's */
	KASAN_FREE_NOT_OBJECT_START,
	KASAN_FREE_ALREADY_FREED,
	KASAN_FREE_NEVER_ALLOCATED,
	KASAN_FREE_INSIDE_LARGE,	/* [start, end): the large kmalloc */
	KASAN_FREE_PAGE_ALREADY_FREED,
	KASAN_FREE_NOT_KMALLOC,
	KASAN_FREE_NOT_LINEAR_PAGE,
	KASAN_FREE_ON_STACK,
	KASAN_FREE_NOT_HEAP,
	KASAN_FREE_ALREADY_IN_POOL,
	KASAN_FREE_INSIDE_POOL_ELEMENT,
	KASAN_FREE_NOT_PAGE_BLOCK,
	KASAN_FREE_PERCPU_NOT_LIVE,
	KASAN_FREE_PERCPU_OUTSIDE,
	KASAN_FREE_OUTSIDE_VMALLOC,	/* [start, end): the vmalloc space */
	KASAN_FREE_INSIDE_MAPPING,	/* [start, end): the live mapping */
	KASAN_FREE_MAPPING_LAZY,	/* [start, end): freed, awaiting the purge */
	KASAN_FREE_MAPPING_PURGED,	/* [start, end): freed and purged */
	KASAN_FREE_NO_MAPPING,
	KASAN_FREE_WRONG_COUNT,		/* [start, end), count, index: its pages */
	KASAN_FREE_WRONG_KIND,		/* [start, end), other: what made it */
	KASAN_FREE_DEALLOC_MISMATCH,	/* other: the allocation function */
	KASAN_BAD_VMAP_PAGE,		/* index: pages[i]; addr NULL or not allocated */
	KASAN_BAD_GET_FREE_PAGE,	/* get_page() of a page with refcount 0 */
	KASAN_FREE_REASON_NR
};
struct kasan_bad_free {
	enum kasan_free_reason reason;
	const char *fn;		/* the function called: "kfree", "mempool_free", ... */
	uintptr_t addr, ip, fp;
	uintptr_t start, end;	/* the region the reason names */
	const char *cache, *other;
	unsigned count, index;
	unsigned long *counter;	/* the allocator's bad-free statistic, or NULL */
};
__hidden void kasan_report_bad_free(const struct kasan_bad_free *f);

__hidden void kasan_print_pcs(const uintptr_t *pcs, int n);
/* Linux's %pS: "func+0xoff/0xsize" (no newline). */
__hidden void kasan_print_symbol(uintptr_t pc);
/* "Allocated by task N:" and its stack. */
__hidden void kasan_print_track(const struct kasan_track *t, const char *prefix);
/* "The buggy address is located N bytes {to the left,to the right,inside}
 * of\n S-byte region [start, end)", for describers (addr: the access's). */
__hidden void kasan_print_location(uintptr_t addr, uintptr_t start, size_t size,
				   const char *state);

/*
 * What a report knows about the address, gathered before anything is
 * printed (Linux's struct kasan_report_info): mm's own lookups fill it.
 */
/* LARGE: a block of the program's malloc on large-kmalloc pages (the
 * kernel API's large kmalloc is NONE: Linux names its page only). */
enum kasan_region_kind { KASAN_REGION_NONE, KASAN_REGION_SLAB, KASAN_REGION_LARGE };
struct kasan_report_info {
	const struct kasan_access *access;
	uintptr_t first_bad;
	enum kasan_bug_type bug;
	/* Slab object or malloc's large block (slab-side describers). */
	enum kasan_region_kind region;
	uintptr_t object;		/* start of the region */
	size_t alloc_size;		/* requested size, or the cache's object size */
	const char *cache_name;
	unsigned cache_size;
	struct kasan_track alloc, free;
	bool has_free;
};

/* ---- report_slab.c ---- */
/* The bug type of a bad access to page-allocator memory (slab objects,
 * large kmallocs, free pages) with this shadow value, or KASAN_BUG_NONE. */
__hidden enum kasan_bug_type kasan_slab_bug_type(uintptr_t addr, uint8_t shadow);
/* Fill info's region from the slab side (object, large kmalloc). */
__hidden void kasan_slab_lookup(uintptr_t addr, struct kasan_report_info *info);
/* Tracks, object, location and physical page of a page-allocator address. */
__hidden bool kasan_describe_slab(uintptr_t addr, const struct kasan_report_info *info);

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
