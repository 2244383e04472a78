// SPDX-License-Identifier: MIT
/*
 * A small cooperative scheduler: threads are bound to a hart, each hart
 * runs its own queue, and a thread gives the hart up in plat_yield()
 * (spinlocks call it when they wait long) or by ending.  Every thread,
 * main included, runs on a vmap stack: a vmalloc area whose lowest page
 * is an invalid PTE marked as guard, so an overflow faults there and is
 * reported as a stack overflow from the hart's trap stack.
 */
#include "riscv.h"
#include "vmkasan_riscv.h"

static unsigned long next_tid = 2;	/* 1: main */
const char *rv_prog_name(void);

void rv_thread_main(struct rv_thread *t);

void rv_sched_init_hart(unsigned id)
{
	struct rv_hart *h = &rv_harts[id];
	extern char rv_boot_stacks[][16384];

	h->boot.tid = 1000 + id;
	h->boot.hart = id;
	h->boot.stack_lo = (uintptr_t)rv_boot_stacks[id];
	h->boot.stack_hi = (uintptr_t)rv_boot_stacks[id] + 16384;
	kasan_snprintf(h->boot.name, sizeof(h->boot.name), "hart%u", id);
	if (id == 0) {
		/* main's task: getpid() is 1; its stack becomes a vmap
		 * stack in rv_start_main() */
		h->boot.tid = 1;
		kasan_snprintf(h->boot.name, sizeof(h->boot.name), "%s", rv_prog_name());
	}
	h->cur = &h->boot;
}

/* A finished thread's stack may be freed once the hart has left it. */
static void reap_zombie(struct rv_hart *h)
{
	struct rv_thread *z = h->zombie;

	if (z) {
		h->zombie = NULL;
		__atomic_store_n(&z->done, 1, __ATOMIC_RELEASE);
	}
}

static struct rv_thread *pop(struct rv_hart *h)
{
	struct rv_thread *t;

	kasan_spin_lock(&h->rq_lock);
	t = h->runq;
	if (t)
		h->runq = t->next;
	kasan_spin_unlock(&h->rq_lock);
	return t;
}

static void push(struct rv_hart *h, struct rv_thread *t)
{
	struct rv_thread **p;

	t->next = NULL;
	kasan_spin_lock(&h->rq_lock);
	for (p = &h->runq; *p; p = &(*p)->next)
		;
	*p = t;
	kasan_spin_unlock(&h->rq_lock);
}

void plat_yield(void)
{
	struct rv_hart *h = this_hart();
	struct rv_thread *me = h->cur, *next;

	if (!me || !(next = pop(h)))
		return;
	push(h, me);
	h->cur = next;
	rv_switch(&me->ctx, &next->ctx);
	reap_zombie(this_hart());
}

void rv_thread_main(struct rv_thread *t)
{
	struct rv_hart *h = this_hart();
	struct rv_thread *next;

	reap_zombie(h);
	t->fn(t->arg);
	/* Leave for good: the next thread marks this one done. */
	while (!(next = pop(h)))
		plat_cpu_relax();
	h->zombie = t;
	h->cur = next;
	rv_switch(&t->ctx, &next->ctx);
	__builtin_unreachable();
}

struct rv_thread *rv_thread_create(void (*fn)(void *), void *arg, unsigned hart, size_t size,
				   const char *name)
{
	struct rv_thread *t;

	/* more than the space could never be had, and rounding it up to
	 * pages could wrap to a stack of no pages */
	if (hart >= rv_nr_harts || size > RV_VMALLOC_SIZE)
		return NULL;
	t = meta_alloc(sizeof(*t));
	if (!t)
		return NULL;
	t->vm_stack = vmalloc_stack_alloc(size ? size : 32 * 1024, &t->stack_lo, &t->stack_hi);
	if (!t->vm_stack) {
		meta_free(t, sizeof(*t));
		return NULL;
	}
	t->fn = fn;
	t->arg = arg;
	t->hart = hart;
	t->tid = __atomic_fetch_add(&next_tid, 1, __ATOMIC_RELAXED);
	kasan_snprintf(t->name, sizeof(t->name), "%s", name ? name : "thread");
	t->ctx.ra = (uintptr_t)rv_thread_trampoline;
	t->ctx.sp = t->stack_hi - 16;
	t->ctx.s[1] = (uintptr_t)t;	/* s1: the trampoline's argument */
	push(&rv_harts[hart], t);
	return t;
}

void rv_thread_join(struct rv_thread *t)
{
	while (!__atomic_load_n(&t->done, __ATOMIC_ACQUIRE)) {
		plat_yield();
		plat_cpu_relax();
	}
	vmalloc_stack_free(t->vm_stack);
	meta_free(t, sizeof(*t));
}

void rv_sleep_until(uint64_t until);

/* The secondary harts run what they are given, for ever; with nothing
 * to run they sleep 100 µs at a time on the timer (timer.c) instead of
 * spinning a host CPU. */
void rv_secondary_loop(void)
{
	struct rv_hart *h = this_hart();

	for (;;) {
		if (READ_ONCE(h->runq))
			plat_yield();
		else
			rv_sleep_until(csr_read(time) + 1000);
	}
}

/* ---- main ---- */

#define MAIN_STACK	(256 * 1024)

void rv_call_on_stack(void (*fn)(void *), void *arg, uintptr_t top);

/*
 * main() runs as hart 0's boot thread, on a vmap stack like every other
 * thread's (Linux's VMAP_STACK gives every task one): an overflow of
 * main's stack faults on the guard page below it and is reported as a
 * stack overflow, where a static stack would run into whatever lies
 * below.  fn (the constructors, then main) never returns.
 */
__attribute__((noreturn)) void rv_start_main(void (*fn)(void *));
void rv_start_main(void (*fn)(void *))
{
	struct rv_thread *t = &this_hart()->boot;
	uintptr_t lo, hi;

	/* The runtime's own, like its boot allocations: no fault injection
	 * (inside the malloc family's bracket, only "malloc" is injected,
	 * and only by malloc itself). */
	fault_malloc_enter();
	t->vm_stack = vmalloc_stack_alloc(MAIN_STACK, &lo, &hi);
	fault_malloc_leave();
	if (!t->vm_stack) {
		kasan_printf("vmkasan: no RAM for main's %u KiB vmap stack\n", MAIN_STACK / 1024);
		rv_exit(2);
	}
	t->stack_lo = lo;
	t->stack_hi = hi;
	rv_call_on_stack(fn, NULL, ALIGN_DOWN(hi, 16));
	__builtin_unreachable();
}

/* Fault injection's per-thread bracket (platform.h). */
int *plat_thread_malloc_depth(void)
{
	struct rv_hart *h = this_hart();

	return h && h->cur ? &h->cur->malloc_depth : NULL;
}

/* ---- the public API of threads (vmkasan_riscv.h) ---- */

vmk_thread_t *vmk_thread_create(void (*fn)(void *), void *arg, unsigned hart, size_t stack_size)
{
	return (vmk_thread_t *)rv_thread_create(fn, arg, hart, stack_size, NULL);
}

void vmk_thread_join(vmk_thread_t *t)
{
	rv_thread_join((struct rv_thread *)t);
}

void vmk_yield(void)
{
	plat_yield();
}

unsigned vmk_hart_id(void)
{
	return this_hart()->id;
}

unsigned vmk_nr_harts(void)
{
	return rv_nr_harts;
}

void vmk_stack_bounds(const void **lo, const void **hi)
{
	struct rv_thread *t = this_hart()->cur;

	*lo = (const void *)t->stack_lo;
	*hi = (const void *)t->stack_hi;
}

int vmk_pte_state(const void *addr)
{
	return (int)rv_pte_state_of((uintptr_t)addr);
}

unsigned long vmk_shadow_resident(void)
{
	return rv_shadow_resident();
}

unsigned long vmk_page_table_pages(void)
{
	return READ_ONCE(rv_pt_pages);
}
