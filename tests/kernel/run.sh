#!/bin/bash
# tests/kernel/run.sh [OUTDIR] - Linux 6.12's own KASAN KUnit suite,
# mm/kasan/kasan_test_c.c, compiled UNCHANGED (extracted byte for byte
# from Debian's linux-source-6.12 tarball) with `vmkasan-cc --kernel`,
# gcc and clang, and run: every case that applies to generic KASAN must
# pass (kasan_global_oob_left skips under gcc, as in the kernel), the
# tag-based and Rust cases skip, and each case's expected reports come
# out (KUnit itself fails a case whose expected report is missing and,
# through kasan_test_exit, one with an unexpected report).
# Fails (does not skip) when the tarball is missing.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$ROOT/build/tests/kernel}
case $OUT in /*) ;; *) OUT=$(pwd)/$OUT ;; esac
TARBALL=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
SRC=linux-source-6.12/mm/kasan/kasan_test_c.c
mkdir -p "$OUT" || exit 2
. "$ROOT/tests/lib/tap.sh"
if [ ! -f "$TARBALL" ]; then
	echo "no $TARBALL: apt-get install linux-source-6.12" >"$OUT/missing"
	not_ok "Linux 6.12 source tarball present" "$OUT/missing"
	echo "$PASS passed, $FAIL failed"; exit 1
fi
rm -rf "$OUT/src" && mkdir -p "$OUT/src" &&
	tar -xf "$TARBALL" -C "$OUT/src" "$SRC" || { not_ok "extract $SRC"; echo "$PASS passed, $FAIL failed"; exit 1; }
# Unchanged: the file is exactly the tarball's.
if tar -xOf "$TARBALL" "$SRC" | cmp -s - "$OUT/src/$SRC"; then ok "$SRC extracted unchanged"
else not_ok "$SRC extracted unchanged"; fi
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
done
finish
