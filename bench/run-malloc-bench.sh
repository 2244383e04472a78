#!/bin/sh
# run-malloc-bench.sh: time the malloc-heavy bench/malloc programs and
# measure their peak RSS natively, under user-space ASan (its default
# 256 MiB quarantine) and under vmkasan's checked malloc
# (VMKASAN_OPTIONS=malloc=kasan) with quarantine_size=16M (vmkasan's
# default) and 256M (ASan's), for gcc and clang, interleaved; print
# markdown tables of medians and ratios.  Also written to
# build/bench/malloc/results.md; the vmkasan / ASan time and RSS ratios to
# build/bench/malloc/result.kv (issue 19's fourth row, read by
# bench/summary.sh).  See bench/README.md.
#
# Environment:
#   BENCH_REPEAT=R           runs per program and configuration (default 3)
#   BENCH_MALLOC_PROGS="a b" programs (default: every bench/malloc/*.c)
#   BENCH_MALLOC_CONFIGS="…" configurations (default: all, see ALL_CONFIGS)
#   CC_GCC, CC_CLANG         compilers (default gcc, clang)
#
# Needs sh, awk, sort and a C compiler (for bench/measure.c).  Exit status
# 1 when a build or a program fails, a program writes to stderr (a
# sanitizer report: a false positive) or a checksum differs from the
# native build's.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CFLAGS="-O2 -fno-omit-frame-pointer -pthread"	# vmkasan-cc adds -fno-omit-frame-pointer
Q_SMALL=16M	# vmkasan's default quarantine_size
Q_ASAN=256M	# ASan's default quarantine_size_mb on 64-bit Linux (compiler-rt asan_flags.cpp: 1 << 8)

# A run configuration: a build plus the options it runs with.  The two
# vmkasan quarantine sizes run the same binary.
ALL_CONFIGS="native asan-gcc vmk-gcc-q16 vmk-gcc-q256 native-clang asan-clang vmk-clang-q16 vmk-clang-q256"
CONFIGS=${BENCH_MALLOC_CONFIGS:-$ALL_CONFIGS}

. "$ROOT/bench/lib.sh"
bench_init run-malloc-bench malloc

if [ -n "${BENCH_MALLOC_PROGS:-}" ]; then
	PROGS=$BENCH_MALLOC_PROGS
else
	PROGS=$(for f in "$ROOT"/bench/malloc/*.c; do basename "$f" .c; done)
fi

label() {
	reference_label "$1" && return
	case "$1" in
	vmk-gcc-q16) echo "vmkasan gcc q=$Q_SMALL" ;;
	vmk-gcc-q256) echo "vmkasan gcc q=$Q_ASAN" ;;
	vmk-clang-q16) echo "vmkasan clang q=$Q_SMALL" ;;
	vmk-clang-q256) echo "vmkasan clang q=$Q_ASAN" ;;
	*) echo "$1" ;;
	esac
}

# The binary a configuration runs.
build_of() {
	case "$1" in
	vmk-gcc-*) echo vmk-gcc ;;
	vmk-clang-*) echo vmk-clang ;;
	native|native-clang|asan-gcc|asan-clang) echo "$1" ;;
	*) die "unknown configuration '$1' (known: $ALL_CONFIGS)" ;;
	esac
}

# build <build> <src> <out>; vmkasan: inline checks (the default).
build() {
	case "$1" in
	native|native-clang|asan-gcc|asan-clang) reference_build "$@" ;;
	vmk-gcc) "$VMKASAN_CC" --cc="$CC_GCC" --inline -O2 -pthread "$2" -o "$3" ;;
	vmk-clang) "$VMKASAN_CC" --cc="$CC_CLANG" --inline -O2 -pthread "$2" -o "$3" ;;
	esac
}

# The options a configuration runs with.  vmkasan asks for checked
# malloc explicitly, whatever the default of the day is.
run_env() {
	case "$1" in
	*-q16) echo "VMKASAN_OPTIONS=malloc=kasan:quarantine_size=$Q_SMALL" ;;
	*-q256) echo "VMKASAN_OPTIONS=malloc=kasan:quarantine_size=$Q_ASAN" ;;
	asan-*) echo "ASAN_OPTIONS=detect_leaks=0" ;;
	*) echo "BENCH_NATIVE=1" ;;
	esac
}

bench_open_results
"$CC_GCC" -O2 "$ROOT/bench/measure.c" -o "$BIN/measure" || die "cannot build bench/measure.c"

bench_header "vmkasan malloc benchmark"
out "- runs: median of $REPEAT runs per configuration, interleaved round-robin; wall time and peak RSS (ru_maxrss) of each run"
out "- native/ASan: $CFLAGS (ASan: -fsanitize=address, ASAN_OPTIONS=detect_leaks=0, default quarantine of 256 MiB)"
out "- vmkasan: vmkasan-cc --inline -O2 -pthread, VMKASAN_OPTIONS=malloc=kasan:quarantine_size=$Q_SMALL (vmkasan's default) or $Q_ASAN (ASan's default)"
out ""

echo "building: $PROGS" >&2
BUILT=""
for c in $CONFIGS; do
	b=$(build_of "$c")
	case "$b" in
	*clang*)
		if ! command -v "$CC_CLANG" >/dev/null 2>&1; then
			out "- note: $CC_CLANG not found, skipping $(label "$c")"
			continue
		fi ;;
	esac
	for p in $PROGS; do
		src="$ROOT/bench/malloc/$p.c"
		[ -f "$src" ] || die "no such program: $src"
		[ -x "$BIN/$p.$b" ] && continue
		if ! build "$b" "$src" "$BIN/$p.$b" 2>"$BIN/$p.$b.log"; then
			cat "$BIN/$p.$b.log" >&2
			die "build of $p ($b) failed"
		fi
	done
	BUILT="$BUILT $c"
done
CONFIGS=$BUILT
case " $CONFIGS " in
*" native "*) ;;
*) die "the native configuration is needed (it is the reference)" ;;
esac

r=1
while [ "$r" -le "$REPEAT" ]; do
	for p in $PROGS; do
		for c in $CONFIGS; do
			printf 'run %d/%d: %-8s %-22s ' "$r" "$REPEAT" "$p" "$(label "$c")" >&2
			o="$RUNS/$p.$c.$r"
			set +e
			env -u VMKASAN_OPTIONS -u ASAN_OPTIONS $(run_env "$c") \
				"$BIN/measure" "$o.m" "$BIN/$p.$(build_of "$c")" >"$o.out" 2>"$o.err"
			rc=$?
			set -e
			[ "$rc" -eq 0 ] && [ -s "$o.m" ] || die "measure failed for $p ($(label "$c")); see $o.err"
			t=$(sed -n 's/^seconds=\([0-9.]*\) .*/\1/p' "$o.m")
			cpu=$(sed -n 's/.*cpu_seconds=\([0-9.]*\).*/\1/p' "$o.m")
			kib=$(sed -n 's/.*maxrss_kib=\([0-9]*\).*/\1/p' "$o.m")
			st=$(sed -n 's/.*status=\([0-9]*\).*/\1/p' "$o.m")
			echo "${t}s ${kib} KiB" >&2
			if [ "$st" -ne 0 ]; then
				head -n 30 "$o.err" >&2
				die "$p ($(label "$c")) exited with status $st; output in $o.out, $o.err"
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
			[ "$sum" = "$ref" ] ||
				die "CHECKSUM MISMATCH: $p ($(label "$c")) printed $sum, native printed $ref"
			echo "$t" >>"$RUNS/$p.$c.times"
			echo "$kib" >>"$RUNS/$p.$c.rss"
			echo "$cpu" >>"$RUNS/$p.$c.cpu"
		done
	done
	r=$((r + 1))
done

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
has() { case " $CONFIGS " in *" $1 "*) return 0 ;; esac; return 1; }

for p in $PROGS; do
	for c in $CONFIGS; do
		median "$RUNS/$p.$c.times" >"$RUNS/$p.$c.tmed"
		median "$RUNS/$p.$c.rss" >"$RUNS/$p.$c.rmed"
		median "$RUNS/$p.$c.cpu" >"$RUNS/$p.$c.cmed"
	done
done

# Per program: every configuration, against the same compiler's native build.
for p in $PROGS; do
	out "## $p (checksum $(cat "$RUNS/$p.ref"), all builds agree)"
	out ""
	out "| configuration | median s | min s | max s | time vs native | median peak RSS MiB | RSS vs native |"
	out "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
	for c in $CONFIGS; do
		case "$c" in *clang*) n=native-clang ;; *) n=native ;; esac
		m=$(cat "$RUNS/$p.$c.tmed")
		k=$(cat "$RUNS/$p.$c.rmed")
		mn=$(sort -n "$RUNS/$p.$c.times" | head -n 1)
		mx=$(sort -n "$RUNS/$p.$c.times" | tail -n 1)
		if has "$n"; then
			tr="$(ratio "$m" "$(cat "$RUNS/$p.$n.tmed")")x"
			rr="$(ratio "$k" "$(cat "$RUNS/$p.$n.rmed")")x"
		else
			tr=-; rr=-
		fi
		out "| $(label "$c") | $m | $(printf '%.3f' "$mn") | $(printf '%.3f' "$mx") | $tr | $(mib "$k") | $rr |"
	done
	out ""
done

# versus_table CC TITLE MEDIAN SHOW: per program, native, ASan and both
# vmkasan quarantine sizes (medians in RUNS/<prog>.<config>.MEDIAN, shown
# through SHOW) and their ratios.
versus_table() {
	out "## $1: vmkasan (malloc=kasan) vs ASan, $2"
	out ""
	out "| program | native | ASan | vmkasan q=$Q_SMALL | vmkasan q=$Q_ASAN | ASan / native | vmkasan q=$Q_SMALL / ASan | vmkasan q=$Q_ASAN / ASan |"
	out "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	for p in $PROGS; do
		vn=$(cat "$RUNS/$p.$n.$3"); va=$(cat "$RUNS/$p.$a.$3")
		v16=$(cat "$RUNS/$p.$k16.$3"); v256=$(cat "$RUNS/$p.$k256.$3")
		out "| $p | $($4 "$vn") | $($4 "$va") | $($4 "$v16") | $($4 "$v256") | $(ratio "$va" "$vn")x | $(ratio "$v16" "$va")x | $(ratio "$v256" "$va")x |"
	done
	out ""
}

# Per compiler: vmkasan against ASan, time and peak RSS, both quarantine sizes.
for cc in gcc clang; do
	if [ "$cc" = gcc ]; then n=native; else n=native-clang; fi
	a=asan-$cc
	k16=vmk-$cc-q16
	k256=vmk-$cc-q256
	has "$n" && has "$a" && has "$k16" && has "$k256" || continue
	versus_table "$cc" "time (median s; x = ratio)" tmed echo
	versus_table "$cc" "peak RSS (median MiB; x = ratio)" rmed mib
done

# Verdicts: vmkasan <= 1.0x ASan, per program, compiler, quarantine size
# and measure.  Time is judged on the medians of CPU time (user + system,
# all threads): a shared machine inflates wall times unevenly; the wall
# ratio and "best runs" (fastest against fastest, CPU) are shown too.
out "## vmkasan <= 1.0x ASan (same compiler; median CPU time and peak RSS)?"
out ""
for p in $PROGS; do
	line="- $p:"
	for cc in gcc clang; do
		a=asan-$cc
		has "$a" || continue
		for q in q16 q256; do
			k=vmk-$cc-$q
			has "$k" || continue
			if [ "$q" = q16 ]; then qs=$Q_SMALL; else qs=$Q_ASAN; fi
			v=$(awk -v kt="$(cat "$RUNS/$p.$k.cmed")" -v at="$(cat "$RUNS/$p.$a.cmed")" \
				-v kmin="$(sort -n "$RUNS/$p.$k.cpu" | head -n 1)" \
				-v amin="$(sort -n "$RUNS/$p.$a.cpu" | head -n 1)" \
				-v kw="$(cat "$RUNS/$p.$k.tmed")" -v aw="$(cat "$RUNS/$p.$a.tmed")" \
				-v kr="$(cat "$RUNS/$p.$k.rmed")" -v ar="$(cat "$RUNS/$p.$a.rmed")" 'BEGIN {
				printf "time %s (%.2fx, best runs %.2fx, wall %.2fx), RSS %s (%.2fx)",
					kt <= at ? "holds" : "DOES NOT HOLD", kt / at, kmin / amin, kw / aw,
					kr <= ar ? "holds" : "DOES NOT HOLD", kr / ar }')
			kv "time_ratio.$p.$cc.$q" "$(ratio3 "$(cat "$RUNS/$p.$k.cmed")" "$(cat "$RUNS/$p.$a.cmed")")"
			kv "rss_ratio.$p.$cc.$q" "$(ratio3 "$(cat "$RUNS/$p.$k.rmed")" "$(cat "$RUNS/$p.$a.rmed")")"
			line="$line $cc q=$qs: $v;"
		done
	done
	out "${line%;}"
done
out ""
echo "Results written to $RESULTS"
exec 3>&-
