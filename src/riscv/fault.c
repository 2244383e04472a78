// SPDX-License-Identifier: MIT
/*
 * S-mode traps of the RISC-V port: demand paging of the runtime's
 * metadata, temporary shadow for addresses without any, and reports for
 * everything else (NULL, wild pointers, device space, stack guards).
 *
 * An instrumented access whose shadow is absent (the shadow of device
 * space or of the metadata region, the shadow of the shadow, unused
 * vmalloc shadow under vmalloc_shadow_unmapped=1) faults on the shadow
 * *load*.  As on the hosted port, the handler maps a read-only page of
 * poison there (KASAN_SHADOW_GAP, or vmalloc-invalid for the vmalloc
 * space) and returns: the check runs again and reports the real
 * address, size and direction; the report takes the page away again.
 */
#include "riscv.h"

bool rv_meta_fault(uintptr_t va, bool write);
static bool zero_shadow_write(uintptr_t sa);

#define CAUSE_INSN_MISALIGNED	0
#define CAUSE_INSN_ACCESS	1
#define CAUSE_ILLEGAL		2
#define CAUSE_BREAKPOINT	3
#define CAUSE_LOAD_MISALIGNED	4
#define CAUSE_LOAD_ACCESS	5
#define CAUSE_STORE_MISALIGNED	6
#define CAUSE_STORE_ACCESS	7
#define CAUSE_INSN_PAGE		12
#define CAUSE_LOAD_PAGE		13
#define CAUSE_STORE_PAGE	15

#define MAX_TEMP 16
static uintptr_t temp_pages[MAX_TEMP];
static unsigned temp_next;
static kasan_spinlock_t temp_lock;

static bool in_shadow(uintptr_t a)
{
	return a >= RV_SHADOW_START && a < RV_SHADOW_END;
}

/* The value absent shadow at sa stands for, or -1 (populated meanwhile). */
static int hole_value(uintptr_t sa)
{
	int v = vmalloc_shadow_hole(sa);

	if (v >= 0)
		return v;
	if (sa >= (uintptr_t)kasan_shadow(RV_VMALLOC_BASE) &&
	    sa < (uintptr_t)kasan_shadow(RV_VMALLOC_BASE + RV_VMALLOC_SIZE))
		return -1;
	return KASAN_SHADOW_GAP;
}

static bool map_temp_shadow(uintptr_t sa)
{
	uintptr_t page = ALIGN_DOWN(sa, PAGE_SIZE);
	int v = hole_value(sa);
	bool ok;

	if (v < 0)
		return true;	/* populated meanwhile: retry */
	kasan_spin_lock(&temp_lock);
	if (temp_pages[temp_next % MAX_TEMP])
		plat_report_done(kasan_shadow_to_mem((void *)temp_pages[temp_next % MAX_TEMP]));
	temp_pages[temp_next++ % MAX_TEMP] = page;
	ok = rv_map(page, v == KASAN_VMALLOC_INVALID ? rv_poison_page : rv_gap_page, PTE_R);
	kasan_spin_unlock(&temp_lock);
	rv_tlb_flush_local();
	return ok;
}

void plat_report_done(uintptr_t addr)
{
	uintptr_t page = ALIGN_DOWN((uintptr_t)kasan_shadow(addr), PAGE_SIZE);

	for (unsigned i = 0; i < MAX_TEMP; i++) {
		pte_t *e;

		if (temp_pages[i] != page)
			continue;
		temp_pages[i] = 0;
		e = rv_pte(page, false);
		/* Unless a populate put a frame there meanwhile. */
		if (e && (*e & PTE_V) && !(*e & PTE_OWNED))
			*e = 0;
		rv_tlb_flush_all();
	}
}

/*
 * Populating vmalloc shadow does not wait for the other harts' TLB
 * flush (pgtable.c): one of them may still see the poison page where a
 * frame now is.  Before reporting, flush this hart's TLB and look again.
 */
bool plat_shadow_recheck(uintptr_t addr, size_t size)
{
	if (addr + size <= RV_VMALLOC_BASE || addr >= RV_VMALLOC_BASE + RV_VMALLOC_SIZE)
		return false;
	if (!(READ_ONCE(rv_hart_online) & ~(1UL << this_hart()->id)))
		return false;
	RV_EVENT_ADD(stale_fixups, 1);
	rv_tlb_flush_local();
	return true;
}

static const char *cause_name(unsigned long cause)
{
	switch (cause) {
	case CAUSE_INSN_MISALIGNED: return "instruction address misaligned";
	case CAUSE_INSN_ACCESS: return "instruction access fault";
	case CAUSE_ILLEGAL: return "illegal instruction";
	case CAUSE_BREAKPOINT: return "breakpoint (a trap instruction)";
	case CAUSE_LOAD_MISALIGNED: return "load address misaligned";
	case CAUSE_LOAD_ACCESS: return "load access fault";
	case CAUSE_STORE_MISALIGNED: return "store address misaligned";
	case CAUSE_STORE_ACCESS: return "store access fault";
	case CAUSE_INSN_PAGE: return "instruction page fault";
	case CAUSE_LOAD_PAGE: return "load page fault";
	case CAUSE_STORE_PAGE: return "store page fault";
	default: return "exception";
	}
}

/*
 * A fault at an address outside our half of Sv39 in instrumented code
 * is the shadow load of an address whose shadow is outside it too (a
 * wild pointer above 256 GiB, an upper-half "kernel" address): find the
 * address the program used among the registers, as the hosted port
 * does for a general protection fault.
 */
static __attribute__((noreturn)) void wild_shadow_fault(struct trap_frame *f, bool write)
{
	uintptr_t guess = 0;
	struct kasan_access a = {
		.fault = true, .write = write, .ip = f->sepc, .fp = f->x[8],
		.op = "Access",	/* the fault was the shadow load */
	};

	for (unsigned i = 1; i < 32 && !guess; i++)
		if ((f->x[i] >> KASAN_SHADOW_SCALE_SHIFT) + KASAN_SHADOW_OFFSET == f->stval)
			guess = f->x[i];
	a.addr = guess ? guess : f->stval;
	a.detail = guess ? "(the address is outside the lower half of Sv39 and has no shadow; "
			   "recovered from the registers)"
			 : "(a fault outside the lower half of Sv39)";
	kasan_report_fatal_fault(&a);
}

/*
 * A trap that is no memory access (an illegal instruction, ebreak, a
 * misaligned pc) has no address for a KASAN report: it is told as Linux
 * riscv's die() tells it for the kernel (arch/riscv/kernel/traps.c,
 * process.c __show_regs): "<what> [#n]", the task, epc and ra as
 * symbols, the registers, status/badaddr/cause, the trace, and the
 * instruction halfwords around the pc with the faulting one in brackets.
 */
static const char *oops_name(unsigned long cause)
{
	switch (cause) {
	case CAUSE_ILLEGAL: return "Oops - illegal instruction";
	case CAUSE_BREAKPOINT: return "Kernel BUG";	/* BUG() is ebreak there */
	case CAUSE_INSN_MISALIGNED: return "Oops - instruction address misaligned";
	case CAUSE_LOAD_PAGE: case CAUSE_STORE_PAGE: case CAUSE_INSN_PAGE:
	case CAUSE_LOAD_ACCESS: case CAUSE_STORE_ACCESS: case CAUSE_INSN_ACCESS:
	case CAUSE_LOAD_MISALIGNED: case CAUSE_STORE_MISALIGNED:
		return NULL;	/* accesses: reported by address */
	default: return "Oops - unknown exception";
	}
}

static void print_sym(const char *label, uintptr_t pc)
{
	struct plat_symbol sym;

	if (plat_symbolize(pc, false, &sym) && sym.func)
		kasan_printf("%s%s+0x%lx/0x%lx\n", label, sym.func, (unsigned long)sym.func_off,
			     (unsigned long)sym.func_size);
	else
		kasan_printf("%s0x%lx\n", label, (unsigned long)pc);
}

static void dump_code(uintptr_t pc)
{
	char line[80];
	size_t n = 0;
	uint16_t h;

	for (int i = -10; i < 2; i++) {
		if (!plat_read_safe(&h, pc + 2 * i, 2)) {
			kasan_printf("Code: Unable to access instruction at 0x%lx.\n",
				     (unsigned long)(pc + 2 * i));
			return;
		}
		n += (size_t)kasan_snprintf(line + n, sizeof(line) - n, i ? "%04x " : "(%04x) ", h);
	}
	kasan_printf("Code: %s\n", line);
}

static __attribute__((noreturn)) void oops(struct trap_frame *f, const char *what)
{
	static const char *const names[32] = {
		"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2",
		"a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9",
		"s10", "s11", "t3", "t4", "t5", "t6",
	};
	static unsigned long count;
	char task[32];
	bool own = kasan_report_begin(f->sepc);	/* false: inside this thread's report */

	plat_task_name(task, sizeof(task));
	kasan_printf("%s [#%lu]\n", what, ++count);
	kasan_printf("CPU: %u PID: %lu Comm: %s\n", this_hart()->id, plat_tid(), task);
	print_sym("epc : ", f->sepc);
	print_sym(" ra : ", f->x[1]);
	kasan_printf("epc : %016lx ra : %016lx sp : %016lx\n", (unsigned long)f->sepc,
		     (unsigned long)f->x[1], (unsigned long)f->x[2]);
	/* then gp to t6 in register order, three a line */
	for (unsigned i = 3; i < 32; i++)
		kasan_printf(" %-3s: %016lx%s", names[i], (unsigned long)f->x[i],
			     (i % 3 == 2 || i == 31) ? "\n" : "");
	kasan_printf("status: %016lx badaddr: %016lx cause: %016lx\n", (unsigned long)f->sstatus,
		     (unsigned long)f->stval, (unsigned long)f->scause);
	kasan_print_trace(f->sepc, f->x[8], false);
	dump_code(f->sepc);
	if (own)
		kasan_report_end();
	plat_die(kasan_flags.exitcode, kasan_flags.abort_on_error);
}

static __attribute__((noreturn)) void fatal(struct trap_frame *f, bool write)
{
	unsigned long cause = f->scause;
	uintptr_t addr = f->stval, ip = f->sepc, fp = f->x[8];
	char detail[96];
	struct kasan_access a = {
		.addr = addr, .write = write, .fault = true, .ip = ip, .fp = fp,
	};

	if ((cause == CAUSE_LOAD_PAGE || cause == CAUSE_STORE_PAGE) && addr >= PLAT_ADDR_LIMIT &&
	    !rv_pc_in_runtime(ip))
		wild_shadow_fault(f, write);
	if (rv_pc_in_runtime(ip)) {
		kasan_printf("vmkasan: internal error: %s at %p, pc %p in the runtime\n",
			     cause_name(cause), (void *)addr, (void *)ip);
		kasan_print_trace(ip, fp, false);
		plat_die(kasan_flags.exitcode, true);
	}
	if (oops_name(cause))
		oops(f, oops_name(cause));
	kasan_snprintf(detail, sizeof(detail), "(%s, scause %lu, stval %p)", cause_name(cause),
		       cause, (void *)addr);
	a.detail = detail;
	if (cause == CAUSE_ILLEGAL || cause == CAUSE_BREAKPOINT || cause == CAUSE_INSN_ACCESS ||
	    cause == CAUSE_INSN_PAGE || cause == CAUSE_INSN_MISALIGNED) {
		a.addr = ip;
		a.op = "Execute";
	}
	kasan_report_fatal_fault(&a);
}

void rv_trap(struct trap_frame *f)
{
	unsigned long cause = f->scause;
	uintptr_t addr = f->stval;
	bool write = cause == CAUSE_STORE_PAGE || cause == CAUSE_STORE_ACCESS;
	pte_t *e;

	if ((long)cause < 0) {
		/* No S-mode interrupt is enabled; ignore a stray one. */
		return;
	}
	if (cause == CAUSE_LOAD_PAGE || cause == CAUSE_STORE_PAGE) {
		if (rv_meta_fault(addr, write))
			return;
		/* Mapped by another hart since this one cached "invalid". */
		e = rv_pte(addr, false);
		if (e && (*e & PTE_V) && (*e & PTE_R) && (!write || (*e & PTE_W))) {
			RV_EVENT_ADD(stale_fixups, 1);
			rv_tlb_flush_local();
			return;
		}
		if (write && in_shadow(addr) && zero_shadow_write(addr))
			return;
		if (!write && in_shadow(addr)) {
			if (map_temp_shadow(addr))
				return;
		}
		if (write && in_shadow(addr) && rv_pc_in_runtime(f->sepc)) {
			kasan_printf("vmkasan: internal error: write to absent shadow %p (of address %p) at pc %p\n",
				     (void *)addr, (void *)kasan_shadow_to_mem((void *)addr),
				     (void *)f->sepc);
			kasan_print_trace(f->sepc, f->x[8], false);
			plat_die(kasan_flags.exitcode, true);
		}
	}
	fatal(f, write);
}

/* Zero shadow pages change (kasan_zero_vmalloc, kasan_zero_release)
 * under this lock, and their write faults are served under it. */
static kasan_spinlock_t zero_lock;

void plat_shadow_zero_lock(bool lock)
{
	if (lock)
		kasan_spin_lock(&zero_lock);
	else
		kasan_spin_unlock(&zero_lock);
}

/*
 * A store on a zero shadow page (a big area's shadow, written by a
 * partial granule, a redzone, a stack frame): the core charges the
 * page, pgtable.c maps its frame, and the store is retried.  Out of RAM
 * is no bug of the program's: a message and the end, as on the hosted
 * port.  False: not a zero page, nor one whose frame another hart has
 * just mapped.
 */
static bool zero_shadow_write(uintptr_t sa)
{
	unsigned long pfn = 0;
	bool mapped = true;
	int r;

	if (!rv_shadow_is_zero(sa)) {
		pte_t *e = rv_pte(sa, false);

		/* Its frame went in on another hart since rv_trap looked: a stale
		 * entry, mended here. */
		if (e && (*e & PTE_V) && (*e & PTE_W)) {
			RV_EVENT_ADD(stale_fixups, 1);
			rv_tlb_flush_local();
			return true;
		}
		return false;
	}
	plat_shadow_zero_lock(true);
	r = rv_shadow_is_zero(sa) ? kasan_shadow_zero_write(sa, &pfn) : 1;
	if (r == 1 && pfn)
		mapped = rv_shadow_zero_fill(ALIGN_DOWN(sa, PAGE_SIZE));
	plat_shadow_zero_lock(false);
	if (r < 0)
		return false;
	if (!r || !mapped) {
		kasan_printf("vmkasan: out of memory: the shadow of vmalloc address %p needs a frame "
			     "and %s\n", (void *)kasan_shadow_to_mem((void *)sa),
			     !r ? "the RAM budget has none left (option ram)" : "the page pool has none left");
		plat_die(kasan_flags.exitcode, true);
	}
	return true;
}
