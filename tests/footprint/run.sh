#!/bin/sh
# tests/footprint/run.sh [OUTDIR] - what the runtime touches, and the fast
# paths that avoid touching (footprint.c): a large global's shadow stays
# untouched, registration still clears poisoned shadow, the checked
# memchr/strlen/strnlen/strchr agree with plain loops everywhere and still
# report the first byte past a buffer.  gcc and clang, inline and outline.
# Prints TAP-style lines, then "N passed, N failed".
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$ROOT/build/tests/footprint}
case $OUT in /*) ;; *) OUT=$(pwd)/$OUT ;; esac
CC_WRAP=$ROOT/build/bin/vmkasan-cc
mkdir -p "$OUT" || exit 2
. "$ROOT/tests/lib/tap.sh"

for cc in gcc clang; do
	for mode in inline outline; do
		b=footprint-$cc-$mode
		if ! "$CC_WRAP" --cc=$cc --$mode -O1 -g -Wall -Werror -I"$ROOT/include" \
			"$ROOT/tests/footprint/footprint.c" -o "$OUT/$b" >"$OUT/$b.build" 2>&1; then
			not_ok "$b: builds" "$OUT/$b.build"
			continue
		fi
		"$OUT/$b" >"$OUT/$b.out" 2>"$OUT/$b.err"
		rc=$?
		# The program's own TAP lines, named after the build.
		sed -n 's/^\(not \)\{0,1\}ok [0-9]* - /&/p' "$OUT/$b.out" | while IFS= read -r l; do
			case "$l" in
			"not ok "*) echo "not ok - $b: ${l#not ok * - }" ;;
			*) echo "ok - $b: ${l#ok * - }" ;;
			esac
		done >"$OUT/$b.tap"
		while IFS= read -r l; do
			case "$l" in
			"not ok - "*) not_ok "${l#not ok - }" "$OUT/$b.out" ;;
			*) ok "${l#ok - }" ;;
			esac
		done <"$OUT/$b.tap"
		if [ $rc = 0 ] && [ ! -s "$OUT/$b.err" ] && [ "$(wc -l <"$OUT/$b.tap")" -ge 10 ]; then
			ok "$b: exit 0, nothing on stderr, every check ran"
		else
			echo "exit $rc" >>"$OUT/$b.out"
			not_ok "$b: exit 0, nothing on stderr, every check ran" "$OUT/$b.out" "$OUT/$b.err"
		fi

		# No match inside a heap buffer: strlen and memchr each report
		# the first byte past it, once, and return as if it ended there;
		# the program exits with exitcode (1) for having reported.
		VMKASAN_OPTIONS=multi_shot=1 "$OUT/$b" bad >"$OUT/$b.bad.out" 2>"$OUT/$b.bad.err"
		rc=$?
		want=$(awk '/^size / { n++; if ($4 == $2 && $6 == "NULL" && $8 == 2) good++ }
			END { print (n == 40 && good == 40) ? "yes" : "no" }' "$OUT/$b.bad.out")
		exp=$(sed -n 's/^EXPECT 0x0*//p' "$OUT/$b.bad.out" | sort)
		got=$(sed -n 's/^Read of size 1 at addr 0*\([0-9a-f]*\) by task .*/\1/p' "$OUT/$b.bad.err" | sort)
		titles=$(grep -c '^BUG: KASAN: slab-out-of-bounds in \(strlen\|memchr\)+' "$OUT/$b.bad.err")
		if [ $rc = 1 ] && [ "$want" = yes ] && [ "$titles" = 80 ] && [ -n "$exp" ] && [ "$exp" = "$got" ]; then
			ok "$b: strlen and memchr past 40 unterminated buffers: 80 reports, each at the first byte past"
		else
			echo "exit $rc, answers right: $want, titles: $titles" >>"$OUT/$b.bad.out"
			not_ok "$b: strlen and memchr past 40 unterminated buffers: 80 reports, each at the first byte past" \
				"$OUT/$b.bad.out" "$OUT/$b.bad.err"
		fi
	done
done
finish
