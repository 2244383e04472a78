// SPDX-License-Identifier: MIT
/*
 * kmem_cache: caches of equal objects over page-allocator blocks, with
 * the object life cycle of Linux 6.12 generic KASAN (mm/kasan/common.c):
 *
 *   new slab     everything poisoned KASAN_SLAB_REDZONE (0xFC)
 *   alloc        [obj, obj + size) unpoisoned, the rest of the slot 0xFC
 *   free         checked (double free, not an object start, wrong cache,
 *                destroyed cache: reported, nothing done), object
 *                poisoned KASAN_SLAB_FREE (0xFB), free track saved, into
 *                the quarantine (or, SLAB_TYPESAFE_BY_RCU, first through
 *                an RCU grace period during which it stays valid)
 *   release      out of the quarantine onto the slab's free list, still
 *                0xFB, so a late use is still caught
 *
 * See slab.h for the layout.  One lock per cache; the slab's pages come
 * from the page allocator on fault-injection path "slab".
 */
#include "mm/slab.h"

struct kmem_cache *kmem_cache_cache;
static struct kmem_cache kmem_cache_boot;	/* the descriptor of kmem_cache_cache */
static struct kmem_cache *all_caches;
static kasan_spinlock_t caches_lock;
unsigned long slab_pages_now, slab_bad_frees;

/* Linux mm/kasan/generic.c optimal_redzone(): bigger objects, bigger
 * redzones, so far overruns still land in poison. */
static unsigned optimal_redzone(unsigned size)
{
	return size <= 64 - 16 ? 16 :
	       size <= 128 - 32 ? 32 :
	       size <= 512 - 64 ? 64 :
	       size <= 4096 - 128 ? 128 :
	       size <= (1 << 14) - 256 ? 256 :
	       size <= (1 << 15) - 512 ? 512 :
	       size <= (1 << 16) - 1024 ? 1024 : 2048;
}

#define SLAB_GUARD 16	/* left redzone of slot 0, after the header */

/* How many slots fit in 2^order pages, and where slot 0 starts. */
static uint32_t slab_fit(const struct kmem_cache *s, unsigned order, uint32_t *first)
{
	size_t bytes = PAGE_SIZE << order;
	size_t per = s->slot + sizeof(struct slab_meta);
	size_t nr = bytes / per, off;

	for (; nr; nr--) {
		off = ALIGN_UP(sizeof(struct slab) + nr * sizeof(struct slab_meta) + SLAB_GUARD,
			       s->align);
		if (off + nr * s->slot <= bytes)
			break;
	}
	if (nr > (1u << 24) - 2)
		nr = (1u << 24) - 2;
	*first = nr ? (uint32_t)ALIGN_UP(sizeof(struct slab) + nr * sizeof(struct slab_meta) +
					 SLAB_GUARD, s->align) : 0;
	return (uint32_t)nr;
}

static bool cache_layout(struct kmem_cache *s, unsigned size, unsigned align, unsigned flags)
{
	unsigned order;

	if (align < KASAN_GRANULE_SIZE)
		align = KASAN_GRANULE_SIZE;
	if ((flags & SLAB_HWCACHE_ALIGN) && align < 64 && size > 32)
		align = 64;
	if (align & (align - 1) || align > PAGE_SIZE)
		return false;
	s->object_size = size;
	s->align = align;
	s->flags = flags;
	s->obj_span = (uint32_t)ALIGN_UP(size ? size : 1, align);
	s->slot = (uint32_t)ALIGN_UP(s->obj_span + optimal_redzone(s->obj_span), align);
	s->slot_recip = slab_slot_recip(s->slot);
	/* At least 8 objects a slab up to 32 KiB slabs, as SLUB aims for. */
	for (order = 0; order <= 10; order++) {
		s->nr = slab_fit(s, order, &s->first);
		if (s->nr >= 8 || (s->nr && order >= 3))
			break;
	}
	if (order > 10)
		return false;
	s->order = order;
	return true;
}

static void cache_name(struct kmem_cache *s, const char *name)
{
	size_t i = 0;

	for (; name && name[i] && i < CACHE_NAME_LEN - 1; i++)
		s->name[i] = name[i];
	s->name[i] = 0;
}

struct slab *addr_to_slab(uintptr_t addr)
{
	uintptr_t lo = mm_layout.linear_start;
	struct page *pg;

	if (!mem_map || addr < lo || addr >= lo + (mm_layout.general_pfns << PAGE_SHIFT))
		return NULL;
	pg = pfn_to_page((addr - lo) >> PAGE_SHIFT);
	if (!(READ_ONCE(pg->flags) & PG_slab))
		return NULL;
	return (struct slab *)(uintptr_t)pg->private;
}

bool slab_obj_index(const struct slab *sl, uintptr_t addr, uint32_t *idx)
{
	uintptr_t off = addr - sl->objects;	/* below objects: wraps, out */

	if (off >= (uintptr_t)sl->nr * sl->cache->slot)
		return false;
	*idx = slab_slot_of(sl->cache, (uint32_t)off);
	return true;
}

/* A fresh slab for s, all of it poisoned, every object constructed. */
static struct slab *new_slab(struct kmem_cache *s, gfp_t gfp)
{
	struct page *pg = pages_alloc_path(gfp & ~__GFP_ZERO, s->order, FAIL_SLAB);
	unsigned long n = 1UL << s->order;
	struct slab *sl;
	uintptr_t base;

	if (!pg)
		return NULL;
	base = (uintptr_t)page_address(pg);
	sl = (struct slab *)base;
	kasan_memset_raw(sl, 0, sizeof(*sl) + s->nr * sizeof(struct slab_meta));
	sl->cache = s;
	sl->objects = base + s->first;
	sl->nr = s->nr;
	sl->order = (uint16_t)s->order;
	for (uint32_t i = 0; i < sl->nr; i++)
		sl->meta[i].next = i + 2 <= sl->nr ? i + 2 : 0;
	sl->free = 1;
	kasan_poison(base, PAGE_SIZE << s->order, KASAN_SLAB_REDZONE);
	if (s->ctor) {
		/* The constructor is the program's code: let it write. */
		for (uint32_t i = 0; i < sl->nr; i++) {
			uintptr_t obj = slab_obj_addr(sl, i);

			kasan_unpoison(obj, s->object_size);
			s->ctor((void *)obj);
			kasan_poison(obj, s->obj_span, KASAN_SLAB_REDZONE);
		}
	}
	for (unsigned long i = 0; i < n; i++) {
		pg[i].private = (uint64_t)(uintptr_t)sl;
		/* The slab owns these pages: nobody else writes their flags, so
		 * a releasing store (which publishes private with the flag)
		 * does; an atomic RMW of 16 bits would need libatomic on RISC-V. */
		__atomic_store_n(&pg[i].flags, (uint16_t)(pg[i].flags | PG_slab), __ATOMIC_RELEASE);
	}
	__atomic_add_fetch(&slab_pages_now, n, __ATOMIC_RELAXED);
	return sl;
}

static void free_slab(struct slab *sl)
{
	struct page *pg = pfn_to_page(((uintptr_t)sl - mm_layout.linear_start) >> PAGE_SHIFT);
	unsigned long n = 1UL << sl->order;

	for (unsigned long i = 0; i < n; i++) {
		__atomic_store_n(&pg[i].flags, (uint16_t)(pg[i].flags & ~PG_slab), __ATOMIC_RELEASE);
		pg[i].private = 0;
	}
	__atomic_sub_fetch(&slab_pages_now, n, __ATOMIC_RELAXED);
	pages_free_block(pg, sl->order);
}

static void list_del_slab(struct slab **head, struct slab *sl)
{
	if (sl->prev)
		sl->prev->next = sl->next;
	else
		*head = sl->next;
	if (sl->next)
		sl->next->prev = sl->prev;
	sl->next = sl->prev = NULL;
}

static void list_add_slab(struct slab **head, struct slab *sl)
{
	sl->prev = NULL;
	sl->next = *head;
	if (*head)
		(*head)->prev = sl;
	*head = sl;
}

/* The object at idx is the caller's alone (just off a free list or a
 * magazine): its metadata says live, with this allocation's track. */
void slab_set_live(struct slab *sl, uint32_t idx, size_t size, uint32_t stack)
{
	struct slab_meta *m = &sl->meta[idx];

	m->size = (uint32_t)size;
	m->kind = 0;	/* MALLOC_KIND_MALLOC until operator new says otherwise */
	m->alloc_stack = stack;
	m->alloc_pid = (uint32_t)plat_tid();
	m->free_stack = 0;
	m->free_pid = 0;
	/* Release: a free on another thread that sees LIVE sees the track. */
	__atomic_store_n(&m->state, OBJ_LIVE, __ATOMIC_RELEASE);
	/* Atomic: the malloc fast path counts without the cache lock. */
	__atomic_add_fetch(&sl->cache->live, 1, __ATOMIC_RELAXED);
}

/* Pop one free slot of s (lock held); NULL when no slab has one. */
static struct slab *take_free_locked(struct kmem_cache *s, uint32_t *idx)
{
	struct slab *sl = s->partial;

	if (!sl && s->empty) {
		sl = s->empty;
		s->empty = NULL;
		list_add_slab(&s->partial, sl);
		sl->on_partial = 1;
	}
	if (!sl)
		return NULL;
	*idx = sl->free - 1;
	sl->free = sl->meta[*idx].next;
	sl->meta[*idx].next = 0;
	sl->inuse++;
	if (!sl->free) {
		list_del_slab(&s->partial, sl);
		list_add_slab(&s->full, sl);
		sl->on_partial = 0;
	}
	return sl;
}

unsigned slab_take_batch(struct kmem_cache *s, uintptr_t *objs, unsigned max, gfp_t gfp)
{
	unsigned n = 0;
	struct slab *sl;
	uint32_t idx;

	kasan_spin_lock(&s->lock);
	while (n < max) {
		sl = take_free_locked(s, &idx);
		if (!sl) {
			if (n)
				break;	/* enough for now: no new slab under pressure */
			kasan_spin_unlock(&s->lock);
			sl = new_slab(s, gfp);
			if (!sl)
				return 0;
			kasan_spin_lock(&s->lock);
			list_add_slab(&s->partial, sl);
			sl->on_partial = 1;
			continue;
		}
		sl->meta[idx].state = OBJ_CACHED;
		objs[n++] = slab_obj_addr(sl, idx);
	}
	kasan_spin_unlock(&s->lock);
	return n;
}

void slab_return_cached(struct kmem_cache *s, const uintptr_t *objs, unsigned n)
{
	(void)s;
	for (unsigned i = 0; i < n; i++) {
		struct slab *sl = addr_to_slab(objs[i]);
		uint32_t idx;

		if (sl && slab_obj_index(sl, objs[i], &idx))
			slab_release(sl, idx);
	}
}

void *slab_alloc(struct kmem_cache *s, size_t size, gfp_t gfp, uintptr_t ip, uintptr_t fp)
{
	depot_handle_t stack;
	struct slab *sl;
	uint32_t idx;
	uintptr_t obj;

	if (should_fail(FAIL_SLAB)) {
		count_failure(FAIL_SLAB);
		return NULL;
	}
	stack = stack_depot_save_here(fp, ip);
	kasan_spin_lock(&s->lock);
	sl = s->partial;
	if (!sl && s->empty) {
		sl = s->empty;
		s->empty = NULL;
		list_add_slab(&s->partial, sl);
		sl->on_partial = 1;
	}
	if (!sl) {
		kasan_spin_unlock(&s->lock);
		sl = new_slab(s, gfp);
		if (!sl)
			return NULL;
		kasan_spin_lock(&s->lock);
		list_add_slab(&s->partial, sl);
		sl->on_partial = 1;
	}
	idx = sl->free - 1;
	sl->free = sl->meta[idx].next;
	sl->meta[idx].next = 0;
	slab_set_live(sl, idx, size, stack);
	sl->inuse++;
	if (!sl->free) {
		list_del_slab(&s->partial, sl);
		list_add_slab(&s->full, sl);
		sl->on_partial = 0;
	}
	kasan_spin_unlock(&s->lock);
	obj = slab_obj_addr(sl, idx);
	return slab_object_hand_out(s, obj, size, gfp);
}

/* Back onto the slab's free list; an empty slab is kept as the cache's
 * spare or given back to the page allocator. */
void slab_release(struct slab *sl, uint32_t idx)
{
	struct kmem_cache *s = sl->cache;
	struct slab *drop = NULL;

	kasan_spin_lock(&s->lock);
	sl->meta[idx].state = OBJ_FREE;
	sl->meta[idx].next = sl->free;
	sl->free = idx + 1;
	sl->inuse--;
	if (!sl->on_partial) {
		list_del_slab(&s->full, sl);
		list_add_slab(&s->partial, sl);
		sl->on_partial = 1;
	}
	if (!sl->inuse) {
		list_del_slab(&s->partial, sl);
		sl->on_partial = 0;
		if (s->empty)
			drop = sl;
		else
			s->empty = sl;
	}
	kasan_spin_unlock(&s->lock);
	if (drop)
		free_slab(drop);
}

/* Is s a live cache descriptor?  A destroyed one is a freed object of
 * kmem_cache_cache (or, if objects were left, marked dead): using it is
 * the program's use-after-free, reported at the descriptor. */
static bool cache_usable(struct kmem_cache *s, uintptr_t ip, uintptr_t fp)
{
	if (s == &kmem_cache_boot)
		return true;
	/* One byte, as Linux's kasan_check_byte(s) in kmem_cache_destroy. */
	if (!kasan_check_range((uintptr_t)s, 1, false, ip, fp))
		return false;
	return READ_ONCE(s->magic) == CACHE_MAGIC;
}

void slab_free(struct kmem_cache *s, const void *p, uintptr_t ip, uintptr_t fp, const char *fn)
{
	uintptr_t obj = (uintptr_t)p;
	struct slab *sl = addr_to_slab(obj);
	struct slab_meta *m;
	struct kasan_bad_free bad = {
		.fn = fn, .addr = obj, .ip = ip, .fp = fp, .counter = &slab_bad_frees,
	};
	uint32_t idx;
	depot_handle_t stack;

	if (s && !cache_usable(s, ip, fp))
		return;
	if (!sl) {
		bad.reason = KASAN_FREE_NOT_SLAB;
		kasan_report_bad_free(&bad);
		return;
	}
	if (READ_ONCE(sl->cache->magic) != CACHE_MAGIC) {
		bad.reason = KASAN_FREE_DESTROYED_CACHE;
		bad.cache = sl->cache->name;
		kasan_report_bad_free(&bad);
		return;
	}
	if (s && sl->cache != s) {
		bad.reason = KASAN_FREE_WRONG_CACHE;
		bad.cache = s->name;
		bad.other = sl->cache->name;
		kasan_report_bad_free(&bad);
		return;
	}
	s = sl->cache;
	if (!slab_obj_index(sl, obj, &idx) || obj != slab_obj_addr(sl, idx)) {
		bad.reason = KASAN_FREE_NOT_OBJECT_START;
		kasan_report_bad_free(&bad);
		return;
	}
	stack = stack_depot_save_here(fp, ip);
	kasan_spin_lock(&s->lock);
	m = &sl->meta[idx];
	/* Compare-and-swap: the malloc fast path frees without the lock. */
	uint8_t live = OBJ_LIVE;
	if (!__atomic_compare_exchange_n(&m->state, &live,
					 (s->flags & SLAB_TYPESAFE_BY_RCU) ? OBJ_RCU : OBJ_QUARANTINED,
					 false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		bool freed_before = m->free_stack || m->alloc_pid;

		kasan_spin_unlock(&s->lock);
		bad.reason = freed_before ? KASAN_FREE_ALREADY_FREED : KASAN_FREE_NEVER_ALLOCATED;
		kasan_report_bad_free(&bad);
		return;
	}
	m->free_stack = stack;
	m->free_pid = (uint32_t)plat_tid();
	__atomic_sub_fetch(&s->live, 1, __ATOMIC_RELAXED);
	kasan_spin_unlock(&s->lock);
	if (s->flags & SLAB_TYPESAFE_BY_RCU) {
		/* Stays valid for readers until a grace period has passed
		 * (CONFIG_SLUB_RCU_DEBUG): then it is poisoned and queued. */
		slab_rcu_free(sl, idx);
		return;
	}
	kasan_poison(obj, s->obj_span, KASAN_SLAB_FREE);
	if (!quarantine_put(sl, idx))
		slab_release(sl, idx);
}

/* The RCU grace period of a SLAB_TYPESAFE_BY_RCU free is over. */
void slab_rcu_done(struct slab *sl, uint32_t idx)
{
	struct kmem_cache *s = sl->cache;

	kasan_spin_lock(&s->lock);
	sl->meta[idx].state = OBJ_QUARANTINED;
	kasan_spin_unlock(&s->lock);
	kasan_poison(slab_obj_addr(sl, idx), s->obj_span, KASAN_SLAB_FREE);
	if (!quarantine_put(sl, idx))
		slab_release(sl, idx);
}

struct kmem_cache *slab_cache_create(const char *name, unsigned size, unsigned align,
				     unsigned flags, void (*ctor)(void *), bool is_kmalloc)
{
	struct kmem_cache tmp, *s;

	kasan_memset_raw(&tmp, 0, sizeof(tmp));
	if (!cache_layout(&tmp, size, align, flags))
		return NULL;
	s = slab_alloc(kmem_cache_cache, sizeof(*s), GFP_KERNEL, CALLER_IP, CALLER_FP);
	if (!s)
		return NULL;
	kasan_memcpy_raw(s, &tmp, sizeof(tmp));
	cache_name(s, name);
	s->ctor = ctor;
	s->is_kmalloc = is_kmalloc;
	s->magic = CACHE_MAGIC;
	kasan_spin_lock(&caches_lock);
	s->next_cache = all_caches;
	all_caches = s;
	kasan_spin_unlock(&caches_lock);
	return s;
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     unsigned int flags, void (*ctor)(void *))
{
	if (unlikely(!kasan_ready))
		kasan_init();
	return slab_cache_create(name, size, align, flags, ctor, false);
}

void rcu_barrier(void);
void kvfree_rcu_barrier(void);

void kmem_cache_destroy(struct kmem_cache *s)
{
	uintptr_t ip = CALLER_IP, fp = CALLER_FP;
	struct slab *sl, *next;
	unsigned long left;

	if (!s || !cache_usable(s, ip, fp))
		return;
	/* Objects freed by RCU or waiting in the quarantine are not left
	 * over: finish their frees first, as Linux 6.12 does (mm/slab_common.c:
	 * kvfree_rcu_barrier() for kfree_rcu()s in flight, which may hold
	 * this cache's objects; rcu_barrier() for SLAB_TYPESAFE_BY_RCU). */
	kvfree_rcu_barrier();
	if (s->flags & SLAB_TYPESAFE_BY_RCU)
		rcu_barrier();
	quarantine_remove_cache(s);
	kasan_spin_lock(&s->lock);
	left = READ_ONCE(s->live);
	kasan_spin_unlock(&s->lock);
	if (left) {
		/* The kernel's WARN: the cache is leaked with its objects, so
		 * their later kfree finds a dead cache, not reused memory. */
		kasan_printf("vmkasan: kmem_cache_destroy %s: Slab cache still has objects (%lu) "
			     "when called from:\n", s->name, left);
		kasan_print_pcs(&ip, 1);
		WRITE_ONCE(s->magic, 0);
		kasan_poison((uintptr_t)s, ALIGN_UP(sizeof(*s), KASAN_GRANULE_SIZE), KASAN_SLAB_FREE);
		return;
	}
	kasan_spin_lock(&caches_lock);
	for (struct kmem_cache **pp = &all_caches; *pp; pp = &(*pp)->next_cache)
		if (*pp == s) {
			*pp = s->next_cache;
			break;
		}
	kasan_spin_unlock(&caches_lock);
	for (sl = s->partial; sl; sl = next) {
		next = sl->next;
		free_slab(sl);
	}
	for (sl = s->full; sl; sl = next) {
		next = sl->next;
		free_slab(sl);
	}
	if (s->empty)
		free_slab(s->empty);
	s->partial = s->full = s->empty = NULL;
	s->magic = 0;
	slab_free(kmem_cache_cache, s, ip, fp, "kmem_cache_destroy");
}

void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	if (unlikely(!kasan_ready))
		kasan_init();
	if (!cache_usable(s, CALLER_IP, CALLER_FP))
		return NULL;
	return slab_alloc(s, s->object_size, gfp, CALLER_IP, CALLER_FP);
}

void *kmem_cache_alloc_node(struct kmem_cache *s, gfp_t gfp, int node)
{
	(void)node;
	if (!cache_usable(s, CALLER_IP, CALLER_FP))
		return NULL;
	return slab_alloc(s, s->object_size, gfp, CALLER_IP, CALLER_FP);
}

void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t gfp)
{
	if (!cache_usable(s, CALLER_IP, CALLER_FP))
		return NULL;
	return slab_alloc(s, s->object_size, gfp | __GFP_ZERO, CALLER_IP, CALLER_FP);
}

void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	if (!obj)
		return;
	slab_free(s, obj, CALLER_IP, CALLER_FP, "kmem_cache_free");
}

/* All or nothing, as the kernel's: returns nr, or 0 with nothing kept. */
int kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t gfp, size_t nr, void **p)
{
	uintptr_t ip = CALLER_IP, fp = CALLER_FP;

	if (!cache_usable(s, ip, fp))
		return 0;
	for (size_t i = 0; i < nr; i++) {
		p[i] = slab_alloc(s, s->object_size, gfp, ip, fp);
		if (!p[i]) {
			while (i--)
				slab_free(s, p[i], ip, fp, "kmem_cache_alloc_bulk");
			return 0;
		}
	}
	return (int)nr;
}

void kmem_cache_free_bulk(struct kmem_cache *s, size_t nr, void **p)
{
	for (size_t i = 0; i < nr; i++)
		if (p[i])
			slab_free(s, p[i], CALLER_IP, CALLER_FP, "kmem_cache_free_bulk");
}

unsigned int kmem_cache_size(struct kmem_cache *s)
{
	return s->object_size;
}

bool slab_init(char *err, size_t errlen)
{
	if (!cache_layout(&kmem_cache_boot, sizeof(struct kmem_cache), 0, 0))
		return false;
	cache_name(&kmem_cache_boot, "kmem_cache");
	kmem_cache_boot.magic = CACHE_MAGIC;
	kmem_cache_cache = &kmem_cache_boot;
	all_caches = &kmem_cache_boot;
	if (!kmalloc_init()) {
		kasan_snprintf(err, errlen, "vmkasan: the RAM budget (%lu KiB) cannot hold the "
			       "runtime's kmalloc caches; it needs at least %lu KiB",
			       ram_budget << (PAGE_SHIFT - 10), RAM_BUDGET_MIN >> 10);
		return false;
	}
	return true;
}

/* fork: every cache lock (the list first), after the quarantine's. */
void slab_lock_all(bool lock)
{
	if (lock) {
		kasan_spin_lock(&caches_lock);
		for (struct kmem_cache *s = all_caches; s; s = s->next_cache)
			kasan_spin_lock(&s->lock);
	} else {
		for (struct kmem_cache *s = all_caches; s; s = s->next_cache)
			kasan_spin_unlock(&s->lock);
		kasan_spin_unlock(&caches_lock);
	}
}

void slab_counters(struct vmkasan_stats *st)
{
	unsigned long live = 0;

	kasan_spin_lock(&caches_lock);
	for (struct kmem_cache *s = all_caches; s; s = s->next_cache)
		live += READ_ONCE(s->live);
	kasan_spin_unlock(&caches_lock);
	st->slab_pages = READ_ONCE(slab_pages_now);
	st->slab_objects = live;
	st->quarantine_bytes = READ_ONCE(quarantine_bytes);
	st->slab_bad_frees = READ_ONCE(slab_bad_frees);
}
