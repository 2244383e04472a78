/*
 * Clean program: correct code that must produce no report in any build
 * (gcc and clang, inline and outline checks).
 *
 *   clean <section>   runs one section, prints "ok <section>"
 *   clean all         runs every section in turn ("exit" last: it ends
 *                     the program from a deep frame, printing "ok exit")
 *
 * This file holds main and the sections that need no threads, jumps or
 * signals: recursion, variadic functions, a 64 KiB frame with many small
 * arrays and frames with over-aligned locals, alloca and VLAs in loops, memcpy/memmove/memset on valid
 * ranges, qsort with an instrumented comparator, and accesses of every
 * size at every valid offset up to the last byte of odd-sized objects.
 * clean_jumps.c: setjmp/longjmp, signals, sigsetjmp/siglongjmp,
 * swapcontext, exit from deep frames.  clean_threads.c: threads and TLS.
 */
#include <alloca.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"

void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "clean: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

/* ---- the stale-poison probe ---- */

static noinline long sum_and_fill(volatile char *p, size_t n)
{
	long sum = 0;

	for (size_t i = 0; i < n; i++) {
		p[i] = (char)i;
		sum += p[i];
	}
	return sum;
}

__attribute__((no_sanitize_address)) noinline void probe_stack(void)
{
	char raw[48 * 1024];	/* no redzones, no shadow written for it */

	sum_and_fill(hide(raw), sizeof(raw));
	__asm__ volatile("" : : "r"(raw) : "memory");
}

/* ---- busy work ---- */

long stack_work(int depth)
{
	char bytes[37];
	int ints[11];
	long longs[5];
	volatile char *b = hide(bytes);
	long sum = 0;

	for (int i = 0; i < 37; i++)
		b[i] = (char)(i + depth);
	for (int i = 0; i < 11; i++)
		ints[hide(i)] = i * depth;
	for (int i = 0; i < 5; i++)
		longs[hide(i)] = ints[i] + b[36 - i];
	for (int i = 0; i < 5; i++)
		sum += longs[i];
	if (depth > 0)
		sum += stack_work(depth - 1);
	return sum;
}

/* ---- recursion ---- */

static noinline long fib_frames(int n, char *parent)
{
	char mine[24];
	volatile char *m = hide(mine);

	m[0] = parent ? parent[23] : 1;
	m[23] = (char)n;
	if (n < 2)
		return n + (m[0] & 1);
	return fib_frames(n - 1, mine) + fib_frames(n - 2, mine);
}

void section_recursion(void)
{
	long total = 0;

	for (int i = 0; i < 5; i++)
		total += fib_frames(18, NULL) + stack_work(300);
	CHECK(total != 0);
	probe_stack();
}

/* ---- variadic functions ---- */

static noinline long sum_ints(int n, ...)
{
	va_list ap, copy;
	long sum = 0, again = 0;

	va_start(ap, n);
	va_copy(copy, ap);
	for (int i = 0; i < n; i++)
		sum += va_arg(ap, int);
	for (int i = 0; i < n; i++)
		again += va_arg(copy, int);
	va_end(copy);
	va_end(ap);
	CHECK(sum == again);
	return sum;
}

static noinline double mixed(const char *fmt, ...)
{
	va_list ap;
	double sum = 0;
	char tmp[64];

	va_start(ap, fmt);
	for (const char *f = fmt; *f; f++) {
		switch (*f) {
		case 'i': sum += va_arg(ap, int); break;
		case 'l': sum += (double)va_arg(ap, long); break;
		case 'd': sum += va_arg(ap, double); break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			snprintf(tmp, sizeof(tmp), "%s", s);
			sum += (double)strlen(tmp);
			break;
		}
		case 'p': {
			struct { long a, b, c; } big = va_arg(ap, __typeof__(big));

			sum += (double)(big.a + big.b + big.c);
			break;
		}
		}
	}
	va_end(ap);
	return sum;
}

static noinline int format_v(char *out, size_t n, const char *fmt, va_list ap)
{
	return vsnprintf(out, n, fmt, ap);
}

static noinline int format(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = format_v(out, n, fmt, ap);
	va_end(ap);
	return r;
}

void section_varargs(void)
{
	struct { long a, b, c; } big = { 1, 2, 3 };
	char buf[100];

	for (int rep = 0; rep < 100; rep++) {
		CHECK(sum_ints(20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
			       19, 20) == 210);
		CHECK(mixed("idldsdddddddddpi", 1, 2.0, 3L, 4.0, "five5", 1.0, 1.0, 1.0, 1.0, 1.0,
			    1.0, 1.0, 1.0, 1.0, big, 7) == 1 + 2 + 3 + 4 + 5 + 9 + 6 + 7);
		CHECK(format(buf, sizeof(buf), "%d-%s-%.1f-%ld", 42, "x", 2.5, 99L) == 11);
		CHECK(!strcmp(buf, "42-x-2.5-99"));
	}
	probe_stack();
}

/* ---- a 64 KiB frame with many small arrays (clang: __asan_set_shadow_*) ---- */

static noinline long large_frame(int depth)
{
	char big[64 * 1024];
	char a1[1], a2[2], a3[3], a5[5], a7[7], a9[9], a13[13];
	short s3[3], s5[5];
	int i3[3], i7[7];
	long l2[2], l9[9];
	char tail[100];
	long sum = 0;

	memset(big, depth, sizeof(big));
	memset(tail, 1, sizeof(tail));
	a1[0] = 1;
#define FILL(a) for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++) a[hide(i)] = (__typeof__(a[0]))(i + 1)
#define SUM(a) for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++) sum += a[hide(i)]
	FILL(a2); FILL(a3); FILL(a5); FILL(a7); FILL(a9); FILL(a13);
	FILL(s3); FILL(s5); FILL(i3); FILL(i7); FILL(l2); FILL(l9);
	SUM(a1); SUM(a2); SUM(a3); SUM(a5); SUM(a7); SUM(a9); SUM(a13);
	SUM(s3); SUM(s5); SUM(i3); SUM(i7); SUM(l2); SUM(l9); SUM(tail);
	for (size_t i = 0; i < sizeof(big); i += 4093)
		sum += hide(big)[i];
	sum += hide(big)[sizeof(big) - 1];
	if (depth > 0)
		sum += large_frame(depth - 1);
	return sum;
}

/* Over-aligned locals: a 1 KiB left redzone (clang: __asan_set_shadow_f1). */
static noinline long overaligned_frame(int depth)
{
	char a[8] __attribute__((aligned(1024)));
	char b[40] __attribute__((aligned(64)));
	long c[3];
	volatile char *pa = hide(a), *pb = hide(b);
	long sum;

	for (int i = 0; i < 8; i++)
		pa[i] = (char)i;
	for (int i = 0; i < 40; i++)
		pb[i] = (char)i;
	for (int i = 0; i < 3; i++)
		c[hide(i)] = pa[i] + pb[39 - i];
	sum = c[0] + c[1] + c[2];
	if (depth > 0)
		sum += overaligned_frame(depth - 1) + large_frame(0);
	return sum;
}

void section_large_frame(void)
{
	long first = large_frame(3), first_aligned = overaligned_frame(4);

	for (int i = 0; i < 20; i++) {
		CHECK(large_frame(3) == first);
		CHECK(overaligned_frame(4) == first_aligned);
	}
	probe_stack();
}

/* ---- alloca and VLAs in loops ---- */

static noinline long allocas_in_loop(int n)
{
	long sum = 0;

	for (int i = 1; i <= n; i++) {
		volatile char *p = hide((char *)alloca((size_t)i));

		for (int j = 0; j < i; j++)
			p[j] = (char)j;
		sum += p[i - 1] + p[0];
	}
	return sum;
}

static noinline long vlas_in_loop(int n)
{
	long sum = 0;

	for (int i = 1; i <= n; i++) {
		char vla[i];
		long lv[i % 7 + 1];
		volatile char *p = hide(vla);

		for (int j = 0; j < i; j++)
			p[j] = (char)(j ^ i);
		for (int j = 0; j < i % 7 + 1; j++)
			lv[hide(j)] = j;
		sum += p[i - 1] + lv[i % 7];
		sum += stack_work(1);
	}
	return sum;
}

void section_alloca(void)
{
	for (int rep = 0; rep < 20; rep++) {
		CHECK(allocas_in_loop(150) > 0);
		CHECK(vlas_in_loop(150) != 0);
	}
	probe_stack();
}

/* ---- memcpy, memmove, memset on valid ranges ---- */

char mem_g13[13], mem_g17[17], mem_g31[31], mem_g64[64];

static noinline void mem_ranges(char *a, size_t na, char *b, size_t nb)
{
	size_t n = na < nb ? na : nb;

	memset(hide(a), 'a', hide(na));			/* exactly the object */
	memset(hide(b), 'b', hide(nb));
	memcpy(hide(a), hide(b), hide(n));
	CHECK(a[n - 1] == 'b');
	memcpy(hide(a) + na - 1, hide(b) + nb - 1, hide((size_t)1));	/* last byte to last byte */
	memmove(hide(a) + 1, hide(a), hide(na - 1));	/* overlap, forwards */
	memmove(hide(a), hide(a) + 1, hide(na - 1));	/* overlap, backwards */
	memmove(hide(b), hide(b), hide(nb));		/* onto itself */
	memcpy(hide(a), hide(b), hide((size_t)0));	/* empty */
	memset(hide(a) + na, 0, hide((size_t)0));	/* empty, just past the end */
	for (size_t off = 0; off < na; off++)		/* every tail of a */
		memset(hide(a) + off, (int)off, hide(na - off));
}

void section_mem(void)
{
	char s5[5], s16[16], s33[33];
	char *heap = malloc(100);

	CHECK(heap);
	for (int rep = 0; rep < 50; rep++) {
		mem_ranges(mem_g13, sizeof(mem_g13), mem_g17, sizeof(mem_g17));
		mem_ranges(mem_g31, sizeof(mem_g31), s33, sizeof(s33));
		mem_ranges(s5, sizeof(s5), mem_g64, sizeof(mem_g64));
		mem_ranges(s16, sizeof(s16), heap, 100);
		mem_ranges(mem_g64, sizeof(mem_g64), s16, sizeof(s16));
	}
	free(heap);
	probe_stack();
}

/* ---- qsort with an instrumented comparator ---- */

struct rec {
	char name[9];
	int key;
	short pad[3];
};

static int compare_recs(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	char nx[9], ny[9];

	memcpy(nx, x->name, sizeof(nx));
	memcpy(ny, y->name, sizeof(ny));
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return strcmp(nx, ny);
}

static struct rec global_recs[300];

void section_qsort(void)
{
	struct rec local[200];

	for (int rep = 0; rep < 10; rep++) {
		unsigned seed = 12345u + (unsigned)rep;

		for (int i = 0; i < 300; i++) {
			seed = seed * 1103515245u + 12345u;
			global_recs[i].key = (int)(seed >> 16) % 1000;
			snprintf(global_recs[i].name, sizeof(global_recs[i].name), "r%d", i);
			if (i < 200)
				local[i] = global_recs[i];
		}
		qsort(global_recs, 300, sizeof(global_recs[0]), compare_recs);
		qsort(local, 200, sizeof(local[0]), compare_recs);
		for (int i = 1; i < 300; i++)
			CHECK(compare_recs(&global_recs[i - 1], &global_recs[i]) <= 0);
		for (int i = 1; i < 200; i++)
			CHECK(compare_recs(&local[i - 1], &local[i]) <= 0);
		struct rec key = global_recs[150];
		CHECK(bsearch(&key, global_recs, 300, sizeof(key), compare_recs));
	}
	probe_stack();
}

/* ---- every access size at every valid offset, up to the last byte ---- */

typedef uint16_t u16_un __attribute__((aligned(1)));
typedef uint32_t u32_un __attribute__((aligned(1)));
typedef uint64_t u64_un __attribute__((aligned(1)));
typedef unsigned __int128 u128_un __attribute__((aligned(1)));
struct s3 { char c[3]; };
struct s24 { char c[24]; };

static noinline long touch_all(char *base, size_t n)
{
	volatile char *p = hide(base);
	long sum = 0;

	for (size_t off = 0; off < n; off++) {
		p[off] = (char)off;
		sum += p[off];
		/* Unaligned typed accesses (the compiler knows they may be). */
		if (off + 2 <= n) { *(volatile u16_un *)(p + off) = 1; sum += *(volatile u16_un *)(p + off); }
		if (off + 4 <= n) { *(volatile u32_un *)(p + off) = 2; sum += *(volatile u32_un *)(p + off); }
		if (off + 8 <= n) { *(volatile u64_un *)(p + off) = 3; sum += (long)*(volatile u64_un *)(p + off); }
		if (off + 16 <= n) { *(volatile u128_un *)(p + off) = 4; sum += (long)*(volatile u128_un *)(p + off); }
		/* Naturally typed accesses at every offset (x86 allows it;
		 * the inline checks assume alignment, the outline ones do not). */
		if (off + 2 <= n) sum += *(volatile uint16_t *)(p + off);
		if (off + 4 <= n) sum += *(volatile uint32_t *)(p + off);
		if (off + 8 <= n) sum += (long)*(volatile uint64_t *)(p + off);
		if (off + 16 <= n && !((uintptr_t)(p + off) & 15))
			sum += (long)*(volatile unsigned __int128 *)(p + off);
		/* N-sized struct copies. */
		if (off + 3 <= n) { struct s3 t = *(struct s3 *)(base + off); *(struct s3 *)(base + off) = t; sum += t.c[2]; }
		if (off + 24 <= n) { struct s24 t = *(struct s24 *)(base + off); *(struct s24 *)(base + off) = t; sum += t.c[23]; }
	}
	return sum;
}

#define SIZES(X) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) \
	X(14) X(15) X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23) X(24) X(25) X(26) X(27) \
	X(28) X(29) X(30) X(31) X(32) X(33) X(40) X(47) X(64)
#define DECLARE_GLOBAL(n) char edge_g##n[n];
SIZES(DECLARE_GLOBAL)
#define GLOBAL_ENTRY(n) { edge_g##n, n },
static const struct { char *p; size_t n; } edge_globals[] = { SIZES(GLOBAL_ENTRY) };

#define STACK_CASE(n) static noinline long edge_stack_##n(void) { char a[n]; return touch_all(a, n); }
SIZES(STACK_CASE)
#define STACK_CALL(n) sum += edge_stack_##n();

static noinline long edge_vla(size_t n)
{
	char vla[n];

	return touch_all(vla, n);
}

void section_edges(void)
{
	long sum = 0;

	for (size_t i = 0; i < sizeof(edge_globals) / sizeof(edge_globals[0]); i++)
		sum += touch_all(edge_globals[i].p, edge_globals[i].n);
	SIZES(STACK_CALL)
	for (size_t n = 1; n <= 70; n++)
		sum += edge_vla(n);
	for (size_t n = 1; n <= 70; n++) {
		char *heap = malloc(n);

		CHECK(heap);
		sum += touch_all(heap, n);
		free(heap);
	}
	CHECK(sum != 0);
	probe_stack();
}

/* ---- dispatch ---- */

static const struct {
	const char *name;
	void (*fn)(void);
} sections[] = {
	{ "recursion", section_recursion },
	{ "varargs", section_varargs },
	{ "large_frame", section_large_frame },
	{ "alloca", section_alloca },
	{ "mem", section_mem },
	{ "qsort", section_qsort },
	{ "edges", section_edges },
	{ "tls", section_tls },
	{ "threads", section_threads },
	{ "longjmp", section_longjmp },
	{ "signals", section_signals },
	{ "siglongjmp", section_siglongjmp },
	{ "siglongjmp_altstack", section_siglongjmp_altstack },
	{ "contexts", section_contexts },
	{ "exit", section_exit },	/* last: it ends the program */
};

int main(int argc, char **argv)
{
	const size_t n = sizeof(sections) / sizeof(sections[0]);

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc != 2) {
		fprintf(stderr, "usage: %s list|all|<section>\n", argv[0]);
		return 3;
	}
	if (!strcmp(argv[1], "list")) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", sections[i].name);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(argv[1], "all") || !strcmp(argv[1], sections[i].name)) {
			sections[i].fn();
			printf("ok %s\n", sections[i].name);
		}
	}
	return 0;
}
