// SPDX-License-Identifier: MIT
/*
 * What the runtime touches, and the fast paths that avoid touching:
 *  - a large zero-initialised global keeps its shadow untouched (its
 *    registration writes only the redzone's shadow, as ASan's does), so
 *    the shadow adds no resident memory and reads the zero page;
 *  - registration still clears shadow that was poisoned before it;
 *  - the checked memchr/strlen/strnlen/strchr, which skip clean granules
 *    a granule at a time, and strcmp/strncmp, give libc's answers at every
 *    offset and length
 *    and still report the first bad byte of a buffer with no match.
 * Prints TAP lines ("ok N - ..."); argv[1] = "bad" runs the reporting
 * part only (its reports go to stderr, counted by run.sh).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <vmkasan.h>

#define BIG (64u << 20)

static char big[BIG];
static char small[13];
static int n_test;

static void check(int cond, const char *what)
{
	printf("%s %d - %s\n", cond ? "ok" : "not ok", ++n_test, what);
}

/* Resident kB of the mapping holding addr (/proc/self/smaps); -1 if none. */
static long mapping_rss_kb(uintptr_t addr)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	int in = 0;
	long rss = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		long kb;

		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' '))
			in = addr >= lo && addr < hi;
		else if (in && sscanf(line, "Rss: %ld kB", &kb) == 1) {
			rss = kb;
			break;
		}
	}
	fclose(f);
	return rss;
}

/* Does reading untouched anonymous memory map a shared zero page here?
 * (Some kernels are built or booted without one: then reading a page
 * allocates it, and untouched shadow cannot stay free.) */
static int has_zero_page(void)
{
	size_t len = 16u << 20;
	volatile char *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long rss;
	int sum = 0;

	if (p == MAP_FAILED)
		return 0;
	for (size_t i = 0; i < len; i += 4096)
		sum += p[i];
	rss = mapping_rss_kb((uintptr_t)p);
	munmap((void *)p, len);
	return sum == 0 && rss >= 0 && rss < 1024;
}

/* The descriptor both compilers emit for a global (see globals.c). */
struct global_desc {
	uintptr_t beg, size, size_with_redzone;
	const char *name, *module_name;
	uintptr_t has_dynamic_init;
	const void *location;
	uintptr_t odr_indicator;
};
void __asan_register_globals(void *g, long n);
void __asan_unregister_globals(void *g, long n);

static void globals(void)
{
	static char area[4096] __attribute__((aligned(64)));
	struct global_desc d = {
		.beg = (uintptr_t)area, .size = 1000, .size_with_redzone = 1024,
		.name = "area", .module_name = "footprint.c",
	};
	char *s = kasan_mem_to_shadow(big);

	if (has_zero_page()) {
		long kb = mapping_rss_kb((uintptr_t)s);

		check(kb >= 0 && kb < (BIG >> 3) / 1024 / 2,
		      "a 64 MiB zero global's 8 MiB shadow is not resident after registration");
		if (kb >= (BIG >> 3) / 1024 / 2)
			printf("# shadow mapping Rss %ld kB\n", kb);
	} else {
		printf("ok %d - # SKIP the kernel maps no shared zero page: untouched shadow reads allocate\n",
		       ++n_test);
	}
	check(!vmkasan_region_is_poisoned(big, BIG), "the whole big global is accessible");
	check(vmkasan_region_is_poisoned(big + BIG, 1) == big + BIG, "the byte after it is its redzone");
	check(!vmkasan_region_is_poisoned(small, 13) && vmkasan_region_is_poisoned(small + 13, 1),
	      "a 13-byte global: 13 bytes accessible, the 14th not");

	/* Shadow left poisoned (a dlclose'd library's range reused): the
	 * registration of a global there must clear it, not skip it. */
	vmkasan_poison(area, sizeof(area));
	__asan_register_globals(&d, 1);
	check(!vmkasan_region_is_poisoned(area, 1000), "registration clears poisoned shadow under the global");
	check(vmkasan_region_is_poisoned(area + 1000, 1) == area + 1000 &&
	      vmkasan_region_is_poisoned(area + 1001, 23) == area + 1001,
	      "and poisons its redzone");
	__asan_unregister_globals(&d, 1);
	check(!vmkasan_region_is_poisoned(area, 1024), "unregistration unpoisons it with its redzone");
}

static size_t ref_strlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static int ref_cmp(const char *a, const char *b, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		if (a[i] != b[i])
			return (unsigned char)a[i] < (unsigned char)b[i] ? -1 : 1;
		if (!a[i])
			return 0;
	}
	return 0;
}

/* Every offset and length of a heap buffer, match at every place or
 * nowhere: the answers of plain loops, and no report. */
static void strings(void)
{
	int wrong = 0;
	unsigned long before = vmkasan_report_count();

	for (size_t size = 1; size <= 200; size++) {
		char *b = malloc(size);

		for (size_t i = 0; i < size; i++)
			b[i] = (char)('a' + i % 23);
		for (size_t off = 0; off < size && off < 24; off++) {
			size_t n = size - off;
			const char *p = b + off;

			for (size_t at = 0; at <= n; at++) {
				void *want = at < n ? (void *)(p + at) : NULL;
				char saved = at < n ? p[at] : 0;

				if (at < n)
					b[off + at] = '#';
				if (memchr(p, '#', n) != want)
					wrong++;
				if (at < n) {
					b[off + at] = 0;
					if (strlen(p) != at || strnlen(p, n) != at ||
					    strnlen(p, at / 2) != at / 2 || strchr(p, 0) != p + at)
						wrong++;
					if (strchr(p, p[0] ? p[0] : 1) != (p[0] ? p : NULL))
						wrong++;
					b[off + at] = saved;
				}
			}
			if (strnlen(p, n) != ref_strlen(p, n))
				wrong++;
		}
		free(b);
	}
	check(!wrong, "memchr/strlen/strnlen/strchr agree with plain loops at every offset, length, match");
	wrong = 0;
	for (size_t size = 2; size <= 120; size++) {
		char *x = malloc(size), *y = malloc(size + 8);

		for (size_t i = 0; i < size - 1; i++)
			x[i] = (char)('a' + i % 19);
		x[size - 1] = 0;
		for (size_t off = 0; off < 9; off++) {
			size_t n = size;	/* y + off: a copy of x, its NUL last in y */

			memcpy(y + off, x, n);
			for (size_t at = 0; at < n; at++) {
				char saved = y[off + at];

				for (int d = -1; d <= 1; d += 2) {
					y[off + at] = (char)(saved + d);
					if (sign(strcmp(x, y + off)) != ref_cmp(x, y + off, ~(size_t)0) ||
					    sign(strncmp(x, y + off, at)) != 0 ||
					    sign(strncmp(x, y + off, at + 1)) != ref_cmp(x, y + off, at + 1))
						wrong++;
				}
				y[off + at] = saved;
			}
			if (strcmp(x, y + off) || strncmp(x, y + off, size + 50) || strcmp(y + off, x))
				wrong++;
		}
		free(x);
		free(y);
	}
	check(!wrong, "strcmp/strncmp agree with plain loops at every offset, length and place of difference");
	check(vmkasan_report_count() == before, "and report nothing");
}

/* No match inside: each call reads into the redzone, reports the first
 * byte past the buffer and stops there (multi_shot: every report shown). */
static void bad(void)
{
	for (size_t size = 1; size <= 40; size++) {
		char *b = malloc(size);
		unsigned long before = vmkasan_report_count();
		size_t len;
		void *m;

		memset(b, 'x', size);
		printf("EXPECT %p\n", (void *)(b + size));
		len = strlen(b);
		printf("EXPECT %p\n", (void *)(b + size));
		m = memchr(b, 'y', size + 8);
		printf("size %zu strlen %zu memchr %s reports %lu\n", size, len, m ? "found" : "NULL",
		       vmkasan_report_count() - before);
		free(b);
	}
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "bad")) {
		bad();
		return 0;
	}
	globals();
	strings();
	return 0;
}
