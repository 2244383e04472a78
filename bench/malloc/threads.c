// SPDX-License-Identifier: MIT
/*
 * malloc bench: 3 threads in a ring.  Each allocates messages of mixed
 * sizes (16 bytes to 4 KiB, a few of 128-256 KiB), fills them and sends
 * them to the next thread through a bounded mailbox; the receiver checks
 * and frees them: most frees are cross-thread frees.  Each thread also
 * churns thread-local scratch blocks.  The checksum is a sum over every
 * message, independent of the interleaving, so every build must
 * reproduce it.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NTHREADS 3
#define MSGS 150000		/* sent by each thread */
#define BOX 256

struct msg {
	uint32_t len, sender;
	uint64_t seq;
	unsigned char data[];
};

struct mailbox {
	pthread_mutex_t lock;
	pthread_cond_t nonempty;
	struct msg *ring[BOX];
	unsigned head, tail;
};

static struct mailbox boxes[NTHREADS];
static uint64_t sums[NTHREADS];

/* False when the mailbox is full. */
static int try_put(struct mailbox *b, struct msg *m)
{
	int ok;

	pthread_mutex_lock(&b->lock);
	ok = b->tail - b->head < BOX;
	if (ok) {
		b->ring[b->tail++ % BOX] = m;
		pthread_cond_signal(&b->nonempty);
	}
	pthread_mutex_unlock(&b->lock);
	return ok;
}

/* The oldest message; when the mailbox is empty, NULL or (wait) wait. */
static struct msg *take(struct mailbox *b, int wait)
{
	struct msg *m = NULL;

	pthread_mutex_lock(&b->lock);
	while (wait && b->tail == b->head)
		pthread_cond_wait(&b->nonempty, &b->lock);
	if (b->tail != b->head)
		m = b->ring[b->head++ % BOX];
	pthread_mutex_unlock(&b->lock);
	return m;
}

static uint64_t consume(struct msg *m)
{
	uint64_t s = m->seq * 3 + m->sender + m->len;

	for (uint32_t i = 0; i < m->len; i += 64)
		s += m->data[i];
	s += m->data[m->len - 1];
	free(m);
	return s;
}

static void *worker(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;
	struct mailbox *in = &boxes[id], *out = &boxes[(id + 1) % NTHREADS];
	uint64_t rng = 0x9e3779b97f4a7c15ull * (id + 1), sum = 0;
	void *scratch[64] = { 0 };
	long received = 0;

	for (long i = 0; i < MSGS; i++) {
		uint32_t len;
		struct msg *m;

		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		if (rng % 2048 == 0)
			len = (128u << 10) + (uint32_t)(rng >> 20) % (128u << 10);
		else if (rng % 16 == 0)
			len = 512 + (uint32_t)(rng >> 20) % 3584;
		else
			len = 16 + (uint32_t)(rng >> 20) % 240;
		m = malloc(sizeof(*m) + len);
		if (!m) {
			perror("malloc");
			exit(1);
		}
		m->len = len;
		m->sender = id;
		m->seq = (uint64_t)i;
		memset(m->data, (int)(i & 0xff), len);
		/* A full mailbox: empty our own meanwhile, so that a ring of
		 * full mailboxes cannot deadlock. */
		while (!try_put(out, m)) {
			struct msg *r = take(in, 0);

			if (r) {
				sum += consume(r);
				received++;
			} else {
				sched_yield();
			}
		}

		/* Thread-local churn: replace one scratch block. */
		unsigned k = (unsigned)(rng >> 40) % 64;

		free(scratch[k]);
		scratch[k] = malloc(32 + (rng >> 50) % 1000);
		if (!scratch[k]) {
			perror("malloc");
			exit(1);
		}
		((char *)scratch[k])[0] = (char)k;

		/* Drain what has arrived so far (a cross-thread free each). */
		while ((m = take(in, 0))) {
			sum += consume(m);
			received++;
		}
	}
	while (received < MSGS) {
		sum += consume(take(in, 1));
		received++;
	}
	for (unsigned k = 0; k < 64; k++)
		free(scratch[k]);
	sums[id] = sum;
	return NULL;
}

int main(void)
{
	pthread_t t[NTHREADS];
	uint64_t sum = 0;

	for (int i = 0; i < NTHREADS; i++) {
		pthread_mutex_init(&boxes[i].lock, NULL);
		pthread_cond_init(&boxes[i].nonempty, NULL);
	}
	for (int i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i)) {
			fprintf(stderr, "pthread_create failed\n");
			return 1;
		}
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(t[i], NULL);
		sum += sums[i];
	}
	printf("checksum: %016llx\n", (unsigned long long)sum);
	return 0;
}
