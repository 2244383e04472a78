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

static unsigned next_hart;

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
	/* Threads go round the harts, as a kernel would spread them. */
	pt->t = rv_thread_create(start, pt, __atomic_fetch_add(&next_hart, 1, __ATOMIC_RELAXED) %
				 rv_nr_harts, 64 * 1024, NULL);
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

/* ---- locks: spin with yield (threads are cooperative) ---- */

static void wait_a_bit(void)
{
	plat_yield();
	plat_cpu_relax();
}

int pthread_mutex_lock(pthread_mutex_t *m)
{
	while (__atomic_exchange_n(&m->locked, 1, __ATOMIC_ACQUIRE))
		wait_a_bit();
	return 0;
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
	__atomic_store_n(&m->locked, 0, __ATOMIC_RELEASE);
	return 0;
}

int pthread_cond_signal(pthread_cond_t *c)
{
	__atomic_add_fetch(&c->seq, 1, __ATOMIC_RELEASE);
	return 0;
}

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *ts)
{
	unsigned seq = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);
	uint64_t end = (uint64_t)ts->tv_sec * 1000000000ULL + (uint64_t)ts->tv_nsec;

	pthread_mutex_unlock(m);
	while (__atomic_load_n(&c->seq, __ATOMIC_ACQUIRE) == seq && plat_time_ns() < end)
		wait_a_bit();
	pthread_mutex_lock(m);
	return __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE) == seq ? 110 /* ETIMEDOUT */ : 0;
}

int pthread_barrier_init(pthread_barrier_t *b, const void *attr, unsigned count)
{
	(void)attr;
	b->count = count;
	b->waiting = 0;
	b->phase = 0;
	return 0;
}

int pthread_barrier_wait(pthread_barrier_t *b)
{
	unsigned phase = __atomic_load_n(&b->phase, __ATOMIC_ACQUIRE);

	if (__atomic_add_fetch(&b->waiting, 1, __ATOMIC_ACQ_REL) == b->count) {
		b->waiting = 0;
		__atomic_add_fetch(&b->phase, 1, __ATOMIC_RELEASE);
		return -1;	/* PTHREAD_BARRIER_SERIAL_THREAD */
	}
	while (__atomic_load_n(&b->phase, __ATOMIC_ACQUIRE) == phase)
		wait_a_bit();
	return 0;
}

int pthread_rwlockattr_init(pthread_rwlockattr_t *a)
{
	a->kind = 0;
	return 0;
}

int pthread_rwlockattr_setkind_np(pthread_rwlockattr_t *a, int kind)
{
	a->kind = kind;
	return 0;
}

int pthread_rwlock_init(pthread_rwlock_t *l, const pthread_rwlockattr_t *a)
{
	(void)a;
	l->writer = 0;
	l->readers = 0;
	l->want_write = 0;
	return 0;
}

/* Writers are preferred: a reader waits while one wants the lock. */
int pthread_rwlock_rdlock(pthread_rwlock_t *l)
{
	for (;;) {
		while (__atomic_load_n(&l->want_write, __ATOMIC_ACQUIRE))
			wait_a_bit();
		__atomic_add_fetch(&l->readers, 1, __ATOMIC_ACQ_REL);
		if (!__atomic_load_n(&l->want_write, __ATOMIC_ACQUIRE))
			return 0;
		__atomic_sub_fetch(&l->readers, 1, __ATOMIC_ACQ_REL);
	}
}

int pthread_rwlock_wrlock(pthread_rwlock_t *l)
{
	while (__atomic_exchange_n(&l->want_write, 1, __ATOMIC_ACQUIRE))
		wait_a_bit();
	while (__atomic_load_n(&l->readers, __ATOMIC_ACQUIRE))
		wait_a_bit();
	l->writer = 1;
	return 0;
}

int pthread_rwlock_unlock(pthread_rwlock_t *l)
{
	if (l->writer) {
		l->writer = 0;
		__atomic_store_n(&l->want_write, 0, __ATOMIC_RELEASE);
	} else {
		__atomic_sub_fetch(&l->readers, 1, __ATOMIC_ACQ_REL);
	}
	return 0;
}
