#!/bin/sh
# run-bench.sh: time the bench/progs programs natively, under user-space
# ASan and under vmkasan (gcc/clang x inline/outline), interleaved, and
# print markdown tables of median wall times and ratios to native.
# Also written to build/bench/results.md; vmkasan inline / ASan per
# program and compiler to build/bench/result.kv (issue 19's second row,
# read by bench/summary.sh).  See bench/README.md.
#
# Environment:
#   BENCH_REPEAT=R     runs per program and configuration (default 3)
#   BENCH_PROGS="a b"  programs to run (default: every bench/progs/*.c)
#   BENCH_CONFIGS="…"  configurations to run (default: all, see CONFIGS)
#   CC_GCC, CC_CLANG   compilers (default gcc, clang)
#
# Needs sh, awk, sort and a C compiler (bench/measure.c: wall and CPU
# time of each run).  Exit status 1 when a build fails, a
# program fails or a checksum differs from the native build's.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CFLAGS="-O2 -fno-omit-frame-pointer"	# vmkasan-cc adds -fno-omit-frame-pointer

ALL_CONFIGS="native asan-gcc vmk-gcc-inline vmk-gcc-outline native-clang asan-clang vmk-clang-inline vmk-clang-outline"
CONFIGS=${BENCH_CONFIGS:-$ALL_CONFIGS}

. "$ROOT/bench/lib.sh"
bench_init run-bench

if [ -n "${BENCH_PROGS:-}" ]; then
	PROGS=$BENCH_PROGS
else
	PROGS=$(for f in "$ROOT"/bench/progs/*.c; do basename "$f" .c; done)
fi

label() {
	reference_label "$1" && return
	case "$1" in
	vmk-gcc-inline) echo "vmkasan gcc inline" ;;
	vmk-gcc-outline) echo "vmkasan gcc outline" ;;
	vmk-clang-inline) echo "vmkasan clang inline" ;;
	vmk-clang-outline) echo "vmkasan clang outline" ;;
	*) echo "$1" ;;
	esac
}

# build <config> <src> <out>
build() {
	case "$1" in
	native|native-clang|asan-gcc|asan-clang) reference_build "$@" ;;
	vmk-gcc-inline) "$VMKASAN_CC" --cc="$CC_GCC" --inline -O2 "$2" -o "$3" ;;
	vmk-gcc-outline) "$VMKASAN_CC" --cc="$CC_GCC" --outline -O2 "$2" -o "$3" ;;
	vmk-clang-inline) "$VMKASAN_CC" --cc="$CC_CLANG" --inline -O2 "$2" -o "$3" ;;
	vmk-clang-outline) "$VMKASAN_CC" --cc="$CC_CLANG" --outline -O2 "$2" -o "$3" ;;
	*) die "unknown configuration '$1' (known: $ALL_CONFIGS)" ;;
	esac
}

# Header: machine and compilers.
bench_open_results

bench_header "vmkasan benchmark"
out "- runs: median of $REPEAT wall-clock runs per build, interleaved round-robin"
out "- native/ASan flags: $CFLAGS; vmkasan: vmkasan-cc --inline|--outline -O2"
out ""

"$CC_GCC" -O2 "$ROOT/bench/measure.c" -o "$BIN/measure" || die "cannot build bench/measure.c"

# Build everything first; a configuration whose compiler is missing is
# skipped with a note, any other build failure is fatal.
echo "building: $PROGS" >&2
BUILT=""
for c in $CONFIGS; do
	case "$c" in
	*clang*)
		if ! command -v "$CC_CLANG" >/dev/null 2>&1; then
			out "- note: $CC_CLANG not found, skipping $(label "$c")"
			continue
		fi ;;
	esac
	for p in $PROGS; do
		src="$ROOT/bench/progs/$p.c"
		[ -f "$src" ] || die "no such program: $src"
		if ! build "$c" "$src" "$BIN/$p.$c" 2>"$BIN/$p.$c.log"; then
			cat "$BIN/$p.$c.log" >&2
			die "build of $p ($(label "$c")) failed"
		fi
	done
	BUILT="$BUILT $c"
done
CONFIGS=$BUILT
case " $CONFIGS " in
*" native "*) ;;
*) die "the native configuration is needed (it is the reference)" ;;
esac

# Run: round-robin over programs and configurations, REPEAT times, so
# that slow drifts of the machine hit every configuration alike.
r=1
while [ "$r" -le "$REPEAT" ]; do
	for p in $PROGS; do
		for c in $CONFIGS; do
			printf 'run %d/%d: %-8s %-20s ' "$r" "$REPEAT" "$p" "$(label "$c")" >&2
			o="$RUNS/$p.$c.$r"
			set +e
			env -u VMKASAN_OPTIONS ASAN_OPTIONS=detect_leaks=0 \
				"$BIN/measure" "$o.m" "$BIN/$p.$c" >"$o.out" 2>"$o.err"
			mrc=$?
			set -e
			[ "$mrc" -eq 0 ] && [ -s "$o.m" ] || die "measure failed for $p ($(label "$c")); see $o.err"
			t=$(sed -n 's/^seconds=\([0-9.]*\) .*/\1/p' "$o.m")
			cpu=$(sed -n 's/.*cpu_seconds=\([0-9.]*\).*/\1/p' "$o.m")
			rc=$(sed -n 's/.*status=\([0-9]*\).*/\1/p' "$o.m")
			echo "${t}s (CPU ${cpu}s)" >&2
			if [ "$rc" -ne 0 ]; then
				head -n 30 "$o.err" >&2
				die "$p ($(label "$c")) exited with status $rc; output in $o.out, $o.err"
			fi
			if [ -s "$o.err" ]; then
				head -n 30 "$o.err" >&2
				die "$p ($(label "$c")) wrote to stderr (a sanitizer report?); see $o.err"
			fi
			sum=$(awk '/^checksum:/ { print $2 }' "$o.out")
			[ -n "$sum" ] || die "$p ($(label "$c")) printed no checksum; see $o.out"
			if [ "$c" = native ]; then
				[ -f "$RUNS/$p.ref" ] || echo "$sum" >"$RUNS/$p.ref"
			fi
			ref=$(cat "$RUNS/$p.ref")
			if [ "$sum" != "$ref" ]; then
				die "CHECKSUM MISMATCH: $p ($(label "$c")) printed $sum, native printed $ref"
			fi
			echo "$t" >>"$RUNS/$p.$c.times"
			echo "$cpu" >>"$RUNS/$p.$c.cpu"
		done
	done
	r=$((r + 1))
done


# Per-program tables.
for p in $PROGS; do
	base=$(median "$RUNS/$p.native.times")
	echo "$base" >"$RUNS/$p.native.median"
	out "## $p (checksum $(cat "$RUNS/$p.ref"), all builds agree)"
	out ""
	out "| configuration | median s | min s | max s | ratio to native gcc | ratio to same-compiler native |"
	out "| --- | ---: | ---: | ---: | ---: | ---: |"
	for c in $CONFIGS; do
		m=$(median "$RUNS/$p.$c.times")
		echo "$m" >"$RUNS/$p.$c.median"
		mn=$(sort -n "$RUNS/$p.$c.times" | head -n 1)
		mx=$(sort -n "$RUNS/$p.$c.times" | tail -n 1)
		case "$c" in
		*clang*) own="$RUNS/$p.native-clang.times" ;;
		*) own="$RUNS/$p.native.times" ;;
		esac
		if [ -f "$own" ]; then own=$(ratio "$m" "$(median "$own")")x; else own="-"; fi
		out "| $(label "$c") | $m | $(printf '%.3f' "$mn") | $(printf '%.3f' "$mx") | $(ratio "$m" "$base")x | $own |"
	done
	out ""
done

# Summary: ratios to native.
out "## Summary: slowdown vs native gcc -O2 (median wall time ratio; lower is better)"
out ""
hdr="| program |"
sep="| --- |"
for c in $CONFIGS; do
	[ "$c" = native ] && continue
	hdr="$hdr $(label "$c") |"
	sep="$sep ---: |"
done
out "$hdr"
out "$sep"
for p in $PROGS; do
	row="| $p |"
	base=$(cat "$RUNS/$p.native.median")
	for c in $CONFIGS; do
		[ "$c" = native ] && continue
		row="$row $(ratio "$(cat "$RUNS/$p.$c.median")" "$base")x |"
	done
	out "$row"
done
out ""

# vmkasan inline vs ASan, per compiler, in CPU time (user + system): what
# the program costs, without the time it waited for a CPU, which on a
# shared machine inflates wall times unevenly.  The same ratio goes to the
# summary (kv).
out "## vmkasan inline <= ASan (same compiler; median CPU time, user + system)?"
out ""
for p in $PROGS; do
	line="- $p:"
	for cc in gcc clang; do
		k="$RUNS/$p.vmk-$cc-inline.cpu"
		a="$RUNS/$p.asan-$cc.cpu"
		if [ -f "$k" ] && [ -f "$a" ]; then
			km=$(median "$k")
			am=$(median "$a")
			kv "asan_ratio.$p.$cc" "$(ratio3 "$km" "$am")"
			kmin=$(sort -n "$k" | head -n 1)
			amin=$(sort -n "$a" | head -n 1)
			wall=$(ratio "$(cat "$RUNS/$p.vmk-$cc-inline.median")" "$(cat "$RUNS/$p.asan-$cc.median")")
			verdict=$(awk -v k="$km" -v a="$am" -v kmin="$kmin" -v amin="$amin" -v w="$wall" 'BEGIN {
				if (k <= a) printf "holds (%.3fs <= %.3fs, %.2fx of ASan; best runs %.2fx; wall %sx)", k, a, k / a, kmin / amin, w;
				else printf "DOES NOT HOLD (%.3fs > %.3fs, %.2fx of ASan; best runs %.2fx; wall %sx%s)", k, a, k / a,
					kmin / amin, w, k / a <= 1.03 ? "; within 3%, about run-to-run noise" : "" }')
			line="$line $cc: $verdict;"
		fi
	done
	out "${line%;}"
done
out ""
echo "Results written to $RESULTS"
exec 3>&-
