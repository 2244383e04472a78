// SPDX-License-Identifier: MIT
/*
 * Counters of what the port's memory management costs: TLB flushes here
 * and on the other harts, shadow frames in and out.  Timing in QEMU says
 * how long a workload took on a loaded host; these say what it did, the
 * same from run to run, which is what tells one policy's cost from
 * another's (tools/test_vmalloc/guest prints them per policy).  Global
 * relaxed atomics: some of the events happen before a hart has its tp.
 */
#include "riscv.h"

struct vmk_events rv_events;

void vmk_get_events(struct vmk_events *out)
{
	const unsigned long *src = (const unsigned long *)&rv_events;
	unsigned long *dst = (unsigned long *)out;

	for (size_t i = 0; i < sizeof(*out) / sizeof(unsigned long); i++)
		dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
	/* kept in timebase ticks: QEMU virt's timebase is 10 MHz (plat_time_ns) */
	out->shootdown_wait_us /= 10;
}
