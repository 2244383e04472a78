/*
 * Reproducer (runtime bug): a non-canonical wild pointer.
 *
 *   build/bin/vmkasan-cc --outline -g -O1 tests/repro/noncanonical.c -o /tmp/nc && /tmp/nc
 *   build/bin/vmkasan-cc --inline  -g -O1 tests/repro/noncanonical.c -o /tmp/nc && /tmp/nc
 *
 * Expected: BUG: KASAN: wild-memory-access in bad_read, Read of size 1 at
 * addr dead000000000100 (outline builds know the address; an inline
 * check's shadow load takes a #GP for which the kernel gives no address).
 * Got: outline "vmkasan: internal error: SIGSEGV accessing 0 ... in the
 * runtime" (exit 134); inline "BUG: KASAN: null-ptr-deref ... Read at
 * addr 0000000000000000".
 * Catalog: tests/catalog/wild.c noncanonical_read, noncanonical_write8.
 */
#include <stdint.h>

__attribute__((noinline)) void bad_read(volatile char *p)
{
	(void)*p;
}

int main(void)
{
	uintptr_t a = 0xdead000000000100UL;

	__asm__("" : "+r"(a));
	bad_read((volatile char *)a);
	return 0;
}
