// SPDX-License-Identifier: MIT
/*
 * Checked string functions, __kasan_check_read/write and kasan_check_byte.
 *
 * The kernel builds its own lib/string.c with KASAN, so strlen() of a
 * freed buffer is reported there; in user space the string functions
 * are libc's, uninstrumented.  An instrumented program linked with the
 * runtime gets these instead: each finds the extent it will read without
 * reading past a poisoned byte, checks that extent (a report names the
 * caller), and on a bad range does nothing harmful (returns as if the
 * string ended there) so the program can go on, as the kernel's checked
 * mem* skip the operation.
 */
#include "kasan/check.h"


bool __kasan_check_read(const volatile void *p, unsigned int size)
{
	return kasan_check_range((uintptr_t)p, size, false, CALLER_IP, CALLER_FP);
}

bool __kasan_check_write(const volatile void *p, unsigned int size)
{
	return kasan_check_range((uintptr_t)p, size, true, CALLER_IP, CALLER_FP);
}

bool kasan_check_byte(const void *addr)
{
	return kasan_check_range((uintptr_t)addr, 1, false, CALLER_IP, CALLER_FP);
}

static __always_inline bool poisoned(const void *p)
{
	uintptr_t a = (uintptr_t)p;

	/* Not ours to judge (no shadow here, or the runtime not up): read. */
	if (unlikely(!kasan_ready) || a >= PLAT_ADDR_LIMIT || !plat_addr_has_shadow(a) ||
	    (a >= kasan_unchecked_start && a < kasan_unchecked_end))
		return false;
	return byte_is_poisoned(a);
}

/*
 * Are the sizeof(long) bytes at p all accessible?  A granule's accessible
 * bytes are a prefix of it (its shadow is 0, the count of them, or
 * negative), so the word's last byte in each of the one or two granules
 * it touches says it for all: two shadow reads, not eight (memcmp() of
 * lib/memcpy_kunit.c's large tests spent 98% of their time here).
 */
static __always_inline bool word_ok(const void *p)
{
	const char *last = (const char *)p + sizeof(long) - 1;
	const char *first_end = (const char *)((uintptr_t)p | KASAN_GRANULE_MASK);

	return !poisoned(last) && (first_end >= last || !poisoned(first_end));
}

/*
 * The bytes from p on that are readable by their shadow alone, up to the
 * end of p's 64-byte block (one aligned 8-byte word of shadow, read at
 * once), or to the end of the accessible part of a partial granule: 0
 * when p itself is not accessible, and the caller takes the checked byte
 * path, which reports; the rest of the page where the
 * address is not ours to judge.  Whether a page is ours is asked of the
 * port once per page (*st), not once per byte.  memchr over a line of
 * text was 9% of a text-processing bench with a port call and a shadow
 * load per byte, ASan's interceptor 1% (it calls libc's memchr, then
 * checks the range read: compiler-rt sanitizer_common_interceptors.inc);
 * strlen of 50 bytes, cache-hot, took 130 ns, ASan's 13.  The port's
 * regions with and without shadow are page aligned, and a 64-byte block
 * never crosses a page.
 */
struct scan_state {
	uintptr_t page;		/* the page the answer is for; 1: none yet */
	bool unchecked;
};
#define SCAN_STATE { 1, false }
#define SCAN_BLOCK (8 * KASAN_GRANULE_SIZE)

static __always_inline bool page_unchecked(uintptr_t a, struct scan_state *st)
{
	if ((a & ~(PLAT_PAGE_SIZE - 1)) != st->page) {
		st->page = a & ~(PLAT_PAGE_SIZE - 1);
		st->unchecked = unlikely(!kasan_ready) || a >= PLAT_ADDR_LIMIT ||
				!plat_addr_has_shadow(a) ||
				(a >= kasan_unchecked_start && a < kasan_unchecked_end);
	}
	return st->unchecked;
}

/* The bytes from a on that a granule with shadow v (not 0) allows: its
 * first v bytes, when v is 1..7 (a string's end in its object's last
 * granule need not take the byte path's port call per byte). */
static __always_inline size_t partial_granule(uintptr_t a, int8_t v)
{
	unsigned off = (unsigned)(a & KASAN_GRANULE_MASK);

	return v > 0 && (int)off < v ? (size_t)(v - (int)off) : 0;
}

static __always_inline size_t clean_bytes(const unsigned char *p, struct scan_state *st)
{
	uintptr_t a = (uintptr_t)p;
	unsigned g, k;
	uint64_t w;

	if (page_unchecked(a, st))
		return PLAT_PAGE_SIZE - (a & (PLAT_PAGE_SIZE - 1));
	w = *(const uint64_t *)kasan_shadow(a & ~(uintptr_t)(SCAN_BLOCK - 1));
	g = (unsigned)(a / KASAN_GRANULE_SIZE) & 7;	/* p's granule in the block */
	if (!w)
		return SCAN_BLOCK - (a & (SCAN_BLOCK - 1));
	w >>= 8 * g;	/* little-endian: shadow byte g first */
	if (w & 0xff)
		return partial_granule(a, (int8_t)(w & 0xff));
	/* The clean granules from g on: the zero low bytes of w. */
	k = w ? (unsigned)__builtin_ctzll(w) / 8 : 8 - g;
	return k * KASAN_GRANULE_SIZE - (a & KASAN_GRANULE_MASK);
}

/* clean_bytes() to the end of p's granule only: one shadow byte, for
 * strcmp, which mostly stops at the first byte (a sort's comparisons). */
static __always_inline size_t clean_granule(const unsigned char *p, struct scan_state *st)
{
	uintptr_t a = (uintptr_t)p;

	if (page_unchecked(a, st))
		return PLAT_PAGE_SIZE - (a & (PLAT_PAGE_SIZE - 1));
	return *kasan_shadow(a) ? partial_granule(a, *kasan_shadow(a)) :
				  KASAN_GRANULE_SIZE - (a & KASAN_GRANULE_MASK);
}

/* The first byte equal to c among the n at p (all readable), a word at
 * a time (the "has a zero byte" test of Hacker's Delight 6-1). */
static __always_inline const unsigned char *find_byte(const unsigned char *p, unsigned char c,
						       size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL, pat = ones * c;

	for (; n && ((uintptr_t)p & 7); p++, n--)
		if (*p == c)
			return p;
	for (; n >= 8; p += 8, n -= 8) {
		uint64_t w = *(const uint64_t *)p ^ pat;

		if ((w - ones) & ~w & (ones << 7))
			break;
	}
	for (; n; p++, n--)
		if (*p == c)
			return p;
	return NULL;
}

static __always_inline int kasan_memcmp_raw(const unsigned char *a, const unsigned char *b,
					    size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (a[k] != b[k])
			return 1;
	return 0;
}

/* Bytes of s up to its NUL (included) or max, stopping at a poisoned
 * byte, which is then counted so the check reports it. */
static size_t scan(const char *s, size_t max, bool *bad)
{
	struct scan_state st = SCAN_STATE;
	size_t n = 0;

	*bad = false;
	while (n < max) {
		size_t run = clean_bytes((const unsigned char *)s + n, &st);

		if (run) {
			const unsigned char *z;

			if (run > max - n)
				run = max - n;
			z = find_byte((const unsigned char *)s + n, 0, run);
			if (z)
				return (size_t)((const char *)z - s) + 1;
			n += run;
			continue;
		}
		if (poisoned(s + n)) {
			*bad = true;
			return n + 1;
		}
		if (!s[n])
			return n + 1;
		n++;
	}
	return n;
}

#define CHECK(p, n, write) kasan_check_range((uintptr_t)(p), (n), (write), ip, fp)
#define ENTRY uintptr_t ip = CALLER_IP, fp = CALLER_FP

/*
 * Linux builds lib/string.c with KASAN: memchr, memcmp, strchr, strcmp,
 * strlen, ... are instrumented code, so a bad read is reported in the
 * string function itself ("BUG: KASAN: ... in memchr"), for the one
 * load that touched the first bad byte, with the user's function below
 * it in the trace.  IN_FN_READ reports that way: ip is a pc in the
 * calling string function, fp that function's frame.  The string
 * functions that use it must not be inlined into one another.
 */
static __noinline uintptr_t pc_in_caller(void)
{
	return CALLER_IP;
}
#define IN_FN_READ(p, n) \
	kasan_check_range((uintptr_t)(p), (n), false, pc_in_caller(), \
			  (uintptr_t)__builtin_frame_address(0))

/* The one byte a byte-at-a-time loop reads at s + i, as Linux's does:
 * false after the report when it is poisoned. */
#define READ_BYTE_OK(s, i) (!poisoned((s) + (i)) || IN_FN_READ((s) + (i), 1))

/* scan() for a function that reads a whole string: false, after the
 * report, when a poisoned byte comes before the NUL; *len counts the NUL. */
static bool scan_string(const char *s, size_t max, size_t *len, uintptr_t ip, uintptr_t fp)
{
	bool bad;

	*len = scan(s, max, &bad);
	if (bad)
		CHECK(s, *len, false);
	return !bad;
}

/*
 * The length of s, at most max; a bad byte ends the string there (after
 * its report): the program goes on.  A macro, the whole body of strlen
 * and strnlen, not an inline function: the report's pc is in the loop,
 * and an inline function would appear as a frame of its own above them.
 */
#define LENGTH_BODY(s, max)							\
	struct scan_state st = SCAN_STATE;					\
	size_t n = 0;								\
										\
	while (n < (max)) {							\
		size_t run = clean_bytes((const unsigned char *)(s) + n, &st);	\
										\
		if (run) {							\
			const unsigned char *z;					\
										\
			if (run > (max) - n)					\
				run = (max) - n;				\
			z = find_byte((const unsigned char *)(s) + n, 0, run);	\
			if (z)							\
				return (size_t)((const char *)z - (s));		\
			n += run;						\
			continue;						\
		}								\
		if (!READ_BYTE_OK(s, n) || !(s)[n])				\
			break;							\
		n++;								\
	}									\
	return n

__public size_t strlen(const char *s);
__public size_t strlen(const char *s)
{
	LENGTH_BODY(s, ~(size_t)0);
}

__public size_t strnlen(const char *s, size_t max);
__public size_t strnlen(const char *s, size_t max)
{
	LENGTH_BODY(s, max);
}

__public char *strchr(const char *s, int c);
__public char *strchr(const char *s, int c)
{
	for (size_t i = 0;; i++) {
		if (!READ_BYTE_OK(s, i))
			return NULL;
		if (s[i] == (char)c)
			return (char *)s + i;
		if (!s[i])
			return NULL;
	}
}

__public char *strrchr(const char *s, int c);
__public char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (size_t i = 0;; i++) {
		if (!READ_BYTE_OK(s, i))
			return NULL;
		if (s[i] == (char)c)
			last = s + i;
		if (!s[i])
			return (char *)last;
	}
}

/* The first k < n where a[k] and b[k] differ or are both NUL, n if none;
 * all n bytes of both readable.  A word of each at a time while no byte
 * of a's word is NUL and the words agree. */
static __always_inline size_t first_stop(const unsigned char *a, const unsigned char *b, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL;
	size_t k = 0;

	for (; n - k >= 8; k += 8) {
		uint64_t wa, wb;

		__builtin_memcpy(&wa, a + k, 8);
		__builtin_memcpy(&wb, b + k, 8);
		if (wa != wb || ((wa - ones) & ~wa & (ones << 7)))
			break;
	}
	for (; k < n; k++)
		if (a[k] != b[k] || !a[k])
			break;
	return k;
}

/* The body of strcmp and strncmp, a macro for the reason LENGTH_BODY is.
 * Runs of clean granules in both strings are compared without the
 * shadow (see clean_granule); elsewhere a byte at a time, checked. */
#define CMP_BODY(a, b, max)							\
	const unsigned char *x = (const unsigned char *)(a), *y = (const unsigned char *)(b); \
	struct scan_state sx = SCAN_STATE, sy = SCAN_STATE;			\
										\
	for (size_t i = 0; i < (max);) {					\
		size_t run = clean_granule(x + i, &sx), ry;			\
										\
		if (run && (ry = clean_granule(y + i, &sy)) < run)		\
			run = ry;						\
		if (run > (max) - i)						\
			run = (max) - i;					\
		if (run) {							\
			size_t k = first_stop(x + i, y + i, run);		\
										\
			if (k < run)						\
				return x[i + k] == y[i + k] ? 0 : x[i + k] < y[i + k] ? -1 : 1; \
			i += run;						\
			continue;						\
		}								\
		if (!READ_BYTE_OK(a, i) || !READ_BYTE_OK(b, i))			\
			return 0;						\
		if ((a)[i] != (b)[i])						\
			return (unsigned char)(a)[i] < (unsigned char)(b)[i] ? -1 : 1; \
		if (!(a)[i])							\
			return 0;						\
		i++;								\
	}									\
	return 0

__public int strcmp(const char *a, const char *b);
__public int strcmp(const char *a, const char *b)
{
	CMP_BODY(a, b, ~(size_t)0);
}

__public int strncmp(const char *a, const char *b, size_t n);
__public int strncmp(const char *a, const char *b, size_t n)
{
	CMP_BODY(a, b, n);
}

__public char *strcpy(char *d, const char *s);
__public char *strcpy(char *d, const char *s)
{
	ENTRY;
	size_t n;

	if (!scan_string(s, ~(size_t)0, &n, ip, fp) || !CHECK(d, n, true))
		return d;
	plat_memcpy(d, s, n);
	return d;
}

__public char *strncpy(char *d, const char *s, size_t max);
__public char *strncpy(char *d, const char *s, size_t max)
{
	ENTRY;
	size_t n;

	if (!scan_string(s, max, &n, ip, fp) || !CHECK(d, max, true))
		return d;
	plat_memcpy(d, s, n);
	if (n < max)
		plat_memset(d + n, 0, max - n);
	return d;
}

__public char *strcat(char *d, const char *s);
__public char *strcat(char *d, const char *s)
{
	ENTRY;
	size_t dl, sl;

	if (!scan_string(d, ~(size_t)0, &dl, ip, fp) || !scan_string(s, ~(size_t)0, &sl, ip, fp) ||
	    !CHECK(d + dl - 1, sl, true))
		return d;
	plat_memcpy(d + dl - 1, s, sl);
	return d;
}

__public char *strncat(char *d, const char *s, size_t max);
__public char *strncat(char *d, const char *s, size_t max)
{
	ENTRY;
	size_t dl, sl;

	if (!scan_string(d, ~(size_t)0, &dl, ip, fp) || !scan_string(s, max, &sl, ip, fp))
		return d;
	if (sl && !s[sl - 1])
		sl--;
	if (!CHECK(d + dl - 1, sl + 1, true))
		return d;
	plat_memcpy(d + dl - 1, s, sl);
	d[dl - 1 + sl] = 0;
	return d;
}

__public char *strstr(const char *h, const char *n);
__public char *strstr(const char *h, const char *n)
{
	ENTRY;
	size_t hl, nl;

	if (!scan_string(h, ~(size_t)0, &hl, ip, fp) || !scan_string(n, ~(size_t)0, &nl, ip, fp))
		return NULL;
	hl--;
	nl--;
	for (size_t i = 0; i + nl <= hl; i++) {
		size_t j = 0;

		while (j < nl && h[i + j] == n[j])
			j++;
		if (j == nl)
			return (char *)h + i;
	}
	return NULL;
}

__public void *memchr(const void *s, int c, size_t n);
__public void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	struct scan_state st = SCAN_STATE;

	/*
	 * Only the bytes read up to the match are checked, as the kernel's
	 * instrumented lib/string.c and ASan's interceptor do: checking all
	 * n first made a line-by-line memchr over a big buffer quadratic.
	 */
	for (size_t i = 0; i < n;) {
		size_t run = clean_bytes(p + i, &st);

		if (run) {
			const unsigned char *m;

			if (run > n - i)
				run = n - i;
			m = find_byte(p + i, (unsigned char)c, run);

			if (m)
				return (void *)m;
			i += run;
			continue;
		}
		if (!READ_BYTE_OK(p, i))
			return NULL;
		if (p[i] == (unsigned char)c)
			return (void *)(p + i);
		i++;
	}
	return NULL;
}

__public int memcmp(const void *a, const void *b, size_t n);
__public int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	size_t i = 0;

	/* Linux's lib/string.c memcmp on machines with cheap unaligned
	 * loads: a word of each at a time while a word is left, then bytes;
	 * a bad load is reported as the load it is. */
	for (; n - i >= sizeof(long); i += sizeof(long)) {
		if (!word_ok(x + i) && !IN_FN_READ(x + i, sizeof(long)))
			return 0;
		if (!word_ok(y + i) && !IN_FN_READ(y + i, sizeof(long)))
			return 0;
		if (kasan_memcmp_raw(x + i, y + i, sizeof(long)))
			break;
	}
	for (; i < n; i++) {
		if (!READ_BYTE_OK(x, i) || !READ_BYTE_OK(y, i))
			return 0;
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	}
	return 0;
}

/* bcmp: zero iff equal.  clang turns memcmp(...) == 0 into a call to it,
 * so it is checked like memcmp (both ranges whole, as compiler-rt's
 * interceptor does by default), or libc's would read unchecked. */
__public int bcmp(const void *a, const void *b, size_t n);
__public int bcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	if (!kasan_check_range((uintptr_t)a, n, false, CALLER_IP, CALLER_FP) ||
	    !kasan_check_range((uintptr_t)b, n, false, CALLER_IP, CALLER_FP))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return 1;
	return 0;
}

/* strscpy: the kernel's, returns the length copied or -E2BIG (-7). */
__public long strscpy(char *d, const char *s, size_t size);
__public long strscpy(char *d, const char *s, size_t size)
{
	ENTRY;
	size_t n;

	if (!size || !scan_string(s, size, &n, ip, fp))
		return -7;
	if (n == size && s[n - 1]) {
		if (!CHECK(d, size, true))
			return -7;
		plat_memcpy(d, s, size - 1);
		d[size - 1] = 0;
		return -7;
	}
	if (!CHECK(d, n, true))
		return -7;
	plat_memcpy(d, s, n);
	return (long)n - 1;
}
