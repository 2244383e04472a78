/* SPDX-License-Identifier: MIT */
/* Just enough POSIX threads for portable test programs: cooperative
 * threads on the calling hart, on vmap stacks (vmkasan_riscv.h). */
#ifndef _VMK_PTHREAD_H
#define _VMK_PTHREAD_H
typedef struct vmk_pthread *pthread_t;
typedef struct { int unused; } pthread_attr_t;
int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg);
int pthread_join(pthread_t t, void **ret);
#endif
