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
/* Static ones live in a section of their own, so this_cpu_ptr() tells
 * them from the runtime's alloc_percpu() areas, which have a copy per
 * CPU (per_cpu_ptr(), vmkasan.h). */
#define DEFINE_PER_CPU(type, name) __attribute__((section("vmk_percpu"))) __typeof__(type) name
#define DECLARE_PER_CPU(type, name) extern __typeof__(type) name
#define DEFINE_PER_CPU_ALIGNED(type, name) \
	__attribute__((section("vmk_percpu"), aligned(SMP_CACHE_BYTES))) __typeof__(type) name
#define EXPORT_PER_CPU_SYMBOL(var)
#define EXPORT_PER_CPU_SYMBOL_GPL(var)
extern char __start_vmk_percpu[] __attribute__((weak));
extern char __stop_vmk_percpu[] __attribute__((weak));
static inline bool __vmk_static_percpu(const void *p)
{
	return (const char *)p >= __start_vmk_percpu && (const char *)p < __stop_vmk_percpu;
}
#define this_cpu_ptr(ptr) (__vmk_static_percpu(ptr) ? (ptr) : per_cpu_ptr((ptr), raw_smp_processor_id()))
#define raw_cpu_ptr(ptr) this_cpu_ptr(ptr)
/* per_cpu(): static variables only, as in the kernel. */
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

/* ---- lib/hexdump.c's printing (include/linux/printk.h): list
 * lib/hexdump.c with a test that uses them ---- */
enum { DUMP_PREFIX_NONE, DUMP_PREFIX_ADDRESS, DUMP_PREFIX_OFFSET };
int hex_dump_to_buffer(const void *buf, size_t len, int rowsize, int groupsize,
		       char *linebuf, size_t linebuflen, bool ascii);
void print_hex_dump(const char *level, const char *prefix_str, int prefix_type,
		    int rowsize, int groupsize, const void *buf, size_t len, bool ascii);

/* ---- user copies: no user space here, a __user pointer is an address
 * of this program.  The kernel side is checked, as
 * include/linux/instrumented.h's instrument_copy_{from,to}_user do; the
 * user side is accessed raw, as the arch's user access is not
 * instrumented.  Nothing is left uncopied: 0. ---- */
static inline __VMK_NOASAN void __vmk_user_copy(void *to, const void *from, unsigned long n)
{
	volatile char *d = to;
	const volatile char *s = from;

	while (n--)
		*d++ = *s++;
}
static inline unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
	__kasan_check_write(to, n);
	__vmk_user_copy(to, (const void *)from, n);
	return 0;
}
static inline unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
	__kasan_check_read(from, n);
	__vmk_user_copy((void *)to, from, n);
	return 0;
}

/* ---- library functions that live in files the layer does not build
 * whole: their declarations (the kernel's headers'), their definitions
 * taken with vmkasan-kunit FILE.c:FUNC (lib/string.c:strnchrnul,
 * fs/libfs.c:memory_read_from_buffer, mm/util.c:memdup_user_nul) ---- */
char *strnchrnul(const char *s, size_t count, int c);
ssize_t memory_read_from_buffer(void *to, size_t count, loff_t *ppos, const void *from, size_t available);
void *memdup_user_nul(const void __user *src, size_t len);

/* ---- include/linux/panic.h ---- */
#define TAINT_WARN 9
#define TAINT_TEST 18
#define LOCKDEP_STILL_OK 0
#define LOCKDEP_NOW_UNRELIABLE 1
__VMK_WEAK unsigned long __vmk_tainted_mask;
static inline void add_taint(unsigned int flag, int lockdep_ok)
{
	(void)lockdep_ok;
	__atomic_fetch_or(&__vmk_tainted_mask, 1UL << flag, __ATOMIC_RELAXED);
}
static inline bool test_taint(unsigned int flag) { return (__vmk_tainted_mask >> flag) & 1; }
/* kernel/panic.c: the message, then the end of the program. */
__VMK_WEAK __attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	__vmk_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fflush(stdout);
	fprintf(stderr, "Kernel panic - not syncing: %s\n", msg);
	abort();
}

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
