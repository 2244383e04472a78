// SPDX-License-Identifier: MIT
/*
 * The contended half of kasan_spin_lock (core.h).  A function of its own,
 * never inlined, so that `perf record -g` shows lock waiting as
 * kasan_spin_lock_contended under the function that wanted the lock:
 * contention is measured by name, not guessed from slow callers.
 */
#include "core.h"

__attribute__((noinline)) void kasan_spin_lock_contended(kasan_spinlock_t *l)
{
	unsigned spins = 0;

	do {
		/* Spin briefly, then let a preempted holder run. */
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED)) {
			if (++spins < 128)
				plat_cpu_relax();
			else
				plat_yield();
		}
	} while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE));
}
