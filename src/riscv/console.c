// SPDX-License-Identifier: MIT
/* The ns16550 UART of QEMU virt, and the sifive_test device that ends
 * the guest with a status. */
#include "riscv.h"

#define UART		((volatile uint8_t *)RV_UART_BASE)
#define UART_THR	0
#define UART_LSR	5
#define LSR_THRE	0x20

static kasan_spinlock_t console_lock;

void rv_uart_putc(char c)
{
	while (!(UART[UART_LSR] & LSR_THRE))
		;
	UART[UART_THR] = (uint8_t)c;
}

/* Whole lines from two harts must not interleave. */
void rv_console_lock(bool lock)
{
	if (lock)
		kasan_spin_lock(&console_lock);
	else
		kasan_spin_unlock(&console_lock);
}

/* sifive_test: 0x5555 ends QEMU with status 0, 0x3333 | code << 16 with
 * status code. */
void rv_batch_end(int code);

void rv_exit(int code)
{
	volatile uint32_t *test = (volatile uint32_t *)RV_TEST_BASE;

	rv_batch_end(code);
	code &= 0xff;
	*test = code ? (0x3333u | (uint32_t)code << 16) : 0x5555u;
	for (;;)
		__asm__ volatile("wfi");
}
