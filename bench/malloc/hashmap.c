// SPDX-License-Identifier: MIT
/*
 * malloc bench: a chained hash map of heap nodes under churn.  Each node
 * is a malloc'd struct with a malloc'd value of 8 bytes to 2 KiB; keys
 * are inserted, replaced (value freed and reallocated at a new size),
 * looked up and deleted at random so that the live set stays near 100k
 * nodes while millions of blocks come and go.  Every so often a large
 * scratch block (128 KiB to 1 MiB) is allocated, filled, summed and
 * freed, and the bucket array is rehashed as the map grows.  Prints a
 * checksum, which every build must reproduce.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPS 1000000
#define KEYSPACE 200000

struct node {
	struct node *next;
	uint64_t key;
	size_t vlen;
	unsigned char *val;
};

static struct node **buckets;
static size_t nbuckets, count;
static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n);

	if (!p) {
		perror("malloc");
		exit(1);
	}
	return p;
}

static uint64_t hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return k;
}

static size_t pick_vlen(void)
{
	uint64_t r = next();

	return r % 16 == 0 ? 256 + r % 1793 : 8 + r % 120;
}

static void fill(struct node *n)
{
	n->vlen = pick_vlen();
	n->val = xmalloc(n->vlen);
	memset(n->val, (int)(n->key & 0xff), n->vlen);
	n->val[n->vlen - 1] = (unsigned char)n->vlen;
}

static void rehash(size_t nb)
{
	struct node **nbk = calloc(nb, sizeof(*nbk));

	if (!nbk) {
		perror("calloc");
		exit(1);
	}
	for (size_t i = 0; i < nbuckets; i++) {
		for (struct node *n = buckets[i], *nx; n; n = nx) {
			nx = n->next;
			n->next = nbk[hash(n->key) & (nb - 1)];
			nbk[hash(n->key) & (nb - 1)] = n;
		}
	}
	free(buckets);
	buckets = nbk;
	nbuckets = nb;
}

int main(void)
{
	uint64_t sum = 0;

	rehash(1024);
	for (long op = 0; op < OPS; op++) {
		uint64_t key = next() % KEYSPACE;
		struct node **pp = &buckets[hash(key) & (nbuckets - 1)], *n;

		while (*pp && (*pp)->key != key)
			pp = &(*pp)->next;
		n = *pp;
		switch (next() % 4) {
		case 0:		/* insert or replace */
		case 1:
			if (n) {
				free(n->val);
				fill(n);
			} else {
				n = xmalloc(sizeof(*n));
				n->key = key;
				fill(n);
				n->next = NULL;
				*pp = n;
				if (++count > nbuckets)
					rehash(nbuckets * 2);
			}
			break;
		case 2:		/* look up */
			if (n)
				sum += n->val[n->vlen - 1] + n->val[0];
			break;
		default:	/* delete */
			if (n) {
				*pp = n->next;
				sum += n->vlen;
				free(n->val);
				free(n);
				count--;
			}
		}
		if (op % 4096 == 0) {
			size_t big = (128u << 10) + next() % (896u << 10);
			uint64_t *b = xmalloc(big);

			for (size_t i = 0; i < big / 8; i++)
				b[i] = i ^ (uint64_t)op;
			for (size_t i = 0; i < big / 8; i += 97)
				sum += b[i];
			free(b);
		}
	}
	for (size_t i = 0; i < nbuckets; i++) {
		for (struct node *n = buckets[i], *nx; n; n = nx) {
			nx = n->next;
			sum = sum * 7 + n->key + n->val[n->vlen - 1];
			free(n->val);
			free(n);
		}
	}
	free(buckets);
	printf("live at end: %zu\n", count);
	printf("checksum: %016llx\n", (unsigned long long)sum);
	return 0;
}
