/* SPDX-License-Identifier: MIT */
/*
 * The slab side: caches of equal objects carved from page-allocator
 * blocks, with generic-KASAN redzones, quarantine and alloc/free tracks
 * (Linux mm/slub.c and mm/kasan/common.c, generic.c, quarantine.c).
 *
 * A slab is a block of 2^order pages:
 *
 *   [struct slab][slab_meta x nr][guard][slot 0][slot 1] ... [slot nr-1]
 *   slot = [object: object_size rounded to align][redzone]
 *
 * The header and guard are poisoned as redzone, so object 0 has a left
 * redzone like every other object (its left neighbour's right one).  The
 * per-object metadata (tracks, requested size, state, free-list link)
 * lives in the header, not in the object or its redzone: a program that
 * overruns or writes a freed object can be reported and go on without
 * having corrupted the allocator.
 */
#ifndef VMKASAN_MM_SLAB_H
#define VMKASAN_MM_SLAB_H

#include "mm/mm.h"

/* OBJ_CACHED: off the free list, in a thread's magazine (slab_thread.c),
 * owned by that thread until it hands the object out. */
enum obj_state { OBJ_FREE, OBJ_LIVE, OBJ_QUARANTINED, OBJ_RCU, OBJ_CACHED };

struct slab_meta {
	uint32_t alloc_stack, free_stack;	/* stack depot handles */
	uint32_t alloc_pid, free_pid;
	uint32_t size;				/* requested size of the live object */
	uint32_t next;				/* free list: index + 1, 0 = end */
	/* A byte of its own: frees change it with a compare-and-swap
	 * (LIVE -> QUARANTINED) outside the cache lock, so two racing
	 * frees of one object make one free and one double-free report. */
	uint8_t state;
	uint8_t kind;				/* enum malloc_kind (malloc.h) */
};

struct kmem_cache;

struct slab {
	struct kmem_cache *cache;
	struct slab *next, *prev;	/* on the cache's partial or full list */
	uintptr_t objects;		/* address of slot 0 */
	uint32_t nr, inuse;		/* slots; slots not OBJ_FREE */
	uint32_t free;			/* free list head: index + 1, 0 = empty */
	uint16_t order;
	uint8_t on_partial;
	struct slab_meta meta[];
};

#define CACHE_NAME_LEN	32
#define CACHE_MAGIC	0x6b6d656dUL	/* "kmem" */

struct kmem_cache {
	unsigned long magic;
	char name[CACHE_NAME_LEN];
	uint32_t object_size;		/* what the creator asked for */
	uint32_t obj_span;		/* object_size rounded up to align */
	uint32_t slot;			/* obj_span + redzone, a multiple of align */
	uint64_t slot_recip;		/* 2^64 / slot rounded up: slab_slot_of() */
	uint32_t align, flags, order, nr;
	uint32_t first;			/* offset of slot 0 in the slab */
	void (*ctor)(void *);
	kasan_spinlock_t lock;
	struct slab *partial;		/* slabs with a free slot */
	struct slab *full;		/* slabs without */
	struct slab *empty;		/* at most one spare empty slab */
	unsigned long live;		/* objects handed out and not yet freed */
	bool is_kmalloc;
	uint8_t thread_index;		/* kmalloc caches: magazine index + 1 (slab_thread.c) */
	struct kmem_cache *next_cache;	/* all caches, for quarantine draining */
};

/* What a freed object holds while it waits in the quarantine: its slot
 * and its out-of-line metadata.  The quarantine is bounded by this, as
 * Linux's is by cache->size, which holds generic KASAN's metadata. */
static inline unsigned long slab_quarantine_charge(const struct kmem_cache *s)
{
	return s->slot + sizeof(struct slab_meta);
}

/* slab.c */
/* Allocate from s on behalf of the caller whose frame is (ip, fp). */
void *slab_alloc(struct kmem_cache *s, size_t size, gfp_t gfp, uintptr_t ip, uintptr_t fp);
/* Free obj of s: checks (double, invalid, wrong cache), report on ip/fp. */
void slab_free(struct kmem_cache *s, const void *obj, uintptr_t ip, uintptr_t fp,
	       const char *fn);
/* The slab holding addr, or NULL when addr is not slab memory. */
struct slab *addr_to_slab(uintptr_t addr);
/*
 * off / s->slot for an offset into a slab (below 2^32: slabs are at most
 * 2^10 pages), by a multiply instead of a divide, which cost a free and an
 * allocation a 64-bit division each.  Linux's obj_to_index() divides by
 * cache->reciprocal_size for the same reason (reciprocal_div.h); this is
 * the round-up reciprocal of Lemire, Kaser and Kurz ("Faster remainder by
 * direct computation", 2019), exact for every 32-bit dividend and divisor.
 */
static inline uint32_t slab_slot_of(const struct kmem_cache *s, uint32_t off)
{
	return (uint32_t)(((unsigned __int128)s->slot_recip * off) >> 64);
}
static inline uint64_t slab_slot_recip(uint32_t slot)
{
	return UINT64_MAX / slot + 1;
}
/* Index of the slot holding addr in sl (addr inside the slot area). */
bool slab_obj_index(const struct slab *sl, uintptr_t addr, uint32_t *idx);
static inline uintptr_t slab_obj_addr(const struct slab *sl, uint32_t i)
{
	return sl->objects + (uintptr_t)i * sl->cache->slot;
}
/* Really release an object whose quarantine (or RCU delay) is over. */
void slab_release(struct slab *sl, uint32_t idx);
struct kmem_cache *slab_cache_create(const char *name, unsigned size, unsigned align,
				     unsigned flags, void (*ctor)(void *), bool is_kmalloc);
/* The cache of kmem_cache descriptors (a destroyed cache's descriptor is
 * a freed object, so using it again is reported as a use-after-free). */
extern struct kmem_cache *kmem_cache_cache;
extern unsigned long slab_pages_now, slab_bad_frees;
void slab_lock_all(bool lock);
void kmalloc_lock_all(bool lock);
/* vmkasan_get_stats: the slab side's fields. */
void slab_counters(struct vmkasan_stats *s);
bool slab_init(char *err, size_t errlen);

/* kmalloc.c */
struct kmem_cache *kmalloc_cache_for(size_t size);
bool kmalloc_init(void);
bool kmalloc_large_addr(uintptr_t addr, uintptr_t *start, size_t *size);
/* What a linear-map address is to the large-kmalloc side (for reports). */
struct large_info {
	uintptr_t start;
	size_t size;			/* requested */
	bool live;			/* else a recently freed block's record */
	bool malloc;			/* made by malloc's family (PG_malloc) */
	struct kasan_track alloc, free;	/* free: a freed block's only */
};
bool kmalloc_large_lookup(uintptr_t addr, struct large_info *li);

/* slab_thread.c: the malloc fast path, per-thread magazines of kmalloc
 * objects and per-thread quarantine batches in front of the locks. */
void *slab_alloc_fast(struct kmem_cache *s, size_t size, gfp_t gfp, uintptr_t ip, uintptr_t fp);
/* Free a live kmalloc-cache object; false (nothing done) if p is not
 * the start of a live object, or kind >= 0 and the object's malloc kind
 * is another: the caller takes the checked slow path. */
bool slab_free_fast(struct slab *sl, uintptr_t p, int kind, uintptr_t ip, uintptr_t fp);
/* Queue the calling thread's quarantine batch now (vmkasan_quarantine_drain). */
void slab_thread_flush_quarantine(void);
/* Take up to max free objects of s off its slabs (marked OBJ_CACHED). */
unsigned slab_take_batch(struct kmem_cache *s, uintptr_t *objs, unsigned max, gfp_t gfp);
/* Put objects taken by slab_take_batch back on their free lists. */
void slab_return_cached(struct kmem_cache *s, const uintptr_t *objs, unsigned n);
void slab_set_live(struct slab *sl, uint32_t idx, size_t size, uint32_t stack);

/* quarantine.c (src/kasan) */
#define QB_SLOTS ((4096 - 3 * sizeof(unsigned long)) / sizeof(uintptr_t))
struct qbatch {
	struct qbatch *next;
	unsigned long n, bytes;
	uintptr_t obj[QB_SLOTS];
};
/* Queue a whole batch of freed objects (one lock for all of them). */
void quarantine_put_batch(struct qbatch *b);
/* A fresh empty batch, or NULL (budget, fault injection). */
struct qbatch *quarantine_batch_alloc(void);
/* Take a freed object; false if the quarantine is off (release it now). */
bool quarantine_put(struct slab *sl, uint32_t idx);
/* Release everything quarantined of cache s (NULL: of every cache). */
void quarantine_remove_cache(struct kmem_cache *s);
extern unsigned long quarantine_bytes, quarantine_max;
void quarantine_lock_all(bool lock);


/* rcu.c: SLAB_TYPESAFE_BY_RCU frees wait for a grace period */
void slab_rcu_free(struct slab *sl, uint32_t idx);
void slab_rcu_done(struct slab *sl, uint32_t idx);

/* An object goes to its user: its size bytes addressable, the rest of the
 * slot a redzone, zeroed on __GFP_ZERO (the slow and per-thread paths). */
static inline void *slab_object_hand_out(struct kmem_cache *s, uintptr_t obj, size_t size,
					 gfp_t gfp)
{
	kasan_unpoison(obj, size);
	if (ALIGN_UP(size, KASAN_GRANULE_SIZE) < s->obj_span)
		kasan_poison(ALIGN_UP(obj + size, KASAN_GRANULE_SIZE),
			     s->obj_span - ALIGN_UP(size, KASAN_GRANULE_SIZE), KASAN_SLAB_REDZONE);
	if (gfp & __GFP_ZERO)
		plat_memset((void *)obj, 0, size);
	return (void *)obj;
}

#endif
