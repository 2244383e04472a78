#!/bin/bash
# measure.sh OUTDIR [test_vmalloc args...]: the 32 MiB board, measured.
# Builds test_vmalloc for the riscv guest, runs it under every policy in
# one QEMU virt guest with 32 MiB and 2 harts (default: --preset=stress),
# and leaves in OUTDIR: run.log (the UART), shadow.csv (the samples the
# guest wrote as "csv:" lines), and shadow-over-time.png (gnuplot, if
# installed): resident vmalloc shadow pages (present PTEs) and free RAM
# over allocation ops.  SMP: harts (default 2).  RUN_LOG=FILE: no run,
# the tables and plot from a run.log made before.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
out=${1:?usage: measure.sh OUTDIR [test_vmalloc args]}
shift
[ $# -gt 0 ] || set -- --preset=stress
mkdir -p "$out"
status=0
if [ -n "${RUN_LOG:-}" ]; then
	[ "$RUN_LOG" -ef "$out/run.log" ] || cp "$RUN_LOG" "$out/run.log"
else
"$root/build/bin/vmkasan-cc" --target=riscv64-virt -O2 -g -DTV_INSTRUMENTED=1 \
	-I"$root/tools/test_vmalloc" "$root/tools/test_vmalloc/guest/test_vmalloc.c" \
	-o "$out/test_vmalloc.elf" 2>/dev/null
"$root/build/bin/vmkasan-qemu" --smp="${SMP:-2}" --timeout="${MEASURE_TIMEOUT:-1800}" "$out/test_vmalloc.elf" \
	"$@" --shadow=all --csv=shadow >"$out/run.log" 2>&1 || status=$?
fi
harts=$(sed -n 's/^# test_vmalloc .* nr_threads=[0-9]* (\([0-9]*\)).*/\1/p' "$out/run.log" | head -1)
grep '^csv:' "$out/run.log" | cut -c5- | awk '!/^policy,/ || !seen++' >"$out/shadow.csv"
grep -v '^csv:' "$out/run.log" | sed -n '/^### µs\/op side by side/,$p'
if command -v gnuplot >/dev/null 2>&1; then
	for p in keep purge refcount; do
		awk -F, -v p=$p '$1 == p { print $2, $5, $4, $9 }' "$out/shadow.csv" >"$out/$p.dat"
	done
	gnuplot <<GP
set terminal pngcairo size 1000,720 font ",10" noenhanced
set output "$out/shadow-over-time.png"
set multiplot layout 2,1 title "riscv64 QEMU virt, 32 MiB, ${harts:-?} worker(s): test_vmalloc $*"
set xlabel "allocation ops"
set ylabel "resident shadow pages (present PTEs)"
set key top right
plot "$out/keep.dat" using 1:2 with lines lw 2 title "keep", \
     "$out/purge.dat" using 1:2 with lines lw 2 title "purge", \
     "$out/refcount.dat" using 1:2 with lines lw 2 title "refcount", \
     "$out/refcount.dat" using 1:3 with lines dt 2 lc rgb "black" title "lower bound (refcount run)"
set ylabel "free RAM pages (budget - used)"
plot "$out/keep.dat" using 1:4 with lines lw 1 title "keep", \
     "$out/purge.dat" using 1:4 with lines lw 1 title "purge", \
     "$out/refcount.dat" using 1:4 with lines lw 1 title "refcount"
unset multiplot
GP
	echo "plot: $out/shadow-over-time.png"
fi
exit $status
