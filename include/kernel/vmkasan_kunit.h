/* SPDX-License-Identifier: MIT */
/*
 * KUnit for vmkasan's kernel-compatibility layer, written after Linux
 * 6.12's include/kunit/test.h (the API kernel tests use) and
 * lib/kunit/test.c + executor.c (the KTAP they print): suites register
 * themselves (kunit_test_suite), and __vmk_kunit_main() runs them the
 * way the kernel's executor does at boot.  It is not main() itself:
 * the runtime's libvmkasan_kmain.a supplies a main() that calls it, so
 * a program with its own main() still links (vmkasan-cc --kernel).  In
 * a module (VMKASAN_KO) the suites go to .kunit_test_suites instead, and
 * the loading program's copy of this header runs them once the module is
 * live (__vmk_kunit_module_notify), as Linux's kunit_module_notify().
 *
 * Each case runs through one function, __vmk_kunit_run_case(), on a
 * kthread named kunit_try_catch, as in the kernel: assertions and
 * kunit_skip() leave it by longjmp, and the case's resources and deferred actions are released
 * after it (kunit_cleanup).  A KASAN report while a case runs fails it,
 * unless KASAN's own suite runs (mm/kasan/report.c's
 * fail_non_kasan_kunit_test).
 *
 * __vmk_kunit_main() first turns --name=value arguments into module
 * parameters and calls the module_init function, if the program has
 * one: a program without suites exits 0 when it returns 0 (module_exit
 * is then called, as at rmmod), else with the errno it returned
 * (-EAGAIN: 11).  kunit.filter_glob=SUITE[.CASE] (or the environment's
 * VMKASAN_KUNIT_FILTER) keeps the matching cases only, as kunit.py's
 * filter_glob does.  Exit status 1 if a case failed.
 */
#ifndef VMKASAN_KUNIT_H
#define VMKASAN_KUNIT_H

#include <setjmp.h>
#include <fnmatch.h>

#define KUNIT_PARAM_DESC_SIZE 128
#define KUNIT_SUBTEST_INDENT "    "
#define KUNIT_SUBSUBTEST_INDENT "        "

enum kunit_status { KUNIT_SUCCESS, KUNIT_FAILURE, KUNIT_SKIPPED };
enum kunit_speed { KUNIT_SPEED_UNSET, KUNIT_SPEED_VERY_SLOW, KUNIT_SPEED_SLOW, KUNIT_SPEED_NORMAL };
struct kunit_attributes { enum kunit_speed speed; };

struct kunit;
struct kunit_suite;
struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
	const void *(*generate_params)(const void *prev, char *desc);
	struct kunit_attributes attr;
	enum kunit_status status;
	char *module_name;
	void *log;
};
struct kunit_suite {
	const char name[256];
	int (*suite_init)(struct kunit_suite *suite);
	void (*suite_exit)(struct kunit_suite *suite);
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;
	struct kunit_attributes attr;
	char status_comment[256];
	int suite_init_err;
	bool is_init;
};

typedef void (kunit_action_t)(void *);
struct kunit_resource;
typedef int (*kunit_resource_init_t)(struct kunit_resource *, void *);
typedef void (*kunit_resource_free_t)(struct kunit_resource *);
struct kunit_resource {
	void *data;
	const char *name;
	kunit_resource_free_t free;
	struct kunit_resource *__next;
};
/* A deferred action (kunit_add_action): run LIFO when the case ends. */
struct __vmk_kunit_action {
	kunit_action_t *fn;
	void *ctx;
	struct __vmk_kunit_action *next;
};

struct kunit {
	void *priv;
	const char *name;
	enum kunit_status status;
	char status_comment[256];
	const void *param_value;
	int param_index;
	jmp_buf abort;
	struct __vmk_kunit_action *actions;
	struct kunit_resource *resources;
};

#define KUNIT_CASE(fn) { .run_case = fn, .name = #fn }
#define KUNIT_CASE_ATTR(fn, attributes) { .run_case = fn, .name = #fn, .attr = attributes }
#define KUNIT_CASE_SLOW(fn) { .run_case = fn, .name = #fn, .attr.speed = KUNIT_SPEED_SLOW }
#define KUNIT_CASE_PARAM(fn, gen) { .run_case = fn, .name = #fn, .generate_params = gen }
#define KUNIT_CASE_PARAM_ATTR(fn, gen, attributes) \
	{ .run_case = fn, .name = #fn, .generate_params = gen, .attr = attributes }
/* name##_gen_params: walks array[]; get_desc(elem, desc) names a step. */
#define KUNIT_ARRAY_PARAM(name, array, get_desc)					\
	static const void *name##_gen_params(const void *prev, char *desc)		\
	{										\
		__typeof__((array)[0]) *__next = prev ? ((__typeof__(__next))prev) + 1 : (array); \
		void (*__get_desc)(__typeof__(__next), char *) = get_desc;		\
		if (__next - (array) < (long)ARRAY_SIZE(array)) {			\
			if (__get_desc)							\
				__get_desc(__next, desc);				\
			return __next;							\
		}									\
		return NULL;								\
	}
#define KUNIT_ARRAY_PARAM_DESC(name, array, desc_member)				\
	static const void *name##_gen_params(const void *prev, char *desc)		\
	{										\
		__typeof__((array)[0]) *__next = prev ? ((__typeof__(__next))prev) + 1 : (array); \
		if (__next - (array) < (long)ARRAY_SIZE(array)) {			\
			/* the runtime's: not <linux/string.h>'s macro */	\
			(strscpy)(desc, __next->desc_member, KUNIT_PARAM_DESC_SIZE); \
			return __next;							\
		}									\
		return NULL;								\
	}

#ifdef VMKASAN_KO
/* In a module, as Linux's: the suites' array in .kunit_test_suites, which
 * the loader hands to KUnit once the module is live (kunit_module_notify). */
#define kunit_test_suites(...)							\
	static struct kunit_suite *__VMK_UNIQ(__vmk_kunit_suites_)[]		\
	__attribute__((used, retain, section(".kunit_test_suites"),		\
		       aligned(sizeof(void *)))) = { __VA_ARGS__ }
#else
__VMK_WEAK struct kunit_suite *__vmk_suites[256];
__VMK_WEAK int __vmk_nr_suites;
#define kunit_test_suites(...)							\
	__attribute__((constructor)) static void __vmk_kunit_reg(void)		\
	{ struct kunit_suite *s[] = { __VA_ARGS__ };				\
	  for (unsigned i = 0; i < ARRAY_SIZE(s) && __vmk_nr_suites < 256; i++)	\
		__vmk_suites[__vmk_nr_suites++] = s[i]; }
#endif
#define kunit_test_suite(suite) kunit_test_suites(&suite)
#define kunit_test_init_section_suites(...) kunit_test_suites(__VA_ARGS__)
#define kunit_test_init_section_suite(suite) kunit_test_suites(&suite)

/* current->kunit_test: the case this thread runs. */
__VMK_WEAK __thread struct kunit *__vmk_kunit_current;
__VMK_WEAK bool __vmk_kunit_running;
static inline struct kunit *kunit_get_current_test(void) { return __vmk_kunit_current; }

/* One line each, ended by a newline if the message has none (printk). */
__attribute__((format(printf, 1, 2)))
__VMK_WEAK void __vmk_kunit_line(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	fputs(buf, stdout);
	if (!n || buf[n < (int)sizeof(buf) ? n - 1 : (int)sizeof(buf) - 2] != '\n')
		putchar('\n');
}
#define kunit_printk(lvl, test, fmt, ...) \
	__vmk_kunit_line(KUNIT_SUBTEST_INDENT "# %s: " fmt, (test)->name, ##__VA_ARGS__)
#define kunit_err(test, fmt, ...) kunit_printk(KERN_ERR, test, fmt, ##__VA_ARGS__)
#define kunit_info(test, fmt, ...) kunit_printk(KERN_INFO, test, fmt, ##__VA_ARGS__)
#define kunit_warn(test, fmt, ...) kunit_printk(KERN_WARNING, test, fmt, ##__VA_ARGS__)
#define kunit_log(lvl, test, fmt, ...) __vmk_kunit_line(fmt, ##__VA_ARGS__)
#define kunit_set_failure(test) WRITE_ONCE((test)->status, KUNIT_FAILURE)
#define kunit_fail_current_test(fmt, ...) do {					\
	struct kunit *__t = kunit_get_current_test();				\
	if (__t) {								\
		printf(KUNIT_SUBTEST_INDENT "# %s: %s:%d: " fmt "\n", __t->name,	\
		       __FILE__, __LINE__, ##__VA_ARGS__);			\
		kunit_set_failure(__t);						\
	}									\
} while (0)

/* ---- resources and deferred actions (lib/kunit/resource.c) ---- */
__VMK_WEAK int kunit_add_action(struct kunit *test, kunit_action_t *fn, void *ctx)
{
	struct __vmk_kunit_action *a = malloc(sizeof(*a));

	if (!a)
		return -ENOMEM;
	a->fn = fn;
	a->ctx = ctx;
	a->next = test->actions;
	test->actions = a;
	return 0;
}
__VMK_WEAK int kunit_add_action_or_reset(struct kunit *test, kunit_action_t *fn, void *ctx)
{
	int r = kunit_add_action(test, fn, ctx);

	if (r)
		fn(ctx);
	return r;
}
static inline struct __vmk_kunit_action *__vmk_kunit_unlink(struct kunit *test, kunit_action_t *fn,
							    void *ctx)
{
	for (struct __vmk_kunit_action **pp = &test->actions; *pp; pp = &(*pp)->next) {
		struct __vmk_kunit_action *a = *pp;

		if (a->fn == fn && a->ctx == ctx) {
			*pp = a->next;
			return a;
		}
	}
	return NULL;
}
__VMK_WEAK void kunit_remove_action(struct kunit *test, kunit_action_t *fn, void *ctx)
{
	free(__vmk_kunit_unlink(test, fn, ctx));
}
__VMK_WEAK void kunit_release_action(struct kunit *test, kunit_action_t *fn, void *ctx)
{
	struct __vmk_kunit_action *a = __vmk_kunit_unlink(test, fn, ctx);

	if (a) {
		a->fn(a->ctx);
		free(a);
	}
}
static inline void __vmk_kunit_kfree_action(void *p) { kfree(p); }
__VMK_WEAK void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size, gfp_t gfp)
{
	void *p = kmalloc_array(n, size, gfp);

	if (p && kunit_add_action_or_reset(test, __vmk_kunit_kfree_action, p))
		return NULL;
	return p;
}
static inline void *kunit_kmalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	return kunit_kmalloc_array(test, 1, size, gfp);
}
static inline void *kunit_kzalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	return kunit_kmalloc(test, size, gfp | __GFP_ZERO);
}
static inline void *kunit_kcalloc(struct kunit *test, size_t n, size_t size, gfp_t gfp)
{
	return kunit_kmalloc_array(test, n, size, gfp | __GFP_ZERO);
}
static inline void kunit_kfree(struct kunit *test, const void *p)
{
	if (p)
		kunit_release_action(test, __vmk_kunit_kfree_action, (void *)p);
}
static inline char *kunit_kstrdup(struct kunit *test, const char *s, gfp_t gfp)
{
	size_t n;
	char *d;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	d = kunit_kmalloc(test, n, gfp);
	if (d)
		memcpy(d, s, n);
	return d;
}
__VMK_WEAK int kunit_add_named_resource(struct kunit *test, kunit_resource_init_t init,
					kunit_resource_free_t free_fn, struct kunit_resource *res,
					const char *name, void *data)
{
	int r = 0;

	res->name = name;
	res->free = free_fn;
	res->data = data;
	if (init)
		r = init(res, data);
	if (r)
		return r;
	res->__next = test->resources;
	test->resources = res;
	return 0;
}
__VMK_WEAK struct kunit_resource *kunit_find_named_resource(struct kunit *test, const char *name)
{
	for (struct kunit_resource *r = test ? test->resources : NULL; r; r = r->__next)
		if (r->name && !strcmp(r->name, name))
			return r;
	return NULL;
}
static inline void kunit_put_resource(struct kunit_resource *res) { (void)res; }

/* ---- assertions (lib/kunit/assert.c's wording) ---- */
__attribute__((format(printf, 5, 6)))
__VMK_WEAK void __vmk_kunit_fail(struct kunit *test, const char *file, int line, bool assert,
				 const char *fmt, ...)
{
	va_list ap;

	printf(KUNIT_SUBTEST_INDENT "# %s: %s FAILED at %s:%d\n", test->name,
	       assert ? "ASSERTION" : "EXPECTATION", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	kunit_set_failure(test);
	if (assert)
		longjmp(test->abort, 1);
}
/* The optional message of the _MSG forms, on a line of its own. */
__VMK_WEAK __thread char __vmk_kunit_msgbuf[512];
__attribute__((format(printf, 1, 2)))
static inline const char *__vmk_kunit_msg(const char *fmt, ...)
{
	char *buf = __vmk_kunit_msgbuf;
	va_list ap;

	buf[0] = '\n';
	va_start(ap, fmt);
	vsnprintf(buf + 1, sizeof(__vmk_kunit_msgbuf) - 1, fmt, ap);
	va_end(ap);
	return buf;
}

#define __VMK_BOOL(t, assert, c, want, ...) do {				\
	if (((c) ? true : false) != (want))						\
		__vmk_kunit_fail((t), __FILE__, __LINE__, (assert),		\
			KUNIT_SUBTEST_INDENT "Expected %s to be %s, but is %s%s", #c,	\
			(want) ? "true" : "false", (want) ? "false" : "true",	\
			__vmk_opt_msg(__VA_ARGS__));				\
} while (0)
#define __vmk_opt_msg(...) ("" __VA_OPT__(, __vmk_kunit_msg(__VA_ARGS__)))

#define __VMK_INT(t, assert, l, op, r, ...) do {				\
	const __typeof__(l) __l = (l);						\
	const __typeof__(r) __r = (r);						\
	if (!(__l op __r))							\
		__vmk_kunit_fail((t), __FILE__, __LINE__, (assert),		\
			KUNIT_SUBTEST_INDENT "Expected %s %s %s, but\n"		\
			KUNIT_SUBSUBTEST_INDENT "%s == %lld (0x%llx)\n"		\
			KUNIT_SUBSUBTEST_INDENT "%s == %lld (0x%llx)%s",	\
			#l, #op, #r, #l, (long long)__l, (unsigned long long)__l, \
			#r, (long long)__r, (unsigned long long)__r,		\
			__vmk_opt_msg(__VA_ARGS__));				\
} while (0)
#define __VMK_PTR(t, assert, l, op, r, ...) do {				\
	const void *__l = (const void *)(l), *__r = (const void *)(r);		\
	if (!(__l op __r))							\
		__vmk_kunit_fail((t), __FILE__, __LINE__, (assert),		\
			KUNIT_SUBTEST_INDENT "Expected %s %s %s, but\n"		\
			KUNIT_SUBSUBTEST_INDENT "%s == %p\n"			\
			KUNIT_SUBSUBTEST_INDENT "%s == %p%s",			\
			#l, #op, #r, #l, __l, #r, __r, __vmk_opt_msg(__VA_ARGS__)); \
} while (0)
#define __VMK_STR(t, assert, l, op, r, ...) do {				\
	const char *__l = (l), *__r = (r);					\
	if (!(strcmp(__l, __r) op 0))						\
		__vmk_kunit_fail((t), __FILE__, __LINE__, (assert),		\
			KUNIT_SUBTEST_INDENT "Expected %s %s %s, but\n"		\
			KUNIT_SUBSUBTEST_INDENT "%s == \"%s\"\n"		\
			KUNIT_SUBSUBTEST_INDENT "%s == \"%s\"%s",		\
			#l, #op, #r, #l, __l, #r, __r, __vmk_opt_msg(__VA_ARGS__)); \
} while (0)
#define __VMK_MEM(t, assert, l, op, r, n, ...) do {				\
	const void *__l = (l), *__r = (r);					\
	size_t __n = (n);							\
	if (!(__l && __r ? memcmp(__l, __r, __n) op 0 : false))			\
		__vmk_kunit_fail((t), __FILE__, __LINE__, (assert),		\
			KUNIT_SUBTEST_INDENT "Expected %s %s %s, but\n"		\
			KUNIT_SUBSUBTEST_INDENT "%s ==\n%s\n"			\
			KUNIT_SUBSUBTEST_INDENT "%s ==\n%s%s",			\
			#l, #op, #r, #l, __vmk_hex(__l, __n, 0), #r,		\
			__vmk_hex(__r, __n, 1), __vmk_opt_msg(__VA_ARGS__));	\
} while (0)
__VMK_WEAK __thread char __vmk_kunit_hexbuf[2][3 * 64 + 16];
static inline const char *__vmk_hex(const void *p, size_t n, int which)
{
	char *o = __vmk_kunit_hexbuf[which];

	if (!p)
		return "(null)";
	for (size_t i = 0; i < n && i < 64; i++)
		o += sprintf(o, "%s%02x", i % 16 ? " " : i ? "\n" KUNIT_SUBSUBTEST_INDENT : KUNIT_SUBSUBTEST_INDENT,
			     ((const unsigned char *)p)[i]);
	return __vmk_kunit_hexbuf[which];
}
#define __VMK_NULL(t, assert, p, want_null, ...) do {				\
	const void *__p = (p);							\
	if ((__p == NULL) != (want_null))					\
		__vmk_kunit_fail((t), __FILE__, __LINE__, (assert),		\
			KUNIT_SUBTEST_INDENT "Expected %s %s, but is%s%s", #p,	\
			(want_null) ? "is null" : "is not null",		\
			(want_null) ? " not" : "", __vmk_opt_msg(__VA_ARGS__));	\
} while (0)
#define __VMK_NOT_ERR_OR_NULL(t, assert, p, ...) do {				\
	const void *__p = (p);							\
	if (!__p)								\
		__vmk_kunit_fail((t), __FILE__, __LINE__, (assert),		\
			KUNIT_SUBTEST_INDENT "Expected %s is not null, but is%s", #p, \
			__vmk_opt_msg(__VA_ARGS__));				\
	else if (IS_ERR(__p))							\
		__vmk_kunit_fail((t), __FILE__, __LINE__, (assert),		\
			KUNIT_SUBTEST_INDENT "Expected %s is not error, but is: %ld%s", #p, \
			PTR_ERR(__p), __vmk_opt_msg(__VA_ARGS__));		\
} while (0)

#define KUNIT_SUCCEED(test) do { } while (0)
#define KUNIT_FAIL(test, fmt, ...) \
	__vmk_kunit_fail((test), __FILE__, __LINE__, false, "%s", __vmk_kunit_msg(fmt, ##__VA_ARGS__) + 1)
#define KUNIT_FAIL_AND_ABORT(test, fmt, ...) \
	__vmk_kunit_fail((test), __FILE__, __LINE__, true, "%s", __vmk_kunit_msg(fmt, ##__VA_ARGS__) + 1)
#define KUNIT_ASSERT_FAILURE(test, fmt, ...) KUNIT_FAIL_AND_ABORT(test, fmt, ##__VA_ARGS__)

#define KUNIT_EXPECT_TRUE(t, c) __VMK_BOOL(t, false, c, true)
#define KUNIT_EXPECT_TRUE_MSG(t, c, ...) __VMK_BOOL(t, false, c, true, __VA_ARGS__)
#define KUNIT_ASSERT_TRUE(t, c) __VMK_BOOL(t, true, c, true)
#define KUNIT_ASSERT_TRUE_MSG(t, c, ...) __VMK_BOOL(t, true, c, true, __VA_ARGS__)
#define KUNIT_EXPECT_FALSE(t, c) __VMK_BOOL(t, false, c, false)
#define KUNIT_EXPECT_FALSE_MSG(t, c, ...) __VMK_BOOL(t, false, c, false, __VA_ARGS__)
#define KUNIT_ASSERT_FALSE(t, c) __VMK_BOOL(t, true, c, false)
#define KUNIT_ASSERT_FALSE_MSG(t, c, ...) __VMK_BOOL(t, true, c, false, __VA_ARGS__)
#define KUNIT_EXPECT_EQ(t, l, r) __VMK_INT(t, false, l, ==, r)
#define KUNIT_EXPECT_EQ_MSG(t, l, r, ...) __VMK_INT(t, false, l, ==, r, __VA_ARGS__)
#define KUNIT_ASSERT_EQ(t, l, r) __VMK_INT(t, true, l, ==, r)
#define KUNIT_ASSERT_EQ_MSG(t, l, r, ...) __VMK_INT(t, true, l, ==, r, __VA_ARGS__)
#define KUNIT_EXPECT_NE(t, l, r) __VMK_INT(t, false, l, !=, r)
#define KUNIT_EXPECT_NE_MSG(t, l, r, ...) __VMK_INT(t, false, l, !=, r, __VA_ARGS__)
#define KUNIT_ASSERT_NE(t, l, r) __VMK_INT(t, true, l, !=, r)
#define KUNIT_ASSERT_NE_MSG(t, l, r, ...) __VMK_INT(t, true, l, !=, r, __VA_ARGS__)
#define KUNIT_EXPECT_LT(t, l, r) __VMK_INT(t, false, l, <, r)
#define KUNIT_EXPECT_LT_MSG(t, l, r, ...) __VMK_INT(t, false, l, <, r, __VA_ARGS__)
#define KUNIT_ASSERT_LT(t, l, r) __VMK_INT(t, true, l, <, r)
#define KUNIT_ASSERT_LT_MSG(t, l, r, ...) __VMK_INT(t, true, l, <, r, __VA_ARGS__)
#define KUNIT_EXPECT_LE(t, l, r) __VMK_INT(t, false, l, <=, r)
#define KUNIT_EXPECT_LE_MSG(t, l, r, ...) __VMK_INT(t, false, l, <=, r, __VA_ARGS__)
#define KUNIT_ASSERT_LE(t, l, r) __VMK_INT(t, true, l, <=, r)
#define KUNIT_ASSERT_LE_MSG(t, l, r, ...) __VMK_INT(t, true, l, <=, r, __VA_ARGS__)
#define KUNIT_EXPECT_GT(t, l, r) __VMK_INT(t, false, l, >, r)
#define KUNIT_EXPECT_GT_MSG(t, l, r, ...) __VMK_INT(t, false, l, >, r, __VA_ARGS__)
#define KUNIT_ASSERT_GT(t, l, r) __VMK_INT(t, true, l, >, r)
#define KUNIT_ASSERT_GT_MSG(t, l, r, ...) __VMK_INT(t, true, l, >, r, __VA_ARGS__)
#define KUNIT_EXPECT_GE(t, l, r) __VMK_INT(t, false, l, >=, r)
#define KUNIT_EXPECT_GE_MSG(t, l, r, ...) __VMK_INT(t, false, l, >=, r, __VA_ARGS__)
#define KUNIT_ASSERT_GE(t, l, r) __VMK_INT(t, true, l, >=, r)
#define KUNIT_ASSERT_GE_MSG(t, l, r, ...) __VMK_INT(t, true, l, >=, r, __VA_ARGS__)
#define KUNIT_EXPECT_PTR_EQ(t, l, r) __VMK_PTR(t, false, l, ==, r)
#define KUNIT_EXPECT_PTR_EQ_MSG(t, l, r, ...) __VMK_PTR(t, false, l, ==, r, __VA_ARGS__)
#define KUNIT_ASSERT_PTR_EQ(t, l, r) __VMK_PTR(t, true, l, ==, r)
#define KUNIT_ASSERT_PTR_EQ_MSG(t, l, r, ...) __VMK_PTR(t, true, l, ==, r, __VA_ARGS__)
#define KUNIT_EXPECT_PTR_NE(t, l, r) __VMK_PTR(t, false, l, !=, r)
#define KUNIT_EXPECT_PTR_NE_MSG(t, l, r, ...) __VMK_PTR(t, false, l, !=, r, __VA_ARGS__)
#define KUNIT_ASSERT_PTR_NE(t, l, r) __VMK_PTR(t, true, l, !=, r)
#define KUNIT_ASSERT_PTR_NE_MSG(t, l, r, ...) __VMK_PTR(t, true, l, !=, r, __VA_ARGS__)
#define KUNIT_EXPECT_STREQ(t, l, r) __VMK_STR(t, false, l, ==, r)
#define KUNIT_EXPECT_STREQ_MSG(t, l, r, ...) __VMK_STR(t, false, l, ==, r, __VA_ARGS__)
#define KUNIT_ASSERT_STREQ(t, l, r) __VMK_STR(t, true, l, ==, r)
#define KUNIT_ASSERT_STREQ_MSG(t, l, r, ...) __VMK_STR(t, true, l, ==, r, __VA_ARGS__)
#define KUNIT_EXPECT_STRNEQ(t, l, r) __VMK_STR(t, false, l, !=, r)
#define KUNIT_EXPECT_STRNEQ_MSG(t, l, r, ...) __VMK_STR(t, false, l, !=, r, __VA_ARGS__)
#define KUNIT_ASSERT_STRNEQ(t, l, r) __VMK_STR(t, true, l, !=, r)
#define KUNIT_ASSERT_STRNEQ_MSG(t, l, r, ...) __VMK_STR(t, true, l, !=, r, __VA_ARGS__)
#define KUNIT_EXPECT_MEMEQ(t, l, r, n) __VMK_MEM(t, false, l, ==, r, n)
#define KUNIT_EXPECT_MEMEQ_MSG(t, l, r, n, ...) __VMK_MEM(t, false, l, ==, r, n, __VA_ARGS__)
#define KUNIT_ASSERT_MEMEQ(t, l, r, n) __VMK_MEM(t, true, l, ==, r, n)
#define KUNIT_ASSERT_MEMEQ_MSG(t, l, r, n, ...) __VMK_MEM(t, true, l, ==, r, n, __VA_ARGS__)
#define KUNIT_EXPECT_MEMNEQ(t, l, r, n) __VMK_MEM(t, false, l, !=, r, n)
#define KUNIT_EXPECT_MEMNEQ_MSG(t, l, r, n, ...) __VMK_MEM(t, false, l, !=, r, n, __VA_ARGS__)
#define KUNIT_ASSERT_MEMNEQ(t, l, r, n) __VMK_MEM(t, true, l, !=, r, n)
#define KUNIT_ASSERT_MEMNEQ_MSG(t, l, r, n, ...) __VMK_MEM(t, true, l, !=, r, n, __VA_ARGS__)
#define KUNIT_EXPECT_NULL(t, p) __VMK_NULL(t, false, p, true)
#define KUNIT_EXPECT_NULL_MSG(t, p, ...) __VMK_NULL(t, false, p, true, __VA_ARGS__)
#define KUNIT_ASSERT_NULL(t, p) __VMK_NULL(t, true, p, true)
#define KUNIT_ASSERT_NULL_MSG(t, p, ...) __VMK_NULL(t, true, p, true, __VA_ARGS__)
#define KUNIT_EXPECT_NOT_NULL(t, p) __VMK_NULL(t, false, p, false)
#define KUNIT_EXPECT_NOT_NULL_MSG(t, p, ...) __VMK_NULL(t, false, p, false, __VA_ARGS__)
#define KUNIT_ASSERT_NOT_NULL(t, p) __VMK_NULL(t, true, p, false)
#define KUNIT_ASSERT_NOT_NULL_MSG(t, p, ...) __VMK_NULL(t, true, p, false, __VA_ARGS__)
#define KUNIT_EXPECT_NOT_ERR_OR_NULL(t, p) __VMK_NOT_ERR_OR_NULL(t, false, p)
#define KUNIT_EXPECT_NOT_ERR_OR_NULL_MSG(t, p, ...) __VMK_NOT_ERR_OR_NULL(t, false, p, __VA_ARGS__)
#define KUNIT_ASSERT_NOT_ERR_OR_NULL(t, p) __VMK_NOT_ERR_OR_NULL(t, true, p)
#define KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(t, p, ...) __VMK_NOT_ERR_OR_NULL(t, true, p, __VA_ARGS__)

#define kunit_mark_skipped(test, fmt, ...) do {					\
	WRITE_ONCE((test)->status, KUNIT_SKIPPED);				\
	snprintf((test)->status_comment, sizeof((test)->status_comment), fmt, ##__VA_ARGS__); \
} while (0)
#define kunit_skip(test, fmt, ...) do {						\
	kunit_mark_skipped((test), fmt, ##__VA_ARGS__);				\
	longjmp((test)->abort, 1);						\
} while (0)

#ifndef VMKASAN_KO
/* ---- module parameters: --name=value ---- */
static inline void __vmk_set_param(const char *arg)
{
	const char *eq = strchr(arg, '=');

	for (struct __vmk_param *p = __vmk_params; p && eq && arg[0] == '-' && arg[1] == '-'; p = p->next) {
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
#endif

/* ---- the executor ---- */
/* A KASAN report fails the case that this thread runs, except in KASAN's
 * own suite (mm/kasan/report.c), and goes to the console probe. */
__VMK_WEAK bool __vmk_kasan_kunit_executing;
__VMK_WEAK unsigned long __vmk_kunit_unexpected;
#define kasan_kunit_test_suite_start() WRITE_ONCE(__vmk_kasan_kunit_executing, true)
#define kasan_kunit_test_suite_end() WRITE_ONCE(__vmk_kasan_kunit_executing, false)
__VMK_WEAK void __vmk_kunit_report_hook(const char *text, size_t len)
{
	struct kunit *t = __vmk_kunit_current;

	if (!READ_ONCE(__vmk_kasan_kunit_executing)) {
		__atomic_fetch_add(&__vmk_kunit_unexpected, 1, __ATOMIC_RELAXED);
		if (t)
			kunit_set_failure(t);
	}
	__vmk_console_hook(text, len);
}

/* Case filter "suite_glob[.case_glob]" (lib/kunit/executor.c). */
static inline bool __vmk_kunit_wanted(const char *glob, const struct kunit_suite *s,
				      const struct kunit_case *c)
{
	char sg[256];
	const char *dot;

	if (!glob || !*glob)
		return true;
	dot = strchr(glob, '.');
	snprintf(sg, sizeof(sg), "%.*s", dot ? (int)(dot - glob) : (int)strlen(glob), glob);
	if (fnmatch(sg, s->name, 0))
		return false;
	return !c || !dot || !fnmatch(dot + 1, c->name, 0);
}

/* One run of one case (one parameter): init, the case, exit, then the
 * deferred actions, LIFO (the kernel's kunit_try_catch and cleanup).
 * Everything a case does happens inside this one call.  Static, not weak:
 * every case's trace passes through it, and Linux's decode_stacktrace.sh
 * looks up only t/T symbols, never a weak one. */
static void __attribute__((unused))
__vmk_kunit_run_case(struct kunit_suite *s, struct kunit_case *c, struct kunit *t)
{
	struct kunit *volatile vt = t;

	__vmk_kunit_current = t;
	if (!setjmp(t->abort)) {
		if (s->init && s->init(t)) {
			kunit_set_failure(t);
			printf(KUNIT_SUBTEST_INDENT "# %s: failed to initialize\n", t->name);
		} else {
			c->run_case(t);
		}
	}
	t = vt;
	if (s->exit && !setjmp(t->abort))
		s->exit(t);
	t = vt;
	while (t->actions) {
		struct __vmk_kunit_action *a = t->actions;

		t->actions = a->next;
		a->fn(a->ctx);
		free(a);
	}
	for (struct kunit_resource *r = t->resources; r; r = r->__next)
		if (r->free)
			r->free(r);
	t->resources = NULL;
	__vmk_kunit_current = NULL;
}

/* As the kernel does, the case runs on a kthread named kunit_try_catch
 * (lib/kunit/try-catch.c); the executor waits for it to end. */
struct __vmk_kunit_try {
	struct kunit_suite *s;
	struct kunit_case *c;
	struct kunit *t;
	struct completion done;
};
static inline int __vmk_kunit_try_fn(void *data)
{
	struct __vmk_kunit_try *x = data;

	__vmk_kunit_run_case(x->s, x->c, x->t);
	complete(&x->done);
	return 0;
}
/* Waits for the case to end before kthread_stop(), which would keep a
 * thread not yet running from running at all. */
static inline void __vmk_kunit_task_fn(void *data)
{
	struct __vmk_kunit_try *x = data;

	__vmk_kunit_run_case(x->s, x->c, x->t);
}
__VMK_WEAK void __vmk_kunit_try_catch(struct kunit_suite *s, struct kunit_case *c, struct kunit *t)
{
	struct __vmk_kunit_try x = { .s = s, .c = c, .t = t };
	struct task_struct *k;

	/* On a vmap stack of x86-64 KASAN's THREAD_SIZE (32 KiB), as a
	 * kernel with CONFIG_VMAP_STACK runs it; the plain kthread below
	 * when the runtime cannot make one. */
	if (!vmkasan_run_task(__vmk_kunit_task_fn, &x, "kunit_try_catch", 32768))
		return;
	init_completion(&x.done);
	k = kthread_run(__vmk_kunit_try_fn, &x, "kunit_try_catch");
	if (IS_ERR(k)) {
		printf(KUNIT_SUBTEST_INDENT "# %s: could not start the kunit_try_catch thread (%ld)\n",
		       t->name, PTR_ERR(k));
		kunit_set_failure(t);
		return;
	}
	wait_for_completion(&x.done);
	kthread_stop(k);
}

struct __vmk_kunit_stats { unsigned long passed, failed, skipped, total; };
static inline void __vmk_kunit_count(struct __vmk_kunit_stats *st, enum kunit_status s)
{
	st->passed += s == KUNIT_SUCCESS;
	st->failed += s == KUNIT_FAILURE;
	st->skipped += s == KUNIT_SKIPPED;
	st->total++;
}
static inline const char *__vmk_ok(enum kunit_status s) { return s == KUNIT_FAILURE ? "not ok" : "ok"; }

/* One case with its parameters: the case's status (kunit_run_tests). */
static inline enum kunit_status __vmk_kunit_case(struct kunit_suite *s, struct kunit_case *c,
						 int num, struct __vmk_kunit_stats *tot)
{
	char desc[KUNIT_PARAM_DESC_SIZE];
	struct __vmk_kunit_stats st = { 0 };
	struct kunit t;

	memset(&t, 0, sizeof(t));
	t.name = c->name;
	c->status = KUNIT_SKIPPED;
	if (!c->generate_params) {
		__vmk_kunit_try_catch(s, c, &t);
		c->status = t.status;
		__vmk_kunit_count(&st, t.status);
	} else {
		desc[0] = '\0';
		t.param_value = c->generate_params(NULL, desc);
		printf(KUNIT_SUBTEST_INDENT KUNIT_SUBTEST_INDENT "KTAP version 1\n"
		       KUNIT_SUBTEST_INDENT KUNIT_SUBTEST_INDENT "# Subtest: %s\n", c->name);
		while (t.param_value) {
			__vmk_kunit_try_catch(s, c, &t);
			if (!desc[0])
				snprintf(desc, sizeof(desc), "param-%d", t.param_index);
			printf(KUNIT_SUBTEST_INDENT KUNIT_SUBTEST_INDENT "%s %d %s%s%s\n",
			       __vmk_ok(t.status), t.param_index + 1, desc,
			       t.status == KUNIT_SKIPPED ? " # SKIP " : "",
			       t.status == KUNIT_SKIPPED ? t.status_comment : "");
			__vmk_kunit_count(&st, t.status);
			if (t.status == KUNIT_FAILURE)
				c->status = KUNIT_FAILURE;
			else if (c->status != KUNIT_FAILURE && t.status == KUNIT_SUCCESS)
				c->status = KUNIT_SUCCESS;
			desc[0] = '\0';
			t.param_value = c->generate_params(t.param_value, desc);
			t.param_index++;
			t.status = KUNIT_SUCCESS;
			t.status_comment[0] = '\0';
			t.priv = NULL;
		}
	}
	if (st.total > 1)
		printf(KUNIT_SUBTEST_INDENT "# %s: pass:%lu fail:%lu skip:%lu total:%lu\n",
		       c->name, st.passed, st.failed, st.skipped, st.total);
	printf(KUNIT_SUBTEST_INDENT "%s %d %s%s%s\n", __vmk_ok(c->status), num, c->name,
	       c->status == KUNIT_SKIPPED ? " # SKIP " : "",
	       c->status == KUNIT_SKIPPED ? t.status_comment : "");
	tot->passed += st.passed;
	tot->failed += st.failed;
	tot->skipped += st.skipped;
	tot->total += st.total;
	return c->status;
}

/* One suite: its cases that pass the filter; true if one failed. */
static inline bool __vmk_kunit_suite(struct kunit_suite *s, int num, const char *glob)
{
	struct __vmk_kunit_stats cases = { 0 }, tot = { 0 };
	enum kunit_status status = KUNIT_SKIPPED;
	int n = 0, i = 0;

	for (struct kunit_case *c = s->test_cases; c->run_case; c++)
		n += __vmk_kunit_wanted(glob, s, c);
	if (s->suite_init && (s->suite_init_err = s->suite_init(s))) {
		printf(KUNIT_SUBTEST_INDENT "# failed to initialize (%d)\n", s->suite_init_err);
		printf("not ok %d %s\n", num, s->name);
		return true;
	}
	printf(KUNIT_SUBTEST_INDENT "KTAP version 1\n" KUNIT_SUBTEST_INDENT "# Subtest: %s\n"
	       KUNIT_SUBTEST_INDENT "1..%d\n", s->name, n);
	for (struct kunit_case *c = s->test_cases; c->run_case; c++) {
		enum kunit_status cs;

		if (!__vmk_kunit_wanted(glob, s, c))
			continue;
		cs = __vmk_kunit_case(s, c, ++i, &tot);
		__vmk_kunit_count(&cases, cs);
		if (cs == KUNIT_FAILURE)
			status = KUNIT_FAILURE;
		else if (cs == KUNIT_SUCCESS && status != KUNIT_FAILURE)
			status = KUNIT_SUCCESS;
	}
	if (s->suite_exit)
		s->suite_exit(s);
	if (cases.total > 1)
		printf("# %s: pass:%lu fail:%lu skip:%lu total:%lu\n", s->name,
		       cases.passed, cases.failed, cases.skipped, cases.total);
	if (tot.total > 1)
		printf("# Totals: pass:%lu fail:%lu skip:%lu total:%lu\n",
		       tot.passed, tot.failed, tot.skipped, tot.total);
	printf("%s %d %s%s\n", __vmk_ok(status), num, s->name, status == KUNIT_SKIPPED ? " # SKIP " : "");
	return status == KUNIT_FAILURE;
}

/* A report outside KASAN's own suite is a failure even where no case ran
 * (a module's init): the status says so when the runtime's exitcode does
 * not (vmkasan-kunit runs with exitcode=0, KASAN's suite expecting them). */
static inline int __vmk_kunit_verdict(int status)
{
	unsigned long n = READ_ONCE(__vmk_kunit_unexpected);

	if (!n)
		return status;
	fprintf(stderr, "vmkasan: %lu KASAN report%s outside KASAN's own test suite\n", n, n > 1 ? "s" : "");
	return status ? status : 1;
}

/* The suites that pass the filter, in KTAP; true if a case failed.
 * Suites left with no case after the filter are not listed. */
static inline bool __vmk_kunit_run_suites(struct kunit_suite *const *suites, int nsuites,
					  const char *glob, bool builtin)
{
	bool failed = false;
	int nr = 0, num = 0;

	for (int si = 0; si < nsuites; si++)
		for (struct kunit_case *c = suites[si]->test_cases; c->run_case; c++)
			if (__vmk_kunit_wanted(glob, suites[si], c)) {
				nr++;
				break;
			}
	if (builtin || nr)
		printf("KTAP version 1\n1..%d\n", nr);
	__vmk_kunit_running = true;
	for (int si = 0; si < nsuites; si++) {
		struct kunit_suite *s = suites[si];
		bool any = false;

		for (struct kunit_case *c = s->test_cases; c->run_case && !any; c++)
			any = __vmk_kunit_wanted(glob, s, c);
		if (any)
			failed |= __vmk_kunit_suite(s, ++num, glob);
	}
	__vmk_kunit_running = false;
	return failed;
}

#ifndef VMKASAN_KO
/* The program's main() (libvmkasan_kmain.a) calls this. */
__VMK_WEAK int __vmk_kunit_main(int argc, char **argv)
{
	const char *glob = getenv("VMKASAN_KUNIT_FILTER");

	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "kunit.filter_glob=", 18))
			glob = argv[i] + 18;
		else
			__vmk_set_param(argv[i]);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	vmkasan_set_report_hook(__vmk_kunit_report_hook);
	__vmk_start_kernel();
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
			return __vmk_kunit_verdict(status);
	}
	return __vmk_kunit_verdict(__vmk_kunit_run_suites(__vmk_suites, __vmk_nr_suites, glob, true));
}

/* A module's suites run when it is live, after its init, as Linux's
 * kunit_module_notify() runs them (MODULE_STATE_LIVE); the KTAP header
 * only if one is left after the filter (kunit_exec_run_tests). */
static void __vmk_kunit_module_notify(const char *name, void *const *suites, unsigned long nr)
{
	(void)name;
	setvbuf(stdout, NULL, _IOLBF, 0);
	vmkasan_set_report_hook(__vmk_kunit_report_hook);
	__vmk_kunit_run_suites((struct kunit_suite *const *)suites, (int)nr,
			       getenv("VMKASAN_KUNIT_FILTER"), false);
}
__attribute__((constructor)) static void __vmk_kunit_module_notifier(void)
{
	vmkasan_set_module_notifier(__vmk_kunit_module_notify);
}
#endif /* !VMKASAN_KO */

#endif
