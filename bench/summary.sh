#!/bin/sh
# bench/summary.sh [start]: the end of `make bench`, one table of issue
# 19's five rows (measure, value, goal, met or NOT met) from the figures
# the benches wrote as key=value lines (bench/lib.sh kv()):
#   row 1  build/bench/vmalloc/result.kv       bench/run-vmalloc-bench.sh
#   row 2  build/bench/result.kv               bench/run-bench.sh
#   row 3  build/bench/test_vmalloc/result.kv  tools/test_vmalloc/bench.sh section 6
#   row 4  build/bench/malloc/result.kv        bench/run-malloc-bench.sh
#   row 5  build/bench/test_vmalloc/result.kv  tools/test_vmalloc/bench.sh section 1
# "start" only notes the time and load average before the benches run.
# Also written to build/bench/summary.md.  A row whose bench did not run
# (or ran before this `make bench`) says so.  Exit status 0 whatever the
# verdicts: speed is reported, never asserted.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B="$ROOT/build/bench"
mkdir -p "$B"
load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'; }

if [ "${1:-}" = start ]; then
	{ echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"; echo "epoch=$(date +%s)"; echo "load=$(load)"; } >"$B/start.kv"
	exit 0
fi

start_epoch=$(sed -n 's/^epoch=//p' "$B/start.kv" 2>/dev/null || echo 0)
exec 3>"$B/summary.md"
out() { printf '%s\n' "$*"; printf '%s\n' "$*" >&3; }

# kvfile ROW FILE: FILE if it exists and was written by this run.
fresh() {
	[ -f "$1" ] && [ "$(stat -c %Y "$1")" -ge "${start_epoch:-0}" ]
}

# row N MEASURE FILE GOAL AWK: AWK reads FILE's key=value lines (as
# $1 = key, $2 = value) and prints "value<TAB>met|NOT met".
row() {
	if ! fresh "$3"; then
		out "| $1 | $2 | not measured (no $(echo "$3" | sed "s|$ROOT/||") from this run) | $4 | - |"
		return
	fi
	r=$(awk -F= "$5" "$3")
	runs=
	[ "$1" = 5 ] || runs=$(sed -n 's/^runs=//p' "$3" | head -n 1)
	out "| $1 | $2 | ${r%%	*}${runs:+ (medians of $runs)} | $4 | ${r#*	} |"
}

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)
out "# make bench: issue 19's rows"
out ""
out "- machine: ${cpu:-unknown}, $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?') cores, $(uname -r)"
out "- started $(sed -n 's/^date=//p' "$B/start.kv" 2>/dev/null || echo '?'), load average $(sed -n 's/^load=//p' "$B/start.kv" 2>/dev/null || echo '?'); ended $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(load)"
out "- every ratio is measured side by side in one run, interleaved; absolute times on a loaded machine are not comparable"
out ""
out "| row | measure | value | goal | verdict |"
out "|---|---|---|---|---|"

row 1 "vmalloc(N) + touch one byte + vfree vs mmap + touch + munmap of N, N = 4 KiB .. 1 GiB (refcount, the default)" \
	"$B/vmalloc/result.kv" "≤ 2× at every N" '
	$1 ~ /^ratio\./ {
		split($1, k, "."); p = k[2]; n = k[3]
		if (!(p in w) || $2 > w[p]) { w[p] = $2; wn[p] = n }
	}
	function size(n) { return n >= 1048576 ? sprintf("%d MiB", n / 1048576) : sprintf("%d KiB", n / 1024) }
	END {
		printf "worst %.2f× at %s (keep %.2f×, purge %.2f×)\t%s\n", w["refcount"], size(wn["refcount"]),
		       w["keep"], w["purge"], (w["refcount"] <= 2 ? "met" : "NOT met")
	}'

# every_ratio KEYRE: awk for rows whose goal is every ratio ≤ 1.00 (keys
# KIND.PROGRAM.COMPILER...): the count met, the worst and those over.
every_ratio() {
	printf '%s' '
	$1 ~ /'"$1"'/ {
		split($1, k, "."); n++
		if ($2 + 0 <= 1.0) ok++; else over = over sprintf(" %s %s %.2f×;", k[2], k[3], $2)
		if (!n1 || $2 > worst) { worst = $2; wk = k[2] " " k[3]; n1 = 1 }
	}
	END {
		printf "%d of %d ≤ 1.00×; worst %.2f× (%s)%s\t%s\n", ok, n, worst, wk,
		       (over ? ", over:" over : ""), (ok == n && n ? "met" : "NOT met")
	}'
}

row 2 "CPU-bound programs (bench/progs): vmkasan inline vs ASan, same compiler, gcc and clang" \
	"$B/result.kv" "≤ 1.00× every program, both compilers" "$(every_ratio '^asan_ratio\.')"

row 3 "2 workers vs 1, test_vmalloc throughput (refcount)" \
	"$B/test_vmalloc/result.kv" "≥ 1.6× fix_size and random_size" '
	$1 ~ /^threads\./ { sub(/^threads\./, "", $1); v[$1] = $2; n++ }
	END {
		printf "fix_size %.2f×, random_size %.2f×\t%s\n", v["fix_size"], v["random_size"],
		       ((n == 2 && v["fix_size"] >= 1.6 && v["random_size"] >= 1.6) ? "met" : "NOT met")
	}'

row 4 "malloc-heavy programs (bench/malloc), time at quarantine 256M: vmkasan vs ASan, same compiler" \
	"$B/malloc/result.kv" "≤ 1.00× every program, both compilers" "$(every_ratio '^time_ratio\..*\.q256$')"

row 5 "refcount vs off, every test_vmalloc case (--preset=performance: 3 repeats of 20000 loops)" \
	"$B/test_vmalloc/result.kv" "≤ 1.25× every case" '
	$1 ~ /^refcount_vs_off\./ {
		sub(/^refcount_vs_off\./, "", $1); n++
		if ($2 + 0 <= 1.25) ok++
		if (!n1 || $2 > worst) { worst = $2; wk = $1; n1 = 1 }
	}
	END {
		printf "%d of %d ≤ 1.25×; worst %.2f× (%s)\t%s\n", ok, n, worst, wk, (ok == n && n ? "met" : "NOT met")
	}'
out ""
echo "Summary written to $B/summary.md"
