#!/bin/sh
# tests/concurrency/run.sh [OUTDIR] - threads, signals, fork and clone
# (issue 8).
#
# Builds conc.c into OUTDIR (default build/tests/concurrency), runs each
# case and prints "ok N - desc" / "not ok N - desc" lines, then, last,
# "N passed, N failed".  Exit status: 0 if all passed.  Every run has a
# timeout: a hang is a failure, not a stuck suite.
#
#   bug_vs_workers  item 1: a thread's bug read of never-used vmalloc
#                   space next to two threads that vmalloc/vfree in the
#                   same shadow pages; every policy, with and without
#                   multi_shot: only the bug is reported, workers see
#                   their own bytes, the program ends
#   same_page       item 2a: four threads fault on one absent shadow page
#   cancel          item 2b: threads cancelled mid-report; later reports
#   fork_report     item 2c: fork while another thread reports
#   join_stack      item 2d: vmap stacks of joinable threads
#   signal          item 2e: reports in a signal handler during vmalloc
#   internal_error  internal errors while another thread reports
#   vmap_exhaust    item 3: vmap until mappings run out, then vzalloc
#   fork_vmalloc    item 4: fork while other threads vmalloc
#   raw_fork        item 5: a child made by SYS_fork
#   threads         item 6: -static programs (gcc and clang) make threads
#   off             issue 9 item 6: vmalloc_shadow=off, instrumented
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tests/concurrency
OUT=${1:-$ROOT/build/tests/concurrency}
case $OUT in /*) ;; *) OUT=$(pwd)/$OUT ;; esac
CC_WRAP=$ROOT/build/bin/vmkasan-cc
mkdir -p "$OUT/logs" || exit 2

. "$ROOT/tests/lib/tap.sh"

if ! (cd "$ROOT" && make -s >"$OUT/logs/make.log" 2>&1); then
	not_ok "make (the runtime builds)" "$OUT/logs/make.log"
	finish
fi

# build NAME CC MODE [extra flags]
build() {
	name=$1 cc=$2 mode=$3
	shift 3
	if "$CC_WRAP" --cc="$cc" --"$mode" -g -O1 -Wall "$@" "$HERE/conc.c" -o "$OUT/$name" \
		-lpthread >"$OUT/logs/build-$name.log" 2>&1; then
		return 0
	fi
	not_ok "build $name ($cc, $mode $*)" "$OUT/logs/build-$name.log"
	return 1
}

build conc gcc inline || finish
build conc-static-gcc gcc inline -static || true
build conc-static-clang clang outline -static || true

# run BIN CASE OPTIONS TIMEOUT: sets LOG, RC and WHY (empty: the common
# checks hold: no hang, AFTER reached, no FAIL, no internal error).
run() {
	bin=$1 case=$2 opts=$3 limit=$4
	LOG=$OUT/logs/$bin-$case-$(echo "$opts" | tr ':=,' '___')
	VMKASAN_OPTIONS=$opts timeout -k 5 "$limit" "$OUT/$bin" "$case" >"$LOG.out" 2>"$LOG.err"
	RC=$?
	WHY=
	if [ $RC = 124 ] || [ $RC = 137 ]; then WHY="hung (killed after $limit s)"
	elif grep -q '^FAIL' "$LOG.out"; then WHY=$(grep -m1 '^FAIL' "$LOG.out")
	elif grep -q 'internal error' "$LOG.err"; then WHY="internal error: $(grep -m1 'internal error' "$LOG.err")"
	elif ! grep -qx "AFTER $case" "$LOG.out"; then WHY="did not get to AFTER (exit status $RC)"
	fi
}

# Every report names bug_read (the only buggy access), none a worker.
only_bug_reports() {
	nbug=$(grep -c '^BUG: KASAN: ' "$LOG.err")
	nother=$(grep '^BUG: KASAN: ' "$LOG.err" | grep -vc 'BUG: KASAN: vmalloc-out-of-bounds in bug_read+0x')
	if [ "$nbug" = 0 ]; then WHY="no report"
	elif [ "$nother" != 0 ]; then WHY="$nother other report(s): $(grep '^BUG: KASAN: ' "$LOG.err" | grep -v 'in bug_read+0x' | head -1)"
	elif [ "$RC" != 1 ]; then WHY="exit status $RC, expected 1"
	fi
}

# ---- item 1 ----
for policy in keep purge refcount "refcount:vmalloc_shadow_cache=0"; do
	for ms in 0 1; do
		opts="vmalloc_shadow=$policy:multi_shot=$ms"
		run conc bug_vs_workers "$opts" 60
		[ -z "$WHY" ] && only_bug_reports
		desc="item 1: a bug read next to vmalloc/vfree in its shadow pages disturbs no one [$opts]"
		if [ -z "$WHY" ]; then ok "$desc ($nbug reports)"; else not_ok "$desc: $WHY" "$LOG.out" "$LOG.err"; fi
	done
done

# ---- item 2a ----
for ms in 0 1; do
	run conc same_page "multi_shot=$ms" 60
	[ -z "$WHY" ] && only_bug_reports
	desc="item 2a: four threads read the same absent shadow pages at once [multi_shot=$ms]"
	if [ -z "$WHY" ]; then ok "$desc"; else not_ok "$desc: $WHY" "$LOG.out" "$LOG.err"; fi
done

# ---- item 2b ----
run conc cancel "multi_shot=1" 30
[ -z "$WHY" ] && ! grep -qx MAIN_REPORTED "$LOG.out" && WHY="the report after the cancellations did not finish"
desc="item 2b: threads cancelled while reporting leave reports working"
if [ -z "$WHY" ]; then ok "$desc"; else not_ok "$desc: $WHY" "$LOG.out"; fi

# ---- item 2c, 4 ----
run conc fork_report "multi_shot=1" 60
desc="item 2c: fork while another thread reports: 30 children report and end"
if [ -z "$WHY" ]; then ok "$desc"; else not_ok "$desc: $WHY" "$LOG.out"; fi

run conc fork_vmalloc "vmalloc_shadow=refcount:vmalloc_shadow_cache=0" 60
desc="item 4: fork while two threads vmalloc/vfree: 40 children vmalloc and end"
if [ -z "$WHY" ]; then ok "$desc"; else not_ok "$desc: $WHY" "$LOG.out" "$LOG.err"; fi

# ---- item 2d ----
run conc join_stack "vmap_stack=1" 30
[ -z "$WHY" ] && [ "$RC" != 0 ] && WHY="exit status $RC"
desc="item 2d: vmap_stack=1: a joinable thread's stack lives until pthread_join"
if [ -z "$WHY" ]; then ok "$desc"; else not_ok "$desc: $WHY" "$LOG.out" "$LOG.err"; fi

# ---- item 2e ----
for policy in refcount "refcount:vmalloc_shadow_cache=0" purge; do
	run conc signal "vmalloc_shadow=$policy" 30
	[ -z "$WHY" ] && only_bug_reports
	desc="item 2e: bug reads in a SIGALRM handler during vmalloc/vfree [vmalloc_shadow=$policy]"
	if [ -z "$WHY" ]; then ok "$desc: $(grep '^# ' "$LOG.out" | cut -c3-)"; else not_ok "$desc: $WHY" "$LOG.out" "$LOG.err"; fi
done

# ---- internal errors mid-report ----
LOG=$OUT/logs/conc-internal_error
VMKASAN_OPTIONS=multi_shot=1 timeout -k 5 30 "$OUT/conc" internal_error >"$LOG.out" 2>"$LOG.err"
RC=$?
desc="an internal error while another thread reports is printed and ends the program"
if [ $RC != 124 ] && [ $RC != 0 ] && grep -q 'internal error: write to absent shadow' "$LOG.err" &&
	! grep -q '^AFTER' "$LOG.out"; then
	ok "$desc"
else
	not_ok "$desc (exit status $RC)" "$LOG.out"
fi

# ---- item 3 ----
run conc vmap_exhaust "" 60
desc="item 3: vmap refuses before mappings run out; vunmap never leaves an alias"
if [ -z "$WHY" ]; then ok "$desc: $(grep '^# ' "$LOG.out" | cut -c3-)"; else not_ok "$desc: $WHY" "$LOG.out" "$LOG.err"; fi

# ---- item 5 ----
run conc raw_fork "" 30
st=$(awk '$1 == "CHILD_STATUS" { print $2 }' "$LOG.out")
if [ -z "$WHY" ]; then
	if [ "$st" = 0 ] || [ -z "$st" ]; then WHY="the raw child was not stopped (status ${st:-none})"
	elif ! grep -q 'vmkasan: .*fork or clone without' "$LOG.err"; then WHY="no message explains why the child stopped"
	fi
fi
desc="item 5: a child made by SYS_fork is stopped with a message; the parent goes on"
if [ -z "$WHY" ]; then ok "$desc"; else not_ok "$desc: $WHY" "$LOG.out" "$LOG.err"; fi

# ---- item 6 ----
for b in conc-static-gcc conc-static-clang; do
	[ -x "$OUT/$b" ] || continue
	for vs in 0 1; do
		run "$b" threads "vmap_stack=$vs" 30
		[ -z "$WHY" ] && [ "$RC" != 0 ] && WHY="exit status $RC"
		desc="item 6: a -static program makes threads [$b, vmap_stack=$vs]"
		if [ -z "$WHY" ]; then ok "$desc"; else not_ok "$desc: $WHY" "$LOG.out" "$LOG.err"; fi
	done
done

# ---- issue 9 item 6 ----
run conc off "vmalloc_shadow=off" 60
[ -z "$WHY" ] && [ "$RC" != 0 ] && WHY="exit status $RC"
desc="vmalloc_shadow=off: threads work, checks of vmalloc'd memory cost no faults"
if [ -z "$WHY" ]; then ok "$desc: $(grep '^# ' "$LOG.out" | cut -c3-)"; else not_ok "$desc: $WHY" "$LOG.out" "$LOG.err"; fi

finish
