// SPDX-License-Identifier: MIT
/*
 * The one libatomic helper the core needs on RV64: a 1-byte
 * compare-and-swap (the slab marks an object's state byte with one).
 * RISC-V's A extension has LR/SC and AMOs for 32 and 64 bits only, so
 * gcc calls __atomic_compare_exchange_1 (libatomic's interface: pointer,
 * expected, desired, success and failure orders).  Done here as a
 * 32-bit CAS on the aligned word holding the byte, retried while only
 * the other bytes changed.
 */
#include <stdbool.h>
#include <stdint.h>

bool rv_atomic_cas1(volatile uint8_t *ptr, uint8_t *expected, uint8_t desired, int success,
		    int failure) __asm__("__atomic_compare_exchange_1");

bool rv_atomic_cas1(volatile uint8_t *ptr, uint8_t *expected, uint8_t desired, int success,
		    int failure)
{
	volatile uint32_t *word = (volatile uint32_t *)((uintptr_t)ptr & ~(uintptr_t)3);
	unsigned shift = ((unsigned)(uintptr_t)ptr & 3) * 8;	/* little-endian */
	uint32_t mask = 0xffu << shift, old = __atomic_load_n(word, __ATOMIC_RELAXED);

	(void)success;
	(void)failure;
	for (;;) {
		uint8_t cur = (uint8_t)((old & mask) >> shift);
		uint32_t new;

		if (cur != *expected) {
			*expected = cur;
			return false;
		}
		new = (old & ~mask) | ((uint32_t)desired << shift);
		if (__atomic_compare_exchange_n(word, &old, new, false, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return true;
	}
}
