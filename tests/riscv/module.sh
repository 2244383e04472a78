#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/riscv/module.sh [OUTDIR]: kernel modules in the RISC-V guest.
# vmkasan-cc --target=riscv64-virt --kernel -c ... -o foo.ko builds them
# (tests/module's sources and tests/riscv/mod_reloc.c), vmkasan-qemu
# --module=foo.ko hands them to tests/riscv/modprog.c, which loads them
# with vmkasan_load_module().  Expected lines are Linux 6.12's wording
# (kernel/module/main.c, arch/riscv/kernel/module.c, mm/kasan/report.c);
# gcc, and clang when it has the RISC-V target.
set -u
export LC_ALL=C
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$ROOT/build/tests/riscv-module}
case $OUT in /*) ;; *) OUT=$(pwd)/$OUT ;; esac
mkdir -p "$OUT" || exit 2
. "$ROOT/tests/lib/tap.sh"
CC_WRAP=$ROOT/build/bin/vmkasan-cc
QEMU=$ROOT/build/bin/vmkasan-qemu
export VMKASAN_QEMU_TIMEOUT=${GUEST_TIMEOUT:-60}
if ! command -v riscv64-unknown-elf-gcc >/dev/null 2>&1 || [ ! -x "$QEMU" ]; then
	echo "# no RISC-V toolchain or vmkasan-qemu: skipped"
	finish
fi

CCS=gcc
clang --target=riscv64-linux-gnu -march=rv64imac -c -x c /dev/null -o /dev/null 2>/dev/null &&
	command -v ld.lld >/dev/null 2>&1 && CCS="gcc clang"
for cc in $CCS; do
	o=$OUT/$cc
	mkdir -p "$o"
	built=yes
	for m in mod_a mod_b mod_global mod_stale mod_unknown; do
		"$CC_WRAP" --target=riscv64-virt --cc=$cc --kernel -O2 -g -c "$ROOT/tests/module/$m.c" \
			-o "$o/$m.ko" >"$o/$m.build" 2>&1 || { built=no; not_ok "$cc: $m.ko builds" "$o/$m.build"; }
	done
	# (no -g: gas's line table cannot follow the hand-placed .data)
	"$CC_WRAP" --target=riscv64-virt --cc=$cc --kernel -O2 -c "$ROOT/tests/riscv/mod_reloc.c" \
		"$ROOT/tests/riscv/mod_reloc_abs.c" -o "$o/mod_reloc0.ko" >"$o/mod_reloc.build" 2>&1 &&
		python3 "$ROOT/tests/riscv/retype_uleb.py" "$o/mod_reloc0.ko" "$o/mod_reloc.ko" \
		>>"$o/mod_reloc.build" 2>&1 || { built=no; not_ok "$cc: mod_reloc.ko builds" "$o/mod_reloc.build"; }
	"$CC_WRAP" --target=riscv64-virt --cc=$cc --kernel -O2 -DRR_OVERFLOW -c "$ROOT/tests/riscv/mod_reloc.c" \
		"$ROOT/tests/riscv/mod_reloc_abs.c" -o "$o/mod_reloc8.ko" >"$o/mod_reloc8.build" 2>&1 ||
		{ built=no; not_ok "$cc: mod_reloc8.ko builds" "$o/mod_reloc8.build"; }
	# -fno-pic: the image's data by PC-relative offsets it cannot reach
	"$CC_WRAP" --target=riscv64-virt --cc=$cc --kernel -O2 -g -fno-pic -c "$ROOT/tests/module/mod_far.c" \
		-o "$o/mod_far.ko" >"$o/mod_far.build" 2>&1 || { built=no; not_ok "$cc: mod_far.ko builds" "$o/mod_far.build"; }
	# A type Linux has no handler for (46, R_RISCV_RVC_LUI, withdrawn
	# from the psABI), and R_RISCV_ALIGN (a relaxed object), patched in.
	python3 "$ROOT/tests/module/patch_rel.py" "$o/mod_a.ko" "$o/mod_badrel.ko" 46 &&
	python3 "$ROOT/tests/module/patch_rel.py" "$o/mod_a.ko" "$o/mod_align.ko" 43 || built=no
	"$CC_WRAP" --target=riscv64-virt --cc=$cc -O1 -g "$ROOT/tests/riscv/modprog.c" -o "$o/modprog.elf" \
		>"$o/modprog.build" 2>&1 || { built=no; not_ok "$cc: modprog.elf builds" "$o/modprog.build"; }
	[ $built = yes ] || continue
	ok "$cc: modules and the guest program build"

	# every relocation type the test means to cover is in mod_reloc.ko
	riscv64-unknown-elf-readelf -rW "$o/mod_reloc.ko" | awk '/R_RISCV_/ { print $3 } $3 ~ /^unrecognized/ { print $0 }' \
		| sort -u >"$o/reloc.types"
	missing=
	for t in 32 64 BRANCH JAL CALL CALL_PLT GOT_HI20 PCREL_HI20 PCREL_LO12_I PCREL_LO12_S HI20 LO12_I \
		 LO12_S ADD8 ADD16 ADD32 ADD64 SUB8 SUB16 SUB32 SUB64 SUB6 SET6 SET8 SET16 SET32 32_PCREL \
		 RVC_BRANCH RVC_JUMP; do
		grep -qx "R_RISCV_$t" "$o/reloc.types" || missing="$missing $t"
	done
	riscv64-unknown-elf-readelf -rW "$o/mod_reloc.ko" | grep -c 'unrecognized: 3[cd]' >"$o/uleb.count"
	if [ -z "$missing" ] && [ "$(cat "$o/uleb.count")" = 2 ]; then
		ok "$cc: mod_reloc.ko carries each relocation type (and SET/SUB_ULEB128)"
	else
		echo "missing:$missing uleb: $(cat "$o/uleb.count")" >>"$o/reloc.types"
		not_ok "$cc: mod_reloc.ko carries each relocation type" "$o/reloc.types"
	fi

	mods=()
	for m in mod_a mod_b mod_global mod_stale mod_unknown mod_reloc mod_reloc8 mod_far mod_badrel mod_align; do
		mods+=(--module="$o/$m.ko")
	done
	run() {	# name args...
		local name=$1
		shift
		"$QEMU" "${mods[@]}" "$o/modprog.elf" "$@" >"$o/$name.out" 2>&1
		echo "exit $?" >>"$o/$name.out"
	}

	run reloc reloc
	if grep -q '^reloc 19: ok' "$o/reloc.out" && ! grep -q WRONG "$o/reloc.out" &&
	   grep -q '^exit 0$' "$o/reloc.out"; then
		ok "$cc: each relocation computes its value (far call and GOT through PLT entries)"
	else
		not_ok "$cc: each relocation computes its value" "$o/reloc.out"
	fi
	run pte pte
	expect "$cc: module text is r-x, data rw-, rodata r-- in the page tables" "$o/pte.out" \
		'^text: r-x$' '^data: rw-$' '^rodata: r--$' '^unload: 0$' '^exit 0$'
	run ab ab
	expect "$cc: mod_b calls mod_a's export; mod_a busy (-EBUSY) until mod_b goes" "$o/ab.out" \
		'^mod_a: init count=5$' '^mod_b: 43 42$' '^unload mod_a while mod_b loaded: -16$' \
		'^unload mod_b: 0$' '^mod_a: exit$' '^unload mod_a: 0$' '^exit 0$'
	run global global
	expect "$cc: overflow of a module global: global-out-of-bounds naming the variable" "$o/global.out" \
		'^BUG: KASAN: global-out-of-bounds in mod_global_poke\+0x[0-9a-f]+/0x[0-9a-f]+ \[mod_global\]$' \
		'^Write of size 1 at addr 00000010' '^ mod_global_poke\+0x[0-9a-f]+/0x[0-9a-f]+ \[mod_global\]$' \
		'^ mod_global_init\+0x[0-9a-f]+/0x[0-9a-f]+ \[mod_global\]$' \
		'^The buggy address belongs to the variable:$' '^ mod_global_buf\+0xa/0x'
	run unload unload
	expect "$cc: reading a module's data after unload: its freed vmalloc mapping" "$o/unload.out" \
		'^BUG: KASAN: vmalloc-out-of-bounds in main\+' '^Read of size 1 at addr 00000010' \
		'^The buggy address belongs to a freed virtual mapping at$' '^ vmkasan_unload_module\+'
	if grep -q 'belongs to the variable' "$o/unload.out"; then
		not_ok "$cc: the unloaded module's globals are unregistered" "$o/unload.out"
	else
		ok "$cc: the unloaded module's globals are unregistered"
	fi
	run init init
	expect "$cc: reading freed init data: the freed mapping of the load" "$o/init.out" \
		'^BUG: KASAN: vmalloc-out-of-bounds in main\+' \
		'^The buggy address belongs to a freed virtual mapping at$' '^Freed by task'

	for m in mod_unknown:'^mod_unknown: Unknown symbol no_such_kernel_function \(err -2\)$' \
		 mod_badrel:'^mod_badrel: Unknown relocation type 46$' \
		 mod_reloc8:'^mod_reloc8: value 328 out of range for 8-bit relocation\.$' \
		 mod_align:"^mod_align: The unexpected relocation type 'R_RISCV_ALIGN' from PC = 0*10[0-9a-f]+$" \
		 mod_far:'^mod_far: target 0000000080[0-9a-f]{6} can not be addressed by the 32-bit offset from PC = 0*10[0-9a-f]+$'; do
		n=${m%%:*} pat=${m#*:}
		run "leak-$n" load $n
		expect "$cc: $n refused in Linux's words" "$o/leak-$n.out" "$pat" '^load: failed \(-[0-9]+\)$'
		same_live "$cc: $n refused: no area, object or shadow left" "$o/leak-$n.out"
	done

	# load/unload cycles under refcount, its cache of unused shadow pages
	# off: areas, objects and resident shadow back to where they started
	VMKASAN_OPTIONS=vmalloc_shadow=refcount:vmalloc_shadow_cache=0 run cycles cycles 1000
	if grep -q '^exit 0$' "$o/cycles.out" &&
	   unchanged "$o/cycles.out" resident shadow_pages live_areas slab_objects; then
		ok "$cc: 1000 load/unload cycles (refcount): areas, objects, resident shadow as at the start"
	else
		not_ok "$cc: 1000 load/unload cycles (refcount): areas, objects, resident shadow as at the start" \
			"$o/cycles.out"
	fi
	grep -E '^(before|after):' "$o/cycles.out" | sed "s/^/# $cc cycles /"

	# Every allocation the loading makes, failed in turn (fail_nth=N on
	# every path): a clean refusal or a load, nothing left, no report.
	n=1 bad="" loaded=no
	while [ $n -le 80 ]; do
		VMKASAN_OPTIONS=fail_nth=$n "$QEMU" --module="$o/mod_a.ko" "$o/modprog.elf" load mod_a \
			>"$o/fi.out" 2>&1
		echo "exit $?" >>"$o/fi.out"
		if grep -q '^BUG: KASAN\|Oops' "$o/fi.out" || ! grep -q '^exit 0$' "$o/fi.out" ||
		   ! grep -q '^after:' "$o/fi.out" ||
		   ! unchanged "$o/fi.out" live_areas slab_objects ||
		   [ "$(used_shadow before "$o/fi.out")" != "$(used_shadow after "$o/fi.out")" ]; then
			bad="$bad $n"; cp "$o/fi.out" "$o/fi-$n.out"
		fi
		grep -q '^load: ok' "$o/fi.out" && { loaded=yes; break; }
		n=$((n + 1))
	done
	if [ -z "$bad" ] && [ $loaded = yes ] && [ $n -gt 5 ]; then
		ok "$cc: fault injection at each of the $((n - 1)) allocations of a load: clean refusal, nothing left"
	else
		echo "bad: $bad loaded: $loaded n: $n" >"$o/fi.sum"
		not_ok "$cc: fault injection at each allocation of a load: clean refusal, nothing left" \
			"$o/fi.sum" $(for b in $bad; do echo "$o/fi-$b.out"; done | head -2)
	fi

	# Damaged objects (tests/module/corrupt.py: truncations, section and
	# symbol fields out of range): each refused or loaded, no crash, no
	# report, nothing left.
	if [ $cc = gcc ]; then
		rm -rf "$o/bad" && python3 "$ROOT/tests/module/corrupt.py" "$o/mod_a.ko" "$o/bad"
		: >"$o/bad.sum"
		refused=0 total=0
		for f in "$o"/bad/*.ko; do
			b=${f##*/}
			"$QEMU" --module="$f" "$o/modprog.elf" load "${b%.ko}" >"$f.out" 2>&1
			rc=$?
			total=$((total + 1))
			grep -q '^load: failed' "$f.out" && refused=$((refused + 1))
			if [ $rc != 0 ] || grep -q 'internal error\|BUG: KASAN\|Oops' "$f.out" ||
			   ! grep -q '^after:' "$f.out" ||
			   ! unchanged "$f.out" live_areas; then
				echo "$b: exit $rc" >>"$o/bad.sum"
				head -5 "$f.out" >>"$o/bad.sum"
			fi
		done
		if [ ! -s "$o/bad.sum" ] && [ $refused -gt 50 ]; then
			ok "$cc: $total damaged objects: $refused refused, the rest load, no crash, no report"
		else
			not_ok "$cc: damaged objects refused cleanly ($refused of $total refused)" "$o/bad.sum"
		fi
	fi

	# The files are reloaded at each reset: a batch loads in every boot.
	printf 'ab\nload mod_unknown\nab\n' >"$o/batch.args"
	"$QEMU" "${mods[@]}" --batch="$o/batch.args" "$o/modprog.elf" >"$o/batch.out" 2>&1
	echo "exit $?" >>"$o/batch.out"
	if [ "$(grep -c '^unload mod_a: 0$' "$o/batch.out")" = 2 ] &&
	   [ "$(grep -c '^@@vmkasan-exit [0-9] 0$' "$o/batch.out")" = 3 ]; then
		ok "$cc: --module with --batch: the files in every boot"
	else
		not_ok "$cc: --module with --batch: the files in every boot" "$o/batch.out"
	fi
done

# vmkasan-qemu refuses (125) a file it cannot hand in, and two of one name
"$QEMU" --module="$OUT/nope.ko" "$OUT/gcc/modprog.elf" ab >"$OUT/nofile.out" 2>&1
echo "exit $?" >>"$OUT/nofile.out"
expect "--module of a missing file: refused (125)" "$OUT/nofile.out" \
	'^vmkasan-qemu: --module=.*nope.ko: no such readable file$' '^exit 125$'
mkdir -p "$OUT/other" && cp "$OUT/gcc/mod_a.ko" "$OUT/other/"
"$QEMU" --module="$OUT/gcc/mod_a.ko" --module="$OUT/other/mod_a.ko" "$OUT/gcc/modprog.elf" ab \
	>"$OUT/twice.out" 2>&1
echo "exit $?" >>"$OUT/twice.out"
expect "--module twice with one name: refused (125)" "$OUT/twice.out" \
	'^vmkasan-qemu: --module=.*: a second file named mod_a.ko$' '^exit 125$'
finish
