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
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core.h"
#include "hosted.h"

/*
 * Temporary poison pages.  A page of poison over absent shadow is a
 * per-process mapping that every thread sees, so it must never cover
 * shadow that is present or being made, and taking it away must never
 * turn into a false report.  The rules:
 *
 *  - it is installed, and taken away, only under fault_lock and only
 *    while the shadow hook says the page is a hole (absent, not being
 *    made).  Populate marks a page "being made" before it maps real
 *    shadow under fault_lock too, so either the poison page goes in
 *    first and populate's MAP_FIXED replaces it atomically, or the
 *    handler sees the page busy and the access is simply retried;
 *  - it is a read-only shared mapping of a frame of the poison memfd
 *    that already holds the value: it appears whole, with one mmap;
 *  - a fault on a hole is retried, never taken for a write, unless the
 *    CPU says the access was a write: two threads faulting on one page
 *    both install it (the second install is a no-op remap);
 *  - a page is taken away at the end of the report that needed it, or
 *    when a ring of MAX_FAULT_PAGES is full (the oldest), if it is
 *    still a hole.  A thread that was about to read it faults again
 *    and puts it back: harmless.
 *
 * Signals are blocked while fault_lock is held (here and in mm.c's
 * users), so a handler that interrupted a holder never waits for its
 * own thread.
 */
#define MAX_FAULT_PAGES 32

static uintptr_t fault_pages[MAX_FAULT_PAGES];	/* 0: free slot */
static unsigned next_victim;
static kasan_spinlock_t fault_lock;

/* The poison memfd: one page per value we hand out. */
static int poison_fd = -1;
static const uint8_t poison_values[] = { KASAN_VMALLOC_INVALID, KASAN_SHADOW_GAP };

static void restore_signals(const sigset_t *old)
{
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, old, NULL, _NSIG / 8);
}

static bool make_poison_frames(void)
{
	char page[PLAT_PAGE_SIZE];

	poison_fd = memfd_create("vmkasan-poison", MFD_CLOEXEC);
	if (poison_fd < 0 || ftruncate(poison_fd, sizeof(poison_values) * PLAT_PAGE_SIZE))
		return false;
	for (unsigned i = 0; i < sizeof(poison_values); i++) {
		memset(page, poison_values[i], sizeof(page));
		if (pwrite(poison_fd, page, sizeof(page), (off_t)(i * PLAT_PAGE_SIZE)) !=
		    (ssize_t)sizeof(page))
			return false;
	}
	return true;
}
/* The poison value an absent shadow byte at this address stands for;
 * HOLE_BUSY if it is our shadow but present or being made (retry the
 * access); HOLE_NOT_OURS if the address is not ours at all. */
static int hole_value(uintptr_t shadow_addr)
{
	if (shadow_addr >= SHADOW_GAP_START && shadow_addr < SHADOW_GAP_END)
		return KASAN_SHADOW_GAP;
	/* The vmalloc space keeps the rest of the shadow that can be absent. */
	return vmalloc_shadow_hole(shadow_addr);
}

/* Put PROT_NONE back (as mm.c and machine.c made it) over a hole page. */
static void unmap_fault_page(uintptr_t page)
{
	mmap((void *)page, PLAT_PAGE_SIZE, PROT_NONE,
	     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
	/* The gap was reserved with these: same flags, so the VMAs merge. */
	if (page >= SHADOW_GAP_START && page < SHADOW_GAP_END) {
		madvise((void *)page, PLAT_PAGE_SIZE, MADV_NOHUGEPAGE);
		madvise((void *)page, PLAT_PAGE_SIZE, MADV_DONTDUMP);
	}
}

static bool map_poison(uintptr_t page, int value)
{
	for (unsigned i = 0; i < sizeof(poison_values); i++)
		if (poison_values[i] == (uint8_t)value)
			return mmap((void *)page, PLAT_PAGE_SIZE, PROT_READ, MAP_SHARED | MAP_FIXED,
				    poison_fd, (off_t)(i * PLAT_PAGE_SIZE)) == (void *)page;
	/* Any other value: an anonymous page, filled before anyone can see it
	 * is readable. */
	if (mmap((void *)page, PLAT_PAGE_SIZE, PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0) != (void *)page)
		return false;
	plat_memset((void *)page, value, PLAT_PAGE_SIZE);
	return !mprotect((void *)page, PLAT_PAGE_SIZE, PROT_READ);
}

enum { HOLE_RETRY, HOLE_MAPPED, HOLE_FAILED };

/* The absent shadow page at page reads as value from now on, unless it
 * stopped being a hole meanwhile; either way the access is retried. */
static int install_poison(uintptr_t page)
{
	sigset_t old;
	int value, ret = HOLE_RETRY;

	hosted_block_async_signals(&old);
	kasan_spin_lock(&fault_lock);
	value = hole_value(page);
	if (value >= 0) {
		bool listed = false;

		for (unsigned i = 0; i < MAX_FAULT_PAGES; i++)
			listed |= fault_pages[i] == page;
		if (!listed) {
			unsigned slot = next_victim++ % MAX_FAULT_PAGES;
			uintptr_t old_page = fault_pages[slot];

			if (old_page && hole_value(old_page) >= 0)
				unmap_fault_page(old_page);
			fault_pages[slot] = page;
		}
		ret = map_poison(page, value) ? HOLE_MAPPED : HOLE_FAILED;
	}
	kasan_spin_unlock(&fault_lock);
	restore_signals(&old);
	return ret;
}

/* mm.c maps real shadow under the fault lock, signals blocked. */
void hosted_fault_lock(sigset_t *old)
{
	hosted_block_async_signals(old);
	kasan_spin_lock(&fault_lock);
}

void hosted_fault_unlock(const sigset_t *old)
{
	kasan_spin_unlock(&fault_lock);
	restore_signals(old);
}

/* kasan_zero_release() and kasan_zero_vmalloc()'s callers: the same
 * lock as the write path below; one holder per thread at a time. */
static __thread sigset_t zero_lock_mask __attribute__((tls_model("initial-exec")));

void plat_shadow_zero_lock(bool lock)
{
	if (lock)
		hosted_fault_lock(&zero_lock_mask);
	else
		hosted_fault_unlock(&zero_lock_mask);
}

/* A write to a zero shadow page (core.h): its frame goes in, writable,
 * and the write is retried.  False: not a zero page. */
static bool zero_shadow_write(uintptr_t addr)
{
	uintptr_t page = ALIGN_DOWN(addr, PLAT_PAGE_SIZE);
	unsigned long pfn = 0;
	sigset_t old;
	int r;
	bool mapped = true;

	/* Not vmalloc shadow: not ours, and no lock taken (a fault of the
	 * runtime's own that holds it must not hang here). */
	if (vmalloc_shadow_hole(addr) == HOLE_NOT_OURS)
		return false;
	hosted_fault_lock(&old);
	r = kasan_shadow_zero_write(addr, &pfn);
	if (r == 1 && pfn)
		mapped = hosted_shadow_frame_map(page, pfn);
	hosted_fault_unlock(&old);
	if (r < 0)
		return false;
	if (!r || !mapped) {
		kasan_printf("vmkasan: out of memory: the shadow of vmalloc address %p needs a frame "
			     "and %s\n", (void *)kasan_shadow_to_mem((void *)addr),
			     !r ? "the RAM budget has none left (option ram)" : "no mapping is left");
		plat_die(kasan_flags.exitcode, true);
	}
	if (!pfn)
		sched_yield();
	return true;
}

/* The report is over: give back the poison page it needed (a page of
 * RAM-less mapping, but a VMA), if it is still a hole.  Another thread
 * about to read it faults and puts it back (see above).  Safe from
 * signal handlers: the fault lock is only held with signals blocked. */
void plat_report_done(uintptr_t addr)
{
	uintptr_t page = ALIGN_DOWN((uintptr_t)kasan_shadow(addr), PLAT_PAGE_SIZE);
	sigset_t old;

	hosted_block_async_signals(&old);
	kasan_spin_lock(&fault_lock);
	for (unsigned i = 0; i < MAX_FAULT_PAGES; i++)
		if (fault_pages[i] == page) {
			if (hole_value(page) >= 0)
				unmap_fault_page(page);
			fault_pages[i] = 0;
		}
	kasan_spin_unlock(&fault_lock);
	restore_signals(&old);
}

/* mmap and munmap keep every thread's view of the shadow exact. */
bool plat_shadow_recheck(uintptr_t addr, size_t size)
{
	(void)addr;
	(void)size;
	return false;
}

bool hosted_pc_in_runtime(uintptr_t pc)
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

	/*
	 * A checked memcpy/memmove/memset whose range has good (or no)
	 * shadow but no memory: the program's bad access, not the runtime's.
	 * Report it as the same access made by a load would be, at the
	 * faulting address, from the mem* call's caller.
	 */
	if (hosted_pc_in_runtime(ip) && kasan_mem_fault_caller(sp, fp, &a.ip, &a.fp)) {
		/* a.ip is a return address now, not a faulting pc. */
		a.fault = false;
		ip = a.ip;
		fp = a.fp;
	} else if (hosted_pc_in_runtime(ip)) {
		kasan_printf("vmkasan: internal error: %s accessing %p at pc %p in the runtime\n",
			     sig == SIGBUS ? "SIGBUS" : "SIGSEGV", (void *)addr, (void *)ip);
		kasan_print_trace(ip, fp, false);
		plat_die(kasan_flags.exitcode, true);
	}
	a.detail = sig == SIGBUS ? "(SIGBUS: the memory behind the mapping is gone)" : NULL;
	kasan_report_fatal_fault(&a);
}

/*
 * A general protection fault (a non-canonical address: the CPU names no
 * address, si_addr is 0).  In instrumented code it comes from the shadow
 * load of an address whose shadow is non-canonical too; in other code
 * from the access itself.  Recover the address from the faulting
 * instruction: decode its memory operand and compute the effective
 * address from the saved registers.  The shadow of a non-canonical
 * address gives its 8-byte granule back; a register or a 64-bit
 * immediate of the code that follows, inside that granule, gives the
 * byte (gcc's inline check of a constant address holds the address only
 * in the instructions).  What cannot be recovered is said to be unknown.
 */
static bool non_canonical(uint64_t v)
{
	return v >= PLAT_ADDR_LIMIT && v < 0xffff800000000000ULL;
}

/* ModRM register number (with REX) -> saved register. */
static uint64_t gpr(const ucontext_t *uc, unsigned r)
{
	static const int map[16] = { REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP,
				     REG_RSI, REG_RDI, REG_R8,  REG_R9,  REG_R10, REG_R11,
				     REG_R12, REG_R13, REG_R14, REG_R15 };

	return (uint64_t)uc->uc_mcontext.gregs[map[r & 15]];
}

/* One-byte opcodes that take a ModRM byte (the ALU, mov, test, group
 * forms compilers emit for loads, stores and shadow compares). */
static bool has_modrm(uint8_t op)
{
	if (op < 0x40)
		return (op & 7) < 4;
	return op == 0x63 || op == 0x69 || op == 0x6b || (op >= 0x80 && op <= 0x8f) ||
	       op == 0xc0 || op == 0xc1 || op == 0xc6 || op == 0xc7 ||
	       (op >= 0xd0 && op <= 0xd3) || op == 0xf6 || op == 0xf7 || op == 0xfe || op == 0xff;
}

/* The effective address of the memory operand of the instruction at ip,
 * or false if it has none we can decode (string instructions, VEX, ...). */
static bool insn_mem_address(const ucontext_t *uc, uintptr_t ip, uint64_t *ea)
{
	/* A valid instruction is at most 15 bytes; the zeros after them keep
	 * the decoding of garbage inside the array. */
	uint8_t c[24] = { 0 };
	unsigned i = 0, rex = 0, mod, rm, base, index = 4;
	int64_t disp = 0;
	uint64_t a = 0;
	uint8_t op;

	if (!plat_read_safe(c, ip, 16))
		return false;
	/* Any number of prefixes up to the length limit: the assembler pads
	 * with up to five segment overrides to keep branches off 32-byte
	 * boundaries (vmkasan-cc's -mbranches-within-32B-boundaries). */
	while (i < 14 && (c[i] == 0x66 || c[i] == 0x67 || c[i] == 0xf2 || c[i] == 0xf3 ||
			 c[i] == 0x2e || c[i] == 0x3e || c[i] == 0x26 || c[i] == 0x36))
		i++;
	if ((c[i] & 0xf0) == 0x40)
		rex = c[i++];
	op = c[i++];
	if (op >= 0xa0 && op <= 0xa3) {		/* mov with a 64-bit absolute address */
		kasan_memcpy_raw(ea, &c[i], 8);
		return true;
	}
	if (op == 0x0f) {
		op = c[i++];
		if (op == 0x38 || op == 0x3a)
			i++;
	} else if (!has_modrm(op)) {
		return false;
	}
	mod = c[i] >> 6;
	rm = c[i++] & 7;
	if (mod == 3)
		return false;			/* a register operand */
	if (rm == 4) {
		uint8_t sib = c[i++];

		index = ((sib >> 3) & 7) | (rex & 2 ? 8 : 0);
		base = (sib & 7) | (rex & 1 ? 8 : 0);
		if (index != 4)
			a += gpr(uc, index) << (sib >> 6);
		if ((sib & 7) == 5 && mod == 0) {
			int32_t d;

			kasan_memcpy_raw(&d, &c[i], 4);
			*ea = a + (uint64_t)(int64_t)d;
			return true;
		}
	} else if (rm == 5 && mod == 0) {
		return false;			/* RIP-relative: always canonical */
	} else {
		base = rm | (rex & 1 ? 8 : 0);
	}
	a += gpr(uc, base);
	if (mod == 1) {
		disp = (int8_t)c[i];
	} else if (mod == 2) {
		int32_t d;

		kasan_memcpy_raw(&d, &c[i], 4);
		disp = d;
	}
	*ea = a + (uint64_t)disp;
	return true;
}

/* An exact address inside the granule [g, g + 8): a register, or a
 * 64-bit little-endian value in the next 64 bytes of code. */
static bool byte_in_granule(const ucontext_t *uc, uintptr_t ip, uint64_t g, uint64_t *out)
{
	uint8_t code[72];

	for (unsigned r = 0; r < 16; r++) {
		uint64_t v = gpr(uc, r);

		if (v - g < KASAN_GRANULE_SIZE) {
			*out = v;
			return true;
		}
	}
	if (!plat_read_safe(code, ip, sizeof(code)))
		return false;
	for (unsigned i = 0; i + 8 <= sizeof(code); i++) {
		uint64_t v;

		kasan_memcpy_raw(&v, &code[i], 8);
		if (v - g < KASAN_GRANULE_SIZE) {
			*out = v;
			return true;
		}
	}
	return false;
}

enum gp_guess { GP_UNKNOWN, GP_EXACT, GP_GRANULE };

static enum gp_guess guess_gp_address(const ucontext_t *uc, uintptr_t *addr)
{
	/* Shadow addresses of the non-canonical addresses. */
	const uint64_t shadow_hi = (0xffff800000000000ULL >> KASAN_SHADOW_SCALE_SHIFT) +
				   KASAN_SHADOW_OFFSET;
	uintptr_t ip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	uint64_t ea, exact;

	if (insn_mem_address(uc, ip, &ea) && non_canonical(ea)) {
		if (ea < shadow_hi) {
			uint64_t g = (ea - KASAN_SHADOW_OFFSET) << KASAN_SHADOW_SCALE_SHIFT;

			if (byte_in_granule(uc, ip, g, &exact)) {
				*addr = exact;
				return GP_EXACT;
			}
			*addr = g;
			return GP_GRANULE;
		}
		*addr = ea;		/* the access itself */
		return GP_EXACT;
	}
	/* Undecoded: only a value whose shadow address (or >> 3) another
	 * register holds is surely the address; anything else is a guess. */
	for (unsigned i = 0; i < 16; i++) {
		uint64_t v = gpr(uc, i);

		if (!non_canonical(v))
			continue;
		for (unsigned j = 0; j < 16; j++) {
			uint64_t w = gpr(uc, j);

			if (j != i && (w == (v >> 3) || w == (v >> 3) + KASAN_SHADOW_OFFSET)) {
				*addr = v;
				return GP_EXACT;
			}
		}
	}
	return GP_UNKNOWN;
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
		uintptr_t guess = 0;
		enum gp_guess how = guess_gp_address(uc, &guess);
		struct kasan_access a = {
			.addr = guess, .fault = true, .ip = ip, .fp = fp, .op = "Access",
			.addr_unknown = how == GP_UNKNOWN,
			.detail = how == GP_EXACT ? "(general protection fault: a non-canonical address, "
						    "recovered from the faulting instruction)"
				: how == GP_GRANULE ? "(general protection fault in the shadow check of a "
						      "non-canonical address: the address of its 8-byte "
						      "granule; the exact byte is unknown)"
				: "(general protection fault: a non-canonical address; neither the "
				  "instruction nor the registers say which)",
		};

		kasan_report_fatal_fault(&a);
	}
	if (sig == SIGSEGV && write && zero_shadow_write(addr)) {
		errno = saved_errno;
		return;
	}
	if (sig == SIGSEGV && (value = hole_value(addr)) != HOLE_NOT_OURS) {
		/* A read of absent shadow (the instrumented check): make it read
		 * poison, or wait for the populate in progress, and retry.  Only
		 * the runtime writes shadow, and never absent shadow. */
		if (!write) {
			int r = value >= 0 ? install_poison(ALIGN_DOWN(addr, PLAT_PAGE_SIZE)) : HOLE_RETRY;

			if (r == HOLE_RETRY)
				sched_yield();
			if (r != HOLE_FAILED) {
				errno = saved_errno;
				return;
			}
			kasan_printf("vmkasan: internal error: cannot map a poison page at %p (no "
				     "mappings left?)\n", (void *)addr);
			plat_die(kasan_flags.exitcode, true);
		}
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
	if (!make_poison_frames()) {
		kasan_snprintf(err, errlen, "vmkasan: cannot make the poison frames: %s",
			       strerror(errno));
		return false;
	}
	if (sigaction(SIGSEGV, &sa, NULL) || sigaction(SIGBUS, &sa, NULL)) {
		kasan_snprintf(err, errlen, "vmkasan: cannot install the fault handler: %s",
			       strerror(errno));
		return false;
	}
	return true;
}
