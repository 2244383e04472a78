// SPDX-License-Identifier: MIT
/*
 * The malloc fast path: per-thread caches in front of the per-cache
 * locks, after SLUB's per-cpu freelists and KASAN's per-cpu quarantine
 * queues (mm/slub.c, mm/kasan/quarantine.c).
 *
 *  - A magazine per kmalloc class holds free objects taken off the
 *    slabs in batches (one cache lock per batch); they are marked
 *    OBJ_CACHED, so nothing else hands them out, and counted in their
 *    slab's inuse, so the slab is not given back under them.
 *  - A free changes the object's state LIVE -> QUARANTINED with a
 *    compare-and-swap (no lock), so a double free racing another free
 *    still loses and is reported; the freed object goes into the
 *    thread's own quarantine batch, queued whole to the global
 *    quarantine when full (one quarantine lock per batch).  With the
 *    quarantine off it goes straight back into the magazine.
 *
 * Only the kmalloc caches are served here (they are never destroyed, so
 * a thread's cached objects can never outlive their cache); kmalloc and
 * kmem_cache calls keep the locked path.  Anything unusual (not a live
 * object start, a dead thread, no thread slot) falls back to the locked,
 * fully checked path.  A thread's caches are returned at its exit
 * (plat_thread_watch_exit); a fork child keeps the forking thread's
 * and leaks the others' (their objects stay OBJ_CACHED: never reused,
 * never corrupted).
 */
#include "mm/slab.h"

#define MAG_SIZE	32	/* objects per magazine */
#define MAG_REFILL	16	/* taken per refill / returned per overflow */
#define NR_MAGS		16	/* >= the number of kmalloc classes */
/* A thread's quarantine batch is queued when it holds this many bytes
 * (the kernel's per-cpu bound is 1 MB), or a 16th of quarantine_size. */
#define LOCAL_QUARANTINE_MAX	(1UL << 20)

struct magazine {
	unsigned n;
	uintptr_t obj[MAG_SIZE];
};

struct slab_thread {
	struct magazine mag[NR_MAGS];
	struct qbatch *q;
};

/* In the thread slot: the thread has ended (its last frees take the
 * locked path, and no new caches are made for it). */
#define THREAD_GONE ((struct slab_thread *)1)

__attribute__((weak)) void **plat_thread_slot(void)
{
	return NULL;
}

__attribute__((weak)) void plat_thread_watch_exit(void)
{
}

static struct slab_thread *this_thread(void)
{
	void **slot = plat_thread_slot();
	struct slab_thread *t;

	if (!slot)
		return NULL;
	t = *slot;
	if (t == THREAD_GONE)
		return NULL;
	if (!t) {
		t = meta_alloc(sizeof(*t));
		if (!t)
			return NULL;
		kasan_memset_raw(t, 0, sizeof(*t));
		*slot = t;
		plat_thread_watch_exit();
	}
	return t;
}

static unsigned long local_quarantine_max(void)
{
	unsigned long q = READ_ONCE(quarantine_max) / 16;

	return q < LOCAL_QUARANTINE_MAX ? q : LOCAL_QUARANTINE_MAX;
}

void *slab_alloc_fast(struct kmem_cache *s, size_t size, gfp_t gfp, uintptr_t ip, uintptr_t fp)
{
	struct slab_thread *t;
	struct magazine *m;
	struct slab *sl;
	uintptr_t obj;

	/* (No fault-injection attempt here: this is malloc's path, whose
	 * one attempt kasan_malloc() made.) */
	if (!s->thread_index || !(t = this_thread()))
		return slab_alloc(s, size, gfp, ip, fp);
	m = &t->mag[s->thread_index - 1];
	if (!m->n) {
		m->n = slab_take_batch(s, m->obj, MAG_REFILL, gfp);
		if (!m->n)
			return NULL;
	}
	obj = m->obj[--m->n];
	sl = addr_to_slab(obj);
	slab_set_live(sl, slab_slot_of(s, (uint32_t)(obj - sl->objects)), size,
		      stack_depot_save_here(fp, ip));
	return slab_object_hand_out(s, obj, size, gfp);
}

/* Back into the magazine (quarantine off); half of a full one goes back
 * to the slabs first. */
static void to_magazine(struct slab_thread *t, struct kmem_cache *s, struct slab *sl,
			uint32_t idx, uintptr_t obj)
{
	struct magazine *m = &t->mag[s->thread_index - 1];

	if (m->n == MAG_SIZE) {
		m->n -= MAG_REFILL;
		slab_return_cached(s, m->obj + m->n, MAG_REFILL);
	}
	__atomic_store_n(&sl->meta[idx].state, OBJ_CACHED, __ATOMIC_RELEASE);
	m->obj[m->n++] = obj;
}

bool slab_free_fast(struct slab *sl, uintptr_t obj, int kind, uintptr_t ip, uintptr_t fp)
{
	struct kmem_cache *s = sl->cache;
	struct slab_meta *m;
	struct slab_thread *t;
	uint8_t live = OBJ_LIVE;
	uint32_t idx;

	if (!s->thread_index || !slab_obj_index(sl, obj, &idx) || obj != slab_obj_addr(sl, idx))
		return false;
	t = this_thread();
	if (!t)
		return false;
	m = &sl->meta[idx];
	/* The kind is the owner's to change (operator new, before it hands
	 * the block out): read before the state, it is the live block's. */
	if (kind >= 0 && READ_ONCE(m->kind) != (uint8_t)kind)
		return false;	/* the slow path reports the mismatch */
	if (!__atomic_compare_exchange_n(&m->state, &live, OBJ_QUARANTINED, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		return false;	/* not live: the checked path reports it */
	m->free_stack = stack_depot_save_here(fp, ip);
	m->free_pid = (uint32_t)plat_tid();
	__atomic_sub_fetch(&s->live, 1, __ATOMIC_RELAXED);
	kasan_poison(obj, s->obj_span, KASAN_SLAB_FREE);
	if (!READ_ONCE(quarantine_max)) {
		to_magazine(t, s, sl, idx, obj);
		return true;
	}
	if (!t->q && !(t->q = quarantine_batch_alloc())) {
		slab_release(sl, idx);	/* no memory for a batch: no quarantine */
		return true;
	}
	t->q->obj[t->q->n++] = obj;
	t->q->bytes += slab_quarantine_charge(s);
	if (t->q->n == QB_SLOTS || t->q->bytes >= local_quarantine_max()) {
		struct qbatch *b = t->q;

		t->q = NULL;
		quarantine_put_batch(b);
	}
	return true;
}

void slab_thread_flush_quarantine(void)
{
	void **slot = plat_thread_slot();
	struct slab_thread *t = slot ? *slot : NULL;
	struct qbatch *b;

	if (!t || t == THREAD_GONE || !t->q)
		return;
	b = t->q;
	t->q = NULL;
	quarantine_put_batch(b);
}

void slab_thread_exit(void)
{
	void **slot = plat_thread_slot();
	struct slab_thread *t = slot ? *slot : NULL;

	if (!t || t == THREAD_GONE)
		return;
	*slot = THREAD_GONE;
	for (unsigned i = 0; i < NR_MAGS; i++)
		if (t->mag[i].n)
			slab_return_cached(NULL, t->mag[i].obj, t->mag[i].n);
	if (t->q)
		quarantine_put_batch(t->q);
	meta_free(t, sizeof(*t));
}
