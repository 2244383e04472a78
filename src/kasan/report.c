// SPDX-License-Identifier: MIT
/*
 * Reports in the layout of Linux mm/kasan/report.c, so that people and
 * scripts that read kernel KASAN splats read ours: a ruler, the BUG
 * line with bug type and function, the access line, the call trace, what
 * the address belongs to, and the shadow bytes around it.
 */
#include "kasan/kasan.h"

unsigned long kasan_reports;

/*
 * One report at a time.  The lock is safe from signal handlers and
 * cancellation: while a thread holds it the port keeps asynchronous
 * signals and cancellation away from it (plat_report_enter), so no
 * handler of that thread can wait for it, and a report always gets to
 * its end; a fault inside the report itself finds its own thread as
 * the owner and stays silent.  fork() holds it (kasan_report_lock_all),
 * so a child never inherits it held.
 */
static kasan_spinlock_t report_lock;
static unsigned long report_owner;	/* tid holding report_lock, 0 if none */
static bool reported_once;

/* The report being printed, written at its end in one go: only the
 * owner's lines go here; anything another thread prints meanwhile (an
 * internal error just before it dies) goes straight out. */
static char report_buf[16384];
static size_t report_len;

static void (*report_hook)(const char *text, size_t len);

void vmkasan_set_report_hook(void (*hook)(const char *text, size_t len))
{
	WRITE_ONCE(report_hook, hook);
}

static void flush_report(void)
{
	void (*hook)(const char *, size_t) = READ_ONCE(report_hook);

	if (report_len && hook)
		hook(report_buf, report_len);
	if (report_len)
		plat_write(report_buf, report_len);
	report_len = 0;
}

void kasan_printf(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kasan_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	if (!report_owner || READ_ONCE(report_owner) != plat_tid()) {
		plat_write(line, (size_t)n);
		return;
	}
	if (report_len + (size_t)n > sizeof(report_buf))
		flush_report();
	kasan_memcpy_raw(report_buf + report_len, line, (size_t)n);
	report_len += (size_t)n;
}


/*
 * Take the report lock.  Returns false, and the caller stays silent,
 * when this thread is already reporting (a report from a signal handler
 * that interrupted a report, or a fault inside the report itself).
 */
bool kasan_report_begin(uintptr_t addr)
{
	unsigned long me = plat_tid();

	(void)addr;
	if (READ_ONCE(report_owner) == me)
		return false;
	plat_report_enter();
	kasan_spin_lock(&report_lock);
	WRITE_ONCE(report_owner, me);
	return true;
}

void kasan_report_end(void)
{
	flush_report();
	WRITE_ONCE(report_owner, 0);
	kasan_spin_unlock(&report_lock);
	plat_report_exit();
}

/* fork: no thread is in the middle of a report while the lock is held. */
void kasan_report_lock_all(bool lock)
{
	if (lock)
		kasan_spin_lock(&report_lock);
	else
		kasan_spin_unlock(&report_lock);
}

/*
 * Print the trace lines of one frame: first one line per function
 * inlined at pc, innermost first, "<prefix>func (inlined) file:line" (ASan
 * and the kernel's decode_stacktrace.sh list inlined calls too), then the
 * physical frame, whose file:line is then the call site of the outermost
 * inlined one.  Returns true when pc is in main(), where traces stop
 * (what lies below is libc's start-up).
 */
static bool print_symbolized(uintptr_t pc, bool is_return_addr, const char *prefix)
{
	struct plat_symbol sym;

	if (!kasan_flags.symbolize || !plat_symbolize(pc, is_return_addr, &sym)) {
		kasan_printf("%s0x%lx\n", prefix, (unsigned long)pc);
		return false;
	}
	for (unsigned i = 0; i < sym.n_inlined && i < PLAT_MAX_INLINED; i++) {
		const struct plat_inlined_frame *f = &sym.inlined[i];

		kasan_printf("%s%s (inlined)", prefix, f->func ? f->func : "??");
		if (f->file)
			kasan_printf(" %s:%u", f->file, f->line);
		kasan_printf("\n");
	}
	if (sym.func)
		kasan_printf("%s%s+0x%lx/0x%lx", prefix, sym.func, (unsigned long)sym.func_off,
			     (unsigned long)sym.func_size);
	else
		kasan_printf("%s%s+0x%lx", prefix, sym.module, (unsigned long)sym.module_off);
	if (sym.file)
		kasan_printf(" %s:%u", sym.file, sym.line);
	if (sym.func && sym.module_off == (uintptr_t)-1)	/* a loaded module */
		kasan_printf(" [%s]", sym.module);
	else if (sym.func)
		kasan_printf(" [%s+0x%lx]", sym.module, (unsigned long)sym.module_off);
	kasan_printf("\n");
	return sym.func && !kasan_strcmp(sym.func, "main");
}

/* A stored trace (allocation, free), cut after main like live ones. */
void kasan_print_pcs(const uintptr_t *pcs, int n)
{
	for (int i = 0; i < n && pcs[i]; i++)
		if (print_symbolized(pcs[i], true, " "))
			break;
}

/*
 * Walk the frame-pointer chain from fp (the frame of the function that
 * holds ip).  Every load goes through plat_read_safe: uninstrumented
 * code on the stack may not keep frame pointers, and a garbage chain
 * must end the trace, not the process.
 */
void kasan_print_trace(uintptr_t ip, uintptr_t fp, int is_return_addr)
{
	kasan_printf("Call Trace:\n");
	if (print_symbolized(ip, is_return_addr, " "))
		return;
	for (int depth = 0; fp && depth < 64; depth++) {
		uintptr_t frame[2];

		if ((fp & 7) || !plat_read_safe(frame, fp + PLAT_FRAME_RECORD_OFFSET, sizeof(frame)) ||
		    !frame[1])
			break;
		if (print_symbolized(frame[1], true, " "))
			break;
		/* Stacks grow down: callers' frames are above, and not far. */
		if (frame[0] <= fp || frame[0] - fp > (64UL << 20))
			break;
		fp = frame[0];
	}
}

static const char *shadow_bug_type(uint8_t v)
{
	switch (v) {
	case KASAN_GLOBAL_REDZONE:
		return "global-out-of-bounds";
	case KASAN_STACK_LEFT:
	case KASAN_STACK_MID:
	case KASAN_STACK_RIGHT:
	case KASAN_STACK_PARTIAL:
		return "stack-out-of-bounds";
	case KASAN_STACK_AFTER_RETURN:
		return "stack-use-after-return";
	case KASAN_USE_AFTER_SCOPE:
		return "use-after-scope";
	case KASAN_ALLOCA_LEFT:
	case KASAN_ALLOCA_RIGHT:
		return "alloca-out-of-bounds";
	case KASAN_VMALLOC_INVALID:
	case KASAN_VMALLOC_FREED:
		return "vmalloc-out-of-bounds";
	case KASAN_USER_POISON:
		return "use-of-poisoned-memory";
	case KASAN_SHADOW_GAP:
		return "wild-memory-access";
	/* The names of Linux 6.12's report_generic.c: a freed page is a
	 * use-after-free, and its page redzone (kmalloc_large) is called
	 * slab-out-of-bounds there. */
	case KASAN_PAGE_FREE:
		return "use-after-free";
	case KASAN_PAGE_REDZONE:
		return "slab-out-of-bounds";
	default:
		return "unknown-crash";
	}
}

/* The shadow value that explains the first bad byte: a partial granule
 * says nothing about why, the granule after it does (as in Linux). */
static uint8_t explaining_shadow(uintptr_t bad)
{
	int8_t v = 0;

	plat_read_safe(&v, (uintptr_t)kasan_shadow(bad), 1);
	if (v > 0 && v < (int8_t)KASAN_GRANULE_SIZE)
		plat_read_safe(&v, (uintptr_t)kasan_shadow(bad + KASAN_GRANULE_SIZE), 1);
	return (uint8_t)v;
}

static const char *bug_type(const struct kasan_access *a, uintptr_t bad)
{
	uint8_t v;

	if (a->bug_type)
		return a->bug_type;
	if (a->addr < PLAT_PAGE_SIZE)
		return "null-ptr-deref";
	if (!plat_addr_has_shadow(a->addr))
		return "wild-memory-access";
	v = explaining_shadow(bad);
	if (kasan_slab_bug_type(bad, v))
		return kasan_slab_bug_type(bad, v);
	if (kasan_vmalloc_bug_type(bad, v))
		return "vmalloc-out-of-bounds";
	return shadow_bug_type(v);
}

#define META_BYTES_PER_ROW	16
#define META_ROWS_AROUND	2

static void print_memory_state(uintptr_t bad)
{
	uintptr_t row_bytes = META_BYTES_PER_ROW * KASAN_GRANULE_SIZE;
	uintptr_t buggy_row = ALIGN_DOWN(bad, row_bytes);
	uintptr_t row = buggy_row - META_ROWS_AROUND * row_bytes;

	kasan_printf("Memory state around the buggy address:\n");
	for (int i = 0; i < 2 * META_ROWS_AROUND + 1; i++, row += row_bytes) {
		char line[3 + 16 + 2 + META_BYTES_PER_ROW * 3 + 1];
		int8_t shadow[META_BYTES_PER_ROW];
		bool ok = plat_read_safe(shadow, (uintptr_t)kasan_shadow(row), sizeof(shadow));
		int n = kasan_snprintf(line, sizeof(line), "%c%p:", row == buggy_row ? '>' : ' ',
				       (void *)row);

		for (int b = 0; b < META_BYTES_PER_ROW; b++) {
			if (ok)
				n += kasan_snprintf(line + n, sizeof(line) - (size_t)n, " %02x",
						    (unsigned)(uint8_t)shadow[b]);
			else
				n += kasan_snprintf(line + n, sizeof(line) - (size_t)n, " ??");
		}
		kasan_printf("%s\n", line);
		if (row == buggy_row) {
			/* The caret sits under the first digit of the bad granule. */
			int col = 1 + 16 + 2 + (int)((bad - row) / KASAN_GRANULE_SIZE) * 3;

			kasan_printf("%*c\n", col + 1, '^');
		}
	}
}

/*
 * Where the access address lies relative to a region [start, start +
 * size), in the words of Linux's describe_object_addr(): "N bytes to
 * the left of", "N bytes to the right of" or "N bytes inside of".  It is
 * the access address, not the first bad byte, that is described: a
 * 16-byte write at offset 2992 of a 3000-byte region is "2992 bytes
 * inside of" it, not "0 bytes to the right of" it.  state: "allocated ",
 * "freed " (slab objects, as Linux 6.12 words them) or "".
 */
void kasan_print_location(uintptr_t addr, uintptr_t start, size_t size, const char *state)
{
	const char *rel;
	unsigned long n;

	if (addr < start) {
		rel = "to the left";
		n = start - addr;
	} else if (addr - start >= size) {
		rel = "to the right";
		n = addr - start - size;
	} else {
		rel = "inside";
		n = addr - start;
	}
	kasan_printf("The buggy address is located %lu bytes %s of\n %s%lu-byte region [%p, %p)\n",
		     n, rel, state, (unsigned long)size, (void *)start, (void *)(start + size));
}

/*
 * Like Linux's print_address_description(), describe the address the
 * program accessed (for a range, its start); the bug type and the
 * memory state use the first bad byte.  With no description (an
 * address the runtime knows nothing about), say nothing, as Linux does.
 */
static void describe_address(const struct kasan_access *a, uintptr_t bad)
{
	uintptr_t addr = a->addr;

	if (a->addr_unknown)
		return;
	/* Globals before pages: a bare-metal image lies in the linear map;
	 * a module's globals are vmalloc memory too, and Linux names both
	 * the variable and the mapping. */
	if (kasan_describe_global(addr)) {
		kasan_describe_vmalloc(addr);
		return;
	}
	if (kasan_describe_vmalloc(addr) || kasan_describe_slab(addr) ||
	    kasan_describe_global(addr) || kasan_describe_page(addr) ||
	    kasan_describe_stack_access(addr, bad))
		return;
}

static void print_report(const struct kasan_access *a)
{
	char comm[32];
	uintptr_t bad = a->addr;
	bool has_shadow = !a->addr_unknown && a->addr >= PLAT_PAGE_SIZE &&
			  plat_addr_has_shadow(a->addr);
	struct plat_symbol sym;
	const char *type;

	if (has_shadow && a->size_known && !a->fault) {
		uintptr_t first = kasan_find_first_bad_addr(a->addr, a->size);

		if (first)
			bad = first;
	}
	type = bug_type(a, bad);
	plat_task_name(comm, sizeof(comm));

	kasan_printf("==================================================================\n");
	if (kasan_flags.symbolize && plat_symbolize(a->ip, !a->fault, &sym) && sym.func)
		kasan_printf("BUG: KASAN: %s in %s+0x%lx/0x%lx%s%s%s\n", type, sym.func,
			     (unsigned long)sym.func_off, (unsigned long)sym.func_size,
			     sym.module_off == (uintptr_t)-1 ? " [" : "",	/* a module's, as %pS */
			     sym.module_off == (uintptr_t)-1 ? sym.module : "",
			     sym.module_off == (uintptr_t)-1 ? "]" : "");
	else
		kasan_printf("BUG: KASAN: %s in 0x%lx\n", type, (unsigned long)a->ip);
	if (a->addr_unknown)
		kasan_printf("%s of an unknown address by task %s/%lu\n", a->op ? a->op : "Access",
			     comm, plat_tid());
	else if (a->op)
		kasan_printf("%s of addr %p by task %s/%lu\n", a->op, (void *)a->addr, comm,
			     plat_tid());
	else if (a->size_known)
		kasan_printf("%s of size %lu at addr %p by task %s/%lu\n",
			     a->write ? "Write" : "Read", (unsigned long)a->size,
			     (void *)a->addr, comm, plat_tid());
	else
		kasan_printf("%s at addr %p by task %s/%lu\n",
			     a->write ? "Write" : "Read", (void *)a->addr, comm, plat_tid());
	if (a->detail)
		kasan_printf("%s\n", a->detail);
	kasan_printf("\n");
	kasan_print_trace(a->ip, a->fp, !a->fault);
	kasan_printf("\n");
	describe_address(a, bad);
	if (has_shadow) {
		kasan_printf("\n");
		print_memory_state(bad);
	}
	kasan_printf("==================================================================\n");
}

void kasan_report(const struct kasan_access *a)
{
	bool print;

	__atomic_add_fetch(&kasan_reports, 1, __ATOMIC_RELAXED);
	if (!kasan_report_begin(a->addr))
		goto out;
	/* Without multi_shot only the first report is printed (Linux's
	 * kasan_multi_shot); the rest are still counted. */
	print = kasan_flags.multi_shot || !reported_once;
	reported_once = true;
	if (print)
		print_report(a);
	kasan_report_end();
	if (print && kasan_flags.halt_on_error)
		plat_die(kasan_flags.exitcode, kasan_flags.abort_on_error);
out:
	plat_report_done(a->addr);
}

unsigned long vmkasan_report_count(void)
{
	return READ_ONCE(kasan_reports);
}
