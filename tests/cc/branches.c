// SPDX-License-Identifier: MIT
/*
 * Loops whose every access is checked: the conditional branches of the
 * checks and of the loops, laid out by the compiler and the assembler.
 * tests/cc/run.sh asks that none of them crosses or ends on a 32-byte
 * boundary in the object vmkasan-cc makes of this file (the decoded-uop
 * cache of Intel cores with the JCC erratum fix does not hold them).
 */
#include <stddef.h>
#include <stdint.h>

struct rec {
	uint32_t key;
	uint16_t kind;
	uint8_t flags;
	char name[13];
	uint64_t value;
};

static const char seps[] = ",.;:!? ";

int is_sep(char c)
{
	for (const char *p = seps; *p; p++)
		if (*p == c)
			return 1;
	return 0;
}

size_t squeeze(char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] += 'a' - 'A';
		if (!is_sep(s[i]) || (o && s[o - 1] != ' '))
			s[o++] = is_sep(s[i]) ? ' ' : s[i];
	}
	return o;
}

uint64_t fold(const struct rec *r, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++) {
		if (r[i].flags & 1)
			continue;
		h = (h ^ r[i].key) * 1099511628211ull;
		h += r[i].kind * r[i].value;
		for (int k = 0; k < 13 && r[i].name[k]; k++)
			h = h * 31 + (unsigned char)r[i].name[k];
	}
	return h;
}

void insertion_sort(uint32_t *a, int n)
{
	for (int i = 1; i < n; i++) {
		uint32_t v = a[i];
		int j = i - 1;

		while (j >= 0 && a[j] > v) {
			a[j + 1] = a[j];
			j--;
		}
		a[j + 1] = v;
	}
}

uint32_t crc(const unsigned char *p, size_t n, const uint32_t *table)
{
	uint32_t c = 0xffffffffu;

	while (n--)
		c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
}

void matmul(const double *a, const double *b, double *c, int n)
{
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++) {
			double s = 0;

			for (int k = 0; k < n; k++)
				s += a[i * n + k] * b[k * n + j];
			c[i * n + j] = s;
		}
}

int count_words(const char *s, const char *end, uint16_t *lens, int max)
{
	int n = 0;

	while (s < end && n < max) {
		while (s < end && is_sep(*s))
			s++;
		const char *w = s;

		while (s < end && !is_sep(*s))
			s++;
		if (s > w)
			lens[n++] = (uint16_t)(s - w);
	}
	return n;
}
