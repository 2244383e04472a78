/* SPDX-License-Identifier: MIT */
/* <strings.h> of the guest library (libc/string.c). */
#ifndef _VMK_STRINGS_H
#define _VMK_STRINGS_H
#include <stddef.h>
int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);
#endif
