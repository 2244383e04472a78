/* SPDX-License-Identifier: MIT */
/* The guest's small freestanding C library: output to the UART. */
#ifndef _VMK_STDIO_H
#define _VMK_STDIO_H
#include <stdarg.h>
#include <stddef.h>

typedef struct vmk_file FILE;
extern FILE *stdout, *stderr;
/* A FILE that discards what is written to it (the guest has no files). */
extern FILE *vmk_null_file;
#define EOF (-1)

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fprintf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vprintf(const char *fmt, va_list ap);
int vfprintf(FILE *f, const char *fmt, va_list ap);
int snprintf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t len, const char *fmt, va_list ap);
int sprintf(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int puts(const char *s);
int fputs(const char *s, FILE *f);
int putchar(int c);
int fputc(int c, FILE *f);
#define putc fputc
int fflush(FILE *f);
void perror(const char *s);
FILE *fmemopen(void *buf, size_t size, const char *mode);
int fclose(FILE *f);
#endif
