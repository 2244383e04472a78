// SPDX-License-Identifier: MIT
/*
 * A minimal RCU, enough for kernel code's deferred frees: readers count
 * themselves in and out; a grace period for the callbacks queued before
 * now has passed at any moment when no reader is inside.  Callbacks run
 * in rcu_barrier(), in synchronize_rcu(), and from call_rcu() once many
 * are waiting and no reader is inside: never from call_rcu() for the
 * callback just queued, so "freed by RCU" memory stays valid for the
 * caller's read-side section, as in the kernel.
 */
#include "mm/slab.h"

static long rcu_readers;
static struct rcu_head *cb_head, **cb_tail = &cb_head;
static unsigned long cb_count;
static kasan_spinlock_t cb_lock;
static kasan_spinlock_t run_lock;	/* one thread runs callbacks at a time */

#define RCU_BATCH 256

void __rcu_read_lock(void)
{
	__atomic_add_fetch(&rcu_readers, 1, __ATOMIC_SEQ_CST);
}

void __rcu_read_unlock(void)
{
	__atomic_sub_fetch(&rcu_readers, 1, __ATOMIC_SEQ_CST);
}

static void wait_for_readers(void)
{
	while (__atomic_load_n(&rcu_readers, __ATOMIC_SEQ_CST) > 0)
		plat_yield();
}

/* Run the callbacks queued so far, once no reader is inside. */
static void run_callbacks(bool wait)
{
	struct rcu_head *list;

	if (wait)
		wait_for_readers();
	else if (__atomic_load_n(&rcu_readers, __ATOMIC_SEQ_CST) > 0)
		return;
	kasan_spin_lock(&run_lock);
	kasan_spin_lock(&cb_lock);
	list = cb_head;
	cb_head = NULL;
	cb_tail = &cb_head;
	cb_count = 0;
	kasan_spin_unlock(&cb_lock);
	while (list) {
		struct rcu_head *next = list->next;

		list->func(list);
		list = next;
	}
	kasan_spin_unlock(&run_lock);
}

static void enqueue(struct rcu_head *head)
{
	unsigned long n;

	head->next = NULL;
	kasan_spin_lock(&cb_lock);
	*cb_tail = head;
	cb_tail = &head->next;
	n = ++cb_count;
	kasan_spin_unlock(&cb_lock);
	(void)n;
}

void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *))
{
	bool many = READ_ONCE(cb_count) >= RCU_BATCH;

	/* Older callbacks first, so this one never runs before we return. */
	if (many)
		run_callbacks(false);
	head->func = func;
	enqueue(head);
}

void synchronize_rcu(void)
{
	wait_for_readers();
}

void rcu_barrier(void)
{
	run_callbacks(true);
}

/* kvfree_rcu: the pointer to free rides in the rcu_head's func slot's
 * neighbour: a small node of our own carries it. */
struct kvfree_node {
	struct rcu_head head;
	void *ptr;
};

static void kvfree_cb(struct rcu_head *h)
{
	struct kvfree_node *n = (struct kvfree_node *)h;

	kvfree(n->ptr);
	meta_free(n, sizeof(*n));
}


/* The frees ride on the one callback list: waiting for them is a barrier. */
void kvfree_rcu_barrier(void)
{
	run_callbacks(true);
}

void kvfree_call_rcu(struct rcu_head *head, void *ptr)
{
	struct kvfree_node *n = meta_alloc(sizeof(*n));

	(void)head;
	if (!n) {
		/* No memory for the node: wait here for the grace period. */
		synchronize_rcu();
		kvfree(ptr);
		return;
	}
	n->ptr = ptr;
	call_rcu(&n->head, kvfree_cb);
}

/* SLAB_TYPESAFE_BY_RCU frees: the object stays valid until a grace period. */
struct slab_rcu_node {
	struct rcu_head head;
	struct slab *sl;
	uint32_t idx;
};

static void slab_rcu_cb(struct rcu_head *h)
{
	struct slab_rcu_node *n = (struct slab_rcu_node *)h;

	slab_rcu_done(n->sl, n->idx);
	meta_free(n, sizeof(*n));
}

void slab_rcu_free(struct slab *sl, uint32_t idx)
{
	struct slab_rcu_node *n = meta_alloc(sizeof(*n));

	if (!n) {
		synchronize_rcu();
		slab_rcu_done(sl, idx);
		return;
	}
	n->sl = sl;
	n->idx = idx;
	call_rcu(&n->head, slab_rcu_cb);
}
