// SPDX-License-Identifier: MIT
/*
 * The slab suite's cases: cases <name>.  A bad case prints
 * "EXPECT 0x<addr>" before its one bad access or call, then goes on:
 * after it the allocator must still work (a thousand objects made and
 * freed, the counters back where they were), and "DONE" is printed.
 * The checks on the report are in run.sh.
 */
#include <vmkasan.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPECT(p) do { printf("EXPECT %p\n", (void *)(p)); fflush(stdout); } while (0)
#define HIDE(p) __asm__ volatile("" : "+r"(p))

static char global_buf[64];

static __attribute__((noinline)) void still_works(void)
{
	struct vmkasan_stats before, after;
	void *p[1000];

	vmkasan_quarantine_drain();
	vmkasan_get_stats(&before);
	for (int i = 0; i < 1000; i++) {
		p[i] = kmalloc(1 + i * 7 % 9000, GFP_KERNEL);
		if (!p[i]) {
			printf("FAIL kmalloc after the bug\n");
			exit(3);
		}
		memset(p[i], i, 1 + i * 7 % 9000);
	}
	for (int i = 0; i < 1000; i++)
		kfree(p[i]);
	vmkasan_get_stats(&after);
	if (after.slab_objects != before.slab_objects) {
		printf("FAIL live objects %lu -> %lu\n", before.slab_objects, after.slab_objects);
		exit(3);
	}
	printf("DONE\n");
}

static __attribute__((noinline)) void oob_right(void)
{
	char *p = kmalloc(123, GFP_KERNEL);

	HIDE(p);
	EXPECT(p + 123);
	p[123] = 'x';
	kfree(p);
}

static __attribute__((noinline)) void oob_right_far(void)
{
	char *p = kmalloc(120, GFP_KERNEL);
	volatile char c;

	HIDE(p);
	EXPECT(p + 130);
	c = p[130];
	(void)c;
	kfree(p);
}

static __attribute__((noinline)) void oob_left(void)
{
	char *p = kmalloc(15, GFP_KERNEL);
	volatile char c;

	HIDE(p);
	EXPECT(p - 1);
	c = p[-1];
	(void)c;
	kfree(p);
}

static __attribute__((noinline)) void uaf(void)
{
	char *p = kmalloc(64, GFP_KERNEL);
	volatile char c;

	kfree(p);
	HIDE(p);
	EXPECT(p + 8);
	c = p[8];
	(void)c;
}

/* Freed, then a thousand other objects of its class come and go: the
 * quarantine keeps it poisoned. */
static __attribute__((noinline)) void uaf_later(void)
{
	long *p = kmalloc(32, GFP_KERNEL);

	kfree(p);
	for (int i = 0; i < 1000; i++)
		kfree(kmalloc(32, GFP_KERNEL));
	HIDE(p);
	EXPECT(p);
	*p = 1;
}

/* Freed, then one more object of its class is allocated and kept: with
 * the quarantine it is another slot; without (quarantine_size=0) the
 * freed slot comes straight back and the use is not seen. */
static __attribute__((noinline)) void uaf_reuse(void)
{
	long *p = kmalloc(32, GFP_KERNEL), *q;

	kfree(p);
	q = kmalloc(32, GFP_KERNEL);
	if (q == p)
		printf("REUSED\n");
	HIDE(p);
	EXPECT(p);
	*p = 1;
	kfree(q);
}

static __attribute__((noinline)) void cache_oob(void)
{
	struct kmem_cache *c = kmem_cache_create("test_cache", 200, 0, 0, NULL);
	char *p = kmem_cache_alloc(c, GFP_KERNEL);
	volatile char v;

	HIDE(p);
	EXPECT(p + 200);
	v = p[200];
	(void)v;
	kmem_cache_free(c, p);
	kmem_cache_destroy(c);
}

static __attribute__((noinline)) void cache_uaf(void)
{
	struct kmem_cache *c = kmem_cache_create("test_cache", 200, 0, 0, NULL);
	char *p = kmem_cache_alloc(c, GFP_KERNEL);
	volatile char v;

	kmem_cache_free(c, p);
	HIDE(p);
	EXPECT(p + 100);
	v = p[100];
	(void)v;
	kmem_cache_destroy(c);
}

static __attribute__((noinline)) void large_oob(void)
{
	char *p = kmalloc(KMALLOC_MAX_CACHE_SIZE + 10, GFP_KERNEL);

	HIDE(p);
	EXPECT(p + KMALLOC_MAX_CACHE_SIZE + 10);
	p[KMALLOC_MAX_CACHE_SIZE + 10] = 0;
	kfree(p);
}

static __attribute__((noinline)) void large_uaf(void)
{
	char *p = kmalloc(KMALLOC_MAX_CACHE_SIZE + 10, GFP_KERNEL);
	volatile char v;

	kfree(p);
	HIDE(p);
	EXPECT(p);
	v = p[0];
	(void)v;
}

static __attribute__((noinline)) void page_uaf(void)
{
	unsigned long a = __get_free_pages(GFP_KERNEL, 1);
	char *p = (char *)a;
	volatile char v;

	free_pages(a, 1);
	HIDE(p);
	EXPECT(p + 100);
	v = p[100];
	(void)v;
}

static __attribute__((noinline)) void double_free(void)
{
	char *p = kmalloc(50, GFP_KERNEL);

	kfree(p);
	HIDE(p);
	EXPECT(p);
	kfree(p);
}

static __attribute__((noinline)) void free_middle(void)
{
	char *p = kmalloc(50, GFP_KERNEL);

	HIDE(p);
	EXPECT(p + 8);
	kfree(p + 8);
	kfree(p);
}

static __attribute__((noinline)) void free_stack(void)
{
	char buf[32];
	char *p = buf;

	HIDE(p);
	EXPECT(p);
	kfree(p);
}

static __attribute__((noinline)) void free_global(void)
{
	char *p = global_buf;

	HIDE(p);
	EXPECT(p);
	kfree(p);
}

static __attribute__((noinline)) void free_vmalloc(void)
{
	char *p = vmalloc(100);

	HIDE(p);
	EXPECT(p);
	kfree(p);
	vfree(p);
}

static __attribute__((noinline)) void free_large_middle(void)
{
	char *p = kmalloc(20000, GFP_KERNEL);

	HIDE(p);
	EXPECT(p + 1);
	kfree(p + 1);
	kfree(p);
}

static __attribute__((noinline)) void large_double_free(void)
{
	char *p = kmalloc(20000, GFP_KERNEL);

	kfree(p);
	HIDE(p);
	EXPECT(p);
	kfree(p);
}

static __attribute__((noinline)) void wrong_cache(void)
{
	struct kmem_cache *a = kmem_cache_create("cache_a", 100, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("cache_b", 100, 0, 0, NULL);
	char *p = kmem_cache_alloc(a, GFP_KERNEL);

	HIDE(p);
	EXPECT(p);
	kmem_cache_free(b, p);
	kmem_cache_free(a, p);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
}

static __attribute__((noinline)) void destroyed_cache(void)
{
	struct kmem_cache *c = kmem_cache_create("gone_cache", 100, 0, 0, NULL);
	char *p = kmem_cache_alloc(c, GFP_KERNEL);

	/* Destroyed with an object left: a warning, and the object's later
	 * free is an invalid free, not a write into reused memory. */
	kmem_cache_destroy(c);
	HIDE(p);
	EXPECT(p);
	kfree(p);
}

static __attribute__((noinline)) void double_destroy(void)
{
	struct kmem_cache *c = kmem_cache_create("test_cache", 200, 0, 0, NULL);

	kmem_cache_destroy(c);
	HIDE(c);
	EXPECT(c);
	kmem_cache_destroy(c);
}

static __attribute__((noinline)) void krealloc_less(void)
{
	char *p = kmalloc(201, GFP_KERNEL);

	p = krealloc(p, 150, GFP_KERNEL);
	HIDE(p);
	EXPECT(p + 150);
	p[150] = 1;
	kfree(p);
}

static __attribute__((noinline)) void krealloc_uaf(void)
{
	char *p = kmalloc(100, GFP_KERNEL), *q;

	kfree(p);
	HIDE(p);
	EXPECT(p);
	q = krealloc(p, 200, GFP_KERNEL);
	if (q)
		printf("FAIL krealloc of a freed object returned %p\n", (void *)q);
}

static __attribute__((noinline)) void rcu_uaf(void)
{
	struct kmem_cache *c = kmem_cache_create("rcu_cache", 200, 0, SLAB_TYPESAFE_BY_RCU, NULL);
	char *p = kmem_cache_alloc(c, GFP_KERNEL);
	volatile char v;

	*p = 1;
	__rcu_read_lock();
	kmem_cache_free(c, p);
	v = *p;		/* valid: a grace period has not passed */
	__rcu_read_unlock();
	rcu_barrier();
	HIDE(p);
	EXPECT(p);
	v = *p;
	(void)v;
	kmem_cache_destroy(c);
}

/* ---- clean cases: no report ---- */

static __attribute__((noinline)) void clean_api(void)
{
	char *p = kzalloc(100, GFP_KERNEL), *q;
	size_t n;

	for (int i = 0; i < 100; i++)
		if (p[i])
			printf("FAIL kzalloc not zero\n");
	n = ksize(p);
	if (n != 128)
		printf("FAIL ksize %zu\n", n);
	p = krealloc(p, 128, GFP_KERNEL);	/* in place: all of the slot usable */
	p[127] = 1;
	q = krealloc(p, 5000, GFP_KERNEL);
	if (!q || q[127] != 1)
		printf("FAIL krealloc\n");
	q[4999] = 2;
	q = krealloc(q, 20000, GFP_KERNEL);
	q[19999] = 3;
	kfree_sensitive(q);
	q = kstrdup("hello", GFP_KERNEL);
	if (strcmp(q, "hello"))
		printf("FAIL kstrdup\n");
	kfree(q);
	q = kstrndup("hello", 3, GFP_KERNEL);
	if (strcmp(q, "hel"))
		printf("FAIL kstrndup\n");
	kfree(q);
	q = kmemdup("abc", 4, GFP_KERNEL);
	kfree(q);
	int *a = kcalloc(10, sizeof(int), GFP_KERNEL);
	a = krealloc_array(a, 20, sizeof(int), GFP_KERNEL);
	a[19] = 1;
	kfree(a);
	if (kmalloc_array((size_t)-1, 16, GFP_KERNEL))
		printf("FAIL kmalloc_array overflow\n");
	q = kvmalloc(1 << 20, GFP_KERNEL);
	if (!is_vmalloc_addr(q))
		printf("FAIL kvmalloc(1M) not vmalloc\n");
	q[(1 << 20) - 1] = 1;
	kvfree(q);
	q = kvzalloc(100, GFP_KERNEL);
	kvfree(q);
	kfree(kmalloc(0, GFP_KERNEL));
	kfree(NULL);
	void *pg = (void *)get_zeroed_page(GFP_KERNEL);
	if (phys_to_virt(virt_to_phys(pg)) != pg || page_address(virt_to_page(pg)) != pg)
		printf("FAIL virt/phys\n");
	free_pages((unsigned long)pg, 0);
	struct kmem_cache *c = kmem_cache_create("bulk", 64, 64, SLAB_HWCACHE_ALIGN, NULL);
	void *objs[100];
	if (kmem_cache_alloc_bulk(c, GFP_KERNEL, 100, objs) != 100)
		printf("FAIL bulk\n");
	for (int i = 0; i < 100; i++)
		if ((unsigned long)objs[i] & 63)
			printf("FAIL alignment\n");
	kmem_cache_free_bulk(c, 100, objs);
	kmem_cache_destroy(c);
	printf("DONE\n");
}

/* Objects freed with kfree_rcu(), then their cache destroyed at once:
 * Linux 6.12's kmem_cache_destroy() first waits for the kfree_rcu()s in
 * flight (kvfree_rcu_barrier()), so nothing is left and no free is bad. */
struct rcu_obj {
	long payload[4];
	struct rcu_head rcu;
};

static __attribute__((noinline)) void clean_kfree_rcu_destroy(void)
{
	struct kmem_cache *c = kmem_cache_create("kfree_rcu_cache", sizeof(struct rcu_obj), 0, 0, NULL);
	struct rcu_obj *o[16];

	for (int i = 0; i < 16; i++)
		o[i] = kmem_cache_alloc(c, GFP_KERNEL);
	for (int i = 0; i < 16; i++)
		kvfree_call_rcu(&o[i]->rcu, o[i]);	/* kfree_rcu(o[i], rcu) */
	kmem_cache_destroy(c);
	printf("DONE\n");
}

static int ctor_calls;
static void ctor(void *p)
{
	memset(p, 0x5a, 40);
	ctor_calls++;
}

static __attribute__((noinline)) void clean_ctor(void)
{
	struct kmem_cache *c = kmem_cache_create("ctor_cache", 40, 0, 0, ctor);
	unsigned char *p = kmem_cache_alloc(c, GFP_KERNEL);

	if (!ctor_calls || p[39] != 0x5a)
		printf("FAIL ctor\n");
	kmem_cache_free(c, p);
	kmem_cache_destroy(c);
	printf("DONE\n");
}

static void *thread_fn(void *arg)
{
	unsigned seed = (unsigned)(unsigned long)arg;
	void *p[64] = { 0 };

	for (int i = 0; i < 20000; i++) {
		int k = rand_r(&seed) % 64;
		size_t n = rand_r(&seed) % 3000 + 1;

		kfree(p[k]);
		p[k] = kmalloc(n, GFP_KERNEL);
		memset(p[k], k, n);
	}
	for (int k = 0; k < 64; k++)
		kfree(p[k]);
	return NULL;
}

static __attribute__((noinline)) void clean_threads(void)
{
	pthread_t t[8];

	for (long i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, thread_fn, (void *)i);
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	printf("DONE\n");
}

/* Every allocation path under fault injection or a small budget: NULL or
 * a good object, and in the end nothing live. */
static __attribute__((noinline)) void failures(void)
{
	struct vmkasan_stats s, before;
	unsigned long nulls = 0;

	vmkasan_get_stats(&before);

	for (int i = 0; i < 3000; i++) {
		void *a = kmalloc(i % 12000 + 1, GFP_KERNEL);
		struct kmem_cache *c = kmem_cache_create("f", 300, 0, 0, NULL);
		void *b = c ? kmem_cache_alloc(c, GFP_KERNEL) : NULL;
		char *d = kstrdup("x", GFP_KERNEL);
		unsigned long pg = __get_free_pages(GFP_KERNEL, 2);

		nulls += !a + !c + !b + !d + !pg;
		kfree(a);
		if (c) {
			kmem_cache_free(c, b);
			kmem_cache_destroy(c);
		}
		kfree(d);
		free_pages(pg, 2);
	}
	vmkasan_quarantine_drain();
	vmkasan_get_stats(&s);
	printf("NULLS %lu LEFT %lu FAILED_SLAB %lu\n", nulls, s.slab_objects - before.slab_objects,
	       s.failed[VMKASAN_FAIL_SLAB]);
	printf("DONE\n");
}

static const struct { const char *name; void (*fn)(void); int clean; } cases[] = {
	{ "oob_right", oob_right, 0 }, { "oob_right_far", oob_right_far, 0 },
	{ "oob_left", oob_left, 0 }, { "uaf", uaf, 0 }, { "uaf_later", uaf_later, 0 },
	{ "uaf_reuse", uaf_reuse, 0 },
	{ "cache_oob", cache_oob, 0 }, { "cache_uaf", cache_uaf, 0 },
	{ "large_oob", large_oob, 0 }, { "large_uaf", large_uaf, 0 },
	{ "page_uaf", page_uaf, 0 }, { "double_free", double_free, 0 },
	{ "free_middle", free_middle, 0 }, { "free_stack", free_stack, 0 },
	{ "free_global", free_global, 0 }, { "free_vmalloc", free_vmalloc, 0 },
	{ "free_large_middle", free_large_middle, 0 },
	{ "large_double_free", large_double_free, 0 }, { "wrong_cache", wrong_cache, 0 },
	{ "destroyed_cache", destroyed_cache, 0 }, { "double_destroy", double_destroy, 0 },
	{ "krealloc_less", krealloc_less, 0 }, { "krealloc_uaf", krealloc_uaf, 0 },
	{ "rcu_uaf", rcu_uaf, 0 },
	{ "clean_api", clean_api, 1 }, { "clean_ctor", clean_ctor, 1 },
	{ "clean_threads", clean_threads, 1 },
	{ "clean_kfree_rcu_destroy", clean_kfree_rcu_destroy, 1 }, { "failures", failures, 1 },
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			printf("%s %s\n", cases[i].name, cases[i].clean ? "clean" : "bug");
		return 0;
	}
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!strcmp(argv[1], cases[i].name)) {
			cases[i].fn();
			if (!cases[i].clean)
				still_works();
			return 0;
		}
	}
	fprintf(stderr, "no case %s\n", argv[1]);
	return 2;
}
