#!/bin/bash
# timing.sh OUTDIR [test_vmalloc args...]: the 32 MiB board's time goal
# (refcount <= 1.10 x keep), measured against QEMU's noise.
#
# QEMU TCG on a shared host is noisy (±20% from run to run), so one run
# per policy says little.  This runs ROUNDS rounds (default 7); a round
# boots one fresh 32 MiB guest per policy, back to back, the order
# rotating from round to round (keep,purge,refcount / purge,refcount,keep
# / ...) so that no policy always runs first or last.  Time is the
# guest's own: test_vmalloc's clock is rdtime (plat_time_ns), read around
# each case by each worker.  Per run it records µs per allocation op over
# all cases (worker time summed / ops summed, what the guest's "all
# cases" row prints) and the elapsed time of the slowest worker.  The
# summary gives, per policy, the median and the range, and the ratio
# refcount/keep (and purge/keep) per round, whose median is the answer:
# runs of one round are minutes apart at most, so a slow spell of the
# host hits both sides of a ratio more often than not.
#
# Sampling is switched off (--sample_interval huge): the sampler walks
# the page tables and would be timed with the workers.  Defaults: the
# stress preset's loops, the workloads every policy fits in 32 MiB
# (run_test_mask=1081: fix_size, random_size, fix_align,
# random_size_align, vm_map_ram), test_repeat_count=4.  Environment:
# ROUNDS, SMP (harts, default 1), TIMEOUT (per guest, s), ELF (a
# prebuilt test_vmalloc.elf), VMKASAN_OPTIONS (added to the policy).
#
# Per run it also records the guest's TLB counters (vmk_get_events):
# shoot-downs of the other harts and the time spent waiting for them,
# which is what two harts on a loaded host spend their time on.
#
# OUTDIR gets runs.csv (round,policy,smp,us_per_op,elapsed_us,fails,ops,
# shootdowns,shootdown_wait_ms), one log per guest, and summary.txt (also
# printed).  QEMU=--icount=0 (say) passes options to vmkasan-qemu: with
# -icount the guest's clock counts instructions, and the host's load
# drops out (one hart: QEMU 7.2 ran test_vmalloc with two harts under
# -icount not to the end here).
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
out=${1:?usage: timing.sh OUTDIR [test_vmalloc args]}
shift
[ $# -gt 0 ] || set -- --preset=stress --run_test_mask=1081 --test_repeat_count=4
rounds=${ROUNDS:-7} smp=${SMP:-1}
mkdir -p "$out"
elf=${ELF:-$out/test_vmalloc.elf}
if [ -z "${ELF:-}" ]; then
	"$root/build/bin/vmkasan-cc" --target=riscv64-virt -O2 -g -DTV_INSTRUMENTED=1 \
		-I"$root/tools/test_vmalloc" "$root/tools/test_vmalloc/guest/test_vmalloc.c" -o "$elf"
fi
policies=(keep purge refcount)
csv=$out/runs.csv
[ -f "$csv" ] || echo "round,policy,smp,us_per_op,elapsed_us,fails,ops,shootdowns,shootdown_wait_ms" >"$csv"
for ((r = 1; r <= rounds; r++)); do
	for ((i = 0; i < 3; i++)); do
		p=${policies[$(((r - 1 + i) % 3))]}
		log=$out/smp$smp-round$r-$p.log
		# shellcheck disable=SC2086 # QEMU: options, split at spaces
		"$root/build/bin/vmkasan-qemu" ${QEMU:-} --smp="$smp" --timeout="${TIMEOUT:-1800}" "$elf" "$@" \
			--sample_interval=2000000000 --shadow="$p" >"$log" 2>&1 ||
			{ echo "timing.sh: $log: the guest failed (status $?)" >&2; exit 1; }
		# "| all cases | X |"; "All test took workerN=U usec"; "| case | F of N |";
		# the events table: "| policy | ops | shoot-downs | wait ms | ..."
		awk -v r="$r" -v p="$p" -v smp="$smp" '
			/^\| all cases \|/ { split($0, f, "|"); us = f[3] + 0 }
			/^All test took worker/ { split($0, f, "="); if (f[2] + 0 > el) el = f[2] + 0 }
			/^\| [a-z_]+_test \| [0-9]+ of [0-9]+ \|$/ { fails += $4; ops += $6 }
			/^### TLB and shadow events/ { ev = 1 }
			ev && $2 == p { sd = $6; wait = $8; ev = 0 }
			END { printf "%d,%s,%d,%.3f,%.0f,%d,%d,%d,%.1f\n", r, p, smp, us, el, fails, ops, sd, wait }' "$log" >>"$csv"
		tail -1 "$csv"
	done
done
# Summary per harts count: medians and ranges, and ratios paired by round.
awk -F, 'NR > 1 { us[$3, $2, $1] = $4; el[$3, $2, $1] = $5; sd[$3, $2, $1] = $8; sw[$3, $2, $1] = $9
	smps[$3] = 1; if ($1 > nr[$3]) nr[$3] = $1 }
function median(a, n,    i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function row(label, n, a, fmt,    lo, hi, i) {
	lo = hi = a[1]
	for (i = 2; i <= n; i++) { if (a[i] < lo) lo = a[i]; if (a[i] > hi) hi = a[i] }
	printf "| %s | %d | " fmt " | " fmt " – " fmt " |\n", label, n, median(a, n), lo, hi
}
END {
	for (s in smps) {
		printf "\n%s hart(s), %d rounds: guest time (rdtime)\n\n", s, nr[s]
		printf "| quantity | runs | median | range (min – max) |\n|---|---:|---:|---|\n"
		split("keep purge refcount", pol, " ")
		for (k = 1; k <= 3; k++) {
			n = 0; delete a
			for (r = 1; r <= nr[s]; r++) if ((s, pol[k], r) in us) a[++n] = us[s, pol[k], r]
			if (n) row(pol[k] " µs/op", n, a, "%.2f")
		}
		for (k = 1; k <= 3; k++) {
			n = 0; delete a
			for (r = 1; r <= nr[s]; r++) if ((s, pol[k], r) in el) a[++n] = el[s, pol[k], r] / 1e6
			if (n) row(pol[k] " elapsed s", n, a, "%.2f")
		}
		for (k = 1; k <= 3 && s > 1; k++) {
			n = 0; delete a
			for (r = 1; r <= nr[s]; r++) if ((s, pol[k], r) in sd) a[++n] = sd[s, pol[k], r]
			if (n) row(pol[k] " shoot-downs", n, a, "%.0f")
			n = 0; delete a
			for (r = 1; r <= nr[s]; r++)
				if ((s, pol[k], r) in sw && el[s, pol[k], r] > 0)
					a[++n] = 100 * sw[s, pol[k], r] / (el[s, pol[k], r] / 1e3 * s)
			if (n) row(pol[k] " % of worker time waiting for them", n, a, "%.0f")
		}
		for (k = 2; k <= 3; k++) {
			n = 0; delete a
			for (r = 1; r <= nr[s]; r++)
				if ((s, pol[k], r) in us && (s, "keep", r) in us && us[s, "keep", r] > 0)
					a[++n] = us[s, pol[k], r] / us[s, "keep", r]
			if (n) row(pol[k] "/keep (µs/op, same round)", n, a, "%.3f")
		}
	}
}' "$csv" | tee "$out/summary.txt"
