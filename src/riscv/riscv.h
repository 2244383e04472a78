/* SPDX-License-Identifier: MIT */
/* Internal interfaces between the files of the bare-metal RISC-V64 port. */
#ifndef VMKASAN_RISCV_H
#define VMKASAN_RISCV_H

#include "core.h"

#define csr_read(csr) ({ unsigned long __v; \
	__asm__ volatile("csrr %0, " #csr : "=r"(__v) :: "memory"); __v; })
#define csr_write(csr, v) __asm__ volatile("csrw " #csr ", %0" :: "rK"(v) : "memory")

/* Sv39 page-table entries. */
#define PTE_V		(1UL << 0)
#define PTE_R		(1UL << 1)
#define PTE_W		(1UL << 2)
#define PTE_X		(1UL << 3)
#define PTE_G		(1UL << 5)
#define PTE_A		(1UL << 6)
#define PTE_D		(1UL << 7)
#define PTE_OWNED	(1UL << 8)	/* RSW: the frame is ours to free */
#define PTE_GUARD	(1UL << 9)	/* RSW on an invalid PTE: a stack guard page */
#define PTE_ZFRAME	(1UL << 9)	/* RSW on a valid shadow PTE: a written zero page's frame */
#define PTE_PPN_SHIFT	10
typedef uint64_t pte_t;

/* The state of the leaf PTE behind a virtual address (the page tables
 * are the truth the tests check against). */
enum rv_pte_state { RV_PTE_NONE, RV_PTE_POISON, RV_PTE_FRAME, RV_PTE_GUARD, RV_PTE_OTHER,
		     RV_PTE_ZERO };

/* A trap as the entry code saved it. */
struct trap_frame {
	uintptr_t x[32];
	uintptr_t sepc, sstatus, scause, stval, nested, pad;
};

/* Callee-saved state of a thread switched out by rv_switch. */
struct rv_ctx {
	uintptr_t ra, sp, s[12];
};

struct rv_thread {
	struct rv_ctx ctx;
	struct rv_thread *next;		/* run queue of its hart */
	void (*fn)(void *);
	void *arg;
	void *vm_stack;			/* the vmalloc area, NULL for boot stacks */
	uintptr_t stack_lo, stack_hi;
	unsigned long tid;
	unsigned hart;
	volatile int done;
	int malloc_depth;		/* plat_thread_malloc_depth() */
	char name[16];
};

/* Per hart, pointed to by tp. */
struct rv_hart {
	unsigned id;
	struct rv_thread *cur;
	struct rv_thread boot;		/* the hart's boot thread */
	struct rv_thread *runq;		/* ready threads (cooperative) */
	struct rv_thread *zombie;	/* ended, its stack still in use until the switch */
	kasan_spinlock_t rq_lock;
	uintptr_t trap_stack_lo, trap_stack_hi;
};

static inline struct rv_hart *this_hart(void)
{
	struct rv_hart *h;

	__asm__("mv %0, tp" : "=r"(h));
	return h;
}

extern struct rv_hart rv_harts[RV_MAX_HARTS];
extern unsigned rv_nr_harts;		/* harts the device tree lists, at most RV_MAX_HARTS */
extern volatile unsigned long rv_hart_online;	/* bit per hart in S-mode */

/* start.S */
void rv_switch(struct rv_ctx *from, struct rv_ctx *to);
void rv_thread_trampoline(void);
extern char s_trap_vector[];
extern char __image_start[], __image_end[], __bss_start[], __bss_end[];

/* console.c */
void rv_uart_putc(char c);
__attribute__((noreturn)) void rv_exit(int code);
void rv_console_lock(bool lock);

/* fdt.c: facts from the device tree, copied out before its RAM is reused */
bool rv_fdt_parse(uintptr_t fdt, const char **bootargs, size_t *len, unsigned *nr_cpus);

/* pgtable.c */
extern pte_t *rv_root;
void rv_boot_alloc_init(uintptr_t start, uintptr_t end);
uintptr_t rv_boot_alloc(void);
uintptr_t rv_boot_alloc_end(void);
/* 0 when none left. */
uintptr_t rv_page_alloc(void);
void rv_page_free(uintptr_t pa);
bool rv_map(uintptr_t va, uintptr_t pa, pte_t flags);
pte_t *rv_pte(uintptr_t va, bool create);
void rv_tlb_flush_all(void);		/* every online hart */
void rv_tlb_flush_local(void);
void rv_tlb_flush_range(uintptr_t va, unsigned long n);	/* here: those pages; others: all */
void rv_tlb_flush_remote(void);
enum rv_pte_state rv_pte_state_of(uintptr_t va);
bool rv_pt_boot(char *err, size_t len);
bool rv_pt_vshadow(char *err, size_t len);
extern uintptr_t rv_poison_page, rv_gap_page, rv_zero_page;
extern unsigned long rv_pt_pages;
/* vmalloc shadow: frames and the poison page */
bool rv_shadow_map(uintptr_t sp, uintptr_t pa);
bool rv_shadow_pages_map(uintptr_t sp, unsigned long n, int fill);
void rv_shadow_pages_unmap(uintptr_t sp, unsigned long n);
unsigned long rv_shadow_resident(void);
/* zero shadow (pgtable.c): the zero page in a big area's shadow */
bool rv_shadow_zero_map(uintptr_t sp, unsigned long n);
bool rv_shadow_zero_fill(uintptr_t sp);
bool rv_shadow_is_zero(uintptr_t sa);
extern int rv_shadow_unmapped;	/* option: unused shadow unmapped instead of poison */

/* events.c */
#include <vmkasan_riscv.h>
extern struct vmk_events rv_events;
#define RV_EVENT_ADD(field, n) __atomic_add_fetch(&rv_events.field, (n), __ATOMIC_RELAXED)

/* fault.c */
void rv_trap(struct trap_frame *f);
extern volatile int rv_in_read_safe;

/* sched.c */
void rv_sched_init_hart(unsigned hart);
void rv_secondary_loop(void);
struct rv_thread *rv_thread_create(void (*fn)(void *), void *arg, unsigned hart, size_t size,
				   const char *name);
void rv_thread_join(struct rv_thread *t);

/* module.c: the module files vmkasan-qemu put in RAM at addr */
void rv_module_files(uintptr_t addr, size_t len);

/* symbolize.c */
bool rv_symbolize(uintptr_t pc, const char **name, uintptr_t *off, uintptr_t *size);

/* machine.c: is pc in the runtime's own code? (internal-fault messages) */
bool rv_pc_in_runtime(uintptr_t pc);

#endif
