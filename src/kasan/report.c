// SPDX-License-Identifier: MIT
/*
 * Reports in the layout of Linux mm/kasan/report.c, so that people and
 * scripts that read kernel KASAN splats read ours: a ruler, the BUG
 * line with bug type and function, the access line, the call trace, what
 * the address belongs to, and the shadow bytes around it.
 */
#include "mm/mm.h"

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
static bool report_halting;		/* a printed report ends the program */
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
	if (READ_ONCE(report_halting)) {
		/* Another thread's report ends the program (halt_on_error),
		 * which exits as soon as it can: nothing printed after it. */
		kasan_spin_unlock(&report_lock);
		plat_report_exit();
		return false;
	}
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

/* A loaded module's name if sym is in one (the port says so with
 * module_off -1), else NULL: Linux's %pS and frame lines add " [name]". */
static const char *loaded_module(const struct plat_symbol *sym)
{
	return sym->func && sym->module_off == (uintptr_t)-1 ? sym->module : NULL;
}

/*
 * The kernel's frame line, " func+0xoff/0xsize", with " [name]" where
 * Linux prints a module's name: a loaded module's code, and code outside
 * the program, in a shared object.  Linux's scripts/decode_stacktrace.sh
 * reads the symbol as the last word (or the one before a [module]) and
 * adds file:line itself.
 */
static bool print_linux_frame(const struct plat_symbol *sym, const char *prefix)
{
	const char *tag = loaded_module(sym), *base = sym->module ? sym->module : "";

	for (const char *p = base; *p; p++)
		if (*p == '/')
			base = p + 1;
	for (const char *p = base; !tag && *p; p++)
		if (!kasan_strncmp(p, ".so", 3))
			tag = base;
	if (sym->func)
		kasan_printf("%s%s+0x%lx/0x%lx", prefix, sym->func, (unsigned long)sym->func_off,
			     (unsigned long)sym->func_size);
	else
		kasan_printf("%s0x%lx", prefix, (unsigned long)sym->module_off);
	if (tag)
		kasan_printf(" [%s]", tag);
	kasan_printf("\n");
	return !loaded_module(sym) && sym->func && !kasan_strcmp(sym->func, "main");
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
	if (kasan_flags.frame_format == FRAME_LINUX)
		return print_linux_frame(&sym, prefix);
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
	if (loaded_module(&sym))
		kasan_printf(" [%s]", sym.module);
	else if (sym.func)
		kasan_printf(" [%s+0x%lx]", sym.module, (unsigned long)sym.module_off);
	kasan_printf("\n");
	return sym.func && !kasan_strcmp(sym.func, "main");
}

/* Linux's %pS of pc: "func+0xoff/0xsize", or the bare address. */
void kasan_print_symbol(uintptr_t pc)
{
	struct plat_symbol sym;

	if (kasan_flags.symbolize && plat_symbolize(pc, false, &sym) && sym.func)
		kasan_printf("%s+0x%lx/0x%lx", sym.func, (unsigned long)sym.func_off,
			     (unsigned long)sym.func_size);
	else
		kasan_printf("0x%lx", (unsigned long)pc);
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

		/* A zero saved frame pointer marks the outermost frame (glibc's
		 * clone clears it, as the x86-64 ABI suggests): what called it
		 * is the thread's start-up, no code of the program, as the
		 * kernel's unwinder ends a task's trace at its first frame. */
		if ((fp & 7) || !plat_read_safe(frame, fp + PLAT_FRAME_RECORD_OFFSET, sizeof(frame)) ||
		    !frame[1] || !frame[0])
			break;
		if (print_symbolized(frame[1], true, " "))
			break;
		/* Stacks grow down: callers' frames are above, and not far. */
		if (frame[0] <= fp || frame[0] - fp > (64UL << 20))
			break;
		fp = frame[0];
	}
}

/* The one table of bug-type names: Linux 6.12's words where Linux has
 * the bug (mm/kasan/report_generic.c, report.c), ASan's for the
 * user-space ones, ours for what only a runtime like this one sees. */
static const char *const bug_names[KASAN_BUG_NR] = {
	[KASAN_BUG_NONE] = "unknown-crash",
	[KASAN_BUG_UNKNOWN_CRASH] = "unknown-crash",
	[KASAN_BUG_OUT_OF_BOUNDS] = "out-of-bounds",
	[KASAN_BUG_SLAB_OUT_OF_BOUNDS] = "slab-out-of-bounds",
	[KASAN_BUG_SLAB_USE_AFTER_FREE] = "slab-use-after-free",
	[KASAN_BUG_USE_AFTER_FREE] = "use-after-free",
	[KASAN_BUG_GLOBAL_OUT_OF_BOUNDS] = "global-out-of-bounds",
	[KASAN_BUG_STACK_OUT_OF_BOUNDS] = "stack-out-of-bounds",
	[KASAN_BUG_STACK_USE_AFTER_RETURN] = "stack-use-after-return",
	[KASAN_BUG_USE_AFTER_SCOPE] = "use-after-scope",
	[KASAN_BUG_ALLOCA_OUT_OF_BOUNDS] = "alloca-out-of-bounds",
	[KASAN_BUG_VMALLOC_OUT_OF_BOUNDS] = "vmalloc-out-of-bounds",
	[KASAN_BUG_USE_OF_POISONED_MEMORY] = "use-of-poisoned-memory",
	[KASAN_BUG_NULL_PTR_DEREF] = "null-ptr-deref",
	[KASAN_BUG_WILD_MEMORY_ACCESS] = "wild-memory-access",
	[KASAN_BUG_PAGE_FAULT] = "unable-to-handle-page-fault",
	[KASAN_BUG_STACK_OVERFLOW] = "stack-overflow",
	[KASAN_BUG_DOUBLE_FREE] = "double-free",
	[KASAN_BUG_INVALID_FREE] = "invalid-free",
	[KASAN_BUG_DOUBLE_OR_INVALID_FREE] = "double-free or invalid-free",
	[KASAN_BUG_ALLOC_DEALLOC_MISMATCH] = "alloc-dealloc-mismatch",
	[KASAN_BUG_INVALID_VMAP] = "invalid-vmap",
};

const char *kasan_bug_name(enum kasan_bug_type bug)
{
	return (unsigned)bug < KASAN_BUG_NR && bug_names[bug] ? bug_names[bug] : "unknown-crash";
}

static enum kasan_bug_type shadow_bug_type(uint8_t v)
{
	switch (v) {
	case KASAN_GLOBAL_REDZONE:
		return KASAN_BUG_GLOBAL_OUT_OF_BOUNDS;
	case KASAN_STACK_LEFT:
	case KASAN_STACK_MID:
	case KASAN_STACK_RIGHT:
	case KASAN_STACK_PARTIAL:
		return KASAN_BUG_STACK_OUT_OF_BOUNDS;
	case KASAN_STACK_AFTER_RETURN:
		return KASAN_BUG_STACK_USE_AFTER_RETURN;
	case KASAN_USE_AFTER_SCOPE:
		return KASAN_BUG_USE_AFTER_SCOPE;
	case KASAN_ALLOCA_LEFT:
	case KASAN_ALLOCA_RIGHT:
		return KASAN_BUG_ALLOCA_OUT_OF_BOUNDS;
	case KASAN_VMALLOC_INVALID:
	case KASAN_VMALLOC_FREED:
		return KASAN_BUG_VMALLOC_OUT_OF_BOUNDS;
	case KASAN_USER_POISON:
		return KASAN_BUG_USE_OF_POISONED_MEMORY;
	case KASAN_SHADOW_GAP:
		return KASAN_BUG_WILD_MEMORY_ACCESS;
	/* The names of Linux 6.12's report_generic.c: a freed page is a
	 * use-after-free, and its page redzone (kmalloc_large) is called
	 * slab-out-of-bounds there. */
	case KASAN_PAGE_FREE:
		return KASAN_BUG_USE_AFTER_FREE;
	case KASAN_PAGE_REDZONE:
		return KASAN_BUG_SLAB_OUT_OF_BOUNDS;
	default:
		/* Linux: a good shadow value here is a race, "out-of-bounds". */
		return v < KASAN_GRANULE_SIZE ? KASAN_BUG_OUT_OF_BOUNDS : KASAN_BUG_UNKNOWN_CRASH;
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

/* Linux's get_wild_bug_type(), for addresses without shadow. */
static enum kasan_bug_type wild_bug_type(uintptr_t addr)
{
	return addr < PLAT_PAGE_SIZE ? KASAN_BUG_NULL_PTR_DEREF : KASAN_BUG_WILD_MEMORY_ACCESS;
}

/* Linux's kasan_get_bug_type() for generic mode: a range that wraps
 * is "out-of-bounds" before anything else is looked at. */
static enum kasan_bug_type bug_type(const struct kasan_access *a, uintptr_t bad)
{
	enum kasan_bug_type t;
	uint8_t v;

	if (a->bug)
		return a->bug;
	if (a->size_known && a->addr + a->size < a->addr)
		return KASAN_BUG_OUT_OF_BOUNDS;
	if (a->addr < PLAT_PAGE_SIZE || !plat_addr_has_shadow(a->addr))
		return wild_bug_type(a->addr);
	v = explaining_shadow(bad);
	t = kasan_slab_bug_type(bad, v);
	if (t)
		return t;
	if (kasan_vmalloc_bug_type(bad, v))
		return KASAN_BUG_VMALLOC_OUT_OF_BOUNDS;
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

/* Linux's print_track(): "Allocated by task N:" and the stack. */
void kasan_print_track(const struct kasan_track *t, const char *prefix)
{
	kasan_printf("%s by task %u:\n", prefix, t->pid);
	if (t->stack)
		stack_depot_print(t->stack);
	else
		kasan_printf("(stack is not available)\n");
}

/*
 * Like Linux's print_address_description(), describe the address the
 * program accessed (for a range, its start); the bug type and the
 * memory state use the first bad byte.  With no description (an
 * address the runtime knows nothing about), say nothing, as Linux does.
 */
static void describe_address(const struct kasan_report_info *info)
{
	const struct kasan_access *a = info->access;
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
	if (kasan_describe_vmalloc(addr) || kasan_describe_slab(addr, info) ||
	    kasan_describe_page(addr) ||
	    kasan_describe_stack_access(addr, info->first_bad))
		return;
}

static void print_report(const struct kasan_report_info *info)
{
	const struct kasan_access *a = info->access;
	char comm[32];
	bool has_shadow = !a->addr_unknown && a->addr >= PLAT_PAGE_SIZE &&
			  plat_addr_has_shadow(a->addr);
	struct plat_symbol sym;
	const char *type = kasan_bug_name(info->bug);

	plat_task_name(comm, sizeof(comm));
	kasan_printf("==================================================================\n");
	if (kasan_flags.symbolize && plat_symbolize(a->ip, !a->fault, &sym) && sym.func)
		kasan_printf("BUG: KASAN: %s in %s+0x%lx/0x%lx%s%s%s\n", type, sym.func,
			     (unsigned long)sym.func_off, (unsigned long)sym.func_size,
			     loaded_module(&sym) ? " [" : "", loaded_module(&sym) ? sym.module : "",
			     loaded_module(&sym) ? "]" : "");
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
	describe_address(info);
	if (has_shadow) {
		kasan_printf("\n");
		print_memory_state(info->first_bad);
	}
	kasan_printf("==================================================================\n");
}

/* Linux's complete_report_info(): every fact first, then the printing. */
static void complete_report_info(struct kasan_report_info *info, const struct kasan_access *a)
{
	bool has_shadow = !a->addr_unknown && a->addr >= PLAT_PAGE_SIZE &&
			  plat_addr_has_shadow(a->addr);

	kasan_memset_raw(info, 0, sizeof(*info));
	info->access = a;
	info->first_bad = a->addr;
	if (has_shadow && a->size_known && !a->fault && a->addr + a->size >= a->addr) {
		uintptr_t first = kasan_find_first_bad_addr(a->addr, a->size);

		if (first)
			info->first_bad = first;
	}
	info->bug = bug_type(a, info->first_bad);
	if (has_shadow)
		kasan_slab_lookup(a->addr, info);
}

void kasan_report(const struct kasan_access *a)
{
	struct kasan_report_info info;
	bool print;

	__atomic_add_fetch(&kasan_reports, 1, __ATOMIC_RELAXED);
	if (!kasan_report_begin(a->addr))
		goto out;
	/* Without multi_shot only the first report is printed (Linux's
	 * kasan_multi_shot); the rest are still counted.  A fatal fault is
	 * printed regardless: the task dies of it. */
	print = kasan_flags.multi_shot || !reported_once || a->fatal;
	reported_once = true;
	if (print) {
		complete_report_info(&info, a);
		print_report(&info);
	}
	/* Halting: said under the lock, so that no thread waiting for it
	 * prints a second report while this one exits. */
	if (print && kasan_flags.halt_on_error)
		WRITE_ONCE(report_halting, true);
	kasan_report_end();
	if (print && kasan_flags.halt_on_error)
		plat_die(kasan_flags.exitcode, kasan_flags.abort_on_error);
out:
	plat_report_done(a->addr);
}

/*
 * The bad frees: what each reason is called and how it is worded.
 * Linux reports "invalid-free" and "double-free" (the type it passes to
 * kasan_report_invalid_free); where an allocator cannot tell the two
 * apart (the vmalloc space, pages, per-cpu), it is both.
 */
static const struct {
	enum kasan_bug_type bug;
	const char *op;
} free_reasons[KASAN_FREE_REASON_NR] = {
	[KASAN_FREE_NOT_SLAB] = { KASAN_BUG_INVALID_FREE, "Free" },
	[KASAN_FREE_DESTROYED_CACHE] = { KASAN_BUG_INVALID_FREE, "Free" },
	[KASAN_FREE_WRONG_CACHE] = { KASAN_BUG_INVALID_FREE, "Free" },
	[KASAN_FREE_NOT_OBJECT_START] = { KASAN_BUG_INVALID_FREE, "Free" },
	[KASAN_FREE_ALREADY_FREED] = { KASAN_BUG_DOUBLE_FREE, "Free" },
	[KASAN_FREE_NEVER_ALLOCATED] = { KASAN_BUG_INVALID_FREE, "Free" },
	[KASAN_FREE_INSIDE_LARGE] = { KASAN_BUG_INVALID_FREE, "Free" },
	[KASAN_FREE_PAGE_ALREADY_FREED] = { KASAN_BUG_DOUBLE_FREE, "Free" },
	[KASAN_FREE_NOT_KMALLOC] = { KASAN_BUG_INVALID_FREE, "Free" },
	[KASAN_FREE_NOT_LINEAR_PAGE] = { KASAN_BUG_INVALID_FREE, "Free" },
	[KASAN_FREE_ON_STACK] = { KASAN_BUG_INVALID_FREE, "Free" },
	[KASAN_FREE_NOT_HEAP] = { KASAN_BUG_INVALID_FREE, "Free" },
	[KASAN_FREE_ALREADY_IN_POOL] = { KASAN_BUG_DOUBLE_FREE, "Free" },
	[KASAN_FREE_INSIDE_POOL_ELEMENT] = { KASAN_BUG_INVALID_FREE, "Free" },
	[KASAN_FREE_NOT_PAGE_BLOCK] = { KASAN_BUG_DOUBLE_OR_INVALID_FREE, "Free" },
	[KASAN_FREE_PERCPU_NOT_LIVE] = { KASAN_BUG_DOUBLE_OR_INVALID_FREE, "Free" },
	[KASAN_FREE_PERCPU_OUTSIDE] = { KASAN_BUG_DOUBLE_OR_INVALID_FREE, "Free" },
	[KASAN_FREE_OUTSIDE_VMALLOC] = { KASAN_BUG_DOUBLE_OR_INVALID_FREE, "Free" },
	[KASAN_FREE_INSIDE_MAPPING] = { KASAN_BUG_DOUBLE_OR_INVALID_FREE, "Free" },
	[KASAN_FREE_MAPPING_LAZY] = { KASAN_BUG_DOUBLE_OR_INVALID_FREE, "Free" },
	[KASAN_FREE_MAPPING_PURGED] = { KASAN_BUG_DOUBLE_OR_INVALID_FREE, "Free" },
	[KASAN_FREE_NO_MAPPING] = { KASAN_BUG_DOUBLE_OR_INVALID_FREE, "Free" },
	[KASAN_FREE_WRONG_COUNT] = { KASAN_BUG_DOUBLE_OR_INVALID_FREE, "Free" },
	[KASAN_FREE_WRONG_KIND] = { KASAN_BUG_DOUBLE_OR_INVALID_FREE, "Free" },
	[KASAN_FREE_DEALLOC_MISMATCH] = { KASAN_BUG_ALLOC_DEALLOC_MISMATCH, "Free" },
	[KASAN_BAD_VMAP_PAGE] = { KASAN_BUG_INVALID_VMAP, "Map" },
	[KASAN_BAD_GET_FREE_PAGE] = { KASAN_BUG_USE_AFTER_FREE, "Reference" },
};

/* The line under the access line that says what was wrong. */
static void word_bad_free(const struct kasan_bad_free *f, char *buf, size_t len)
{
	const char *fn = f->fn ? f->fn : "free";
	void *p = (void *)f->addr, *start = (void *)f->start, *end = (void *)f->end;

	switch (f->reason) {
	case KASAN_FREE_NOT_SLAB:
		kasan_snprintf(buf, len, "%s() of %p, which is not slab memory", fn, p);
		break;
	case KASAN_FREE_DESTROYED_CACHE:
		kasan_snprintf(buf, len, "%s() of %p, an object of the destroyed cache %s", fn, p,
			       f->cache);
		break;
	case KASAN_FREE_WRONG_CACHE:
		kasan_snprintf(buf, len, "%s() of %p: wrong slab cache, %s but the object is from %s",
			       fn, p, f->cache, f->other);
		break;
	case KASAN_FREE_NOT_OBJECT_START:
		kasan_snprintf(buf, len, "%s() of %p, which is not the start of an object", fn, p);
		break;
	case KASAN_FREE_ALREADY_FREED:
		kasan_snprintf(buf, len, "%s() of %p, an object already freed", fn, p);
		break;
	case KASAN_FREE_NEVER_ALLOCATED:
		kasan_snprintf(buf, len, "%s() of %p, an object never allocated", fn, p);
		break;
	case KASAN_FREE_INSIDE_LARGE:
		kasan_snprintf(buf, len, "%s() of %p, %lu bytes inside a %lu-byte large kmalloc at %p",
			       fn, p, (unsigned long)(f->addr - f->start),
			       (unsigned long)(f->end - f->start), start);
		break;
	case KASAN_FREE_PAGE_ALREADY_FREED:
		kasan_snprintf(buf, len, "%s() of %p, in a page already freed", fn, p);
		break;
	case KASAN_FREE_NOT_KMALLOC:
		kasan_snprintf(buf, len, "%s() of %p, which kmalloc did not return", fn, p);
		break;
	case KASAN_FREE_NOT_LINEAR_PAGE:
		kasan_snprintf(buf, len, "%s() of an address that is not a page of the linear map",
			       fn);
		break;
	case KASAN_FREE_ON_STACK:
		kasan_snprintf(buf, len, "%s() of %p, on the stack of the calling task", fn, p);
		break;
	case KASAN_FREE_NOT_HEAP:
		kasan_snprintf(buf, len, "%s() of %p, which malloc did not return (not heap memory)",
			       fn, p);
		break;
	case KASAN_FREE_ALREADY_IN_POOL:
		kasan_snprintf(buf, len, "%s() of %p, an element already in the pool or freed", fn, p);
		break;
	case KASAN_FREE_INSIDE_POOL_ELEMENT:
		kasan_snprintf(buf, len, "%s() of %p, which is not the start of an element", fn, p);
		break;
	case KASAN_FREE_NOT_PAGE_BLOCK:
		kasan_snprintf(buf, len,
			       "%s() of a page that is not an allocated block of that order", fn);
		break;
	case KASAN_FREE_PERCPU_NOT_LIVE:
		kasan_snprintf(buf, len, "%s() of a pointer that is not a live per-cpu allocation",
			       fn);
		break;
	case KASAN_FREE_PERCPU_OUTSIDE:
		kasan_snprintf(buf, len, "%s() of a pointer outside every per-cpu chunk", fn);
		break;
	case KASAN_FREE_OUTSIDE_VMALLOC:
		kasan_snprintf(buf, len, "%s() of an address outside the vmalloc space [%p, %p)", fn,
			       start, end);
		break;
	case KASAN_FREE_INSIDE_MAPPING:
		kasan_snprintf(buf, len, "%s() of %p, which is %lu bytes inside the mapping [%p, %p)",
			       fn, p, (unsigned long)(f->addr - f->start), start, end);
		break;
	case KASAN_FREE_MAPPING_LAZY:
		kasan_snprintf(buf, len, "%s() of %p, in the mapping [%p, %p) that is already freed",
			       fn, p, start, end);
		break;
	case KASAN_FREE_MAPPING_PURGED:
		kasan_snprintf(buf, len, "%s() of %p, in the mapping [%p, %p) that was freed", fn, p,
			       start, end);
		break;
	case KASAN_FREE_NO_MAPPING:
		kasan_snprintf(buf, len, "%s() of %p, which no vmalloc mapping covers", fn, p);
		break;
	case KASAN_FREE_WRONG_COUNT:
		kasan_snprintf(buf, len, "%s() of [%p, %p) with count %u, but it maps %u pages", fn,
			       start, end, f->count, f->index);
		break;
	case KASAN_FREE_WRONG_KIND:
		kasan_snprintf(buf, len, "%s() of [%p, %p), a mapping made by %s", fn, start, end,
			       f->other);
		break;
	case KASAN_FREE_DEALLOC_MISMATCH:
		/* fn and other name the calls as C++ does: "free()",
		 * "operator delete []" */
		kasan_snprintf(buf, len, "%s of %p, allocated by %s", fn, p, f->other);
		break;
	case KASAN_BAD_VMAP_PAGE:
		kasan_snprintf(buf, len, "pages[%u] is %s", f->index,
			       p ? "not an allocated page" : "NULL");
		break;
	case KASAN_BAD_GET_FREE_PAGE:
		kasan_snprintf(buf, len, "%s() of a free page (refcount 0): no reference taken", fn);
		break;
	default:
		buf[0] = 0;
		break;
	}
}

/* The one entry point of bad frees (Linux: kasan_report_invalid_free). */
void kasan_report_bad_free(const struct kasan_bad_free *f)
{
	char detail[200];
	struct kasan_access a = {
		.addr = f->addr, .ip = f->ip, .fp = f->fp, .detail = detail,
	};

	if ((unsigned)f->reason >= KASAN_FREE_REASON_NR)
		return;
	a.bug = free_reasons[f->reason].bug;
	a.op = free_reasons[f->reason].op;
	word_bad_free(f, detail, sizeof(detail));
	if (f->counter)
		__atomic_add_fetch(f->counter, 1, __ATOMIC_RELAXED);
	kasan_report(&a);
}

/*
 * A fault the port cannot resolve becomes a report and the task dies.
 * The port says what the hardware said; the report's words are made
 * here: a vmap stack's guard page is a stack overflow, an address
 * without shadow (or none at all) a wild access (Linux's
 * get_wild_bug_type), a fault on memory with shadow a page fault.
 */
void kasan_report_fatal_fault(const struct kasan_access *fault)
{
	struct kasan_access a = *fault;
	uintptr_t lo, hi;

	if (!a.addr_unknown && vmalloc_stack_guard(a.addr, &lo, &hi)) {
		char detail[160];

		kasan_snprintf(detail, sizeof(detail),
			       "The task overflowed its vmalloc'd stack [%p, %p): the access hit the guard page below it.",
			       (void *)lo, (void *)hi);
		a.bug = KASAN_BUG_STACK_OVERFLOW;
		a.detail = detail;
		a.op = NULL;
		a.fatal = true;
		kasan_report(&a);
		plat_die(kasan_flags.exitcode, kasan_flags.abort_on_error);
	}
	if (a.addr_unknown)
		a.bug = KASAN_BUG_WILD_MEMORY_ACCESS;
	else if (a.addr < PLAT_PAGE_SIZE || !plat_addr_has_shadow(a.addr))
		a.bug = wild_bug_type(a.addr);
	else
		a.bug = KASAN_BUG_PAGE_FAULT;
	a.fatal = true;
	kasan_report(&a);
	plat_die(kasan_flags.exitcode, kasan_flags.abort_on_error);
}

unsigned long vmkasan_report_count(void)
{
	return READ_ONCE(kasan_reports);
}
