/*
 * Concurrency, signals and processes (issue 8): one program, one case
 * per argv[1].  Each case prints "AFTER <case>" once it has checked what
 * it could itself; "FAIL ..." lines are its own assertions; run.sh checks
 * the rest (reports, exit status, no internal error, no hang).
 *
 * Never-used vmalloc space: the top quarter of the vmalloc space
 * (VMALLOC_START + 768 GiB on) is never handed out by these tests, so a
 * read there is always a real bug whose shadow is absent.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vmkasan.h>

#define noinline __attribute__((noinline))
#define PGSZ 4096UL
#define SPAN (PGSZ * 8)	/* vmalloc bytes per shadow page */

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { printf("FAIL " __VA_ARGS__); printf("\n"); \
	fflush(stdout); failures++; } } while (0)

static void say(const char *s)
{
	printf("%s\n", s);
	fflush(stdout);
}

static uintptr_t unused_base(void)
{
	return VMALLOC_START + (768UL << 30);
}

static volatile char sink;

static noinline void bug_read(volatile char *p)
{
	sink = *p;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- item 1: a bug in one thread must not disturb correct threads ----
 * Two workers allocate, fill, check and free one-page areas in the first
 * 16 KiB of a chunk of 32 KiB (one shadow page); the bug thread reads the
 * never-used last 8 KiB of the same chunk.  A new chunk every round, so
 * shadow pages are made (and, by purge and refcount, freed) all the time. */
#define ROUNDS 600
static atomic_int round_no, done_workers;
static uintptr_t chunk_base;

static uintptr_t chunk(int r)
{
	return chunk_base + (uintptr_t)r * SPAN * 2;
}

static noinline void *worker(void *arg)
{
	long id = (long)arg;

	for (int r = 0; r < ROUNDS; r++) {
		while (atomic_load(&round_no) < r)
			sched_yield();
		for (int k = 0; k < 4; k++) {
			char *p = __vmalloc_node_range(PGSZ / 2, 1, chunk(r), chunk(r) + SPAN / 2, GFP_KERNEL, PAGE_KERNEL,
						       0, -1, NULL);

			if (!p)
				continue;
			memset(p, (int)id, PGSZ / 2);
			for (unsigned long i = 0; i < PGSZ / 2; i += 64)
				if (p[i] != (char)id) {
					CHECK(0, "worker %ld: byte %lu of its own area changed", id, i);
					break;
				}
			vfree(p);
		}
		if (r % 8 == 0)
			vm_unmap_aliases();
		atomic_fetch_add(&done_workers, 1);
	}
	return NULL;
}

static noinline void *bug_reader(void *arg)
{
	(void)arg;
	for (int r = 0; r < ROUNDS; r++) {
		while (atomic_load(&round_no) < r)
			sched_yield();
		bug_read((volatile char *)chunk(r) + SPAN - 64);
		bug_read((volatile char *)chunk(r) + SPAN + 64);
		while (atomic_load(&done_workers) < 2 * (r + 1))
			sched_yield();
		atomic_store(&round_no, r + 1);
	}
	return NULL;
}

static void case_bug_vs_workers(void)
{
	pthread_t w[2], b;

	chunk_base = VMALLOC_START + (512UL << 30);
	for (long i = 0; i < 2; i++)
		pthread_create(&w[i], NULL, worker, (void *)(i + 1));
	pthread_create(&b, NULL, bug_reader, NULL);
	pthread_join(b, NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(w[i], NULL);
}

/* ---- item 2a: threads reading the same absent shadow page at once ---- */
static pthread_barrier_t barrier;

static noinline void *same_page_reader(void *arg)
{
	(void)arg;
	for (int r = 0; r < 400; r++) {
		pthread_barrier_wait(&barrier);
		bug_read((volatile char *)unused_base() + (uintptr_t)r * SPAN);
	}
	return NULL;
}

static void case_same_page(void)
{
	pthread_t t[4];

	pthread_barrier_init(&barrier, NULL, 4);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, same_page_reader, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
}

/* ---- item 2b: a thread cancelled while it prints a report ---- */
static noinline void *report_forever(void *arg)
{
	(void)arg;
	for (;;) {
		bug_read((volatile char *)unused_base() + 123);
		pthread_testcancel();	/* the program's own cancellation point */
	}
	return NULL;
}

static void case_cancel(void)
{
	for (int i = 0; i < 20; i++) {
		pthread_t t;

		pthread_create(&t, NULL, report_forever, NULL);
		usleep(2000 + (i % 5) * 700);
		pthread_cancel(t);
		pthread_join(t, NULL);
	}
	say("MAIN_REPORT");
	bug_read((volatile char *)unused_base() + 456);	/* must not hang */
	say("MAIN_REPORTED");
}

/* ---- items 2c and 4: fork while others report / vmalloc ---- */
static atomic_int stop;

static noinline void *report_until_stop(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		bug_read((volatile char *)unused_base() + 789);
		usleep(200);
	}
	return NULL;
}

static noinline void *vmalloc_until_stop(void *arg)
{
	long id = (long)arg;

	while (!atomic_load(&stop)) {
		/* 256 KiB: eight shadow pages of its own, made and freed. */
		char *p = vmalloc(256 << 10);

		if (p) {
			p[0] = (char)id;
			vfree(p);
		}
		if (id == 1)
			vm_unmap_aliases();
	}
	return NULL;
}

static noinline void child_report(void)
{
	bug_read((volatile char *)unused_base() + 4096 * 3);
}

/* Forks n children that each do what child() says; each must end by
 * itself within 10 s with status 0. */
static void fork_children(int n, void (*child)(void))
{
	int hung = 0, bad = 0;

	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		double t0 = now();
		int st;

		if (pid == 0) {
			child();
			_exit(0);
		}
		while (waitpid(pid, &st, WNOHANG) == 0) {
			if (now() - t0 > 10) {
				kill(pid, SIGKILL);
				waitpid(pid, &st, 0);
				hung++;
				break;
			}
			usleep(1000);
		}
		if (!WIFEXITED(st) || (WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 1))
			bad++;
	}
	CHECK(!hung, "%d of %d children hung", hung, n);
	CHECK(!bad, "%d of %d children died", bad, n);
}

static void case_fork_report(void)
{
	pthread_t t;

	pthread_create(&t, NULL, report_until_stop, NULL);
	fork_children(30, child_report);
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
}

static void child_vmalloc(void)
{
	char *p = vmalloc(1 << 20);

	if (!p)
		_exit(3);
	p[12345] = 1;
	vfree(p);
}

static void case_fork_vmalloc(void)
{
	pthread_t t[2];

	for (long i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, vmalloc_until_stop, (void *)(i + 1));
	fork_children(40, child_vmalloc);
	atomic_store(&stop, 1);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
}

/* ---- item 2d: vmap stacks of joinable threads live until the join ---- */
static noinline void *quick(void *arg)
{
	return arg;
}

static void case_join_stack(void)
{
	enum { N = 8 };
	pthread_t t[N];
	char *bufs[64];
	int nb = 0;

	for (int i = 0; i < N; i++)
		pthread_create(&t[i], NULL, quick, (void *)(long)(i + 100));
	usleep(100000);	/* they have all ended, none is joined */
	{
		pthread_t x;	/* making a thread reaps stacks */

		pthread_create(&x, NULL, quick, NULL);
		pthread_join(x, NULL);
	}
	vm_unmap_aliases();
	/* Take the address space back: buffers of the stacks' size. */
	for (nb = 0; nb < 64; nb++) {
		bufs[nb] = vmalloc(64 << 10);
		if (bufs[nb])
			memset(bufs[nb], 0x5a, 64 << 10);
	}
	for (int i = 0; i < N; i++) {
		void *ret = NULL;

		CHECK(pthread_join(t[i], &ret) == 0, "join %d", i);
		CHECK(ret == (void *)(long)(i + 100), "thread %d returned %p", i, ret);
	}
	for (int b = 0; b < nb; b++) {
		if (!bufs[b])
			continue;
		for (unsigned long i = 0; i < (64 << 10); i += 8)
			if (bufs[b][i] != 0x5a) {
				CHECK(0, "buffer %d byte %lu changed by a join", b, i);
				break;
			}
		vfree(bufs[b]);
	}
}

/* ---- item 2e: reports and absent-shadow faults in signal handlers ---- */
static atomic_int handler_runs;

static void on_alarm(int sig)
{
	(void)sig;
	atomic_fetch_add(&handler_runs, 1);
	bug_read((volatile char *)unused_base() + (uintptr_t)(handler_runs % 512) * SPAN);
}

static void case_signal(void)
{
	struct itimerval it = { { 0, 2000 }, { 0, 2000 } };
	double t0 = now();
	long n = 0;

	signal(SIGALRM, on_alarm);
	setitimer(ITIMER_REAL, &it, NULL);
	while (now() - t0 < 2) {
		/* Each call makes and frees shadow pages. */
		char *p = vmalloc(64 << 10);

		if (p) {
			p[1] = 1;
			vfree(p);
		}
		if (++n % 64 == 0)
			vm_unmap_aliases();
	}
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	printf("# %d handler runs, %ld vmallocs\n", atomic_load(&handler_runs), n);
	CHECK(handler_runs > 10, "only %d handler runs", atomic_load(&handler_runs));
}

/* ---- internal errors while another thread reports are printed ---- */
static void case_internal_error_mid_report(void)
{
	pthread_t t;

	pthread_create(&t, NULL, report_until_stop, NULL);
	usleep(20000);
	say("EXPECT_DEATH");
	/* The runtime writing absent shadow: an internal error, fatal. */
	vmkasan_poison((void *)(unused_base() + (5UL << 30)), 64);
	say("AFTER poison");
}

/* ---- item 3: running out of mappings ---- */
static void case_vmap_exhaust(void)
{
	enum { MAX = 40000 };
	static void *maps[MAX];
	struct page *pg[2];
	struct vmkasan_stats before, after;
	int n;

	vmkasan_get_stats(&before);
	pg[0] = alloc_page(GFP_KERNEL);
	pg[1] = alloc_page(GFP_KERNEL);
	/* Reversed: two runs, two mappings per vmap. */
	{
		struct page *t = pg[0];

		pg[0] = pg[1];
		pg[1] = t;
	}
	memset(page_address(pg[0]), 0x77, PGSZ);
	memset(page_address(pg[1]), 0x77, PGSZ);
	for (n = 0; n < MAX; n++) {
		maps[n] = vmap(pg, 2, 0, PAGE_KERNEL);
		if (!maps[n])
			break;
	}
	vmkasan_get_stats(&after);
	printf("# %d vmaps before NULL, failed[area] %lu -> %lu\n", n,
	       before.failed[VMKASAN_FAIL_AREA], after.failed[VMKASAN_FAIL_AREA]);
	CHECK(n < MAX, "vmap never failed");
	CHECK(after.failed[VMKASAN_FAIL_AREA] > before.failed[VMKASAN_FAIL_AREA],
	      "the refused vmap is not counted");
	for (int i = 0; i < n; i++)
		vunmap(maps[i]);
	vm_unmap_aliases();
	for (int k = 0; k < 200; k++) {
		char *z = vzalloc(2 * PGSZ);

		CHECK(z, "vzalloc after vunmap failed");
		if (!z)
			break;
		for (unsigned long i = 0; i < 2 * PGSZ; i++)
			if (z[i]) {
				CHECK(0, "vzalloc returned stale byte %#x at %lu", z[i] & 0xff, i);
				break;
			}
		memset(z, 0x11, 2 * PGSZ);
		vfree(z);
	}
	for (int i = 0; i < 2; i++) {
		unsigned char *q = page_address(pg[i]);

		for (unsigned long j = 0; j < PGSZ; j++)
			if (q[j] != 0x77) {
				CHECK(0, "page %d byte %lu changed by a vzalloc user", i, j);
				break;
			}
		__free_page(pg[i]);
	}
}

/* ---- item 5: a child made by a raw fork system call ---- */
static void case_raw_fork(void)
{
	char *keep[64];
	int st;
	pid_t pid;

	for (int i = 0; i < 64; i++)
		keep[i] = vmalloc(8192);
	pid = (pid_t)syscall(SYS_fork);
	if (pid == 0) {
		/* No atfork handlers ran: this must not touch the parent's state. */
		for (int i = 0; i < 64; i++)
			vfree(keep[i]);
		for (int i = 0; i < 64; i++)
			keep[i] = vmalloc(8192);
		vm_unmap_aliases();
		_exit(0);
	}
	waitpid(pid, &st, 0);
	printf("CHILD_STATUS %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	fflush(stdout);
	for (int i = 0; i < 64; i++) {
		keep[i][100] = 1;
		vfree(keep[i]);
	}
	vm_unmap_aliases();
	for (int i = 0; i < 1000; i++)
		vfree(vmalloc(8192));
	CHECK(vmkasan_report_count() == 0, "%lu reports in the parent", vmkasan_report_count());
}

/* ---- item 6: threads in a -static program ---- */
static noinline void *static_thread(void *arg)
{
	char *p = vmalloc(1000);

	if (!p)
		return NULL;
	p[999] = 1;
	vfree(p);
	return arg;
}

static void case_threads(void)
{
	pthread_t t;
	void *ret = NULL;

	CHECK(pthread_create(&t, NULL, static_thread, (void *)7L) == 0, "pthread_create failed");
	CHECK(pthread_join(t, &ret) == 0 && ret == (void *)7L, "join: %p", ret);
}

/* ---- issue 9 item 6: vmalloc_shadow=off in an instrumented program ---- */
static noinline long sum_bytes(volatile char *p, unsigned long n, unsigned long stride)
{
	long s = 0;

	for (unsigned long i = 0; i < n; i += stride)
		s += p[i];
	return s;
}

static noinline void *off_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 300; i++) {
		char *p = vmalloc(40000);

		if (!p)
			continue;
		memset(p, 1, 40000);
		CHECK(sum_bytes(p, 40000, 1) == 40000, "off: wrong sum");
		vfree(p);
	}
	return NULL;
}

static void case_off(void)
{
	pthread_t t[4];
	unsigned long n = 8UL << 20;
	char *v = vmalloc(n), *m = malloc(n);
	double t0, tv, tm;

	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, off_worker, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	memset(v, 1, n);
	memset(m, 1, n);
	t0 = now();
	for (int k = 0; k < 20; k++)
		sum_bytes(v, n, 64);
	tv = now() - t0;
	t0 = now();
	for (int k = 0; k < 20; k++)
		sum_bytes(m, n, 64);
	tm = now() - t0;
	printf("# vmalloc'd %.3f s, malloc'd %.3f s\n", tv, tm);
	CHECK(tv < 4 * tm + 0.05, "checks of vmalloc'd memory cost %.1fx those of malloc'd", tv / tm);
	vfree(v);
	free(m);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} cases[] = {
		{ "bug_vs_workers", case_bug_vs_workers },
		{ "same_page", case_same_page },
		{ "cancel", case_cancel },
		{ "fork_report", case_fork_report },
		{ "fork_vmalloc", case_fork_vmalloc },
		{ "join_stack", case_join_stack },
		{ "signal", case_signal },
		{ "internal_error", case_internal_error_mid_report },
		{ "vmap_exhaust", case_vmap_exhaust },
		{ "raw_fork", case_raw_fork },
		{ "threads", case_threads },
		{ "off", case_off },
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (unsigned i = 0; argc > 1 && i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (strcmp(argv[1], cases[i].name))
			continue;
		cases[i].fn();
		printf("AFTER %s\n", argv[1]);
		return 0;
	}
	fprintf(stderr, "usage: %s <case>\n", argv[0]);
	return 2;
}
