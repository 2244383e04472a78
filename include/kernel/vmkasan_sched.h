/* SPDX-License-Identifier: MIT */
/*
 * The kernel's time, sleeping locks and threads for vmkasan's
 * kernel-compatibility layer (included by vmkasan_kernel.h): jiffies and
 * ktime, completions, read-write semaphores, mutexes, kthreads and the
 * CPU masks code uses to place them.  All are real: a kthread is a
 * pthread (created through the runtime, so its stack, task id and name
 * show in reports), waits block on pthread condition variables, and time
 * is CLOCK_MONOTONIC.  Names, arguments and return values follow Linux
 * 6.12 (include/linux/{completion,rwsem,kthread,ktime,cpumask}.h).
 */
#ifndef VMKASAN_SCHED_H
#define VMKASAN_SCHED_H

#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <time.h>

/* ---- time: jiffies are milliseconds (HZ 1000), ktime_t nanoseconds ---- */
#define HZ 1000
#define MAX_SCHEDULE_TIMEOUT LONG_MAX
typedef s64 ktime_t;
typedef unsigned long long cycles_t;
static inline u64 __vmk_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}
#define jiffies ((unsigned long)(__vmk_now_ns() / 1000000))
static inline unsigned long msecs_to_jiffies(unsigned int ms) { return ms; }
static inline unsigned int jiffies_to_msecs(unsigned long j) { return (unsigned int)j; }
static inline unsigned long usecs_to_jiffies(unsigned int us) { return (us + 999) / 1000; }
#define time_after(a, b) ((long)((b) - (a)) < 0)
#define time_before(a, b) time_after(b, a)
static inline ktime_t ktime_get(void) { return (ktime_t)__vmk_now_ns(); }
static inline u64 ktime_get_ns(void) { return __vmk_now_ns(); }
static inline ktime_t ktime_sub(ktime_t a, ktime_t b) { return a - b; }
static inline s64 ktime_to_ns(ktime_t t) { return t; }
static inline s64 ktime_to_us(ktime_t t) { return t / 1000; }
static inline s64 ktime_to_ms(ktime_t t) { return t / 1000000; }
static inline s64 ktime_us_delta(ktime_t later, ktime_t earlier) { return (later - earlier) / 1000; }
static inline s64 ktime_ms_delta(ktime_t later, ktime_t earlier) { return (later - earlier) / 1000000; }
/* The CPU's cycle counter where there is one (x86's TSC), else ns. */
static inline cycles_t get_cycles(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return __builtin_ia32_rdtsc();
#else
	return __vmk_now_ns();
#endif
}
static inline void __vmk_sleep_ns(u64 ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull) };

	while (nanosleep(&ts, &ts) && __vmk_errno == EINTR)
		;
}
#define msleep(ms) __vmk_sleep_ns((u64)(ms) * 1000000ull)
#define ssleep(s) __vmk_sleep_ns((u64)(s) * 1000000000ull)
#define usleep_range(lo, hi) __vmk_sleep_ns((u64)(lo) * 1000ull)
#define fsleep(us) __vmk_sleep_ns((u64)(us) * 1000ull)
/* The kernel's delays spin; sleeping keeps the 2 to 4 CPUs of a test
 * machine for the threads that do work, and is as long. */
#define udelay(us) __vmk_sleep_ns((u64)(us) * 1000ull)
#define ndelay(ns) __vmk_sleep_ns((u64)(ns))
#define mdelay(ms) __vmk_sleep_ns((u64)(ms) * 1000000ull)
static inline long schedule_timeout(long timeout)
{
	if (timeout != MAX_SCHEDULE_TIMEOUT && timeout > 0)
		__vmk_sleep_ns((u64)timeout * 1000000ull);
	return 0;
}
#define schedule_timeout_uninterruptible(t) schedule_timeout(t)
#define schedule_timeout_interruptible(t) schedule_timeout(t)
#define schedule() sched_yield()
#define yield() sched_yield()

/* Absolute CLOCK_MONOTONIC deadline `ns` from now, for clockwait. */
static inline struct timespec __vmk_deadline(u64 ns)
{
	u64 t = __vmk_now_ns() + ns;

	return (struct timespec){ (time_t)(t / 1000000000ull), (long)(t % 1000000000ull) };
}

/* ---- completion ---- */
struct completion {
	unsigned int done;
	pthread_mutex_t lock;
	pthread_cond_t wait;
};
#define COMPLETION_INITIALIZER(c) { 0, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER }
#define COMPLETION_INITIALIZER_ONSTACK(c) COMPLETION_INITIALIZER(c)
#define DECLARE_COMPLETION(c) struct completion c = COMPLETION_INITIALIZER(c)
#define DECLARE_COMPLETION_ONSTACK(c) DECLARE_COMPLETION(c)
static inline void init_completion(struct completion *x)
{
	x->done = 0;
	pthread_mutex_init(&x->lock, NULL);
	pthread_cond_init(&x->wait, NULL);
}
static inline void reinit_completion(struct completion *x) { WRITE_ONCE(x->done, 0); }
static inline void __vmk_complete(struct completion *x, bool all)
{
	pthread_mutex_lock(&x->lock);
	/* complete_all() leaves "done" for every waiter to come (UINT_MAX). */
	if (all)
		x->done = UINT_MAX;
	else if (x->done != UINT_MAX)
		x->done++;
	pthread_cond_broadcast(&x->wait);
	pthread_mutex_unlock(&x->lock);
}
#define complete(x) __vmk_complete((x), false)
#define complete_all(x) __vmk_complete((x), true)
/* Waits at most `timeout` jiffies (MAX_SCHEDULE_TIMEOUT: forever);
 * returns 0 on timeout, else the jiffies left (at least 1), as Linux. */
static inline unsigned long wait_for_completion_timeout(struct completion *x, unsigned long timeout)
{
	bool forever = timeout >= (unsigned long)MAX_SCHEDULE_TIMEOUT;
	struct timespec until = __vmk_deadline(forever ? 0 : (u64)timeout * 1000000ull);
	unsigned long left = 1;

	pthread_mutex_lock(&x->lock);
	while (!x->done) {
		if (forever) {
			pthread_cond_wait(&x->wait, &x->lock);
		} else if (pthread_cond_clockwait(&x->wait, &x->lock, CLOCK_MONOTONIC, &until) == ETIMEDOUT) {
			left = x->done ? 1 : 0;
			break;
		}
	}
	if (x->done) {
		if (x->done != UINT_MAX)
			x->done--;
		if (!forever) {
			u64 now = __vmk_now_ns(), end = (u64)until.tv_sec * 1000000000ull + (u64)until.tv_nsec;

			left = now < end ? (unsigned long)((end - now) / 1000000) : 0;
			left = left ? left : 1;
		}
	}
	pthread_mutex_unlock(&x->lock);
	return left;
}
#define wait_for_completion(x) ((void)wait_for_completion_timeout((x), MAX_SCHEDULE_TIMEOUT))
#define wait_for_completion_interruptible(x) ((int)(wait_for_completion(x), 0))
#define wait_for_completion_killable(x) ((int)(wait_for_completion(x), 0))
#define wait_for_completion_interruptible_timeout(x, t) ((long)wait_for_completion_timeout((x), (t)))
#define wait_for_completion_io_timeout(x, t) wait_for_completion_timeout((x), (t))
static inline bool try_wait_for_completion(struct completion *x)
{
	bool ok;

	pthread_mutex_lock(&x->lock);
	ok = x->done != 0;
	if (ok && x->done != UINT_MAX)
		x->done--;
	pthread_mutex_unlock(&x->lock);
	return ok;
}
static inline bool completion_done(struct completion *x) { return READ_ONCE(x->done) != 0; }

/* ---- read-write semaphore: any task may release it, as in Linux ---- */
struct rw_semaphore {
	long count;	/* readers inside, or -1: a writer */
	pthread_mutex_t lock;
	pthread_cond_t wait;
};
#define __RWSEM_INITIALIZER(n) { 0, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER }
#define DECLARE_RWSEM(n) struct rw_semaphore n = __RWSEM_INITIALIZER(n)
static inline void init_rwsem(struct rw_semaphore *s)
{
	s->count = 0;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wait, NULL);
}
static inline bool __vmk_rwsem_take(struct rw_semaphore *s, bool write, bool block)
{
	bool ok;

	pthread_mutex_lock(&s->lock);
	while (!(ok = write ? s->count == 0 : s->count >= 0) && block)
		pthread_cond_wait(&s->wait, &s->lock);
	if (ok)
		s->count = write ? -1 : s->count + 1;
	pthread_mutex_unlock(&s->lock);
	return ok;
}
static inline void __vmk_rwsem_release(struct rw_semaphore *s, bool write)
{
	pthread_mutex_lock(&s->lock);
	s->count = write ? 0 : s->count - 1;
	pthread_cond_broadcast(&s->wait);
	pthread_mutex_unlock(&s->lock);
}
#define down_read(s) ((void)__vmk_rwsem_take((s), false, true))
#define down_write(s) ((void)__vmk_rwsem_take((s), true, true))
#define down_read_trylock(s) ((int)__vmk_rwsem_take((s), false, false))
#define down_write_trylock(s) ((int)__vmk_rwsem_take((s), true, false))
#define down_read_killable(s) ((int)(down_read(s), 0))
#define down_write_killable(s) ((int)(down_write(s), 0))
#define up_read(s) __vmk_rwsem_release((s), false)
#define up_write(s) __vmk_rwsem_release((s), true)
static inline void downgrade_write(struct rw_semaphore *s)
{
	pthread_mutex_lock(&s->lock);
	s->count = 1;
	pthread_cond_broadcast(&s->wait);
	pthread_mutex_unlock(&s->lock);
}

/* ---- mutex ---- */
struct mutex { pthread_mutex_t m; };
#define DEFINE_MUTEX(n) struct mutex n = { PTHREAD_MUTEX_INITIALIZER }
#define mutex_init(x) pthread_mutex_init(&(x)->m, NULL)
#define mutex_lock(x) pthread_mutex_lock(&(x)->m)
#define mutex_lock_interruptible(x) (pthread_mutex_lock(&(x)->m), 0)
#define mutex_trylock(x) (pthread_mutex_trylock(&(x)->m) == 0)
#define mutex_unlock(x) pthread_mutex_unlock(&(x)->m)
#define mutex_destroy(x) pthread_mutex_destroy(&(x)->m)

/* ---- CPUs: the runtime's nr_cpu_ids, all online ---- */
#define NR_CPUS 256
struct cpumask { unsigned long bits[NR_CPUS / BITS_PER_LONG]; };
typedef struct cpumask cpumask_t;
static inline unsigned int num_online_cpus(void) { return nr_cpu_ids; }
#define num_possible_cpus() num_online_cpus()
#define num_present_cpus() num_online_cpus()
#define cpu_online(cpu) ((unsigned int)(cpu) < nr_cpu_ids)
#define for_each_possible_cpu(cpu) for ((cpu) = 0; (cpu) < (int)nr_cpu_ids; (cpu)++)
#define for_each_online_cpu(cpu) for_each_possible_cpu(cpu)
#define for_each_present_cpu(cpu) for_each_possible_cpu(cpu)
static inline bool cpumask_test_cpu(int cpu, const struct cpumask *m)
{
	return (unsigned int)cpu < NR_CPUS && (m->bits[cpu / BITS_PER_LONG] >> (cpu % BITS_PER_LONG)) & 1;
}
static inline void cpumask_set_cpu(unsigned int cpu, struct cpumask *m)
{
	if (cpu < NR_CPUS)
		m->bits[cpu / BITS_PER_LONG] |= 1UL << (cpu % BITS_PER_LONG);
}
static inline void cpumask_clear_cpu(unsigned int cpu, struct cpumask *m)
{
	if (cpu < NR_CPUS)
		m->bits[cpu / BITS_PER_LONG] &= ~(1UL << (cpu % BITS_PER_LONG));
}
static inline void cpumask_clear(struct cpumask *m) { memset(m, 0, sizeof(*m)); }
static inline unsigned int cpumask_weight(const struct cpumask *m)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < NR_CPUS / BITS_PER_LONG; i++)
		n += (unsigned int)__builtin_popcountl(m->bits[i]);
	return n;
}
/* The next CPU in the mask after `n` (-1 starts), nr_cpu_ids when none. */
static inline unsigned int cpumask_next(int n, const struct cpumask *m)
{
	for (int c = n + 1; c < (int)nr_cpu_ids; c++)
		if (cpumask_test_cpu(c, m))
			return (unsigned int)c;
	return nr_cpu_ids;
}
#define cpumask_first(m) cpumask_next(-1, (m))
#define for_each_cpu(cpu, m)							\
	for ((cpu) = cpumask_next(-1, (m)); (cpu) < (int)nr_cpu_ids; (cpu) = cpumask_next((cpu), (m)))
static inline const struct cpumask *__vmk_cpu_all_mask(void)
{
	static struct cpumask all;

	if (!cpumask_test_cpu(0, &all))
		for (unsigned int c = 0; c < nr_cpu_ids && c < NR_CPUS; c++)
			cpumask_set_cpu(c, &all);
	return &all;
}
static inline const struct cpumask *cpumask_of(int cpu)
{
	static __thread struct cpumask one;

	cpumask_clear(&one);
	cpumask_set_cpu((unsigned int)cpu, &one);
	return &one;
}
#define cpu_online_mask __vmk_cpu_all_mask()
#define cpu_possible_mask __vmk_cpu_all_mask()
#define cpu_present_mask __vmk_cpu_all_mask()
static inline int smp_processor_id(void)
{
	int c = sched_getcpu();

	return c >= 0 && (unsigned int)c < nr_cpu_ids ? c : 0;
}
#define raw_smp_processor_id() smp_processor_id()
#define get_cpu() smp_processor_id()
#define put_cpu() do { } while (0)

/* ---- kthreads: a task_struct is a pthread ---- */
struct task_struct {
	pthread_t thread;
	int (*threadfn)(void *data);
	void *data;
	int result;
	int pid;			/* the thread's id (gettid), once it runs */
	bool woken, should_stop, exited;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	char comm[16];
};
#define TASK_COMM_LEN 16
__VMK_WEAK __thread struct task_struct *__vmk_current_kthread;

static inline void *__vmk_kthread_main(void *arg)
{
	struct task_struct *t = arg;
	bool run;

	__vmk_current_kthread = t;
	prctl(PR_SET_NAME, t->comm, 0, 0, 0);
	/* Created stopped, as in Linux: fn runs after wake_up_process(),
	 * and not at all if kthread_stop() comes first (-EINTR). */
	pthread_mutex_lock(&t->lock);
	t->pid = gettid();
	while (!t->woken && !t->should_stop)
		pthread_cond_wait(&t->wake, &t->lock);
	run = !t->should_stop;
	pthread_mutex_unlock(&t->lock);
	t->result = run ? t->threadfn(t->data) : -EINTR;
	pthread_mutex_lock(&t->lock);
	t->exited = true;
	pthread_mutex_unlock(&t->lock);
	return NULL;
}
__attribute__((format(printf, 3, 4)))
__VMK_WEAK struct task_struct *kthread_create(int (*fn)(void *data), void *data, const char *namefmt, ...)
{
	struct task_struct *t = kzalloc(sizeof(*t), GFP_KERNEL);
	va_list ap;

	if (!t)
		return ERR_PTR(-ENOMEM);
	va_start(ap, namefmt);
	vsnprintf(t->comm, sizeof(t->comm), namefmt, ap);
	va_end(ap);
	t->threadfn = fn;
	t->data = data;
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->wake, NULL);
	if (pthread_create(&t->thread, NULL, __vmk_kthread_main, t)) {
		kfree(t);
		return ERR_PTR(-EAGAIN);
	}
	return t;
}
#define kthread_create_on_node(fn, data, node, namefmt, ...) kthread_create((fn), (data), namefmt, ##__VA_ARGS__)
static inline int wake_up_process(struct task_struct *t)
{
	int was_stopped;

	pthread_mutex_lock(&t->lock);
	was_stopped = !t->woken;
	t->woken = true;
	pthread_cond_broadcast(&t->wake);
	pthread_mutex_unlock(&t->lock);
	return was_stopped;
}
#define kthread_run(fn, data, namefmt, ...) ({					\
	struct task_struct *__k = kthread_create((fn), (data), namefmt, ##__VA_ARGS__); \
	if (!IS_ERR(__k))							\
		wake_up_process(__k);						\
	__k; })
/* Placement: Linux pins the thread; here the affinity is the host's
 * for the same CPU numbers (nr_cpu_ids is the host's count). */
static inline int set_cpus_allowed_ptr(struct task_struct *t, const struct cpumask *m)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	for (unsigned int c = 0; c < nr_cpu_ids && c < NR_CPUS && c < CPU_SETSIZE; c++)
		if (cpumask_test_cpu((int)c, m))
			CPU_SET(c, &set);
	return -pthread_setaffinity_np(t->thread, sizeof(set), &set);
}
#define kthread_bind(t, cpu) ((void)set_cpus_allowed_ptr((t), cpumask_of(cpu)))
#define kthread_create_on_cpu(fn, data, cpu, namefmt) ({				\
	struct task_struct *__k = kthread_create((fn), (data), namefmt, (cpu));	\
	if (!IS_ERR(__k))							\
		kthread_bind(__k, (cpu));					\
	__k; })
static inline bool kthread_should_stop(void)
{
	struct task_struct *t = __vmk_current_kthread;

	return t && __atomic_load_n(&t->should_stop, __ATOMIC_ACQUIRE);
}
/* Tells the thread to stop, waits for it to end, returns what its
 * function returned (-EINTR if it never ran); the task is gone after. */
__VMK_WEAK int kthread_stop(struct task_struct *t)
{
	int r;

	pthread_mutex_lock(&t->lock);
	__atomic_store_n(&t->should_stop, true, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&t->wake);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	r = t->result;
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->wake);
	kfree(t);
	return r;
}
#define task_pid_nr(t) ((t)->pid)
/* current: the kthread's task, or one per other thread (main, pthreads)
 * with its id and name, so current->pid and current->comm work. */
static inline struct task_struct *get_current(void)
{
	static __thread struct task_struct self;

	if (__vmk_current_kthread)
		return __vmk_current_kthread;
	if (!self.pid) {
		self.pid = gettid();
		self.thread = pthread_self();
		self.woken = true;
		prctl(PR_GET_NAME, self.comm, 0, 0, 0);
	}
	return &self;
}
#define current get_current()


/* ---- spinlocks and rwlocks: a test-and-set lock that yields ---- */
typedef struct { int locked; } spinlock_t;
typedef spinlock_t raw_spinlock_t;
typedef struct { spinlock_t l; } rwlock_t;
#define __SPIN_LOCK_UNLOCKED(name) { 0 }
#define __RAW_SPIN_LOCK_UNLOCKED(name) { 0 }
#define __RW_LOCK_UNLOCKED(name) { { 0 } }
#define DEFINE_SPINLOCK(x) spinlock_t x = __SPIN_LOCK_UNLOCKED(x)
#define DEFINE_RAW_SPINLOCK(x) raw_spinlock_t x = __SPIN_LOCK_UNLOCKED(x)
#define DEFINE_RWLOCK(x) rwlock_t x = __RW_LOCK_UNLOCKED(x)
static inline void spin_lock_init(spinlock_t *l) { __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE); }
static inline bool spin_trylock(spinlock_t *l)
{
	__VMK_CHECKW(l, sizeof(*l));
	return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}
static inline void spin_lock(spinlock_t *l)
{
	while (!spin_trylock(l))
		sched_yield();
}
static inline void spin_unlock(spinlock_t *l)
{
	__VMK_CHECKW(l, sizeof(*l));
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}
static inline bool spin_is_locked(spinlock_t *l) { return __atomic_load_n(&l->locked, __ATOMIC_RELAXED); }
#define raw_spin_lock_init spin_lock_init
#define raw_spin_lock spin_lock
#define raw_spin_unlock spin_unlock
#define raw_spin_trylock spin_trylock
#define spin_lock_irq spin_lock
#define spin_unlock_irq spin_unlock
#define spin_lock_bh spin_lock
#define spin_unlock_bh spin_unlock
#define spin_lock_nested(l, sub) spin_lock(l)
#define spin_lock_irqsave(l, f) do { (f) = 0; spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, f) do { (void)(f); spin_unlock(l); } while (0)
#define raw_spin_lock_irqsave spin_lock_irqsave
#define raw_spin_unlock_irqrestore spin_unlock_irqrestore
#define assert_spin_locked(l) WARN_ON(!spin_is_locked(l))
#define rwlock_init(rw) spin_lock_init(&(rw)->l)
#define read_lock(rw) spin_lock(&(rw)->l)
#define read_unlock(rw) spin_unlock(&(rw)->l)
#define write_lock(rw) spin_lock(&(rw)->l)
#define write_unlock(rw) spin_unlock(&(rw)->l)
#define read_lock_irqsave(rw, f) spin_lock_irqsave(&(rw)->l, f)
#define read_unlock_irqrestore(rw, f) spin_unlock_irqrestore(&(rw)->l, f)
#define write_lock_irqsave(rw, f) spin_lock_irqsave(&(rw)->l, f)
#define write_unlock_irqrestore(rw, f) spin_unlock_irqrestore(&(rw)->l, f)
#define lockdep_assert_held(l) do { } while (0)
#define lockdep_assert_held_once(l) do { } while (0)
#define lockdep_assert_not_held(l) do { } while (0)
#define might_lock(l) do { } while (0)
#define local_irq_disable() do { } while (0)
#define local_irq_enable() do { } while (0)
#define irqs_disabled() false
#define in_interrupt() false
#define in_task() true

/* Task states: schedule() yields; a wake-up is a flag the sleeper
 * polls (lib/klist.c's waiters, wait loops). */
#define TASK_RUNNING 0x0000
#define TASK_INTERRUPTIBLE 0x0001
#define TASK_UNINTERRUPTIBLE 0x0002
#define set_current_state(s) smp_mb()
/* Tasks are not reference counted here: a kthread lives until
 * kthread_stop(), other threads' tasks as long as the thread. */
#define get_task_struct(t) ((void)(t))
#define put_task_struct(t) ((void)(t))
#define __set_current_state(s) barrier()

#endif
