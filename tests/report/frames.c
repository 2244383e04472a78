// SPDX-License-Identifier: MIT
/*
 * A use-after-free three calls deep, for the default frame line: every
 * frame of the report (access, allocation and free traces) must be one
 * that Linux's scripts/decode_stacktrace.sh decorates with file:line.
 */
#include <stdlib.h>

static __attribute__((noinline)) char *make(void)
{
	return malloc(40);
}

static __attribute__((noinline)) void drop(char *p)
{
	free(p);
}

static __attribute__((noinline)) int use(volatile char *p)
{
	return p[8];
}

int main(void)
{
	char *p = make();

	drop(p);
	return use(p) == 42;
}
