// SPDX-License-Identifier: MIT
/*
 * bench: string processing.  Generates a 32 MB text from a vocabulary
 * (memcpy per word), then, line by line: copies the line into a buffer
 * (memcpy), lower-cases it in a byte loop, deletes punctuation with
 * memmove, clears a scratch buffer (memset), tokenizes and counts the
 * words in a hash table keyed by the word's bytes.  Prints a checksum,
 * which every build must reproduce.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_BYTES (32u << 20)
#define NWORDS 4096			/* vocabulary size */
#define TABLE (1u << 14)
#define MAXW 32

static const char *const syllables[] = {
	"ka", "san", "mem", "ory", "shad", "ow", "red", "zone", "poi", "son",
	"gran", "ule", "heap", "stack", "glob", "al", "vm", "al", "loc", "free",
	"use", "af", "ter", "out", "of", "bou", "nds", "ker", "nel", "page",
};
#define NSYL (sizeof(syllables) / sizeof(syllables[0]))

static const char punct[] = ",.;:!?";

struct entry {
	char word[MAXW];
	uint32_t len;
	uint32_t count;
	uint64_t hash;
};

static char vocab[NWORDS][MAXW];
static unsigned vocab_len[NWORDS];
static struct entry table[TABLE];
static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static void make_vocab(void)
{
	for (unsigned w = 0; w < NWORDS; w++) {
		unsigned n = 1 + next_rand() % 4, len = 0;

		for (unsigned s = 0; s < n; s++) {
			const char *syl = syllables[next_rand() % NSYL];
			size_t l = strlen(syl);

			memcpy(vocab[w] + len, syl, l);
			len += l;
		}
		/* Some words capitalised, to be folded later. */
		if (next_rand() % 8 == 0)
			vocab[w][0] -= 'a' - 'A';
		vocab_len[w] = len;
	}
}

/* Zipf-like choice: small indices are much more frequent. */
static unsigned pick_word(void)
{
	uint32_t r = next_rand();

	return (r % NWORDS) & ((1u << (r >> 28) % 13) - 1);
}

static size_t make_text(char *text, size_t cap)
{
	size_t pos = 0, col = 0;

	while (pos + 2 * MAXW < cap) {
		unsigned w = pick_word();

		memcpy(text + pos, vocab[w], vocab_len[w]);
		pos += vocab_len[w];
		col += vocab_len[w];
		if (next_rand() % 7 == 0)
			text[pos++] = punct[next_rand() % (sizeof(punct) - 1)];
		if (col > 70) {
			text[pos++] = '\n';
			col = 0;
		} else {
			text[pos++] = ' ';
			col++;
		}
	}
	return pos;
}

static int is_punct(char c)
{
	for (const char *p = punct; *p; p++)
		if (*p == c)
			return 1;
	return 0;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static int same_word(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

static void count_word(const char *w, size_t n)
{
	uint64_t h = hash_bytes(w, n);
	size_t i = h & (TABLE - 1);

	while (table[i].len) {
		if (table[i].hash == h && table[i].len == n && same_word(table[i].word, w, n)) {
			table[i].count++;
			return;
		}
		i = (i + 1) & (TABLE - 1);
	}
	memcpy(table[i].word, w, n);
	table[i].len = (uint32_t)n;
	table[i].count = 1;
	table[i].hash = h;
}

static uint64_t process(const char *text, size_t len, uint64_t *nwords)
{
	char line[256], scratch[256];
	uint64_t punct_seen = 0;
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, text + pos, n);
		line[n] = 0;
		pos += n + 1;
		for (size_t i = 0; i < n; i++)
			if (line[i] >= 'A' && line[i] <= 'Z')
				line[i] += 'a' - 'A';
		for (size_t i = 0; i < n;) {
			if (is_punct(line[i])) {
				memmove(line + i, line + i + 1, n - i);
				n--;
				punct_seen++;
			} else {
				i++;
			}
		}
		memset(scratch, 0, sizeof(scratch));
		for (size_t i = 0; i < n;) {
			while (i < n && line[i] == ' ')
				i++;
			size_t start = i;

			while (i < n && line[i] != ' ')
				i++;
			if (i > start) {
				memcpy(scratch, line + start, i - start);
				count_word(scratch, i - start);
				(*nwords)++;
			}
		}
	}
	return punct_seen;
}

int main(void)
{
	char *text = malloc(TEXT_BYTES);
	uint64_t nwords = 0, distinct = 0, top = 0, sum;

	if (!text)
		return 1;
	make_vocab();
	size_t len = make_text(text, TEXT_BYTES);
	uint64_t punct_seen = process(text, len, &nwords);

	sum = hash_bytes(text, len);
	for (size_t i = 0; i < TABLE; i++) {
		if (!table[i].len)
			continue;
		distinct++;
		if (table[i].count > top)
			top = table[i].count;
		sum = sum * 31 + table[i].hash * table[i].count;
	}
	printf("bytes %zu words %llu distinct %llu top %llu punct %llu\n", len,
	       (unsigned long long)nwords, (unsigned long long)distinct,
	       (unsigned long long)top, (unsigned long long)punct_seen);
	printf("checksum: %016llx\n", (unsigned long long)sum);
	free(text);
	return 0;
}
