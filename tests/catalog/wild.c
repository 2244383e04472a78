/*
 * Bug catalog: addresses that are no object's.
 *
 * wild-memory-access: 0x100000000000 lies inside the shadow region
 * itself, so its own shadow byte is in the never-mapped shadow gap; the
 * check's shadow load faults, the runtime maps a page of poison there and
 * the check reports at the real address.  Reading the address itself then
 * succeeds (shadow memory is mapped), so the program goes on.
 *
 * Non-canonical addresses (LIST_POISON-like 0xdead000000000100): the
 * shadow address computed from one is itself non-canonical, so the
 * check's shadow load takes a general protection fault, for which the
 * kernel reports no address (si_addr is 0).  In outline builds the
 * runtime's check knows the address and must report a wild access with
 * it; in inline builds the report can only come from the fault, and
 * run-tests.sh asserts the bug type and the function only.  Either way
 * it is not a null-ptr-deref, nor an internal error of the runtime.
 *
 * null-ptr-deref: page 0's shadow is poisoned, so an instrumented access
 * below 4096 is reported with its size and address before it faults; the
 * fault that follows is reported too (only the first report is asserted)
 * and ends the program with the exit code.
 */
#include "catalog.h"

#define WILD ((uintptr_t)0x100000000000UL)

noinline void wild_read(void)
{
	volatile char *p = hide((volatile char *)WILD);

	expect_addr(p);
	(void)*p;
}

noinline void wild_write8(void)
{
	volatile uint64_t *p = hide((volatile uint64_t *)(WILD + 0x48));

	expect_addr(p);
	*p = 1;
}

/* An address in the shadow gap itself: its shadow is in the gap too. */
noinline void wild_shadow_gap_read(void)
{
	volatile uint32_t *p = hide((volatile uint32_t *)0x100000000UL);

	expect_addr(p);
	(void)*p;
}

#define NONCANONICAL ((uintptr_t)0xdead000000000100UL)

noinline void noncanonical_read(void)
{
	volatile char *p = hide((volatile char *)NONCANONICAL);

	expect_addr(p);
	(void)*p;
}

noinline void noncanonical_write8(void)
{
	volatile uint64_t *p = hide((volatile uint64_t *)(NONCANONICAL + 0x20));

	expect_addr(p);
	*p = 1;
}

/* The same addresses as constants: gcc's inline check then loads the
 * shadow through an absolute address in the instruction itself, and no
 * register holds the address. */
noinline void noncanonical_const_read(void)
{
	expect_addr((void *)NONCANONICAL);
	(void)*(volatile char *)NONCANONICAL;
}

noinline void noncanonical_const_write8(void)
{
	expect_addr((void *)(NONCANONICAL + 0x20));
	*(volatile uint64_t *)(NONCANONICAL + 0x20) = 1;
}

/* A string instruction (no ModRM operand) on a non-canonical address,
 * with nothing else pointing at it: the report must say the address is
 * unknown, not print one.  (x86-64 only.) */
#if defined(__x86_64__)
noinline void noncanonical_string_read(void)
{
	const char *p = (const char *)hide(NONCANONICAL);

	printf("EXPECT unknown\n");
	fflush(stdout);
	__asm__ volatile("lodsb" : "+S"(p) : : "rax", "memory");
}
#endif

noinline void null_read(void)
{
	volatile int *p = (volatile int *)hide((uintptr_t)0);

	expect_addr(&p[1]);
	(void)p[1];
}

noinline void null_write(void)
{
	volatile long *p = (volatile long *)hide((uintptr_t)0);

	expect_addr(&p[3]);
	p[3] = 1;
}

struct with_member {
	long a, b;
	long member;	/* offset 16 */
};

noinline void null_member(void)
{
	struct with_member *volatile s = (struct with_member *)hide((uintptr_t)0);

	expect_addr(&s->member);
	(void)*(volatile long *)&s->member;
}

/* The shadow of an unmapped page is 0: the load itself faults.
 * (Hosted only: the bare-metal guest has no mmap.) */
#ifndef __vmkasan_riscv__
#include <sys/mman.h>

noinline void unmapped_read(void)
{
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	munmap(p + 4096, 4096);
	expect_addr(p + 4096);
	(void)*(volatile char *)hide(p + 4096);
}
#endif

static const struct catalog_case cases[] = {
#ifndef __vmkasan_riscv__
	CASE(unmapped_read),
#endif
	CASE(wild_read), CASE(wild_write8), CASE(wild_shadow_gap_read),
	CASE(noncanonical_read), CASE(noncanonical_write8),
	CASE(noncanonical_const_read), CASE(noncanonical_const_write8),
#if defined(__x86_64__)
	CASE(noncanonical_string_read),
#endif
	CASE(null_read), CASE(null_write), CASE(null_member),
};

int main(int argc, char **argv)
{
	return RUN_CASES(cases);
}
