// SPDX-License-Identifier: MIT
/*
 * test_vmalloc as a guest of the bare-metal RISC-V port:
 *
 *   build/bin/vmkasan-cc --target=riscv64-virt -DTV_INSTRUMENTED=1 -I tools/test_vmalloc \
 *       tools/test_vmalloc/guest/test_vmalloc.c -o test_vmalloc.elf
 *   build/bin/vmkasan-qemu [--smp=2] test_vmalloc.elf --preset=smoke --shadow=all [--csv=x]
 *
 * The cases, workers and Summary lines are the hosted tool's own
 * (runner.c, compiled in unchanged); this file is what differs on bare
 * metal:
 *   - one policy per boot: --shadow=all runs keep, purge and refcount,
 *     the guest restarting the machine between them (vmk_restart) and
 *     carrying the results across; "off" needs an uninstrumented image
 *     and is not offered;
 *   - resident shadow is counted from the page tables (present frames
 *     in the vmalloc shadow), not with mincore();
 *   - --csv=NAME writes its rows to the UART as "csv:" lines (the guest
 *     has no files): `grep '^csv:' | cut -c5-` on the host.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <vmkasan_riscv.h>

#include "../runner.c"

const char *const policy_names[NR_POLICIES] = { "keep", "purge", "refcount", "off" };
struct tv_params tv;

int policy_from_name(const char *s)
{
	for (int i = 0; i < NR_POLICIES; i++)
		if (!strcmp(s, policy_names[i]))
			return i;
	return -1;
}

double now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

unsigned online_cpus(void)
{
	return vmk_nr_harts();
}

/* ---- sampling (sample.c's interface) ---- */

#define GOAL_SLACK 64	/* the goal: refcount <= 1.1 x lower bound + 64 pages */

static const char *policy;
static bool csv;
static unsigned long interval, ops;
static struct sample_summary sum;
static unsigned long over_goal;
/* Samples must not see an allocator call half done: workers count
 * themselves in, a sampler closes the door and waits for them. */
static int door_closed;
static unsigned inside;

unsigned long shadow_cache_option(void)
{
	const char *o = getenv("VMKASAN_OPTIONS"), *p;
	unsigned long v = 16;

	for (p = o; p && (p = strstr(p, "vmalloc_shadow_cache=")); p++)
		if (p == o || p[-1] == ':' || p[-1] == ',')
			v = strtoul(p + strlen("vmalloc_shadow_cache="), NULL, 10);
	return v;
}

void note_area(const void *addr, size_t size)
{
	(void)addr;
	(void)size;
}

void op_begin(void)
{
	for (;;) {
		while (__atomic_load_n(&door_closed, __ATOMIC_ACQUIRE))
			vmk_yield();
		__atomic_add_fetch(&inside, 1, __ATOMIC_ACQ_REL);
		if (!__atomic_load_n(&door_closed, __ATOMIC_ACQUIRE))
			return;
		__atomic_sub_fetch(&inside, 1, __ATOMIC_ACQ_REL);
	}
}

void op_end(void)
{
	__atomic_sub_fetch(&inside, 1, __ATOMIC_ACQ_REL);
}

unsigned long resident_shadow_pages(void)
{
	return vmk_shadow_resident();
}

unsigned long total_ops(void)
{
	return __atomic_load_n(&ops, __ATOMIC_RELAXED);
}

static void take_sample(const char *why)
{
	struct vmkasan_stats s;
	unsigned long resident;

	vmkasan_get_stats(&s);
	resident = vmk_shadow_resident();
	sum.samples++;
	if (resident > sum.resident_peak) {
		sum.resident_peak = resident;
		sum.lower_bound_at_peak = s.shadow_lower_bound;
	}
	if (s.shadow_lower_bound && (double)resident / (double)s.shadow_lower_bound > sum.max_ratio)
		sum.max_ratio = (double)resident / (double)s.shadow_lower_bound;
	if ((double)resident > 1.1 * (double)s.shadow_lower_bound + (double)sum.cache)
		sum.over_bound++;
	if (resident > s.shadow_pages_used + sum.cache)
		sum.over_used++;
	if ((double)resident > 1.1 * (double)s.shadow_lower_bound + GOAL_SLACK)
		over_goal++;
	sum.resident_final = resident;
	if (csv)
		printf("csv:%s,%lu,%lu,%lu,%lu,%lu,%lu,%lu,%lu,%lu,%s\n", policy, total_ops(),
		       s.live_vmalloc_bytes, s.shadow_lower_bound, resident, s.ram_pages,
		       s.shadow_pages, s.shadow_pages_cached, s.ram_budget_pages - s.ram_pages,
		       vmk_page_table_pages(), why);
}

static void sample_quiet(const char *why)
{
	while (__atomic_exchange_n(&door_closed, 1, __ATOMIC_ACQUIRE))
		vmk_yield();
	while (__atomic_load_n(&inside, __ATOMIC_ACQUIRE))
		vmk_yield();
	take_sample(why);
	__atomic_store_n(&door_closed, 0, __ATOMIC_RELEASE);
}

void sample_init(const char *pol, const char *csv_path, unsigned long every, unsigned workers)
{
	(void)workers;
	policy = pol;
	csv = csv_path && csv_path[0];
	interval = every ? every : 1000;
	sum.cache = !strcmp(pol, "refcount") ? shadow_cache_option() : 0;
	if (csv)
		printf("csv:policy,op,live_bytes,lower_bound,resident,ram_pages,shadow_pages,cached,"
		       "free_pages,pt_pages,event\n");
}

void op_tick(void)
{
	unsigned long n = __atomic_add_fetch(&ops, 1, __ATOMIC_RELAXED);

	/* called between allocator calls (CALL() has ended its op) */
	if (n % interval == 0)
		sample_quiet("");
}

void sample_now(const char *why)
{
	sample_quiet(why);
}

void sample_finish(struct sample_summary *out)
{
	sample_quiet("end");
	vm_unmap_aliases();
	sum.resident_after_purge = vmk_shadow_resident();
	sample_quiet("after vm_unmap_aliases");
	*out = sum;
}

/* ---- results carried across restarts ---- */

#define GUEST_POLICIES 3
struct policy_result {
	int ran, status;
	unsigned long ram_peak, shadow_peak, resident_peak, lb_at_peak, resident_final,
		      resident_after_purge, samples, over_goal, reports, integrity, failed[4];
	double max_ratio, usec[NR_CASES];
	unsigned long ops[NR_CASES], fails[NR_CASES];
	struct vmk_events ev;		/* during run_tests */
};
struct carry {
	int next;			/* index into the policy list of this boot */
	int npol, pol[GUEST_POLICIES];
	struct policy_result r[GUEST_POLICIES];
};
static struct carry st;

static void parse_result(struct policy_result *r, const char *buf)
{
	for (const char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char *e;

		if (!strncmp(l, "case ", 5)) {
			long c = strtol(l + 5, &e, 10);
			unsigned long ops;

			strtol(e, &e, 10);		/* worker */
			strtol(e, &e, 10);		/* passed */
			strtol(e, &e, 10);		/* failed */
			unsigned long fails;

			ops = strtoul(e, &e, 10);
			fails = strtoul(e, &e, 10);
			if (c >= 0 && c < NR_CASES) {
				r->ops[c] += ops;
				r->fails[c] += fails;
				r->usec[c] += strtod(e, &e);
			}
		} else if (!strncmp(l, "mem ", 4)) {
			const char *k = l + 4, *v = strchr(k, ' ');
			size_t n = v ? (size_t)(v - k) : 0;
			unsigned long x = v ? strtoul(v + 1, NULL, 10) : 0;

#define KEY(s) (n == strlen(s) && !strncmp(k, s, n))
			if (KEY("ram_peak")) r->ram_peak = x;
			else if (KEY("shadow_peak")) r->shadow_peak = x;
			else if (KEY("reports")) r->reports = x;
			else if (KEY("integrity")) r->integrity = x;
			else if (KEY("failed0")) r->failed[0] = x;
			else if (KEY("failed1")) r->failed[1] = x;
			else if (KEY("failed2")) r->failed[2] = x;
			else if (KEY("failed3")) r->failed[3] = x;
#undef KEY
		}
	}
}

static double us_per_op(const struct policy_result *r)
{
	double us = 0;
	unsigned long n = 0;

	for (int c = 0; c < NR_CASES; c++) {
		us += r->usec[c];
		n += r->ops[c];
	}
	return n ? us / (double)n : 0;
}

static void print_tables(void)
{
	const struct policy_result *keep = NULL, *ref = NULL;

	printf("\n### µs/op side by side (guest)\n\n| case |");
	for (int k = 0; k < st.npol; k++)
		printf(" %s |", policy_names[st.pol[k]]);
	printf("\n|---|");
	for (int k = 0; k < st.npol; k++)
		printf("---:|");
	printf("\n");
	for (int c = 0; c < NR_CASES; c++) {
		if (!st.r[0].ops[c])
			continue;
		printf("| %s |", case_names[c]);
		for (int k = 0; k < st.npol; k++)
			printf(" %.2f |", st.r[k].ops[c] ? st.r[k].usec[c] / (double)st.r[k].ops[c] : 0);
		printf("\n");
	}
	printf("| all cases |");
	for (int k = 0; k < st.npol; k++) {
		printf(" %.2f |", us_per_op(&st.r[k]));
		if (st.pol[k] == P_KEEP)
			keep = &st.r[k];
		if (st.pol[k] == P_REFCOUNT)
			ref = &st.r[k];
	}
	printf("\n\n### Failed allocations per case (out of RAM: the budget is the guest's RAM)\n\n| case |");
	for (int k = 0; k < st.npol; k++)
		printf(" %s |", policy_names[st.pol[k]]);
	printf("\n|---|");
	for (int k = 0; k < st.npol; k++)
		printf("---:|");
	for (int c = 0; c < NR_CASES; c++) {
		if (!st.r[0].ops[c])
			continue;
		printf("\n| %s |", case_names[c]);
		for (int k = 0; k < st.npol; k++)
			printf(" %lu of %lu |", st.r[k].fails[c], st.r[k].ops[c]);
	}
	printf("\n\n### TLB and shadow events per policy (guest counters: what was done, not how long it took)\n\n"
	       "| policy | ops | shoot-downs | waiting for them (ms) | local full flushes | "
	       "local page flushes | shadow frames mapped | unmapped | stale entries mended |\n"
	       "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (int k = 0; k < st.npol; k++) {
		const struct policy_result *r = &st.r[k];
		unsigned long n = 0;

		for (int c = 0; c < NR_CASES; c++)
			n += r->ops[c];
		printf("| %s | %lu | %lu | %.1f | %lu | %lu | %lu | %lu | %lu |\n", policy_names[st.pol[k]],
		       n, r->ev.shootdowns, (double)r->ev.shootdown_wait_us / 1e3, r->ev.flush_all,
		       r->ev.flush_page, r->ev.shadow_mapped, r->ev.shadow_unmapped, r->ev.stale_fixups);
	}
	printf("\n### Memory per policy (pages of 4 KiB, resident = present PTEs)\n\n"
	       "| policy | exit | peak RAM | peak shadow | peak resident (lower bound then) | final | "
	       "after vm_unmap_aliases | max resident/LB | samples > 1.1×LB+64 | "
	       "failed page/shadow/area/percpu | reports | integrity errors |\n"
	       "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|\n");
	for (int k = 0; k < st.npol; k++) {
		const struct policy_result *r = &st.r[k];

		printf("| %s | %d | %lu | %lu | %lu (%lu) | %lu | %lu | %.3f | %lu/%lu | %lu/%lu/%lu/%lu | %lu | %lu |\n",
		       policy_names[st.pol[k]], r->status, r->ram_peak, r->shadow_peak,
		       r->resident_peak, r->lb_at_peak, r->resident_final, r->resident_after_purge,
		       r->max_ratio, r->over_goal, r->samples, r->failed[0], r->failed[1],
		       r->failed[2], r->failed[3], r->reports, r->integrity);
	}
	if (keep && ref && us_per_op(keep) > 0)
		printf("\nrefcount/keep time: %.3f×\n", us_per_op(ref) / us_per_op(keep));
	if (ref)
		printf("refcount samples over 1.1×LB+64: %lu of %lu\n", ref->over_goal, ref->samples);
}

/* ---- parameters ---- */

struct num_param { const char *name; long *value; long min, max; };
static const struct num_param num_params[] = {
	{ "nr_threads", &tv.nr_threads, 0, 64 },
	{ "sequential_test_order", &tv.sequential_test_order, 0, 1 },
	{ "test_repeat_count", &tv.test_repeat_count, 1, INT_MAX },
	{ "test_loop_count", &tv.test_loop_count, 1, INT_MAX },
	{ "nr_pages", &tv.nr_pages, 0, 1 << 16 },
	{ "run_test_mask", &tv.run_test_mask, 1, INT_MAX },
	{ "busy_list_length", &tv.busy_list_length, 1, 1 << 24 },
	{ "full_fit_junk_length", &tv.full_fit_junk_length, 0, 1 << 24 },
	{ "pcpu_alloc_count", &tv.pcpu_alloc_count, 1, 1 << 24 },
	{ "sample_interval", &tv.sample_interval, 1, INT_MAX },
	{ "seed", &tv.seed, 0, LONG_MAX },
	{ "canary", &tv.canary, 0, 1 },
};
static char shadow_opt[64] = "refcount";

static bool apply_preset(const char *p)
{
	if (!strcmp(p, "smoke")) {
		tv.test_repeat_count = 2;
		tv.test_loop_count = 300;
		tv.busy_list_length = 1500;
		tv.full_fit_junk_length = 1024;
		tv.pcpu_alloc_count = 2000;
		tv.sample_interval = 100;
	} else if (!strcmp(p, "performance")) {
		tv.nr_threads = 1;
		tv.sequential_test_order = 1;
		tv.test_repeat_count = 3;
		tv.test_loop_count = 20000;
		tv.sample_interval = 1000;
	} else if (!strcmp(p, "stress")) {
		tv.test_repeat_count = 20;
		tv.test_loop_count = 2000;
		tv.pcpu_alloc_count = 7000;
		tv.sample_interval = 2000;
	} else {
		return false;
	}
	snprintf(tv.preset, sizeof(tv.preset), "%s", p);
	return true;
}

static int bad(const char *what)
{
	printf("test_vmalloc: %s (--help lists the parameters)\n", what);
	return 2;
}

static int parse_args(int argc, char **argv)
{
	tv.test_repeat_count = 1;
	tv.test_loop_count = 1000000;
	tv.run_test_mask = INT_MAX;
	tv.busy_list_length = 15000;
	tv.pcpu_alloc_count = 35000;
	tv.sample_interval = 1000;
	tv.seed = 1;
	tv.child_policy = -1;
	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], "--preset=", 9) && !apply_preset(argv[i] + 9))
			return bad("unknown preset (smoke, performance, stress)");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		bool found = false;

		if (!strcmp(a, "--help")) {
			printf("usage: test_vmalloc [--preset=smoke|performance|stress] "
			       "[--shadow=keep|purge|refcount|all|LIST] [--csv=NAME] [--ram=SIZE]");
			for (unsigned k = 0; k < sizeof(num_params) / sizeof(num_params[0]); k++)
				printf(" [--%s=N]", num_params[k].name);
			printf("\n");
			return 0;
		}
		if (strncmp(a, "--", 2) || !eq)
			return bad("parameters are --name=value");
		if (!strncmp(a, "--preset=", 9))
			continue;
		if (!strncmp(a, "--shadow=", 9)) {
			snprintf(shadow_opt, sizeof(shadow_opt), "%s", eq + 1);
			continue;
		}
		if (!strncmp(a, "--csv=", 6)) {
			snprintf(tv.csv, sizeof(tv.csv), "%s", eq + 1);
			continue;
		}
		if (!strncmp(a, "--ram=", 6)) {
			snprintf(tv.ram, sizeof(tv.ram), "%s", eq + 1);
			continue;
		}
		for (unsigned k = 0; k < sizeof(num_params) / sizeof(num_params[0]); k++) {
			const struct num_param *p = &num_params[k];
			char *end;
			long v;

			if (strlen(p->name) != (size_t)(eq - a - 2) || strncmp(a + 2, p->name, (size_t)(eq - a - 2)))
				continue;
			v = strtol(eq + 1, &end, 0);
			if (*end || v < p->min || v > p->max)
				return bad("a value out of range");
			*p->value = v;
			found = true;
		}
		if (!found)
			return bad("unknown parameter");
	}
	return -1;
}

static bool parse_policies(void)
{
	const char *s = shadow_opt;

	st.npol = 0;
	if (!strcmp(s, "all"))
		s = "keep,purge,refcount";
	while (*s) {
		char name[16];
		size_t n = strcspn(s, ",");
		int p;

		snprintf(name, sizeof(name), "%.*s", (int)n, s);
		p = policy_from_name(name);
		if (p < 0 || p == P_OFF || st.npol == GUEST_POLICIES)
			return false;
		st.pol[st.npol++] = p;
		s += n + (s[n] == ',');
	}
	return st.npol > 0;
}

static __attribute__((noreturn)) void boot_policy(int k)
{
	char opts[96];

	st.next = k;
	snprintf(opts, sizeof(opts), "vmalloc_shadow=%s%s%s", policy_names[st.pol[k]],
		 tv.ram[0] ? ":ram=" : "", tv.ram);
	vmk_restart(opts, &st, sizeof(st));
}

int main(int argc, char **argv)
{
	static char result[16384];
	const struct carry *carried;
	struct vmkasan_stats s;
	struct vmk_events ev0;
	struct policy_result *r;
	size_t len;
	int rc = parse_args(argc, argv), k;
	FILE *f;

	if (rc >= 0)
		return rc;
	if (!parse_policies())
		return bad("--shadow: keep, purge, refcount, all or a comma list of them "
			   "(off needs an uninstrumented image)");
	carried = vmk_restart_data(&len);
	if (!carried || len != sizeof(st)) {
		/* a cold boot: say what runs, then boot the first policy */
		printf("# test_vmalloc (riscv64 guest)%s%s: nr_threads=%ld (%u) "
		       "sequential_test_order=%ld test_repeat_count=%ld test_loop_count=%ld "
		       "nr_pages=%ld run_test_mask=%ld\n", tv.preset[0] ? " --preset=" : "", tv.preset,
		       tv.nr_threads, tv.nr_threads ? (unsigned)tv.nr_threads : online_cpus(),
		       tv.sequential_test_order, tv.test_repeat_count, tv.test_loop_count,
		       tv.nr_pages, tv.run_test_mask);
		boot_policy(0);
	}
	st = *carried;
	k = st.next;
	tv.child_policy = st.pol[k];
	vmkasan_get_stats(&s);
	printf("\n## policy %s: test_vmalloc.elf, VMKASAN_OPTIONS=%s, RAM budget %lu pages\n\n",
	       policy_names[tv.child_policy], getenv("VMKASAN_OPTIONS"), s.ram_budget_pages);
	f = fmemopen(result, sizeof(result), "w");
	r = &st.r[k];
	r->ran = 1;
	vmk_get_events(&ev0);
	r->status = run_tests(f);
	vmk_get_events(&r->ev);
	for (size_t i = 0; i < sizeof(ev0) / sizeof(unsigned long); i++)
		((unsigned long *)&r->ev)[i] -= ((unsigned long *)&ev0)[i];
	fclose(f);
	parse_result(r, result);
	r->resident_peak = sum.resident_peak;
	r->lb_at_peak = sum.lower_bound_at_peak;
	r->resident_final = sum.resident_final;
	r->resident_after_purge = sum.resident_after_purge;
	r->samples = sum.samples;
	r->over_goal = over_goal;
	r->max_ratio = sum.max_ratio;
	if (k + 1 < st.npol)
		boot_policy(k + 1);
	print_tables();
	rc = 0;
	for (k = 0; k < st.npol; k++)
		if (st.r[k].status)
			rc = 1;
	printf("%s\n", rc ? "test_vmalloc: FAIL" : "test_vmalloc: PASS");
	return rc;
}
