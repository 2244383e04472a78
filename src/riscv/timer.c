// SPDX-License-Identifier: MIT
/*
 * The timer: Sstc's stimecmp (QEMU 7.2 virt has it; M-mode set
 * menvcfg.STCE).  A hart that waits sets its compare value and sleeps in
 * wfi with only the supervisor timer enabled in sie; interrupts stay off
 * in sstatus, so no trap is taken: wfi just returns once the time is
 * due (or another interrupt, the TLB shoot-down, woke it).  The idle
 * loop of a secondary hart sleeps this way instead of spinning.
 */
#include "riscv.h"
#include "vmkasan_riscv.h"

#define CSR_STIMECMP	0x14d
#define SIE_STIE	(1UL << 5)
#define TICKS_PER_US	10	/* QEMU virt: 10 MHz */

static unsigned long wakes[RV_MAX_HARTS];

static uint64_t now_ticks(void)
{
	return csr_read(time);
}

/* Sleep until the timer reaches `until` (in ticks). */
void rv_sleep_until(uint64_t until)
{
	unsigned id = this_hart()->id;

	__asm__ volatile("csrw 0x14d, %0" :: "r"(until));
	__asm__ volatile("csrs sie, %0" :: "r"(SIE_STIE));
	while (now_ticks() < until) {
		__asm__ volatile("wfi");
		wakes[id]++;
	}
	__asm__ volatile("csrc sie, %0" :: "r"(SIE_STIE));
	__asm__ volatile("csrw 0x14d, %0" :: "r"(~0UL));
}

void vmk_sleep_us(unsigned long us)
{
	rv_sleep_until(now_ticks() + us * TICKS_PER_US);
}

unsigned long vmk_timer_wakes(void)
{
	return READ_ONCE(wakes[this_hart()->id]);
}
