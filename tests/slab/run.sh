#!/bin/bash
# tests/slab/run.sh [OUTDIR] - the slab side's test suite (kmalloc,
# kmem_cache, large kmalloc, pages, quarantine, RCU, bad frees).
#
# Builds tests/slab/cases.c in four builds (gcc, clang x inline,
# outline) into OUTDIR (default build/tests/slab), runs every case and
# prints "ok N - desc" / "not ok N - desc", then "N passed, N failed".
#
#  bug cases     each report checked field by field against the table
#                below: bug type, the access (or Free) line with the
#                address the case printed, the function on the BUG line
#                and first in the trace (cases.c:line), Allocated/Freed
#                tracks, object and cache lines, the location line, the
#                physical page line, the caret row; exactly one report;
#                the program goes on, the allocator still works (DONE)
#                and the exit status is 1
#  clean cases   no report, exit 0 (API results, constructors, 8 threads,
#                kfree_rcu() then kmem_cache_destroy() at once)
#  failures      fault injection on path slab (fail_nth sweep, fail_prob)
#                and a small RAM budget: NULLs, no report, nothing left
#  options       quarantine_size=0: the freed slot is reused by the next
#                allocation, so uaf_reuse's use is missed
set -u
export LC_ALL=C
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$ROOT/build/tests/slab}
case $OUT in /*) ;; *) OUT=$(pwd)/$OUT ;; esac
CC_WRAP=$ROOT/build/bin/vmkasan-cc
SRC=$ROOT/tests/slab/cases.c
mkdir -p "$OUT" || exit 2
. "$ROOT/tests/lib/tap.sh"

# case | bug type | access line (after the address: by task) | tracks | cache line | location
# Region state and what a large kmalloc gets follow Linux 6.12's report.c:
# describe_object_addr() names the state after the bug type (none for bad
# frees); a large kmalloc is no slab object (the physical page only).
TABLE='
oob_right|slab-out-of-bounds|Write of size 1|A|kmalloc-128 of size 128|0 bytes to the right of/ allocated 123-byte region
oob_right_far|slab-out-of-bounds|Read of size 1|A|kmalloc-128 of size 128|10 bytes to the right of/ allocated 120-byte region
oob_left|slab-out-of-bounds|Read of size 1|A|kmalloc-16 of size 16|1 bytes to the left of/ allocated 15-byte region
uaf|slab-use-after-free|Read of size 1|AF|kmalloc-64 of size 64|8 bytes inside of/ freed 64-byte region
uaf_later|slab-use-after-free|Write of size 8|AF|kmalloc-32 of size 32|0 bytes inside of/ freed 32-byte region
uaf_reuse|slab-use-after-free|Write of size 8|AF|kmalloc-32 of size 32|0 bytes inside of/ freed 32-byte region
cache_oob|slab-out-of-bounds|Read of size 1|A|test_cache of size 200|0 bytes to the right of/ allocated 200-byte region
cache_uaf|slab-use-after-free|Read of size 1|AF|test_cache of size 200|100 bytes inside of/ freed 200-byte region
large_oob|slab-out-of-bounds|Write of size 1|-|-|-
large_uaf|use-after-free|Read of size 1|-|-|-
page_uaf|use-after-free|Read of size 1|-|-|-
double_free|double-free|Free|AF|kmalloc-64 of size 64|0 bytes inside of/ 64-byte region
free_middle|invalid-free|Free|A|kmalloc-64 of size 64|8 bytes inside of/ 50-byte region
free_stack|invalid-free|Free|-|-|-
free_global|invalid-free|Free|-|-|-
free_vmalloc|invalid-free|Free|-|-|-
free_large_middle|invalid-free|Free|-|-|-
large_double_free|double-free|Free|-|-|-
wrong_cache|invalid-free|Free|A|cache_a of size 100|0 bytes inside of/ 100-byte region
destroyed_cache|invalid-free|Free|A|gone_cache of size 100|0 bytes inside of/ 100-byte region
double_destroy|slab-use-after-free|Read of size|AF|kmem_cache of size|0 bytes inside of/ freed
krealloc_less|slab-out-of-bounds|Write of size 1|A|kmalloc-256 of size 256|0 bytes to the right of/ allocated 150-byte region
krealloc_uaf|slab-use-after-free|Read of size 1|AF|kmalloc-128 of size 128|0 bytes inside of/ freed 128-byte region
rcu_uaf|slab-use-after-free|Read of size 1|AF|rcu_cache of size 200|0 bytes inside of/ freed 200-byte region
'

BUILDS="gcc-inline gcc-outline clang-inline clang-outline"
for b in $BUILDS; do
	cc=${b%-*} mode=${b#*-}
	if "$CC_WRAP" --cc=$cc --$mode -g -O1 -Wall "$SRC" -o "$OUT/cases-$b" -lpthread \
		>"$OUT/cases-$b.build" 2>&1; then
		ok "$b: cases.c builds"
	else
		not_ok "$b: cases.c builds" "$OUT/cases-$b.build"
	fi
done

# check_bug BUILD CASE TYPE ACCESS TRACKS CACHE LOCATION
check_bug() {
	local b=$1 c=$2 type=$3 access=$4 tracks=$5 cache=$6 loc=$7
	local d=$OUT/run-$b bin=$OUT/cases-$b err why=()
	mkdir -p "$d"
	# frame_format=full: the checks read file:line in the traces.
	VMKASAN_OPTIONS=frame_format=full timeout 60 "$bin" "$c" >"$d/$c.out" 2>"$d/$c.err"
	echo $? >"$d/$c.rc"
	err=$d/$c.err
	local addr pid line1 expect
	addr=$(sed -n 's/^EXPECT 0x\(.*\)/\1/p' "$d/$c.out" | head -1)
	expect=$(printf '%016x' "0x${addr:-0}")
	pid=$(grep -m1 -o 'by task [^/]*/[0-9]*' "$err" | sed 's/.*\///')
	[ "$(grep -c '^BUG: KASAN' "$err")" = 1 ] || why+=("not exactly one report ($(grep -c '^BUG: KASAN' "$err"))")
	grep -q "^BUG: KASAN: $type in $c+0x" "$err" || why+=("BUG line: want '$type in $c'")
	if [ "$access" = Free ]; then
		grep -q "^Free of addr $expect by task " "$err" || why+=("want 'Free of addr $expect'")
	else
		grep -q "^$access\( [0-9]*\)\{0,1\} at addr $expect by task " "$err" ||
			why+=("want '$access at addr $expect'")
	fi
	line1=$(sed -n '/^Call Trace:/{n;p;q}' "$err")
	case $line1 in " $c+0x"*"cases.c:"*) ;; *) why+=("first frame: '$line1'") ;; esac
	case $tracks in *A*)
		grep -q "^Allocated by task $pid:" "$err" || why+=("no 'Allocated by task $pid:'")
		sed -n '/^Allocated by task/{n;p;q}' "$err" | grep -q "cases.c:" || why+=("allocation stack")
	esac
	case $tracks in *F*)
		grep -q "^Freed by task $pid:" "$err" || why+=("no 'Freed by task $pid:'")
		sed -n '/^Freed by task/{n;p;q}' "$err" | grep -q "cases.c:" || why+=("free stack")
		;;
	*)	grep -q "^Freed by" "$err" && why+=("a Freed track for a live object") ;;
	esac
	case $tracks in -)
		grep -q "^Allocated by" "$err" && why+=("an Allocated track where Linux prints none")
	esac
	if [ "$cache" = - ]; then
		grep -q "^The buggy address belongs to the object at " "$err" && why+=("an object line for no slab object")
	else
		grep -q "^The buggy address belongs to the object at " "$err" || why+=("no object line")
		grep -q "^ which belongs to the cache $cache" "$err" || why+=("want cache '$cache'")
	fi
	if [ "$loc" != - ]; then
		local l1=${loc%%/*} l2=${loc#*/}
		grep -A1 "^The buggy address is located $l1" "$err" | grep -q "^$l2" ||
			why+=("want location '$l1' / '$l2'")
	fi
	case $c in free_stack|free_global|free_vmalloc) ;;
	*) grep -q "^The buggy address belongs to the physical page:" "$err" || why+=("no physical page") ;;
	esac
	case $access in Free) ;; *)
		grep -q "^>" "$err" && grep -A1 '^>' "$err" | tail -1 | grep -q '\^' || why+=("memory state caret")
	esac
	grep -q '^DONE' "$d/$c.out" || why+=("the program did not go on, or the allocator broke: $(grep FAIL "$d/$c.out")")
	[ "$(cat "$d/$c.rc")" = 1 ] || why+=("exit status $(cat "$d/$c.rc"), want 1")
	if [ ${#why[@]} = 0 ]; then ok "$b: $c: $type, every field"
	else printf '%s\n' "${why[@]}" >"$d/$c.why"; not_ok "$b: $c: $type" "$d/$c.why" "$err"; fi
}

check_clean() {
	local b=$1 c=$2 d=$OUT/run-$b
	mkdir -p "$d"
	env -u VMKASAN_OPTIONS timeout 120 "$OUT/cases-$b" "$c" >"$d/$c.out" 2>"$d/$c.err"
	local rc=$?
	if [ $rc = 0 ] && [ ! -s "$d/$c.err" ] && grep -q '^DONE' "$d/$c.out" && ! grep -q FAIL "$d/$c.out"; then
		ok "$b: $c: clean, no report"
	else
		echo "exit $rc" >>"$d/$c.out"; not_ok "$b: $c: clean, no report" "$d/$c.out" "$d/$c.err"
	fi
}

for b in $BUILDS; do
	[ -x "$OUT/cases-$b" ] || continue
	while IFS='|' read -r c type access tracks cache loc; do
		[ -n "$c" ] || continue
		check_bug "$b" "$c" "$type" "$access" "$tracks" "$cache" "$loc"
	done <<<"$TABLE"
	for c in clean_api clean_ctor clean_threads clean_kfree_rcu_destroy; do check_clean "$b" "$c"; done
done

# ---- failures: fault injection and the RAM budget (one build) ----
bin=$OUT/cases-gcc-inline
d=$OUT/run-failures
mkdir -p "$d"
if [ -x "$bin" ]; then
	bad=""
	for nth in 1 2 3 5 8 13 21 34 55 89 144 233 377 610 987; do
		VMKASAN_OPTIONS=fail_path=slab:fail_nth=$nth timeout 60 "$bin" failures >"$d/nth$nth.out" 2>"$d/nth$nth.err"
		rc=$?
		if [ $rc != 0 ] || [ -s "$d/nth$nth.err" ] || ! grep -q '^NULLS [1-9][0-9]* LEFT 0 ' "$d/nth$nth.out"; then
			bad="$bad $nth"
		fi
	done
	if [ -z "$bad" ]; then ok "fail_path=slab fail_nth sweep: NULL once, no report, nothing left"
	else echo "bad fail_nth:$bad" >"$d/sweep.why"; not_ok "fail_path=slab fail_nth sweep" "$d/sweep.why" "$d/nth${bad##* }.out" "$d/nth${bad##* }.err"; fi
	VMKASAN_OPTIONS=fail_path=slab:fail_prob=0.05 timeout 60 "$bin" failures >"$d/prob.out" 2>"$d/prob.err"
	rc=$?
	if [ $rc = 0 ] && [ ! -s "$d/prob.err" ] && grep -q '^NULLS [1-9][0-9]* LEFT 0 FAILED_SLAB [1-9]' "$d/prob.out"; then
		ok "fail_path=slab fail_prob=0.05: NULLs counted, no report, nothing left"
	else echo "exit $rc" >>"$d/prob.out"; not_ok "fail_path=slab fail_prob=0.05" "$d/prob.out" "$d/prob.err"; fi
	VMKASAN_OPTIONS=ram=6M timeout 60 "$bin" failures >"$d/ram.out" 2>"$d/ram.err"
	rc=$?
	if [ $rc = 0 ] && [ ! -s "$d/ram.err" ] && grep -q '^NULLS [0-9]* LEFT 0 ' "$d/ram.out"; then
		ok "ram=6M: the slab side within the budget, no report, nothing left ($(head -1 "$d/ram.out"))"
	else echo "exit $rc" >>"$d/ram.out"; not_ok "ram=6M budget" "$d/ram.out" "$d/ram.err"; fi
	VMKASAN_OPTIONS=quarantine_size=0 timeout 60 "$bin" uaf_reuse >"$d/q0.out" 2>"$d/q0.err"
	if ! grep -q '^BUG: KASAN' "$d/q0.err" && grep -q '^REUSED' "$d/q0.out" && grep -q '^DONE' "$d/q0.out"; then
		ok "quarantine_size=0: the freed slot is reused at once (and the use after free is missed)"
	else not_ok "quarantine_size=0 turns the quarantine off" "$d/q0.err"; fi
fi

# ---- the slot index by multiply (slab_slot_of) against the division ----
d=$OUT/run-slot-index
mkdir -p "$d"
if ${CC:-gcc} -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -I"$ROOT/src" -I"$ROOT/include" "$ROOT/tests/slab/slot_index.c" \
	-o "$d/slot_index" >"$d/build.log" 2>&1 && "$d/slot_index" >"$d/out" 2>&1 && grep -q '^OK [1-9]' "$d/out"; then
	ok "slab_slot_of: every slot size and boundary offset in a 4 MiB slab gives the division's index ($(cat "$d/out"))"
else not_ok "slab_slot_of agrees with the division" "$d/build.log" "$d/out"; fi

finish
