/* SPDX-License-Identifier: MIT */
/*
 * What lib/slub_kunit.c takes from mm/slab.h (SLUB's internals), for
 * vmkasan's slab, which is not SLUB.  vmkasan-kunit puts this file where
 * the test's #include "../mm/slab.h" finds it.
 *
 * A test cache is a SLUB-like handle (flags, a live-object list) around
 * a vmkasan cache.  What vmkasan's slab does not have, the case skips
 * with the reason, at the point it would need it: SLUB's debug red zones
 * and poisoning checked by validate_slab_cache(), and its error counter
 * (the test's "slab_errors" resource).  With KASAN the kernel's test
 * disables KASAN's reports before it writes into a red zone
 * (kasan_disable_current()): vmkasan's slab red zones are KASAN's own, so
 * the case skips there, before the write.  A cache destroyed while it
 * still has objects is reported by vmkasan in its own words, not counted
 * into slab_errors: that case skips after the destroy.  kmem_cache_destroy
 * first waits for kfree_rcu()'d objects, as Linux 6.12's does
 * (kvfree_rcu_barrier()).
 */
#ifndef VMKASAN_SHIM_MM_SLAB_H
#define VMKASAN_SHIM_MM_SLAB_H
#include <linux/slab.h>
#include <kunit/test.h>

typedef unsigned int slab_flags_t;
/* SLUB's debug flags (include/linux/slab.h names; values of our own, in
 * bits vmkasan's flags do not use): kept in the handle, not passed on. */
#define SLAB_CONSISTENCY_CHECKS	0x00000100u
#define SLAB_RED_ZONE		0x00000400u
#define SLAB_POISON		0x00000800u
#define SLAB_KMALLOC		0x00001000u
#define SLAB_STORE_USER		0x00010000u
#define SLAB_NO_USER_FLAGS	0x10000000u
#define SLAB_SKIP_KFENCE	0x20000000u
#define __VMK_SLUB_DEBUG_FLAGS	(SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | \
				 SLAB_KMALLOC | SLAB_STORE_USER | SLAB_NO_USER_FLAGS | SLAB_SKIP_KFENCE)

struct __vmk_slub_obj { struct __vmk_slub_obj *next; void *p; };
struct kmem_cache {
	const char *name;
	slab_flags_t flags;
	unsigned int object_size, size, offset;
	void *real;			/* the vmkasan cache */
	struct __vmk_slub_obj *live;	/* allocated, not yet freed */
};
__VMK_WEAK struct kmem_cache *__vmk_slub_caches[16];

static inline struct kmem_cache *__vmk_slub_create(const char *name, unsigned int size,
						   unsigned int align, slab_flags_t flags,
						   void (*ctor)(void *))
{
	struct kmem_cache *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s)
		return NULL;
	s->real = kmem_cache_create(name, size, align, flags & ~__VMK_SLUB_DEBUG_FLAGS, ctor);
	if (!s->real) {
		kfree(s);
		return NULL;
	}
	s->name = name;
	s->flags = flags;
	s->object_size = s->size = size;
	for (unsigned int i = 0; i < ARRAY_SIZE(__vmk_slub_caches); i++)
		if (!__vmk_slub_caches[i]) {
			__vmk_slub_caches[i] = s;
			break;
		}
	return s;
}
static inline void *__vmk_slub_alloc(struct kmem_cache *s, gfp_t gfp)
{
	struct __vmk_slub_obj *o = kmalloc(sizeof(*o), gfp);
	void *p = kmem_cache_alloc((struct kmem_cache *)s->real, gfp);

	if (!p || !o) {
		kfree(o);
		if (p)
			kmem_cache_free((struct kmem_cache *)s->real, p);
		return NULL;
	}
	o->p = p;
	o->next = s->live;
	s->live = o;
	return p;
}
/* Forgets a live object (it is being freed); true if s had it. */
static inline bool __vmk_slub_forget(struct kmem_cache *s, const void *p)
{
	for (struct __vmk_slub_obj **pp = &s->live; *pp; pp = &(*pp)->next)
		if ((*pp)->p == p) {
			struct __vmk_slub_obj *o = *pp;

			*pp = o->next;
			kfree(o);
			return true;
		}
	return false;
}
static inline void __vmk_slub_free(struct kmem_cache *s, void *p)
{
	__vmk_slub_forget(s, p);
	kmem_cache_free((struct kmem_cache *)s->real, p);
}
static inline void __vmk_slub_forget_any(const void *p)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(__vmk_slub_caches); i++)
		if (__vmk_slub_caches[i] && __vmk_slub_forget(__vmk_slub_caches[i], p))
			return;
}
static inline void __vmk_slub_destroy(struct kmem_cache *s)
{
	bool leaked;

	if (!s)
		return;
	rcu_barrier();		/* Linux 6.12: kvfree_rcu_barrier() first */
	leaked = s->live != NULL;
	kmem_cache_destroy((struct kmem_cache *)s->real);
	for (unsigned int i = 0; i < ARRAY_SIZE(__vmk_slub_caches); i++)
		if (__vmk_slub_caches[i] == s)
			__vmk_slub_caches[i] = NULL;
	if (leaked)
		kunit_skip(kunit_get_current_test(),
			   "vmkasan's slab reports a destroyed cache's leaked objects itself; "
			   "it has no SLUB error counter (slab_errors)");
	kfree(s);
}
#define kmem_cache_create(n, size, align, flags, ctor) __vmk_slub_create((n), (size), (align), (flags), (ctor))
#define kmem_cache_alloc(s, gfp) __vmk_slub_alloc((s), (gfp))
#define kmem_cache_free(s, p) __vmk_slub_free((s), (p))
#define kmem_cache_destroy(s) __vmk_slub_destroy(s)
#define __kmalloc_cache_noprof(s, gfp, size) __vmk_slub_alloc((s), (gfp))
#define alloc_hooks(x) (x)
#undef kfree_rcu
#define kfree_rcu(ptr, field) do { __vmk_slub_forget_any(ptr);			\
	kvfree_call_rcu(&(ptr)->field, (void *)(ptr)); } while (0)
#define kasan_disable_current()							\
	kunit_skip(kunit_get_current_test(),					\
		   "SLUB debug red zones and poisoning, checked by validate_slab_cache(), "	\
		   "are not in vmkasan's slab (its red zones are KASAN's: the write is reported)")
#define kasan_enable_current() do { } while (0)
static inline int validate_slab_cache(struct kmem_cache *s)
{
	(void)s;
	kunit_skip(kunit_get_current_test(), "validate_slab_cache(): SLUB debugging is not in vmkasan's slab");
	return 0;
}
#endif
