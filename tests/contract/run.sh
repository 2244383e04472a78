#!/bin/sh
# tests/contract/run.sh [OUTDIR] - src/core.h as the whole port contract.
#
#  1. No file of a port (src/hosted, src/riscv) includes a header of the
#     core's own (src/kasan, src/mm, src/lib): core.h is all they see, and
#     core.h itself builds on platform.h and <vmkasan.h> only.
#  2. No port reads the core's data behind its back (mem_map, the slab
#     structures): every core symbol a port's object refers to (function
#     or variable) is
#     declared in core.h, platform.h or <vmkasan.h> (the C library names
#     the runtime defines aside).
#  3. Both ports implement every function of platform.h (the optional
#     ones with weak defaults aside), each in the file named after its
#     platform.h group, the same names in both ports.
# Prints TAP-style lines, then "N passed, N failed".
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$ROOT/build/tests/contract}
case $OUT in /*) ;; *) OUT=$(pwd)/$OUT ;; esac
mkdir -p "$OUT" || exit 2
. "$ROOT/tests/lib/tap.sh"
cd "$ROOT" || exit 2

PORTS="hosted riscv"

# 1. includes
for p in $PORTS; do
	grep -rnE '#[[:space:]]*include[[:space:]]*"(\.\./)*(kasan|mm|lib)/' "src/$p" >"$OUT/inc-$p" 2>&1
	if [ -s "$OUT/inc-$p" ]; then
		not_ok "$p: includes no private header of the core" "$OUT/inc-$p"
	else
		ok "$p: includes no private header of the core"
	fi
done
grep -nE '#[[:space:]]*include[[:space:]]*"' src/core.h | grep -vE '"(platform|vmkasan)\.h"' >"$OUT/inc-core"
if [ -s "$OUT/inc-core" ]; then
	not_ok "core.h builds on platform.h and vmkasan.h only" "$OUT/inc-core"
else
	ok "core.h builds on platform.h and vmkasan.h only"
fi

# 2. symbols: what the core defines, what each port object uses of it
core_syms() {	# objdir
	for o in "$1"/kasan/*.o "$1"/mm/*.o "$1"/lib/*.o; do
		nm --defined-only "$o" | awk '$2 ~ /^[TDBRCWV]$/ { print $3 }'
	done | sort -u
}
# The C library's names the runtime defines (checked mem*/str*), which a
# port may call as the C library.
LIBC='^(mem(cpy|move|set|cmp|chr)|str(len|nlen|cmp|ncmp|chr|rchr|cpy|ncpy|cat|ncat|dup|ndup))$'
declared="$OUT/declared"
cat src/core.h src/platform.h include/vmkasan.h | tr -c 'A-Za-z0-9_' '\n' | sort -u >"$declared"
check_syms() {	# port objdir portobjs...
	p=$1 dir=$2; shift 2
	core_syms "$dir" >"$OUT/core-$p"
	if [ ! -s "$OUT/core-$p" ]; then
		not_ok "$p: every core symbol the port uses is in core.h (objects built)"
		return
	fi
	: >"$OUT/undeclared-$p"
	for o in "$@"; do
		nm -u "$o" | awk '{ print $2 }' | sort -u | comm -12 - "$OUT/core-$p" |
			grep -vE "$LIBC" | comm -23 - "$declared" |
			sed "s|^|$(basename "$o"): |" >>"$OUT/undeclared-$p"
	done
	if [ -s "$OUT/undeclared-$p" ]; then
		not_ok "$p: every core symbol the port uses is in core.h" "$OUT/undeclared-$p"
	else
		ok "$p: every core symbol the port uses is in core.h"
	fi
}
check_syms hosted build/obj build/obj/hosted/*.o
if [ -d build/riscv/obj/riscv ]; then
	check_syms riscv build/riscv/obj $(find build/riscv/obj/riscv -name '*.o')
fi

# 3. platform.h: "---- Group (file.c) ----" headings name the file of
# each port that holds the group; the optional ones say "(optional)" and
# have weak defaults in the core.
awk '
	/^\/\* ---- / { f = "-" }
	/^\/\* ---- .* \([a-z_]+\.c\) ---- \*\/$/ { f = $0; sub(/.*\(/, "", f); sub(/\).*/, "", f); next }
	/^\/\* ---- .* \(optional\) ---- \*\/$/ { f = "-"; next }
	f != "" && match($0, /plat_[a-z_]+\(/) { n = substr($0, RSTART, RLENGTH - 1); print n, f }
' src/platform.h | sort -u >"$OUT/groups"
if [ "$(grep -cv ' -$' "$OUT/groups")" -lt 30 ]; then
	not_ok "platform.h names a file for each group of functions" "$OUT/groups"
else
	ok "platform.h names a file for each group of functions"
fi
for p in $PORTS; do
	: >"$OUT/missing-$p"
	for file in $(awk '$2 != "-" { print $2 }' "$OUT/groups" | sort -u); do
		[ -f "src/$p/$file" ] || echo "src/$p/$file does not exist" >>"$OUT/missing-$p"
	done
	while read -r fn file; do
		[ "$file" = - ] && continue
		[ -f "src/$p/$file" ] || continue
		grep -qE "^[a-z_].*[ *]$fn\(" "src/$p/$file" ||
			echo "$fn: not defined in src/$p/$file but in:" $(grep -lE "^[a-z_].*[ *]$fn\(" src/$p/*.c) \
				>>"$OUT/missing-$p"
	done <"$OUT/groups"
	if [ -s "$OUT/missing-$p" ]; then
		not_ok "$p: a file per platform.h group, each function defined in its group's file" "$OUT/missing-$p"
	else
		ok "$p: a file per platform.h group, each function defined in its group's file"
	fi
done
finish
