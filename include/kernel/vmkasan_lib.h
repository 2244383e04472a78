/* SPDX-License-Identifier: MIT */
/*
 * What the kernel's lib/ data structures (lib/xarray.c, lib/radix-tree.c,
 * lib/idr.c, taken unchanged) need of the machine underneath: per-CPU
 * variables, local locks, CPU hotplug states, kmemleak's hooks, and the
 * start-up calls start_kernel() makes for them.  Part of
 * vmkasan_kernel.h (hosted only: the locks are vmkasan_sched.h's).
 *
 * Per-CPU variables follow a !SMP kernel's model: one copy, which every
 * CPU's this_cpu_ptr() names.  The kernel's per-CPU data is private to a
 * CPU because local_lock() disables preemption; here host threads run
 * truly in parallel and preempt_disable() is nothing, so a CPU number
 * would not keep two threads apart.  Instead local_lock() is a real
 * spin lock on that one copy: the exclusion the kernel's code relies on,
 * and nothing more (such sections never sleep in the kernel either).
 */
#ifndef VMKASAN_LIB_H
#define VMKASAN_LIB_H

/* ---- per-CPU variables (include/linux/percpu-defs.h's names) ---- */
#define DEFINE_PER_CPU(type, name) __typeof__(type) name
#define DECLARE_PER_CPU(type, name) extern __typeof__(type) name
#define DEFINE_PER_CPU_ALIGNED(type, name) __typeof__(type) name __attribute__((aligned(SMP_CACHE_BYTES)))
#define EXPORT_PER_CPU_SYMBOL(var)
#define EXPORT_PER_CPU_SYMBOL_GPL(var)
/* Static per-CPU variables only: the runtime's alloc_percpu() areas go
 * through per_cpu_ptr(ptr, cpu) (vmkasan.h). */
#define this_cpu_ptr(ptr) (ptr)
#define raw_cpu_ptr(ptr) (ptr)
#define per_cpu(var, cpu) (*((void)(cpu), &(var)))

/* ---- local locks (include/linux/local_lock.h) ---- */
typedef struct { spinlock_t __vmk_l; } local_lock_t;
#define INIT_LOCAL_LOCK(lockname) { __SPIN_LOCK_UNLOCKED(lockname) }
#define local_lock_init(lock) spin_lock_init(&(lock)->__vmk_l)
#define local_lock(lock) spin_lock(&this_cpu_ptr(lock)->__vmk_l)
#define local_unlock(lock) spin_unlock(&this_cpu_ptr(lock)->__vmk_l)
#define local_lock_irq(lock) local_lock(lock)
#define local_unlock_irq(lock) local_unlock(lock)
#define local_lock_irqsave(lock, flags) do { (flags) = 0; local_lock(lock); } while (0)
#define local_unlock_irqrestore(lock, flags) do { (void)(flags); local_unlock(lock); } while (0)

/* ---- CPU hotplug (include/linux/cpuhotplug.h): CPUs never go away
 * here, so a state's callbacks are registered and never called, as
 * cpuhp_setup_state_nocalls() does for the CPUs already up. ---- */
enum cpuhp_state { CPUHP_INVALID = -1, CPUHP_OFFLINE = 0, CPUHP_RADIX_DEAD, CPUHP_ONLINE_DYN };
static inline int cpuhp_setup_state_nocalls(enum cpuhp_state state, const char *name,
					    int (*startup)(unsigned int cpu),
					    int (*teardown)(unsigned int cpu))
{
	(void)state; (void)name; (void)startup; (void)teardown;
	return 0;
}
static inline void cpus_read_lock(void) { }
static inline void cpus_read_unlock(void) { }

/* ---- kmemleak (include/linux/kmemleak.h): not built here; its hooks
 * are nothing, as with CONFIG_DEBUG_KMEMLEAK off ---- */
static inline void kmemleak_update_trace(const void *ptr) { (void)ptr; }
static inline void kmemleak_not_leak(const void *ptr) { (void)ptr; }
static inline void kmemleak_ignore(const void *ptr) { (void)ptr; }
static inline void kmemleak_alloc(const void *ptr, size_t size, int min_count, gfp_t gfp)
{
	(void)ptr; (void)size; (void)min_count; (void)gfp;
}
static inline void kmemleak_free(const void *ptr) { (void)ptr; }

/* lib/dump_stack.c: the caller's stack, from the C library's unwinder
 * (frames named as the dynamic symbol table knows them). */
#include <execinfo.h>
__VMK_WEAK __attribute__((__noinline__)) void dump_stack(void)
{
	void *frames[32];
	int n = backtrace(frames, 32);

	fflush(stdout);
	fprintf(stderr, "Call Trace:\n");
	backtrace_symbols_fd(frames + 1, n - 1, 2);
}

/* ---- start-up: what start_kernel() (init/main.c) initialises before
 * any initcall runs, for the lib/ code linked into the program.  Weak
 * references: a program without lib/radix-tree.c has none. ---- */
void radix_tree_init(void) __attribute__((weak));
static inline void __vmk_start_kernel(void)
{
	if (radix_tree_init)
		radix_tree_init();
}

#endif
