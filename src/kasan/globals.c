// SPDX-License-Identifier: MIT
/*
 * Global variables: the compilers emit one descriptor per instrumented
 * global and register the module's array from a constructor (gcc at
 * default priority, clang at priority 1).  We poison each variable's
 * redzone and remember the arrays, which live in the module's data, to
 * name the variable in a report.
 */
#include "kasan/kasan.h"

/* The descriptor layout shared by gcc 12 and clang 14 (64 bytes). */
struct kasan_global {
	uintptr_t beg;
	uintptr_t size;
	uintptr_t size_with_redzone;
	const char *name;
	const char *module_name;
	uintptr_t has_dynamic_init;
	const struct kasan_source_location {
		const char *filename;
		int line;
		int column;
	} *location;
	uintptr_t odr_indicator;	/* clang: (char *)-1 for internal globals; never read */
};

#define MAX_GLOBAL_ARRAYS 4096

static struct {
	const struct kasan_global *globals;
	uintptr_t n;
} arrays[MAX_GLOBAL_ARRAYS];
static unsigned nr_arrays;
static kasan_spinlock_t globals_lock;

static void poison_redzone(const struct kasan_global *g)
{
	uintptr_t aligned = ALIGN_UP(g->size, KASAN_GRANULE_SIZE);

	kasan_unpoison_sparse(g->beg, g->size);
	kasan_poison(g->beg + aligned, g->size_with_redzone - aligned, KASAN_GLOBAL_REDZONE);
}

static bool global_is_sane(const struct kasan_global *g)
{
	return !(g->beg & KASAN_GRANULE_MASK) && g->size <= g->size_with_redzone &&
	       !(g->size_with_redzone & KASAN_GRANULE_MASK);
}

__public void __asan_register_globals(struct kasan_global *globals, uintptr_t n);
__public void __asan_register_globals(struct kasan_global *globals, uintptr_t n)
{
	if (!kasan_ready)
		kasan_init();
	for (uintptr_t i = 0; i < n; i++)
		if (global_is_sane(&globals[i]))
			poison_redzone(&globals[i]);
	kasan_spin_lock(&globals_lock);
	/* Arrays beyond the table are still poisoned, only not named. */
	if (nr_arrays < MAX_GLOBAL_ARRAYS) {
		arrays[nr_arrays].globals = globals;
		arrays[nr_arrays].n = n;
		nr_arrays++;
	}
	kasan_spin_unlock(&globals_lock);
}

__public void __asan_unregister_globals(struct kasan_global *globals, uintptr_t n);
__public void __asan_unregister_globals(struct kasan_global *globals, uintptr_t n)
{
	for (uintptr_t i = 0; i < n; i++)
		if (global_is_sane(&globals[i]))
			kasan_unpoison(globals[i].beg, globals[i].size_with_redzone);
	kasan_spin_lock(&globals_lock);
	for (unsigned i = 0; i < nr_arrays; i++) {
		if (arrays[i].globals == globals) {
			arrays[i] = arrays[--nr_arrays];
			break;
		}
	}
	kasan_spin_unlock(&globals_lock);
}

/* C++ dynamic initialisation order checking is a user-space ASan feature;
 * kernel mode has nothing to check, but C++ code still calls these. */
__public void __asan_before_dynamic_init(const char *module);
__public void __asan_before_dynamic_init(const char *module) { (void)module; }
__public void __asan_after_dynamic_init(void);
__public void __asan_after_dynamic_init(void) {}

bool kasan_describe_global(uintptr_t addr)
{
	const struct kasan_global *found = NULL;

	kasan_spin_lock(&globals_lock);
	for (unsigned i = 0; i < nr_arrays && !found; i++) {
		for (uintptr_t j = 0; j < arrays[i].n; j++) {
			const struct kasan_global *g = &arrays[i].globals[j];

			if (addr >= g->beg && addr - g->beg < g->size_with_redzone) {
				found = g;
				break;
			}
		}
	}
	kasan_spin_unlock(&globals_lock);
	if (!found)
		return false;
	/* Linux prints %pS of the address: the symbol, whose size is the
	 * variable with the redzone the compiler put after it. */
	kasan_printf("The buggy address belongs to the variable:\n");
	kasan_printf(" %s+0x%lx/0x%lx\n", found->name, (unsigned long)(addr - found->beg),
		     (unsigned long)found->size_with_redzone);
	return true;
}
