// SPDX-License-Identifier: MIT
/*
 * Fault injection for the allocation paths, in the manner of the
 * kernel's fail_page_alloc / fail_nth: VMKASAN_OPTIONS=fail_nth=N makes
 * the N-th allocation attempt on the selected paths fail (once),
 * fail_prob=P makes each attempt fail with probability P, and
 * fail_path=page+shadow+area+percpu+slab+malloc (or "all") selects the
 * paths.
 *
 * "all" is every path but malloc: the program's own heap (and libc's,
 * stdio's, ...) fails only when asked for by name, so that a sweep over
 * the kernel-API allocators counts their attempts and not whatever
 * printf allocated on the way.  A call of the malloc family is one
 * attempt on path malloc, whatever it allocates below (slab, large
 * pages, a vmalloc area with its pages and shadow): fail_nth=N on it is
 * the program's N-th malloc, calloc, realloc, ... that allocates.
 */
#include "mm/mm.h"

unsigned long fail_count[FAIL_NR], fail_injected[FAIL_NR];

static int fail_nth;
static double fail_prob;
static char fail_path_opt[64] = "all";
#define FAIL_MASK_ALL (((1u << FAIL_NR) - 1) & ~(1u << FAIL_MALLOC))
static unsigned fail_mask = FAIL_MASK_ALL;
static unsigned long attempts;
static uint64_t rng_state;

static const char *const path_names[FAIL_NR] = { "page", "shadow", "area", "percpu", "slab",
							   "malloc" };

const struct kasan_option fault_inject_options[] = {
	{ "fail_nth", OPT_INT, &fail_nth, NULL, 0, 0x7fffffff,
	  "make the N-th allocation attempt on fail_path fail (0: off)" },
	{ "fail_prob", OPT_DOUBLE, &fail_prob, NULL, 0, 0,
	  "make each allocation attempt on fail_path fail with this probability (0..1)" },
	{ "fail_path", OPT_STRING, fail_path_opt, NULL, 0, sizeof(fail_path_opt),
	  "paths for fail_nth/fail_prob: all (every path but malloc), or names joined by '+': "
	  "page, shadow, area, percpu, slab, malloc" },
};
const unsigned fault_inject_nr_options = ARRAY_SIZE(fault_inject_options);

/* Parse fail_path; called once the options are read. */
bool fault_inject_setup(char *err, size_t errlen)
{
	const char *p = fail_path_opt;

	rng_state = plat_time_ns() | 1;
	if (!kasan_strcmp(p, "all"))
		return true;
	fail_mask = 0;
	while (*p) {
		const char *e = p;
		unsigned i;

		while (*e && *e != '+')
			e++;
		for (i = 0; i < FAIL_NR; i++)
			if (kasan_strlen(path_names[i]) == (size_t)(e - p) &&
			    !kasan_strncmp(path_names[i], p, (size_t)(e - p)))
				break;
		/* An empty name ("page+", "+page", "page++shadow") is a typo,
		 * not a request for fewer paths: refuse it like a bad name. */
		if (i == FAIL_NR || (*e == '+' && !e[1])) {
			kasan_snprintf(err, errlen,
				       "vmkasan: VMKASAN_OPTIONS: bad value '%s' for option 'fail_path' "
				       "(all, or page, shadow, area, percpu, slab, malloc joined by '+')",
				       fail_path_opt);
			return false;
		}
		fail_mask |= 1u << i;
		p = *e ? e + 1 : e;
	}
	return true;
}

/* xorshift64*: cheap, lock-free enough (a lost update only changes which
 * attempt fails). */
static double next_random(void)
{
	uint64_t x = READ_ONCE(rng_state);

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	WRITE_ONCE(rng_state, x);
	return (double)((x * 0x2545F4914F6CDD1DULL) >> 11) / (double)(1ULL << 53);
}

__attribute__((weak)) int *plat_thread_malloc_depth(void)
{
	return NULL;
}

static bool in_malloc(void)
{
	int *depth = plat_thread_malloc_depth();

	return depth && *depth > 0;
}

void fault_malloc_enter(void)
{
	int *depth = plat_thread_malloc_depth();

	if (depth)
		++*depth;
}

void fault_malloc_leave(void)
{
	int *depth = plat_thread_malloc_depth();

	if (depth)
		--*depth;
}

bool should_fail(enum fail_path path)
{
	bool fail = false;

	/* Not while the runtime starts: a failed boot allocation is not the
	 * program's failure, and fail_nth counts the program's attempts. */
	if (!kasan_ready)
		return false;
	if (!fail_nth && fail_prob <= 0.0)
		return false;
	/* Inside a malloc call its one attempt was made at its start. */
	if (path != FAIL_MALLOC && in_malloc())
		return false;
	if (!(fail_mask & (1u << path)))
		return false;
	if (fail_nth && __atomic_add_fetch(&attempts, 1, __ATOMIC_RELAXED) == (unsigned long)fail_nth)
		fail = true;
	if (fail_prob > 0.0 && next_random() < fail_prob)
		fail = true;
	if (fail)
		__atomic_add_fetch(&fail_injected[path], 1, __ATOMIC_RELAXED);
	return fail;
}

void count_failure(enum fail_path path)
{
	if (in_malloc())
		path = FAIL_MALLOC;
	__atomic_add_fetch(&fail_count[path], 1, __ATOMIC_RELAXED);
}
