/* SPDX-License-Identifier: MIT */
/* Just enough POSIX threads for portable test programs: cooperative
 * threads on vmap stacks (vmkasan_riscv.h), spread over the harts; locks
 * spin and yield. */
#ifndef _VMK_PTHREAD_H
#define _VMK_PTHREAD_H
#include "time.h"
typedef struct vmk_pthread *pthread_t;
typedef struct { int unused; } pthread_attr_t;
typedef struct { int locked; } pthread_mutex_t;
typedef struct { unsigned seq; } pthread_cond_t;
typedef struct { unsigned count, waiting, phase; int lock; } pthread_barrier_t;
typedef struct { int writer; unsigned readers; int want_write; } pthread_rwlock_t;
typedef struct { int kind; } pthread_rwlockattr_t;
#define PTHREAD_MUTEX_INITIALIZER { 0 }
#define PTHREAD_COND_INITIALIZER { 0 }
#define PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP 2
int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg);
int pthread_join(pthread_t t, void **ret);
int pthread_mutex_lock(pthread_mutex_t *m);
int pthread_mutex_unlock(pthread_mutex_t *m);
int pthread_cond_signal(pthread_cond_t *c);
int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *ts);
int pthread_barrier_init(pthread_barrier_t *b, const void *attr, unsigned count);
int pthread_barrier_wait(pthread_barrier_t *b);
int pthread_rwlockattr_init(pthread_rwlockattr_t *a);
int pthread_rwlockattr_setkind_np(pthread_rwlockattr_t *a, int kind);
int pthread_rwlock_init(pthread_rwlock_t *l, const pthread_rwlockattr_t *a);
int pthread_rwlock_rdlock(pthread_rwlock_t *l);
int pthread_rwlock_wrlock(pthread_rwlock_t *l);
int pthread_rwlock_unlock(pthread_rwlock_t *l);
#endif
