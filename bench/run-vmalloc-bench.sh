#!/bin/sh
# run-vmalloc-bench.sh: what a large vmalloc area costs (issue 19, first
# row).  For N = 4 KiB .. 1 GiB, vmalloc(N) + touch one byte + vfree
# against mmap(N) + touch one byte + munmap, in one program
# (bench/vmalloc/vmsize.c: the two alternate, 9 repetitions each, medians),
# run 3 x BENCH_REPEAT times under each shadow policy, interleaved; the
# table gives per N the median of the runs' ratios and the medians of the
# times.  Then the peak RSS of an untouched malloc(2 GiB) and what
# malloc(1UL << 39) returns.  Also written to build/bench/vmalloc/results.md;
# the ratios per policy and N to build/bench/vmalloc/result.kv (issue 19's
# first row, read by bench/summary.sh).
#
# Environment:
#   BENCH_REPEAT=R   3R runs per policy (default R = 3: 9 runs; a run takes
#                    about 50 ms, and its first operations at each size,
#                    at fresh addresses, vary from run to run by 10-20%)
#   CC_GCC, CC_CLANG compilers (default gcc, clang; only gcc is used)
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
POLICIES="keep purge refcount"

. "$ROOT/bench/lib.sh"
bench_init run-vmalloc-bench vmalloc
REPEAT=$((REPEAT * 3))
bench_open_results

"$VMKASAN_CC" --cc="$CC_GCC" -O2 "$ROOT/bench/vmalloc/vmsize.c" -o "$BIN/vmsize" ||
	die "build of bench/vmalloc/vmsize.c failed"

# Interleaved: round r runs every policy once.
r=1
while [ "$r" -le "$REPEAT" ]; do
	for p in $POLICIES; do
		VMKASAN_OPTIONS=vmalloc_shadow=$p "$BIN/vmsize" >"$RUNS/$p.$r" ||
			die "vmsize failed under vmalloc_shadow=$p"
	done
	r=$((r + 1))
done

bench_header "vmalloc(N) + touch + vfree vs mmap(N) + touch + munmap"
out "- runs: $REPEAT per policy, interleaved; each run alternates the two 9 times per N (medians)"
out ""
out "| N | mmap+touch+munmap (us) | refcount (us) | keep | purge | refcount |"
out "|---|---|---|---|---|---|"
for n in $(awk '{ print $1 }' "$RUNS/refcount.1"); do
	row="| $(awk -v n="$n" 'BEGIN { if (n >= 1048576) printf "%d MiB", n / 1048576; else printf "%d KiB", n / 1024 }')"
	for f in "$RUNS"/refcount.*; do awk -v n="$n" '$1 == n { print $2 / 1000 }' "$f"; done >"$RUNS/m"
	for f in "$RUNS"/refcount.*; do awk -v n="$n" '$1 == n { print $3 / 1000 }' "$f"; done >"$RUNS/v"
	row="$row | $(median "$RUNS/m") | $(median "$RUNS/v")"
	for p in $POLICIES; do
		for f in "$RUNS"/$p.*; do awk -v n="$n" '$1 == n { printf "%.3f\n", $3 / $2 }' "$f"; done >"$RUNS/ratio"
		row="$row | $(median "$RUNS/ratio")x"
		kv "ratio.$p.$n" "$(median "$RUNS/ratio")"
	done
	out "$row |"
done
out ""
"$BIN/vmsize" rss >"$RUNS/rss" || die "vmsize rss failed"
out "- untouched malloc(2 GiB) and free: peak RSS grew by $(awk '/^RSS2G/ { printf "%.1f MiB", $2 / 1024 }' "$RUNS/rss")"
out "- malloc(1UL << 39): $(awk '/^HUGE/ { $1 = ""; print }' "$RUNS/rss")"
