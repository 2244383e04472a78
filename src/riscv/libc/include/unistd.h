/* SPDX-License-Identifier: MIT */
#ifndef _VMK_UNISTD_H
#define _VMK_UNISTD_H
#include "sys/types.h"
/* The main thread's id (reports name tasks by thread id). */
pid_t getpid(void);
pid_t gettid(void);
__attribute__((noreturn)) void _exit(int status);
#define _SC_NPROCESSORS_ONLN 84
#define _SC_NPROCESSORS_CONF 83
/* The harts of the machine. */
long sysconf(int name);
#endif
