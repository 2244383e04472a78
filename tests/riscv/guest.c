/*
 * Guest cases of the RISC-V port (tests/riscv/run.sh runs each in its own
 * QEMU virt guest): the vmalloc shadow in the page tables, the poison
 * page, bad input, vmap stacks, the page tables as the truth of a seeded
 * model test, two harts racing populate and release.  argv[1] names the
 * case; a case prints what run.sh checks, "PASS <case>" when its own
 * checks hold, and "AFTER <case>" after a bad access it survived.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vmkasan.h>
#include <vmkasan_riscv.h>

#define noinline __attribute__((noinline))
#define SPAN (4096UL * 8)	/* vmalloc bytes per shadow page */

static void *volatile sink;
static noinline void *hide(void *p) { sink = p; return sink; }

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { printf("FAIL %s:%d: ", __func__, __LINE__); \
	printf(__VA_ARGS__); printf("\n"); failures++; } } while (0)

static const void *shadow_of(const void *p) { return kasan_mem_to_shadow(p); }

static struct vmkasan_stats stats(void)
{
	struct vmkasan_stats s;

	vmkasan_get_stats(&s);
	return s;
}

/* ---- the poison page ---- */

/* Unused vmalloc space: its shadow is the poison page (or nothing with
 * vmalloc_shadow_unmapped=1); a read there is reported at the address. */
static noinline void unused_vmalloc_read(void)
{
	volatile char *p = hide((char *)VMALLOC_START + (1UL << 30) + 123);

	printf("PTE %d\n", vmk_pte_state(shadow_of((const void *)p)));
	printf("EXPECT %p\n", (void *)p);
	(void)*p;
	printf("AFTER unused_vmalloc_read\n");
}

/* Populate swaps poison for a frame, release swaps it back. */
static noinline void poison_swap(void)
{
	char *a = vmalloc(3 * SPAN);
	const void *s = shadow_of(a + SPAN);

	CHECK(vmk_pte_state(s) == VMK_PTE_FRAME, "populated shadow is %d", vmk_pte_state(s));
	vfree(a);
	vm_unmap_aliases();
	printf("RELEASED %d\n", vmk_pte_state(s));
	if (!failures)
		printf("PASS poison_swap\n");
}

/* ---- vmalloc bugs ---- */

static noinline void vmalloc_oob(void)
{
	char *v = vmalloc(3000);

	printf("EXPECT %p\n", v + 3100);
	((volatile char *)v)[hide((void *)3100) ? 3100 : 0] = 1;
	printf("AFTER vmalloc_oob\n");
	vfree(v);
}

static noinline void vmalloc_uaf(void)
{
	volatile char *v = vmalloc(5000);

	v[10] = 1;
	vfree((void *)v);
	printf("EXPECT %p\n", (void *)(v + 10));
	(void)v[10];
	printf("AFTER vmalloc_uaf\n");
}

static noinline void double_vfree(void)
{
	void *v = vmalloc(100);

	vfree(v);
	vfree(v);
	printf("AFTER double_vfree\n");
}

static noinline void vmap_oob(void)
{
	struct page *pages[3];
	char *m;

	for (int i = 0; i < 3; i++)
		pages[i] = alloc_page(GFP_KERNEL);
	m = vmap(pages, 3, VM_MAP, PAGE_KERNEL);
	/* the alias and the linear map are the same RAM */
	m[4096 + 7] = 42;
	CHECK(((char *)page_address(pages[1]))[7] == 42, "vmap alias is not the page");
	printf("EXPECT %p\n", m + 3 * 4096);
	((volatile char *)m)[3 * 4096] = 1;
	printf("AFTER vmap_oob\n");
	vunmap(m);
	for (int i = 0; i < 3; i++)
		__free_page(pages[i]);
}

static noinline void vm_map_ram_bad_count(void)
{
	struct page *pages[2] = { alloc_page(GFP_KERNEL), alloc_page(GFP_KERNEL) };
	void *m = vm_map_ram(pages, 2, -1);

	vm_unmap_ram(m, 1);
	printf("AFTER vm_map_ram_bad_count\n");
}

static noinline void percpu_oob(void)
{
	int *p = alloc_percpu(int);

	for (unsigned c = 0; c < nr_cpu_ids; c++)
		*per_cpu_ptr(p, c) = (int)c + 1;
	for (unsigned c = 0; c < nr_cpu_ids; c++)
		CHECK(*per_cpu_ptr(p, c) == (int)c + 1, "per-cpu copy %u", c);
	printf("CPUS %u\n", nr_cpu_ids);
	printf("EXPECT %p\n", (void *)(per_cpu_ptr(p, 0) + 1));
	((volatile int *)per_cpu_ptr(p, 0))[1] = 1;
	printf("AFTER percpu_oob\n");
	free_percpu(p);
}

/* ---- bad input: a report with a trace, never a hang ---- */

static noinline void null_read(void)
{
	volatile int *p = hide(NULL);

	(void)p[2];
}

static noinline void device_read(void)
{
	/* the UART's line status register, through an instrumented load */
	volatile uint8_t *p = hide((void *)0x10000005UL);

	printf("EXPECT %p\n", (void *)p);
	(void)*p;
	printf("AFTER device_read\n");
}

static noinline void unmapped_ram_read(void)
{
	/* above the 32 MiB of RAM: no RAM, no shadow */
	volatile uint64_t *p = hide((void *)0x82100000UL);

	printf("EXPECT %p\n", (void *)p);
	(void)*p;
	printf("AFTER unmapped_ram_read\n");
}

static noinline void kernel_va_read(void)
{
	/* the upper half of Sv39, where a kernel would live: nothing here */
	volatile uint64_t *p = hide((void *)0xffffffc000001000UL);

	printf("EXPECT %p\n", (void *)p);
	(void)*p;
}

static noinline void metadata_read(void)
{
	/* the runtime's own demand-paged metadata (not the program's) */
	volatile uint64_t *p = hide((void *)0x0800000010UL);

	printf("EXPECT %p\n", (void *)p);
	(void)*p;
	printf("AFTER metadata_read\n");
}

static noinline void wild_jump(void)
{
	void (*f)(void) = hide((void *)0x12345678UL);

	f();
}

/* Traps that are no memory access: told as Linux riscv's die() does. */
static noinline void illegal_insn(void)
{
	__asm__ volatile("unimp");
	printf("AFTER illegal_insn\n");
}

static noinline void breakpoint(void)
{
	__asm__ volatile("ebreak");
	printf("AFTER breakpoint\n");
}

/* ---- vmap stacks ---- */

static noinline int recurse(int n)
{
	volatile char pad[512];

	pad[0] = (char)n;
	return recurse(n + 1) + pad[0];
}

static void overflow_thread(void *arg)
{
	(void)arg;
	recurse(0);
}

static noinline void stack_overflow(void)
{
	vmk_thread_t *t = vmk_thread_create(overflow_thread, NULL, 0, 16384);

	vmk_thread_join(t);
	printf("AFTER stack_overflow\n");
}

/* main's own stack is a vmap stack too: its overflow hits the guard
 * page below it and is reported, instead of running into whatever lies
 * below a static stack. */
static noinline void main_stack_overflow(void)
{
	printf("STACK %d\n", recurse(0));
}

/* A stack size that wraps when rounded to pages (or that no vmalloc
 * space holds) gives no thread, not a stack of no pages. */
static void no_op(void *arg)
{
	(void)arg;
}

static noinline void huge_stack(void)
{
	for (size_t k = 0; k <= 8192; k += k < 16 ? 1 : 1021) {
		vmk_thread_t *t = vmk_thread_create(no_op, NULL, 0, SIZE_MAX - k);

		CHECK(!t, "vmk_thread_create with a stack of SIZE_MAX - %zu bytes", k);
		if (t)
			vmk_thread_join(t);
	}
	CHECK(!vmk_thread_create(no_op, NULL, 0, 1UL << 40), "a 1 TiB stack");
	CHECK(vmkasan_run_on_vmap_stack(no_op, NULL, SIZE_MAX - 100) == -1,
	      "vmkasan_run_on_vmap_stack with a stack of SIZE_MAX - 100 bytes");
	if (!failures && !vmkasan_report_count())
		printf("PASS huge_stack\n");
}

static void guard_probe(void *arg)
{
	char here;

	*(const void **)arg = &here;
}

/* The guard page below a thread's stack is a guard PTE. */
static noinline void stack_guard_pte(void)
{
	const char *sp = NULL;
	vmk_thread_t *t = vmk_thread_create(guard_probe, &sp, 0, 16384);

	vmk_thread_join(t);
	/* the stack is freed now; make another and look at its guard */
	t = vmk_thread_create(guard_probe, &sp, 0, 16384);
	vmk_yield();
	vmk_yield();
	CHECK(sp, "thread did not run");
	if (sp) {
		const char *guard = (const char *)(((uintptr_t)sp & ~4095UL) - 4 * 4096);

		CHECK(vmk_pte_state(guard) == VMK_PTE_GUARD, "guard PTE is %d", vmk_pte_state(guard));
	}
	vmk_thread_join(t);
	if (!failures)
		printf("PASS stack_guard_pte\n");
}

/* ---- the model test: page tables as the truth ---- */

#define MAX_LIVE 64
struct area { char *p; size_t size; unsigned char fill; int kind; struct page *pages[4]; };

static uint64_t rng;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static size_t area_bytes(const struct area *a)
{
	return a->kind ? (size_t)a->kind * 4096 : (a->size + 4095) & ~4095UL;
}

/* Where the shadow the area makes ends: after its guard page, but for a
 * vmalloc'ed area, whose guard's shadow is left as it is (as Linux does). */
static const char *shadowed_end(const struct area *a)
{
	const char *guard = a->p + area_bytes(a);

	return !a->kind ? guard : guard + 4096;
}

/* Every shadow page of every live area (and its guard) is a frame. */
static void check_live(struct area *live, int n)
{
	for (int i = 0; i < n; i++) {
		const char *s = shadow_of(live[i].p);
		const char *e = shadow_of(shadowed_end(&live[i]) + 4095 - 4096);

		for (uintptr_t sp = (uintptr_t)s & ~4095UL; sp < (uintptr_t)e; sp += 4096)
			if (vmk_pte_state((void *)sp) != VMK_PTE_FRAME) {
				CHECK(0, "area %p: shadow page %p is %d", live[i].p, (void *)sp,
				      vmk_pte_state((void *)sp));
				return;
			}
		/* and its bytes are what we wrote */
		if (live[i].p[0] != (char)live[i].fill || live[i].p[live[i].size - 1] != (char)live[i].fill)
			CHECK(0, "area %p lost its contents", live[i].p);
	}
}

/* Shadow pages the live areas (and their guard pages) need, each once,
 * with those of main's vmap stack (its area starts with the guard page
 * below the stack). */
static unsigned long shadow_needed(struct area *live, int n)
{
	static uintptr_t pages[MAX_LIVE * 16 + 16];
	unsigned long count = 0, distinct = 0;
	const void *lo, *hi;

	vmk_stack_bounds(&lo, &hi);
	for (int i = -1; i < n; i++) {
		const char *p = i < 0 ? (const char *)lo - 4096 : live[i].p;
		const char *end = i < 0 ? (const char *)hi + 4096 : shadowed_end(&live[i]);
		uintptr_t s = (uintptr_t)shadow_of(p) & ~4095UL;
		uintptr_t e = (uintptr_t)shadow_of(end + 4095 - 4096);

		for (uintptr_t sp = s; sp < e && count < MAX_LIVE * 16 + 16; sp += 4096)
			pages[count++] = sp;
	}
	for (unsigned long i = 0; i < count; i++) {
		unsigned long j;

		for (j = 0; j < i && pages[j] != pages[i]; j++)
			;
		distinct += j == i;
	}
	return distinct;
}

static noinline void model(unsigned long seed, int ops)
{
	struct area live[MAX_LIVE];
	int n = 0;
	unsigned long peak = 0, before = stats().ram_pages, areas = stats().live_areas;
	const char *policy = vmkasan_shadow_policy_name(stats().shadow_policy);
	int keep = !strcmp(policy, "keep");

	rng = seed * 2654435761UL + 1;
	for (int op = 0; op < ops && !failures; op++) {
		struct vmkasan_stats s;
		unsigned long resident;

		if (n < MAX_LIVE && (n == 0 || next_rand() % 3)) {
			struct area *a = &live[n];
			int kind = next_rand() % 4 == 0 ? 1 + (int)(next_rand() % 4) : 0;

			a->fill = (unsigned char)next_rand();
			a->kind = kind;
			if (kind) {
				for (int i = 0; i < kind; i++)
					a->pages[i] = alloc_page(GFP_KERNEL);
				a->p = vmap(a->pages, (unsigned)kind, VM_MAP, PAGE_KERNEL);
				a->size = (size_t)kind * 4096;
			} else {
				a->size = 1 + next_rand() % (next_rand() % 8 ? 20000 : 200000);
				a->p = vmalloc(a->size);
			}
			CHECK(a->p, "allocation %d failed", op);
			if (!a->p)
				break;
			memset(a->p, a->fill, a->size);
			n++;
		} else {
			int i = (int)(next_rand() % (unsigned)n);

			if (live[i].kind) {
				vunmap(live[i].p);
				for (int k = 0; k < live[i].kind; k++)
					__free_page(live[i].pages[k]);
			} else {
				vfree(live[i].p);
			}
			live[i] = live[--n];
		}
		if (next_rand() % 16 == 0)
			vm_unmap_aliases();
		check_live(live, n);
		s = stats();
		resident = vmk_shadow_resident();
		CHECK(resident == s.shadow_pages, "op %d: page tables have %lu shadow frames, the books %lu",
		      op, resident, s.shadow_pages);
		if (keep)
			CHECK(resident >= peak, "op %d: keep gave shadow back (%lu < %lu)", op, resident, peak);
		/* refcount: exactly what live areas need, plus the cache */
		if (!strcmp(policy, "refcount"))
			CHECK(resident == shadow_needed(live, n) + s.shadow_pages_cached,
			      "op %d: %lu shadow frames, live areas need %lu, cache %lu", op, resident,
			      shadow_needed(live, n), s.shadow_pages_cached);
		else
			CHECK(resident >= shadow_needed(live, n), "op %d: fewer frames than needed", op);
		if (resident > peak)
			peak = resident;
		CHECK(s.ram_pages <= s.ram_budget_pages, "over budget");
	}
	while (n) {
		struct area *a = &live[--n];

		if (a->kind) {
			vunmap(a->p);
			for (int k = 0; k < a->kind; k++)
				__free_page(a->pages[k]);
		} else {
			vfree(a->p);
		}
	}
	vm_unmap_aliases();
	printf("MODEL policy=%s ops=%d peak=%lu resident=%lu ram_before=%lu ram_after=%lu\n", policy,
	       ops, peak, vmk_shadow_resident(), before, stats().ram_pages);
	/* What is left: the cache (refcount).  keep keeps everything; purge
	 * (Linux 6.12) keeps the pages areas shared with their neighbours. */
	CHECK(stats().live_areas == areas, "%lu areas left, %lu before", stats().live_areas, areas);
	/* main's stack is the one area left */
	if (!keep && stats().shadow_policy != 1)
		CHECK(vmk_shadow_resident() <= stats().shadow_pages_cached + shadow_needed(live, 0),
		      "shadow left after everything was freed: %lu (cached %lu, main's stack %lu)",
		      vmk_shadow_resident(), stats().shadow_pages_cached, shadow_needed(live, 0));
	if (!failures)
		printf("PASS model\n");
}

/* ---- RAM: the budget is the real RAM ---- */

static noinline void oom(void)
{
	static char *areas[4096];
	int n = 0;
	struct vmkasan_stats s = stats();

	printf("BUDGET %lu pages\n", s.ram_budget_pages);
	while (n < 4096 && (areas[n] = vmalloc(64 * 1024)))
		memset(areas[n++], 1, 64 * 1024);
	s = stats();
	printf("OOM after %d KiB, ram %lu/%lu, failed page %lu shadow %lu area %lu\n", n * 64,
	       s.ram_pages, s.ram_budget_pages, s.failed[0], s.failed[1], s.failed[2]);
	CHECK(n > 100 && n < 4096, "%d areas of 64 KiB in 32 MiB", n);
	while (n)
		vfree(areas[--n]);
	vm_unmap_aliases();
	CHECK((areas[0] = vmalloc(1 << 20)), "no RAM back after freeing everything");
	vfree(areas[0]);
	if (!failures)
		printf("PASS oom\n");
}

/* Fault injection: failed allocations leave nothing behind. */
static noinline void fault_inject(void)
{
	unsigned long before, got = 0, failed = 0, after;

	vm_unmap_aliases();
	/* RAM apart from the runtime's metadata (its slab keeps its pages) */
	before = stats().ram_pages - stats().metadata_pages;
	/* 1000 tries at fail_prob=0.02: none injected has odds 2e-9 (400
	 * tries left 3e-4 per run, and the suite runs the case for three paths
	 * in each build). */
	for (int i = 0; i < 1000; i++) {
		char *p = vmalloc(1 + (size_t)(i * 7919) % 50000);

		if (!p) {
			failed++;
			continue;
		}
		got++;
		p[0] = 1;
		vfree(p);
	}
	vm_unmap_aliases();
	after = stats().ram_pages - stats().metadata_pages;
	printf("INJECT got %lu failed %lu ram before %lu after %lu resident %lu cached %lu\n", got,
	       failed, before, after, vmk_shadow_resident(), stats().shadow_pages_cached);
	CHECK(failed > 0 && got > 0, "no failure injected or none succeeded");
	CHECK(after <= before + stats().shadow_pages_cached,
	      "failed allocations leaked RAM: %lu -> %lu", before, after);
	if (!failures)
		printf("PASS fault_inject\n");
}

/* ---- two harts ---- */

struct racer { unsigned long seed, ops; int bad; };

static void race(void *arg)
{
	struct racer *r = arg;
	char *mine[8] = { 0 };
	uint64_t x = r->seed;

	for (unsigned long i = 0; i < r->ops; i++) {
		unsigned k;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		k = (unsigned)(x % 8);
		if (mine[k]) {
			if (mine[k][0] != (char)k)
				r->bad++;
			vfree(mine[k]);
			mine[k] = NULL;
		} else {
			/* small areas: neighbours from both harts share shadow pages */
			mine[k] = vmalloc(1 + (size_t)(x >> 8) % 6000);
			if (mine[k])
				memset(mine[k], (int)k, 1);
		}
		if (i % 64 == 0)
			vmk_yield();
	}
	for (unsigned k = 0; k < 8; k++)
		vfree(mine[k]);
}

static noinline void smp_race(void)
{
	struct racer r[4] = { { 1, 1500, 0 }, { 2, 1500, 0 }, { 3, 1500, 0 }, { 4, 1500, 0 } };
	vmk_thread_t *t[4];
	unsigned harts = vmk_nr_harts();
	unsigned long areas = stats().live_areas;	/* main's stack */

	printf("HARTS %u\n", harts);
	for (int i = 0; i < 4; i++)
		t[i] = vmk_thread_create(race, &r[i], (unsigned)i % harts, 0);
	for (int i = 0; i < 4; i++)
		vmk_thread_join(t[i]);
	vm_unmap_aliases();
	for (int i = 0; i < 4; i++)
		CHECK(!r[i].bad, "racer %d saw %d corrupted areas", i, r[i].bad);
	CHECK(vmk_shadow_resident() == stats().shadow_pages, "page tables %lu, books %lu",
	      vmk_shadow_resident(), stats().shadow_pages);
	CHECK(stats().live_areas == areas, "%lu areas left, %lu before", stats().live_areas, areas);
	printf("RACE resident %lu cached %lu reports %lu\n", vmk_shadow_resident(),
	       stats().shadow_pages_cached, vmkasan_report_count());
	if (!failures && !vmkasan_report_count())
		printf("PASS smp_race\n");
}

/* Areas made on one hart and used on the other: the user's hart may
 * still see the poison page where the maker's populate put a frame (the
 * populate does not wait for its TLB): no report may come of it. */
static char *volatile handoff;
static volatile int handoff_done, handoff_stop;
static unsigned long handoff_bad;

static void handoff_user(void *arg)
{
	(void)arg;
	while (!handoff_stop) {
		char *p = handoff;

		if (!p) {
			vmk_yield();
			continue;
		}
		for (int i = 0; i < 5000; i += 97)
			if (p[i] != (char)0x5a)
				handoff_bad++;
		p[4999] = 1;
		/* look at the shadow of space the next areas will take: this
		 * hart's TLB now holds the poison page for it */
		for (int k = 1; k < 64; k++)
			(void)vmkasan_region_is_poisoned(p + k * 4096, 1);
		handoff = NULL;
		handoff_done = 1;
	}
}

static noinline void smp_handoff(void)
{
	vmk_thread_t *t = vmk_thread_create(handoff_user, NULL, vmk_nr_harts() - 1, 0);
	char *churn[16] = { 0 };

	for (int i = 0; i < 600; i++) {
		char *p = vmalloc(5000);

		/* churn: neighbours come and go, shadow pages are made and freed */
		vfree(churn[i % 16]);
		churn[i % 16] = vmalloc(1 + (size_t)(i * 7919) % 70000);
		memset(p, 0x5a, 5000);
		handoff_done = 0;
		handoff = p;
		while (!handoff_done)
			vmk_yield();
		vfree(p);
	}
	handoff_stop = 1;
	vmk_thread_join(t);
	for (int i = 0; i < 16; i++)
		vfree(churn[i]);
	printf("HANDOFF bad %lu reports %lu\n", handoff_bad, vmkasan_report_count());
	CHECK(!handoff_bad, "the other hart read wrong bytes");
	if (!failures && !vmkasan_report_count())
		printf("PASS smp_handoff\n");
}

/* A bad access on the second hart is reported with its task. */
static void hart1_oob(void *arg)
{
	char *v = arg;

	printf("HART %u\n", vmk_hart_id());
	((volatile char *)v)[hide((void *)8192) ? 8192 : 0] = 1;
}

static noinline void smp_report(void)
{
	char *v = vmalloc(8192);
	vmk_thread_t *t = vmk_thread_create(hart1_oob, v, vmk_nr_harts() - 1, 0);

	vmk_thread_join(t);
	printf("AFTER smp_report\n");
	vfree(v);
}

/* The timer: a sleep of 10 ms takes 10 ms and ends by the timer's wake.
 * On a loaded host QEMU can deschedule the vCPU for the whole 10 ms
 * before the hart reaches wfi: the sleep then ends without sleeping.  A
 * few attempts tell that from a timer that never wakes wfi (which would
 * hang the guest until its timeout anyway). */
static noinline void timer_sleep(void)
{
	struct timespec a, b;
	unsigned long w = 0, us = 0;

	for (int attempt = 0; attempt < 5; attempt++) {
		w = vmk_timer_wakes();
		clock_gettime(CLOCK_MONOTONIC, &a);
		vmk_sleep_us(10000);
		clock_gettime(CLOCK_MONOTONIC, &b);
		us = (unsigned long)((b.tv_sec - a.tv_sec) * 1000000L + (b.tv_nsec - a.tv_nsec) / 1000);
		printf("SLEPT %lu us, %lu wakes\n", us, vmk_timer_wakes() - w);
		CHECK(us >= 10000 && us < 1000000, "slept %lu us", us);
		if (vmk_timer_wakes() > w)
			break;
	}
	CHECK(vmk_timer_wakes() > w, "no wake from the timer in 5 sleeps");
	if (!failures)
		printf("PASS timer_sleep\n");
}

static noinline void clean(void)
{
	char *v = vzalloc(100000);

	for (int i = 0; i < 100000; i++)
		CHECK(!v[i], "vzalloc byte %d", i);
	vfree(v);
	vm_unmap_aliases();
	printf("REPORTS %lu\n", vmkasan_report_count());
	if (!failures)
		printf("PASS clean\n");
}


/* ---- zero shadow: a big area costs what is touched ---- */

static unsigned long ram_left(void)
{
	struct vmkasan_stats s = stats();

	return s.ram_budget_pages - s.ram_pages;
}

/* Run fn on a stack whose top is top (inside a big area): its frames'
 * redzones write that area's shadow. */
static noinline void run_on_stack(void *top, void (*fn)(void))
{
	__asm__ volatile("mv s1, sp\n\tmv sp, %0\n\tjalr %1\n\tmv sp, s1"
			 :: "r"(top), "r"(fn)
			 : "s1", "ra", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a0", "a1", "a2",
			   "a3", "a4", "a5", "a6", "a7", "memory");
}

static volatile int frame_ok;

static noinline void frame_on_big_area(void)
{
	char buf[300];

	memset(hide(buf), 2, sizeof(buf));
	frame_ok = (buf[299] == 2) | (!vmkasan_region_is_poisoned(buf, sizeof(buf)) << 1) |
		   ((vmkasan_region_is_poisoned(buf + sizeof(buf), 1) != NULL) << 2);
}

/*
 * An area of N bytes where N and all of its shadow would not fit in the
 * RAM left: its shadow is the zero page but for the edges, touching it
 * costs nothing, writing its shadow (a partial granule, a stack frame)
 * costs one frame a page, and vfree gives every frame back.  Rounds:
 * nothing accumulates.  argv: rounds.
 */
static noinline void big_cost(int rounds)
{
	struct vmk_events e0, e1;
	unsigned long r0 = vmk_shadow_resident(), c0 = stats().shadow_pages_cached;
	unsigned long ram0, ram1;
	const char *policy = vmkasan_shadow_policy_name(stats().shadow_policy);

	vm_unmap_aliases();
	r0 = vmk_shadow_resident();
	c0 = stats().shadow_pages_cached;
	ram0 = stats().ram_pages - stats().metadata_pages;
	for (int round = 0; round < rounds && !failures; round++) {
		/* what is left, but 64 pages: the area's pages fit, its whole
		 * shadow (N / 8) would not */
		size_t n = ((ram_left() - 64) * 4096) & ~(SPAN - 1);
		unsigned long r, mapped;
		char *p, *mid;

		CHECK(n / 8 / 4096 > 64, "too little RAM: %zu", n);
		vmk_get_events(&e0);
		p = vmalloc(n);
		CHECK(p, "vmalloc(%zu KiB) with %lu pages left", n >> 10, ram_left());
		if (!p)
			break;
		mid = p + n / 2;
		r = vmk_shadow_resident();
		CHECK(r <= r0 + 4 + (stats().shadow_pages_cached - c0) && r == stats().shadow_pages,
		      "new area: %lu shadow frames (before %lu), books %lu", r, r0, stats().shadow_pages);
		CHECK(vmk_pte_state(shadow_of(mid)) == VMK_PTE_ZERO, "middle shadow is %d",
		      vmk_pte_state(shadow_of(mid)));
		mid[0] = 1;
		p[n - 1] = 3;
		CHECK(mid[0] == 1 && p[n - 1] == 3 && !p[0], "contents");
		CHECK(vmk_shadow_resident() == r, "a touch made shadow");
		/* a partial granule: its page gets a frame, the rest stays zero */
		vmkasan_poison(mid, 8);
		vmkasan_unpoison(mid, 5);
		CHECK(vmk_pte_state(shadow_of(mid)) == VMK_PTE_FRAME, "written shadow is %d",
		      vmk_pte_state(shadow_of(mid)));
		CHECK(!vmkasan_region_is_poisoned(mid, 5) && vmkasan_region_is_poisoned(mid, 6) == mid + 5,
		      "partial granule");
		vmkasan_unpoison(mid, 8);
		CHECK(vmk_pte_state(shadow_of(mid + 4 * SPAN)) == VMK_PTE_ZERO, "a neighbour was written");
		/* a stack frame running in the area, 64 KiB above the middle */
		frame_ok = 0;
		run_on_stack(mid + 64 * 1024, frame_on_big_area);
		CHECK(frame_ok == 7, "a frame on the big area: %d", frame_ok);
		CHECK(vmk_pte_state(shadow_of(mid + 64 * 1024 - 512)) == VMK_PTE_FRAME,
		      "the frame's shadow is %d", vmk_pte_state(shadow_of(mid + 64 * 1024 - 512)));
		CHECK(vmk_shadow_resident() == stats().shadow_pages, "page tables %lu, books %lu",
		      vmk_shadow_resident(), stats().shadow_pages);
		vmk_get_events(&e1);
		mapped = e1.shadow_mapped - e0.shadow_mapped;
		printf("BIG %zu KiB, %lu pages were left, shadow frames mapped %lu (of %zu)\n", n >> 10,
		       ram_left() + n / 4096, mapped, n / SPAN);
		CHECK(mapped <= 6, "%lu shadow frames for a big area", mapped);
		vfree(p);
		vm_unmap_aliases();
		r = vmk_shadow_resident();
		CHECK(r == stats().shadow_pages, "page tables %lu, books %lu", r, stats().shadow_pages);
		if (!strcmp(policy, "refcount"))
			CHECK(r == r0 + stats().shadow_pages_cached - c0,
			      "refcount: %lu shadow frames after vfree, %lu before, cache %lu -> %lu", r, r0,
			      c0, stats().shadow_pages_cached);
		else
			CHECK(r <= r0 + 4 * (unsigned long)(round + 1), "%s: %lu shadow frames after vfree, %lu before",
			      policy, r, r0);
	}
	/* RAM apart from the runtime's metadata (mem_map is charged where
	 * first touched) */
	ram1 = stats().ram_pages - stats().metadata_pages;
	printf("BIGRAM before %lu after %lu cached %lu -> %lu\n", ram0, ram1, c0,
	       stats().shadow_pages_cached);
	if (!strcmp(policy, "refcount"))
		CHECK(ram1 == ram0 + stats().shadow_pages_cached - c0, "RAM %lu -> %lu (cache %lu -> %lu)",
		      ram0, ram1, c0, stats().shadow_pages_cached);
	printf("REPORTS %lu\n", vmkasan_report_count());
	if (!failures && !vmkasan_report_count())
		printf("PASS big_cost\n");
}

/* A use after vfree in the middle of a big area: its shadow is the
 * poison page again, the report is at the address. */
static noinline void big_uaf(void)
{
	char *p = vmalloc(8 << 20);
	volatile char *mid = p + (4 << 20) + 123;

	*mid = 1;
	vfree(p);
	printf("EXPECT %p\n", (void *)mid);
	(void)*mid;
	printf("AFTER big_uaf\n");
}

/* The same on the other hart, which read the area (and its zero shadow)
 * before the vfree: its TLB must not keep the zero page. */
static volatile int big_stage;
static volatile char *big_mid;

static noinline void hart1_big_read(void *arg)
{
	(void)arg;
	printf("HART %u\n", vmk_hart_id());
	while (big_stage < 1)
		;
	(void)*big_mid;		/* the zero shadow and the page in this hart's TLB */
	big_stage = 2;
	while (big_stage < 3)
		;
	/* (through a call: gcc drops a check dominated by the same one) */
	(void)*(volatile char *)hide((void *)big_mid);
	printf("AFTER smp_big_uaf\n");
}

static noinline char *big_alloc(void) { return vmalloc(8 << 20); }
static noinline void big_free(char *p) { vfree(p); }

static noinline void smp_big_uaf(void)
{
	vmk_thread_t *t = NULL;

	/* Nothing but the release of the zero shadow may flush the other
	 * hart's TLB in round 1's vfree: run.sh puts the lazy purge off
	 * (vmalloc_lazy_max), and round 0 makes the runtime's metadata for
	 * these call sites (stack depot entries: same pcs in both rounds). */
	for (int round = 0; round < 2; round++) {
		char *p = big_alloc();

		big_mid = p + (4 << 20) + 123;
		if (round) {
			t = vmk_thread_create(hart1_big_read, NULL, vmk_nr_harts() - 1, 0);
			*big_mid = 1;
			big_stage = 1;
			while (big_stage < 2)
				;
			printf("EXPECT %p\n", (void *)big_mid);
		}
		big_free(p);
		if (!round)
			vm_unmap_aliases();
	}
	big_stage = 3;
	vmk_thread_join(t);
}

/* Two harts write the same zero shadow pages at once (granules 64 bytes
 * apart): each write fault maps the page's frame once, under the fault
 * lock, and neither hart loses the other's poison. */
struct big_writer { char *p; size_t n; size_t off; int bad; };

static void big_write(void *arg)
{
	struct big_writer *w = arg;

	for (int round = 0; round < 3; round++)
		for (size_t at = w->off; at < w->n; at += SPAN) {
			char *g = w->p + at;

			vmkasan_poison(g, 8);
			if (vmkasan_region_is_poisoned(g, 1) != g)
				w->bad++;
			vmkasan_unpoison(g, 8);
			if (vmkasan_region_is_poisoned(g, 8))
				w->bad++;
		}
}

static noinline void smp_big_write(void)
{
	size_t n = 4 << 20;
	char *p = vmalloc(n);
	struct big_writer w[2] = { { p, n, 64 * 1024, 0 }, { p, n, 64 * 1024 + 64, 0 } };
	unsigned long r0 = vmk_shadow_resident();
	vmk_thread_t *t;

	t = vmk_thread_create(big_write, &w[1], vmk_nr_harts() - 1, 0);
	big_write(&w[0]);
	vmk_thread_join(t);
	printf("WRITERS bad %d %d, shadow frames %lu -> %lu, books %lu\n", w[0].bad, w[1].bad, r0,
	       vmk_shadow_resident(), stats().shadow_pages);
	CHECK(!w[0].bad && !w[1].bad, "a hart lost a write");
	CHECK(vmk_shadow_resident() == stats().shadow_pages, "page tables and books differ");
	CHECK(vmk_shadow_resident() - r0 >= (n - 64 * 1024) / SPAN - 2, "fewer frames than pages written");
	vfree(p);
	printf("REPORTS %lu\n", vmkasan_report_count());
	if (!failures && !vmkasan_report_count())
		printf("PASS smp_big_write\n");
}

/* No RAM for a written zero page: a message and the end, no hang. */
static noinline void big_oom_write(void)
{
	char *p = vmalloc(8 << 20);
	unsigned long n = 0;

	CHECK(p, "vmalloc 8 MiB");
	if (!p)
		return;
	while (vmalloc(64 * 1024))
		n++;
	while (vmalloc(4096))
		n++;
	while (alloc_page(GFP_KERNEL))
		n++;
	printf("FILLED %lu allocations, %lu pages left\n", n, ram_left());
	vmkasan_poison(p + (4 << 20), 8);
	printf("AFTER big_oom_write\n");
}

#define CASE(f) { #f, f }
static const struct { const char *name; void (*fn)(void); } cases[] = {
	CASE(unused_vmalloc_read), CASE(poison_swap), CASE(vmalloc_oob), CASE(vmalloc_uaf),
	CASE(double_vfree), CASE(vmap_oob), CASE(vm_map_ram_bad_count), CASE(percpu_oob),
	CASE(null_read), CASE(device_read), CASE(unmapped_ram_read), CASE(kernel_va_read),
	CASE(metadata_read), CASE(wild_jump), CASE(illegal_insn), CASE(breakpoint), CASE(stack_overflow), CASE(stack_guard_pte),
	CASE(main_stack_overflow), CASE(huge_stack),
	CASE(oom), CASE(fault_inject), CASE(smp_race), CASE(smp_report), CASE(smp_handoff),
	CASE(timer_sleep), CASE(clean), CASE(big_uaf), CASE(smp_big_uaf), CASE(smp_big_write),
	CASE(big_oom_write),
};

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "model")) {
		model(argc > 2 ? strtoul(argv[2], NULL, 0) : 1, argc > 3 ? atoi(argv[3]) : 300);
		return failures ? 3 : 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "big_cost")) {
		big_cost(argc > 2 ? atoi(argv[2]) : 3);
		return failures ? 3 : 0;
	}
	for (unsigned i = 0; argc >= 2 && i < sizeof(cases) / sizeof(cases[0]); i++)
		if (!strcmp(argv[1], cases[i].name)) {
			cases[i].fn();
			return failures ? 3 : 0;
		}
	printf("unknown case\n");
	return 4;
}
