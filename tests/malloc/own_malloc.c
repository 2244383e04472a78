// SPDX-License-Identifier: MIT
/*
 * A program with its own allocator (malloc, free, calloc, realloc: the
 * set glibc requires of a replacement): it links with vmkasan-cc (static
 * runtime, --shared-runtime, -static), its allocator serves every call
 * (strdup's too), the runtime checks the rest (a global overflow is
 * reported), and nothing of the heap is reported.
 *
 * Built with -fno-builtin (as allocators are: the compiler must not
 * reason about malloc's own body as if it were libc's).  The allocator
 * itself is not instrumented: in a -static program glibc calls malloc
 * during its own start-up, before the runtime (or any constructor) runs,
 * when there is no shadow yet (README).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A bump allocator over a static arena; each block keeps its size. */
static _Alignas(16) unsigned char arena[1 << 20];
static size_t used;
static int calls;

#define ALLOCATOR __attribute__((no_sanitize_address))

ALLOCATOR void *malloc(size_t n)
{
	size_t *h;

	n = (n + 15) & ~(size_t)15;
	if (n > sizeof(arena) - 16 - used)
		return NULL;
	h = (size_t *)(arena + used);
	*h = n;
	used += n + 16;
	__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	return (unsigned char *)h + 16;
}

ALLOCATOR void free(void *p)
{
	(void)p;
}

ALLOCATOR void *calloc(size_t n, size_t m)
{
	void *p = malloc(n * m);

	if (p)
		memset(p, 0, n * m);
	return p;
}

ALLOCATOR void *realloc(void *p, size_t n)
{
	void *q = malloc(n);
	size_t old = p ? *(size_t *)((unsigned char *)p - 16) : 0;

	if (q && p)
		memcpy(q, p, old < n ? old : n);
	return q;
}

static int mine(const void *p)
{
	return (const unsigned char *)p >= arena && (const unsigned char *)p < arena + sizeof(arena);
}

char global_buf[10];

int main(int argc, char **argv)
{
	char *a = malloc(100), *b = calloc(4, 8), *c = strdup("own"), *d;
	volatile size_t past = 10, beyond = 150;
	int a_mine = mine(a);

	(void)argv;
	d = realloc(a, 200);
	printf("mine %d %d %d %d calls %d\n", a_mine, mine(b), mine(c), mine(d), calls);
	b[beyond] = 1;	/* beyond calloc(4, 8): not checked, the heap is the program's */
	free(b);
	free(c);
	free(d);
	if (argc > 1)
		global_buf[past] = 1;	/* checked: reported */
	printf("done\n");
	return 0;
}
