// SPDX-License-Identifier: MIT
/*
 * The whole-program heap catalog: cases <name>.  Plain C with the libc
 * allocator names (the runtime defines them).  A bad case prints
 * "EXPECT 0x<addr>" before its one bad access or call, then goes on:
 * the allocator must still work afterwards (still_works) and "DONE" is
 * printed.  The checks on the report are in run.sh.
 */
#define _GNU_SOURCE
#include <vmkasan.h>
#include <errno.h>
#include <iconv.h>
#include <locale.h>
#include <malloc.h>
#include <netdb.h>
#include <pthread.h>
#include <pwd.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

/* The cases misuse memory on purpose. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuse-after-free"
#pragma GCC diagnostic ignored "-Walloc-size-larger-than="
#pragma GCC diagnostic ignored "-Wfree-nonheap-object"
#endif

#define EXPECT(p) do { printf("EXPECT %p\n", (void *)(p)); fflush(stdout); } while (0)
#define HIDE(p) __asm__ volatile("" : "+r"(p))
/* A store the compiler must keep although free() follows (gcc drops
 * stores to memory that is freed next). */
#define POKE(lv, v) (*(volatile __typeof__(lv) *)&(lv) = (v))
#define USED(p) __asm__ volatile("" : : "r"(p) : "memory")
#define FAIL(...) do { printf("FAIL " __VA_ARGS__); printf("\n"); exit(3); } while (0)

static char global_buf[64];

/* After a report: a thousand blocks of mixed sizes made, written, freed. */
static __attribute__((noinline)) void still_works(void)
{
	void *p[1000];

	for (int i = 0; i < 1000; i++) {
		size_t n = 1 + (size_t)i * 7919 % 200000;

		p[i] = malloc(n);
		if (!p[i])
			FAIL("malloc after the bug");
		memset(p[i], i, n);
	}
	for (int i = 0; i < 1000; i++)
		free(p[i]);
	printf("DONE\n");
}

static __attribute__((noinline)) void malloc_oob_right(void)
{
	char *p = malloc(123);

	HIDE(p);
	EXPECT(p + 123);
	POKE(p[123], 'x');
	free(p);
}

static __attribute__((noinline)) void malloc_oob_left(void)
{
	char *p = malloc(40);
	volatile char c;

	HIDE(p);
	EXPECT(p - 1);
	c = p[-1];
	(void)c;
	free(p);
}

static __attribute__((noinline)) void calloc_oob_right(void)
{
	int *p = calloc(10, sizeof(int));
	volatile int v;

	HIDE(p);
	EXPECT(p + 10);
	v = p[10];
	(void)v;
	free(p);
}

static __attribute__((noinline)) void realloc_oob_right(void)
{
	char *p = malloc(10);

	p = realloc(p, 200);
	HIDE(p);
	EXPECT(p + 200);
	POKE(p[200], 1);
	free(p);
}

static __attribute__((noinline)) void realloc_uaf(void)
{
	char *p = malloc(20), *q;
	volatile char c;

	q = realloc(p, 3000);	/* another class: moves */
	/* Both hidden: clang drops a realloc whose result is only freed,
	 * and with it the free of p. */
	HIDE(q);
	HIDE(p);
	EXPECT(p + 5);
	c = p[5];
	(void)c;
	free(q);
}

static __attribute__((noinline)) void memalign_oob_right(void)
{
	void *v = NULL;
	char *p;

	if (posix_memalign(&v, 64, 100) || ((uintptr_t)v & 63))
		FAIL("posix_memalign");
	p = v;
	HIDE(p);
	EXPECT(p + 100);
	POKE(p[100], 1);
	free(p);
}

static __attribute__((noinline)) void strdup_oob_right(void)
{
	char *p = strdup("0123456789");
	volatile char c;

	HIDE(p);
	EXPECT(p + 11);
	c = p[11];
	(void)c;
	free(p);
}

static __attribute__((noinline)) void strdup_oob_left(void)
{
	char *p = strdup("0123456789");

	HIDE(p);
	EXPECT(p - 2);
	POKE(p[-2], 0);
	free(p);
}

static __attribute__((noinline)) void uaf_later(void)
{
	long *p = malloc(48);
	volatile long v;

	free(p);
	/* Many later allocations and frees of the same size: the
	 * quarantine keeps p's slot from being handed out again. */
	for (int i = 0; i < 20000; i++)
		free(malloc(48));
	HIDE(p);
	EXPECT(p);
	v = p[0];
	(void)v;
}

static __attribute__((noinline)) void double_free(void)
{
	char *p = malloc(64);

	free(p);
	HIDE(p);
	EXPECT(p);
	free(p);
}

static __attribute__((noinline)) void free_middle(void)
{
	char *p = malloc(50);

	HIDE(p);
	EXPECT(p + 8);
	free(p + 8);
	free(p);
}

static __attribute__((noinline)) void free_stack(void)
{
	char buf[32];
	char *p = buf;

	HIDE(p);
	EXPECT(p);
	free(p);
}

static __attribute__((noinline)) void free_global(void)
{
	char *p = global_buf;

	HIDE(p);
	EXPECT(p);
	free(p);
}

static __attribute__((noinline)) void free_vmalloc(void)
{
	char *p = vmalloc(5000);

	HIDE(p);
	EXPECT(p);
	free(p);
	vfree(p);
}

static __attribute__((noinline)) void realloc_freed(void)
{
	char *p = malloc(64), *q;

	free(p);
	HIDE(p);
	EXPECT(p);
	q = realloc(p, 100);
	if (q)
		FAIL("realloc of a freed block returned %p", (void *)q);
}

static __attribute__((noinline)) void big_oob_right(void)
{
	char *p = malloc(300000);

	HIDE(p);
	EXPECT(p + 300000);
	POKE(p[300000], 1);
	free(p);
}

static __attribute__((noinline)) void big_uaf(void)
{
	char *p = malloc(300000);
	volatile char c;

	free(p);
	HIDE(p);
	EXPECT(p + 1000);
	c = p[1000];
	(void)c;
}

static __attribute__((noinline)) void big_double_free(void)
{
	char *p = malloc(300000);

	free(p);
	HIDE(p);
	EXPECT(p);
	free(p);
}

static __attribute__((noinline)) void large_oob_right(void)
{
	char *p = malloc(20000);

	HIDE(p);
	EXPECT(p + 20000);
	POKE(p[20000], 1);
	free(p);
}

/* A freed block of the large-kmalloc sizes (8 KiB to 128 KiB): its
 * report names the block, its allocation and its free. */
static __attribute__((noinline)) void large_uaf(void)
{
	char *p = malloc(20000);
	volatile char c;

	free(p);
	HIDE(p);
	EXPECT(p + 100);
	c = p[100];
	(void)c;
}

static __attribute__((noinline)) void large_double_free(void)
{
	char *p = malloc(20000);

	free(p);
	HIDE(p);
	EXPECT(p);
	free(p);
}

static __attribute__((noinline)) void large_free_middle(void)
{
	char *p = malloc(20000);

	HIDE(p);
	EXPECT(p + 1);
	free(p + 1);
	free(p);
}

/* Blocks whose end meets a page end: the byte past them is a redzone
 * of the block (issue 16 item 7), not the next free page's shadow. */
static __attribute__((noinline)) void page_end_oob_right(void)
{
	char *p = malloc(65535);

	HIDE(p);
	EXPECT(p + 65535);
	POKE(p[65535], 1);
	free(p);
}

static __attribute__((noinline)) void page_end_oob_pow2(void)
{
	char *p = malloc(16384);

	HIDE(p);
	EXPECT(p + 16384);
	POKE(p[16384], 1);
	free(p);
}

/* Just below the lowest vmalloc area (a fresh process's first big
 * block): the guard at the bottom of the space, next to the block
 * (issue 16 item 13; it was a bare page fault). */
static __attribute__((noinline)) void big_below_space(void)
{
	char *p = malloc(1 << 20);

	HIDE(p);
	EXPECT(p - 4000);
	POKE(p[-4000], 1);
	free(p);
}

/* A big block shrunk by realloc: the byte past the new size is poisoned
 * (the block had zero shadow over its middle, issue 16 item 1). */
static __attribute__((noinline)) void big_realloc_shrink_oob(void)
{
	char *p = malloc(4 << 20), *q;

	HIDE(p);
	p[300000] = 7;
	q = realloc(p, 300000 + 1);
	if (!q || q[300000] != 7)
		FAIL("realloc lost the block's bytes");
	EXPECT(q + 300001);
	POKE(q[300001], 1);
	free(q);
}

static __attribute__((noinline)) void memcpy_oob(void)
{
	char *p = malloc(100);
	char src[128] = { 1 }, *s = src;

	/* s hidden: clang knows src is { 1, 0... } and turns the copy into
	 * a store to p[0] and a 100-byte memset at p + 1. */
	HIDE(s);
	HIDE(p);
	EXPECT(p);
	memcpy(p, s, 101);
	USED(p);
	free(p);
}

static __attribute__((noinline)) void strcpy_oob(void)
{
	char *p = malloc(8);

	HIDE(p);
	EXPECT(p);
	strcpy(p, "12345678");	/* nine bytes with the NUL */
	USED(p);
	free(p);
}

static __attribute__((noinline)) void strlen_uaf(void)
{
	char *p = strdup("abc");
	volatile size_t n;

	free(p);
	HIDE(p);
	EXPECT(p);
	n = strlen(p);
	(void)n;
}

/* clang turns memcmp(...) == 0 into a call to bcmp: that one is checked
 * too.  Called through a pointer, so both compilers reach it (gcc turns a
 * named bcmp call back into memcmp, which stops at the first difference). */
static __attribute__((noinline)) void bcmp_oob(void)
{
	char *p = malloc(10), *q = malloc(16);
	size_t volatile n = 11;
	int (*volatile cmp)(const void *, const void *, size_t) = bcmp;
	int same;

	memset(p, 'a', 10);
	memset(q, 'b', 16);
	HIDE(p);
	EXPECT(p);
	same = cmp(p, q, n) == 0;
	printf("SAME %d\n", same);
	free(p);
	free(q);
}

/* ---- clean cases: no report, exit 0 ---- */

static int cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static __attribute__((noinline)) void clean_libc(void)
{
	char *line = NULL, *s;
	size_t cap = 0;
	FILE *f = fopen("/proc/self/status", "r");
	int *v;

	/* libc allocates these for us, with our malloc: freed by us. */
	if (!f)
		FAIL("fopen");
	while (getline(&line, &cap, f) > 0)
		;
	fclose(f);
	free(line);
	if (asprintf(&s, "%d-%s", 42, "x") < 0 || strcmp(s, "42-x"))
		FAIL("asprintf");
	free(s);
	s = strndup("abcdef", 3);
	if (strcmp(s, "abc"))
		FAIL("strndup");
	free(s);
	v = malloc(1000 * sizeof(int));
	for (int i = 0; i < 1000; i++)
		v[i] = (i * 7919) % 1000;
	qsort(v, 1000, sizeof(int), cmp);
	free(v);
	f = open_memstream(&s, &cap);
	for (int i = 0; i < 10000; i++)
		fprintf(f, "%d ", i);
	fclose(f);
	free(s);
	printf("DONE\n");
}

/* More of libc allocating with our malloc, freeing with our free, or
 * keeping blocks until exit: locales, NSS (getpwnam, getaddrinfo: its
 * modules may be dlopen'd), iconv (gconv modules, dlopen'd), regex, a
 * pthread key whose destructor frees, atexit handlers that free. */
static char *at_exit_block;
static pthread_key_t key;

static void free_at_exit(void)
{
	free(at_exit_block);
}

static void key_gone(void *p)
{
	if (strcmp(p, "per-thread"))
		printf("FAIL key destructor got a bad value\n");
	free(p);
}

static void *key_thread(void *arg)
{
	(void)arg;
	pthread_setspecific(key, strdup("per-thread"));
	return NULL;
}

static __attribute__((noinline)) void clean_libc_more(void)
{
	char in[] = "caf\xe9", out[16] = { 0 }, *ip = in, *op = out, *s;
	size_t il = 4, ol = sizeof(out) - 1;
	struct addrinfo *ai = NULL;
	struct passwd *pw;
	pthread_t t[4];
	regmatch_t m[2];
	regex_t re;
	iconv_t cd;

	at_exit_block = malloc(4000);
	atexit(free_at_exit);
	if (!setlocale(LC_ALL, "C.UTF-8") && !setlocale(LC_ALL, "C"))
		FAIL("setlocale");
	s = strdup(setlocale(LC_ALL, NULL));	/* libc's string, our copy */
	free(s);
	pw = getpwnam("root");
	if (!pw || pw->pw_uid != 0)
		FAIL("getpwnam(root)");
	if (getaddrinfo("localhost", "80", NULL, &ai) == 0)
		freeaddrinfo(ai);	/* (no resolver needed: /etc/hosts or none) */
	cd = iconv_open("UTF-8", "ISO-8859-1");
	if (cd == (iconv_t)-1)
		FAIL("iconv_open");
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || strcmp(out, "caf\xc3\xa9"))
		FAIL("iconv");
	iconv_close(cd);
	if (regcomp(&re, "([a-z]+)[0-9]+", REG_EXTENDED))
		FAIL("regcomp");
	if (regexec(&re, "..abc123", 2, m, 0) || m[1].rm_so != 2 || m[1].rm_eo != 5)
		FAIL("regexec");
	regfree(&re);
	if (pthread_key_create(&key, key_gone))
		FAIL("pthread_key_create");
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, key_thread, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	setlocale(LC_ALL, "C");
	printf("DONE\n");
}

/*
 * Fault injection on the malloc path (fail_path=malloc): one attempt per
 * call, whatever the block needs below (slab, pages, a vmalloc area and
 * its shadow), and none of it on the other paths; "all" leaves malloc
 * alone.  Prints what failed for run.sh; stdout is unbuffered so that
 * printf allocates nothing among the counted calls.
 */
static __attribute__((noinline)) void malloc_faults(void)
{
	static const char *const names[VMKASAN_FAIL_NR] = { "page", "shadow", "area", "percpu", "slab",
							     "malloc" };
	struct vmkasan_stats a, b;
	void *p[64], *large, *big;
	int nulls = 0, first = -1;

	setvbuf(stdout, NULL, _IONBF, 0);
	vmkasan_get_stats(&a);
	for (int i = 0; i < 64; i++) {
		errno = 0;
		p[i] = malloc(24);
		if (!p[i]) {
			if (errno != ENOMEM)
				FAIL("malloc returned NULL with errno %d", errno);
			nulls++;
			if (first < 0)
				first = i;
		}
	}
	large = malloc(20000);
	big = malloc(1 << 20);
	if (big)
		memset(big, 1, 1 << 20);
	vmkasan_get_stats(&b);
	printf("NULLS %d FIRST %d LARGE %s BIG %s\n", nulls, first, large ? "ok" : "null",
	       big ? "ok" : "null");
	for (int i = 0; i < VMKASAN_FAIL_NR; i++)
		printf("PATH %s failed %lu injected %lu\n", names[i], b.failed[i] - a.failed[i],
		       b.injected[i] - a.injected[i]);
	for (int i = 0; i < 64; i++)
		free(p[i]);
	free(large);
	free(big);
	printf("DONE\n");
}

static long max_rss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static ucontext_t main_ctx, co_ctx;

/* Runs on a stack inside a big malloc block: its frame's redzones are
 * written into the block's zero shadow, which must become real shadow
 * on the spot (a write fault served by the runtime). */
static __attribute__((noinline)) void on_big_stack(void)
{
	char buf[256];
	volatile int i = 200;

	memset(buf, 'x', sizeof(buf));
	buf[i] = 'y';
	if (buf[200] != 'y' || buf[255] != 'x')
		FAIL("the stack frame in the big block lost its bytes");
	swapcontext(&co_ctx, &main_ctx);
}

/* Big blocks (zero shadow over their middle) made, grown, shrunk and
 * freed by several threads at once, their bytes checked across realloc. */
static void *big_thread(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;
	char *slots[8] = { 0 };
	size_t len[8] = { 0 };

	for (int i = 0; i < 100; i++) {
		unsigned k = (seed = seed * 1103515245 + 12345) >> 8;
		unsigned j = k % 8;
		size_t n = (300UL << 10) + (k % (2UL << 20));

		if (slots[j] && k % 3 == 0) {
			char first = slots[j][0], mid = slots[j][len[j] / 2 < n ? len[j] / 2 : 0];

			slots[j] = realloc(slots[j], n);
			if (!slots[j] || slots[j][0] != first ||
			    slots[j][len[j] / 2 < n ? len[j] / 2 : 0] != mid)
				FAIL("realloc of a big block lost its bytes");
		} else {
			free(slots[j]);
			slots[j] = malloc(n);
			if (!slots[j])
				FAIL("malloc(%zu)", n);
		}
		len[j] = n;
		slots[j][0] = (char)j;
		slots[j][n / 2] = (char)(j + 1);
		slots[j][n - 1] = (char)(j + 2);
	}
	for (int j = 0; j < 8; j++)
		free(slots[j]);
	return NULL;
}

/*
 * Big blocks cost what is touched (issue 16 item 1, issue 19): an
 * untouched malloc(2 GiB) takes no shadow frames (its peak RSS grows by
 * far less than the 256 MiB of shadow it spans: bounded at 64 MiB
 * here), touching one byte costs a few pages, a request the machine
 * cannot back (malloc(1UL << 39), 512 GiB) is NULL with ENOMEM at once,
 * and a stack running inside a big block works.
 */
static __attribute__((noinline)) void clean_big(void)
{
	long before = max_rss_kib(), after;
	size_t n = 2UL << 30;
	volatile size_t huge = 1UL << 39;
	char *p = malloc(n), *s;

	if (!p)
		FAIL("malloc(2 GiB)");
	p[n / 2] = 1;
	p[n - 1] = 2;
	after = max_rss_kib();
	if (after - before > 64 * 1024)
		FAIL("malloc(2 GiB) touched twice: peak RSS grew by %ld KiB", after - before);
	if (p[n / 2] != 1 || p[n - 1] != 2)
		FAIL("the big block's bytes");
	free(p);
	errno = 0;
	p = malloc(huge);	/* (a constant size lets clang drop the call) */
	HIDE(p);
	if (p || errno != ENOMEM)
		FAIL("malloc(1UL << 39): %p, errno %d", (void *)p, errno);
	if (max_rss_kib() - before > 64 * 1024)
		FAIL("malloc(1UL << 39) grew the peak RSS by %ld KiB", max_rss_kib() - before);
	s = malloc(4 << 20);
	if (!s || getcontext(&co_ctx))
		FAIL("malloc of a stack");
	co_ctx.uc_stack.ss_sp = s;
	co_ctx.uc_stack.ss_size = 4 << 20;
	co_ctx.uc_link = &main_ctx;
	makecontext(&co_ctx, on_big_stack, 0);
	if (swapcontext(&main_ctx, &co_ctx))
		FAIL("swapcontext");
	free(s);

	pthread_t t[4];
	pid_t pid;
	int st;

	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, big_thread, (void *)(uintptr_t)(i + 7));
	pid = fork();
	if (!pid) {
		big_thread((void *)(uintptr_t)99);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		FAIL("fork child: status %d", st);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("DONE\n");
}

static __attribute__((noinline)) void clean_api(void)
{
	void *a[8];
	char *p, *q;
	size_t sizes[] = { 0, 1, 8, 15, 16, 17, 100, 8192, 8193, 131072, 131073, 5000000 };
	size_t volatile past_end = 4096;

	/* memchr reads (and checks) only up to its match, as the kernel's
	 * and ASan's: a bound past the object is no bug when it is found. */
	p = malloc(100);
	if (!p)
		FAIL("malloc(100)");
	memset(p, 'a', 100);
	p[42] = '\n';
	if (memchr(p, '\n', past_end) != p + 42)
		FAIL("memchr found the wrong byte");
	free(p);

	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i];
		unsigned char *c = calloc(1, n);

		if (!c || ((uintptr_t)c & 15))
			FAIL("calloc(%zu) = %p", n, (void *)c);
		for (size_t j = 0; j < n; j++)
			if (c[j])
				FAIL("calloc(%zu) not zero at %zu", n, j);
		if (malloc_usable_size(c) != n)
			FAIL("malloc_usable_size %zu != %zu", malloc_usable_size(c), n);
		memset(c, 0xab, malloc_usable_size(c));
		free(c);
	}
	/* realloc keeps the contents across every kind of block */
	size_t last = 0;

	p = NULL;
	for (size_t n = 1; n < 400000; n = n * 3 + 1) {
		q = realloc(p, n);
		if (!q)
			FAIL("realloc %zu", n);
		for (size_t j = 0; p && j < n / 3; j++)
			if (q[j] != (char)j)
				FAIL("realloc lost byte %zu at %zu", j, n);
		for (size_t j = 0; j < n; j++)
			q[j] = (char)j;
		p = q;
		last = n;
	}
	for (size_t n = last; n > 1; n /= 5) {
		p = realloc(p, n);
		for (size_t j = 0; j < n; j++)
			if (p[j] != (char)j)
				FAIL("shrinking realloc lost byte %zu at %zu", j, n);
	}
	free(p);
	/* The sizes and results go through volatiles: clang folds an
	 * allocation whose result is only compared (calloc(SIZE_MAX / 2, 3)
	 * "succeeds"), so the runtime would not be asked at all. */
	volatile size_t zero = 0, half = SIZE_MAX / 2;
	void *volatile r;

	p = malloc(10);
	HIDE(p);
	r = realloc(p, zero);	/* glibc's choice, which the runtime keeps: frees p, NULL */
	if (r != NULL)
		FAIL("realloc(p, 0) = %p", r);
	/* The barriers after the calls: clang models the allocation
	 * functions as touching no memory of the program's, errno included,
	 * and forwards the errno = 0 above them to the test below them. */
	errno = 0;
	r = reallocarray(NULL, half, 3);
	USED(r);
	if (r || errno != ENOMEM)
		FAIL("reallocarray overflow: %p, errno %d", r, errno);
	errno = 0;
	r = calloc(half, 3);
	USED(r);
	if (r || errno != ENOMEM)
		FAIL("calloc overflow: %p, errno %d", r, errno);
	if (posix_memalign(&a[0], 3, 10) != EINVAL)
		FAIL("posix_memalign(3)");
	size_t aligns[] = { 16, 32, 64, 4096, 8192, 65536 };
	for (unsigned i = 0; i < 6; i++) {
		if (posix_memalign(&a[i], aligns[i], 100 * i + 1) || ((uintptr_t)a[i] & (aligns[i] - 1)))
			FAIL("posix_memalign(%zu)", aligns[i]);
		memset(a[i], 1, 100 * i + 1);
	}
	for (unsigned i = 0; i < 6; i++)
		free(a[i]);
	p = aligned_alloc(256, 512);
	q = memalign(128, 77);
	if (((uintptr_t)p & 255) || ((uintptr_t)q & 127))
		FAIL("aligned_alloc/memalign");
	memset(p, 0, 512);
	memset(q, 0, 77);
	free(p);
	free(q);
	p = valloc(10);
	q = pvalloc(10);
	if (((uintptr_t)p & 4095) || ((uintptr_t)q & 4095) || malloc_usable_size(q) != 4096)
		FAIL("valloc/pvalloc");
	memset(q, 0, 4096);
	free(p);
	free(q);
	/* malloc(0): unique, freeable */
	p = malloc(0);
	q = malloc(0);
	if (!p || !q || p == q)
		FAIL("malloc(0)");
	free(p);
	free(q);
	free(NULL);
	printf("DONE\n");
}

static void *stress_thread(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;
	char *slots[64] = { 0 };

	for (int i = 0; i < 40000; i++) {
		unsigned k = (seed = seed * 1103515245 + 12345) >> 16;
		unsigned j = k % 64;
		size_t n = k % 7 == 0 ? 1 + k % 150000 : 1 + k % 700;

		if (slots[j] && k % 3 == 0) {
			slots[j] = realloc(slots[j], n);
			slots[j][n - 1] = 1;
			slots[j][0] = 2;
		} else {
			free(slots[j]);
			slots[j] = malloc(n);
			memset(slots[j], (int)j, n);
		}
	}
	for (int j = 0; j < 64; j++)
		free(slots[j]);
	return NULL;
}

/* 8 threads of malloc/realloc/free while the main thread forks children
 * that allocate too. */
static __attribute__((noinline)) void clean_threads(void)
{
	pthread_t t[8];

	for (int i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, stress_thread, (void *)(uintptr_t)(i + 1));
	for (int i = 0; i < 4; i++) {
		pid_t pid = fork();
		int st;

		if (!pid) {
			stress_thread((void *)(uintptr_t)(100 + i));
			_exit(0);
		}
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
			FAIL("fork child %d: status %d", i, st);
	}
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	printf("DONE\n");
}

/*
 * malloc and free called from code built without frame pointers, where
 * rbp is a plain register holding anything: bad_fp_alloc(v) calls them
 * with rbp = v.  A -static glibc's _dlerror_run did this with rbp = -8,
 * and the runtime's frame walk read 0xfffffffffffffff8 (fp + 16 wrapped
 * past its stack-bounds test): a false wild-memory-access report.
 */
void bad_fp_alloc(uintptr_t rbp);
__asm__(".text\n"
	".globl bad_fp_alloc\n"
	".type bad_fp_alloc, @function\n"
	"bad_fp_alloc:\n"
	"	push %rbp\n"
	"	push %rbx\n"
	"	sub $8, %rsp\n"		/* the calls see a 16-byte aligned stack */
	"	mov %rdi, %rbp\n"
	"	mov $24, %edi\n"
	"	call malloc@PLT\n"
	"	mov %rax, %rbx\n"
	"	mov %rax, %rdi\n"
	"	mov $100, %esi\n"
	"	call realloc@PLT\n"
	"	mov %rax, %rdi\n"
	"	call free@PLT\n"
	"	add $8, %rsp\n"
	"	pop %rbx\n"
	"	pop %rbp\n"
	"	ret\n"
	".size bad_fp_alloc, . - bad_fp_alloc\n");

static void *bad_fp_thread(void *arg)
{
	static const uintptr_t rbps[] = {
		(uintptr_t)-8, (uintptr_t)-16, (uintptr_t)-4096, 0x8000000000000000ULL,
		0x7ffffffffff0ULL, 0xdeadbeefULL, 3, 0,
	};

	(void)arg;
	for (unsigned i = 0; i < sizeof(rbps) / sizeof(rbps[0]); i++) {
		uintptr_t v = rbps[i];

		bad_fp_alloc(v);
		/* One just past this thread's frame, one misaligned within it. */
		v = (uintptr_t)__builtin_frame_address(0);
		bad_fp_alloc(v + 1);
		bad_fp_alloc(v + 0x100000);
	}
	return NULL;
}

/* In the main thread and in threads (the -static failure was in one). */
static __attribute__((noinline)) void clean_bad_fp(void)
{
	pthread_t t[4];

	bad_fp_thread(NULL);
	for (int i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, bad_fp_thread, NULL))
			FAIL("pthread_create");
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("DONE\n");
}

static const struct { const char *name; void (*fn)(void); int clean; } cases[] = {
	{ "malloc_oob_right", malloc_oob_right, 0 }, { "malloc_oob_left", malloc_oob_left, 0 },
	{ "calloc_oob_right", calloc_oob_right, 0 }, { "realloc_oob_right", realloc_oob_right, 0 },
	{ "realloc_uaf", realloc_uaf, 0 }, { "memalign_oob_right", memalign_oob_right, 0 },
	{ "strdup_oob_right", strdup_oob_right, 0 }, { "strdup_oob_left", strdup_oob_left, 0 },
	{ "uaf_later", uaf_later, 0 }, { "double_free", double_free, 0 },
	{ "free_middle", free_middle, 0 }, { "free_stack", free_stack, 0 },
	{ "free_global", free_global, 0 }, { "free_vmalloc", free_vmalloc, 0 },
	{ "realloc_freed", realloc_freed, 0 }, { "big_oob_right", big_oob_right, 0 },
	{ "big_uaf", big_uaf, 0 }, { "big_double_free", big_double_free, 0 },
	{ "large_oob_right", large_oob_right, 0 }, { "memcpy_oob", memcpy_oob, 0 },
	{ "large_uaf", large_uaf, 0 }, { "large_double_free", large_double_free, 0 },
	{ "large_free_middle", large_free_middle, 0 },
	{ "page_end_oob_right", page_end_oob_right, 0 },
	{ "page_end_oob_pow2", page_end_oob_pow2, 0 },
	{ "big_below_space", big_below_space, 0 },
	{ "big_realloc_shrink_oob", big_realloc_shrink_oob, 0 }, { "clean_big", clean_big, 1 },
	{ "strcpy_oob", strcpy_oob, 0 }, { "strlen_uaf", strlen_uaf, 0 },
	{ "bcmp_oob", bcmp_oob, 0 },
	{ "clean_libc", clean_libc, 1 }, { "clean_api", clean_api, 1 },
	{ "clean_threads", clean_threads, 1 }, { "clean_bad_fp", clean_bad_fp, 1 },
	{ "clean_libc_more", clean_libc_more, 1 }, { "malloc_faults", malloc_faults, 1 },
};

int main(int argc, char **argv)
{
	for (unsigned i = 0; argc > 1 && i < sizeof(cases) / sizeof(cases[0]); i++)
		if (!strcmp(argv[1], cases[i].name)) {
			cases[i].fn();
			if (!cases[i].clean)
				still_works();
			return 0;
		}
	fprintf(stderr, "usage: cases NAME\n");
	return 2;
}
