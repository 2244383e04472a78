#!/bin/bash
# tests/report/run.sh [OUTDIR] - reports as Linux 6.12 prints them (issue 17).
#  1. Bug-type names appear in one file, src/kasan/report.c's table.
#  2. Linux's mm/kasan/kasan_test_c.c (extracted unchanged) under gcc and
#     clang, with -fno-builtin as mm/kasan/Makefile builds it: each case's reports, one line each (bug type, title
#     function, access, every description line; see summarize.awk),
#     against kasan_test_c.expected: what Linux 6.12 (generic KASAN, UML,
#     x86-64) prints for the same cases, the UML-only details written by
#     Linux's rules (%pS of a global: symbol+off/size; no pids; strrchr,
#     which arch/um/Makefile renames kernel_strrchr; a stack object on a
#     CONFIG_VMAP_STACK task, which UML has not: the task's line, then
#     vmalloc_dump_obj's "a 8-page vmalloc region" for x86-64 KASAN's
#     32 KiB THREAD_SIZE, then the physical page).  The
#     cases in MATCH must match; the others are listed as diagnostics.
#  3. scripts/decode_stacktrace.sh (from the tarball) decorates every
#     frame of a report printed with the default frame line, with no
#     warning; frame_format=full keeps the rich line.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$ROOT/build/tests/report}
case $OUT in /*) ;; *) OUT=$(pwd)/$OUT ;; esac
TARBALL=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
SRC=linux-source-6.12/mm/kasan/kasan_test_c.c
DEC=linux-source-6.12/scripts/decode_stacktrace.sh
HERE=$ROOT/tests/report
mkdir -p "$OUT" || exit 2
. "$ROOT/tests/lib/tap.sh"

# 1. One vocabulary.
names=$(sed -n 's/^\t\[KASAN_BUG_[A-Z_]*\] = \("[^"]*"\),$/\1/p' "$ROOT/src/kasan/report.c" | sort -u)
: >"$OUT/names.where"
while IFS= read -r n; do
	[ "$n" = '"unknown-crash"' ] && continue
	grep -rnF -- "$n" "$ROOT/src" | grep -v '^[^:]*src/kasan/report.c:' >>"$OUT/names.where"
done <<<"$names"
if [ -n "$names" ] && [ ! -s "$OUT/names.where" ]; then
	ok "bug-type names only in src/kasan/report.c ($(echo "$names" | wc -l) names)"
else
	not_ok "bug-type names only in src/kasan/report.c" "$OUT/names.where"
fi

# The cases that match Linux 6.12 today (a regression fails the suite).
MATCH="kmalloc_oob_right kmalloc_node_oob_right kmalloc_big_oob_right kmalloc_large_oob_right
kmalloc_large_uaf kmalloc_large_invalid_free page_alloc_uaf krealloc_more_oob krealloc_less_oob
krealloc_large_more_oob krealloc_large_less_oob krealloc_uaf kmalloc_oob_16 kmalloc_uaf_16
kmalloc_oob_in_memset kmalloc_oob_memset_2 kmalloc_oob_memset_4 kmalloc_oob_memset_8
kmalloc_oob_memset_16 kmalloc_memmove_negative_size kmalloc_memmove_invalid_size kmalloc_uaf
kmalloc_uaf_memset kmalloc_uaf2 kmalloc_uaf3 kmalloc_double_kzfree ksize_unpoisons_memory
ksize_uaf rcu_uaf workqueue_uaf kfree_via_page kfree_via_phys kmem_cache_oob kmem_cache_double_free
kmem_cache_invalid_free kmem_cache_rcu_uaf mempool_kmalloc_oob_right mempool_kmalloc_large_oob_right
mempool_slab_oob_right mempool_kmalloc_uaf mempool_kmalloc_large_uaf mempool_slab_uaf
mempool_page_alloc_uaf mempool_kmalloc_double_free mempool_kmalloc_large_double_free
mempool_page_alloc_double_free mempool_kmalloc_invalid_free mempool_kmalloc_large_invalid_free
vmalloc_oob copy_user_test_oob kasan_memchr kasan_memcmp kasan_strings kasan_stack_oob
kasan_alloca_oob_left kasan_alloca_oob_right"

rm -rf "$OUT/src" && mkdir -p "$OUT/src" &&
	tar -xf "$TARBALL" -C "$OUT/src" "$SRC" "$DEC" || { not_ok "extract $SRC $DEC"; finish; exit 1; }
for cc in gcc clang; do
	bin=$OUT/kasan_test-$cc
	if ! (cd "$OUT/src" && "$ROOT/build/bin/vmkasan-cc" --kernel --cc=$cc -g -O1 -fno-builtin "$SRC" -o "$bin") \
		>"$OUT/$cc.build" 2>&1; then
		not_ok "$cc: kasan_test_c.c compiles" "$OUT/$cc.build"; continue
	fi
	env -u VMKASAN_OPTIONS timeout 300 "$bin" >"$OUT/$cc.log" 2>&1
	awk -f "$HERE/summarize.awk" "$OUT/$cc.log" >"$OUT/$cc.sum"
	good=0 all=0 differ=""
	for c in $(cut -d'|' -f1 "$HERE/kasan_test_c.expected" | uniq); do
		all=$((all + 1))
		if diff <(grep "^$c|" "$HERE/kasan_test_c.expected") <(grep "^$c|" "$OUT/$cc.sum") \
			>"$OUT/$cc.$c.diff"; then
			good=$((good + 1))
		else
			differ="$differ $c"
		fi
		case " $(echo $MATCH) " in *" $c "*)
			if [ -s "$OUT/$cc.$c.diff" ]; then not_ok "$cc: $c: reports as Linux 6.12 prints them" "$OUT/$cc.$c.diff"
			else ok "$cc: $c: reports as Linux 6.12 prints them"; fi
		esac
	done
	echo "# $cc: $good of $all reporting cases match Linux 6.12; differ:$differ"
	# Each case runs as Linux runs it: a task of its own, kunit_try_catch.
	tasks=$(sed -n 's|^.* at addr [0-9a-f]* by task \([^/]*\)/[0-9]*$|\1|p; s|^Free of addr [0-9a-f]* by task \([^/]*\)/[0-9]*$|\1|p' "$OUT/$cc.log" | sort | uniq -c)
	if [ "$(echo "$tasks" | wc -l)" = 1 ] && [ "$(echo $tasks | cut -d' ' -f2)" = kunit_try_catch ]; then
		ok "$cc: every report's task is kunit_try_catch ($(echo $tasks | cut -d' ' -f1) reports)"
	else
		echo "$tasks" >"$OUT/$cc.tasks"
		not_ok "$cc: every report's task is kunit_try_catch" "$OUT/$cc.tasks"
	fi
	# Bitops and atomics: one report per operation, and what Linux's
	# plain-C arch parts add (test_bit, atomic_read/set, the fallbacks'
	# reads, try_cmpxchg's *old): the count and accesses must be Linux's.
	# (The title differs where the compiler inlines the test's helper.)
	# kmem_cache_double_destroy: Linux checks one byte of the cache
	# (kasan_check_byte); the region differs only by the size of struct
	# kmem_cache, which is Linux's own (192 bytes there).
	want=$(grep "^kmem_cache_double_destroy|" "$HERE/kasan_test_c.expected" | cut -d'|' -f2-4)
	got=$(grep "^kmem_cache_double_destroy|" "$OUT/$cc.sum" | cut -d'|' -f2-4)
	if [ -n "$want" ] && [ "$want" = "$got" ]; then
		ok "$cc: kmem_cache_double_destroy: $want"
	else
		echo "want '$want' got '$got'" >"$OUT/$cc.destroy"
		not_ok "$cc: kmem_cache_double_destroy: bug type, title, access" "$OUT/$cc.destroy"
	fi
	# A global: Linux's "belongs to the variable:" with %pS, whose size is
	# kallsyms' distance to the next symbol: the variable and the redzone
	# the compiler lays after it (gcc: 10 -> 64 bytes, the table's, from a
	# gcc-built kernel; clang: 10 -> 32).  The kernel's image has a struct
	# page behind it; a program's .data has none here.
	want=$(grep "^kasan_global_oob_right|" "$HERE/kasan_test_c.expected" | sed 's/; the physical page:$//')
	[ $cc = clang ] && want=${want%/0x40}/0x20
	got=$(grep "^kasan_global_oob_right|" "$OUT/$cc.sum")
	if [ -n "$want" ] && [ "$want" = "$got" ]; then
		ok "$cc: kasan_global_oob_right: the variable as %pS prints it"
	else
		echo "want '$want' got '$got'" >"$OUT/$cc.global"
		not_ok "$cc: kasan_global_oob_right: the variable as %pS prints it" "$OUT/$cc.global"
	fi
	for c in kasan_bitops_generic kasan_atomics; do
		want=$(grep "^$c|" "$HERE/kasan_test_c.expected" | cut -d'|' -f2,4,5)
		got=$(grep "^$c|" "$OUT/$cc.sum" | cut -d'|' -f2,4,5)
		if [ -n "$want" ] && [ "$want" = "$got" ]; then
			ok "$cc: $c: $(echo "$want" | wc -l) reports, each access as Linux's"
		else
			diff <(echo "$want") <(echo "$got") >"$OUT/$cc.$c.count"
			not_ok "$cc: $c: reports and accesses as Linux's" "$OUT/$cc.$c.count"
		fi
	done
done

# 3. The default frame line is the kernel's: decode_stacktrace.sh (the
# tarball's) decorates every frame with file:line and warns of nothing.
# decode_one NAME BIN LOG PATTERN: the report of LOG whose BUG line
# matches PATTERN, through the script; sets FRAMES, DECORATED.
decode_one() {
	local name=$1 bin=$2 log=$3 pat=$4
	awk -v pat="$pat" '$0 ~ pat { on = 1 } on { print } on && /^====/ { exit }' "$log" >"$OUT/$name.report"
	bash "$OUT/src/$DEC" "$bin" <"$OUT/$name.report" >"$OUT/$name.decoded" 2>"$OUT/$name.decode-err"
	# Trace lines: one space, then func+0xoff/0xsize, nothing after.
	FRAMES=$(grep -c '^ [A-Za-z_][A-Za-z0-9_.]*+0x[0-9a-f]*/0x[0-9a-f]*$' "$OUT/$name.report")
	DECORATED=$(grep -c '^[A-Za-z_][A-Za-z0-9_.]* (.*:[0-9]*\( (discriminator [0-9]*)\)\{0,1\})' "$OUT/$name.decoded")
}
if "$ROOT/build/bin/vmkasan-cc" --cc=gcc -g -O1 "$HERE/frames.c" -o "$OUT/frames" >"$OUT/frames.build" 2>&1; then
	env -u VMKASAN_OPTIONS "$OUT/frames" >"$OUT/frames.out" 2>"$OUT/frames.log"
	decode_one frames "$OUT/frames" "$OUT/frames.log" '^BUG: KASAN: slab-use-after-free in use'
	# use, main; make, main; drop, main: six frames at least.
	if [ "$FRAMES" -ge 6 ] && [ "$DECORATED" = "$FRAMES" ] && [ ! -s "$OUT/frames.decode-err" ] &&
		! grep -q 'Cannot find\|WARNING' "$OUT/frames.decoded" &&
		grep -q '^use (.*frames.c:[0-9]*)' "$OUT/frames.decoded"; then
		ok "default frame lines: decode_stacktrace.sh decorates all $FRAMES frames with file:line, no warning"
	else
		echo "frames $FRAMES decorated $DECORATED" >"$OUT/frames.why"
		not_ok "default frame lines: decode_stacktrace.sh decorates every frame" "$OUT/frames.why" \
			"$OUT/frames.report" "$OUT/frames.decoded" "$OUT/frames.decode-err"
	fi
	VMKASAN_OPTIONS=frame_format=full "$OUT/frames" >/dev/null 2>"$OUT/frames-full.log"
	if grep -q '^ use+0x[0-9a-f]*/0x[0-9a-f]* .*frames.c:[0-9]* \[.*frames+0x[0-9a-f]*\]$' "$OUT/frames-full.log"; then
		ok "frame_format=full: func+off/size file:line [binary+0xoff]"
	else
		not_ok "frame_format=full: the rich frame line" "$OUT/frames-full.log"
	fi
else
	not_ok "frames.c builds" "$OUT/frames.build"
fi
# A live vmalloc area's page, as Linux dumps it after the mapping: the
# frame is in use (one reference, allocated), even though vmalloc left
# its struct page blank until asked (mm answers the report's question).
if "$ROOT/build/bin/vmkasan-cc" -g "$ROOT/examples/demo.c" -o "$OUT/demo" >"$OUT/demo.build" 2>&1; then
	env -u VMKASAN_OPTIONS "$OUT/demo" >/dev/null 2>"$OUT/demo.log"
	if sed -n '/^The buggy address belongs to the physical page:$/,/^page dumped/p' "$OUT/demo.log" |
		tr '\n' '|' | grep -q '^The buggy address belongs to the physical page:|page: refcount:1 .*|flags: 0x[0-9a-f]*(allocated.*)|'; then
		ok "vmalloc: the live area's physical page is dumped as in use (refcount:1, allocated)"
	else
		not_ok "vmalloc: the live area's physical page is dumped as in use" "$OUT/demo.log"
	fi
else
	not_ok "examples/demo.c builds" "$OUT/demo.build"
fi
# The kernel suite: a KUnit case's report, every frame (the test, the
# KUnit task it runs in).
bin=$OUT/kasan_test-gcc
if [ -x "$bin" ]; then
	decode_one kunit "$bin" "$OUT/gcc.log" '^BUG: KASAN: slab-out-of-bounds in kmalloc_oob_right'
	n=$(grep -c '^kmalloc_oob_right (.*kasan_test_c.c:[0-9]*)' "$OUT/kunit.decoded")
	if [ "$n" -ge 2 ] && [ "$DECORATED" = "$FRAMES" ] && [ ! -s "$OUT/kunit.decode-err" ] &&
		! grep -q 'Cannot find' "$OUT/kunit.decoded"; then
		ok "kasan_test_c.c: decode_stacktrace.sh decorates all $FRAMES frames, no warning"
	else
		echo "frames $FRAMES decorated $DECORATED" >"$OUT/kunit.why"
		not_ok "kasan_test_c.c: decode_stacktrace.sh decorates every frame" "$OUT/kunit.why" \
			"$OUT/kunit.decoded" "$OUT/kunit.decode-err"
	fi
fi
finish
