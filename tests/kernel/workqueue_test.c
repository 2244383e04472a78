// SPDX-License-Identifier: MIT
/*
 * KUnit cases for the kernel-compatibility layer's threads, written as
 * kernel code and built with `vmkasan-cc --kernel` (tests/kernel/run.sh):
 * the workqueue runs works asynchronously on its worker, once per
 * queueing while pending, flush/cancel/destroy wait as in Linux; delayed
 * works wait their delay; kthreads, completions and rwsems block and
 * wake for real.  A case that hangs is caught by run.sh's timeout.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <kunit/test.h>

struct probe {
	struct work_struct work;
	struct completion started;	/* completed as each run starts */
	struct completion ran;		/* completed by each run */
	struct completion *gate;	/* if set, each run waits for it first */
	atomic_t runs;
	int tid;			/* the task that ran it last */
	char comm[16];
	unsigned int sleep_ms;
	atomic_t done;			/* set at the end of a run */
};

static void probe_fn(struct work_struct *work)
{
	struct probe *p = container_of(work, struct probe, work);

	p->tid = gettid();
	prctl(PR_GET_NAME, p->comm, 0, 0, 0);
	complete(&p->started);
	if (p->gate)
		wait_for_completion(p->gate);
	if (p->sleep_ms)
		msleep(p->sleep_ms);
	atomic_inc(&p->runs);
	atomic_set(&p->done, 1);
	complete(&p->ran);
}

static void probe_init(struct probe *p)
{
	memset(p, 0, sizeof(*p));
	INIT_WORK(&p->work, probe_fn);
	init_completion(&p->started);
	init_completion(&p->ran);
}

static int release_fn(void *gate)
{
	msleep(200);
	complete(gate);
	return 0;
}

/* Completes *gate 200 ms from now, from another thread: the waits
 * below must have blocked till then. */
static struct task_struct *release_later(struct completion *gate)
{
	return kthread_run(release_fn, gate, "vmk_release");
}

/* Queued, it runs without any flush, on the queue's worker thread. */
static void wq_runs_async_on_worker(struct kunit *test)
{
	struct workqueue_struct *wq = alloc_workqueue("vmk_async", 0, 0);
	struct probe p;

	KUNIT_ASSERT_NOT_NULL(test, wq);
	probe_init(&p);
	KUNIT_EXPECT_TRUE(test, queue_work(wq, &p.work));
	KUNIT_EXPECT_GT(test, wait_for_completion_timeout(&p.ran, 10 * HZ), 0UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&p.runs), 1);
	KUNIT_EXPECT_NE(test, p.tid, gettid());
	KUNIT_EXPECT_EQ(test, strcmp(p.comm, "kworker/vmk_asy"), 0);
	destroy_workqueue(wq);
}

/* Queueing a pending work does nothing; once taken, it queues again. */
static void wq_pending_queued_once(struct kunit *test)
{
	struct workqueue_struct *wq = alloc_workqueue("vmk_once", 0, 0);
	DECLARE_COMPLETION_ONSTACK(gate);
	struct probe blocker, p;

	KUNIT_ASSERT_NOT_NULL(test, wq);
	probe_init(&blocker);
	blocker.gate = &gate;
	probe_init(&p);
	queue_work(wq, &blocker.work);
	KUNIT_EXPECT_TRUE(test, queue_work(wq, &p.work));
	KUNIT_EXPECT_TRUE(test, work_pending(&p.work));
	KUNIT_EXPECT_FALSE(test, queue_work(wq, &p.work));
	KUNIT_EXPECT_FALSE(test, queue_work(wq, &p.work));
	complete(&gate);
	KUNIT_EXPECT_TRUE(test, flush_work(&p.work));
	KUNIT_EXPECT_EQ(test, atomic_read(&p.runs), 1);
	KUNIT_EXPECT_FALSE(test, work_pending(&p.work));
	KUNIT_EXPECT_TRUE(test, queue_work(wq, &p.work));
	flush_work(&p.work);
	KUNIT_EXPECT_EQ(test, atomic_read(&p.runs), 2);
	destroy_workqueue(wq);
}

/* flush_work waits for a pending or running work; idle: false. */
static void wq_flush_work_waits(struct kunit *test)
{
	struct workqueue_struct *wq = alloc_workqueue("vmk_flush", 0, 0);
	DECLARE_COMPLETION_ONSTACK(gate);
	struct task_struct *rel;
	struct probe p;

	KUNIT_ASSERT_NOT_NULL(test, wq);
	probe_init(&p);
	KUNIT_EXPECT_FALSE(test, flush_work(&p.work));	/* never queued */
	p.sleep_ms = 100;
	queue_work(wq, &p.work);
	KUNIT_EXPECT_TRUE(test, flush_work(&p.work));
	KUNIT_EXPECT_EQ(test, atomic_read(&p.done), 1);
	/* Running (and held on the gate): flush waits for the end. */
	atomic_set(&p.done, 0);
	p.sleep_ms = 0;
	p.gate = &gate;
	reinit_completion(&p.started);
	queue_work(wq, &p.work);
	wait_for_completion(&p.started);
	KUNIT_EXPECT_FALSE(test, work_pending(&p.work));
	rel = release_later(&gate);
	KUNIT_EXPECT_TRUE(test, flush_work(&p.work));
	KUNIT_EXPECT_EQ(test, atomic_read(&p.done), 1);
	kthread_stop(rel);
	KUNIT_EXPECT_FALSE(test, flush_work(&p.work));	/* idle again */
	destroy_workqueue(wq);
}

/* flush_workqueue waits for everything queued before it, in order. */
static void wq_flush_workqueue_in_order(struct kunit *test)
{
	struct workqueue_struct *wq = alloc_workqueue("vmk_order", 0, 0);
	struct probe p[4];
	int order[4];

	KUNIT_ASSERT_NOT_NULL(test, wq);
	for (int i = 0; i < 4; i++) {
		probe_init(&p[i]);
		p[i].sleep_ms = 10 * (4 - i);	/* the first is the slowest */
		queue_work(wq, &p[i].work);
	}
	flush_workqueue(wq);
	for (int i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, atomic_read(&p[i].runs), 1);
		order[i] = p[i].tid;
	}
	/* One worker: all ran on the same task. */
	KUNIT_EXPECT_EQ(test, order[0], order[3]);
	destroy_workqueue(wq);
}

/* cancel_work_sync: a pending work never runs; a running one is waited. */
static void wq_cancel_work_sync(struct kunit *test)
{
	struct workqueue_struct *wq = alloc_workqueue("vmk_cancel", 0, 0);
	DECLARE_COMPLETION_ONSTACK(gate);
	struct task_struct *rel;
	struct probe blocker, p;

	KUNIT_ASSERT_NOT_NULL(test, wq);
	probe_init(&blocker);
	blocker.gate = &gate;
	probe_init(&p);
	queue_work(wq, &blocker.work);
	queue_work(wq, &p.work);
	KUNIT_EXPECT_TRUE(test, cancel_work_sync(&p.work));
	KUNIT_EXPECT_FALSE(test, work_pending(&p.work));
	complete(&gate);
	flush_workqueue(wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&p.runs), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&blocker.runs), 1);

	/* Running (held on a gate opened 200 ms later): not pending, so
	 * false, and the run has ended when cancel_work_sync returns. */
	reinit_completion(&gate);
	p.gate = &gate;
	reinit_completion(&p.started);
	queue_work(wq, &p.work);
	wait_for_completion(&p.started);
	rel = release_later(&gate);
	KUNIT_EXPECT_FALSE(test, cancel_work_sync(&p.work));
	KUNIT_EXPECT_EQ(test, atomic_read(&p.done), 1);
	kthread_stop(rel);
	destroy_workqueue(wq);
}

struct dprobe {
	struct delayed_work dw;
	atomic_t runs;
	u64 ran_at;
};

static void dprobe_fn(struct work_struct *work)
{
	struct dprobe *d = container_of(to_delayed_work(work), struct dprobe, dw);

	d->ran_at = ktime_get_ns();
	atomic_inc(&d->runs);
}

/* A delayed work waits its delay; flush runs it now; cancel drops it. */
static void wq_delayed_work(struct kunit *test)
{
	struct workqueue_struct *wq = alloc_workqueue("vmk_delay", 0, 0);
	struct dprobe a = { 0 }, b = { 0 }, c = { 0 };
	u64 t0;

	KUNIT_ASSERT_NOT_NULL(test, wq);
	INIT_DELAYED_WORK(&a.dw, dprobe_fn);
	INIT_DELAYED_WORK(&b.dw, dprobe_fn);
	INIT_DELAYED_WORK(&c.dw, dprobe_fn);
	t0 = ktime_get_ns();
	KUNIT_EXPECT_TRUE(test, queue_delayed_work(wq, &a.dw, msecs_to_jiffies(50)));
	KUNIT_EXPECT_FALSE(test, queue_delayed_work(wq, &a.dw, msecs_to_jiffies(50)));
	KUNIT_EXPECT_TRUE(test, delayed_work_pending(&a.dw));
	for (int i = 0; i < 1000 && !atomic_read(&a.runs); i++)
		msleep(10);
	KUNIT_EXPECT_EQ(test, atomic_read(&a.runs), 1);
	KUNIT_EXPECT_GE(test, a.ran_at - t0, 50ull * 1000000);

	/* A minute away: flush_delayed_work runs it at once. */
	queue_delayed_work(wq, &b.dw, 60 * HZ);
	KUNIT_EXPECT_TRUE(test, flush_delayed_work(&b.dw));
	KUNIT_EXPECT_EQ(test, atomic_read(&b.runs), 1);

	/* cancel_delayed_work_sync: it never runs. */
	queue_delayed_work(wq, &c.dw, 60 * HZ);
	KUNIT_EXPECT_TRUE(test, cancel_delayed_work_sync(&c.dw));
	KUNIT_EXPECT_FALSE(test, delayed_work_pending(&c.dw));
	destroy_workqueue(wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&c.runs), 0);
}

struct chain {
	struct work_struct first, second;
	struct workqueue_struct *wq;
	atomic_t runs;
};

static void chain_second(struct work_struct *work)
{
	struct chain *c = container_of(work, struct chain, second);

	msleep(20);
	atomic_inc(&c->runs);
}

static void chain_first(struct work_struct *work)
{
	struct chain *c = container_of(work, struct chain, first);

	msleep(20);
	atomic_inc(&c->runs);
	queue_work(c->wq, &c->second);
}

/* destroy_workqueue drains: queued works run, and those they queue. */
static void wq_destroy_drains(struct kunit *test)
{
	struct chain c = { 0 };
	struct dprobe d = { 0 };

	c.wq = alloc_workqueue("vmk_drain", 0, 0);
	KUNIT_ASSERT_NOT_NULL(test, c.wq);
	INIT_WORK(&c.first, chain_first);
	INIT_WORK(&c.second, chain_second);
	INIT_DELAYED_WORK(&d.dw, dprobe_fn);
	queue_work(c.wq, &c.first);
	queue_delayed_work(c.wq, &d.dw, 60 * HZ);
	destroy_workqueue(c.wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&c.runs), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&d.runs), 1);
}

/* Linux 6.12 finds an idle work's pool through the id in work->data,
 * never through the queue: flushing or cancelling a work that has run
 * on a queue since destroyed is allowed and returns false. */
static void wq_idle_work_after_destroy(struct kunit *test)
{
	struct workqueue_struct *wq = alloc_workqueue("vmk_gone", 0, 0);
	struct probe p;
	struct dprobe d = { 0 };

	KUNIT_ASSERT_NOT_NULL(test, wq);
	probe_init(&p);
	INIT_DELAYED_WORK(&d.dw, dprobe_fn);
	KUNIT_EXPECT_TRUE(test, queue_work(wq, &p.work));
	KUNIT_EXPECT_TRUE(test, queue_delayed_work(wq, &d.dw, 60 * HZ));
	destroy_workqueue(wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&p.runs), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&d.runs), 1);
	KUNIT_EXPECT_FALSE(test, flush_work(&p.work));
	KUNIT_EXPECT_FALSE(test, cancel_work_sync(&p.work));
	KUNIT_EXPECT_FALSE(test, cancel_work(&p.work));
	KUNIT_EXPECT_FALSE(test, flush_delayed_work(&d.dw));
	KUNIT_EXPECT_FALSE(test, cancel_delayed_work_sync(&d.dw));
	/* A new queue (perhaps at the old one's address) does not take the
	 * idle work for its own. */
	wq = alloc_workqueue("vmk_new", 0, 0);
	KUNIT_ASSERT_NOT_NULL(test, wq);
	KUNIT_EXPECT_FALSE(test, flush_work(&p.work));
	KUNIT_EXPECT_TRUE(test, queue_work(wq, &p.work));
	KUNIT_EXPECT_GT(test, wait_for_completion_timeout(&p.ran, 10 * HZ), 0UL);
	flush_work(&p.work);
	KUNIT_EXPECT_EQ(test, atomic_read(&p.runs), 2);
	destroy_workqueue(wq);
}

/* schedule_work: system_wq's worker, "kworker/events". */
static void wq_system_wq(struct kunit *test)
{
	struct probe p;

	probe_init(&p);
	KUNIT_EXPECT_TRUE(test, schedule_work(&p.work));
	KUNIT_EXPECT_TRUE(test, flush_work(&p.work) || atomic_read(&p.runs) == 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&p.runs), 1);
	KUNIT_EXPECT_NE(test, p.tid, gettid());
	KUNIT_EXPECT_EQ(test, strcmp(p.comm, "kworker/events"), 0);
}

struct kt {
	struct completion started;
	int ran;
	char comm[16];
};

static int kt_fn(void *data)
{
	struct kt *k = data;

	k->ran = 1;
	prctl(PR_GET_NAME, k->comm, 0, 0, 0);
	complete(&k->started);
	while (!kthread_should_stop())
		msleep(1);
	return 42;
}

/* kthread_run starts it; kthread_stop returns its result; a thread
 * never woken does not run its function (-EINTR). */
static void kthread_run_stop(struct kunit *test)
{
	struct kt k = { 0 }, never = { 0 };
	struct task_struct *t;

	init_completion(&k.started);
	t = kthread_run(kt_fn, &k, "vmk_kt/%d", 3);
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	KUNIT_EXPECT_GT(test, wait_for_completion_timeout(&k.started, 10 * HZ), 0UL);
	KUNIT_EXPECT_EQ(test, strcmp(k.comm, "vmk_kt/3"), 0);
	KUNIT_EXPECT_EQ(test, kthread_stop(t), 42);

	init_completion(&never.started);
	t = kthread_create(kt_fn, &never, "vmk_never");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	msleep(20);
	KUNIT_EXPECT_EQ(test, kthread_stop(t), -EINTR);
	KUNIT_EXPECT_EQ(test, never.ran, 0);
}

struct where {
	int cpu;
	int pid;
	char comm[16];
	struct completion ran;
};

static int where_fn(void *data)
{
	struct where *w = data;

	w->cpu = sched_getcpu();
	w->pid = current->pid;
	memcpy(w->comm, current->comm, sizeof(w->comm));
	complete(&w->ran);
	return 0;
}

/* kthread_bind before the wake-up: the function runs on that CPU (the
 * last one this process may use); current is the kthread's task. */
static void kthread_bind_cpu(struct kunit *test)
{
	struct where w = { .cpu = -1 };
	struct task_struct *t;
	cpu_set_t allowed;
	int cpu = -1, n = 0, c;

	KUNIT_ASSERT_EQ(test, sched_getaffinity(0, sizeof(allowed), &allowed), 0);
	for_each_online_cpu(c) {
		n++;
		if (CPU_ISSET(c, &allowed))
			cpu = c;
	}
	KUNIT_EXPECT_EQ(test, n, (int)num_online_cpus());
	KUNIT_ASSERT_GE(test, cpu, 0);
	init_completion(&w.ran);
	t = kthread_create_on_cpu(where_fn, &w, cpu, "vmk_on/%u");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	wake_up_process(t);
	/* It has run before the stop (else -EINTR, as in Linux). */
	KUNIT_EXPECT_GT(test, wait_for_completion_timeout(&w.ran, 10 * HZ), 0UL);
	KUNIT_EXPECT_EQ(test, kthread_stop(t), 0);
	KUNIT_EXPECT_EQ(test, w.cpu, cpu);
	KUNIT_EXPECT_NE(test, w.pid, current->pid);
	KUNIT_EXPECT_GT(test, w.pid, 0);
	KUNIT_EXPECT_EQ(test, strncmp(w.comm, "vmk_on/", 7), 0);
	KUNIT_EXPECT_EQ(test, current->pid, gettid());
}

/* A completion's timeout expires (0) when nobody completes it. */
static void completion_timeout(struct kunit *test)
{
	DECLARE_COMPLETION_ONSTACK(c);
	u64 t0 = ktime_get_ns();

	KUNIT_EXPECT_EQ(test, wait_for_completion_timeout(&c, msecs_to_jiffies(30)), 0UL);
	KUNIT_EXPECT_GE(test, ktime_get_ns() - t0, 30ull * 1000000);
	complete(&c);
	KUNIT_EXPECT_TRUE(test, completion_done(&c));
	KUNIT_EXPECT_GT(test, wait_for_completion_timeout(&c, HZ), 0UL);
	KUNIT_EXPECT_FALSE(test, try_wait_for_completion(&c));
}

static DECLARE_RWSEM(test_rwsem);

static int reader_fn(void *data)
{
	atomic_t *in = data;

	down_read(&test_rwsem);
	atomic_set(in, 1);
	up_read(&test_rwsem);
	return 0;
}

/* A writer holds readers off until up_write. */
static void rwsem_excludes(struct kunit *test)
{
	atomic_t in = ATOMIC_INIT(0);
	struct task_struct *t;

	down_write(&test_rwsem);
	t = kthread_run(reader_fn, &in, "vmk_reader");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	msleep(50);
	KUNIT_EXPECT_EQ(test, atomic_read(&in), 0);
	KUNIT_EXPECT_FALSE(test, down_read_trylock(&test_rwsem));
	up_write(&test_rwsem);
	KUNIT_EXPECT_EQ(test, kthread_stop(t), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&in), 1);
	KUNIT_EXPECT_TRUE(test, down_read_trylock(&test_rwsem));
	KUNIT_EXPECT_TRUE(test, down_read_trylock(&test_rwsem));
	KUNIT_EXPECT_FALSE(test, down_write_trylock(&test_rwsem));
	up_read(&test_rwsem);
	up_read(&test_rwsem);
}

static struct kunit_case vmk_threads_cases[] = {
	KUNIT_CASE(wq_runs_async_on_worker),
	KUNIT_CASE(wq_pending_queued_once),
	KUNIT_CASE(wq_flush_work_waits),
	KUNIT_CASE(wq_flush_workqueue_in_order),
	KUNIT_CASE(wq_cancel_work_sync),
	KUNIT_CASE(wq_delayed_work),
	KUNIT_CASE(wq_destroy_drains),
	KUNIT_CASE(wq_idle_work_after_destroy),
	KUNIT_CASE(wq_system_wq),
	KUNIT_CASE(kthread_run_stop),
	KUNIT_CASE(kthread_bind_cpu),
	KUNIT_CASE(completion_timeout),
	KUNIT_CASE(rwsem_excludes),
	{}
};

static struct kunit_suite vmk_threads_suite = {
	.name = "vmkasan_kernel_threads",
	.test_cases = vmk_threads_cases,
};
kunit_test_suite(vmk_threads_suite);
