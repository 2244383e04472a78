#!/bin/bash
# tests/report/run.sh [OUTDIR] - reports as Linux 6.12 prints them (issue 17).
#  1. Bug-type names appear in one file, src/kasan/report.c's table.
#  2. Linux's mm/kasan/kasan_test_c.c (extracted unchanged) under gcc and
#     clang, with -fno-builtin as mm/kasan/Makefile builds it: each case's reports, one line each (bug type, title
#     function, access, every description line; see summarize.awk),
#     against kasan_test_c.expected: what Linux 6.12 (generic KASAN, UML,
#     x86-64) prints for the same cases, the UML-only details written by
#     Linux's rules (%pS of a global: symbol+off/size; no pids; strrchr,
#     which arch/um/Makefile renames kernel_strrchr).  The
#     cases in MATCH must match; the others are listed as diagnostics.
#  3. scripts/decode_stacktrace.sh (from the tarball) decorates every
#     frame of a report printed with frame_format=linux, with no warning.
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
vmalloc_oob copy_user_test_oob kasan_memchr kasan_memcmp kasan_strings"

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
	# Bitops and atomics: one report per operation, and what Linux's
	# plain-C arch parts add (test_bit, atomic_read/set, the fallbacks'
	# reads, try_cmpxchg's *old): the count and accesses must be Linux's.
	# (The title differs where the compiler inlines the test's helper.)
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

# 3. decode_stacktrace.sh decorates the linux frame format.
bin=$OUT/kasan_test-gcc
if [ -x "$bin" ]; then
	env VMKASAN_OPTIONS=frame_format=linux timeout 300 "$bin" >"$OUT/linux-frames.log" 2>&1
	awk '/^BUG: KASAN: slab-out-of-bounds in kmalloc_oob_right/ { on = 1 } on { print } on && /^====/ { exit }' \
		"$OUT/linux-frames.log" >"$OUT/one.log"
	bash "$OUT/src/$DEC" "$bin" <"$OUT/one.log" >"$OUT/decoded.log" 2>"$OUT/decoded.err"
	frames=$(grep -c '^kmalloc_oob_right ' "$OUT/decoded.log")
	deco=$(grep -c '^kmalloc_oob_right (.*kasan_test_c.c:[0-9]*)' "$OUT/decoded.log")
	if [ "$frames" -ge 2 ] && [ "$deco" = "$frames" ] && ! grep -q 'Cannot find' "$OUT/decoded.err" "$OUT/decoded.log"; then
		ok "decode_stacktrace.sh decorates the test's frames with file:line, no warning"
	else
		not_ok "decode_stacktrace.sh decorates frames" "$OUT/decoded.log" "$OUT/decoded.err"
	fi
fi
finish
