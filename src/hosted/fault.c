// SPDX-License-Identifier: MIT
/*
 * Turning faults into reports.
 *
 * Some addresses have no shadow we keep mapped: the shadow gap (the
 * shadow of shadow memory, which an instrumented access through a wild
 * pointer into the shadow region reads) and, later, unused parts of the
 * vmalloc space.  An instrumented access there faults on the *shadow*
 * load.  Rather than report that shadow address, the handler maps a
 * read-only page of poison at the faulting shadow page and returns: the
 * check runs again, sees poison and calls the report with the real
 * address, size and direction, exactly as for any other bad access
 * (the v4 review: "bad memory accesses will Oops on the shadow memory
 * access instead of Oopsing on the real bad access").  The report drops
 * the temporary page.
 *
 * Other faults (NULL, guard pages, plain wild pointers) get a report at
 * the faulting address and end the program.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "kasan/kasan.h"
#include "hosted.h"

#define MAX_FAULT_PAGES 32

static struct fault_page {
	uintptr_t page;		/* 0: free slot */
} fault_pages[MAX_FAULT_PAGES];
static unsigned next_victim;
static kasan_spinlock_t fault_lock;

#define MAX_HOOKS 4
static hosted_shadow_hole_fn shadow_holes[MAX_HOOKS];
static hosted_fault_fn fault_explainers[MAX_HOOKS];

void hosted_register_shadow_hole(hosted_shadow_hole_fn fn)
{
	for (unsigned i = 0; i < MAX_HOOKS; i++)
		if (!shadow_holes[i]) {
			shadow_holes[i] = fn;
			return;
		}
}

void hosted_register_fault_explainer(hosted_fault_fn fn)
{
	for (unsigned i = 0; i < MAX_HOOKS; i++)
		if (!fault_explainers[i]) {
			fault_explainers[i] = fn;
			return;
		}
}

/* The poison value an absent shadow byte at this address stands for,
 * or -1 if the address is real memory whose fault is not ours. */
static int hole_value(uintptr_t shadow_addr)
{
	if (shadow_addr >= SHADOW_GAP_START && shadow_addr < SHADOW_GAP_END)
		return KASAN_SHADOW_GAP;
	for (unsigned i = 0; i < MAX_HOOKS && shadow_holes[i]; i++) {
		int v = shadow_holes[i](shadow_addr);

		if (v >= 0)
			return v;
	}
	return -1;
}

static void unmap_fault_page(uintptr_t page)
{
	mmap((void *)page, PLAT_PAGE_SIZE, PROT_NONE,
	     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
}

/* Returns false if the page is already there: the fault was a write. */
static bool map_fault_page(uintptr_t page, int value)
{
	bool fresh = true;

	kasan_spin_lock(&fault_lock);
	for (unsigned i = 0; i < MAX_FAULT_PAGES; i++)
		if (fault_pages[i].page == page)
			fresh = false;
	/* Populated meanwhile: just retry the access. */
	if (fresh && hole_value(page) < 0) {
		kasan_spin_unlock(&fault_lock);
		return true;
	}
	if (fresh) {
		struct fault_page *slot = &fault_pages[next_victim++ % MAX_FAULT_PAGES];

		if (slot->page)
			unmap_fault_page(slot->page);
		mmap((void *)page, PLAT_PAGE_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		plat_memset((void *)page, value, PLAT_PAGE_SIZE);
		mprotect((void *)page, PLAT_PAGE_SIZE, PROT_READ);
		slot->page = page;
	}
	kasan_spin_unlock(&fault_lock);
	return fresh;
}

void hosted_fault_lock(void)
{
	kasan_spin_lock(&fault_lock);
}

void hosted_fault_unlock(void)
{
	kasan_spin_unlock(&fault_lock);
}

void hosted_fault_forget(uintptr_t page)
{
	for (unsigned i = 0; i < MAX_FAULT_PAGES; i++)
		if (fault_pages[i].page == page)
			fault_pages[i].page = 0;
}

void hosted_drop_fault_shadow(uintptr_t addr)
{
	uintptr_t page = ALIGN_DOWN((uintptr_t)kasan_shadow(addr), PLAT_PAGE_SIZE);

	kasan_spin_lock(&fault_lock);
	for (unsigned i = 0; i < MAX_FAULT_PAGES; i++) {
		if (fault_pages[i].page == page) {
			unmap_fault_page(page);
			fault_pages[i].page = 0;
		}
	}
	kasan_spin_unlock(&fault_lock);
}

void plat_report_done(uintptr_t addr)
{
	hosted_drop_fault_shadow(addr);
}

/* mmap and munmap keep every thread's view of the shadow exact. */
bool plat_shadow_recheck(uintptr_t addr, size_t size)
{
	(void)addr;
	(void)size;
	return false;
}

bool plat_pc_in_runtime(uintptr_t pc)
{
	static const char *const prefixes[] = { "kasan_", "__asan_", "plat_", "hosted_", "vmk_",
						"vmkasan_" };
	struct plat_symbol sym;

	if (!plat_symbolize(pc, false, &sym) || !sym.func)
		return false;
	for (unsigned i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (!strncmp(sym.func, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

static void fatal_fault(int sig, uintptr_t addr, bool write, uintptr_t ip, uintptr_t fp,
			uintptr_t sp)
{
	struct kasan_access a = {
		.addr = addr, .write = write, .fault = true, .ip = ip, .fp = fp,
	};

	for (unsigned i = 0; i < MAX_HOOKS && fault_explainers[i]; i++)
		if (fault_explainers[i](addr, write, ip, fp, sp))
			plat_die(kasan_flags.exitcode, kasan_flags.abort_on_error);

	if (plat_pc_in_runtime(ip)) {
		kasan_printf("vmkasan: internal error: %s accessing %p at pc %p in the runtime\n",
			     sig == SIGBUS ? "SIGBUS" : "SIGSEGV", (void *)addr, (void *)ip);
		kasan_print_trace(ip, fp, false);
		plat_die(kasan_flags.exitcode, true);
	}
	if (addr >= PLAT_PAGE_SIZE && plat_addr_has_shadow(addr))
		a.bug_type = "unable-to-handle-page-fault";
	a.detail = sig == SIGBUS ? "(SIGBUS: the memory behind the mapping is gone)" : NULL;
	/* The report tells multi_shot; a fatal fault is printed regardless. */
	kasan_flags.multi_shot = 1;
	kasan_report(&a);
	plat_die(kasan_flags.exitcode, kasan_flags.abort_on_error);
}

/*
 * A general protection fault (a non-canonical address: the CPU names no
 * address, si_addr is 0) in instrumented code comes from the shadow load
 * of an address whose shadow is non-canonical too.  Find the address the
 * program used among the registers: a non-canonical value whose shadow
 * address (or its >> 3) another register holds, else the first
 * non-canonical value.
 */
static bool non_canonical(uint64_t v)
{
	return v >= PLAT_ADDR_LIMIT && v < 0xffff800000000000ULL;
}

static uintptr_t guess_gp_address(const ucontext_t *uc)
{
	static const int regs[] = { REG_RAX, REG_RBX, REG_RCX, REG_RDX, REG_RSI, REG_RDI, REG_R8,
				    REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15 };
	uintptr_t first = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++) {
		uint64_t v = (uint64_t)uc->uc_mcontext.gregs[regs[i]];

		if (!non_canonical(v))
			continue;
		if (!first)
			first = v;
		for (unsigned j = 0; j < ARRAY_SIZE(regs); j++) {
			uint64_t w = (uint64_t)uc->uc_mcontext.gregs[regs[j]];

			if (j != i && (w == (v >> 3) || w == (v >> 3) + KASAN_SHADOW_OFFSET))
				return v;
		}
	}
	return first;
}

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	uintptr_t addr = (uintptr_t)si->si_addr;
	uintptr_t ip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	uintptr_t fp = (uintptr_t)uc->uc_mcontext.gregs[REG_RBP];
	uintptr_t sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
	/* x86 page-fault error code: bit 1 is set for writes. */
	bool write = uc->uc_mcontext.gregs[REG_ERR] & 2;
	int saved_errno = errno;
	int value;

	if (sig == SIGSEGV && si->si_code == SI_KERNEL && !addr) {
		uintptr_t guess = guess_gp_address(uc);
		struct kasan_access a = {
			.addr = guess, .fault = true, .ip = ip, .fp = fp, .op = "Access",
			.bug_type = "wild-memory-access",
			.detail = guess ? "(general protection fault: a non-canonical address, "
					  "recovered from the registers)"
					: "(general protection fault: a non-canonical address; "
					  "the CPU does not say which)",
		};

		kasan_flags.multi_shot = 1;
		kasan_report(&a);
		plat_die(kasan_flags.exitcode, kasan_flags.abort_on_error);
	}
	if (sig == SIGSEGV && (value = hole_value(addr)) >= 0) {
		if (!write && map_fault_page(ALIGN_DOWN(addr, PLAT_PAGE_SIZE), value)) {
			errno = saved_errno;
			return;	/* retry: the check now reads poison */
		}
		/* Writing a shadow that does not exist: only the runtime does that. */
		kasan_printf("vmkasan: internal error: write to absent shadow %p (of address %p) at pc %p\n",
			     (void *)addr, (void *)kasan_shadow_to_mem((void *)addr), (void *)ip);
		kasan_print_trace(ip, fp, false);
		plat_die(kasan_flags.exitcode, true);
	}
	fatal_fault(sig, addr, write, ip, fp, sp);
}

#define ALTSTACK_SIZE (64 * 1024)

void hosted_setup_altstack(void)
{
	stack_t ss, old;

	if (sigaltstack(NULL, &old) == 0 && !(old.ss_flags & SS_DISABLE))
		return;	/* the program has its own */
	ss.ss_sp = mmap(NULL, ALTSTACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	if (ss.ss_sp == MAP_FAILED)
		return;
	ss.ss_size = ALTSTACK_SIZE;
	ss.ss_flags = 0;
	sigaltstack(&ss, NULL);
}

bool hosted_install_fault_handler(char *err, size_t errlen)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	hosted_setup_altstack();
	if (sigaction(SIGSEGV, &sa, NULL) || sigaction(SIGBUS, &sa, NULL)) {
		kasan_snprintf(err, errlen, "vmkasan: cannot install the fault handler: %s",
			       strerror(errno));
		return false;
	}
	return true;
}
