#!/bin/sh
# tests/module/run.sh [OUTDIR] - kernel modules: vmkasan-cc --kernel -c ...
# -o foo.ko builds them, vmkasan-insmod loads them into the vmalloc space.
# Expected lines are Linux 6.12's wording (kernel/module/main.c,
# mm/kasan/report.c), gcc and clang.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$ROOT/build/tests/module}
case $OUT in /*) ;; *) OUT=$(pwd)/$OUT ;; esac
mkdir -p "$OUT" || exit 2
. "$ROOT/tests/lib/tap.sh"
CC_WRAP=$ROOT/build/bin/vmkasan-cc
INSMOD=$ROOT/build/bin/vmkasan-insmod
SRC=$ROOT/tests/module

expect() {	# desc file pattern...
	d=$1 f=$2; shift 2
	for p in "$@"; do
		if ! grep -qE -- "$p" "$f"; then
			echo "missing: $p" >>"$f"
			not_ok "$d" "$f"
			return
		fi
	done
	ok "$d"
}

for cc in gcc clang; do
	o=$OUT/$cc
	mkdir -p "$o"
	for m in mod_a mod_b mod_unknown mod_global; do
		if "$CC_WRAP" --cc=$cc --kernel -O2 -g -c "$SRC/$m.c" -o "$o/$m.ko" >"$o/$m.build" 2>&1 &&
			[ "$(od -An -tx1 -j16 -N2 "$o/$m.ko" | tr -d ' ')" = 0100 ]; then
			ok "$cc: $m.ko is a relocatable object"
		else
			not_ok "$cc: $m.ko is a relocatable object" "$o/$m.build"
		fi
	done
	"$INSMOD" "$o/mod_a.ko" count=7 >"$o/a.out" 2>&1
	echo "exit $?" >>"$o/a.out"
	expect "$cc: mod_a loads with its parameter, runs init and exit" "$o/a.out" \
		'^mod_a: init count=7$' '^mod_a: exit$' '^exit 0$'
	"$INSMOD" "$o/mod_a.ko" "$o/mod_b.ko" >"$o/ab.out" 2>&1
	echo "exit $?" >>"$o/ab.out"
	expect "$cc: mod_b uses mod_a's exported function and variable" "$o/ab.out" \
		'^mod_b: 43 42$' '^exit 0$'
	"$INSMOD" "$o/mod_unknown.ko" >"$o/unknown.out" 2>&1
	echo "exit $?" >>"$o/unknown.out"
	expect "$cc: unknown symbol refused with Linux's words" "$o/unknown.out" \
		'^mod_unknown: Unknown symbol no_such_kernel_function \(err -2\)$' '^exit 1$'
	"$INSMOD" "$o/mod_a.ko" bogus=1 >"$o/param.out" 2>&1
	echo "exit $?" >>"$o/param.out"
	expect "$cc: unknown parameter refused with Linux's words" "$o/param.out" \
		"^mod_a: Unknown parameter \`bogus'$" '^exit 1$'
	"$INSMOD" "$o/mod_global.ko" >"$o/global.out" 2>&1
	echo "exit $?" >>"$o/global.out"
	expect "$cc: overflow of a module global: global-out-of-bounds in [mod_global], the variable and the mapping named" \
		"$o/global.out" '^BUG: KASAN: global-out-of-bounds in mod_global_init\+0x[0-9a-f]+/0x[0-9a-f]+ \[mod_global\]$' \
		'^ mod_global_init\+0x[0-9a-f]+/0x[0-9a-f]+ \[mod_global\]$' 'Write of size 1 at addr 00006' \
		'^The buggy address belongs to the variable:$' '^ mod_global_buf\+0xa/0xa$' \
		'^The buggy address belongs to the virtual mapping at$'
	"$INSMOD" "$o/mod_global.ko" idx=9 >"$o/global9.out" 2>&1
	echo "exit $?" >>"$o/global9.out"
	if grep -q KASAN "$o/global9.out" || ! grep -q '^exit 0$' "$o/global9.out"; then
		not_ok "$cc: the last byte of the module global is fine (no report)" "$o/global9.out"
	else
		ok "$cc: the last byte of the module global is fine (no report)"
	fi
done
finish
