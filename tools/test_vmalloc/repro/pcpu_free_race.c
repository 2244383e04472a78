// SPDX-License-Identifier: MIT
/*
 * Repro (instrumented): a false "vmalloc-out-of-bounds" on a fresh
 * per-cpu allocation when another thread frees concurrently.
 *
 * free_percpu() (src/core/percpu.c) clears the allocation's bits under
 * pcpu_lock but poisons its shadow (poison_freed, KASAN_VMALLOC_FREED)
 * only after dropping the lock.  In between, pcpu_alloc() on another
 * thread can take the same granules and unpoison them; the late poison
 * then lands on the new owner's live memory and its next access is
 * reported.  Seen by test_vmalloc --preset=smoke (pcpu_alloc_test, two
 * workers).  Build with vmkasan-cc; run.sh does.  Expected with the bug:
 * a "BUG: KASAN: vmalloc-out-of-bounds" report at once; with the fix
 * (poison inside the locked section, as src/core/percpu.c now does):
 * "0 report(s)".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "vmkasan.h"

#define LOOPS 2000000

static void *worker(void *arg)
{
	(void)arg;
	for (long i = 0; i < LOOPS && !vmkasan_report_count(); i++) {
		volatile unsigned char *p = __alloc_percpu(144, 16);

		if (!p)
			abort();
		for (unsigned cpu = 0; cpu < nr_cpu_ids; cpu++)
			per_cpu_ptr(p, cpu)[0] = 1;	/* instrumented: reported if poisoned */
		free_percpu((void *)p);
	}
	return NULL;
}

int main(void)
{
	pthread_t t[2];
	/* Keep the chunk from emptying (an empty chunk is freed). */
	void *pin = __alloc_percpu(16, 16);

	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	free_percpu(pin);
	printf("%lu report(s)\n", vmkasan_report_count());
	return 0;
}
