// SPDX-License-Identifier: MIT
/*
 * Stack instrumentation support: dynamic allocas, clang's large-frame
 * shadow setters, gcc's use-after-scope helpers, stack unpoisoning
 * before non-returning calls, and naming a stack object in a report.
 * Facts about the frame layout (magic word, descriptor string) come
 * from compiler-rt's asan_report and LLVM's ASanStackFrameLayout.
 */
#include "kasan/kasan.h"

/*
 * Left redzone: 32 bytes just below the alloca.  Right redzone: the
 * partial granule after it, up to a 32-byte boundary, then 32 more.
 */
__public void __asan_alloca_poison(uintptr_t addr, uintptr_t size);
__public void __asan_alloca_poison(uintptr_t addr, uintptr_t size)
{
	uintptr_t end = addr + size;
	uintptr_t right = ALIGN_UP(end, KASAN_ALLOCA_REDZONE_SIZE);

	kasan_poison(addr - KASAN_ALLOCA_REDZONE_SIZE, KASAN_ALLOCA_REDZONE_SIZE,
		     KASAN_ALLOCA_LEFT);
	kasan_unpoison(addr, size);
	kasan_poison(ALIGN_UP(end, KASAN_GRANULE_SIZE), right - ALIGN_UP(end, KASAN_GRANULE_SIZE),
		     KASAN_ALLOCA_RIGHT);
	kasan_poison(right, KASAN_ALLOCA_REDZONE_SIZE, KASAN_ALLOCA_RIGHT);
}

/* All allocas of a frame die together: clear the shadow of [top, bottom). */
__public void __asan_allocas_unpoison(uintptr_t top, uintptr_t bottom);
__public void __asan_allocas_unpoison(uintptr_t top, uintptr_t bottom)
{
	if (!top || top > bottom)
		return;
	kasan_memset_raw(kasan_shadow(top), 0, (bottom - top) >> KASAN_SHADOW_SCALE_SHIFT);
}

/* clang writes the shadow of large frames through these. */
#define DEFINE_SET_SHADOW(v)							\
	__public void __asan_set_shadow_##v(uintptr_t shadow, uintptr_t n);	\
	__public void __asan_set_shadow_##v(uintptr_t shadow, uintptr_t n)	\
	{									\
		kasan_memset_raw((void *)shadow, 0x##v, n);			\
	}
DEFINE_SET_SHADOW(00)
DEFINE_SET_SHADOW(f1)
DEFINE_SET_SHADOW(f2)
DEFINE_SET_SHADOW(f3)
DEFINE_SET_SHADOW(f5)
DEFINE_SET_SHADOW(f8)

/* gcc's use-after-scope for objects too large to poison inline. */
__public void __asan_poison_stack_memory(uintptr_t addr, uintptr_t size);
__public void __asan_poison_stack_memory(uintptr_t addr, uintptr_t size)
{
	kasan_poison(addr, ALIGN_UP(size, KASAN_GRANULE_SIZE), KASAN_USE_AFTER_SCOPE);
}

__public void __asan_unpoison_stack_memory(uintptr_t addr, uintptr_t size);
__public void __asan_unpoison_stack_memory(uintptr_t addr, uintptr_t size)
{
	kasan_unpoison(addr, size);
}

/*
 * A call that never returns (longjmp, exit, a throw) abandons the
 * frames between here and where execution resumes; their redzones would
 * stay poisoned and fire on whatever next uses that stack.  Like the
 * kernel and compiler-rt, clear the shadow of the whole stack below the
 * caller.  The platform knows the stack's bounds; a range that looks
 * absurd (a stack we do not know, e.g. a coroutine's) is left alone.
 */
static void clear_stack_shadow(uintptr_t lo, uintptr_t hi)
{
	lo = ALIGN_DOWN(lo, KASAN_GRANULE_SIZE);
	if (hi <= lo || hi - lo > (64UL << 20))
		return;
	kasan_memset_raw(kasan_shadow(lo), 0, (hi - lo) >> KASAN_SHADOW_SCALE_SHIFT);
}

__public void __asan_handle_no_return(void);
__public void __asan_handle_no_return(void)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	uintptr_t lo, hi, alt[2], thread[2];

	if (!kasan_ready)
		return;
	/*
	 * On an alternate signal stack (siglongjmp out of a handler) the
	 * frames being abandoned are on the thread's own stack as well:
	 * clear both wholly, as compiler-rt does.
	 */
	if (plat_on_signal_stack(sp, alt, thread)) {
		clear_stack_shadow(alt[0], alt[1]);
		if (thread[1])
			clear_stack_shadow(thread[0], thread[1]);
		return;
	}
	if (plat_stack_bounds(sp, &lo, &hi))
		clear_stack_shadow(sp, hi);
}

static bool is_stack_shadow(uint8_t v)
{
	return v == KASAN_STACK_LEFT || v == KASAN_STACK_MID || v == KASAN_STACK_RIGHT ||
	       v == KASAN_STACK_PARTIAL || v == KASAN_USE_AFTER_SCOPE ||
	       v == KASAN_ALLOCA_LEFT || v == KASAN_ALLOCA_RIGHT ||
	       v == KASAN_STACK_AFTER_RETURN;
}

static uint8_t shadow_at(uintptr_t addr)
{
	uint8_t v = 0;

	plat_read_safe(&v, (uintptr_t)kasan_shadow(addr), 1);
	return v;
}

/* A frame starts where a run of left-redzone shadow begins and the
 * first word holds the magic. */
static bool frame_starts_at(uintptr_t a, uintptr_t words[3])
{
	return shadow_at(a) == KASAN_STACK_LEFT && shadow_at(a - KASAN_GRANULE_SIZE) != KASAN_STACK_LEFT &&
	       plat_read_safe(words, a, 3 * sizeof(uintptr_t)) && words[0] == KASAN_FRAME_MAGIC;
}

static unsigned long parse_ulong(const char **p)
{
	unsigned long v = 0;

	while (**p == ' ')
		(*p)++;
	while (**p >= '0' && **p <= '9')
		v = v * 10 + (unsigned long)(*(*p)++ - '0');
	return v;
}

/*
 * The descriptor is "N off size len name off size len name ...", where
 * name may carry ":line" (included in len).  It lives in the program's
 * rodata, but a corrupted frame could point anywhere: read it safely.
 */
static void print_frame_objects(uintptr_t descr_addr)
{
	char descr[1024];
	size_t n = 0;

	while (n < sizeof(descr) - 1 && plat_read_safe(&descr[n], descr_addr + n, 1) && descr[n])
		n++;
	descr[n] = 0;

	const char *p = descr;
	unsigned long count = parse_ulong(&p);

	kasan_printf("\nThis frame has %lu object%s:\n", count, count == 1 ? "" : "s");
	for (unsigned long i = 0; i < count && *p; i++) {
		unsigned long off = parse_ulong(&p), size = parse_ulong(&p), len = parse_ulong(&p);

		if (*p == ' ')
			p++;
		if (len > kasan_strlen(p))
			break;
		/* The name without the compilers' ":line" suffix, as Linux
		 * prints it (tokenize_frame_descr strips it). */
		int name = 0;

		while (name < (int)len && p[name] != ':')
			name++;
		kasan_printf(" [%lu, %lu) '%.*s'\n", off, off + size, name, p);
		p += len;
	}
}

/* The shadow value that says why bad is bad (a partial granule says
 * nothing, the granule after it does). */
static uint8_t explaining_shadow_at(uintptr_t bad)
{
	uintptr_t a = ALIGN_DOWN(bad, KASAN_GRANULE_SIZE);
	uint8_t v = shadow_at(a);

	if (v > 0 && v < KASAN_GRANULE_SIZE)
		v = shadow_at(a + KASAN_GRANULE_SIZE);
	return v;
}

/*
 * Is addr on the stack of the task that is reporting?  Like Linux's
 * object_is_on_stack(), only the current task's own stack counts: the
 * platform's stack bounds answer "the mapping holding sp", and asked
 * about any other address they would call a heap, .bss or struct page
 * mapping a stack.  In a signal handler on the alternate stack, the
 * task's stack is the thread's, not the one we run on.
 */
static bool on_own_stack(uintptr_t addr)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	uintptr_t lo, hi, alt[2], thread[2];

	if (plat_on_signal_stack(sp, alt, thread)) {
		if ((addr >= alt[0] && addr < alt[1]))
			return true;
		return thread[1] && addr >= thread[0] && addr < thread[1];
	}
	return plat_stack_bounds(sp, &lo, &hi) && addr >= lo && addr < hi;
}

static bool describe_stack(uintptr_t addr, uintptr_t bad);

/*
 * For reports: describe addr (the access address) as a stack object when
 * it is one, i.e. on the reporting task's stack, or when the shadow of
 * the first bad byte is a value only the compilers' stack
 * instrumentation writes (a stack of another thread).
 */
bool kasan_describe_stack_access(uintptr_t addr, uintptr_t bad)
{
	if (!is_stack_shadow(explaining_shadow_at(bad)) && !on_own_stack(addr))
		return false;
	return describe_stack(addr, bad);
}

/* For callers that know addr is on a stack (a vmap stack's area). */
bool kasan_describe_stack(uintptr_t addr)
{
	return describe_stack(addr, addr);
}

static bool describe_stack(uintptr_t addr, uintptr_t bad)
{
	uintptr_t lo = 0, hi = 0, words[3];
	uintptr_t a = ALIGN_DOWN(addr, KASAN_GRANULE_SIZE);
	/* An access that starts inside an alloca and runs out of it is
	 * still in the alloca area: the bad byte's shadow says so. */
	uint8_t vb = explaining_shadow_at(bad);
	uint8_t v = shadow_at(a);
	bool alloca_area = v == KASAN_ALLOCA_LEFT || v == KASAN_ALLOCA_RIGHT ||
			   vb == KASAN_ALLOCA_LEFT || vb == KASAN_ALLOCA_RIGHT;
	char comm[32];

	plat_stack_bounds(addr, &lo, &hi);
	if (!lo)
		lo = addr > (1UL << 16) ? addr - (1UL << 16) : 0;
	if (!hi)
		hi = addr + (1UL << 16);

	plat_task_name(comm, sizeof(comm));
	/*
	 * Objects of a frame lie above its header, so search downwards; a
	 * dynamic alloca lies below the fixed frame, so search upwards.
	 */
	uintptr_t frame = 0;

	if (!alloca_area) {
		for (uintptr_t f = a; f >= lo && a - f < (1UL << 20); f -= KASAN_GRANULE_SIZE)
			if (frame_starts_at(f, words)) {
				frame = f;
				break;
			}
	} else {
		for (uintptr_t f = a; f < hi && f - a < (1UL << 20); f += KASAN_GRANULE_SIZE)
			if (frame_starts_at(f, words)) {
				frame = f;
				break;
			}
	}
	if (!frame) {
		kasan_printf("The buggy address belongs to stack of task %s/%lu\n", comm,
			     plat_tid());
		return true;
	}

	struct plat_symbol sym;

	/* Linux's kasan_print_address_stack_frame() words.  A dynamic
	 * alloca lies below its function's frame, where Linux's search for
	 * a frame (downwards, to the frame's left redzone) finds none: the
	 * task's line only. */
	kasan_printf("The buggy address belongs to stack of task %s/%lu\n", comm, plat_tid());
	if (alloca_area)
		return true;
	kasan_printf(" and is located at offset %lu in frame:\n", (unsigned long)(addr - frame));
	if (kasan_flags.symbolize && plat_symbolize(words[2], false, &sym) && sym.func)
		kasan_printf(" %s+0x%lx/0x%lx\n", sym.func, (unsigned long)sym.func_off,
			     (unsigned long)sym.func_size);
	else
		kasan_printf(" 0x%lx\n", (unsigned long)words[2]);
	print_frame_objects(words[1]);
	return true;
}
