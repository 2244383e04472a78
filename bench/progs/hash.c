// SPDX-License-Identifier: MIT
/*
 * bench: open-addressing hash table (linear probing, backward-shift
 * deletion) in heap arrays.  Inserts, looks up and deletes a few million
 * keys: random instrumented loads and stores across a 128 MB table.
 * Prints a checksum, which every build must reproduce.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define LOG_SLOTS 23			/* 8M slots */
#define SLOTS (1u << LOG_SLOTS)
#define MASK (SLOTS - 1)
#define NKEYS (4u << 20)		/* 4M keys: load factor 0.5 */

struct slot {
	uint64_t key;			/* 0 = empty */
	uint64_t val;
};

struct table {
	struct slot *slots;
	size_t count;
};

static inline uint64_t mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ull;
	k ^= k >> 33;
	return k;
}

static inline uint64_t key_of(uint64_t i)
{
	return mix(i * 2 + 1) | 1;	/* never 0 */
}

static void insert(struct table *t, uint64_t key, uint64_t val)
{
	size_t i = mix(key) & MASK;

	while (t->slots[i].key) {
		if (t->slots[i].key == key) {
			t->slots[i].val += val;
			return;
		}
		i = (i + 1) & MASK;
	}
	t->slots[i].key = key;
	t->slots[i].val = val;
	t->count++;
}

static struct slot *lookup(struct table *t, uint64_t key)
{
	size_t i = mix(key) & MASK;

	while (t->slots[i].key) {
		if (t->slots[i].key == key)
			return &t->slots[i];
		i = (i + 1) & MASK;
	}
	return NULL;
}

static int erase(struct table *t, uint64_t key)
{
	size_t i = mix(key) & MASK;

	while (t->slots[i].key != key) {
		if (!t->slots[i].key)
			return 0;
		i = (i + 1) & MASK;
	}
	/* Backward-shift: move later members of the cluster into the hole. */
	size_t hole = i;

	for (;;) {
		i = (i + 1) & MASK;
		if (!t->slots[i].key)
			break;
		size_t home = mix(t->slots[i].key) & MASK;

		if (((i - home) & MASK) >= ((i - hole) & MASK)) {
			t->slots[hole] = t->slots[i];
			hole = i;
		}
	}
	t->slots[hole].key = 0;
	t->slots[hole].val = 0;
	t->count--;
	return 1;
}

int main(void)
{
	struct table t = { calloc(SLOTS, sizeof(struct slot)), 0 };
	uint64_t sum = 0, found = 0, erased = 0;

	if (!t.slots)
		return 1;
	for (uint64_t i = 0; i < NKEYS; i++)
		insert(&t, key_of(i), i);
	/* Lookups: half present, half absent. */
	for (uint64_t i = 0; i < 2 * NKEYS; i++) {
		struct slot *s = lookup(&t, key_of(i));

		if (s) {
			found++;
			sum += s->val ^ i;
		}
	}
	/* Delete every third key, then look everything up again. */
	for (uint64_t i = 0; i < NKEYS; i += 3)
		erased += erase(&t, key_of(i));
	for (uint64_t i = 0; i < NKEYS; i++) {
		struct slot *s = lookup(&t, key_of(i));

		if ((s != NULL) == (i % 3 == 0)) {
			printf("FAIL: key %llu\n", (unsigned long long)i);
			return 1;
		}
		if (s)
			sum = sum * 31 + s->val;
	}
	/* Reinsert the deleted ones with new values. */
	for (uint64_t i = 0; i < NKEYS; i += 3)
		insert(&t, key_of(i), i + 7);
	for (size_t i = 0; i < SLOTS; i += 64)
		sum = sum * 131 + t.slots[i].key;
	printf("count %zu found %llu erased %llu\n", t.count,
	       (unsigned long long)found, (unsigned long long)erased);
	printf("checksum: %016llx\n", (unsigned long long)sum);
	free(t.slots);
	return 0;
}
