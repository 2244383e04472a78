#!/bin/sh
# bench.sh OUTDIR: benchmarks of vmkasan's vmalloc with test_vmalloc (not a
# test: targets are reported, never asserted).  Prints markdown tables and
# writes PNG plots (gnuplot) and the raw outputs into OUTDIR:
#   1. every case under off, keep, purge, refcount: µs/op, ratio to off
#   2. resident vmalloc shadow: peak, final, largest ratio to the lower bound
#   3. scale: vmalloc+vfree of one page with 1k..1M live areas, 1 and 2 threads
#   4. vmalloc (shadow off, uninstrumented) against mmap/munmap
#   5. the per-cpu allocator against fix_size (the kernel's pcpu_alloc_test, 35000 allocations)
#   6. threads: 2 workers against 1 on fix_size and random_size (refcount; the
#      median of BENCH_REPEAT rounds, default 3, each running 1 then 2 workers), and mmap+munmap
# The figures of sections 1 and 6 (issue 19's fifth and third rows) also go to
# OUTDIR/result.kv as key=value lines, which bench/summary.sh reads.
# Takes about 5 minutes on the 2-core CI machine.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: bench.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tv="$out/test_vmalloc"
kv="$out/result.kv"
repeat=${BENCH_REPEAT:-3}
case "$repeat" in ''|*[!0-9]*|0) echo "bench.sh: BENCH_REPEAT must be a positive integer" >&2; exit 1 ;; esac
echo "runs=$repeat" >"$kv"

"$here/build.sh" "$out" >"$out/bench-build.log" 2>&1 || {
	cat "$out/bench-build.log" >&2
	exit 1
}
if ! command -v gnuplot >/dev/null 2>&1; then
	echo "bench.sh: gnuplot is not installed (apt-get install gnuplot-nox): no PNG plots" >&2
fi

section() {	# print a markdown table of a test_vmalloc output, from its heading
	awk -v h="### $2" '
		index($0, h) == 1 { on = 1 }
		on { print }
		on && /^$/ && ++blank == 2 { exit }' "$1"
}

run() {	# name, args...: run test_vmalloc, keep its output
	name=$1
	shift
	echo "\$ test_vmalloc $*" >"$out/$name.cmd"
	"$tv" "$@" >"$out/$name.md" 2>"$out/$name.err" ||
		echo "(test_vmalloc $* exited $?: see $out/$name.md, $out/$name.err)"
}

echo "# vmkasan vmalloc benchmarks"
echo
echo "$(nproc) CPUs, $(uname -r), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo

# ---- 1 ----
echo "## 1. Cases under each policy (test_vmalloc --preset=performance: 1 worker, 3 repeats of 20000 loops)"
echo
run perf --preset=performance --shadow=all --csv="$out/perf.csv" --plot="$out/perf-shadow.png"
section "$out/perf.md" "µs/op side by side"
echo "Targets (reported, not asserted):"
echo
awk -F'|' -v kv="$kv" '
	/^### µs\/op side by side/ { on = 1; next }
	on && /^$/ && rows { exit }
	on && /^\| [a-z_]+_test/ {
		rows++
		gsub(/ /, "", $2); gsub(/[ ×]/, "", $9); gsub(/[ ×]/, "", $10)
		if ($2 ~ /^(fix_size|full_fit|random_size)_alloc_test$/)
			printf "- refcount ≤ 1.25× off on %s: %s× — %s\n", $2, $9, ($9 <= 1.25 ? "met" : "NOT met")
		kr[$2] = $10
		printf "refcount_vs_off.%s=%s\n", $2, $9 >>kv
	}
	END {
		for (c in kr) { n++; if (kr[c] <= 1.10) met++ }
		printf "- refcount ≤ 1.10× keep: met on %d of %d cases\n", met, n
		for (c in kr) if (kr[c] > 1.10) printf "  - %s: %s×\n", c, kr[c]
	}' "$out/perf.md"
echo

# ---- 2 ----
echo "## 2. Resident vmalloc shadow (mincore) in that run"
echo
echo "| policy | samples | peak resident | lower bound at peak | final resident | after vm_unmap_aliases | largest resident / lower bound | largest resident − (1.1 × lower bound + 64) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
awk -F, '
	NR == 1 { next }
	{
		p = $1
		if (!(p in n)) order[++np] = p
		n[p]++
		if ($5 > peak[p] || !(p in peak)) { peak[p] = $5; lbp[p] = $4 }
		if ($4 > 0 && $5 / $4 > ratio[p]) ratio[p] = $5 / $4
		ex = $5 - (1.1 * $4 + $12)
		if (!(p in excess) || ex > excess[p]) excess[p] = ex
		if ($10 == "end") fin[p] = $5
		if ($10 == "purged") pur[p] = $5
	}
	END {
		for (i = 1; i <= np; i++) {
			p = order[i]
			printf "| %s | %d | %d | %d | %d | %d | %.2f | %.1f |\n", p, n[p], peak[p], lbp[p],
			       fin[p], pur[p], ratio[p], excess[p]
		}
	}' "$out/perf.csv"
echo
echo "Target under refcount: resident ≤ 1.1 × lower bound + cache (CSV column cache_max: 64 pages per CPU) at every sample, i.e. the last column ≤ 0."
echo "The lower bound is the runtime's sum over live areas of ceil((size + guard) / 32 KiB); areas"
echo "smaller than 32 KiB share shadow pages, so resident can be far below it."
[ -f "$out/perf-shadow.png" ] && echo "Plot: $out/perf-shadow.png"
echo
section "$out/perf.md" "Memory per policy"

# ---- 3 ----
echo "## 3. Scale: vmalloc+vfree of one page against live one-page areas (20000 timed pairs per worker)"
echo
for t in 1 2; do
	run "scale-${t}t" --bench=scale --shadow=all --nr_threads=$t --live_areas=1k,10k,100k,1M \
		--pairs=20000 --plot="$out/scale-${t}t.png"
	section "$out/scale-${t}t.md" "vmalloc+vfree of one page"
	[ -f "$out/scale-${t}t.png" ] && echo "Plot: $out/scale-${t}t.png" && echo
done
echo "Target: µs/op at 1M live areas ≤ 2× µs/op at 1k (column \"ratio to first\"); with 2 threads the"
echo "µs/op is per worker (wall time of a worker / its pairs)."
echo

# ---- 4 ----
echo "## 4. vmalloc (shadow off, uninstrumented) against mmap+munmap of the same sizes"
echo
run mmap --bench=mmap --shadow=off,refcount --mmap_pages=1,4,16,64,256 --pairs=20000
section "$out/mmap.md" "vmalloc+vfree against mmap"
echo "Pairs per point: 20000, divided by pages/4 above 4 pages (at least 200)."
awk -F'|' '
	/^\| refcount \|/ && $4 ~ /every page/ {
		gsub(/[ ×]/, "", $8); n++
		if ($8 + 0 <= 1.0) met++; else miss = miss sprintf(" %s pages: %s×;", $3 + 0, $8)
	}
	END { if (n) printf "Target: vmalloc (refcount) ≤ 1.0× mmap+munmap with every page touched: met at %d of %d sizes%s\n", met, n, (miss ? " — NOT met at" miss : "") }' "$out/mmap.md"
echo

# ---- 5 ----
echo "## 5. Per-cpu allocator: pcpu_alloc_test against fix_size_alloc_test (35000 each, 2 workers, refcount)"
echo
run pcpu --run_test_mask=129 --nr_threads=2 --test_loop_count=35000 --pcpu_alloc_count=35000 \
	--test_repeat_count=1 --shadow=refcount
section "$out/pcpu.md" "µs/op side by side"
awk -F'|' '
	/^\| fix_size_alloc_test/ { gsub(/ /, "", $3); f = $3 }
	/^\| pcpu_alloc_test/ { gsub(/ /, "", $3); p = $3 }
	END {
		if (f > 0)
			printf "Target: pcpu_alloc_test ≤ 4× fix_size_alloc_test per operation: %.2f× — %s\n",
			       p / f, (p / f <= 4 ? "met" : "NOT met")
	}' "$out/pcpu.md"
echo

# ---- 6 ----
echo "## 6. Two workers against one (refcount): throughput = workers × loops / slowest worker's time"
echo
echo "| workload | 1 worker ops/s | 2 workers ops/s | 2 workers / 1 |"
echo "|---|---:|---:|---:|"
r=1
while [ "$r" -le "$repeat" ]; do
	for t in 1 2; do
		# No samples: with two workers a sample stops both (their ops must
		# not be half done) while one thread scans the shadow's residency,
		# which measures the checker, not vmalloc.
		run "threads-${t}t.$r" --run_test_mask=9 --nr_threads=$t --test_loop_count=20000 \
			--test_repeat_count=1 --shadow=refcount --sample_interval=0
	done
	r=$((r + 1))
done
for t in 1 2; do
	run "threads-mmap-${t}t" --bench=mmap --nr_threads=$t --mmap_pages=1 --pairs=20000 \
		--shadow=refcount
done
# Per round: throughput with 1 and 2 workers and their ratio; the medians.
for c in fix_size random_size; do
	r=1
	while [ "$r" -le "$repeat" ]; do
		awk -v c="${c}_alloc_test" '
			FNR == 1 { f++ }
			$1 == "Summary:" && $2 == c {
				for (i = 1; i <= NF; i++) { if ($i == "loops:") l = $(i + 1); if ($i == "avg:") a = $(i + 1) }
				if (a > slow[f]) slow[f] = a
				loops[f] = l; workers[f]++
			}
			END {
				if (slow[1] > 0 && slow[2] > 0) {
					t1 = workers[1] * loops[1] / (slow[1] / 1e6); t2 = workers[2] * loops[2] / (slow[2] / 1e6)
					printf "%.0f %.0f %.4f\n", t1, t2, t2 / t1
				}
			}' "$out/threads-1t.$r.md" "$out/threads-2t.$r.md"
		r=$((r + 1))
	done >"$out/threads-$c.rounds"
	awk -v c="$c" -v kv="$kv" '
		function med(v, n,   i, j, t) {
			for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
			return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		}
		{ n++; a[n] = $1; b[n] = $2; q[n] = $3 }
		END {
			if (!n) exit
			printf "| %s (vmalloc, refcount; median of %d rounds) | %.0f | %.0f | %.2f× |\n", c, n, med(a, n), med(b, n), med(q, n)
			printf "threads.%s=%.3f\n", c, med(q, n) >>kv
		}' "$out/threads-$c.rounds"
done
awk -F'|' '
	FNR == 1 { f++ }
	/^\| refcount \|/ && $4 ~ /every page/ { gsub(/ /, "", $6); gsub(/ /, "", $7); v[f] = $6; m[f] = $7 }
	END {
		if (v[1] > 0 && v[2] > 0)
			printf "| vmalloc+touch+vfree of one page (refcount) | %.0f | %.0f | %.2f× |\n", 1e6 / v[1], 2e6 / v[2], (2e6 / v[2]) / (1e6 / v[1])
		if (m[1] > 0 && m[2] > 0)
			printf "| mmap+touch+munmap of one page | %.0f | %.0f | %.2f× |\n", 1e6 / m[1], 2e6 / m[2], (2e6 / m[2]) / (1e6 / m[1])
	}' "$out/threads-mmap-1t.md" "$out/threads-mmap-2t.md"
echo
echo "Target: 2 workers ≥ 1.6× the throughput of 1 on fix_size and random_size; the mmap row is what this machine gives plain mmap/munmap."
