// SPDX-License-Identifier: MIT
/*
 * bench: blocked integer matrix multiply (uint32, wrapping) whose tiles
 * are copied into stack arrays in a function called once per tile
 * triple, so every call sets up and tears down an instrumented frame
 * (stack redzones) and the inner loops read and write stack arrays.
 * Prints a checksum, which every build must reproduce.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N 512
#define BS 32
#define NREP 12

static uint32_t A[N * N], B[N * N], C[N * N];

__attribute__((noinline)) static void tile(const uint32_t *a, const uint32_t *b,
					   uint32_t *c)
{
	uint32_t ta[BS][BS], tb[BS][BS], tc[BS][BS];

	for (int i = 0; i < BS; i++)
		for (int j = 0; j < BS; j++) {
			ta[i][j] = a[i * N + j];
			tb[i][j] = b[i * N + j];
			tc[i][j] = 0;
		}
	for (int i = 0; i < BS; i++)
		for (int k = 0; k < BS; k++) {
			uint32_t x = ta[i][k];

			for (int j = 0; j < BS; j++)
				tc[i][j] += x * tb[k][j];
		}
	for (int i = 0; i < BS; i++)
		for (int j = 0; j < BS; j++)
			c[i * N + j] += tc[i][j];
}

int main(void)
{
	uint32_t seed = 12345;
	uint64_t sum = 0;

	for (size_t i = 0; i < N * N; i++) {
		seed = seed * 1103515245u + 12345u;
		A[i] = seed >> 16;
		seed = seed * 1103515245u + 12345u;
		B[i] = seed >> 16;
	}
	for (int rep = 0; rep < NREP; rep++)
		for (int i = 0; i < N; i += BS)
			for (int k = 0; k < N; k += BS)
				for (int j = 0; j < N; j += BS)
					tile(&A[i * N + k], &B[k * N + j], &C[i * N + j]);
	for (size_t i = 0; i < N * N; i++)
		sum = sum * 1000003u + C[i];
	printf("checksum: %016llx\n", (unsigned long long)sum);
	return 0;
}
