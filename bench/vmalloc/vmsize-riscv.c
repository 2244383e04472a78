/*
 * The RISC-V guest's side of issue 19's first row: vmalloc(N) + touch one
 * byte + vfree, N = 4 KiB up to the largest area the 32 MiB board's RAM
 * holds.  Per N: the shadow frames the round mapped (the port's event
 * counter, the same on every run) and the guest time of the median of 5
 * rounds, read from rdtime: under `vmkasan-qemu --icount=0` one
 * nanosecond is one instruction, so it is an instruction count and no
 * host load shows in it.  The lazy purge runs between rounds, untimed.
 *
 *   build/bin/vmkasan-cc --target=riscv64-virt -O2 bench/vmalloc/vmsize-riscv.c -o vmsize.elf
 *   build/bin/vmkasan-qemu --icount=0 vmsize.elf
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <vmkasan.h>
#include <vmkasan_riscv.h>

#define REPS 5

static unsigned long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (unsigned long)t.tv_sec * 1000000000UL + (unsigned long)t.tv_nsec;
}

static unsigned long ram_left(void)
{
	struct vmkasan_stats s;

	vmkasan_get_stats(&s);
	return s.ram_budget_pages - s.ram_pages;
}

/* One size: 0 if it does not fit. */
static int measure(size_t n, const char *label)
{
	unsigned long t[REPS], frames = 0;

	for (int r = 0; r < REPS; r++) {
		struct vmk_events e0, e1;
		unsigned long t0;
		char *p;

		vm_unmap_aliases();
		vmk_get_events(&e0);
		t0 = now_ns();
		p = vmalloc(n);
		if (!p) {
			printf("| %s | %zu KiB | does not fit (%lu pages left) | |\n", label, n >> 10,
			       ram_left());
			return 0;
		}
		((volatile char *)p)[n / 2] = 1;
		vfree(p);
		t[r] = now_ns() - t0;
		vmk_get_events(&e1);
		frames = e1.shadow_mapped - e0.shadow_mapped;
	}
	for (int i = 1; i < REPS; i++)	/* insertion sort: the median */
		for (int j = i; j > 0 && t[j] < t[j - 1]; j--) {
			unsigned long x = t[j];

			t[j] = t[j - 1];
			t[j - 1] = x;
		}
	printf("| %s | %zu KiB | %lu | %lu |\n", label, n >> 10, frames, t[REPS / 2]);
	return 1;
}

int main(void)
{
	static const size_t kib[] = { 4, 64, 256, 1024, 4096, 8192, 16384 };
	size_t max;

	printf("| N | bytes | shadow frames mapped | guest ns (insns under --icount=0), median of %d |\n",
	       REPS);
	printf("|---|---|---|---|\n");
	for (unsigned i = 0; i < sizeof(kib) / sizeof(kib[0]); i++)
		measure(kib[i] << 10, "");
	vm_unmap_aliases();
	/* the largest area that fits if its shadow is not populated, and the
	 * largest that fits if it is (N + N / 8 within what is left) */
	max = ((ram_left() - 64) * 4096) & ~(32768UL - 1);
	measure(max * 8 / 9 & ~(32768UL - 1), "max populated");
	measure(max, "max");
	return 0;
}
