#!/bin/sh
# tests/vmalloc/run.sh [OUTDIR] - the vmalloc subsystem's test suite.
#
# Builds its programs into OUTDIR (default build/tests/vmalloc), runs
# them and prints "ok N - desc" / "not ok N - desc" lines, then, last,
# "N passed, N failed".  Exit status: 0 if all passed.
#
#  1, 5  cases.c    the kernel's vmalloc KASAN cases (bad accesses and
#                   correct uses), gcc/clang x inline/outline, under
#                   keep, purge, refcount and refcount with no cache
#  2, 5  cases.c    bad calls (invalid/double frees, bad vmap...), each
#                   followed by 1000 areas made and freed, counters back
#  3     model.c    randomized model-based test, every policy, 1 and 4
#                   threads; prints the resident shadow numbers as "#"
#  4     faults.c   fault injection: stress, fail_nth sweep, per-cpu
#                   all-or-nothing, abandoned areas, the RAM budget
#        fork.c     the child's vmalloc activity leaves the parent alone
#  6     stacks.c   VMAP stacks
#
# Logs of every run are in OUTDIR/logs.  VMTEST_QUICK=1 runs fewer model
# steps (for development); VMTEST_SEED sets the model's seed.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tests/vmalloc
OUT=${1:-$ROOT/build/tests/vmalloc}
case $OUT in /*) ;; *) OUT=$(pwd)/$OUT ;; esac
CC_WRAP=$ROOT/build/bin/vmkasan-cc
mkdir -p "$OUT/logs" || exit 2

. "$ROOT/tests/lib/tap.sh"

# ---- build ----
if ! (cd "$ROOT" && make -s >"$OUT/logs/make.log" 2>&1); then
	not_ok "make (the runtime builds)" "$OUT/logs/make.log"
	finish
fi

# build NAME SRC CC MODE [extra flags]
build() {
	name=$1 src=$2 cc=$3 mode=$4
	shift 4
	if "$CC_WRAP" --cc="$cc" --"$mode" -g -O1 -Wall "$@" "$HERE/$src" -o "$OUT/$name" \
		-lpthread >"$OUT/logs/build-$name.log" 2>&1; then
		return 0
	fi
	not_ok "build $name ($cc, $mode)" "$OUT/logs/build-$name.log"
	return 1
}

BUILDS=""
for cc in gcc clang; do
	for mode in inline outline; do
		build "cases-$cc-$mode" cases.c $cc $mode && BUILDS="$BUILDS cases-$cc-$mode"
	done
done
build model model.c gcc inline -O2 || true
build faults faults.c gcc inline -O2 || true
build fork fork.c gcc inline || true
build stacks-gcc stacks.c gcc inline || true
build stacks-clang stacks.c clang outline || true

# ---- running a case and checking its report ----
#
# check_case BIN CASE OPTIONS: runs BIN CASE with VMKASAN_OPTIONS=OPTIONS and
# checks stdout/stderr against the program's EXPECT lines (see vmtest.h).
# Sets WHY to the reason of a failure.
check_case() {
	bin=$1 case=$2 opts=$3
	log=$OUT/logs/$(basename "$bin")-$case-$(echo "$opts" | tr ':=,' '___')
	VMKASAN_OPTIONS=$opts timeout 60 "$OUT/$bin" "$case" >"$log.out" 2>"$log.err"
	rc=$?
	WHY=
	LOG=$log
	if grep -q '^FAIL ' "$log.out"; then
		WHY="program assertion: $(grep -m1 '^FAIL ' "$log.out")"
		return 1
	fi
	# EXPECT_DEATH: the report ends the program (exit status 1, the
	# exitcode option), not a signal, and nothing runs after it.
	if grep -qx 'EXPECT_DEATH' "$log.out"; then
		if grep -q '^AFTER ' "$log.out"; then
			WHY="the program went on after a fatal report"
			return 1
		fi
	elif ! grep -qx "AFTER $case" "$log.out"; then
		WHY="did not get to AFTER (rc $rc)"
		return 1
	fi
	nrep=$(awk '$1 == "EXPECT_REPORTS" { n = $2 } END { print n == "" ? 1 : n }' "$log.out")
	got=$(grep -c '^BUG: KASAN: ' "$log.err")
	if [ "$got" != "$nrep" ]; then
		WHY="$got reports, expected $nrep"
		return 1
	fi
	want_rc=1
	[ "$nrep" = 0 ] && want_rc=0
	if [ "$rc" != "$want_rc" ]; then
		WHY="exit status $rc, expected $want_rc"
		return 1
	fi
	if grep -q 'internal error' "$log.err"; then
		WHY="runtime internal error"
		return 1
	fi
	# Every EXPECT line must be matched by the report.
	while IFS= read -r line; do
		case $line in
		"EXPECT_BUG "*)
			rest=${line#EXPECT_BUG }
			func=${rest##* }
			type=${rest% *}
			if ! grep -qF -- "BUG: KASAN: $type in $func+0x" "$log.err"; then
				WHY="no 'BUG: KASAN: $type in $func+0x' line"
				return 1
			fi ;;
		"EXPECT_TEXT "*)
			text=${line#EXPECT_TEXT }
			if ! grep -qF -- "$text" "$log.err"; then
				WHY="report lacks '$text'"
				return 1
			fi ;;
		"EXPECT_NOTEXT "*)
			text=${line#EXPECT_NOTEXT }
			if grep -qF -- "$text" "$log.err"; then
				WHY="report has '$text'"
				return 1
			fi ;;
		esac
	done <"$log.out"
	return 0
}

# ---- items 1, 2 and 5: every case, every build, every policy ----
ITEM1="vmalloc_oob vmap_oob vm_map_ram_oob vmalloc_uaf_lazy vmalloc_uaf_purged vmalloc_uaf_window vmalloc_big_uaf_lazy vmalloc_big_uaf_purged vmalloc_big_uaf_window vmalloc_mid_uaf_lazy
vmalloc_mid_uaf_purged vmalloc_mid_uaf_window vmalloc_mid_zero_shadow vmalloc_big_zero_shadow vmalloc_big_books shadow_cache_lru purge_releases_own_pages percpu_oob
percpu_uaf vmalloc_memset_overflow vmalloc_memcpy_overflow vmalloc_never_mapped_read
vmalloc_never_mapped_write vzalloc_zero vzalloc_big_zero vmalloc_big_stale_zero_released vmalloc_big_after_small_kept vmalloc_big_guard_oob vmalloc_guard_page_made_filled calloc_big_over_kept_frames
vmalloc_to_page_alias is_vmalloc_addr_cases
vm_no_guard vm_no_guard_oob node_range vmap_of_vmalloc_pages vmap_many_pages
vmalloc_uaf_pooled vmalloc_pool_reuse vmalloc_pool_guard_counted"
ITEM2="vfree_never_allocated vfree_double_lazy vfree_double_purged vfree_middle vfree_stack
vfree_global vunmap_of_vmalloc vm_unmap_ram_wrong_count vmap_null_page free_percpu_garbage
free_percpu_double vfree_of_percpu"

for policy in keep purge refcount "refcount:vmalloc_shadow_cache=0"; do
	for b in $BUILDS; do
		for c in $ITEM1 $ITEM2; do
			desc="$c [$b, vmalloc_shadow=$policy]"
			if check_case "$b" "$c" "vmalloc_shadow=$policy"; then
				ok "$desc"
			else
				not_ok "$desc: $WHY" "$LOG.err"
			fi
		done
	done
done

# A per-cpu out-of-bounds report describes the per-cpu area, not a
# "0-byte region" (per-cpu chunk areas are made with size 0).
f=$OUT/logs/cases-gcc-inline-percpu_oob-vmalloc_shadow_refcount.err
if [ -f "$f" ] && grep -q 'BUG: KASAN: vmalloc-out-of-bounds' "$f" && ! grep -q '0-byte region' "$f"; then
	ok "per-cpu out-of-bounds report does not describe a 0-byte region"
else
	not_ok "per-cpu out-of-bounds report does not describe a 0-byte region" "$f"
fi

# A bad free_percpu() is an invalid free like a bad vfree(): it must be
# counted in stats.bad_frees ("invalid vfree/vunmap/... reported").
bad=""
for c in free_percpu_garbage free_percpu_double; do
	f=$OUT/logs/cases-gcc-inline-$c-vmalloc_shadow_refcount.out
	grep -qx 'BAD_FREES 1' "$f" 2>/dev/null || bad="$bad $c:$(grep BAD_FREES "$f" 2>/dev/null)"
done
if [ -z "$bad" ]; then
	ok "bad free_percpu() calls are counted in stats.bad_frees"
else
	not_ok "bad free_percpu() calls are counted in stats.bad_frees (got:$bad, want 1)"
fi

# ---- item 3: the model-based randomized test, under every policy ----
# Single-threaded with a check after every step, then 4 threads with a
# stop-the-world check every 4 steps (each thread its own op stream).
SEED=${VMTEST_SEED:-20240815}
if [ "${VMTEST_QUICK:-0}" = 1 ]; then ST=4000 MT=8000; else ST=20000 MT=40000; fi
SUMMARY=$OUT/logs/model-summary.txt
: >"$SUMMARY"
if [ -x "$OUT/model" ]; then
	for policy in keep purge refcount refcount0; do
		case $policy in
		refcount0) opts="vmalloc_shadow=refcount:vmalloc_shadow_cache=0" cache=0 ;;
		refcount) opts="vmalloc_shadow=refcount" cache=auto ;;
		*) opts="vmalloc_shadow=$policy" cache=64 ;;
		esac
		for variant in "$ST 1 1" "$MT 4 4"; do
			set -- $variant
			log=$OUT/logs/model-$policy-t$2
			VMKASAN_OPTIONS=$opts timeout 120 "$OUT/model" "$SEED" $variant $cache \
				>"$log.out" 2>"$log.err"
			rc=$?
			line=$(grep '^MODEL ' "$log.out")
			desc="model: $policy (cache $cache), $1 steps, $2 thread(s), check every $3"
			if [ $rc = 0 ] && [ -n "$line" ] && ! grep -q '^FAIL' "$log.out" && [ ! -s "$log.err" ]; then
				ok "$desc"
				echo "$policy $line" >>"$SUMMARY"
			else
				not_ok "$desc (rc $rc)" "$log.out" "$log.err"
			fi
		done
	done
	# The numbers the closing note needs.
	awk '{
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "# resident vmalloc shadow pages, %-9s %d thread(s): after the workload %s (%s after vm_unmap_aliases; %s pages covered by the %s live areas, stats.shadow_lower_bound %s), after freeing all + vm_unmap_aliases %s; peak %s, ever used %s\n",
			$1, v["threads"], v["resident_after_workload"], v["resident_after_workload_purged"],
			v["covered_after_workload"], v["live_areas_after_workload"], v["lower_bound_after_workload"],
			v["resident_after_free"], v["peak"], v["ever"]
	}' "$SUMMARY"
fi

# ---- item 4: fault injection ----
# run_clean NAME OPTIONS ARGS...: exit 0, empty stderr, DONE, no FAIL.
run_clean() {
	name=$1 opts=$2
	shift 2
	LOG=$OUT/logs/faults-$name
	VMKASAN_OPTIONS=$opts timeout 60 "$OUT/faults" "$@" >"$LOG.out" 2>"$LOG.err"
	rc=$?
	WHY=
	if [ $rc != 0 ]; then WHY="exit status $rc"
	elif [ -s "$LOG.err" ]; then WHY="stderr not empty"
	elif grep -q '^FAIL' "$LOG.out"; then WHY=$(grep -m1 '^FAIL' "$LOG.out")
	elif ! grep -qx DONE "$LOG.out"; then WHY="no DONE"
	fi
	[ -z "$WHY" ]
}

if [ -x "$OUT/faults" ]; then
	for v in "refcount" "refcount:vmalloc_shadow_cache=0" "purge"; do
		name=stress-$(echo "$v" | tr ':=' '__')
		if run_clean "$name" "fail_prob=0.05:fail_path=all:vmalloc_shadow=$v" stress 4 3; then
			ok "fault stress, 4 threads, 3 s, fail_prob=0.05 on all paths, vmalloc_shadow=$v: $(grep '^STRESS' "$LOG.out")"
		else
			not_ok "fault stress, vmalloc_shadow=$v: $WHY" "$LOG.out" "$LOG.err"
		fi
	done

	# An area that fails after its shadow was made gives the shadow back,
	# without walking the shadow of the whole free space.
	for v in purge "refcount:vmalloc_shadow_cache=0"; do
		if run_clean "abandon-$v" "fail_path=page:fail_prob=1:vmalloc_shadow=$v" abandon; then
			ok "failed vmalloc (page path) under vmalloc_shadow=$v: shadow released, $(grep '^ABANDON' "$LOG.out" | cut -d' ' -f2-)"
		else
			not_ok "failed vmalloc (page path) under vmalloc_shadow=$v: $WHY" "$LOG.out" "$LOG.err"
		fi
	done

	# The RAM budget holds, and a failure against it is clean.
	for v in refcount keep purge; do
		if run_clean "budget-$v" "ram=8M:vmalloc_shadow=$v" budget; then
			ok "ram=8M, vmalloc_shadow=$v: $(grep '^BUDGET' "$LOG.out" | cut -d' ' -f2-), the budget holds, failures are clean"
		else
			not_ok "ram=8M, vmalloc_shadow=$v: $WHY" "$LOG.out" "$LOG.err"
		fi
	done

	# fail_nth=1..40 on a fixed sequence: every run fails cleanly, at
	# most one operation gives NULL, and the first attempt of all (the
	# first vmalloc's) does.  Start-up allocations are not counted.
	hits=0
	for n in $(seq 1 40); do
		if run_clean "nth-$n" "fail_nth=$n" nth; then
			k=$(awk '$1 == "NULLS" { print $2 }' "$LOG.out")
			if [ "$k" -gt 1 ] || { [ $n = 1 ] && [ "$k" != 1 ]; }; then
				not_ok "fail_nth=$n: $k NULL results" "$LOG.out"
			else
				ok "fail_nth=$n: fails cleanly ($k NULL)"
			fi
			[ "$k" = 1 ] && hits=$((hits + 1))
		else
			not_ok "fail_nth=$n: $WHY" "$LOG.out" "$LOG.err"
		fi
	done
	if [ $hits -ge 10 ]; then
		ok "fail_nth sweep: $hits of 40 runs made an operation fail"
	else
		not_ok "fail_nth sweep: only $hits of 40 runs made an operation fail"
	fi
	# Every attempt failing still lets the program start (regression:
	# injection used to hit the runtime's own start-up allocation).
	if run_clean "prob1" "fail_prob=1:fail_path=all" nth && grep -q '^NULLS [1-9]' "$LOG.out"; then
		ok "fail_prob=1: the program starts and every allocation fails cleanly"
	else
		not_ok "fail_prob=1: ${WHY:-no NULL results}" "$LOG.out" "$LOG.err"
	fi

	# Per-cpu all or nothing: the first __alloc_percpu makes a chunk of
	# nr_cpu_ids areas, one page-path attempt per unit and one
	# shadow-path attempt per shadow page; fail_nth=N fails it exactly
	# for N up to that count, and a failure leaves nothing behind.
	for path in page shadow; do
		threshold=0 bad=
		for n in 1 2 3 4 5 6 7 8; do
			if ! run_clean "percpu-$path-$n" "fail_path=$path:fail_nth=$n:vmalloc_shadow_cache=0" percpu; then
				bad="fail_nth=$n: $WHY"
				break
			fi
			if grep -qx 'PERCPU NULL' "$LOG.out"; then
				if [ $threshold != $((n - 1)) ]; then
					bad="fail_nth=$n failed after fail_nth=$threshold succeeded"
					break
				fi
				threshold=$n
			else
				want=$(awk -v p=$path '$1 == (p == "page" ? "NR_CPU_IDS" : "SHADOW_PAGES") { print $2 }' "$LOG.out")
			fi
		done
		if [ -z "$bad" ] && [ "$threshold" = "${want:-x}" ]; then
			ok "per-cpu chunk all-or-nothing, fail_path=$path: fails for fail_nth=1..$threshold, cleanly"
		else
			not_ok "per-cpu chunk all-or-nothing, fail_path=$path: ${bad:-fails up to fail_nth=$threshold, expected ${want:-?}}" "$LOG.out" "$LOG.err"
		fi
	done
fi

# ---- fork(): the child's copy of the vmalloc space is its own ----
if [ -x "$OUT/fork" ]; then
	if check_case fork fork ""; then
		ok "fork: the child's writes, vfree and vmalloc leave the parent's vmalloc space alone"
	else
		not_ok "fork: the child's writes, vfree and vmalloc leave the parent's vmalloc space alone: $WHY" "$LOG.out" "$LOG.err"
	fi
else
	# A test that did not build must not vanish from the results.
	not_ok "fork: the test program did not build" "$OUT/logs/build-fork.log"
fi

# ---- item 6: VMAP stacks ----
for b in stacks-gcc stacks-clang; do
	[ -x "$OUT/$b" ] || continue
	for c in locals stack_oob overflow overflow_run reap; do
		if check_case "$b" "$c" "vmap_stack=1"; then
			ok "vmap stacks: $c [$b]"
		else
			not_ok "vmap stacks: $c [$b]: $WHY" "$LOG.err"
		fi
	done
done

finish
