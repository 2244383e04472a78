// SPDX-License-Identifier: MIT
/*
 * bench: loop-heavy integer kernels with small working sets, no malloc:
 * Collatz chain lengths memoised in a global table, a CRC-32 with its
 * table in .rodata-like global memory, and an insertion sort of a short
 * stack array per call.  Many small functions, each with a frame, and
 * tight loops of loads and stores the compiler must check.  Prints a
 * checksum, which every build must reproduce.
 */
#include <stdint.h>
#include <stdio.h>

#define MEMO (1u << 20)
#define NCOLLATZ (3u << 20)
#define NCRC (64u << 20)
#define NSORT 1500000
#define SORTN 24

static uint16_t memo[MEMO];
static uint32_t crc_table[256];
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static uint32_t collatz(uint64_t n)
{
	uint32_t steps = 0;

	while (n != 1) {
		if (n < MEMO && memo[n]) {
			steps += memo[n];
			break;
		}
		n = n & 1 ? 3 * n + 1 : n >> 1;
		steps++;
	}
	return steps;
}

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

__attribute__((noinline)) static uint32_t crc_block(uint32_t crc, uint32_t seed)
{
	unsigned char buf[64];

	for (int i = 0; i < 64; i++)
		buf[i] = (unsigned char)(seed * (i + 1) >> 3);
	for (int i = 0; i < 64; i++)
		crc = crc_table[(crc ^ buf[i]) & 0xff] ^ (crc >> 8);
	return crc;
}

__attribute__((noinline)) static uint64_t sort_small(uint32_t seed)
{
	uint32_t a[SORTN];
	uint64_t h = 0;

	for (int i = 0; i < SORTN; i++)
		a[i] = seed = seed * 1103515245u + 12345u;
	for (int i = 1; i < SORTN; i++) {
		uint32_t v = a[i];
		int j = i - 1;

		while (j >= 0 && a[j] > v) {
			a[j + 1] = a[j];
			j--;
		}
		a[j + 1] = v;
	}
	for (int i = 0; i < SORTN; i++)
		h = h * 31 + a[i];
	return h;
}

int main(void)
{
	uint64_t sum = 0;
	uint32_t crc = 0xffffffffu;

	for (uint32_t n = 1; n < NCOLLATZ; n++) {
		uint32_t s = collatz(n);

		if (n < MEMO)
			memo[n] = (uint16_t)s;
		sum += s;
	}
	crc_init();
	for (uint32_t i = 0; i < NCRC / 64; i++)
		crc = crc_block(crc, next_rand());
	sum = sum * 1000003 + crc;
	for (uint32_t i = 0; i < NSORT; i++)
		sum = sum * 31 + sort_small(next_rand());
	printf("collatz+crc %08x\n", crc);
	printf("checksum: %016llx\n", (unsigned long long)sum);
	return 0;
}
