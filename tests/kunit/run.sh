#!/bin/bash
# tests/kunit/run.sh [OUTDIR] - Linux 6.12's own lib/ KUnit suites and
# self-testing modules, extracted unchanged from Debian's linux-source-6.12
# tarball, built and run by build/bin/vmkasan-kunit under gcc and clang.
# Each must pass: runner status 0, no "not ok", no KASAN report, at least
# as many tests as the file has KUNIT_CASE entries (the kernel's count);
# a self-testing module (test_min_heap, rbtree_test) is one test that
# passes when its init succeeds (or returns -EAGAIN, or the one error its
# init always returns, to unload) with no WARNING; one that counts its own
# checks (test_xarray, test_bitmap, test_ida) must print the count UML's
# KASAN kernel prints.  overflow_kunit's kmalloc(SIZE_MAX) hung vmkasan's kmalloc.
# Then the runner's and the layer's own behaviour: a kernel header the
# layer does not provide is an error naming it (not the system's
# user-space header); a failing case and an unexpected KASAN report make
# the runner fail; a --kernel program may have its own main(); a failing
# self-testing module fails the run; xarray's nodes are checked; the
# kernel's printf formats bitmaps as lib/vsprintf.c does.
# Fails (does not skip) when the tarball is missing.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$ROOT/build/tests/kunit}
case $OUT in /*) ;; *) OUT=$(pwd)/$OUT ;; esac
TARBALL=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
TOP=linux-source-6.12
RUN=$ROOT/build/bin/vmkasan-kunit
mkdir -p "$OUT" || exit 2
. "$ROOT/tests/lib/tap.sh"

# name: the files built together (the test, then the lib/ code it tests;
# FILE.c:FUNC,... only those functions of FILE)
SUITES="
list-test: lib/list-test.c lib/klist.c
hashtable_test: lib/hashtable_test.c
bitfield_kunit: lib/bitfield_kunit.c
cmdline_kunit: lib/cmdline_kunit.c lib/cmdline.c lib/ctype.c lib/string.c
test_sort: lib/test_sort.c lib/sort.c
test_list_sort: lib/test_list_sort.c lib/list_sort.c
siphash_kunit: lib/siphash_kunit.c lib/siphash.c
overflow_kunit: lib/overflow_kunit.c
test_min_heap: lib/test_min_heap.c
rbtree_test: lib/rbtree_test.c lib/rbtree.c lib/random32.c
crc32test: lib/crc32test.c lib/crc32.c
slub_kunit: lib/slub_kunit.c
test_hash: lib/test_hash.c fs/namei.c:full_name_hash,hashlen_string
test_xarray: lib/test_xarray.c lib/xarray.c lib/radix-tree.c lib/find_bit.c lib/bitmap.c
test_bitmap: lib/test_bitmap.c lib/bitmap.c lib/bitmap-str.c lib/find_bit.c lib/hexdump.c lib/kstrtox.c lib/ctype.c lib/string.c:strnchrnul fs/libfs.c:memory_read_from_buffer mm/util.c:memdup_user_nul
test_bitops: lib/test_bitops.c lib/find_bit.c
test_bits: lib/test_bits.c
test_hexdump: lib/test_hexdump.c lib/hexdump.c lib/ctype.c
test-kstrtox: lib/test-kstrtox.c lib/kstrtox.c lib/ctype.c
test_ida: lib/test_ida.c lib/idr.c lib/xarray.c lib/radix-tree.c lib/find_bit.c lib/bitmap.c
string_kunit: lib/string_kunit.c lib/string.c lib/ctype.c lib/string_helpers.c:memcpy_and_pad
memcpy_kunit: lib/memcpy_kunit.c
is_signed_type_kunit: lib/is_signed_type_kunit.c
string_helpers_kunit: lib/string_helpers_kunit.c lib/string_helpers.c:string_get_size,unescape_space,unescape_octal,unescape_hex,unescape_special,string_unescape,escape_passthrough,escape_space,escape_special,escape_null,escape_octal,escape_hex,string_escape_mem lib/string.c lib/ctype.c lib/hexdump.c
test_uuid: lib/test_uuid.c lib/uuid.c lib/hexdump.c lib/ctype.c
test_memcat_p: lib/test_memcat_p.c lib/memcat_p.c
globtest: lib/globtest.c lib/glob.c
interval_tree_test: lib/interval_tree_test.c lib/interval_tree.c lib/rbtree.c lib/random32.c
"

# A self-testing module that counts its own checks prints the count: the
# line Linux 6.12 prints on UML's KASAN kernel (kunit.py exec, the same
# configuration choices: no CONFIG_XARRAY_MULTI, 64-bit), so no check is
# left out here.
SELFTEST_LINES="
test_xarray: XArray: 6782364 of 6782364 tests passed
test_bitmap: test_bitmap: all 390447 tests passed
test_ida: IDA: 147357 of 147357 tests passed
test_hexdump: test_hexdump: all 1184 tests passed
"
# lib/test_ida.c's init returns -EINVAL when its checks all passed (the
# module is not meant to stay loaded), and its ida_check_bad_free()
# frees 4 x 32 ids that are not allocated: each a WARNING in ida_free()
# (lib/idr.c), as on the kernel.  (lib/test-kstrtox.c's one return is a
# constant -EINVAL: the runner itself takes that as unloading.)  NAME: the
# init's return, the WARNINGs, the line each WARNING prints.
SELFTEST_BY_DESIGN="
test_ida: -22 128 ida_free called for id=
"
# One that reports a failed check only in its output (lib/test_bitops.c
# returns 0 either way): the line it prints then.
SELFTEST_FAILS="
test_bitops: test_bitops: ERROR: FOUND SET BIT
"

if [ ! -f "$TARBALL" ]; then
	echo "no $TARBALL: apt-get install linux-source-6.12" >"$OUT/missing"
	not_ok "Linux 6.12 source tarball present" "$OUT/missing"; finish
fi
# What the runner needs of the source: include/, lib/'s local headers
# ("radix-tree.h", "kstrtox.h") and the listed files.
want=$(echo "$SUITES" | sed -n 's/^[^:]*://p' | tr ' ' '\n' | grep . | sed 's/:.*//' | sort -u | sed "s|^|$TOP/|")
rm -rf "$OUT/src" && mkdir -p "$OUT/src" &&
	tar -xf "$TARBALL" -C "$OUT/src" --wildcards "$TOP/include" "$TOP/lib/gen_crc32table.c" "$TOP/lib/*.h" \
		"$TOP/tools/testing/selftests/kselftest_module.h" "$TOP/tools/testing/selftests/kselftest.h" $want ||
	{ not_ok "extract the kernel files"; finish; }
KSRC=$OUT/src/$TOP

# One suite under one compiler; the verdict file says why.
run_one() {	# run_one NAME CC FILES...
	local name=$1 cc=$2 log=$OUT/$1-$2
	shift 2
	VMKASAN_KUNIT_JOBS=1 env -u VMKASAN_OPTIONS timeout 300 "$RUN" --ksrc="$KSRC" --cc="$cc" "$@" \
		>"$log.out" 2>"$log.err"
	echo $? >"$log.status"
}
jobs=0
while read -r name files; do
	[ -n "$name" ] || continue
	for cc in gcc clang; do
		run_one "${name%:}" $cc $files &
		jobs=$((jobs + 1))
		[ $jobs -lt 2 ] || { wait -n; jobs=$((jobs - 1)); }
	done
done <<<"$SUITES"
wait

while read -r name files; do
	[ -n "$name" ] || continue
	name=${name%:}
	test_file=${files%% *}
	# The kernel's own count of cases in the file.
	# (not those under #ifndef CONFIG_KASAN: this is a KASAN build)
	cases=$(awk '/^#ifndef CONFIG_KASAN/ { off = 1 } off && /^#endif/ { off = 0; next }
		!off && /KUNIT_CASE/ { n++ } END { print n + 0 }' "$KSRC/$test_file")
	[ "$cases" -gt 0 ] || cases=1	# a module: its init
	for cc in gcc clang; do
		log=$OUT/$name-$cc
		status=$(cat "$log.status")
		summary=$(grep '^Testing complete\. ' "$log.out")
		ran=$(echo "$summary" | sed -n 's/^Testing complete\. Ran \([0-9]*\) tests:.*/\1/p')
		notok=$(grep -c '^ *not ok' "$log.out")
		bugs=$(grep -c '^BUG: KASAN' "$log.err")
		# a skip says why
		notok=$((notok + $(grep -c '# SKIP *$' "$log.out")))
		want_line=$(echo "$SELFTEST_LINES" | sed -n "s/^$name: //p")
		if [ -n "$want_line" ] && ! grep -qxF "$want_line" "$log.err"; then
			notok=$((notok + 1))	# its own count differs from the kernel's
		fi
		fail_line=$(echo "$SELFTEST_FAILS" | sed -n "s/^$name: //p")
		if [ -n "$fail_line" ] && grep -qF "$fail_line" "$log.err"; then
			notok=$((notok + 1))	# it printed a failed check
		fi
		design=$(echo "$SELFTEST_BY_DESIGN" | sed -n "s/^$name: //p")
		if [ -n "$design" ] && [ "$status" = 1 ] && read -r rc warns msg <<<"$design" &&
			grep -q "^vmkasan: module init .* returned $rc " "$log.err" &&
			[ "$(grep -c '^WARNING' "$log.err")" = "$warns" ] &&
			[ "$(grep -c "^$msg" "$log.err")" = "$warns" ]; then
			status=0 summary="Testing complete. Ran 1 tests: passed: 1 (init $rc and $warns WARNINGs, by design)"
		fi
		if [ "$status" = 0 ] && [ "$notok" = 0 ] && [ "$bugs" = 0 ] && [ -n "$ran" ] &&
			[ "$ran" -ge "$cases" ] && ! echo "$summary" | grep -q 'failed\|errors'; then
			ok "$cc: $test_file: ${summary#Testing complete. }${want_line:+ ($want_line)}"
		else
			echo "status $status, $notok not ok, $bugs KASAN reports, ran '$ran' (the file has $cases KUNIT_CASE)${want_line:+; wants the line '$want_line'}" >"$log.why"
			not_ok "$cc: $test_file" "$log.why" "$log.err" "$log.out"
		fi
	done
done <<<"$SUITES"

# A header the layer does not provide is an error that names it, for a
# name the system has (/usr/include/linux/fs.h) and one it has not.
for h in linux/fs.h linux/mmzone.h; do
	printf '#include <kunit/test.h>\n#include <%s>\n' "$h" >"$OUT/absent.c"
	if "$RUN" --ksrc="$KSRC" "$OUT/absent.c" >"$OUT/absent.out" 2>&1; then
		not_ok "<$h>: the build fails" "$OUT/absent.out"
	elif grep -q "$h" "$OUT/absent.out" && ! grep -q '/usr/include/' "$OUT/absent.out"; then
		ok "<$h> is not provided: an error names it, the system's header is not used"
	else
		not_ok "<$h>: the error names it, no /usr/include" "$OUT/absent.out"
	fi
done

# A symbol the kernel's lib/ code exports, left out of the link, is named
# with the file that defines it (cmdline_kunit without lib/string.c).
"$RUN" --ksrc="$KSRC" lib/cmdline_kunit.c lib/cmdline.c lib/ctype.c >"$OUT/unlisted.out" 2>&1
status=$?
if [ $status = 2 ] && grep -q "^vmkasan-kunit: memchr_inv is defined in the kernel's lib/string.c: list it with the test$" "$OUT/unlisted.out"; then
	ok "a kernel symbol missing at link time names the lib/ file that defines it"
else
	echo "status $status" >"$OUT/unlisted.why"
	not_ok "a missing kernel symbol names its lib/ file" "$OUT/unlisted.why" "$OUT/unlisted.out"
fi

# The runner fails on a failing case and on a KASAN report in a case.
cat >"$OUT/bad.c" <<'EOC'
#include <kunit/test.h>
#include <linux/slab.h>
static void passes(struct kunit *test) { KUNIT_EXPECT_EQ(test, 1 + 1, 2); }
static void fails(struct kunit *test) { KUNIT_EXPECT_EQ(test, 1 + 1, 3); }
static void overflows(struct kunit *test)
{
	char *volatile p = kmalloc(8, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	p[8] = 1;
	kfree(p);
}
static struct kunit_case cases[] = { KUNIT_CASE(passes), KUNIT_CASE(fails), KUNIT_CASE(overflows), {} };
static struct kunit_suite suite = { .name = "vmk-bad", .test_cases = cases };
kunit_test_suite(suite);
EOC
for glob in vmk-bad.fails vmk-bad.overflows; do
	"$RUN" --ksrc="$KSRC" "$OUT/bad.c" "$glob" >"$OUT/bad.out" 2>"$OUT/bad.err"
	status=$?
	if [ $status = 1 ] && grep -q '^    not ok 1 '"${glob#*.}"'$' "$OUT/bad.out" &&
		grep -q '^Testing complete\. Ran 1 tests: failed: 1$' "$OUT/bad.out"; then
		ok "runner: $glob fails the run (status 1, 'Ran 1 tests: failed: 1')"
	else
		echo "status $status" >"$OUT/bad.why"
		not_ok "runner: $glob fails the run" "$OUT/bad.why" "$OUT/bad.out" "$OUT/bad.err"
	fi
done
"$RUN" --ksrc="$KSRC" "$OUT/bad.c" vmk-bad.passes >"$OUT/good.out" 2>&1
if [ $? = 0 ] && grep -q '^Testing complete\. Ran 1 tests: passed: 1$' "$OUT/good.out"; then
	ok "runner: the filter glob keeps one case; it passes (status 0)"
else
	not_ok "runner: filter glob, passing case" "$OUT/good.out"
fi

# A self-testing module whose init fails (lib/test_bitmap.c's
# kstm_report(), lib/test_xarray.c: -EINVAL when a check failed) fails
# the run.
cat >"$OUT/selftest-fails.c" <<'EOC'
#include <linux/module.h>
static int failed = 1;
static int __init fails_init(void)
{
	pr_warn("failed %d out of 2 tests\n", failed);
	return failed ? -EINVAL : 0;
}
module_init(fails_init);
EOC
"$RUN" --ksrc="$KSRC" "$OUT/selftest-fails.c" >"$OUT/selftest-fails.out" 2>&1
status=$?
if [ $status = 1 ] && grep -q '^Testing complete\. Ran 1 tests: failed: 1' "$OUT/selftest-fails.out"; then
	ok "runner: a self-testing module whose init returns -EINVAL fails the run"
else
	echo "status $status" >"$OUT/selftest-fails.why"
	not_ok "runner: a failing self-testing module fails the run" "$OUT/selftest-fails.why" "$OUT/selftest-fails.out"
fi

# lib/xarray.c's nodes come from vmkasan's slab (the radix_tree_node
# cache radix_tree_init() creates at start-up, 576-byte objects as on
# 64-bit Linux): a read of a node after xa_destroy() and a grace period
# is a use-after-free in that cache.
cat >"$OUT/xa_uaf.c" <<'EOC'
#include <kunit/test.h>
#include <linux/xarray.h>
#include <linux/rcupdate.h>
static void node_uaf(struct kunit *test)
{
	DEFINE_XARRAY(xa);
	struct xa_node *node;

	KUNIT_ASSERT_EQ(test, xa_err(xa_store(&xa, 0, xa_mk_value(0), GFP_KERNEL)), 0);
	KUNIT_ASSERT_EQ(test, xa_err(xa_store(&xa, 1000, xa_mk_value(1), GFP_KERNEL)), 0);
	KUNIT_ASSERT_TRUE(test, xa_is_node(xa.xa_head));
	node = xa_to_node(xa.xa_head);
	xa_destroy(&xa);
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, READ_ONCE(node->count), 0);
}
static struct kunit_case cases[] = { KUNIT_CASE(node_uaf), {} };
static struct kunit_suite suite = { .name = "vmk-xa-uaf", .test_cases = cases };
kunit_test_suite(suite);
EOC
"$RUN" --ksrc="$KSRC" "$OUT/xa_uaf.c" lib/xarray.c lib/radix-tree.c lib/find_bit.c lib/bitmap.c \
	>"$OUT/xa_uaf.out" 2>"$OUT/xa_uaf.err"
status=$?
if [ $status = 1 ] && grep -q '^BUG: KASAN: slab-use-after-free in node_uaf+' "$OUT/xa_uaf.err" &&
	grep -q '^ which belongs to the cache radix_tree_node of size 576$' "$OUT/xa_uaf.err"; then
	ok "an xarray node read after xa_destroy(): slab-use-after-free in the radix_tree_node cache"
else
	echo "status $status" >"$OUT/xa_uaf.why"
	not_ok "xarray node use-after-free reported" "$OUT/xa_uaf.why" "$OUT/xa_uaf.out" "$OUT/xa_uaf.err"
fi

# Per-CPU data: a static per-CPU variable is one copy (a !SMP kernel's
# model, under local_lock(): radix_tree_preload()'s pool), an
# alloc_percpu() area a copy per CPU, and this_cpu_ptr() tells them apart.
cat >"$OUT/pcpu.c" <<'EOC'
#include <kunit/test.h>
#include <linux/percpu.h>
#include <linux/radix-tree.h>
static DEFINE_PER_CPU(int, pcpu_static) = 5;
static void percpu_ptrs(struct kunit *test)
{
	int __percpu *d = alloc_percpu(int);
	int cpu, sum = 0;

	KUNIT_ASSERT_NOT_NULL(test, d);
	*this_cpu_ptr(d) = 3;
	for_each_possible_cpu(cpu)
		sum += *per_cpu_ptr(d, cpu);
	KUNIT_EXPECT_EQ(test, sum, 3);
	KUNIT_EXPECT_EQ(test, *this_cpu_ptr(&pcpu_static), 5);
	KUNIT_EXPECT_PTR_EQ(test, this_cpu_ptr(&pcpu_static), &per_cpu(pcpu_static, 0));
	free_percpu(d);
}
/* lib/radix-tree.c's preload: its per-CPU pool under a local lock. */
static void preload(struct kunit *test)
{
	RADIX_TREE(root, GFP_KERNEL);
	static int item;

	KUNIT_ASSERT_EQ(test, radix_tree_preload(GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, radix_tree_insert(&root, 1UL << 20, &item), 0);
	radix_tree_preload_end();
	KUNIT_EXPECT_PTR_EQ(test, radix_tree_lookup(&root, 1UL << 20), (void *)&item);
	KUNIT_EXPECT_PTR_EQ(test, radix_tree_delete(&root, 1UL << 20), (void *)&item);
}
static struct kunit_case cases[] = { KUNIT_CASE(percpu_ptrs), KUNIT_CASE(preload), {} };
static struct kunit_suite suite = { .name = "vmk-percpu", .test_cases = cases };
kunit_test_suite(suite);
EOC
if "$RUN" --ksrc="$KSRC" "$OUT/pcpu.c" lib/radix-tree.c lib/xarray.c lib/find_bit.c lib/bitmap.c >"$OUT/pcpu.out" 2>&1 &&
	grep -q '^Testing complete\. Ran 2 tests: passed: 2$' "$OUT/pcpu.out"; then
	ok "per-CPU variables, alloc_percpu() areas and radix_tree_preload()'s local lock"
else
	not_ok "per-CPU data and local locks" "$OUT/pcpu.out"
fi

# The kernel's printf pointer extensions (Documentation/core-api/
# printk-formats.rst: a bitmap's %*pb "0779" and %*pbl "0,3-6,8-10";
# lib/vsprintf.c: 32-bit chunks most significant first, "(null)" for a
# NULL bitmap, %px unhashed), and scnprintf()'s count of what it wrote.
cat >"$OUT/printf.c" <<'EOC'
#include <kunit/test.h>
#include <linux/bitmap.h>
static void pointer_ext(struct kunit *test)
{
	unsigned long map[2] = { 0x779, 0 }, wide[2] = { 0xfffffffffUL, 0x1 };
	char buf[64];

	snprintf(buf, sizeof(buf), "%*pb", 16, map);
	KUNIT_EXPECT_STREQ(test, buf, "0779");
	snprintf(buf, sizeof(buf), "%*pbl", 16, map);
	KUNIT_EXPECT_STREQ(test, buf, "0,3-6,8-10");
	snprintf(buf, sizeof(buf), "%*pb|%*pbl", 65, wide, 65, wide);
	KUNIT_EXPECT_STREQ(test, buf, "1,0000000f,ffffffff|0-35,64");
	snprintf(buf, sizeof(buf), "[%*pbl]", 16, NULL);
	KUNIT_EXPECT_STREQ(test, buf, "[(null)]");
	snprintf(buf, sizeof(buf), "%px", (void *)0x1234UL);
	KUNIT_EXPECT_STREQ(test, buf, "0000000000001234");
	KUNIT_EXPECT_EQ(test, scnprintf(buf, 4, "%*pbl", 16, map), 3);
	KUNIT_EXPECT_STREQ(test, buf, "0,3");
	KUNIT_EXPECT_EQ(test, snprintf(buf, 4, "%*pbl", 16, map), 10);
}
static struct kunit_case cases[] = { KUNIT_CASE(pointer_ext), {} };
static struct kunit_suite suite = { .name = "vmk-printf", .test_cases = cases };
kunit_test_suite(suite);
EOC
for cc in gcc clang; do
	if "$RUN" --ksrc="$KSRC" --cc=$cc "$OUT/printf.c" >"$OUT/printf-$cc.out" 2>&1 &&
		grep -q '^Testing complete\. Ran 1 tests: passed: 1$' "$OUT/printf-$cc.out"; then
		ok "$cc: printf's %*pb, %*pbl, %px as lib/vsprintf.c prints them"
	else
		not_ok "$cc: printf's %*pb, %*pbl, %px" "$OUT/printf-$cc.out"
	fi
done

# FILE.c:FUNC: only that function of a kernel file, built instrumented
# (a read one byte past a kmalloc(8) in fs/namei.c's full_name_hash()
# is reported in it); a function the file does not define is an error
# naming it.
cat >"$OUT/part.c" <<'EOC'
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/stringhash.h>
static void hash_oob(struct kunit *test)
{
	char *p = kmalloc(8, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, 'a', 8);
	KUNIT_EXPECT_NE(test, full_name_hash(NULL, p, 9), 0u);
	kfree(p);
}
static struct kunit_case cases[] = { KUNIT_CASE(hash_oob), {} };
static struct kunit_suite suite = { .name = "vmk-part", .test_cases = cases };
kunit_test_suite(suite);
EOC
"$RUN" --ksrc="$KSRC" "$OUT/part.c" fs/namei.c:full_name_hash >"$OUT/part.out" 2>"$OUT/part.err"
status=$?
if [ $status = 1 ] && grep -q '^BUG: KASAN: slab-out-of-bounds in full_name_hash+' "$OUT/part.err" &&
	grep -q '^Read of size 1 at addr ' "$OUT/part.err"; then
	ok "fs/namei.c:full_name_hash is built alone, instrumented: its overread is reported in it"
else
	echo "status $status" >"$OUT/part.why"
	not_ok "fs/namei.c:full_name_hash alone, instrumented" "$OUT/part.why" "$OUT/part.out" "$OUT/part.err"
fi
"$RUN" --ksrc="$KSRC" "$OUT/part.c" fs/namei.c:full_name_hash,no_such_fn >"$OUT/part-missing.out" 2>&1
status=$?
if [ $status = 2 ] && grep -q 'no definition of no_such_fn()' "$OUT/part-missing.out"; then
	ok "FILE.c:FUNC for a function FILE does not define: an error naming it (status 2)"
else
	echo "status $status" >"$OUT/part-missing.why"
	not_ok "FILE.c:FUNC, no such function" "$OUT/part-missing.why" "$OUT/part-missing.out"
fi

# The kernel's own <linux/string.h> over the layer's <asm/string.h>: the
# kernel's lib/string.c is built instrumented, as in a KASAN kernel (a
# read past a kmalloc(8) in its strnchr() is reported in strnchr), and
# the string functions the "arch" has stay the runtime's checked ones
# (memchr of a freed buffer reported in memchr, as Linux's instrumented
# memchr is; memcmp's word at a time sees a poisoned tail of a word's
# first granule).  One case a run: KASAN reports the first bug only.
cat >"$OUT/string.c" <<'EOC'
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>
static void *volatile sink;
static void lib_string(struct kunit *test)
{
	char *p = kmalloc(8, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, 'a', 8);
	sink = strnchr(p, 9, 'b');
	kfree(p);
}
static void arch_string(struct kunit *test)
{
	char *p = kmalloc(8, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, 'a', 8);
	kfree(p);
	sink = memchr(p, 'b', 8);
}
/* A word whose first granule ends poisoned and whose second is fine:
 * bytes 13..15 of p poisoned, memcmp() of 8 at p + 12 reads them. */
static void arch_memcmp(struct kunit *test)
{
	char *p = kzalloc(32, GFP_KERNEL), q[8] = { 0 };

	KUNIT_ASSERT_NOT_NULL(test, p);
	vmkasan_poison(p + 8, 8);
	vmkasan_unpoison(p + 8, 5);
	sink = (void *)(long)memcmp(p + 12, q, 8);
	vmkasan_unpoison(p + 8, 8);
	kfree(p);
}
static struct kunit_case cases[] = { KUNIT_CASE(lib_string), KUNIT_CASE(arch_string), KUNIT_CASE(arch_memcmp), {} };
static struct kunit_suite suite = { .name = "vmk-string", .test_cases = cases };
kunit_test_suite(suite);
EOC
for t in "lib_string slab-out-of-bounds strnchr 1" "arch_string slab-use-after-free memchr 1" \
	"arch_memcmp out-of-bounds memcmp 8"; do
	set -- $t
	"$RUN" --ksrc="$KSRC" "$OUT/string.c" lib/string.c lib/ctype.c "vmk-string.$1" >"$OUT/string-$1.out" 2>"$OUT/string-$1.err"
	status=$?
	if [ $status = 1 ] && grep -q "^BUG: KASAN: $2 in $3+" "$OUT/string-$1.err" &&
		grep -q "^Read of size $4 at addr " "$OUT/string-$1.err"; then
		ok "kernel <linux/string.h>: $1: the report is in $3, read of size $4"
	else
		echo "status $status" >"$OUT/string-$1.why"
		not_ok "kernel <linux/string.h>: $1: a report in $3" "$OUT/string-$1.why" "$OUT/string-$1.out" "$OUT/string-$1.err"
	fi
done

# FILE.c:FUNC takes the definition only, the variant the configuration
# picks: not a declaration spanning lines, not the other branch of an
# #ifdef, not the file's other functions (which would not build here);
# the type on the line before the name comes along.
cat >"$OUT/part-lib.c" <<'EOC'
int twice(int x,
	  int unused);
static int broken(void) { return not_declared_anywhere; }
#ifdef CONFIG_VMKASAN_NOT_SET
int twice(int x, int unused) { return broken(); }
#else
int
twice(int x, int unused)
{
	return 2 * x;
}
#endif
int other(void) { return also_not_declared; }
EOC
cat >"$OUT/part-use.c" <<'EOC'
#include <kunit/test.h>
int twice(int x, int unused);
static void uses(struct kunit *test) { KUNIT_EXPECT_EQ(test, twice(21, 0), 42); }
static struct kunit_case cases[] = { KUNIT_CASE(uses), {} };
static struct kunit_suite suite = { .name = "vmk-part2", .test_cases = cases };
kunit_test_suite(suite);
EOC
if "$RUN" --ksrc="$KSRC" "$OUT/part-use.c" "$OUT/part-lib.c:twice" >"$OUT/part2.out" 2>&1 &&
	grep -q '^Testing complete\. Ran 1 tests: passed: 1$' "$OUT/part2.out"; then
	ok "FILE.c:FUNC takes the definition the configuration picks, nothing else"
else
	not_ok "FILE.c:FUNC takes the definition the configuration picks" "$OUT/part2.out"
fi

# Parameterised cases: KTAP as the kernel prints it, leaves counted as
# kunit.py counts them.
cat >"$OUT/param.c" <<'EOC'
#include <kunit/test.h>
struct c { int v; const char *d; };
static const struct c arr[] = { { 1, "one" }, { 2, "two" }, { 3, "three" } };
KUNIT_ARRAY_PARAM_DESC(arr, arr, d);
static void pos(struct kunit *test)
{
	const struct c *p = test->param_value;

	KUNIT_EXPECT_GT(test, p->v, 0);
	if (p->v == 3)
		kunit_skip(test, "three");
}
static void plain(struct kunit *test) { KUNIT_SUCCEED(test); }
static struct kunit_case cases[] = { KUNIT_CASE_PARAM(pos, arr_gen_params), KUNIT_CASE(plain), {} };
static struct kunit_suite suite = { .name = "vmk-param", .test_cases = cases };
kunit_test_suite(suite);
EOC
"$RUN" --ksrc="$KSRC" "$OUT/param.c" >"$OUT/param.out" 2>&1
status=$?
printf '%s\n' '        # Subtest: pos' '        ok 1 one' '        ok 2 two' '        ok 3 three # SKIP three' \
	'    # pos: pass:2 fail:0 skip:1 total:3' '    ok 1 pos' '    ok 2 plain' >"$OUT/param.want"
if [ $status = 0 ] && grep -qxF -f "$OUT/param.want" "$OUT/param.out" &&
	[ "$(grep -cxF -f "$OUT/param.want" "$OUT/param.out")" = 7 ] &&
	grep -q '^Testing complete\. Ran 4 tests: passed: 3, skipped: 1$' "$OUT/param.out"; then
	ok "parameterised case: KTAP subtest per parameter; 'Ran 4 tests: passed: 3, skipped: 1'"
else
	not_ok "parameterised case KTAP and count" "$OUT/param.out"
fi

# A case runs on a kthread named kunit_try_catch, as in the kernel.
cat >"$OUT/comm.c" <<'EOC'
#include <kunit/test.h>
#include <linux/sched.h>
static void comm(struct kunit *test)
{
	kunit_info(test, "runs on %s", current->comm);
	KUNIT_EXPECT_STREQ(test, current->comm, "kunit_try_catch");
}
static struct kunit_case cases[] = { KUNIT_CASE(comm), {} };
static struct kunit_suite suite = { .name = "vmk-comm", .test_cases = cases };
kunit_test_suite(suite);
EOC
if "$RUN" --ksrc="$KSRC" "$OUT/comm.c" >"$OUT/comm.out" 2>&1 &&
	grep -qx '    # comm: runs on kunit_try_catch' "$OUT/comm.out" &&
	grep -q '^Testing complete\. Ran 1 tests: passed: 1$' "$OUT/comm.out"; then
	ok "a case runs on a kthread named kunit_try_catch"
else
	not_ok "a case runs on a kthread named kunit_try_catch" "$OUT/comm.out"
fi

# A self-testing module's verdict: its init's return, 0 (or -EAGAIN to
# unload); an init whose one return is a constant error (test-kstrtox's
# "return -EINVAL;") unloads itself whatever its checks found, which
# WARN: then no WARNING passes, a WARNING fails; an init that returns
# that error on a failure only fails.
mod_case() {	# mod_case NAME WANT_STATUS BODY...
	local name=$1 want=$2
	shift 2
	printf '#include <linux/module.h>\n#include <linux/init.h>\n#include <linux/bug.h>\n#include <linux/errno.h>\nstatic int bad = 1;\nstatic int __init %s_init(void)\n{\n%s\n}\nmodule_init(%s_init);\nMODULE_LICENSE("GPL");\n' \
		"$name" "$*" "$name" >"$OUT/$name.c"
	"$RUN" --ksrc="$KSRC" "$OUT/$name.c" >"$OUT/$name.out" 2>&1
	status=$?
	if [ $status = "$want" ]; then
		ok "module init { $* }: runner status $want"
	else
		echo "status $status" >"$OUT/$name.why"
		not_ok "module init { $* }: runner status $want" "$OUT/$name.why" "$OUT/$name.out"
	fi
}
mod_case modeinval 0 'return -EINVAL;'
mod_case modwarn 1 'WARN(bad, "check failed\n"); return -EINVAL;'
mod_case modfail 1 'return bad ? -EINVAL : 0;'

# Issue 16 item 16: a --kernel program with its own main().
cat >"$OUT/own_main.c" <<'EOC'
#include <kunit/test.h>
#include <linux/slab.h>
int main(void)
{
	char *p = kmalloc(8, GFP_KERNEL);

	printf("own main: %s\n", p ? "allocated" : "failed");
	kfree(p);
	return 7;
}
EOC
if "$ROOT/build/bin/vmkasan-cc" --kernel -g "$OUT/own_main.c" -o "$OUT/own_main" >"$OUT/own_main.build" 2>&1; then
	"$OUT/own_main" >"$OUT/own_main.out" 2>&1
	status=$?
	if [ $status = 7 ] && grep -qx 'own main: allocated' "$OUT/own_main.out"; then
		ok "a --kernel program with its own main() links and runs it"
	else
		echo "status $status" >"$OUT/own_main.why"
		not_ok "own main() runs" "$OUT/own_main.why" "$OUT/own_main.out"
	fi
else
	not_ok "a --kernel program with its own main() builds" "$OUT/own_main.build"
fi
finish
