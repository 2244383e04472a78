// SPDX-License-Identifier: MIT
/*
 * The quarantine of freed slab objects (Linux mm/kasan/quarantine.c): a
 * freed object is not reused at once but waits, poisoned, in a bounded
 * FIFO, so that a use after free is still caught after many later
 * allocations.  Bounded by bytes (option quarantine_size, default 16M;
 * 0 turns it off).  Objects are queued in batches of pointers (metadata
 * pages, charged to the RAM budget); when the queue is over its size the
 * oldest batch is released at once, outside the lock, as the kernel
 * recycles whole batches.
 */
#include "mm/slab.h"

#define QB_SLOTS ((4096 - 2 * sizeof(void *)) / sizeof(uintptr_t))

struct qbatch {
	struct qbatch *next;
	unsigned long n;
	uintptr_t obj[QB_SLOTS];
};

unsigned long quarantine_bytes;
unsigned long quarantine_max = 16UL << 20;
static struct qbatch *q_head, *q_tail;
static kasan_spinlock_t q_lock;

const struct kasan_option quarantine_options[] = {
	{ "quarantine_size", OPT_SIZE, &quarantine_max, NULL, 0, 1L << 40,
	  "bytes of freed slab objects kept poisoned before reuse (default 16M; 0: off)" },
};
const unsigned quarantine_nr_options = ARRAY_SIZE(quarantine_options);

static void release_obj(uintptr_t obj)
{
	struct slab *sl = addr_to_slab(obj);
	uint32_t idx;

	if (sl && slab_obj_index(sl, obj, &idx))
		slab_release(sl, idx);
}

static void release_batch(struct qbatch *b)
{
	for (unsigned long i = 0; i < b->n; i++)
		release_obj(b->obj[i]);
	meta_free(b, sizeof(*b));
}

bool quarantine_put(struct slab *sl, uint32_t idx)
{
	unsigned long slot = sl->cache->slot;
	struct qbatch *old = NULL, *fresh = NULL;

	if (!READ_ONCE(quarantine_max))
		return false;
	kasan_spin_lock(&q_lock);
	if (!q_tail || q_tail->n == QB_SLOTS) {
		kasan_spin_unlock(&q_lock);
		/* A full budget or an injected failure: no quarantine for this
		 * object, which is released at once. */
		fresh = meta_alloc(sizeof(*fresh));
		if (!fresh)
			return false;
		kasan_spin_lock(&q_lock);
		if (!q_tail || q_tail->n == QB_SLOTS) {
			if (q_tail)
				q_tail->next = fresh;
			else
				q_head = fresh;
			q_tail = fresh;
			fresh = NULL;
		}
	}
	q_tail->obj[q_tail->n++] = slab_obj_addr(sl, idx);
	quarantine_bytes += slot;
	/* Over the bound: the oldest batch goes (never the one just filled
	 * into, so the newest frees stay quarantined). */
	if (quarantine_bytes > quarantine_max && q_head != q_tail) {
		old = q_head;
		q_head = old->next;
		for (unsigned long i = 0; i < old->n; i++) {
			struct slab *s2 = addr_to_slab(old->obj[i]);

			if (s2)
				quarantine_bytes -= s2->cache->slot;
		}
	}
	kasan_spin_unlock(&q_lock);
	if (fresh)
		meta_free(fresh, sizeof(*fresh));
	if (old)
		release_batch(old);
	return true;
}

/* kmem_cache_destroy: its quarantined objects are released now (NULL:
 * every object, vmkasan_quarantine_drain). */
void quarantine_remove_cache(struct kmem_cache *s)
{
	kasan_spin_lock(&q_lock);
	for (struct qbatch *b = q_head; b; b = b->next) {
		unsigned long keep = 0;

		for (unsigned long i = 0; i < b->n; i++) {
			struct slab *sl = addr_to_slab(b->obj[i]);

			if (sl && (!s || sl->cache == s)) {
				quarantine_bytes -= sl->cache->slot;
				release_obj(b->obj[i]);
			} else {
				b->obj[keep++] = b->obj[i];
			}
		}
		b->n = keep;
	}
	kasan_spin_unlock(&q_lock);
}

void vmkasan_quarantine_drain(void)
{
	quarantine_remove_cache(NULL);
}

void quarantine_lock_all(bool lock)
{
	if (lock)
		kasan_spin_lock(&q_lock);
	else
		kasan_spin_unlock(&q_lock);
}
