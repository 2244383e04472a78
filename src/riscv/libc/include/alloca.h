/* SPDX-License-Identifier: MIT */
/* <alloca.h> of the guest library: the compiler's own alloca, which
 * both gcc and clang instrument (dynamic allocas get redzones). */
#ifndef _VMK_ALLOCA_H
#define _VMK_ALLOCA_H
#include <stddef.h>
void *alloca(size_t size);
#undef alloca
#define alloca(size) __builtin_alloca(size)
#endif
