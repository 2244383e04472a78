// SPDX-License-Identifier: MIT
/*
 * slab_slot_of() (src/mm/slab.h) against the division it replaces: for
 * every slot size a cache can have (a multiple of the 8-byte granule up
 * to 4 MiB, the largest slab) and every offset in a 4 MiB slab that is a
 * slot boundary or next to one (where a reciprocal that rounds the wrong
 * way is off by one), plus pseudo-random offsets.  Prints the first
 * mismatch and exits 1; "OK <checks>" and 0 when all agree.
 */
#include <stdio.h>
#include "mm/slab.h"

#define SLAB_MAX (1u << 22)	/* 2^10 pages of 4 KiB: cache_layout()'s largest */

static int check(struct kmem_cache *s, uint32_t off, unsigned long *n)
{
	uint32_t want = off / s->slot, got = slab_slot_of(s, off);

	++*n;
	if (got == want)
		return 0;
	printf("slot %u offset %u: %u, want %u\n", s->slot, off, got, want);
	return 1;
}

int main(void)
{
	struct kmem_cache s = { 0 };
	unsigned long n = 0;
	uint64_t rng = 0x9e3779b97f4a7c15ull;

	for (uint32_t slot = 8; slot <= SLAB_MAX; slot += slot < 65536 ? 8 : 4096) {
		s.slot = slot;
		s.slot_recip = slab_slot_recip(slot);
		for (uint64_t k = 0; k * slot < SLAB_MAX; k++) {
			uint32_t b = (uint32_t)(k * slot);

			if ((b && check(&s, b - 1, &n)) || check(&s, b, &n) ||
			    check(&s, b + 1, &n) || check(&s, b + slot - 1, &n))
				return 1;
		}
		for (int i = 0; i < 64; i++) {
			rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
			if (check(&s, (uint32_t)(rng % SLAB_MAX), &n))
				return 1;
		}
	}
	printf("OK %lu\n", n);
	return 0;
}
