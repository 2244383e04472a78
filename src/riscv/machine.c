// SPDX-License-Identifier: MIT
/*
 * The rest of platform.h on the RISC-V port: who and where, safe reads
 * (answered from the page tables, so a report never faults), raw memory
 * primitives, time.
 */
#include "riscv.h"

bool plat_addr_has_shadow(uintptr_t addr)
{
	return addr < RV_SHADOW_START || (addr >= RV_SHADOW_END && addr < PLAT_ADDR_LIMIT);
}

void *plat_memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
		for (; n >= 8; n -= 8, d += 8, s += 8)
			*(uint64_t *)d = *(const uint64_t *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *plat_memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if (d <= s || d >= s + n)
		return plat_memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *plat_memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;
	uint64_t v = (uint8_t)c * 0x0101010101010101ULL;

	while (n && ((uintptr_t)d & 7)) {
		*d++ = (uint8_t)c;
		n--;
	}
	for (; n >= 8; n -= 8, d += 8)
		*(uint64_t *)d = v;
	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

unsigned long plat_tid(void)
{
	struct rv_hart *h = this_hart();

	return h && h->cur ? h->cur->tid : 0;
}

void plat_task_name(char *buf, size_t len)
{
	struct rv_hart *h = this_hart();

	kasan_snprintf(buf, len, "%s", h && h->cur ? h->cur->name : "?");
}

bool plat_stack_bounds(uintptr_t sp, uintptr_t *lo, uintptr_t *hi)
{
	struct rv_hart *h = this_hart();
	struct rv_thread *t = h ? h->cur : NULL;
	uintptr_t s, e;
	bool is_stack;

	if (t && sp >= t->stack_lo && sp < t->stack_hi) {
		*lo = t->stack_lo;
		*hi = t->stack_hi;
		return true;
	}
	if (h && sp >= h->trap_stack_lo && sp < h->trap_stack_hi) {
		*lo = h->trap_stack_lo;
		*hi = h->trap_stack_hi;
		return true;
	}
	/* vmkasan_run_on_vmap_stack(): a vmap stack of no thread */
	if (vmalloc_area_bounds(sp, &s, &e, &is_stack) && is_stack) {
		*lo = s + PAGE_SIZE;
		*hi = e;
		return true;
	}
	return false;
}

/* The trap stack plays the part of the hosted alternate signal stack. */
bool plat_on_signal_stack(uintptr_t sp, uintptr_t alt[2], uintptr_t thread[2])
{
	struct rv_hart *h = this_hart();

	if (!h || sp < h->trap_stack_lo || sp >= h->trap_stack_hi)
		return false;
	alt[0] = h->trap_stack_lo;
	alt[1] = h->trap_stack_hi;
	thread[0] = h->cur ? h->cur->stack_lo : 0;
	thread[1] = h->cur ? h->cur->stack_hi : 0;
	return true;
}

/* Readable without a fault or a side effect: mapped readable, and not
 * a device. */
static bool readable(uintptr_t va)
{
	pte_t *e;

	if (va >= PLAT_ADDR_LIMIT || va < RV_RAM_BASE)
		return false;
	e = rv_pte(va, false);
	return e && (*e & PTE_V) && (*e & PTE_R);
}

bool plat_read_safe(void *dst, uintptr_t src, size_t n)
{
	if (src + n < src)
		return false;
	for (uintptr_t p = ALIGN_DOWN(src, PAGE_SIZE); p < src + n; p += PAGE_SIZE)
		if (!readable(p))
			return false;
	plat_memcpy(dst, (const void *)src, n);
	return true;
}

const char *rv_prog_name(void);

bool plat_symbolize(uintptr_t pc, bool is_return_addr, struct plat_symbol *out)
{
	const char *name;
	uintptr_t off, size;

	kasan_memset_raw(out, 0, sizeof(*out));
	if (pc < (uintptr_t)__image_start || pc >= (uintptr_t)__image_end)
		return module_symbolize(pc, out);	/* "func+0x1c/0x40 [foo]" */
	out->module = rv_prog_name();
	out->module_off = pc - (uintptr_t)__image_start;
	if (rv_symbolize(is_return_addr ? pc - 1 : pc, &name, &off, &size)) {
		out->func = name;
		out->func_off = is_return_addr ? off + 1 : off;
		out->func_size = size;
	}
	return true;
}

bool rv_pc_in_runtime(uintptr_t pc)
{
	static const char *const prefixes[] = { "kasan_", "__asan_", "plat_", "rv_", "vmk_",
						"vmkasan_" };
	struct plat_symbol sym;

	if (!plat_symbolize(pc, false, &sym) || !sym.func)
		return false;
	for (unsigned i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (!kasan_strncmp(sym.func, prefixes[i], kasan_strlen(prefixes[i])))
			return true;
	return false;
}

void plat_cpu_relax(void)
{
	__asm__ volatile("nop");
}

unsigned plat_cpu_id(void)
{
	return this_hart()->id;
}

/* QEMU virt's timebase is 10 MHz. */
uint64_t plat_time_ns(void)
{
	return csr_read(time) * 100;
}

void rv_call_on_stack(void (*fn)(void *), void *arg, uintptr_t top);

int vmkasan_run_on_vmap_stack(void (*fn)(void *), void *arg, size_t stack_size)
{
	uintptr_t lo, hi;
	void *stack;

	if (!kasan_ready || !fn || stack_size > RV_VMALLOC_SIZE)	/* (as rv_thread_create) */
		return -1;
	stack = vmalloc_stack_alloc(stack_size ? stack_size : 64 * 1024, &lo, &hi);
	if (!stack)
		return -1;
	rv_call_on_stack(fn, arg, ALIGN_DOWN(hi, 16));
	vmalloc_stack_free(stack);
	return 0;
}

/*
 * Threads here are switched only where they give the hart up (plat_yield,
 * thread end) and there are no signals: nothing can interrupt a report
 * half-way, so there is nothing to hold off while it prints.
 */
void plat_report_enter(void)
{
}

void plat_report_exit(void)
{
}

/* The machine is up once the vmalloc space has its shadow tables. */
bool plat_init(char *err, size_t errlen)
{
	return rv_pt_vshadow(err, errlen);
}

void plat_write(const char *s, size_t n)
{
	rv_console_lock(true);
	for (size_t i = 0; i < n; i++)
		rv_uart_putc(s[i]);
	rv_console_lock(false);
}

void plat_die(int exitcode, bool do_abort)
{
	rv_exit(do_abort ? 134 : exitcode);
}
