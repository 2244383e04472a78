// SPDX-License-Identifier: MIT
/*
 * malloc bench: strings and vectors grown with realloc.  Rounds of
 * building many short strings a few bytes at a time (realloc growth by
 * 1.5x, as string builders do), keeping them in a pointer vector that
 * grows by doubling (past 128 KiB: big-block reallocs), sorting them,
 * joining them into one large buffer, and freeing them in a shuffled
 * order.  Mixed sizes from 16 bytes to a few KiB plus large blocks.
 * Prints a checksum, which every build must reproduce.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUNDS 3
#define STRINGS 60000

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		perror("realloc");
		exit(1);
	}
	return p;
}

struct str {
	char *s;
	size_t len, cap;
};

static void push_char(struct str *s, char c)
{
	if (s->len + 2 > s->cap) {
		s->cap = s->cap ? s->cap + s->cap / 2 + 1 : 8;
		s->s = xrealloc(s->s, s->cap);
	}
	s->s[s->len++] = c;
	s->s[s->len] = 0;
}

/* Mostly short strings, some up to a few KiB. */
static size_t pick_len(void)
{
	uint64_t r = next();

	if (r % 64 == 0)
		return 512 + r % 3500;
	return 4 + r % 90;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	uint64_t sum = 0;

	for (int round = 0; round < ROUNDS; round++) {
		char **vec = NULL;
		size_t n = 0, cap = 0, total = 0;

		for (int i = 0; i < STRINGS; i++) {
			struct str s = { 0 };
			size_t len = pick_len();

			for (size_t k = 0; k < len; k++)
				push_char(&s, (char)('a' + (next() % 26)));
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				vec = xrealloc(vec, cap * sizeof(*vec));
			}
			/* Shrink to fit, as a builder's "finish" does. */
			vec[n++] = xrealloc(s.s, s.len + 1);
			total += s.len;
		}
		qsort(vec, n, sizeof(*vec), cmp);

		char *joined = malloc(total + 1), *w = joined;

		if (!joined) {
			perror("malloc");
			return 1;
		}
		for (size_t i = 0; i < n; i++) {
			size_t l = strlen(vec[i]);

			memcpy(w, vec[i], l);
			w += l;
		}
		*w = 0;
		for (size_t i = 0; i < total; i += 61)
			sum = sum * 131 + (unsigned char)joined[i];
		free(joined);

		/* Free in a shuffled order. */
		for (size_t i = n - 1; i > 0; i--) {
			size_t j = next() % (i + 1);
			char *t = vec[i];

			vec[i] = vec[j];
			vec[j] = t;
		}
		for (size_t i = 0; i < n; i++) {
			sum += strlen(vec[i]);
			free(vec[i]);
		}
		free(vec);
	}
	printf("checksum: %016llx\n", (unsigned long long)sum);
	return 0;
}
