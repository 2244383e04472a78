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
 * A thread's stack outlives the thread's last instruction on it (glibc
 * runs TLS destructors and its exit path there), so a stack is freed
 * only once the kernel says its thread is gone (tgkill(tid, 0) fails
 * with ESRCH), the next time a thread is made or at exit.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mm/mm.h"
#include "hosted.h"

extern int vmap_stack;
extern unsigned long vmap_stack_size;

struct thread_start {
	void *(*fn)(void *);
	void *arg;
	void *stack;			/* vmalloc area, or NULL */
	volatile pid_t tid;		/* set by the thread */
	struct thread_start *next;	/* on the list of stacks to free */
};

static struct thread_start *zombies;
static kasan_spinlock_t zombie_lock;

/* Free the stacks of threads that have ended. */
static void reap_stacks(void)
{
	struct thread_start **pp, *t;

	kasan_spin_lock(&zombie_lock);
	for (pp = &zombies; (t = *pp);) {
		if (t->tid && syscall(SYS_tgkill, getpid(), t->tid, 0) && errno == ESRCH) {
			*pp = t->next;
			vmalloc_stack_free(t->stack);
			free(t);
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
	else
		t->tid = (pid_t)plat_tid();
	hosted_note_thread_stack();
	/* An overflow must be reportable: the handler needs its own stack. */
	hosted_setup_altstack();
	sigaltstack(NULL, &ss);
	pthread_cleanup_push(release_altstack, ss.ss_sp);
	ret = fn(arg);
	pthread_cleanup_pop(1);
	return ret;
}

typedef int (*pthread_create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

__public int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
			    void *(*fn)(void *), void *arg);
__public int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
			    void *(*fn)(void *), void *arg)
{
	static pthread_create_fn real;
	pthread_attr_t own;
	struct thread_start *t;
	void *user_stack = NULL;
	size_t size = 0;
	uintptr_t lo, hi;
	int err;

	if (!real)
		real = (pthread_create_fn)dlsym(RTLD_NEXT, "pthread_create");
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
	if (!vmap_stack || user_stack) {
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
	t->stack = vmalloc_stack_alloc(size, &lo, &hi);
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
	t->next = zombies;
	zombies = t;
	kasan_spin_unlock(&zombie_lock);
	return 0;
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
