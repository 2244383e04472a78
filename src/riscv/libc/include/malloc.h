/* SPDX-License-Identifier: MIT */
/* <malloc.h> of the guest library: glibc's extras (libc/malloc.c). */
#ifndef _VMK_MALLOC_H
#define _VMK_MALLOC_H
#include "stdlib.h"
void *memalign(size_t align, size_t n);
size_t malloc_usable_size(void *p);
#endif
