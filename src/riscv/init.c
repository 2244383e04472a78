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
/* Boot stacks: hart 0's brings the runtime up, then main() moves to a
 * vmap stack (sched.c); a secondary hart's runs only its idle loop.
 * Threads run on vmap stacks. */
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

const struct kasan_option *plat_port_options(unsigned *n)
{
	*n = ARRAY_SIZE(port_options);
	return port_options;
}

extern unsigned long rv_ram_size;
/* The command line and argv live in boot pages sized to it: vmkasan-qemu
 * refuses only what QEMU cannot be given (README). */
static char *bootargs;
static const char *options;
static int argc;
static char **argv;

/*
 * The last page of RAM survives a reset of the machine (QEMU reloads the
 * image; RAM keeps what it held): it carries what a restarted guest must
 * know, for vmk_restart() (test_vmalloc runs one policy per boot) and for
 * batches (vmkasan-qemu --batch: several argument sets, one boot each,
 * in one QEMU process, which is several times cheaper than a process).
 */
#define MAILBOX_MAGIC	0x766d6b6173616e31ULL	/* "vmkasan1" */
struct mailbox {
	uint64_t magic;
	uint32_t batch_index, data_len;
	char options[256];
	uint8_t data[3072];
};
static struct mailbox restart;		/* what this boot was given */
static bool restarted;
static unsigned batch_index, batch_count = 1;
static bool batch_mode;		/* "--batch" on the command line: runs are framed */
static char *all_options;

static struct mailbox *mailbox(void)
{
	return (struct mailbox *)(RV_RAM_BASE + rv_ram_size - PAGE_SIZE);
}

static void read_mailbox(void)
{
	struct mailbox *m = mailbox();

	if (m->magic == MAILBOX_MAGIC) {
		plat_memcpy(&restart, m, sizeof(restart));
		restart.options[sizeof(restart.options) - 1] = 0;
		if (restart.data_len > sizeof(restart.data))
			restart.data_len = 0;
		restarted = true;
		batch_index = restart.batch_index;
	}
	m->magic = 0;
}

static __attribute__((noreturn)) void reset_with(const struct mailbox *m)
{
	plat_memcpy(mailbox(), m, sizeof(*m));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	/* sifive_test: 0x7777 resets the machine */
	*(volatile uint32_t *)RV_TEST_BASE = 0x7777;
	for (;;)
		__asm__ volatile("wfi");
}

void vmk_restart(const char *extra_options, const void *data, size_t len)
{
	static struct mailbox m;

	kasan_memset_raw(&m, 0, sizeof(m));
	m.magic = MAILBOX_MAGIC;
	m.batch_index = batch_index;
	kasan_snprintf(m.options, sizeof(m.options), "%s", extra_options ? extra_options : "");
	if (len > sizeof(m.data))
		len = sizeof(m.data);
	m.data_len = (uint32_t)len;
	if (len)
		plat_memcpy(m.data, data, len);
	reset_with(&m);
}

const void *vmk_restart_data(size_t *len)
{
	if (!restarted)
		return NULL;
	if (len)
		*len = restart.data_len;
	return restart.data;
}

extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);

int main(int argc, char **argv);
void rv_s_boot(unsigned long hartid, uintptr_t fdt);
void rv_s_secondary(unsigned long hartid);
__attribute__((noreturn)) void rv_start_main(void (*fn)(void *));

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
	/* menvcfg.STCE: S-mode programs its own timer (Sstc's stimecmp,
	 * timer.c) instead of asking M-mode for every tick */
	__asm__ volatile("li t0, 1\n\tslli t0, t0, 63\n\tcsrs 0x30a, t0" ::: "t0");
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
 * spaces and anything unprintable, and the first byte of an argument
 * that would read as one of its markers: *escaped says the word begins
 * with an escape, so it is no marker). */
static char *next_word(char **s, bool *escaped)
{
	char *w, *out;

	while (**s == ' ')
		++*s;
	if (!**s)
		return NULL;
	w = out = *s;
	*escaped = **s == '%';
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

/* n bytes of consecutive boot pages (before the page pool takes the
 * rest of RAM); a command line too big for RAM stops the boot. */
static void *boot_buffer(size_t n)
{
	uintptr_t first = rv_boot_alloc();

	for (size_t done = PAGE_SIZE; first && done < n; done += PAGE_SIZE)
		if (!rv_boot_alloc())
			first = 0;
	if (!first) {
		static const char msg[] = "vmkasan: no RAM for the command line\n";

		plat_write(msg, sizeof(msg) - 1);
		rv_exit(2);
	}
	return (void *)first;
}

/* "[VMKASAN_OPTIONS=...] [--] argv0 args... [--next argv0 args...]...":
 * this boot takes the argument set its batch index names. */
static void parse_bootargs(const char *line, size_t len)
{
	char *s, *w;
	unsigned set = 0;
	size_t words = 1;
	bool escaped;

	bootargs = boot_buffer(len + 1);
	plat_memcpy(bootargs, line, len);
	bootargs[len] = 0;
	for (size_t i = 0; i < len; i++)
		words += bootargs[i] == ' ';
	argv = boot_buffer((words + 2) * sizeof(*argv));
	s = bootargs;

	while ((w = next_word(&s, &escaped))) {
		if (escaped)
			;	/* an argument, whatever it reads */
		else if (!argc && !set && !kasan_strncmp(w, "VMKASAN_MODULES=", 16)) {
			continue;	/* (module_files() took it) */
		} else if (!argc && !set && !kasan_strncmp(w, "VMKASAN_OPTIONS=", 16)) {
			options = w + 16;
			continue;
		} else if (!argc && !kasan_strcmp(w, "--")) {
			continue;
		} else if (!argc && !set && !kasan_strcmp(w, "--batch")) {
			batch_mode = true;
			continue;
		} else if (!kasan_strcmp(w, "--next")) {
			set++;
			continue;
		}
		if (set == batch_index)
			argv[argc++] = w;
	}
	batch_count = set + 1;
	if (!argc)
		argv[argc++] = (char *)"prog";
	argv[argc] = NULL;
	/* the command line's options, then those a restart added */
	if (!options)
		options = "";
	len = kasan_strlen(options) + 1 + kasan_strlen(restart.options) + 1;
	all_options = boot_buffer(len);
	kasan_snprintf(all_options, len, "%s%s%s", options, options[0] && restart.options[0] ? ":" : "",
		       restart.options);
}

const char *plat_options(void)
{
	return all_options ? all_options : "";
}

const char *rv_prog_name(void)
{
	const char *n = argv[0] ? argv[0] : "prog", *slash = n;

	for (const char *p = n; *p; p++)
		if (*p == '/')
			slash = p + 1;
	return slash;
}

__attribute__((noreturn)) void rv_exit_program(int status);

/* On main's vmap stack: the program's constructors (instrumented code,
 * gcc and clang register globals there), then main(). */
static __attribute__((noreturn)) void run_program(void *unused)
{
	(void)unused;
	for (void (**f)(void) = __init_array_start; f < __init_array_end; f++)
		(*f)();
	if (batch_mode) {
		char line[48];

		kasan_snprintf(line, sizeof(line), "@@vmkasan-run %u\n", batch_index);
		plat_write(line, kasan_strlen(line));
	}
	/* The other harts join on the same page tables. */
	__atomic_store_n(&rv_hart_go, 1, __ATOMIC_SEQ_CST);
	rv_exit_program(main(argc, argv));
}

static unsigned long parse_num(const char **s)
{
	unsigned long v = 0;
	int base = 10;

	if ((*s)[0] == '0' && (*s)[1] == 'x') {
		base = 16;
		*s += 2;
	}
	for (int d; (d = unhex(**s)) >= 0 && d < base; ++*s)
		v = v * (unsigned long)base + (unsigned long)d;
	return v;
}

/* "VMKASAN_MODULES=0xADDR:LEN" first on the command line (vmkasan-qemu
 * --module=...): the archive of module files QEMU put at ADDR, right
 * after the image; the boot allocator starts after it.  Returns where
 * the free RAM starts. */
static uintptr_t module_files(const char *line, size_t len)
{
	uintptr_t image_end = ALIGN_UP((uintptr_t)__image_end, PAGE_SIZE), addr;
	unsigned long n;

	if (len < 16 || kasan_strncmp(line, "VMKASAN_MODULES=", 16))
		return image_end;
	line += 16;
	addr = parse_num(&line);
	n = *line == ':' ? (line++, parse_num(&line)) : 0;
	if (addr != image_end || n > RV_RAM_BASE + rv_ram_size - PAGE_SIZE - addr) {
		static const char msg[] = "vmkasan: VMKASAN_MODULES= not right after the image\n";

		plat_write(msg, sizeof(msg) - 1);
		rv_exit(2);
	}
	rv_module_files(addr, n);
	return ALIGN_UP(addr + n, PAGE_SIZE);
}

void rv_s_boot(unsigned long hartid, uintptr_t fdt)
{
	char err[200];
	const char *line;
	size_t len;
	unsigned cpus;

	rv_ram_size = 32UL << 20;
	rv_fdt_parse(fdt, &line, &len, &cpus);
	if (cpus)
		rv_nr_harts = cpus < RV_MAX_HARTS ? cpus : RV_MAX_HARTS;
	read_mailbox();
	/* the mailbox page is not the pool's */
	rv_boot_alloc_init(module_files(line, len), RV_RAM_BASE + rv_ram_size - PAGE_SIZE);
	/* copied out of the device tree, whose RAM the pool takes later */
	parse_bootargs(line, len);
	enter_hart((unsigned)hartid);
	if (!rv_pt_boot(err, sizeof(err))) {
		plat_write(err, kasan_strlen(err));
		plat_write("\n", 1);
		rv_exit(2);
	}
	use_page_tables();
	__atomic_or_fetch(&rv_hart_online, 1UL << hartid, __ATOMIC_SEQ_CST);
	kasan_init();
	rv_start_main(run_program);
}

void rv_s_secondary(unsigned long hartid)
{
	enter_hart((unsigned)hartid);
	use_page_tables();
	__atomic_or_fetch(&rv_hart_online, 1UL << hartid, __ATOMIC_SEQ_CST);
	rv_secondary_loop();
}

/* ---- the end ---- */

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

/* In a batch the end of one program is the start of the next: say how
 * it ended, and reset the machine for the next argument set. */
void rv_batch_end(int code)
{
	static struct mailbox m;
	char line[64];

	if (!batch_mode)
		return;
	kasan_snprintf(line, sizeof(line), "\n@@vmkasan-exit %u %d\n", batch_index, code & 0xff);
	plat_write(line, kasan_strlen(line));
	if (batch_index + 1 >= batch_count)
		return;
	kasan_memset_raw(&m, 0, sizeof(m));
	m.magic = MAILBOX_MAGIC;
	m.batch_index = batch_index + 1;
	reset_with(&m);
}
