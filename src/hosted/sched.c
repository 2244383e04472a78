// SPDX-License-Identifier: MIT
/*
 * Threads: every thread made by pthread_create() gets an alternate
 * signal stack, so a fault on its own stack can still be reported.
 *
 * VMAP stacks: with vmap_stack=1 every thread made by pthread_create()
 * runs on a vmalloc'd stack, as the kernel's tasks do with
 * CONFIG_VMAP_STACK, so stack instrumentation writes its redzones into
 * vmalloc shadow and an overflow hits a guard page and is reported as a
 * stack overflow of that task.  vmkasan_run_on_vmap_stack() does the
 * same for one function call.
 *
 * A thread's stack outlives the thread's last instruction on it: glibc
 * keeps the thread's descriptor (struct pthread) at the top of a stack
 * the caller provides, runs its exit path there, and a joinable
 * thread's descriptor is read and unlinked by pthread_join.  So a
 * joinable thread's stack is freed by our pthread_join (or tryjoin)
 * once the real one has returned, and a detached thread's (detached at
 * creation or by pthread_detach) once the kernel says it is gone
 * (tgkill(tid, 0) fails with ESRCH), the next time a thread is made.
 * A thread joined by pthread_timedjoin_np/clockjoin_np keeps its stack
 * (a leak, never a use after free).
 *
 * The real pthread functions come from dlsym(RTLD_NEXT) in a dynamic
 * program; a -static one has no dynamic symbols, and takes glibc's
 * internal names (__pthread_create, ...), which vmkasan-cc -static makes
 * the linker pull in (-u): weak here, so a dynamic link does not need
 * them.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core.h"
#include "hosted.h"

extern int vmap_stack;
extern unsigned long vmap_stack_size;

struct thread_start {
	void *(*fn)(void *);
	void *arg;
	void *stack;			/* vmalloc area, or NULL */
	uintptr_t lo, hi;		/* its usable part */
	volatile pid_t tid;		/* set by the thread */
	pthread_t thread;		/* set by creator and thread */
	volatile bool detached;		/* glibc forgets it at its exit */
	struct thread_start *next;	/* on the list of stacks to free */
};

typedef int (*pthread_create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
typedef int (*pthread_join_fn)(pthread_t, void **);
typedef int (*pthread_detach_fn)(pthread_t);

extern int __pthread_create(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *)
	__attribute__((weak));
extern int __pthread_join(pthread_t, void **) __attribute__((weak));
extern int __pthread_tryjoin_np(pthread_t, void **) __attribute__((weak));
extern int __pthread_detach(pthread_t) __attribute__((weak));

static void *real_fn(const char *name, void *static_fn)
{
	void *f = dlsym(RTLD_NEXT, name);

	return f ? f : static_fn;
}

static void free_stack(struct thread_start *t)
{
	/* Without vmalloc shadow nobody clears the stack's shadow at vfree,
	 * and frames abandoned on it (pthread_exit) leave redzones that the
	 * next user of the range would trip over. */
	if (vmalloc_shadow_policy == SHADOW_OFF)
		kasan_unpoison(t->lo, t->hi - t->lo);
	vmalloc_stack_free(t->stack);
	free(t);
}

static struct thread_start *zombies;
static kasan_spinlock_t zombie_lock;

/* Free the stacks of threads that have ended. */
static void reap_stacks(void)
{
	struct thread_start **pp, *t;

	kasan_spin_lock(&zombie_lock);
	for (pp = &zombies; (t = *pp);) {
		if (t->detached && t->tid && syscall(SYS_tgkill, getpid(), t->tid, 0) &&
		    errno == ESRCH) {
			*pp = t->next;
			free_stack(t);
		} else {
			pp = &t->next;
		}
	}
	kasan_spin_unlock(&zombie_lock);
}

static void release_altstack(void *p)
{
	stack_t ss = { .ss_flags = SS_DISABLE };

	sigaltstack(&ss, NULL);
	munmap(p, 64 * 1024);
}

static void *thread_trampoline(void *p)
{
	struct thread_start *t = p;
	void *(*fn)(void *) = t->fn, *arg = t->arg, *ret;
	stack_t ss;

	if (!t->stack)
		free(t);	/* nothing to reap later */
	else {
		t->thread = pthread_self();
		t->tid = (pid_t)plat_tid();
	}
	hosted_note_thread_stack();
	/* An overflow must be reportable: the handler needs its own stack. */
	hosted_setup_altstack();
	sigaltstack(NULL, &ss);
	pthread_cleanup_push(release_altstack, ss.ss_sp);
	ret = fn(arg);
	pthread_cleanup_pop(1);
	return ret;
}

/* Threads made by vmkasan_run_task: their joins free vmap stacks too. */
static unsigned long tasks_made;

/* pthread_create, the thread on a vmap stack when vmap is set (of
 * stack_size bytes, 0: the attr's or the vmap_stack_size option's). */
static int create_thread(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *),
			 void *arg, bool vmap, size_t stack_size)
{
	static pthread_create_fn real;
	pthread_attr_t own;
	struct thread_start *t;
	void *user_stack = NULL;
	size_t size = 0;
	uintptr_t lo, hi;
	int err;

	if (!real)
		real = (pthread_create_fn)real_fn("pthread_create", (void *)__pthread_create);
	if (!real)
		return EAGAIN;
	if (!kasan_ready)
		return real(thread, attr, fn, arg);
	t = calloc(1, sizeof(*t));
	if (!t)
		return EAGAIN;
	t->fn = fn;
	t->arg = arg;
	if (attr)
		pthread_attr_getstack(attr, &user_stack, &size);
	/* Every thread gets an alternate signal stack through the
	 * trampoline; with vmap_stack=1 it also gets a vmalloc'd stack,
	 * unless the caller chose a stack itself. */
	if (!vmap || user_stack) {
		err = real(thread, attr, thread_trampoline, t);
		if (err)
			free(t);
		return err;
	}
	reap_stacks();
	if (attr)
		pthread_attr_getstacksize(attr, &size);
	if (!attr || size < 16384)
		size = vmap_stack_size;
	if (stack_size)
		size = stack_size;
	t->stack = vmalloc_stack_alloc(size, &lo, &hi);
	t->lo = lo;
	t->hi = hi;
	if (attr) {
		int state = PTHREAD_CREATE_JOINABLE;

		pthread_attr_getdetachstate(attr, &state);
		t->detached = state == PTHREAD_CREATE_DETACHED;
	}
	if (!t->stack) {
		free(t);
		return EAGAIN;
	}
	if (attr)
		own = *attr;	/* glibc's attr is a plain struct; a copy keeps the caller's */
	else
		pthread_attr_init(&own);
	pthread_attr_setstack(&own, (void *)lo, hi - lo);
	err = real(thread, &own, thread_trampoline, t);
	if (!attr)
		pthread_attr_destroy(&own);
	if (err) {
		vmalloc_stack_free(t->stack);
		free(t);
		return err;
	}
	kasan_spin_lock(&zombie_lock);
	t->thread = *thread;
	t->next = zombies;
	zombies = t;
	kasan_spin_unlock(&zombie_lock);
	return 0;
}

__public int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
			    void *(*fn)(void *), void *arg);
__public int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
			    void *(*fn)(void *), void *arg)
{
	return create_thread(thread, attr, fn, arg, vmap_stack, 0);
}

/* Take the vmap stack record of thread th off the list (NULL if none). */
static struct thread_start *unlist(pthread_t th)
{
	struct thread_start **pp, *t;

	kasan_spin_lock(&zombie_lock);
	for (pp = &zombies; (t = *pp); pp = &t->next)
		if (t->thread == th) {
			*pp = t->next;
			break;
		}
	kasan_spin_unlock(&zombie_lock);
	return t;
}

/* The join is over: glibc no longer reads the descriptor on the stack. */
static int joined(pthread_t th, int err)
{
	struct thread_start *t;

	if (!err && (vmap_stack || READ_ONCE(tasks_made)) && (t = unlist(th)))
		free_stack(t);
	return err;
}

__public int pthread_join(pthread_t th, void **ret);
__public int pthread_join(pthread_t th, void **ret)
{
	static pthread_join_fn real;

	if (!real)
		real = (pthread_join_fn)real_fn("pthread_join", (void *)__pthread_join);
	return real ? joined(th, real(th, ret)) : ENOSYS;
}

__public int pthread_tryjoin_np(pthread_t th, void **ret);
__public int pthread_tryjoin_np(pthread_t th, void **ret)
{
	static pthread_join_fn real;

	if (!real)
		real = (pthread_join_fn)real_fn("pthread_tryjoin_np", (void *)__pthread_tryjoin_np);
	return real ? joined(th, real(th, ret)) : ENOSYS;
}

__public int pthread_detach(pthread_t th);
__public int pthread_detach(pthread_t th)
{
	static pthread_detach_fn real;
	int err;

	if (!real)
		real = (pthread_detach_fn)real_fn("pthread_detach", (void *)__pthread_detach);
	if (!real)
		return ENOSYS;
	err = real(th);
	if (!err && vmap_stack) {
		struct thread_start *t;

		kasan_spin_lock(&zombie_lock);
		for (t = zombies; t; t = t->next)
			if (t->thread == th)
				t->detached = true;
		kasan_spin_unlock(&zombie_lock);
	}
	return err;
}

/* Switch rsp to the new stack, call fn(arg), switch back.  The callee
 * pushes our frame pointer, so traces run on into the caller. */
static __attribute__((noinline)) void call_on_stack(void (*fn)(void *), void *arg, uintptr_t top)
{
	__asm__ volatile("mov %%rsp, %%rbx\n\t"
			 "mov %[top], %%rsp\n\t"
			 "call *%[fn]\n\t"
			 "mov %%rbx, %%rsp"
			 : "+D"(arg)
			 : [fn] "r"(fn), [top] "r"(top)
			 : "rbx", "rax", "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11", "memory",
			   "cc");
}

int vmkasan_run_on_vmap_stack(void (*fn)(void *), void *arg, size_t stack_size)
{
	uintptr_t lo, hi;
	void *stack;

	if (!kasan_ready || !fn)
		return -1;
	stack = vmalloc_stack_alloc(stack_size ? stack_size : vmap_stack_size, &lo, &hi);
	if (!stack)
		return -1;
	call_on_stack(fn, arg, ALIGN_DOWN(hi, 16));
	vmalloc_stack_free(stack);
	return 0;
}

/*
 * A task as the kernel runs one: its own thread named comm, on a vmap
 * stack of stack_size bytes, as Linux's kthreads with CONFIG_VMAP_STACK
 * (KUnit runs each case in such a kthread, "kunit_try_catch").  Waits
 * for fn(arg) to return.
 */
struct task_run {
	void (*fn)(void *);
	void *arg;
	const char *comm;
};

static void *task_main(void *p)
{
	struct task_run *r = p;

	prctl(PR_SET_NAME, r->comm, 0, 0, 0);
	r->fn(r->arg);
	return NULL;
}

int vmkasan_run_task(void (*fn)(void *), void *arg, const char *comm, size_t stack_size)
{
	struct task_run r = { fn, arg, comm ? comm : "vmkasan_task" };
	pthread_t th;

	if (!kasan_ready || !fn)
		return -1;
	__atomic_add_fetch(&tasks_made, 1, __ATOMIC_RELAXED);
	if (create_thread(&th, NULL, task_main, &r, true, stack_size))
		return -1;
	return pthread_join(th, NULL) ? -1 : 0;
}

void plat_yield(void)
{
	sched_yield();
}
