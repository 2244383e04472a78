/* SPDX-License-Identifier: MIT */
/*
 * KUnit for vmkasan's kernel-compatibility layer: suites register
 * themselves (kunit_test_suite), and the weak main() below runs them
 * and prints KTAP, the way the kernel's KUnit executor does at boot.
 * Assertions and kunit_skip() leave a test through longjmp.
 * main() first turns --name=value arguments into module parameters and
 * calls the module_init function, if the program has one: a program
 * without suites exits 0 when it returns 0 (module_exit is then called,
 * as at rmmod), else with the errno it returned (-EAGAIN: 11).  A KASAN
 * report overrides this with the runtime's `exitcode` (1).
 */
#ifndef VMKASAN_KUNIT_H
#define VMKASAN_KUNIT_H

#include <setjmp.h>

struct kunit;
struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
	int status;		/* 0 ok, 1 failed, 2 skipped */
};
struct kunit_suite {
	const char name[256];
	int (*suite_init)(struct kunit_suite *suite);
	void (*suite_exit)(struct kunit_suite *suite);
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;
};
struct kunit {
	const char *name;
	bool failed, skipped;
	char skip_reason[256];
	jmp_buf abort;
	void *priv;
};

#define KUNIT_SUBTEST_INDENT "    "
#define KUNIT_CASE(fn) { .run_case = fn, .name = #fn }

__VMK_WEAK struct kunit_suite *__vmk_suites[64];
__VMK_WEAK int __vmk_nr_suites;
#define kunit_test_suites(...)							\
	__attribute__((constructor)) static void __vmk_kunit_reg(void)		\
	{ struct kunit_suite *s[] = { __VA_ARGS__ };				\
	  for (unsigned i = 0; i < ARRAY_SIZE(s) && __vmk_nr_suites < 64; i++)	\
		__vmk_suites[__vmk_nr_suites++] = s[i]; }
#define kunit_test_suite(suite) kunit_test_suites(&suite)

#define kunit_err(test, fmt, ...) fprintf(stdout, "    # %s: " fmt, (test)->name, ##__VA_ARGS__)
#define kunit_info(test, fmt, ...) fprintf(stdout, "    # %s: " fmt, (test)->name, ##__VA_ARGS__)
#define kunit_warn(test, fmt, ...) fprintf(stdout, "    # %s: " fmt, (test)->name, ##__VA_ARGS__)
#define kunit_log(lvl, test, fmt, ...) kunit_info(test, fmt, ##__VA_ARGS__)
#define kunit_set_failure(test) ((test)->failed = true)

static inline void __vmk_kunit_fail(struct kunit *test, const char *file, int line,
				    bool assert, const char *fmt, ...)
{
	va_list ap;

	printf("    # %s: %s FAILED at %s:%d\n    ", test->name,
	       assert ? "ASSERTION" : "EXPECTATION", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	test->failed = true;
	if (assert)
		longjmp(test->abort, 1);
}
#define __VMK_CHECK(test, assert, cond, ...)					\
	do { if (!(cond)) __vmk_kunit_fail((test), __FILE__, __LINE__, (assert), __VA_ARGS__); } while (0)

#define KUNIT_FAIL(test, fmt, ...) __vmk_kunit_fail((test), __FILE__, __LINE__, false, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_TRUE(t, c) __VMK_CHECK(t, false, (c), "Expected %s to be true", #c)
#define KUNIT_EXPECT_FALSE(t, c) __VMK_CHECK(t, false, !(c), "Expected %s to be false", #c)
#define KUNIT_ASSERT_TRUE(t, c) __VMK_CHECK(t, true, (c), "Expected %s to be true", #c)
#define KUNIT_ASSERT_FALSE(t, c) __VMK_CHECK(t, true, !(c), "Expected %s to be false", #c)
#define KUNIT_EXPECT_EQ(t, a, b) __VMK_CHECK(t, false, (a) == (b), "Expected %s == %s", #a, #b)
#define KUNIT_ASSERT_EQ(t, a, b) __VMK_CHECK(t, true, (a) == (b), "Expected %s == %s", #a, #b)
#define KUNIT_EXPECT_NE(t, a, b) __VMK_CHECK(t, false, (a) != (b), "Expected %s != %s", #a, #b)
#define KUNIT_ASSERT_NE(t, a, b) __VMK_CHECK(t, true, (a) != (b), "Expected %s != %s", #a, #b)
#define KUNIT_EXPECT_GE(t, a, b) __VMK_CHECK(t, false, (a) >= (b), "Expected %s >= %s", #a, #b)
#define KUNIT_ASSERT_GE(t, a, b) __VMK_CHECK(t, true, (a) >= (b), "Expected %s >= %s", #a, #b)
#define KUNIT_EXPECT_LT(t, a, b) __VMK_CHECK(t, false, (a) < (b), "Expected %s < %s", #a, #b)
#define KUNIT_ASSERT_LT(t, a, b) __VMK_CHECK(t, true, (a) < (b), "Expected %s < %s", #a, #b)
#define KUNIT_EXPECT_LE(t, a, b) __VMK_CHECK(t, false, (a) <= (b), "Expected %s <= %s", #a, #b)
#define KUNIT_ASSERT_LE(t, a, b) __VMK_CHECK(t, true, (a) <= (b), "Expected %s <= %s", #a, #b)
#define KUNIT_EXPECT_GT(t, a, b) __VMK_CHECK(t, false, (a) > (b), "Expected %s > %s", #a, #b)
#define KUNIT_ASSERT_GT(t, a, b) __VMK_CHECK(t, true, (a) > (b), "Expected %s > %s", #a, #b)
#define KUNIT_EXPECT_PTR_NE(t, a, b) KUNIT_EXPECT_NE(t, (void *)(a), (void *)(b))
#define KUNIT_EXPECT_PTR_EQ(t, a, b) KUNIT_EXPECT_EQ(t, (void *)(a), (void *)(b))
#define KUNIT_EXPECT_NULL(t, p) __VMK_CHECK(t, false, (p) == NULL, "Expected %s to be NULL", #p)
#define KUNIT_ASSERT_NULL(t, p) __VMK_CHECK(t, true, (p) == NULL, "Expected %s to be NULL", #p)
#define KUNIT_EXPECT_NOT_NULL(t, p) __VMK_CHECK(t, false, (p) != NULL, "Expected %s not NULL", #p)
#define KUNIT_ASSERT_NOT_NULL(t, p) __VMK_CHECK(t, true, (p) != NULL, "Expected %s not NULL", #p)
#define KUNIT_EXPECT_NOT_ERR_OR_NULL(t, p) \
	__VMK_CHECK(t, false, !IS_ERR_OR_NULL(p), "Expected %s is not error or NULL", #p)
#define KUNIT_ASSERT_NOT_ERR_OR_NULL(t, p) \
	__VMK_CHECK(t, true, !IS_ERR_OR_NULL(p), "Expected %s is not error or NULL", #p)
#define kunit_skip(test, fmt, ...) do {						\
	snprintf((test)->skip_reason, sizeof((test)->skip_reason), fmt, ##__VA_ARGS__); \
	(test)->skipped = true;							\
	longjmp((test)->abort, 1);						\
} while (0)
#define kunit_mark_skipped(test, fmt, ...) do {					\
	snprintf((test)->skip_reason, sizeof((test)->skip_reason), fmt, ##__VA_ARGS__); \
	(test)->skipped = true;							\
} while (0)

static inline void __vmk_set_param(const char *arg)
{
	const char *eq = strchr(arg, '=');

	for (struct __vmk_param *p = __vmk_params; p && eq; p = p->next) {
		if (strlen(p->name) != (size_t)(eq - arg - 2) || strncmp(p->name, arg + 2, eq - arg - 2))
			continue;
		if (!strcmp(p->type, "bool"))
			*(bool *)p->p = eq[1] == '1' || eq[1] == 'y' || eq[1] == 'Y';
		else if (!strcmp(p->type, "int"))
			*(int *)p->p = atoi(eq + 1);
		else if (!strcmp(p->type, "uint"))
			*(unsigned *)p->p = (unsigned)strtoul(eq + 1, NULL, 0);
		else if (!strcmp(p->type, "ulong"))
			*(unsigned long *)p->p = strtoul(eq + 1, NULL, 0);
		return;
	}
	fprintf(stderr, "unknown module parameter: %s\n", arg);
	exit(2);
}

/* One case: init and the test, which KUNIT_ASSERT leaves by longjmp. */
struct __vmk_case_run {
	struct kunit_suite *s;
	struct kunit_case *c;
	struct kunit *t;
};
static void __vmk_try_run_case(void *p)
{
	struct __vmk_case_run *r = p;

	if (!setjmp(r->t->abort)) {
		if (r->s->init)
			r->s->init(r->t);
		r->c->run_case(r->t);
	}
}

/* The KUnit executor: every registered suite, KTAP out, exit status 1 if
 * any test failed.  VMKASAN_KUNIT_FILTER=name runs only that test. */
__VMK_WEAK int main(int argc, char **argv)
{
	const char *only = getenv("VMKASAN_KUNIT_FILTER");
	int failed = 0;

	for (int i = 1; i < argc; i++)
		__vmk_set_param(argv[i]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (__vmk_module_init) {
		int r = __vmk_module_init(), status = 0;

		if (!r) {
			/* Loaded; the end of the program unloads it (rmmod). */
			if (__vmk_module_exit)
				__vmk_module_exit();
		} else {
			/* The kernel would refuse the module (insmod fails with
			 * -r) and not call its exit: the exit status is that
			 * errno (test_vmalloc: 11, EAGAIN, by design). */
			fprintf(stderr, "vmkasan: module init %s returned %d (%s): not loaded\n",
				__vmk_module_init_name, r, r < 0 ? strerror(-r) : "not an errno");
			status = r < 0 && r > -126 ? -r : 1;
		}
		if (!__vmk_nr_suites)
			return status;
	}
	printf("KTAP version 1\n1..%d\n", __vmk_nr_suites);
	for (int si = 0; si < __vmk_nr_suites; si++) {
		struct kunit_suite *s = __vmk_suites[si];
		int n = 0, suite_failed = 0;

		for (struct kunit_case *c = s->test_cases; c->run_case; c++)
			n++;
		printf("    KTAP version 1\n    # Subtest: %s\n    1..%d\n", s->name, n);
		if (s->suite_init && s->suite_init(s)) {
			printf("not ok %d %s\n", si + 1, s->name);
			failed = 1;
			continue;
		}
		n = 0;
		for (struct kunit_case *c = s->test_cases; c->run_case; c++) {
			static struct kunit t;

			n++;
			memset(&t, 0, sizeof(t));
			t.name = c->name;
			if (only && strcmp(only, c->name)) {
				printf("    ok %d %s # SKIP filtered out\n", n, c->name);
				continue;
			}
			/* As Linux: the case runs in a kthread, kunit_try_catch,
			 * on a vmap stack (x86-64 KASAN's THREAD_SIZE, 32 KiB). */
			struct __vmk_case_run r = { s, c, &t };

			if (vmkasan_run_task(__vmk_try_run_case, &r, "kunit_try_catch", 32768))
				__vmk_try_run_case(&r);
			if (s->exit)
				s->exit(&t);
			if (t.failed) {
				printf("    not ok %d %s\n", n, c->name);
				suite_failed = 1;
			} else if (t.skipped) {
				printf("    ok %d %s # SKIP %s\n", n, c->name, t.skip_reason);
			} else {
				printf("    ok %d %s\n", n, c->name);
			}
		}
		if (s->suite_exit)
			s->suite_exit(s);
		printf("%s %d %s\n", suite_failed ? "not ok" : "ok", si + 1, s->name);
		failed |= suite_failed;
	}
	return failed;
}

#endif
