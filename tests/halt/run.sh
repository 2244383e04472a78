#!/bin/sh
# tests/halt/run.sh [OUTDIR]: vmkasan-cc --halt for gcc/clang x inline/outline.
# Prints "ok N - ..." / "not ok N - ..." and, last, "N passed, N failed".
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$ROOT/build/tests/halt}
mkdir -p "$OUT"
n=0 passed=0 failed=0
result() {	# ok? description
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		passed=$((passed + 1))
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
	fi
}
for cc in gcc clang; do
	for mode in inline outline; do
		b=$OUT/halt-$cc-$mode
		if ! "$ROOT/build/bin/vmkasan-cc" --cc=$cc --$mode --halt -g -O1 \
			"$ROOT/tests/halt/halt.c" -o "$b" 2>"$b.build"; then
			result 1 "$cc-$mode --halt builds"
			continue
		fi
		"$b" >"$b.out" 2>"$b.err"
		rc=$?
		result "$([ $rc = 1 ]; echo $?)" "$cc-$mode --halt: exit status 1 (got $rc)"
		result "$(grep -q '^BUG: KASAN: global-out-of-bounds in read_at' "$b.err"; echo $?)" \
			"$cc-$mode --halt: the report names global-out-of-bounds in read_at"
		result "$([ "$(grep -c '^BUG: KASAN' "$b.err")" = 1 ]; echo $?)" "$cc-$mode --halt: one report"
		result "$(! grep -q continued "$b.out"; echo $?)" "$cc-$mode --halt: stopped at the bug"
	done
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
