// SPDX-License-Identifier: MIT
/* <stdlib.h> and <unistd.h> of the guest library. */
#include <stdint.h>
#include "../riscv.h"
#include "include/stdio.h"
#include "include/stdlib.h"
#include "include/string.h"
#include "include/ctype.h"

int errno;

__attribute__((noreturn)) void rv_exit_program(int status);

#define MAX_ATEXIT 32
static void (*atexit_fns[MAX_ATEXIT])(void);
static int nr_atexit;

int atexit(void (*fn)(void))
{
	if (nr_atexit == MAX_ATEXIT)
		return -1;
	atexit_fns[nr_atexit++] = fn;
	return 0;
}

void exit(int status)
{
	while (nr_atexit)
		atexit_fns[--nr_atexit]();
	rv_exit_program(status);
}

void _exit(int status)
{
	rv_exit_program(status);
}

void abort(void)
{
	rv_exit(134);	/* what a shell reports for SIGABRT */
}

void __vmk_assert_fail(const char *expr, const char *file, int line)
{
	printf("%s:%d: assertion failed: %s\n", file, line, expr);
	abort();
}

unsigned long long strtoull(const char *s, char **end, int base)
{
	unsigned long long v = 0;

	while (isspace(*s))
		s++;
	if (*s == '+')
		s++;
	if ((base == 0 || base == 16) && s[0] == '0' && (s[1] | 32) == 'x' && isxdigit(s[2])) {
		s += 2;
		base = 16;
	} else if (base == 0) {
		base = s[0] == '0' ? 8 : 10;
	}
	for (;; s++) {
		int d = isdigit(*s) ? *s - '0' : isalpha(*s) ? (*s | 32) - 'a' + 10 : 99;

		if (d >= base)
			break;
		v = v * (unsigned)base + (unsigned)d;
	}
	if (end)
		*end = (char *)s;
	return v;
}

long long strtoll(const char *s, char **end, int base)
{
	bool neg;

	while (isspace(*s))
		s++;
	neg = *s == '-';
	if (neg)
		s++;
	return neg ? -(long long)strtoull(s, end, base) : (long long)strtoull(s, end, base);
}

long strtol(const char *s, char **end, int base) { return (long)strtoll(s, end, base); }
unsigned long strtoul(const char *s, char **end, int base) { return (unsigned long)strtoull(s, end, base); }
int atoi(const char *s) { return (int)strtol(s, NULL, 10); }
long atol(const char *s) { return strtol(s, NULL, 10); }
int abs(int v) { return v < 0 ? -v : v; }
long labs(long v) { return v < 0 ? -v : v; }

double strtod(const char *s, char **end)
{
	double v = 0, scale = 1;
	bool neg;

	while (isspace(*s))
		s++;
	neg = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	for (; isdigit(*s); s++)
		v = v * 10 + (*s - '0');
	if (*s == '.')
		for (s++; isdigit(*s); s++)
			v += (*s - '0') * (scale /= 10);
	if ((*s | 32) == 'e') {
		char *e;
		long x = strtol(s + 1, &e, 10);

		if (e != s + 1) {
			s = e;
			for (; x > 0; x--) v *= 10;
			for (; x < 0; x++) v /= 10;
		}
	}
	if (end)
		*end = (char *)s;
	return neg ? -v : v;
}

double atof(const char *s) { return strtod(s, NULL); }

/* The guest has no environment: VMKASAN_OPTIONS arrives on the command line. */
char *getenv(const char *name)
{
	return !strcmp(name, "VMKASAN_OPTIONS") ? (char *)plat_options() : NULL;
}

static uint64_t rand_state = 1;
void srand(unsigned seed) { rand_state = seed ? seed : 1; }
int rand(void)
{
	rand_state = rand_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (int)(rand_state >> 33);
}

/* Insertion sort is enough for the sizes guest programs sort. */
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	char *b = base, tmp[256];

	if (size > sizeof(tmp))
		return;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j && cmp(b + (j - 1) * size, b + j * size) > 0; j--) {
			plat_memcpy(tmp, b + j * size, size);
			plat_memcpy(b + j * size, b + (j - 1) * size, size);
			plat_memcpy(b + (j - 1) * size, tmp, size);
		}
}

int getpid(void)
{
	return 1;
}

int gettid(void)
{
	return (int)plat_tid();
}

long sysconf(int name)
{
	return name == 83 || name == 84 ? (long)plat_nr_cpus() : -1;
}
