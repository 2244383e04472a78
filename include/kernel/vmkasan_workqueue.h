/* SPDX-License-Identifier: MIT */
/*
 * A minimal real workqueue for vmkasan's kernel-compatibility layer
 * (included by vmkasan_kernel.h): each workqueue has one worker thread
 * (a pthread named "kworker/" and the queue name's first 7 chars) that runs its works in the
 * order they were queued, asynchronously: a report about memory a work
 * freed names the worker's task, as the kernel's names a kworker.
 * system_wq (and its siblings) is one such queue, made on first use.
 *
 * Semantics follow Linux 6.12's kernel/workqueue.c:
 *  - a work carries a PENDING bit (bit 0 of work->data) from queueing
 *    until its worker takes it; queueing a pending work does nothing and
 *    returns false; the bit is cleared before the function runs, so the
 *    function may free or re-queue its work;
 *  - flush_work() waits until the work's last queueing has finished
 *    running (a barrier work queued right behind it, as Linux does);
 *    flush_workqueue() until everything queued before the call has;
 *  - cancel_work_sync() takes a pending work off its queue and waits for
 *    a running one to return;
 *  - delayed works wait on the queue's worker, which sleeps until the
 *    earliest expiry; flush_delayed_work() queues one now and flushes;
 *  - destroy_workqueue() drains (works queued by running works run too;
 *    delayed ones run now) and then ends the worker.
 * work->data names the queue by its id (never reused), not its address:
 * as Linux finds an idle work's pool through the pool id in work->data
 * (get_work_pool(): idr_find, NULL once the pool is gone), flush_work()
 * and cancel_work_sync() look the id up among the live queues, so on a
 * work whose queue was destroyed they read nothing freed and return
 * false.  A work is used with one queue at a time (as the kernel
 * requires of concurrent users).
 */
#ifndef VMKASAN_WORKQUEUE_H
#define VMKASAN_WORKQUEUE_H

struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);
struct work_struct {
	atomic_long_t data;	/* the queue's id << __VMK_WORK_ID_SHIFT | flags below */
	struct list_head entry;
	work_func_t func;
};
#define WORK_STRUCT_PENDING_BIT 0
#define WORK_STRUCT_PENDING (1UL << WORK_STRUCT_PENDING_BIT)
#define __VMK_WORK_DELAYED 2UL		/* pending on the delayed list */
#define __VMK_WORK_FLAGS 7UL
#define __VMK_WORK_ID_SHIFT 3

struct delayed_work {
	struct work_struct work;
	u64 expires_ns;			/* CLOCK_MONOTONIC */
};

struct workqueue_struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* works queued, works done, the end */
	struct list_head works;		/* pending, in order */
	struct list_head delayed;	/* waiting for their expiry */
	struct work_struct *running;	/* identity only: it may be freed */
	bool draining;
	pthread_t worker;
	unsigned long id;		/* in work->data; never reused */
	struct list_head live;		/* on __vmk_wq_live while it exists */
	char name[24];
};

enum {
	WQ_BH = 1 << 0,
	WQ_UNBOUND = 1 << 1,
	WQ_FREEZABLE = 1 << 2,
	WQ_MEM_RECLAIM = 1 << 3,
	WQ_HIGHPRI = 1 << 4,
	WQ_CPU_INTENSIVE = 1 << 5,
	WQ_SYSFS = 1 << 6,
	WQ_POWER_EFFICIENT = 1 << 7,
	__WQ_ORDERED = 1 << 17,
	__WQ_LEGACY = 1 << 18,
	WQ_MAX_ACTIVE = 512,
};

static inline void __vmk_list_init(struct list_head *h) { h->next = h->prev = h; }
#define __VMK_LIST_EMPTY(h) ((h)->next == (h))
static inline void __vmk_list_insert(struct list_head *n, struct list_head *prev)
{
	n->next = prev->next;
	n->prev = prev;
	prev->next->prev = n;
	prev->next = n;
}
static inline void __vmk_list_unlink(struct list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}

#define __WORK_INITIALIZER(n, f) { .data = { 0 }, .entry = { &(n).entry, &(n).entry }, .func = (f) }
#define DECLARE_WORK(n, f) struct work_struct n = __WORK_INITIALIZER(n, f)
#define DECLARE_DELAYED_WORK(n, f) struct delayed_work n = { .work = __WORK_INITIALIZER((n).work, f) }
#define INIT_WORK(w, f) do {							\
	struct work_struct *__w = (w);						\
	atomic_long_set(&__w->data, 0);						\
	__vmk_list_init(&__w->entry);						\
	__w->func = (f);							\
} while (0)
#define INIT_WORK_ONSTACK(w, f) INIT_WORK(w, f)
#define INIT_DELAYED_WORK(d, f) do { INIT_WORK(&(d)->work, (f)); (d)->expires_ns = 0; } while (0)
#define INIT_DEFERRABLE_WORK(d, f) INIT_DELAYED_WORK(d, f)
#define to_delayed_work(w) container_of((w), struct delayed_work, work)
#define work_pending(w) ((atomic_long_read(&(w)->data) & WORK_STRUCT_PENDING) != 0)
#define delayed_work_pending(d) work_pending(&(d)->work)
#define destroy_work_on_stack(w) do { } while (0)
#define destroy_delayed_work_on_stack(d) do { } while (0)

/* The live queues and the last id given; lock order: __vmk_wq_live_lock, then
 * a queue's lock.  Few queues exist: a list is enough. */
__VMK_WEAK pthread_mutex_t __vmk_wq_live_lock = PTHREAD_MUTEX_INITIALIZER;
__VMK_WEAK struct list_head __vmk_wq_live = { &__vmk_wq_live, &__vmk_wq_live };
__VMK_WEAK unsigned long __vmk_wq_last_id;

static inline unsigned long __vmk_work_data(struct work_struct *w)
{
	return (unsigned long)__atomic_load_n(&w->data.counter, __ATOMIC_ACQUIRE);
}
static inline long __vmk_work_word(struct workqueue_struct *wq, unsigned long flags)
{
	return (long)(wq->id << __VMK_WORK_ID_SHIFT | flags);
}
static inline void __vmk_work_set(struct work_struct *w, struct workqueue_struct *wq, unsigned long flags)
{
	__atomic_store_n(&w->data.counter, __vmk_work_word(wq, flags), __ATOMIC_RELEASE);
}
/* The live queue with this id, locked, or NULL (never queued: id 0, or
 * its queue destroyed). */
static inline struct workqueue_struct *__vmk_wq_lock_id(unsigned long id)
{
	struct workqueue_struct *found = NULL;
	struct list_head *p;

	if (!id)
		return NULL;
	pthread_mutex_lock(&__vmk_wq_live_lock);
	for (p = __vmk_wq_live.next; p != &__vmk_wq_live; p = p->next) {
		struct workqueue_struct *wq = container_of(p, struct workqueue_struct, live);

		if (wq->id == id) {
			found = wq;
			pthread_mutex_lock(&wq->lock);
			break;
		}
	}
	pthread_mutex_unlock(&__vmk_wq_live_lock);
	return found;
}
/* The queue a work was last queued on, locked; NULL if never queued or
 * that queue is gone.  Re-read under its lock: the work may have moved. */
static inline struct workqueue_struct *__vmk_work_lock_queue(struct work_struct *w)
{
	for (;;) {
		unsigned long id = __vmk_work_data(w) >> __VMK_WORK_ID_SHIFT;
		struct workqueue_struct *wq = __vmk_wq_lock_id(id);

		if ((__vmk_work_data(w) >> __VMK_WORK_ID_SHIFT) == id)
			return wq;
		if (wq)
			pthread_mutex_unlock(&wq->lock);
	}
}

static inline void *__vmk_worker_main(void *arg)
{
	struct workqueue_struct *wq = arg;
	char comm[16];

	snprintf(comm, sizeof(comm), "kworker/%.7s", wq->name);	/* 15 chars at most */
	prctl(PR_SET_NAME, comm, 0, 0, 0);
	pthread_mutex_lock(&wq->lock);
	for (;;) {
		u64 now = __vmk_now_ns(), next = 0;
		struct list_head *p, *n;

		/* Expired delayed works (all of them when draining) join the
		 * pending list; `next` is the earliest expiry left. */
		for (p = wq->delayed.next; p != &wq->delayed; p = n) {
			struct delayed_work *d = container_of(p, struct delayed_work, work.entry);

			n = p->next;
			if (wq->draining || d->expires_ns <= now) {
				__vmk_list_unlink(p);
				__vmk_list_insert(p, wq->works.prev);
				__vmk_work_set(&d->work, wq, WORK_STRUCT_PENDING);
			} else if (!next || d->expires_ns < next) {
				next = d->expires_ns;
			}
		}
		if (!__VMK_LIST_EMPTY(&wq->works)) {
			struct work_struct *w = container_of(wq->works.next, struct work_struct, entry);
			work_func_t fn = w->func;

			__vmk_list_unlink(&w->entry);
			__vmk_work_set(w, wq, 0);	/* not pending: may re-queue or free */
			wq->running = w;
			pthread_mutex_unlock(&wq->lock);
			fn(w);
			pthread_mutex_lock(&wq->lock);
			wq->running = NULL;
			pthread_cond_broadcast(&wq->cond);
			continue;
		}
		if (wq->draining)
			break;
		if (next) {
			struct timespec until = { (time_t)(next / 1000000000ull), (long)(next % 1000000000ull) };

			pthread_cond_clockwait(&wq->cond, &wq->lock, CLOCK_MONOTONIC, &until);
		} else {
			pthread_cond_wait(&wq->cond, &wq->lock);
		}
	}
	pthread_mutex_unlock(&wq->lock);
	return NULL;
}

__attribute__((format(printf, 1, 4)))
__VMK_WEAK struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags, int max_active, ...)
{
	struct workqueue_struct *wq = kzalloc(sizeof(*wq), GFP_KERNEL);
	va_list ap;

	(void)flags; (void)max_active;	/* one worker: every queue is ordered */
	if (!wq)
		return NULL;
	va_start(ap, max_active);
	vsnprintf(wq->name, sizeof(wq->name), fmt, ap);
	va_end(ap);
	pthread_mutex_init(&wq->lock, NULL);
	pthread_cond_init(&wq->cond, NULL);
	__vmk_list_init(&wq->works);
	__vmk_list_init(&wq->delayed);
	wq->id = __atomic_add_fetch(&__vmk_wq_last_id, 1, __ATOMIC_RELAXED);
	if (pthread_create(&wq->worker, NULL, __vmk_worker_main, wq)) {
		kfree(wq);
		return NULL;
	}
	pthread_mutex_lock(&__vmk_wq_live_lock);
	__vmk_list_insert(&wq->live, &__vmk_wq_live);
	pthread_mutex_unlock(&__vmk_wq_live_lock);
	return wq;
}
#define alloc_ordered_workqueue(fmt, flags, ...) \
	alloc_workqueue(fmt, WQ_UNBOUND | __WQ_ORDERED | (flags), 1, ##__VA_ARGS__)
#define create_workqueue(name) alloc_workqueue("%s", __WQ_LEGACY | WQ_MEM_RECLAIM, 1, (name))
#define create_freezable_workqueue(name) \
	alloc_workqueue("%s", __WQ_LEGACY | WQ_FREEZABLE | WQ_UNBOUND | WQ_MEM_RECLAIM, 1, (name))
#define create_singlethread_workqueue(name) \
	alloc_ordered_workqueue("%s", __WQ_LEGACY | WQ_MEM_RECLAIM, (name))

/* system_wq and friends: one shared queue, made on first use. */
__VMK_WEAK struct workqueue_struct *__vmk_system_wq_ptr;
__VMK_WEAK pthread_once_t __vmk_system_wq_once = PTHREAD_ONCE_INIT;
__VMK_WEAK void __vmk_system_wq_make(void)
{
	__vmk_system_wq_ptr = alloc_workqueue("events", 0, 0);
}
static inline struct workqueue_struct *__vmk_system_wq(void)
{
	pthread_once(&__vmk_system_wq_once, __vmk_system_wq_make);
	return __vmk_system_wq_ptr;
}
#define system_wq __vmk_system_wq()
#define system_highpri_wq system_wq
#define system_long_wq system_wq
#define system_unbound_wq system_wq
#define system_freezable_wq system_wq
#define system_power_efficient_wq system_wq
#define system_freezable_power_efficient_wq system_wq

__VMK_WEAK bool queue_work(struct workqueue_struct *wq, struct work_struct *w)
{
	long old;
	bool queued = false;

	if (!wq)
		wq = system_wq;
	pthread_mutex_lock(&wq->lock);
	old = __atomic_load_n(&w->data.counter, __ATOMIC_RELAXED);
	/* Claim PENDING atomically: another queue may race for the work. */
	while (!(old & WORK_STRUCT_PENDING)) {
		if (__atomic_compare_exchange_n(&w->data.counter, &old,
						__vmk_work_word(wq, WORK_STRUCT_PENDING),
						false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
			__vmk_list_insert(&w->entry, wq->works.prev);
			pthread_cond_broadcast(&wq->cond);
			queued = true;
			break;
		}
	}
	pthread_mutex_unlock(&wq->lock);
	return queued;
}
#define queue_work_on(cpu, wq, w) queue_work((wq), (w))
#define schedule_work(w) queue_work(system_wq, (w))
#define schedule_work_on(cpu, w) queue_work(system_wq, (w))

/* delay in jiffies; 0 queues the work at once, as Linux does. */
__VMK_WEAK bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *d,
				   unsigned long delay)
{
	long old;
	bool queued = false;

	if (!delay)
		return queue_work(wq, &d->work);
	if (!wq)
		wq = system_wq;
	pthread_mutex_lock(&wq->lock);
	old = __atomic_load_n(&d->work.data.counter, __ATOMIC_RELAXED);
	while (!(old & WORK_STRUCT_PENDING)) {
		if (__atomic_compare_exchange_n(&d->work.data.counter, &old,
						__vmk_work_word(wq, WORK_STRUCT_PENDING | __VMK_WORK_DELAYED),
						false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
			d->expires_ns = __vmk_now_ns() + (u64)delay * (1000000000ull / HZ);
			__vmk_list_insert(&d->work.entry, wq->delayed.prev);
			pthread_cond_broadcast(&wq->cond);
			queued = true;
			break;
		}
	}
	pthread_mutex_unlock(&wq->lock);
	return queued;
}
#define queue_delayed_work_on(cpu, wq, d, delay) queue_delayed_work((wq), (d), (delay))
#define schedule_delayed_work(d, delay) queue_delayed_work(system_wq, (d), (delay))
#define schedule_delayed_work_on(cpu, d, delay) queue_delayed_work(system_wq, (d), (delay))

/* Off its list if pending; the queue is locked.  True if it was. */
static inline bool __vmk_work_grab(struct workqueue_struct *wq, struct work_struct *w)
{
	if (!(__vmk_work_data(w) & WORK_STRUCT_PENDING))
		return false;
	__vmk_list_unlink(&w->entry);
	__vmk_work_set(w, wq, 0);
	return true;
}
/* Pending (expiry moved) or idle (queued now): true if it was pending. */
__VMK_WEAK bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *d,
				 unsigned long delay)
{
	struct workqueue_struct *old = __vmk_work_lock_queue(&d->work);
	bool was = false;

	if (old) {
		was = __vmk_work_grab(old, &d->work);
		pthread_mutex_unlock(&old->lock);
	}
	queue_delayed_work(wq, d, delay);
	return was;
}
#define mod_delayed_work_on(cpu, wq, d, delay) mod_delayed_work((wq), (d), (delay))

/* A work that completes: queued behind the work or queue being flushed. */
struct __vmk_wq_barrier {
	struct work_struct work;
	struct completion done;
};
static inline void __vmk_wq_barrier_fn(struct work_struct *w)
{
	complete(&container_of(w, struct __vmk_wq_barrier, work)->done);
}
/* Queue the barrier after `prev` (locked queue) and wait for it to run. */
static inline void __vmk_wq_barrier_wait(struct workqueue_struct *wq, struct list_head *prev)
{
	struct __vmk_wq_barrier b;

	INIT_WORK(&b.work, __vmk_wq_barrier_fn);
	init_completion(&b.done);
	__vmk_work_set(&b.work, wq, WORK_STRUCT_PENDING);
	__vmk_list_insert(&b.work.entry, prev);
	pthread_cond_broadcast(&wq->cond);
	pthread_mutex_unlock(&wq->lock);
	/* The worker touches `b` last in complete(), whose lock this wait
	 * takes after it: `b` may go when the wait returns. */
	wait_for_completion(&b.done);
}

/* Waits for the work's last queueing to finish; false if it was idle. */
__VMK_WEAK bool flush_work(struct work_struct *w)
{
	struct workqueue_struct *wq = __vmk_work_lock_queue(w);
	unsigned long data;

	if (!wq)
		return false;
	data = __vmk_work_data(w);
	if ((data & WORK_STRUCT_PENDING) && !(data & __VMK_WORK_DELAYED)) {
		__vmk_wq_barrier_wait(wq, &w->entry);
		return true;
	}
	if (wq->running == w) {
		/* Running now: the next work the worker takes is the barrier. */
		__vmk_wq_barrier_wait(wq, &wq->works);
		return true;
	}
	pthread_mutex_unlock(&wq->lock);
	return false;
}

/* A work still waiting for its timer is queued now and waited for under
 * the same hold of the lock: let go in between, the worker could run it
 * to the end before flush_work() looked, which then said "idle" (false)
 * for a work this very call ran (workqueue_test, under load). */
__VMK_WEAK bool flush_delayed_work(struct delayed_work *d)
{
	struct workqueue_struct *wq = __vmk_work_lock_queue(&d->work);

	if (wq && (__vmk_work_data(&d->work) & __VMK_WORK_DELAYED)) {
		__vmk_list_unlink(&d->work.entry);
		__vmk_list_insert(&d->work.entry, wq->works.prev);
		__vmk_work_set(&d->work, wq, WORK_STRUCT_PENDING);
		__vmk_wq_barrier_wait(wq, &d->work.entry);
		return true;
	}
	if (wq)
		pthread_mutex_unlock(&wq->lock);
	return flush_work(&d->work);
}

/* Everything queued before the call has run when this returns. */
__VMK_WEAK void flush_workqueue(struct workqueue_struct *wq)
{
	if (!wq)
		return;
	pthread_mutex_lock(&wq->lock);
	__vmk_wq_barrier_wait(wq, wq->works.prev);
}
#define flush_scheduled_work() flush_workqueue(system_wq)
#define drain_workqueue(wq) flush_workqueue(wq)

static inline bool __vmk_cancel_work(struct work_struct *w, bool sync)
{
	struct workqueue_struct *wq = __vmk_work_lock_queue(w);
	bool was;

	if (!wq)
		return false;
	was = __vmk_work_grab(wq, w);
	while (sync && wq->running == w)
		pthread_cond_wait(&wq->cond, &wq->lock);
	pthread_mutex_unlock(&wq->lock);
	return was;
}
#define cancel_work(w) __vmk_cancel_work((w), false)
#define cancel_work_sync(w) __vmk_cancel_work((w), true)
#define cancel_delayed_work(d) __vmk_cancel_work(&(d)->work, false)
#define cancel_delayed_work_sync(d) __vmk_cancel_work(&(d)->work, true)

/* Drains: runs everything queued (delayed works at once, and works the
 * running ones queue), then ends the worker, takes the queue's id out of
 * the live list (works that name it are idle from now on), waits for
 * whoever found it before that, and frees the queue. */
__VMK_WEAK void destroy_workqueue(struct workqueue_struct *wq)
{
	if (!wq)
		return;
	pthread_mutex_lock(&wq->lock);
	wq->draining = true;
	pthread_cond_broadcast(&wq->cond);
	pthread_mutex_unlock(&wq->lock);
	pthread_join(wq->worker, NULL);
	pthread_mutex_lock(&__vmk_wq_live_lock);
	__vmk_list_unlink(&wq->live);
	pthread_mutex_unlock(&__vmk_wq_live_lock);
	pthread_mutex_lock(&wq->lock);
	pthread_mutex_unlock(&wq->lock);
	pthread_mutex_destroy(&wq->lock);
	pthread_cond_destroy(&wq->cond);
	kfree(wq);
}

#endif
