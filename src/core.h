/* SPDX-License-Identifier: MIT */
/*
 * What a port may use of the core: the other direction of platform.h,
 * and all of it.  A port's files include this header and no other of
 * src/kasan, src/mm or src/lib (tests/clean/run.sh holds that); the
 * core's own definitions are in kasan/kasan.h and mm/mm.h, which build
 * on this one.
 *
 * Start-up: the port calls kasan_init() as early as it can (before any
 * instrumented code runs); kasan_ready says it has finished.
 * Faults: an access the hardware refused and the port cannot resolve
 * becomes a report through kasan_report_fatal_fault(), which words it
 * (a vmap stack's guard page, a wild address, a page fault); the vmalloc
 * space tells the fault handler what an absent shadow byte stands for.
 * Threads: the port runs threads on vmalloc'd stacks when vmap_stack is
 * set.  fork: mm_lock_all() holds every allocator lock across it.
 * Heap: a port that gives the program a C library puts its malloc names
 * on the kasan_malloc family.
 */
#ifndef VMKASAN_CORE_H
#define VMKASAN_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

#include "platform.h"
/* The public API: the core implements it, and its VMKASAN_API marks are
 * what the libraries export. */
#include "vmkasan.h"

#define KASAN_SHADOW_SCALE_SHIFT	3
#define KASAN_GRANULE_SIZE		(1UL << KASAN_SHADOW_SCALE_SHIFT)
#define KASAN_GRANULE_MASK		(KASAN_GRANULE_SIZE - 1)
#define KASAN_SHADOW_OFFSET		PLAT_SHADOW_OFFSET

/* ---- compiler helpers ---- */
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
/* ---- shadow (shadow.c) ---- */
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
__hidden void kasan_poison(uintptr_t addr, size_t size, uint8_t value);
__hidden void kasan_unpoison(uintptr_t addr, size_t size);
/* Raw, unchecked memory helpers of the core (never call libc). */
__hidden void kasan_memset_raw(void *dst, int c, size_t n);
__hidden void kasan_memcpy_raw(void *dst, const void *src, size_t n);
/* An outline check of [addr, addr + size), reported as the call at ip. */
__hidden bool kasan_check_range(uintptr_t addr, size_t size, bool write,
			       uintptr_t ip, uintptr_t fp);

/* ---- start-up and options (init.c, options.c) ---- */
__hidden extern volatile int kasan_ready;
__hidden void kasan_init(void);
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

/* ---- output (fmt.c): a tiny printf for reports, no libc ---- */
__hidden int kasan_snprintf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
__hidden void kasan_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__hidden size_t kasan_strlen(const char *s);
__hidden int kasan_strcmp(const char *a, const char *b);
__hidden int kasan_strncmp(const char *a, const char *b, size_t n);

/* ---- locks: test-and-set with yield, no libc ---- */
typedef struct { int locked; } kasan_spinlock_t;
/* The wait for a lock someone holds (lib/spinlock.c): out of line, so
 * that a profile names the time spent waiting and who waited. */
__hidden void kasan_spin_lock_contended(kasan_spinlock_t *l);
static inline void kasan_spin_lock(kasan_spinlock_t *l)
{
	if (__builtin_expect(__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE), 0))
		kasan_spin_lock_contended(l);
}
static inline bool kasan_spin_trylock(kasan_spinlock_t *l)
{
	return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}
static inline void kasan_spin_unlock(kasan_spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

/* ---- faults and reports (report.c) ---- */
/*
 * The report vocabulary.  Every bug type is one of these; its name
 * (Linux 6.12's words: mm/kasan/report_generic.c get_shadow_bug_type,
 * get_wild_bug_type, report.c complete_report_info) is in the one table
 * in report.c.  KASAN_BUG_NONE: derive it from the shadow and address.
 * (Here because struct kasan_access carries one; a port leaves it NONE.)
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
__hidden void kasan_report_lock_all(bool lock);
/* Bracket a port's own fatal-fault text (an oops) as one report: false
 * when this thread is already inside a report (then do not end it). */
__hidden bool kasan_report_begin(uintptr_t addr);
__hidden void kasan_report_end(void);
__hidden void kasan_print_trace(uintptr_t ip, uintptr_t fp, int is_return_addr);
__hidden extern unsigned long kasan_reports;
/* A fault inside the copy of a checked mem* call: the call's caller. */
__hidden bool kasan_mem_fault_caller(uintptr_t sp, uintptr_t fp, uintptr_t *caller_ip,
				     uintptr_t *caller_fp);

/* ---- the memory-management side (mm/) ---- */
#define PAGE_SHIFT	PLAT_PAGE_SHIFT
#define PAGE_SIZE	PLAT_PAGE_SIZE

/* The layout the port gave in plat_mm_init(). */
extern struct plat_mm_layout mm_layout;
/* The vmalloc_shadow option (under off the port maps the space's shadow
 * as plain zeros: nothing there is ever absent). */
enum vmalloc_shadow_policy { SHADOW_KEEP, SHADOW_PURGE, SHADOW_REFCOUNT, SHADOW_OFF };
extern int vmalloc_shadow_policy;

/* The poison value (>= 0) an absent vmalloc shadow byte at shadow_addr
 * stands for; -1 if shadow_addr is not vmalloc shadow (or the space has
 * none: vmalloc_shadow=off); -2 if it is present or being made by a
 * populate (a fault there is retried). */
int vmalloc_shadow_hole(uintptr_t shadow_addr);
/* A write fault on the shadow byte at shadow_addr, under
 * plat_shadow_zero_lock: 1 if it is a zero shadow page, now charged,
 * whose identity frame *pfn the port maps writable (0 in *pfn: mapped
 * already, retry); 0 if the RAM budget has no frame for it; -1 if it is
 * no zero shadow page. */
int kasan_shadow_zero_write(uintptr_t shadow_addr, unsigned long *pfn);
/* A fatal fault becomes a report, and the task dies.  The port fills
 * what the hardware said: addr (or addr_unknown), write, ip and fp of
 * the faulting code (fault set: ip is a faulting pc, not a return
 * address), op "Access"/"Execute" where it was no load or store, a
 * detail line with the hardware's own words; never the bug type. */
__attribute__((noreturn)) void kasan_report_fatal_fault(const struct kasan_access *fault);
/* The live area holding addr: its mapped pages [*start, *end), and
 * whether it is a vmap stack. */
bool vmalloc_area_bounds(uintptr_t addr, uintptr_t *start, uintptr_t *end, bool *is_stack);

/* vmap stacks: a stack of size bytes with a guard page below; the
 * stack is [*lo, *hi).  Options vmap_stack and vmap_stack_size. */
void *vmalloc_stack_alloc(size_t size, uintptr_t *lo, uintptr_t *hi);
void vmalloc_stack_free(void *stack);
/* Around the work of one call of the program's malloc family: inside,
 * only FAIL_MALLOC is injected (once per call, at its start) and the
 * failures of the paths below (lib/fault_inject.c) count as FAIL_MALLOC, so the program's
 * heap never shows up on the kernel-API paths (page, shadow, area,
 * slab), nor they on its. */
void fault_malloc_enter(void);
void fault_malloc_leave(void);
extern int vmap_stack;
extern unsigned long vmap_stack_size;

/* A frame of the page allocator's pool for the port's own use (the RAM
 * behind identity frames, page tables); not charged.  ~0UL if none. */
unsigned long mm_frame_alloc(void);
void mm_frame_free(unsigned long pfn);
/* The pool exists (the page allocator has its metadata): until then a
 * bare-metal port takes page-table frames from its own boot memory. */
bool mm_frame_pool_ready(void);
/* Runtime metadata memory, charged to the RAM budget (a port's thread
 * descriptors). */
void *meta_alloc(size_t size);
void meta_free(void *p, size_t size);

/* print_stats=1 at exit. */
void mm_print_stats(void);
/* Take (true) or drop (false) every lock of the memory-management side,
 * in nesting order, so nothing moves while the port copies memory at
 * fork. */
void mm_lock_all(bool lock);


/* ---- modules (module/main.c) ---- */
/* A pc in a loaded module: its function and the module's name (then
 * module_off is (uintptr_t)-1), for the port's plat_symbolize(). */
bool module_symbolize(uintptr_t pc, struct plat_symbol *out);

/* ---- the program's heap (mm/malloc.c) ---- */
/* Is the byte at addr poisoned?  (Never faults: no shadow counts as poisoned.) */
static inline bool kasan_region_is_poisoned_byte(uintptr_t addr)
{
	int8_t v;

	if (addr < PLAT_PAGE_SIZE || !plat_addr_has_shadow(addr))
		return true;
	/* vmalloc shadow may be absent: read it the slow, safe way. */
	if (addr >= mm_layout.vmalloc_start && addr < mm_layout.vmalloc_end) {
		if (!plat_read_safe(&v, (uintptr_t)kasan_shadow(addr), 1))
			return true;
	} else {
		v = *kasan_shadow(addr);
	}
	return v && (int8_t)(addr & KASAN_GRANULE_MASK) >= v;
}
/* malloc=kasan (the default): the runtime's checked heap; malloc=libc:
 * the C library's, unchecked (a -static program has none: refused). */
enum malloc_mode { MALLOC_KASAN, MALLOC_LIBC };
extern int malloc_mode;
/* NULL on failure (too big, budget, fault injection). */
void *kasan_malloc(size_t size, size_t align, bool zero, uintptr_t ip, uintptr_t fp);
/* Is addr memory the runtime hands out (its linear map or vmalloc space)? */
bool kasan_malloc_owns(uintptr_t addr);
/* Free what kasan_malloc returned; anything else is reported (fn names
 * the caller: "free", "realloc") and left alone. */
void kasan_free(const void *p, uintptr_t ip, uintptr_t fp, const char *fn);
/* realloc of a pointer the runtime owns; size > 0. */
void *kasan_realloc(void *p, size_t size, uintptr_t ip, uintptr_t fp);
/* What allocated a block (ASan tells them apart too): kept in its
 * out-of-line metadata (slab object meta, large kmalloc head page, big
 * block's area), MALLOC unless operator new set it. */
enum malloc_kind { MALLOC_KIND_MALLOC, MALLOC_KIND_NEW, MALLOC_KIND_NEW_ARRAY };
void kasan_malloc_set_kind(const void *p, enum malloc_kind kind);
/* Before freeing p by `fn` (free, realloc, operator delete, operator
 * delete []), which expects a block of `kind`: a live block of another
 * kind is reported (alloc-dealloc-mismatch) and then taken as `kind`. */
void kasan_free_check_kind(const void *p, enum malloc_kind kind, const char *fn, uintptr_t ip,
			   uintptr_t fp);
/* kasan_free_check_kind(p, kind, kind_fn, ...) then kasan_free(p, ..., fn),
 * with one metadata lookup for a live slab object of the right kind (the
 * common free): the per-free cost is the cache lines that lookup reads. */
void kasan_free_kind(const void *p, enum malloc_kind kind, const char *kind_fn, const char *fn,
		     uintptr_t ip, uintptr_t fp);
/* The requested size of the live block starting at p, or 0. */
size_t kasan_malloc_size(const void *p);
/* A thread ends: its per-thread allocation caches go back. */
void slab_thread_exit(void);

#endif /* VMKASAN_CORE_H */
