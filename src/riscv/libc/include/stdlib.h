/* SPDX-License-Identifier: MIT */
#ifndef _VMK_STDLIB_H
#define _VMK_STDLIB_H
#include <stddef.h>
#include "alloca.h"
#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
__attribute__((noreturn)) void exit(int status);
__attribute__((noreturn)) void _exit(int status);
__attribute__((noreturn)) void abort(void);
int atexit(void (*fn)(void));
int atoi(const char *s);
long atol(const char *s);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
long long strtoll(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
double strtod(const char *s, char **end);
double atof(const char *s);
int abs(int v);
/* Blocks are vmalloc areas (libc/malloc.c); a size that cannot be had
 * fails with ENOMEM. */
void *malloc(size_t n);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);
void *reallocarray(void *p, size_t n, size_t size);
void free(void *p);
void *aligned_alloc(size_t align, size_t n);
int posix_memalign(void **out, size_t align, size_t n);
void *valloc(size_t n);
long labs(long v);
char *getenv(const char *name);
int rand(void);
void srand(unsigned seed);
#define RAND_MAX 0x7fffffff
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
#endif
