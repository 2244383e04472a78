// SPDX-License-Identifier: MIT
/* <time.h> of the guest library: the machine timer since boot. */
#include "../riscv.h"
#include "include/time.h"

int clock_gettime(int clk, struct timespec *ts)
{
	uint64_t ns = plat_time_ns();

	(void)clk;
	ts->tv_sec = (time_t)(ns / 1000000000ULL);
	ts->tv_nsec = (long)(ns % 1000000000ULL);
	return 0;
}

time_t time(time_t *t)
{
	time_t s = (time_t)(plat_time_ns() / 1000000000ULL);

	if (t)
		*t = s;
	return s;
}
