// SPDX-License-Identifier: MIT
/* pthread_create/join over the port's threads, and syscall(SYS_gettid). */
#include "../riscv.h"
#include "include/pthread.h"
#include "include/sys/syscall.h"

struct vmk_pthread {
	void *(*fn)(void *);
	void *arg, *ret;
	struct rv_thread *t;
};

static void start(void *p)
{
	struct vmk_pthread *pt = p;

	pt->ret = pt->fn(pt->arg);
}

int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	struct vmk_pthread *pt = meta_alloc(sizeof(*pt));

	(void)attr;
	if (!pt)
		return 11;	/* EAGAIN */
	pt->fn = fn;
	pt->arg = arg;
	pt->t = rv_thread_create(start, pt, this_hart()->id, 0, NULL);
	if (!pt->t) {
		meta_free(pt, sizeof(*pt));
		return 11;
	}
	*t = pt;
	return 0;
}

int pthread_join(pthread_t t, void **ret)
{
	rv_thread_join(t->t);
	if (ret)
		*ret = t->ret;
	meta_free(t, sizeof(*t));
	return 0;
}

long syscall(long nr, ...)
{
	return nr == SYS_gettid ? (long)plat_tid() : -1;
}
