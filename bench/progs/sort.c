// SPDX-License-Identifier: MIT
/*
 * bench: sorting.  A merge sort and a quicksort of N pseudo-random ints,
 * both comparing through a function pointer (an instrumented call per
 * comparison) and indexing heap arrays (instrumented loads and stores);
 * the merge sort copies runs back with memcpy.  Prints a checksum of the
 * sorted data, which every build must reproduce.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N (3u << 20)	/* 3M ints */

typedef int (*cmp_fn)(const int *, const int *);

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

__attribute__((noinline)) static int cmp_int(const int *a, const int *b)
{
	return (*a > *b) - (*a < *b);
}

/* Bottom-up merge sort: merge runs of width w from src into tmp, copy back. */
static void merge_sort(int *a, int *tmp, size_t n, cmp_fn cmp)
{
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n;
			size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				tmp[k++] = cmp(&a[j], &a[i]) < 0 ? a[j++] : a[i++];
			while (i < mid)
				tmp[k++] = a[i++];
			while (j < hi)
				tmp[k++] = a[j++];
			memcpy(a + lo, tmp + lo, (hi - lo) * sizeof(int));
		}
	}
}

static void insertion_sort(int *a, long lo, long hi, cmp_fn cmp)
{
	for (long i = lo + 1; i <= hi; i++) {
		int v = a[i];
		long j = i - 1;

		while (j >= lo && cmp(&a[j], &v) > 0) {
			a[j + 1] = a[j];
			j--;
		}
		a[j + 1] = v;
	}
}

/* Median-of-three quicksort with an explicit stack (a stack array). */
static void quick_sort(int *a, long n, cmp_fn cmp)
{
	long stack[128];
	int sp = 0;

	stack[sp++] = 0;
	stack[sp++] = n - 1;
	while (sp) {
		long hi = stack[--sp], lo = stack[--sp];

		while (hi - lo > 16) {
			long mid = lo + (hi - lo) / 2;
			int t;

			if (cmp(&a[mid], &a[lo]) < 0) { t = a[mid]; a[mid] = a[lo]; a[lo] = t; }
			if (cmp(&a[hi], &a[lo]) < 0) { t = a[hi]; a[hi] = a[lo]; a[lo] = t; }
			if (cmp(&a[hi], &a[mid]) < 0) { t = a[hi]; a[hi] = a[mid]; a[mid] = t; }
			int pivot = a[mid];
			long i = lo, j = hi;

			while (i <= j) {
				while (cmp(&a[i], &pivot) < 0)
					i++;
				while (cmp(&a[j], &pivot) > 0)
					j--;
				if (i <= j) {
					t = a[i]; a[i] = a[j]; a[j] = t;
					i++;
					j--;
				}
			}
			/* Push the larger part, loop on the smaller one. */
			if (j - lo > hi - i) {
				stack[sp++] = lo;
				stack[sp++] = j;
				lo = i;
			} else {
				stack[sp++] = i;
				stack[sp++] = hi;
				hi = j;
			}
		}
		insertion_sort(a, lo, hi, cmp);
	}
}

static uint64_t checksum(const int *a, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint32_t)a[i]) * 1099511628211ull;
	return h;
}

int main(void)
{
	int *a = malloc(N * sizeof(int));
	int *b = malloc(N * sizeof(int));
	int *tmp = malloc(N * sizeof(int));
	cmp_fn cmp = cmp_int;

	if (!a || !b || !tmp)
		return 1;
	for (size_t i = 0; i < N; i++)
		a[i] = (int)(next_rand() % 1000000007u) - 500000000;
	memcpy(b, a, N * sizeof(int));

	merge_sort(a, tmp, N, cmp);
	quick_sort(b, N, cmp);

	for (size_t i = 1; i < N; i++)
		if (a[i - 1] > a[i] || a[i] != b[i]) {
			printf("FAIL: not sorted at %zu\n", i);
			return 1;
		}
	printf("checksum: %016llx\n", (unsigned long long)(checksum(a, N) ^ checksum(b, N) << 1));
	free(tmp);
	free(b);
	free(a);
	return 0;
}
