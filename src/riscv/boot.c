// SPDX-License-Identifier: MIT
/*
 * Bringing the machine up: M-mode set-up on every hart (PMP open,
 * exceptions and supervisor interrupts delegated, counters readable, the
 * TLB shoot-down interrupt enabled), then S-mode: the device tree, the
 * page tables, kasan_init(), the program's constructors (gcc and clang
 * register globals there), and main(argc, argv) on a vmap stack.
 */
#include "riscv.h"

#define TRAP_STACK	(64 * 1024)

volatile unsigned long rv_hart_go __attribute__((section(".data")));
uint64_t rv_m_save[RV_MAX_HARTS][4];
char rv_boot_stacks[RV_MAX_HARTS][16384] __attribute__((aligned(16)));
static char trap_stacks[RV_MAX_HARTS][TRAP_STACK] __attribute__((aligned(16)));

struct rv_hart rv_harts[RV_MAX_HARTS];
unsigned rv_nr_harts = 1;
volatile unsigned long rv_hart_online;

/* Options of this port, parsed with the core's. */
static const struct kasan_option port_options[] = {
	{ "vmalloc_shadow_unmapped", OPT_BOOL, &rv_shadow_unmapped, NULL, 0, 1,
	  "unused vmalloc shadow is unmapped (reported from the page fault) instead of "
	  "mapping the read-only poison page" },
};

static char bootargs[2048];
static const char *options;
static int argc;
static char *argv[64];

extern unsigned long rv_ram_size;
extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);

int main(int argc, char **argv);
void rv_s_boot(unsigned long hartid, uintptr_t fdt);
void rv_s_secondary(unsigned long hartid);
void rv_start_main(int (*fn)(int, char **), int argc, char **argv);

__attribute__((noreturn)) void rv_m_boot(unsigned long hartid, uintptr_t fdt);
void rv_m_boot(unsigned long hartid, uintptr_t fdt)
{
	unsigned long mstatus = csr_read(mstatus);

	/* All of memory to S-mode: one NAPOT region, RWX. */
	csr_write(pmpaddr0, ~0UL >> 10);
	csr_write(pmpcfg0, 0x1f);
	/* Exceptions but ecalls, and supervisor interrupts, go to S-mode. */
	csr_write(medeleg, 0xb1ffUL);
	csr_write(mideleg, 0x222UL);
	/* rdtime from S-mode (without it the read traps). */
	csr_write(mcounteren, 7);
	/* Machine software interrupts: TLB shoot-downs (start.S). */
	csr_write(mie, 1UL << 3);
	csr_write(satp, 0);
	mstatus = (mstatus & ~(3UL << 11)) | (1UL << 11);	/* MPP = S */
	csr_write(mstatus, mstatus);
	csr_write(mepc, hartid ? (uintptr_t)rv_s_secondary : (uintptr_t)rv_s_boot);
	__asm__ volatile("mv a0, %0\n\tmv a1, %1\n\tmret" :: "r"(hartid), "r"(fdt) : "a0", "a1");
	__builtin_unreachable();
}

static void enter_hart(unsigned id)
{
	struct rv_hart *h = &rv_harts[id];

	h->id = id;
	h->trap_stack_lo = (uintptr_t)trap_stacks[id];
	h->trap_stack_hi = (uintptr_t)trap_stacks[id] + TRAP_STACK;
	__asm__ volatile("mv tp, %0" :: "r"(h));
	csr_write(stvec, (uintptr_t)s_trap_vector);
	csr_write(sscratch, h->trap_stack_hi);
	csr_write(sie, 0);
	rv_sched_init_hart(id);
}

static void use_page_tables(void)
{
	__asm__ volatile("sfence.vma" ::: "memory");
	csr_write(satp, (8UL << 60) | ((uintptr_t)rv_root >> 12));
	__asm__ volatile("sfence.vma" ::: "memory");
}

static int unhex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Words of the command line, %xx-decoded in place (vmkasan-qemu encodes
 * spaces and anything unprintable). */
static char *next_word(char **s)
{
	char *w, *out;

	while (**s == ' ')
		++*s;
	if (!**s)
		return NULL;
	w = out = *s;
	while (**s && **s != ' ') {
		if (**s == '%' && unhex((*s)[1]) >= 0 && unhex((*s)[2]) >= 0) {
			*out++ = (char)(unhex((*s)[1]) << 4 | unhex((*s)[2]));
			*s += 3;
		} else {
			*out++ = *(*s)++;
		}
	}
	if (**s)
		++*s;
	*out = 0;
	return w;
}

/* "[VMKASAN_OPTIONS=...] [--] argv0 args..." */
static void parse_bootargs(void)
{
	char *s = bootargs, *w;

	while ((w = next_word(&s)) && argc < (int)ARRAY_SIZE(argv) - 1) {
		if (!argc && !kasan_strncmp(w, "VMKASAN_OPTIONS=", 16)) {
			options = w + 16;
			continue;
		}
		if (!argc && !kasan_strcmp(w, "--"))
			continue;
		argv[argc++] = w;
	}
	if (!argc)
		argv[argc++] = (char *)"prog";
	argv[argc] = NULL;
}

const char *plat_options(void)
{
	return options;
}

const char *rv_prog_name(void)
{
	const char *n = argv[0] ? argv[0] : "prog", *slash = n;

	for (const char *p = n; *p; p++)
		if (*p == '/')
			slash = p + 1;
	return slash;
}

void rv_s_boot(unsigned long hartid, uintptr_t fdt)
{
	char err[200];
	unsigned cpus;

	rv_ram_size = 32UL << 20;
	rv_fdt_parse(fdt, bootargs, sizeof(bootargs), &cpus);
	if (cpus)
		rv_nr_harts = cpus < RV_MAX_HARTS ? cpus : RV_MAX_HARTS;
	parse_bootargs();
	rv_boot_alloc_init((uintptr_t)__image_end, RV_RAM_BASE + rv_ram_size);
	enter_hart((unsigned)hartid);
	if (!rv_pt_boot(err, sizeof(err))) {
		plat_write(err, kasan_strlen(err));
		plat_write("\n", 1);
		rv_exit(2);
	}
	use_page_tables();
	__atomic_or_fetch(&rv_hart_online, 1UL << hartid, __ATOMIC_SEQ_CST);
	kasan_register_options(port_options, ARRAY_SIZE(port_options));
	kasan_init();
	for (void (**f)(void) = __init_array_start; f < __init_array_end; f++)
		(*f)();
	/* The other harts join on the same page tables. */
	__atomic_store_n(&rv_hart_go, 1, __ATOMIC_SEQ_CST);
	rv_start_main(main, argc, argv);
}

void rv_s_secondary(unsigned long hartid)
{
	enter_hart((unsigned)hartid);
	use_page_tables();
	__atomic_or_fetch(&rv_hart_online, 1UL << hartid, __ATOMIC_SEQ_CST);
	rv_secondary_loop();
}

/* ---- the end ---- */

__attribute__((noreturn)) void rv_exit_program(int status);
void rv_exit_program(int status)
{
	if (kasan_ready && kasan_flags.print_stats) {
		kasan_printf("vmkasan: %lu report(s)\n", kasan_reports);
		mm_print_stats();
	}
	/* A program that printed a report exits with exitcode, as hosted. */
	if (kasan_reports && !status)
		status = kasan_flags.exitcode;
	rv_exit(status);
}

void plat_die(int exitcode, bool do_abort)
{
	rv_exit(do_abort ? 134 : exitcode);
}

bool plat_init(char *err, size_t errlen)
{
	return rv_pt_vshadow(err, errlen);
}
