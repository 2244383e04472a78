#!/bin/sh
# tests/cc/run.sh [OUTDIR] - build/bin/vmkasan-cc and the runtime's build.
#
#  1. Compile and link in separate steps with clang and -Werror: the link
#     step gets no compiler-only flags (clang warned about each -mllvm).
#  2. The C++ drivers g++ and clang++ build an instrumented program whose
#     bug is reported with its source line; C++ heap use (new/delete,
#     containers, exceptions, std::thread) is clean on the runtime's
#     malloc, and a read after delete[] is reported at its line.
#     Use after scope is reported at -O0 too (scope.cc).
#  2e. No conditional jump of vmkasan-cc's object code crosses or ends on
#     a 32-byte boundary (branches.c, gcc and clang, -O0 to -O3); a #GP
#     at a load with the padding's five prefixes names its address.
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
	if ! "$CC_WRAP" --cc=$cxx -g -O1 -std=gnu++17 -fsized-deallocation "$ROOT/tests/cc/heap.cc" -o "$bin" -lpthread >"$bin.log" 2>&1; then
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

# 2b'. alloc-dealloc-mismatch (mismatch.cc): a block freed by the wrong
#     kind of function (new[]/delete, new/delete[], new/free, malloc/delete,
#     new[]/realloc; slab, large and vmalloc blocks) is reported once, with
#     both kinds named, the call's line and the allocation's track (for a
#     vmalloc block: the mapping's creator); the program goes on.  (-O0:
#     at -O1 clang merges the branches' delete calls into one line.)
# case | deallocation named | allocation named
MISMATCH='
new_array_delete|operator delete|operator new []
new_delete_array|operator delete []|operator new
new_free|free()|operator new
new_array_free|free()|operator new []
malloc_delete|operator delete|malloc()
malloc_delete_array|operator delete []|malloc()
big_new_array_delete|operator delete|operator new []
new_realloc|realloc()|operator new []
'
for cxx in g++ clang++; do
	bin=$OUT/mismatch-$cxx
	if ! "$CC_WRAP" --cc=$cxx -g -O0 "$ROOT/tests/cc/mismatch.cc" -o "$bin" >"$bin.log" 2>&1; then
		not_ok "--cc=$cxx: mismatch.cc builds" "$bin.log"
		continue
	fi
	bad=""
	while IFS='|' read -r c dealloc alloc; do
		[ -n "$c" ] || continue
		line=$(grep -n "BUG $c \*/" "$ROOT/tests/cc/mismatch.cc" | cut -d: -f1)
		VMKASAN_OPTIONS=frame_format=full "$bin" $c >"$bin.$c.out" 2>"$bin.$c.err"
		rc=$?
		addr=$(sed -n 's/^EXPECT 0x\(.*\)/\1/p' "$bin.$c.out")
		expect=$(printf '%016x' "0x${addr:-0}")
		if [ $rc = 1 ] && [ "$(grep -c '^BUG: KASAN' "$bin.$c.err")" = 1 ] &&
			grep -q '^BUG: KASAN: alloc-dealloc-mismatch in main+0x' "$bin.$c.err" &&
			grep -q "^Free of addr $expect by task " "$bin.$c.err" &&
			grep -qF "$dealloc of $expect, allocated by $alloc" "$bin.$c.err" &&
			sed -n '/^Call Trace:/{n;p;q}' "$bin.$c.err" | grep -q "^ main+0x.*mismatch\.cc:$line " &&
			grep -Eq '^Allocated by task |^ \[[0-9a-f]+, [0-9a-f]+\) created by:' "$bin.$c.err" &&
			grep -qx 'went on' "$bin.$c.out"; then
			:
		else
			bad="$bad $c"
		fi
	done <<<"$MISMATCH"
	if [ -z "$bad" ]; then
		ok "--cc=$cxx: 8 alloc-dealloc-mismatches (slab, large, vmalloc blocks) reported once each, at their line"
	else
		c=${bad%% *}; [ -n "$c" ] || c=${bad# }; c=${c%% *}
		echo "wrong:$bad" >"$bin.why"
		not_ok "--cc=$cxx: alloc-dealloc-mismatch" "$bin.why" "$bin.${bad# }.err"
	fi
done

# 2c. use after scope at -O0 (LLVM's use-after-scope-types.cpp types, in
#     scope.cc): each of the 11 cases reports a use-after-scope of x in
#     its frame and goes on, with both C++ drivers.
for cxx in clang++ g++; do
	bin=$OUT/scope-$cxx-O0
	rm -f "$bin.why"
	if ! "$CC_WRAP" --cc=$cxx -g -O0 "$ROOT/tests/cc/scope.cc" -o "$bin" >"$bin.log" 2>&1; then
		not_ok "--cc=$cxx -O0: scope.cc builds" "$bin.log"
		continue
	fi
	n=$("$bin") missed=""
	for i in $(seq 0 $((n - 1))); do
		env -u VMKASAN_OPTIONS "$bin" $i >"$bin.$i.out" 2>"$bin.$i.err"
		rc=$?
		if [ $rc != 1 ] || [ "$(grep -c '^BUG: KASAN' "$bin.$i.err")" != 1 ] ||
			! grep -q '^BUG: KASAN: use-after-scope in ' "$bin.$i.err" ||
			! grep -Eq '^(Read|Write) of size [0-9]+ at addr ' "$bin.$i.err" ||
			! grep -q "^ \[[0-9]*, [0-9]*) 'x" "$bin.$i.err" || ! grep -qx 'went on' "$bin.$i.out"; then
			missed="$missed $i"
		fi
	done
	if [ "$n" = 11 ] && [ -z "$missed" ]; then
		ok "--cc=$cxx -O0: use after scope of all 11 types reported"
	else
		echo "cases $n, missed:$missed" >"$bin.why"
		not_ok "--cc=$cxx -O0: use after scope of each type" "$bin.why" "$bin.${missed# }.err"
	fi
done

# 2d. cancellation (cancel.c): a thread with a deferred cancellation
#     pending prints its report whole, goes on after it, and is cancelled
#     at its next cancellation point, as README says.
for cc in gcc clang; do
	bin=$OUT/cancel-$cc
	if ! "$CC_WRAP" --cc=$cc -g -O1 -Wall "$ROOT/tests/cc/cancel.c" -o "$bin" -lpthread >"$bin.log" 2>&1; then
		not_ok "--cc=$cc: cancel.c builds" "$bin.log"
		continue
	fi
	env -u VMKASAN_OPTIONS timeout 60 "$bin" >"$bin.out" 2>"$bin.err"
	rc=$?
	if [ $rc = 1 ] && [ "$(grep -c '^BUG: KASAN' "$bin.err")" = 1 ] &&
		grep -q '^BUG: KASAN: slab-out-of-bounds in victim' "$bin.err" &&
		[ "$(grep -c '^==========' "$bin.err")" = 2 ] && grep -q '^Memory state around' "$bin.err" &&
		grep -qx 'cancelled 1 after_report 1 after_testcancel 0' "$bin.out"; then
		ok "--cc=$cc: a pending cancellation waits out the report, acts at the next cancellation point"
	else
		echo "exit $rc" >>"$bin.out"
		not_ok "--cc=$cc: cancellation around a report" "$bin.out" "$bin.err"
	fi
done

# 2e. branch layout (branches.c): in the object vmkasan-cc makes, no
#     conditional jump crosses or ends on a 32-byte boundary, at any -O,
#     with either compiler (the checks' branches made hot loops straddle
#     one: bench/progs/words.c 1.1x ASan's time with the same instructions).
#     objdump --insn-width=16 puts each instruction's bytes on its line:
#     its length; the address's low byte says where in its 32 it starts.
straddling_jcc() {	# OBJ -> "jumps straddling"
	objdump -d --insn-width=16 "$1" | awk -F '\t' '
		BEGIN { hex = "0123456789abcdef"; n = 0; bad = 0 }
		/^ *[0-9a-f]+:\t/ {
			a = substr($1, 1, index($1, ":") - 1)
			low = (index(hex, substr(a, length(a) - 1, 1)) - 1) * 16 + index(hex, substr(a, length(a), 1)) - 1
			len = split($2, bytes, " ")
			split($3, ins, " ")
			if (ins[1] ~ /^j/ && ins[1] != "jmp") { n++; if (low % 32 + len >= 32) bad++ }
		}
		END { print n, bad }'
}
for cc in gcc clang; do
	bad=""
	rm -f "$OUT/branches-$cc.why"
	for O in -O0 -O1 -O2 -O3; do
		obj=$OUT/branches-$cc$O.o
		if ! "$CC_WRAP" --cc=$cc $O -c "$ROOT/tests/cc/branches.c" -o "$obj" >"$obj.log" 2>&1; then
			bad="$bad $O:build"
			continue
		fi
		r=$(straddling_jcc "$obj")
		njcc=${r% *} nbad=${r#* }
		echo "$O: $njcc conditional jumps, $nbad straddling" >>"$OUT/branches-$cc.why"
		[ "$njcc" -gt 20 ] && [ "$nbad" = 0 ] || bad="$bad $O"
	done
	if [ -z "$bad" ]; then
		ok "--cc=$cc: no conditional jump of instrumented code crosses or ends on a 32-byte boundary (-O0..-O3)"
	else
		not_ok "--cc=$cc: conditional jumps straddle 32-byte boundaries:$bad" "$OUT/branches-$cc.why"
	fi
done

# 2f. prefixes (prefixed.c): a #GP at a load with five segment overrides
#     (what the assembler's branch padding adds) still names its
#     non-canonical address, decoded from the instruction (four were the
#     most the decoder skipped).
bin=$OUT/prefixed
if ! "$CC_WRAP" -O1 "$ROOT/tests/cc/prefixed.c" -o "$bin" >"$bin.log" 2>&1; then
	not_ok "prefixed.c builds" "$bin.log"
else
	"$bin" >"$bin.out" 2>"$bin.err"
	addr=$(sed -n 's/^ADDR //p' "$bin.out")
	if [ -n "$addr" ] && grep -q '^BUG: KASAN: wild-memory-access in main+0x' "$bin.err" &&
		grep -q "^Access of addr $addr by task " "$bin.err" &&
		grep -q '^(general protection fault: a non-canonical address, recovered from the faulting instruction)$' "$bin.err"; then
		ok "a #GP at a load with five prefixes (branch padding) is reported with its address"
	else
		not_ok "a #GP at a load with five prefixes is reported with its address" "$bin.out" "$bin.err"
	fi
fi

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
