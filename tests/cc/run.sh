#!/bin/sh
# tests/cc/run.sh [OUTDIR] - build/bin/vmkasan-cc and the runtime's build.
#
#  1. Compile and link in separate steps with clang and -Werror: the link
#     step gets no compiler-only flags (clang warned about each -mllvm).
#  2. The C++ drivers g++ and clang++ build an instrumented program whose
#     bug is reported with its source line; C++ heap use (new/delete,
#     containers, exceptions, std::thread) is clean on the runtime's
#     malloc, and a read after delete[] is reported at its line.
#  3. `make CC=clang` builds the runtime (no gcc-only flag), and a program
#     linked with that runtime reports its bug.
# Prints TAP-style lines, then "N passed, N failed".
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$ROOT/build/tests/cc}
case $OUT in /*) ;; *) OUT=$(pwd)/$OUT ;; esac
CC_WRAP=$ROOT/build/bin/vmkasan-cc
SRC=$ROOT/tests/cc/oob.c
mkdir -p "$OUT" || exit 2
. "$ROOT/tests/lib/tap.sh"
# reports_line BIN: the program reports a vmalloc-out-of-bounds write at oob.c:10 and goes on.
reports_line() {
	VMKASAN_OPTIONS=frame_format=full "$1" >"$1.out" 2>"$1.err"
	grep -q '^BUG: KASAN: vmalloc-out-of-bounds in main' "$1.err" &&
		grep -q '^Write of size 1 at addr ' "$1.err" &&
		grep -q '^ main+0x[0-9a-f]*/0x[0-9a-f]* .*oob\.c[c]*:10 ' "$1.err" &&
		grep -q '^went on$' "$1.out"
}

# 1. separate compile and link with clang -Werror
if "$CC_WRAP" --cc=clang -g -Werror -c "$SRC" -o "$OUT/oob-clang.o" >"$OUT/compile.log" 2>&1 &&
	"$CC_WRAP" --cc=clang -Werror "$OUT/oob-clang.o" -o "$OUT/oob-clang" >"$OUT/link.log" 2>&1 &&
	[ ! -s "$OUT/link.log" ]; then
	ok "clang: a link-only step is silent under -Werror"
else
	not_ok "clang: a link-only step is silent under -Werror" "$OUT/compile.log" "$OUT/link.log"
fi
if [ -x "$OUT/oob-clang" ] && reports_line "$OUT/oob-clang"; then
	ok "clang: separately linked program reports with its line"
else
	not_ok "clang: separately linked program reports with its line" "$OUT/oob-clang.err"
fi

# 2. C++ drivers
cp "$SRC" "$OUT/oob.cc"
for cxx in g++ clang++; do
	if ! "$CC_WRAP" --cc=$cxx -g "$OUT/oob.cc" -o "$OUT/oob-$cxx" >"$OUT/$cxx.log" 2>&1; then
		not_ok "--cc=$cxx builds a C++ program" "$OUT/$cxx.log"
	elif reports_line "$OUT/oob-$cxx"; then
		ok "--cc=$cxx builds a C++ program that reports with its line"
	else
		not_ok "--cc=$cxx builds a C++ program that reports with its line" "$OUT/oob-$cxx.err"
	fi
done

# 2b. C++ on the runtime's malloc: new/delete, containers, exceptions and
#     threads are clean; a read after delete[] is reported at its line.
BUGLINE=$(grep -n 'BUG \*/' "$ROOT/tests/cc/heap.cc" | cut -d: -f1)
for cxx in g++ clang++; do
	bin=$OUT/heap-$cxx
	if ! "$CC_WRAP" --cc=$cxx -g -O1 "$ROOT/tests/cc/heap.cc" -o "$bin" -lpthread >"$bin.log" 2>&1; then
		not_ok "--cc=$cxx: heap.cc builds" "$bin.log"
		continue
	fi
	env -u VMKASAN_OPTIONS "$bin" >"$bin.out" 2>"$bin.err"
	if [ $? = 0 ] && [ ! -s "$bin.err" ] && grep -qx clean "$bin.out"; then
		ok "--cc=$cxx: new/delete, containers, exceptions, std::thread on the runtime's malloc: no report"
	else
		not_ok "--cc=$cxx: C++ heap use is clean" "$bin.out" "$bin.err"
	fi
	VMKASAN_OPTIONS=frame_format=full "$bin" bug >"$bin-bug.out" 2>"$bin-bug.err"
	rc=$?
	if [ $rc = 1 ] && grep -q '^BUG: KASAN: slab-use-after-free in main' "$bin-bug.err" &&
		grep -q "^ main+0x[0-9a-f]*/0x[0-9a-f]* .*heap\.cc:$BUGLINE " "$bin-bug.err" &&
		[ "$(grep -c '^BUG: KASAN' "$bin-bug.err")" = 1 ] && grep -qx 'went on' "$bin-bug.out"; then
		ok "--cc=$cxx: a read after delete[] is a slab-use-after-free at heap.cc:$BUGLINE"
	else
		not_ok "--cc=$cxx: a read after delete[] is reported (exit $rc)" "$bin-bug.out" "$bin-bug.err"
	fi
done

# 3. the runtime built by clang
REL=${OUT#"$ROOT"/}
if [ "$REL" = "$OUT" ]; then REL=build/tests/cc; fi
if (cd "$ROOT" && make -s CC=clang BUILD="$REL/clang-rt" "$REL/clang-rt/lib/libvmkasan.a" \
	"$REL/clang-rt/lib/vmkasan.dynlist" "$REL/clang-rt/bin/vmkasan-cc") >"$OUT/make-clang.log" 2>&1; then
	ok "make CC=clang builds the runtime"
	if "$ROOT/$REL/clang-rt/bin/vmkasan-cc" --cc=clang -g "$SRC" -o "$OUT/oob-clang-rt" \
		>"$OUT/clang-rt.log" 2>&1 && reports_line "$OUT/oob-clang-rt"; then
		ok "a program on the clang-built runtime reports with its line"
	else
		not_ok "a program on the clang-built runtime reports with its line" "$OUT/clang-rt.log" \
			"$OUT/oob-clang-rt.err"
	fi
else
	not_ok "make CC=clang builds the runtime" "$OUT/make-clang.log"
fi
finish
