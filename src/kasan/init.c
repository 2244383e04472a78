// SPDX-License-Identifier: MIT
/*
 * Start-up: options first (they decide where output goes), then the
 * platform maps the shadow, then the runtime is ready.  Instrumented
 * code may run before any ordinary constructor, so the platform calls
 * kasan_init() as early as it can (.preinit_array in executables); a
 * global registration that comes first initialises lazily.
 */
#include "kasan/kasan.h"

bool mm_init(char *err, size_t errlen);

volatile int kasan_ready;
static kasan_spinlock_t init_lock;

static __attribute__((noreturn)) void fail(const char *msg)
{
	kasan_printf("%s\n", msg);
	plat_die(2, false);
}

void kasan_init(void)
{
	char err[512];

	kasan_spin_lock(&init_lock);
	if (kasan_ready) {
		kasan_spin_unlock(&init_lock);
		return;
	}
	if (!kasan_parse_options(plat_options(), err, sizeof(err)))
		fail(err);
	if (!plat_init(err, sizeof(err)))
		fail(err);
	/* Page 0 gets poisoned shadow so that an instrumented NULL access is
	 * reported with its size before it faults. */
	kasan_poison(0, PLAT_PAGE_SIZE, KASAN_PAGE_REDZONE);
	if (!mm_init(err, sizeof(err)))
		fail(err);
	kasan_ready = 1;
	kasan_spin_unlock(&init_lock);
}
