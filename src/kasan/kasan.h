/* SPDX-License-Identifier: MIT */
/*
 * Internal definitions of the vmkasan core.
 *
 * The core is freestanding: it may include only the compiler's
 * freestanding headers and talks to the machine through platform.h.
 * Shadow encoding follows Linux generic KASAN (mm/kasan/kasan.h):
 * 0 = all 8 bytes accessible, 1..7 = that many leading bytes
 * accessible, negative values = poisoned, the value telling why.
 */
#ifndef VMKASAN_CORE_KASAN_H
#define VMKASAN_CORE_KASAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform.h"
/* The public API: the core implements it, and its VMKASAN_API marks are
 * what the libraries export. */
#include "vmkasan.h"

#define KASAN_SHADOW_SCALE_SHIFT	3
#define KASAN_GRANULE_SIZE		(1UL << KASAN_SHADOW_SCALE_SHIFT)
#define KASAN_GRANULE_MASK		(KASAN_GRANULE_SIZE - 1)
#define KASAN_SHADOW_OFFSET		PLAT_SHADOW_OFFSET

/*
 * Poison values.  Stack and alloca values are fixed by the compilers
 * (they write them inline); the others are ours.  Global redzone and
 * vmalloc-invalid use the values of the v4 vmalloc patch (0xFA, 0xF9)
 * because 0xF8 is what both compilers write for use-after-scope.  The
 * slab values are Linux 6.12's, except that a freed object is always
 * 0xFB: Linux writes 0xFA (KASAN_SLAB_FREE_META) when the free track
 * lives inside the object, but here 0xFA is the global redzone and the
 * free track lives outside the object (struct slab_meta), so 0xFB
 * is the only freed-object value and nothing collides.
 */
#define KASAN_PAGE_FREE		0xFF	/* a free page of the page allocator (Linux) */
#define KASAN_PAGE_REDZONE	0xFE	/* page 0; the tail of a large kmalloc (Linux) */
#define KASAN_SLAB_REDZONE	0xFC	/* slab redzone, never-allocated object (Linux) */
#define KASAN_SLAB_FREE		0xFB	/* freed slab object (Linux) */
#define KASAN_SHADOW_GAP	0xFD	/* temporary shadow of an address without shadow */
#define KASAN_GLOBAL_REDZONE	0xFA
#define KASAN_VMALLOC_INVALID	0xF9	/* guard or never-used vmalloc space */
#define KASAN_USE_AFTER_SCOPE	0xF8	/* compiler ABI */
#define KASAN_VMALLOC_FREED	0xF7	/* vfree'd / vunmap'ed area */
#define KASAN_USER_POISON	0xF6	/* vmkasan_poison() */
#define KASAN_STACK_AFTER_RETURN 0xF5	/* compiler ABI (clang set_shadow_f5) */
#define KASAN_STACK_PARTIAL	0xF4
#define KASAN_STACK_RIGHT	0xF3	/* compiler ABI */
#define KASAN_STACK_MID		0xF2	/* compiler ABI */
#define KASAN_STACK_LEFT	0xF1	/* compiler ABI */
#define KASAN_ALLOCA_LEFT	0xCA	/* compiler ABI */
#define KASAN_ALLOCA_RIGHT	0xCB	/* compiler ABI */
#define KASAN_ALLOCA_REDZONE_SIZE 32

/* First word of an instrumented stack frame (compiler ABI). */
#define KASAN_FRAME_MAGIC	0x41B58AB3UL

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define ALIGN_UP(x, a)	(((x) + ((a) - 1)) & ~((uintptr_t)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((uintptr_t)(a) - 1))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define __noinline	__attribute__((noinline))
#ifndef __always_inline
#define __always_inline	inline __attribute__((always_inline))
#endif
/* The return address of, and the frame pointer in, the function that
 * called the current runtime entry point. */
#define CALLER_IP	((uintptr_t)__builtin_return_address(0))
#define CALLER_FP	(*(uintptr_t *)((uintptr_t)__builtin_frame_address(0) + \
					    PLAT_FRAME_RECORD_OFFSET))
#define __hidden	__attribute__((visibility("hidden")))
#define __public	__attribute__((visibility("default")))
#define READ_ONCE(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

static inline int8_t *kasan_shadow(uintptr_t addr)
{
	return (int8_t *)((addr >> KASAN_SHADOW_SCALE_SHIFT) + KASAN_SHADOW_OFFSET);
}

static inline uintptr_t kasan_shadow_to_mem(const void *shadow)
{
	return ((uintptr_t)shadow - KASAN_SHADOW_OFFSET) << KASAN_SHADOW_SCALE_SHIFT;
}

/* ---- shadow.c ---- */
__hidden void kasan_poison(uintptr_t addr, size_t size, uint8_t value);
__hidden void kasan_unpoison(uintptr_t addr, size_t size);
__hidden void kasan_poison_last_granule(uintptr_t addr, size_t size);
__hidden uintptr_t kasan_find_first_bad_addr(uintptr_t addr, size_t size);
/* Raw, unchecked memory helpers of the core (never call libc). */
__hidden void kasan_memset_raw(void *dst, int c, size_t n);
__hidden void kasan_memcpy_raw(void *dst, const void *src, size_t n);

/* ---- generic.c ---- */
/* A range the runtime's own checks (mem*, outline N-byte) treat as
 * unchecked: the vmalloc space under vmalloc_shadow=off. */
__hidden extern uintptr_t kasan_unchecked_start, kasan_unchecked_end;
__hidden bool kasan_check_range(uintptr_t addr, size_t size, bool write,
			       uintptr_t ip, uintptr_t fp);

/* ---- string.c ---- */
/* A fault inside the copy of a checked mem* call: the call's caller. */
__hidden bool kasan_mem_fault_caller(uintptr_t sp, uintptr_t fp, uintptr_t *caller_ip,
				     uintptr_t *caller_fp);

/* ---- report.c ---- */
/*
 * The report vocabulary.  Every bug type is one of these; its name
 * (Linux 6.12's words: mm/kasan/report_generic.c get_shadow_bug_type,
 * get_wild_bug_type, report.c complete_report_info) is in the one table
 * in report.c.  KASAN_BUG_NONE: derive it from the shadow and address.
 */
enum kasan_bug_type {
	KASAN_BUG_NONE,
	KASAN_BUG_UNKNOWN_CRASH,
	KASAN_BUG_OUT_OF_BOUNDS,
	KASAN_BUG_SLAB_OUT_OF_BOUNDS,
	KASAN_BUG_SLAB_USE_AFTER_FREE,
	KASAN_BUG_USE_AFTER_FREE,
	KASAN_BUG_GLOBAL_OUT_OF_BOUNDS,
	KASAN_BUG_STACK_OUT_OF_BOUNDS,
	KASAN_BUG_STACK_USE_AFTER_RETURN,
	KASAN_BUG_USE_AFTER_SCOPE,
	KASAN_BUG_ALLOCA_OUT_OF_BOUNDS,
	KASAN_BUG_VMALLOC_OUT_OF_BOUNDS,
	KASAN_BUG_USE_OF_POISONED_MEMORY,
	KASAN_BUG_NULL_PTR_DEREF,
	KASAN_BUG_WILD_MEMORY_ACCESS,
	KASAN_BUG_PAGE_FAULT,		/* a hardware fault on an address with shadow */
	KASAN_BUG_STACK_OVERFLOW,	/* a vmap stack's guard page */
	KASAN_BUG_DOUBLE_FREE,
	KASAN_BUG_INVALID_FREE,
	KASAN_BUG_DOUBLE_OR_INVALID_FREE,
	KASAN_BUG_ALLOC_DEALLOC_MISMATCH,	/* malloc/delete, new/free, ... */
	KASAN_BUG_INVALID_VMAP,
	KASAN_BUG_NR
};
__hidden const char *kasan_bug_name(enum kasan_bug_type bug);

/* Who did what, and where: an allocation or free (Linux's struct
 * kasan_track; stack is a stack depot handle, 0 if none was saved). */
struct kasan_track {
	uint32_t pid;
	uint32_t stack;
};

struct kasan_access {
	uintptr_t addr;		/* what the program touched */
	size_t size;		/* 0: unknown (a fault, not a check) */
	bool write;
	bool size_known;
	bool fault;		/* came from a hardware fault, not a check */
	uintptr_t ip;		/* return address into the bad function */
	uintptr_t fp;		/* frame pointer of the function holding ip */
	enum kasan_bug_type bug;	/* KASAN_BUG_NONE: derive from shadow/address */
	const char *detail;	/* extra line printed after the access line */
	const char *op;		/* "Free", ...: replaces Read/Write, no size */
	bool addr_unknown;	/* a fault that names no address: addr is meaningless */
	bool fatal;		/* printed even after the first report without multi_shot */
};
__hidden void kasan_report(const struct kasan_access *access);

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

__hidden bool kasan_report_begin(uintptr_t addr);
__hidden void kasan_report_end(void);
__hidden void kasan_report_lock_all(bool lock);
__hidden void kasan_print_trace(uintptr_t ip, uintptr_t fp, int is_return_addr);
__hidden void kasan_print_pcs(const uintptr_t *pcs, int n);
/* Linux's %pS: "func+0xoff/0xsize" (no newline). */
__hidden void kasan_print_symbol(uintptr_t pc);
/* "Allocated by task N:" and its stack. */
__hidden void kasan_print_track(const struct kasan_track *t, const char *prefix);
/* "The buggy address is located N bytes {to the left,to the right,inside}
 * of\n S-byte region [start, end)", for describers (addr: the access's). */
__hidden void kasan_print_location(uintptr_t addr, uintptr_t start, size_t size,
				   const char *state);
__hidden extern unsigned long kasan_reports;

/*
 * What a report knows about the address, gathered before anything is
 * printed (Linux's struct kasan_report_info): mm's own lookups fill it.
 */
enum kasan_region_kind { KASAN_REGION_NONE, KASAN_REGION_SLAB, KASAN_REGION_LARGE };
struct kasan_report_info {
	const struct kasan_access *access;
	uintptr_t first_bad;
	enum kasan_bug_type bug;
	/* Slab object or large kmalloc (slab-side describers). */
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
/* OPT_SIZE: unsigned long with k/M/G suffixes; OPT_LIMIT: the same, but 0
 * (no limit) is accepted besides [min, max]; OPT_COUNT: unsigned long,
 * plain digits (a count of things, where "1k" would be a typo). */
enum kasan_option_kind { OPT_BOOL, OPT_INT, OPT_SIZE, OPT_LIMIT, OPT_COUNT, OPT_STRING, OPT_ENUM,
			 OPT_DOUBLE };
struct kasan_option {
	const char *name;
	enum kasan_option_kind kind;
	void *value;
	const char *const *choices;	/* OPT_ENUM: NULL-terminated names; value is an int index */
	long min, max;			/* OPT_INT/OPT_SIZE bounds */
	const char *help;
};
struct kasan_flags {
	int halt_on_error;
	int abort_on_error;
	int multi_shot;
	int exitcode;
	int symbolize;
	int print_stats;
	int frame_format;	/* FRAME_LINUX or FRAME_FULL */
	char log_path[256];
};
/* frame_format: "linux" (the default), the kernel's " func+0xoff/0xsize
 * [module]", which Linux's scripts/decode_stacktrace.sh decorates with
 * file:line; or "full": inlined frames, file:line, [binary+0xoff]. */
enum { FRAME_LINUX, FRAME_FULL };
__hidden extern struct kasan_flags kasan_flags;
/* Parse "k=v:k=v" (':' or ',' separated).  On error writes one line into
 * err and returns false. */
__hidden bool kasan_parse_options(const char *s, char *err, size_t errlen);
__hidden void kasan_print_options_help(void);

/* ---- init.c ---- */
__hidden extern volatile int kasan_ready;
__hidden void kasan_init(void);

/* ---- fmt.c: a tiny printf for reports (no libc) ---- */
#include <stdarg.h>
__hidden int kasan_vsnprintf(char *buf, size_t len, const char *fmt, va_list ap);
__hidden int kasan_snprintf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
__hidden void kasan_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__hidden size_t kasan_strlen(const char *s);
__hidden int kasan_strcmp(const char *a, const char *b);
__hidden int kasan_strncmp(const char *a, const char *b, size_t n);

/* ---- spinlock (no libc): ticket-free test-and-set with yield ---- */
typedef struct { int locked; } kasan_spinlock_t;
static inline void kasan_spin_lock(kasan_spinlock_t *l)
{
	unsigned spins = 0;

	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
		/* Spin briefly, then let a preempted holder run. */
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED)) {
			if (++spins < 128)
				plat_cpu_relax();
			else
				plat_yield();
		}
	}
}
static inline bool kasan_spin_trylock(kasan_spinlock_t *l)
{
	return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}
static inline void kasan_spin_unlock(kasan_spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#endif /* VMKASAN_CORE_KASAN_H */
