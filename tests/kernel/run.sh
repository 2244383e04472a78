#!/bin/bash
# tests/kernel/run.sh [OUTDIR] - Linux 6.12's own KASAN KUnit suite,
# mm/kasan/kasan_test_c.c, compiled UNCHANGED (extracted byte for byte
# from Debian's linux-source-6.12 tarball) with `vmkasan-cc --kernel`,
# gcc and clang, and run: every case that applies to generic KASAN must
# pass (kasan_global_oob_left skips under gcc, as in the kernel), the
# tag-based and Rust cases skip, and each case's expected reports come
# out (KUnit itself fails a case whose expected report is missing and,
# through kasan_test_exit, one with an unexpected report).
# Then lib/test_vmalloc.c, also unchanged: two worker kthreads, every
# test case (run_test_mask 2047), short loops; each case passes on each
# worker except align_shift_alloc_test, which fails by design (as in the
# kernel), no KASAN report, init's -EAGAIN as exit status 11.  And
# workqueue_test.c here: the kernel layer's workqueue, kthreads,
# completions and rwsems (KUnit), plus kasan_test_c.c's workqueue_uaf
# report naming the worker as the freeing task.
# Fails (does not skip) when the tarball is missing.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$ROOT/build/tests/kernel}
case $OUT in /*) ;; *) OUT=$(pwd)/$OUT ;; esac
TARBALL=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
SRC=linux-source-6.12/mm/kasan/kasan_test_c.c
VSRC=linux-source-6.12/lib/test_vmalloc.c
mkdir -p "$OUT" || exit 2
. "$ROOT/tests/lib/tap.sh"
if [ ! -f "$TARBALL" ]; then
	echo "no $TARBALL: apt-get install linux-source-6.12" >"$OUT/missing"
	not_ok "Linux 6.12 source tarball present" "$OUT/missing"
	echo "$PASS passed, $FAIL failed"; exit 1
fi
rm -rf "$OUT/src" && mkdir -p "$OUT/src" &&
	tar -xf "$TARBALL" -C "$OUT/src" "$SRC" "$VSRC" || { not_ok "extract $SRC $VSRC"; echo "$PASS passed, $FAIL failed"; exit 1; }
# Unchanged: the files are exactly the tarball's.
for f in "$SRC" "$VSRC"; do
	if tar -xOf "$TARBALL" "$f" | cmp -s - "$OUT/src/$f"; then ok "$f extracted unchanged"
	else not_ok "$f extracted unchanged"; fi
done
for cc in gcc clang; do
	bin=$OUT/kasan_test-$cc
	if (cd "$OUT/src" && "$ROOT/build/bin/vmkasan-cc" --kernel --cc=$cc -g -O1 "$SRC" -o "$bin") \
		>"$OUT/$cc.build" 2>&1; then
		ok "$cc: kasan_test_c.c compiles unchanged with vmkasan-cc --kernel"
	else
		not_ok "$cc: kasan_test_c.c compiles unchanged" "$OUT/$cc.build"; continue
	fi
	env -u VMKASAN_OPTIONS timeout 300 "$bin" >"$OUT/$cc.ktap" 2>"$OUT/$cc.err"
	total=$(grep -c '^    \(not \)\{0,1\}ok [0-9]' "$OUT/$cc.ktap")
	passed=$(grep '^    ok [0-9]' "$OUT/$cc.ktap" | grep -vc '# SKIP')
	skipped=$(grep -c '^    ok [0-9].*# SKIP' "$OUT/$cc.ktap")
	failed=$(grep -c '^    not ok' "$OUT/$cc.ktap")
	want=62
	[ $cc = gcc ] && want=61
	if [ "$total" = 72 ] && [ "$failed" = 0 ] && [ "$passed" = $want ] && grep -q '^ok 1 kasan' "$OUT/$cc.ktap"; then
		ok "$cc: KTAP: $passed generic cases pass, $skipped skip (tags, Rust$([ $cc = gcc ] && echo ', global_oob_left under gcc')), 0 fail"
	else
		echo "total $total passed $passed (want $want) skipped $skipped failed $failed" >"$OUT/$cc.why"
		not_ok "$cc: KTAP: $want generic cases pass" "$OUT/$cc.why" "$OUT/$cc.ktap"
	fi
	# Reports are whole: as many rulers as two per BUG line.
	bugs=$(grep -c '^BUG: KASAN' "$OUT/$cc.err") rulers=$(grep -c '^=================' "$OUT/$cc.err")
	if [ "$bugs" -gt 150 ] && [ "$rulers" = $((2 * bugs)) ]; then ok "$cc: $bugs whole reports"
	else echo "bugs $bugs rulers $rulers" >"$OUT/$cc.why2"; not_ok "$cc: whole reports" "$OUT/$cc.why2"; fi
	# workqueue_uaf: the work freed the object on the workqueue's worker,
	# a task other than the test's (the kernel names a kworker there).
	awk '/^BUG: KASAN: slab-use-after-free in workqueue_uaf/ { on = 1 } on { print } on && /^====/ { exit }' \
		"$OUT/$cc.err" >"$OUT/$cc.wq_uaf"
	bad=$(sed -n 's|^Read of size 8 at addr [0-9a-f]* by task .*/\([0-9]*\)$|\1|p' "$OUT/$cc.wq_uaf")
	alloc=$(sed -n 's/^Allocated by task \([0-9]*\):$/\1/p' "$OUT/$cc.wq_uaf")
	freed=$(sed -n 's/^Freed by task \([0-9]*\):$/\1/p' "$OUT/$cc.wq_uaf")
	if [ -n "$bad" ] && [ "$alloc" = "$bad" ] && [ -n "$freed" ] && [ "$freed" != "$bad" ] &&
		grep -q '^ __vmk_worker_main+' "$OUT/$cc.wq_uaf"; then
		ok "$cc: workqueue_uaf: freed by the worker's task $freed, not the test's $bad"
	else
		not_ok "$cc: workqueue_uaf: freed by the worker's task" "$OUT/$cc.wq_uaf"
	fi
done

# lib/test_vmalloc.c: what the module prints is its result.
VARGS="--nr_threads=2 --test_loop_count=20 --run_test_mask=2047"
for cc in gcc clang; do
	bin=$OUT/test_vmalloc-$cc
	if (cd "$OUT/src" && "$ROOT/build/bin/vmkasan-cc" --kernel --cc=$cc -g -O1 "$VSRC" -o "$bin") \
		>"$OUT/tv-$cc.build" 2>&1; then
		ok "$cc: test_vmalloc.c compiles unchanged with vmkasan-cc --kernel"
	else
		not_ok "$cc: test_vmalloc.c compiles unchanged" "$OUT/tv-$cc.build"; continue
	fi
	env -u VMKASAN_OPTIONS timeout 300 "$bin" $VARGS >"$OUT/tv-$cc.out" 2>&1
	status=$?
	# One summary per case per worker: all pass but align_shift_alloc_test.
	summaries=$(grep -c '^Summary: [a-z0-9_]* passed: ' "$OUT/tv-$cc.out")
	good=$(grep -c '^Summary: [a-z0-9_]* passed: 1 failed: 0 repeat: 1 loops: 20 avg: [0-9]* usec$' "$OUT/tv-$cc.out")
	align=$(grep -c '^Summary: align_shift_alloc_test passed: 0 failed: 1 ' "$OUT/tv-$cc.out")
	workers=$(grep -c '^All test took worker[01]=[0-9]* cycles$' "$OUT/tv-$cc.out")
	if [ "$summaries" = 22 ] && [ "$good" = 20 ] && [ "$align" = 2 ] && [ "$workers" = 2 ]; then
		ok "$cc: test_vmalloc: 2 workers x 11 cases: 10 pass, align_shift_alloc_test fails as expected"
	else
		echo "summaries $summaries (want 22) passing $good (want 20) align_shift failing $align (want 2) workers $workers" >"$OUT/tv-$cc.why"
		not_ok "$cc: test_vmalloc summaries" "$OUT/tv-$cc.why" "$OUT/tv-$cc.out"
	fi
	reports=$(grep -c 'BUG: KASAN\|^WARNING' "$OUT/tv-$cc.out")
	if [ "$status" = 11 ] && [ "$reports" = 0 ] &&
		grep -q '^vmkasan: module init vmalloc_test_init returned -11 ' "$OUT/tv-$cc.out"; then
		ok "$cc: test_vmalloc: clean (no report), init's -EAGAIN is exit status 11"
	else
		echo "exit status $status (want 11), $reports reports/warnings" >"$OUT/tv-$cc.why2"
		not_ok "$cc: test_vmalloc: clean, exit status 11" "$OUT/tv-$cc.why2" "$OUT/tv-$cc.out"
	fi
done

# The layer's own threads: workqueue, kthreads, completions, rwsems.
for cc in gcc clang; do
	bin=$OUT/workqueue_test-$cc
	if "$ROOT/build/bin/vmkasan-cc" --kernel --cc=$cc -g -O1 -Wall -Werror \
		"$ROOT/tests/kernel/workqueue_test.c" -o "$bin" >"$OUT/wq-$cc.build" 2>&1; then
		ok "$cc: workqueue_test.c compiles"
	else
		not_ok "$cc: workqueue_test.c compiles" "$OUT/wq-$cc.build"; continue
	fi
	env -u VMKASAN_OPTIONS timeout 120 "$bin" >"$OUT/wq-$cc.ktap" 2>"$OUT/wq-$cc.err"
	status=$?
	passed=$(grep -c '^    ok [0-9]' "$OUT/wq-$cc.ktap")
	failed=$(grep -c '^    not ok' "$OUT/wq-$cc.ktap")
	if [ "$status" = 0 ] && [ "$passed" = 13 ] && [ "$failed" = 0 ] && [ ! -s "$OUT/wq-$cc.err" ]; then
		ok "$cc: workqueue_test: 13 cases pass, nothing on stderr"
	else
		echo "exit status $status passed $passed (want 13) failed $failed" >"$OUT/wq-$cc.why"
		not_ok "$cc: workqueue_test" "$OUT/wq-$cc.why" "$OUT/wq-$cc.ktap" "$OUT/wq-$cc.err"
	fi
done
finish
