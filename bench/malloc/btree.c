// SPDX-License-Identifier: MIT
/*
 * malloc bench: binary trees (the "binary-trees" shape).  One long-lived
 * tree stays up while thousands of short-lived trees of every depth are
 * built node by node and freed again: millions of same-size small
 * allocations and frees, with pointer chasing through freshly allocated
 * nodes.  Prints a checksum (node counts and item sums), which every
 * build must reproduce.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define MIN_DEPTH 4
#define MAX_DEPTH 14

struct node {
	struct node *left, *right;
	long item;
};

static struct node *make(long item, int depth)
{
	struct node *n = malloc(sizeof(*n));

	if (!n) {
		perror("malloc");
		exit(1);
	}
	n->item = item;
	if (depth > 0) {
		n->left = make(2 * item - 1, depth - 1);
		n->right = make(2 * item, depth - 1);
	} else {
		n->left = n->right = NULL;
	}
	return n;
}

/* Sum of items weighted by position, and the node count. */
static long check(const struct node *n, long *count)
{
	++*count;
	if (!n->left)
		return n->item;
	return n->item + check(n->left, count) - check(n->right, count);
}

static void destroy(struct node *n)
{
	if (n->left) {
		destroy(n->left);
		destroy(n->right);
	}
	free(n);
}

int main(void)
{
	uint64_t sum = 0;
	long count = 0;
	struct node *longlived = make(0, MAX_DEPTH);

	for (int d = MIN_DEPTH; d <= MAX_DEPTH; d += 2) {
		long iters = 1L << (MAX_DEPTH - d + MIN_DEPTH);

		for (long i = 1; i <= iters; i++) {
			struct node *a = make(i, d), *b = make(-i, d);

			sum = sum * 31 + (uint64_t)check(a, &count);
			sum = sum * 31 + (uint64_t)check(b, &count);
			destroy(a);
			destroy(b);
		}
	}
	sum = sum * 31 + (uint64_t)check(longlived, &count);
	destroy(longlived);
	printf("nodes checked: %ld\n", count);
	printf("checksum: %016llx\n", (unsigned long long)(sum ^ (uint64_t)count));
	return 0;
}
