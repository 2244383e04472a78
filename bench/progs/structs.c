// SPDX-License-Identifier: MIT
/*
 * bench: a particle simulation over a global array of structs, no
 * malloc: each step walks the array through pointers, reads and writes
 * fields of mixed sizes (8-, 4-, 2- and 1-byte), links neighbours by
 * index and follows the links, and bins the particles into a global
 * grid.  Field accesses of every width are the checks it measures.
 * Prints a checksum, which every build must reproduce.
 */
#include <stdint.h>
#include <stdio.h>

#define NP (1u << 18)
#define STEPS 240
#define GRID 256

struct particle {
	int64_t x, y;
	int32_t vx, vy;
	uint32_t next;		/* index of a neighbour */
	uint16_t cell;
	uint8_t kind, hits;
};

static struct particle parts[NP];
static uint32_t grid[GRID * GRID];

static void init(void)
{
	uint64_t s = 88172645463325252ull;

	for (uint32_t i = 0; i < NP; i++) {
		struct particle *p = &parts[i];

		s ^= s << 13; s ^= s >> 7; s ^= s << 17;
		p->x = (int64_t)(s & 0xffffff);
		p->y = (int64_t)((s >> 24) & 0xffffff);
		p->vx = (int32_t)((s >> 48) & 0xff) - 128;
		p->vy = (int32_t)((s >> 56) & 0xff) - 128;
		p->next = (uint32_t)(s >> 20) % NP;
		p->kind = (uint8_t)(s & 3);
		p->hits = 0;
	}
}

__attribute__((noinline)) static void step(void)
{
	for (uint32_t i = 0; i < GRID * GRID; i++)
		grid[i] = 0;
	for (struct particle *p = parts; p < parts + NP; p++) {
		p->x += p->vx;
		p->y += p->vy;
		if (p->x < 0 || p->x > 0xffffff) {
			p->vx = -p->vx;
			p->hits++;
		}
		if (p->y < 0 || p->y > 0xffffff) {
			p->vy = -p->vy;
			p->hits++;
		}
		p->cell = (uint16_t)(((p->x >> 16) & 0xff) * GRID + ((p->y >> 16) & 0xff));
		grid[p->cell]++;
	}
	for (struct particle *p = parts; p < parts + NP; p++) {
		const struct particle *q = &parts[p->next];

		if (q->kind == p->kind && q->cell == p->cell)
			p->vx += (q->vx - p->vx) >> 3;
		p->next = (p->next * 1664525u + 1013904223u) % NP;
	}
}

int main(void)
{
	uint64_t sum = 0;

	init();
	for (int s = 0; s < STEPS; s++) {
		step();
		sum = sum * 1000003 + grid[(s * 7919) % (GRID * GRID)];
	}
	for (uint32_t i = 0; i < NP; i++)
		sum = sum * 31 + (uint64_t)parts[i].x + parts[i].hits + parts[i].vx;
	printf("particles %u steps %d\n", NP, STEPS);
	printf("checksum: %016llx\n", (unsigned long long)sum);
	return 0;
}
