// SPDX-License-Identifier: MIT
/*
 * test_vmalloc: parameters, presets, and the driver that runs each
 * vmalloc shadow policy in a child process (re-exec'd with the right
 * binary and VMKASAN_OPTIONS) and prints the results side by side.
 *
 * Two binaries are built from these files: test_vmalloc, instrumented
 * with vmkasan, for the keep, purge and refcount policies, and
 * test_vmalloc-noshadow, not instrumented, for the "off" baseline.
 * Either one drives; each finds the other next to itself.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tv.h"

const char *const policy_names[NR_POLICIES] = { "keep", "purge", "refcount", "off" };
/* Order in which --shadow=all runs them: the baseline first. */
static const int run_order[NR_POLICIES] = { P_OFF, P_KEEP, P_PURGE, P_REFCOUNT };

struct tv_params tv;
bool bench_list_ok(const char *s);

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
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned)n : 1;
}

/* ---- parameters ---- */
struct num_param {
	const char *name;
	long *value;
	long min, max;
	const char *help;
};

static const struct num_param num_params[] = {
	{ "nr_threads", &tv.nr_threads, 0, 65535,
	  "number of workers, each running every selected case (0: number of CPUs)" },
	{ "sequential_test_order", &tv.sequential_test_order, 0, 1,
	  "1: run the cases in mask order; 0: each worker shuffles them" },
	{ "test_repeat_count", &tv.test_repeat_count, 1, INT_MAX, "times each case is repeated" },
	{ "test_loop_count", &tv.test_loop_count, 1, INT_MAX, "loop count of each case" },
	{ "nr_pages", &tv.nr_pages, 0, 1 << 16,
	  "pages of fix_size_alloc_test and vm_map_ram_test (0: 1)" },
	{ "run_test_mask", &tv.run_test_mask, 1, INT_MAX, "cases to run (see below)" },
	{ "busy_list_length", &tv.busy_list_length, 1, 1 << 24,
	  "[ext] live 1-page areas of long_busy_list_alloc_test (kernel: 15000)" },
	{ "full_fit_junk_length", &tv.full_fit_junk_length, 0, 1 << 24,
	  "[ext] page pairs of full_fit_alloc_test (0: kernel's fls(CPUs) * 8192)" },
	{ "pcpu_alloc_count", &tv.pcpu_alloc_count, 1, 1 << 24,
	  "[ext] allocations of pcpu_alloc_test (kernel: 35000)" },
	{ "sample_interval", &tv.sample_interval, 0, INT_MAX,
	  "[ext] allocation ops between --csv samples (0: only at start and end)" },
	{ "seed", &tv.seed, 0, LONG_MAX, "[ext] seed of the random sizes and case orders" },
	{ "progress", &tv.progress, 0, 3600,
	  "[ext] seconds between progress lines on stderr (0: none)" },
	{ "canary", &tv.canary, 0, 1,
	  "[ext] 1: first read one byte past a vmalloc'd area, expecting a KASAN report" },
	{ "pairs", &tv.pairs, 1, INT_MAX, "[bench] timed vmalloc+vfree pairs per point" },
};

struct str_param {
	const char *name;
	char *value;
	size_t size;
	const char *help;
};

static char shadow_opt[64] = "";
static char bench_opt[16] = "";

static const struct str_param str_params[] = {
	{ "preset", tv.preset, sizeof(tv.preset), "smoke | performance | stress" },
	{ "shadow", shadow_opt, sizeof(shadow_opt),
	  "off | keep | purge | refcount | all, or a comma list (default: refcount)" },
	{ "ram", tv.ram, sizeof(tv.ram), "RAM budget for the runtime, e.g. 32M (VMKASAN_OPTIONS ram=)" },
	{ "csv", tv.csv, sizeof(tv.csv), "write memory samples to this CSV file" },
	{ "plot", tv.plot, sizeof(tv.plot), "draw resident shadow over ops to this PNG (gnuplot)" },
	{ "bench", bench_opt, sizeof(bench_opt), "scale | mmap: a benchmark instead of the cases" },
	{ "live_areas", tv.live_areas, sizeof(tv.live_areas),
	  "[bench=scale] live one-page areas, ascending, e.g. 1k,10k,100k,1M" },
	{ "mmap_pages", tv.mmap_pages, sizeof(tv.mmap_pages),
	  "[bench=mmap] allocation sizes in pages, e.g. 1,4,16,64,256" },
};

static void set_defaults(void)
{
	/* The kernel module's defaults. */
	tv.nr_threads = 0;
	tv.sequential_test_order = 0;
	tv.test_repeat_count = 1;
	tv.test_loop_count = 1000000;
	tv.nr_pages = 0;
	tv.run_test_mask = INT_MAX;
	tv.busy_list_length = 15000;
	tv.full_fit_junk_length = 0;
	tv.pcpu_alloc_count = 35000;
	tv.sample_interval = 1000;
	tv.seed = 1;
	tv.progress = 10;
	tv.pairs = 20000;
	strcpy(tv.live_areas, "1k,10k,100k,1M");
	strcpy(tv.mmap_pages, "1,4,16,64,256");
	tv.child_policy = -1;
}

/*
 * Presets, after tools/testing/selftests/mm/test_vmalloc.sh, scaled to
 * a 2-core machine where a vmalloc+touch+vfree costs some 10-70 us (a
 * page fault and a hole punch) instead of the kernel's ~1 us:
 *   smoke        basic coverage, seconds for all four policies;
 *   performance  the kernel's "sequential_test_order=1
 *                test_repeat_count=3" on one worker, loops 1M / 50;
 *   stress       the kernel's "nr_threads=$NUM_CPUS test_repeat_count=20",
 *                loops 1M / 500.
 */
static bool apply_preset(const char *p)
{
	if (!strcmp(p, "smoke")) {
		tv.nr_threads = 0;
		tv.test_repeat_count = 2;
		tv.test_loop_count = 300;
		tv.busy_list_length = 1500;
		tv.full_fit_junk_length = 1024;
		tv.pcpu_alloc_count = 2000;
		tv.sample_interval = 100;
		tv.progress = 0;
	} else if (!strcmp(p, "performance")) {
		tv.nr_threads = 1;
		tv.sequential_test_order = 1;
		tv.test_repeat_count = 3;
		tv.test_loop_count = 20000;
		tv.sample_interval = 1000;
	} else if (!strcmp(p, "stress")) {
		tv.nr_threads = 0;
		tv.test_repeat_count = 20;
		tv.test_loop_count = 2000;
		tv.pcpu_alloc_count = 7000;	/* of the kernel's 35000: bounds the run time */
		tv.sample_interval = 2000;
	} else {
		return false;
	}
	return true;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: test_vmalloc [--name=value ...]\n"
		"\n"
		"The Linux kernel's lib/test_vmalloc.c, in user space, on vmkasan's vmalloc space.\n"
		"Every allocation is touched at both ends through instrumented code.\n"
		"\n"
		"Kernel parameters and extensions ([ext], [bench]):\n");
	for (size_t i = 0; i < sizeof(num_params) / sizeof(num_params[0]); i++)
		fprintf(f, "  --%s=N%*s%s\n", num_params[i].name,
			(int)(24 - strlen(num_params[i].name)), "", num_params[i].help);
	fprintf(f, "\nDriver:\n");
	for (size_t i = 0; i < sizeof(str_params) / sizeof(str_params[0]); i++)
		fprintf(f, "  --%s=...%*s%s\n", str_params[i].name,
			(int)(22 - strlen(str_params[i].name)), "", str_params[i].help);
	fprintf(f,
		"  --help                        this text\n"
		"\n"
		"run_test_mask (the kernel's ids):\n"
		"     1  fix_size_alloc_test\n"
		"     2  full_fit_alloc_test\n"
		"     4  long_busy_list_alloc_test\n"
		"     8  random_size_alloc_test\n"
		"    16  fix_align_alloc_test\n"
		"    32  random_size_align_alloc_test\n"
		"    64  align_shift_alloc_test  (expected to fail, as in the kernel)\n"
		"   128  pcpu_alloc_test\n"
		"   256  kvfree_rcu_1_arg_vmalloc_test  (skipped: no RCU in user space)\n"
		"   512  kvfree_rcu_2_arg_vmalloc_test  (skipped: no RCU in user space)\n"
		"  1024  vm_map_ram_test\n"
		"\n"
		"Presets (explicit parameters override them):\n"
		"  smoke        2 repeats of 300 loops, small pre-allocations, all CPUs\n"
		"  performance  1 worker, sequential, 3 repeats of 20000 loops\n"
		"  stress       all CPUs, shuffled, 20 repeats of 2000 loops, 7000 per-cpu allocations\n"
		"Without a preset the kernel's defaults apply (1000000 loops).\n"
		"\n"
		"--shadow: each policy runs in a child process: 'off' runs test_vmalloc-noshadow\n"
		"(uninstrumented) with vmalloc_shadow=off, the others test_vmalloc with\n"
		"vmalloc_shadow=<policy>; VMKASAN_OPTIONS from the environment are kept.\n"
		"--csv columns: policy, op, live_bytes, lower_bound (shadow pages), resident\n"
		"(vmalloc shadow pages resident, by mincore), ram_pages, then shadow_pages,\n"
		"cached (runtime counters), vmas, event, used (shadow pages a live area uses),\n"
		"cache_max (the refcount cache's size).\n"
		"Exit status: 0 when every case that must pass passed (allocation failures\n"
		"are tolerated under a RAM budget or fault injection), no integrity error and\n"
		"no KASAN report; 1 otherwise; 2 for bad parameters.\n");
}

static bool parse_long(const char *s, long *out)
{
	char *end;
	long v;

	errno = 0;
	if (!*s)
		return false;
	v = strtol(s, &end, 0);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

static bool size_ok(const char *s)
{
	char *end;

	strtoul(s, &end, 10);
	if (end == s)
		return false;
	if (*end == 'k' || *end == 'K' || *end == 'm' || *end == 'M' || *end == 'g' || *end == 'G')
		end++;
	return !*end;
}

static int bad(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "test_vmalloc: ");
	fprintf(stderr, fmt, a, b);
	fprintf(stderr, "\n(see test_vmalloc --help)\n");
	return 2;
}

/* Returns 0, or the exit status (2: bad parameters, or -1 for --help). */
static int parse_args(int argc, char **argv)
{
	/* The preset first, so that explicit parameters override it. */
	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], "--preset=", 9)) {
			if (!apply_preset(argv[i] + 9))
				return bad("--preset: unknown preset '%s' (smoke, performance, stress)%s",
					   argv[i] + 9, "");
			snprintf(tv.preset, sizeof(tv.preset), "%s", argv[i] + 9);
		}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq;
		size_t n;
		bool found = false;

		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return -1;
		if (strncmp(a, "--", 2) || !(eq = strchr(a, '=')))
			return bad("bad argument '%s': parameters are --name=value%s", a, "");
		n = (size_t)(eq - a - 2);
		if (!strncmp(a + 2, "child", n) && n == 5) {
			tv.child_policy = policy_from_name(eq + 1);
			if (tv.child_policy < 0)
				return bad("--child: unknown policy '%s'%s", eq + 1, "");
			continue;
		}
		if (!strncmp(a + 2, "result", n) && n == 6) {
			snprintf(tv.result, sizeof(tv.result), "%s", eq + 1);
			continue;
		}
		for (size_t k = 0; k < sizeof(num_params) / sizeof(num_params[0]); k++) {
			const struct num_param *p = &num_params[k];
			long v;

			if (strlen(p->name) != n || strncmp(p->name, a + 2, n))
				continue;
			found = true;
			if (!parse_long(eq + 1, &v) || v < p->min || v > p->max) {
				char range[64];

				snprintf(range, sizeof(range), "%ld..%ld", p->min, p->max);
				return bad("bad value in '%s': expected an integer in %s", a, range);
			}
			*p->value = v;
		}
		for (size_t k = 0; !found && k < sizeof(str_params) / sizeof(str_params[0]); k++) {
			const struct str_param *p = &str_params[k];

			if (strlen(p->name) != n || strncmp(p->name, a + 2, n))
				continue;
			found = true;
			if (strlen(eq + 1) >= p->size || (!eq[1] && strcmp(p->name, "ram")))
				return bad("bad value in '%s'%s", a, "");
			strcpy(p->value, eq + 1);
		}
		if (!found)
			return bad("unknown parameter '%s'%s", a, "");
	}

	/* Cross checks. */
	if (!(tv.run_test_mask & 0x4ff) && !bench_opt[0]) {
		char m[24];

		snprintf(m, sizeof(m), "%ld", tv.run_test_mask);
		return bad("run_test_mask=%s selects no case that runs here (bits 1..128 and 1024; "
			   "the kvfree_rcu cases 256 and 512 are skipped)%s", m, "");
	}
	if (tv.ram[0] && !size_ok(tv.ram))
		return bad("--ram=%s: expected a size such as 32M%s", tv.ram, "");
	if (!strcmp(bench_opt, "scale"))
		tv.mode = MODE_SCALE;
	else if (!strcmp(bench_opt, "mmap"))
		tv.mode = MODE_MMAP;
	else if (bench_opt[0])
		return bad("--bench=%s: expected scale or mmap%s", bench_opt, "");
	if (tv.mode == MODE_SCALE && !bench_list_ok(tv.live_areas))
		return bad("--live_areas=%s: expected ascending positive counts, e.g. 1k,10k,100k,1M%s",
			   tv.live_areas, "");
	if (tv.mode == MODE_MMAP && !bench_list_ok(tv.mmap_pages))
		return bad("--mmap_pages=%s: expected ascending positive sizes, e.g. 1,4,16%s",
			   tv.mmap_pages, "");
	if (!shadow_opt[0]) {
		const char *o = getenv("VMKASAN_OPTIONS"), *p = o ? strstr(o, "vmalloc_shadow=") : NULL;
		int pol = P_REFCOUNT;

		/* Default: the policy the environment asks for, else refcount. */
		while (p) {
			char name[16] = "";

			sscanf(p + 15, "%15[a-z]", name);
			if (policy_from_name(name) >= 0)
				pol = policy_from_name(name);
			p = strstr(p + 1, "vmalloc_shadow=");
		}
		tv.policies = 1u << pol;
	} else if (!strcmp(shadow_opt, "all")) {
		tv.policies = (1u << NR_POLICIES) - 1;
	} else {
		char buf[64], *save, *tok;

		snprintf(buf, sizeof(buf), "%s", shadow_opt);
		for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			int p = policy_from_name(tok);

			if (p < 0)
				return bad("--shadow: unknown policy '%s' (off, keep, purge, refcount, all)%s",
					   tok, "");
			tv.policies |= 1u << p;
		}
	}
	return 0;
}

/* ---- the driver ---- */
struct scale_row {
	unsigned long live;
	unsigned threads;
	double us, prealloc_us;
	unsigned long fails, ram, meta, shadow, vmas, resident;
};

struct mmap_row {
	unsigned long pages;
	int all;
	long pairs;
	double vm_us, mm_us;
	unsigned long fails;
};

struct policy_result {
	bool ran;
	int status;			/* exit status, or 128 + signal */
	struct case_result cases[NR_CASES];
	bool has_case[NR_CASES];
	unsigned long ram_peak, ram_budget, shadow_peak, metadata, purges, bad_frees;
	unsigned long failed[VMKASAN_FAIL_NR], injected[VMKASAN_FAIL_NR];
	unsigned long samples, resident_peak, resident_final, resident_after_purge, lb_at_peak;
	double max_ratio;
	unsigned long over_bound, over_used, cache, vma_peak, reports, integrity, ops, threads;
	int tolerated;
	struct scale_row scale[32];
	int nscale;
	char scalefail[256];
	struct mmap_row mmap[64];
	int nmmap;
};

static struct policy_result results[NR_POLICIES];

static void sibling_binary(int policy, char *out, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	size_t l;
	const char *suffix = "-noshadow";

	if (n <= 0) {
		snprintf(out, len, "test_vmalloc");
		return;
	}
	self[n] = 0;
	l = strlen(self);
	if (l > strlen(suffix) && !strcmp(self + l - strlen(suffix), suffix))
		self[l - strlen(suffix)] = 0;
	snprintf(out, len, "%s%s", self, policy == P_OFF ? suffix : "");
}

static void child_options(int policy, char *out, size_t len)
{
	const char *base = getenv("VMKASAN_OPTIONS");

	snprintf(out, len, "%s%svmalloc_shadow=%s%s%s", base ? base : "", base && *base ? ":" : "",
		 policy_names[policy], tv.ram[0] ? ":ram=" : "", tv.ram);
}

static void parse_result(struct policy_result *r, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char key[64];
		int c;
		unsigned thread;
		struct case_result cr;

		if (sscanf(line, "case %d %u %ld %ld %lu %lu %lf %lf", &c, &thread, &cr.passed,
			   &cr.failed, &cr.ops, &cr.alloc_failures, &cr.usec, &cr.avg_usec) == 8 &&
		    c >= 0 && c < NR_CASES) {
			struct case_result *t = &r->cases[c];

			t->passed += cr.passed;
			t->failed += cr.failed;
			t->ops += cr.ops;
			t->alloc_failures += cr.alloc_failures;
			t->usec += cr.usec;
			t->avg_usec += cr.avg_usec;
			r->has_case[c] = true;
		} else if (sscanf(line, "mem %63s", key) == 1) {
			const char *v = line + 5 + strlen(key);

#define KEY(name, field, fmt) if (!strcmp(key, name)) sscanf(v, fmt, &r->field)
			KEY("ram_peak", ram_peak, "%lu");
			KEY("ram_budget", ram_budget, "%lu");
			KEY("shadow_peak", shadow_peak, "%lu");
			KEY("metadata", metadata, "%lu");
			KEY("purges", purges, "%lu");
			KEY("bad_frees", bad_frees, "%lu");
			KEY("samples", samples, "%lu");
			KEY("resident_peak", resident_peak, "%lu");
			KEY("resident_final", resident_final, "%lu");
			KEY("resident_after_purge", resident_after_purge, "%lu");
			KEY("lb_at_peak", lb_at_peak, "%lu");
			KEY("max_ratio", max_ratio, "%lf");
			KEY("over_bound", over_bound, "%lu");
			KEY("over_used", over_used, "%lu");
			KEY("cache", cache, "%lu");
			KEY("vma_peak", vma_peak, "%lu");
			KEY("reports", reports, "%lu");
			KEY("integrity", integrity, "%lu");
			KEY("tolerated", tolerated, "%d");
			KEY("ops", ops, "%lu");
			KEY("threads", threads, "%lu");
#undef KEY
			for (int i = 0; i < VMKASAN_FAIL_NR; i++) {
				char name[16];

				snprintf(name, sizeof(name), "failed%d", i);
				if (!strcmp(key, name))
					sscanf(v, "%lu", &r->failed[i]);
				snprintf(name, sizeof(name), "injected%d", i);
				if (!strcmp(key, name))
					sscanf(v, "%lu", &r->injected[i]);
			}
		} else if (r->nscale < 32 && !strncmp(line, "scale ", 6)) {
			struct scale_row *s = &r->scale[r->nscale];

			if (sscanf(line, "scale %lu %u %lf %lf %lu %lu %lu %lu %lu %lu", &s->live,
				   &s->threads, &s->us, &s->prealloc_us, &s->fails, &s->ram, &s->meta,
				   &s->shadow, &s->vmas, &s->resident) == 10)
				r->nscale++;
		} else if (!strncmp(line, "scalefail ", 10)) {
			unsigned long want, have, fp, fs, fa, ram, meta, vmas;

			if (sscanf(line, "scalefail %lu %lu %lu %lu %lu %lu %lu %lu", &want, &have, &fp,
				   &fs, &fa, &ram, &meta, &vmas) == 8)
				snprintf(r->scalefail, sizeof(r->scalefail),
					 "vmalloc failed at %lu of %lu live areas (failed page %lu, shadow "
					 "%lu, area %lu; RAM %lu pages, metadata %lu pages, %lu VMAs)",
					 have, want, fp, fs, fa, ram, meta, vmas);
		} else if (r->nmmap < 64 && !strncmp(line, "mmap ", 5)) {
			struct mmap_row *m = &r->mmap[r->nmmap];

			if (sscanf(line, "mmap %lu %d %ld %lf %lf %lu", &m->pages, &m->all, &m->pairs,
				   &m->vm_us, &m->mm_us, &m->fails) == 6)
				r->nmmap++;
		}
	}
	fclose(f);
}

static int run_child(int policy, int argc, char **argv, const char *csv)
{
	char bin[PATH_MAX], opts[1024], child_arg[64], result_arg[600], csv_arg[600];
	char result_path[] = "/tmp/test_vmalloc.result.XXXXXX";
	char **args = calloc((size_t)argc + 5, sizeof(char *));
	int fd, n = 0, status;
	pid_t pid;

	sibling_binary(policy, bin, sizeof(bin));
	if (access(bin, X_OK)) {
		fprintf(stderr, "test_vmalloc: %s: %s (build both binaries with "
			"tools/test_vmalloc/build.sh OUTDIR)\n", bin, strerror(errno));
		free(args);
		return 2;
	}
	child_options(policy, opts, sizeof(opts));
	fd = mkstemp(result_path);
	if (fd < 0) {
		perror("test_vmalloc: mkstemp");
		free(args);
		return 1;
	}
	close(fd);
	args[n++] = bin;
	for (int i = 1; i < argc; i++)
		args[n++] = argv[i];
	snprintf(child_arg, sizeof(child_arg), "--child=%s", policy_names[policy]);
	snprintf(result_arg, sizeof(result_arg), "--result=%s", result_path);
	args[n++] = child_arg;
	args[n++] = result_arg;
	if (csv) {
		snprintf(csv_arg, sizeof(csv_arg), "--csv=%s", csv);
		args[n++] = csv_arg;
	}
	args[n] = NULL;

	printf("## policy %s: %s, VMKASAN_OPTIONS=%s\n\n", policy_names[policy],
	       strrchr(bin, '/') ? strrchr(bin, '/') + 1 : bin, opts);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		setenv("VMKASAN_OPTIONS", opts, 1);
		execv(bin, args);
		fprintf(stderr, "test_vmalloc: exec %s: %s\n", bin, strerror(errno));
		_exit(127);
	}
	free(args);
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		perror("test_vmalloc: fork");
		unlink(result_path);
		return 1;
	}
	results[policy].ran = true;
	if (WIFSIGNALED(status)) {
		results[policy].status = 128 + WTERMSIG(status);
		fprintf(stderr, "test_vmalloc: policy %s: the child died of signal %d\n",
			policy_names[policy], WTERMSIG(status));
	} else {
		results[policy].status = WEXITSTATUS(status);
	}
	parse_result(&results[policy], result_path);
	unlink(result_path);
	printf("\n");
	return 0;
}

static double us_per_op(const struct case_result *c)
{
	return c->ops ? c->usec / (double)c->ops : 0;
}

static const char *mib(unsigned long pages, char *buf)
{
	sprintf(buf, "%lu (%.1f MiB)", pages, (double)pages * TV_PAGE / (1 << 20));
	return buf;
}

static void print_test_tables(void)
{
	char b1[64], b2[64];

	for (int c = 0; c < NR_CASES; c++) {
		bool any = false;

		for (int p = 0; p < NR_POLICIES; p++)
			any |= results[p].has_case[c];
		if (!any)
			continue;
		printf("### %s (%d)%s\n\n", case_names[c], 1 << c,
		       case_must_pass(c) ? "" : " — expected to fail");
		printf("| policy | passed | failed | ops | µs/op | avg µs/repeat | failed allocations |\n"
		       "|---|---:|---:|---:|---:|---:|---:|\n");
		for (int k = 0; k < NR_POLICIES; k++) {
			int p = run_order[k];
			struct case_result *r = &results[p].cases[c];

			if (!results[p].has_case[c])
				continue;
			printf("| %s | %ld | %ld | %lu | %.2f | %.0f | %lu |\n", policy_names[p],
			       r->passed, r->failed, r->ops, us_per_op(r),
			       r->avg_usec / (double)(results[p].threads ? results[p].threads : 1),
			       r->alloc_failures);
		}
		printf("\n");
	}

	/* Side by side. */
	printf("### µs/op side by side\n\n| case |");
	for (int k = 0; k < NR_POLICIES; k++)
		if (results[run_order[k]].ran)
			printf(" %s |", policy_names[run_order[k]]);
	if (results[P_OFF].ran)
		for (int k = 1; k < NR_POLICIES; k++)
			if (results[run_order[k]].ran)
				printf(" %s/off |", policy_names[run_order[k]]);
	if (results[P_KEEP].ran && results[P_REFCOUNT].ran)
		printf(" refcount/keep |");
	printf("\n|---|");
	for (int k = 0; k < NR_POLICIES; k++)
		if (results[run_order[k]].ran)
			printf("---:|");
	if (results[P_OFF].ran)
		for (int k = 1; k < NR_POLICIES; k++)
			if (results[run_order[k]].ran)
				printf("---:|");
	if (results[P_KEEP].ran && results[P_REFCOUNT].ran)
		printf("---:|");
	printf("\n");
	for (int c = 0; c < NR_CASES; c++) {
		bool any = false;

		for (int p = 0; p < NR_POLICIES; p++)
			any |= results[p].has_case[c];
		if (!any)
			continue;
		printf("| %s |", case_names[c]);
		for (int k = 0; k < NR_POLICIES; k++)
			if (results[run_order[k]].ran)
				printf(" %.2f |", us_per_op(&results[run_order[k]].cases[c]));
		if (results[P_OFF].ran) {
			double off = us_per_op(&results[P_OFF].cases[c]);

			for (int k = 1; k < NR_POLICIES; k++)
				if (results[run_order[k]].ran)
					printf(" %.2f× |", off > 0 ? us_per_op(&results[run_order[k]].cases[c]) / off : 0);
		}
		if (results[P_KEEP].ran && results[P_REFCOUNT].ran) {
			double keep = us_per_op(&results[P_KEEP].cases[c]);

			printf(" %.2f× |", keep > 0 ? us_per_op(&results[P_REFCOUNT].cases[c]) / keep : 0);
		}
		printf("\n");
	}
	printf("\n");

	/* Memory. */
	printf("### Memory per policy (pages of 4 KiB)\n\n"
	       "| policy | exit | peak RAM | peak shadow (runtime) | peak resident shadow "
	       "(lower bound then) | final resident | after vm_unmap_aliases | max resident/lower "
	       "bound | samples > 1.1×LB+cache | samples > used+cache | failed page / shadow / area / percpu | injected | "
	       "peak VMAs | KASAN reports | integrity errors |\n"
	       "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|\n");
	for (int k = 0; k < NR_POLICIES; k++) {
		int p = run_order[k];
		struct policy_result *r = &results[p];
		unsigned long inj = 0;

		if (!r->ran)
			continue;
		for (int i = 0; i < VMKASAN_FAIL_NR; i++)
			inj += r->injected[i];
		printf("| %s | %d | %s | %s | %lu (%lu) | %lu | %lu | %.3f | %lu/%lu (cache %lu) | %lu | "
		       "%lu / %lu / %lu / %lu | %lu | %lu | %lu | %lu |\n", policy_names[p], r->status,
		       mib(r->ram_peak, b1), mib(r->shadow_peak, b2), r->resident_peak, r->lb_at_peak,
		       r->resident_final, r->resident_after_purge, r->max_ratio, r->over_bound,
		       r->samples, r->cache, r->over_used, r->failed[0], r->failed[1], r->failed[2], r->failed[3],
		       inj, r->vma_peak, r->reports, r->integrity);
	}
	printf("\n");
}

static void print_scale_tables(void)
{
	printf("### vmalloc+vfree of one page against live areas\n\n"
	       "| policy | threads | live areas | µs/op | ratio to first | prealloc µs/area | "
	       "RAM pages | metadata pages | shadow pages | resident shadow | VMAs |\n"
	       "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (int k = 0; k < NR_POLICIES; k++) {
		struct policy_result *r = &results[run_order[k]];

		for (int i = 0; i < r->nscale; i++) {
			struct scale_row *s = &r->scale[i];

			printf("| %s | %u | %lu | %.3f | %.2f× | %.3f | %lu | %lu | %lu | %lu | %lu |\n",
			       policy_names[run_order[k]], s->threads, s->live, s->us,
			       r->scale[0].us > 0 ? s->us / r->scale[0].us : 0, s->prealloc_us, s->ram,
			       s->meta, s->shadow, s->resident, s->vmas);
		}
		if (r->scalefail[0])
			printf("| %s | | | %s | | | | | | | |\n", policy_names[run_order[k]], r->scalefail);
	}
	printf("\n");
}

static void print_mmap_tables(void)
{
	printf("### vmalloc+vfree against mmap+munmap\n\n"
	       "| policy | pages | touched | pairs | vmalloc µs/op | mmap µs/op | vmalloc/mmap |\n"
	       "|---|---:|---|---:|---:|---:|---:|\n");
	for (int k = 0; k < NR_POLICIES; k++) {
		struct policy_result *r = &results[run_order[k]];

		for (int i = 0; i < r->nmmap; i++) {
			struct mmap_row *m = &r->mmap[i];

			printf("| %s | %lu | %s | %ld | %.2f | %.2f | %.2f× |\n", policy_names[run_order[k]],
			       m->pages, m->all ? "every page" : "first+last byte", m->pairs, m->vm_us,
			       m->mm_us, m->mm_us > 0 ? m->vm_us / m->mm_us : 0);
		}
	}
	printf("\n");
}

static bool have_gnuplot(void)
{
	return system("command -v gnuplot >/dev/null 2>&1") == 0;
}

static void plot_shadow(const char *csv, const char *png)
{
	char script[] = "/tmp/test_vmalloc.gp.XXXXXX", cmd[PATH_MAX + 32];
	int fd = mkstemp(script), lb = -1;
	FILE *f;
	bool first = true;

	if (fd < 0 || !(f = fdopen(fd, "w")))
		return;
	fprintf(f, "set datafile separator ','\nset terminal pngcairo size 1200,700\n"
		"set output '%s'\nset key outside bottom center horizontal\nset grid\nset xlabel 'allocation ops'\n"
		"set ylabel 'vmalloc shadow pages (4 KiB)'\n"
		"set title 'test_vmalloc%s%s%s%s: resident vmalloc shadow (mincore) per policy' noenhanced\n"
		"plot ", png, tv.preset[0] ? " --preset=" : "", tv.preset,
		tv.ram[0] ? " --ram=" : "", tv.ram);
	for (int k = 0; k < NR_POLICIES; k++) {
		int p = run_order[k];

		if (!results[p].ran)
			continue;
		if (p == P_REFCOUNT || lb < 0)
			lb = p;
		fprintf(f, "%s'%s' every ::1 using 2:(strcol(1) eq '%s' ? $5 : 1/0) with lines lw 2 "
			"title '%s resident'", first ? "" : ", \\\n     ", csv, policy_names[p],
			policy_names[p]);
		first = false;
	}
	if (lb >= 0)
		fprintf(f, ", \\\n     '%s' every ::1 using 2:(strcol(1) eq '%s' ? $4 : 1/0) with lines "
			"dt 2 lc rgb 'black' title 'lower bound (%s run)'", csv, policy_names[lb],
			policy_names[lb]);
	fprintf(f, "\n");
	fclose(f);
	snprintf(cmd, sizeof(cmd), "gnuplot %s", script);
	if (system(cmd))
		fprintf(stderr, "test_vmalloc: gnuplot failed; no plot written to %s\n", png);
	else
		printf("Plot: %s\n", png);
	unlink(script);
}

static void plot_scale(const char *png)
{
	char script[] = "/tmp/test_vmalloc.gp.XXXXXX", data[] = "/tmp/test_vmalloc.dat.XXXXXX";
	char cmd[PATH_MAX + 32];
	int fd = mkstemp(script), dfd = mkstemp(data), idx = 0;
	FILE *f, *d;
	bool first = true;

	if (fd < 0 || dfd < 0 || !(f = fdopen(fd, "w")) || !(d = fdopen(dfd, "w")))
		return;
	fprintf(f, "set terminal pngcairo size 1000,600\nset output '%s'\nset logscale x\n"
		"set key top left\nset grid\nset xlabel 'live one-page areas'\n"
		"set ylabel 'µs per vmalloc+vfree of one page'\nset yrange [0:*]\n"
		"set title 'test_vmalloc --bench=scale' noenhanced\nplot ", png);
	for (int k = 0; k < NR_POLICIES; k++) {
		struct policy_result *r = &results[run_order[k]];

		if (!r->nscale)
			continue;
		for (int i = 0; i < r->nscale; i++)
			fprintf(d, "%lu %f\n", r->scale[i].live, r->scale[i].us);
		fprintf(d, "\n\n");
		fprintf(f, "%s'%s' index %d using 1:2 with linespoints lw 2 title '%s, %u thread%s'",
			first ? "" : ", \\\n     ", data, idx++, policy_names[run_order[k]],
			r->scale[0].threads, r->scale[0].threads > 1 ? "s" : "");
		first = false;
	}
	fprintf(f, "\n");
	fclose(f);
	fclose(d);
	snprintf(cmd, sizeof(cmd), "gnuplot %s", script);
	if (!first && system(cmd))
		fprintf(stderr, "test_vmalloc: gnuplot failed; no plot written to %s\n", png);
	else if (!first)
		printf("Plot: %s\n", png);
	unlink(script);
	unlink(data);
}

static int drive(int argc, char **argv)
{
	char tmp_csv[] = "/tmp/test_vmalloc.csv.XXXXXX";
	const char *csv = tv.csv[0] ? tv.csv : NULL;
	bool plot = tv.plot[0] != 0;
	int status = 0;

	if (plot && !have_gnuplot()) {
		fprintf(stderr, "test_vmalloc: --plot: gnuplot is not installed (apt-get install "
			"gnuplot-nox); the run goes on but no plot will be written\n");
		plot = false;
	}
	if (plot && !csv && tv.mode == MODE_TEST) {
		int fd = mkstemp(tmp_csv);

		if (fd >= 0) {
			close(fd);
			csv = tmp_csv;
		}
	}
	if (csv && tv.mode == MODE_TEST) {
		FILE *f = fopen(csv, "w");

		if (!f) {
			fprintf(stderr, "test_vmalloc: --csv: cannot write %s: %s\n", csv, strerror(errno));
			return 2;
		}
		fprintf(f, "policy,op,live_bytes,lower_bound,resident,ram_pages,shadow_pages,cached,"
			"vmas,event,used,cache_max\n");
		fclose(f);
	}
	printf("# test_vmalloc%s%s: nr_threads=%ld (%u) sequential_test_order=%ld "
	       "test_repeat_count=%ld test_loop_count=%ld nr_pages=%ld run_test_mask=%ld%s%s\n\n",
	       tv.preset[0] ? " --preset=" : "", tv.preset, tv.nr_threads,
	       tv.nr_threads ? (unsigned)tv.nr_threads : online_cpus(), tv.sequential_test_order,
	       tv.test_repeat_count, tv.test_loop_count, tv.nr_pages, tv.run_test_mask,
	       tv.ram[0] ? " ram=" : "", tv.ram);
	for (int k = 0; k < NR_POLICIES; k++) {
		int p = run_order[k], rc;

		if (!(tv.policies & (1u << p)))
			continue;
		rc = run_child(p, argc, argv, tv.mode == MODE_TEST ? csv : NULL);
		if (rc)
			return rc;
		if (results[p].status && !status)
			status = results[p].status == 2 ? 2 : 1;
	}
	if (tv.mode == MODE_TEST)
		print_test_tables();
	else if (tv.mode == MODE_SCALE)
		print_scale_tables();
	else
		print_mmap_tables();
	if (plot && tv.mode == MODE_TEST)
		plot_shadow(csv, tv.plot);
	else if (plot && tv.mode == MODE_SCALE)
		plot_scale(tv.plot);
	if (csv == tmp_csv)
		unlink(tmp_csv);
	for (int p = 0; p < NR_POLICIES; p++)
		if (results[p].ran && results[p].status)
			printf("FAILED: policy %s exited with status %d\n", policy_names[p],
			       results[p].status);
	printf("%s\n", status ? "test_vmalloc: FAIL" : "test_vmalloc: PASS");
	return status;
}

static int child(void)
{
	struct vmkasan_stats s;
	FILE *result;
	int status;

	vmkasan_get_stats(&s);
	if (s.shadow_policy != tv.child_policy) {
		fprintf(stderr, "test_vmalloc: child for policy %s runs with vmalloc_shadow=%s\n",
			policy_names[tv.child_policy], vmkasan_shadow_policy_name(s.shadow_policy));
		return 2;
	}
	if (TV_INSTRUMENTED == (tv.child_policy == P_OFF))
		fprintf(stderr, "test_vmalloc: note: policy %s in the %s binary\n",
			policy_names[tv.child_policy], TV_INSTRUMENTED ? "instrumented" : "uninstrumented");
	result = tv.result[0] ? fopen(tv.result, "w") : stdout;
	if (!result) {
		fprintf(stderr, "test_vmalloc: cannot write %s: %s\n", tv.result, strerror(errno));
		return 1;
	}
	if (tv.mode == MODE_SCALE)
		status = run_scale_bench(result);
	else if (tv.mode == MODE_MMAP)
		status = run_mmap_bench(result);
	else
		status = run_tests(result);
	if (result != stdout)
		fclose(result);
	if (tv.canary) {
		/* The runtime's exit hook would turn the canary's expected
		 * report into a failure: the status already counts the rest. */
		fflush(NULL);
		_exit(status);
	}
	return status;
}

int main(int argc, char **argv)
{
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	set_defaults();
	rc = parse_args(argc, argv);
	if (rc == -1) {
		usage(stdout);
		return 0;
	}
	if (rc)
		return rc;
	if (tv.child_policy >= 0)
		return child();
	return drive(argc, argv);
}
