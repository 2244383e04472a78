/* SPDX-License-Identifier: MIT */
/*
 * What a port may call in the core: the other direction of platform.h.
 * A port's files include this header and nothing else of the core.
 *
 * Start-up: the port calls kasan_init() as early as it can (before any
 * instrumented code runs); kasan_ready says it has finished.
 * Faults: an access the hardware refused and the port cannot resolve
 * becomes a report through kasan_report_fatal_fault(), which words it
 * (a vmap stack's guard page, a wild address, a page fault); the vmalloc
 * space tells the fault handler what an absent shadow byte stands for.
 * Threads: the port runs threads on vmalloc'd stacks when vmap_stack is
 * set.  fork: mm_lock_all() holds every allocator lock across it.
 */
#ifndef VMKASAN_CORE_H
#define VMKASAN_CORE_H

/* Spinlocks, the shadow mapping, kasan_report() and struct
 * kasan_access, kasan_printf(), kasan_flags, kasan_init(). */
#include "kasan/kasan.h"

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
extern int vmap_stack;
extern unsigned long vmap_stack_size;

/* A frame of the page allocator's pool for the port's own use (the RAM
 * behind identity frames, page tables); not charged.  ~0UL if none. */
unsigned long mm_frame_alloc(void);
void mm_frame_free(unsigned long pfn);

/* print_stats=1 at exit. */
void mm_print_stats(void);
/* Take (true) or drop (false) every lock of the memory-management side,
 * in nesting order, so nothing moves while the port copies memory at
 * fork. */
void mm_lock_all(bool lock);

#endif /* VMKASAN_CORE_H */
