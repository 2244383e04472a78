// SPDX-License-Identifier: MIT
/*
 * The quarantine of freed slab objects (Linux mm/kasan/quarantine.c): a
 * freed object is not reused at once but waits, poisoned, in a bounded
 * FIFO, so that a use after free is still caught after many later
 * allocations.  Bounded by bytes (option quarantine_size, default 16M;
 * 0 turns it off).  Objects are queued in batches of pointers (metadata
 * pages, charged to the RAM budget); when the queue is over its size the
 * oldest batch is released at once, outside the lock, as the kernel
 * recycles whole batches.  The malloc fast path fills a batch per thread
 * and queues it whole (quarantine_put_batch), as the kernel's per-cpu
 * queues feed its global one: one lock per batch, not per free.
 */
#include "mm/slab.h"

unsigned long quarantine_bytes;
unsigned long quarantine_max = 16UL << 20;
static struct qbatch *q_head, *q_tail;
static kasan_spinlock_t q_lock;

const struct kasan_option quarantine_options[] = {
	{ "quarantine_size", OPT_SIZE, &quarantine_max, NULL, 0, 1L << 40,
	  "memory freed slab objects hold (slot and metadata) while kept poisoned before reuse (default 16M; 0: off)" },
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

/* Over the bound: unlink the oldest batches (never the newest one, so
 * the latest frees stay quarantined); lock held.  Returns the list. */
static struct qbatch *trim_locked(void)
{
	struct qbatch *old = NULL, **tail = &old;

	while (quarantine_bytes > quarantine_max && q_head != q_tail) {
		struct qbatch *b = q_head;

		q_head = b->next;
		quarantine_bytes -= b->bytes;
		b->next = NULL;
		*tail = b;
		tail = &b->next;
	}
	return old;
}

static void release_list(struct qbatch *b)
{
	while (b) {
		struct qbatch *next = b->next;

		release_batch(b);
		b = next;
	}
}

bool quarantine_put(struct slab *sl, uint32_t idx)
{
	unsigned long charge = slab_quarantine_charge(sl->cache);
	struct qbatch *old = NULL, *fresh = NULL;

	if (!READ_ONCE(quarantine_max))
		return false;
	kasan_spin_lock(&q_lock);
	if (!q_tail || q_tail->n == QB_SLOTS) {
		kasan_spin_unlock(&q_lock);
		/* A full budget or an injected failure: no quarantine for this
		 * object, which is released at once. */
		fresh = quarantine_batch_alloc();
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
	q_tail->bytes += charge;
	quarantine_bytes += charge;
	old = trim_locked();
	kasan_spin_unlock(&q_lock);
	if (fresh)
		meta_free(fresh, sizeof(*fresh));
	release_list(old);
	return true;
}

struct qbatch *quarantine_batch_alloc(void)
{
	struct qbatch *b = meta_alloc(sizeof(*b));

	if (b) {
		b->next = NULL;
		b->n = b->bytes = 0;
	}
	return b;
}

void quarantine_put_batch(struct qbatch *b)
{
	struct qbatch *old;

	if (!b->n) {
		meta_free(b, sizeof(*b));
		return;
	}
	b->next = NULL;
	kasan_spin_lock(&q_lock);
	if (q_tail)
		q_tail->next = b;
	else
		q_head = b;
	q_tail = b;
	quarantine_bytes += b->bytes;
	old = trim_locked();
	kasan_spin_unlock(&q_lock);
	release_list(old);
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
				quarantine_bytes -= slab_quarantine_charge(sl->cache);
				b->bytes -= slab_quarantine_charge(sl->cache);
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
	slab_thread_flush_quarantine();	/* this thread's batch first */
	quarantine_remove_cache(NULL);
}

void quarantine_lock_all(bool lock)
{
	if (lock)
		kasan_spin_lock(&q_lock);
	else
		kasan_spin_unlock(&q_lock);
}
