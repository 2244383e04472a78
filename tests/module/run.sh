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

# live areas and slab objects the same before and after

# Linux's lib/test_vmalloc.c, unchanged, as a module: what `modprobe
# test_vmalloc nr_threads=2 test_loop_count=20 run_test_mask=2047` runs.
TARBALL=/usr/src/linux-source-6.12.tar.xz
VSRC=linux-source-6.12/lib/test_vmalloc.c
KSRC=linux-source-6.12/mm/kasan/kasan_test_c.c
DECODE=linux-source-6.12/scripts/decode_stacktrace.sh
mkdir -p "$OUT/src"
tar -xf "$TARBALL" -C "$OUT/src" "$VSRC" "$KSRC" "$DECODE"
for f in "$VSRC" "$KSRC"; do
	if tar -xOf "$TARBALL" "$f" | cmp -s - "$OUT/src/$f"; then
		ok "$f extracted unchanged"
	else
		not_ok "$f extracted unchanged"
	fi
done

for cc in gcc clang; do
	o=$OUT/$cc
	mkdir -p "$o"
	for m in mod_a mod_b mod_unknown mod_global mod_stale mod_rodata; do
		if "$CC_WRAP" --cc=$cc --kernel -O2 -g -c "$SRC/$m.c" -o "$o/$m.ko" >"$o/$m.build" 2>&1 &&
			[ "$(od -An -tx1 -j16 -N2 "$o/$m.ko" | tr -d ' ')" = 0100 ]; then
			ok "$cc: $m.ko is a relocatable object"
		else
			not_ok "$cc: $m.ko is a relocatable object" "$o/$m.build"
		fi
	done
	if "$CC_WRAP" --cc=$cc --kernel -O2 -g -c "$OUT/src/$VSRC" -o "$o/test_vmalloc.ko" \
		>"$o/tv.build" 2>&1; then
		ok "$cc: test_vmalloc.ko builds from the unchanged source"
		env -u VMKASAN_OPTIONS timeout 300 "$INSMOD" "$o/test_vmalloc.ko" nr_threads=2 \
			test_loop_count=20 run_test_mask=2047 >"$o/tv.out" 2>&1
		echo "exit $?" >>"$o/tv.out"
		# One summary per case per worker: all pass but align_shift_alloc_test
		# (which fails on Linux too); init returns -EAGAIN, as the kernel's does.
		summaries=$(grep -c '^Summary: [a-z0-9_]* passed: ' "$o/tv.out")
		good=$(grep -c '^Summary: [a-z0-9_]* passed: 1 failed: 0 repeat: 1 loops: 20 avg: [0-9]* usec$' "$o/tv.out")
		align=$(grep -c '^Summary: align_shift_alloc_test passed: 0 failed: 1 ' "$o/tv.out")
		workers=$(grep -c '^All test took worker[01]=[0-9]* cycles$' "$o/tv.out")
		if [ "$summaries" = 22 ] && [ "$good" = 20 ] && [ "$align" = 2 ] && [ "$workers" = 2 ] &&
			! grep -q 'BUG: KASAN' "$o/tv.out" &&
			grep -q "^insmod: ERROR: could not insert module .*test_vmalloc.ko: Resource temporarily unavailable$" "$o/tv.out"; then
			ok "$cc: test_vmalloc.ko with its parameters: 2 workers x 11 cases, 10 pass, align_shift fails as on Linux, init -EAGAIN"
		else
			echo "summaries $summaries (22) passing $good (20) align_shift failing $align (2) workers $workers (2)" >"$o/tv.why"
			not_ok "$cc: test_vmalloc.ko with its parameters" "$o/tv.why" "$o/tv.out"
		fi
	else
		not_ok "$cc: test_vmalloc.ko builds from the unchanged source" "$o/tv.build"
	fi

	# Linux's KASAN KUnit suite, unchanged, as a module: its suites (in
	# .kunit_test_suites) run once it is live, as kunit_module_notify()
	# runs them, with what the program build (tests/kernel) gets: every
	# generic case passes (kasan_global_oob_left skips under gcc), the
	# tag-based and Rust ones skip, each expected report comes out.
	if "$CC_WRAP" --cc=$cc --kernel -O1 -g -c "$OUT/src/$KSRC" -o "$o/kasan_test.ko" \
		>"$o/kt.build" 2>&1; then
		ok "$cc: kasan_test.ko builds from the unchanged kasan_test_c.c"
		env -u VMKASAN_OPTIONS timeout 300 "$INSMOD" "$o/kasan_test.ko" >"$o/kt.ktap" 2>"$o/kt.err"
		echo "exit $?" >>"$o/kt.err"
		total=$(grep -c '^    \(not \)\{0,1\}ok [0-9]' "$o/kt.ktap")
		passed=$(grep '^    ok [0-9]' "$o/kt.ktap" | grep -vc '# SKIP')
		failed=$(grep -c '^    not ok' "$o/kt.ktap")
		want=62
		[ $cc = gcc ] && want=61
		if [ "$(head -2 "$o/kt.ktap" | tr '\n' ' ')" = "KTAP version 1 1..1 " ] &&
			[ "$total" = 72 ] && [ "$failed" = 0 ] && [ "$passed" = $want ] &&
			grep -q '^ok 1 kasan$' "$o/kt.ktap"; then
			ok "$cc: kasan_test.ko at load: KTAP, $passed generic cases pass, $((total - passed)) skip, 0 fail"
		else
			echo "total $total (72) passed $passed ($want) failed $failed" >"$o/kt.why"
			not_ok "$cc: kasan_test.ko at load: $want generic cases pass" "$o/kt.why" "$o/kt.ktap"
		fi
		# Whole reports, the module's frames named [kasan_test]; the
		# reports make the status exitcode (1), no insmod/rmmod error.
		bugs=$(grep -c '^BUG: KASAN' "$o/kt.err") rulers=$(grep -c '^=================' "$o/kt.err")
		if [ "$bugs" -gt 150 ] && [ "$rulers" = $((2 * bugs)) ] && grep -q '^exit 1$' "$o/kt.err" &&
			! grep -q '^insmod: \|^rmmod: ' "$o/kt.err" &&
			grep -qE '^BUG: KASAN: slab-out-of-bounds in kmalloc_oob_right\+0x[0-9a-f]+/0x[0-9a-f]+ \[kasan_test\]$' "$o/kt.err" &&
			grep -qE '^BUG: KASAN: global-out-of-bounds in kasan_global_oob_right\+0x[0-9a-f]+/0x[0-9a-f]+ \[kasan_test\]$' "$o/kt.err" &&
			grep -qE '^ kasan_global_oob_right\+0x[0-9a-f]+/0x[0-9a-f]+ \[kasan_test\]$' "$o/kt.err"; then
			ok "$cc: kasan_test.ko: $bugs whole reports, module frames in [kasan_test]"
		else
			echo "bugs $bugs rulers $rulers" >"$o/kt.why2"
			not_ok "$cc: kasan_test.ko: whole reports naming [kasan_test]" "$o/kt.why2" "$o/kt.err"
		fi
	else
		not_ok "$cc: kasan_test.ko builds from the unchanged kasan_test_c.c" "$o/kt.build"
	fi

	"$INSMOD" "$o/mod_a.ko" count=7 >"$o/a.out" 2>&1
	echo "exit $?" >>"$o/a.out"
	expect "$cc: mod_a loads with its parameter, runs init and exit" "$o/a.out" \
		'^mod_a: init count=7$' '^mod_a: exit$' '^exit 0$'
	"$INSMOD" "$o/mod_a.ko" "$o/mod_b.ko" >"$o/ab.out" 2>&1
	echo "exit $?" >>"$o/ab.out"
	expect "$cc: mod_b uses mod_a's exported function and variable" "$o/ab.out" \
		'^mod_b: 43 42$' '^exit 0$'
	"$INSMOD" "$o/mod_a.ko" "$o/mod_b.ko" --rmmod=mod_a >"$o/rmmod.out" 2>&1
	echo "exit $?" >>"$o/rmmod.out"
	"$INSMOD" "$o/mod_a.ko" "$o/mod_b.ko" --rmmod=mod_b --rmmod=mod_a "$o/mod_global.ko" idx=9 \
		>"$o/rmmod2.out" 2>&1
	echo "exit $?" >>"$o/rmmod2.out"
	expect "$cc: --rmmod of a module in use: rmmod's words, status 1" "$o/rmmod.out" \
		'^rmmod: ERROR: Module mod_a is in use$' '^exit 1$'
	expect "$cc: --rmmod in dependency order unloads there" "$o/rmmod2.out" '^mod_a: exit$' '^exit 0$'
	# Text is read-only and executable, rodata read-only (module_enable_rox,
	# module_enable_rodata_ro): a write to rodata faults, and is reported.
	"$INSMOD" "$o/mod_rodata.ko" >"$o/rodata.out" 2>&1
	expect "$cc: a write to a module's rodata faults and is reported at the variable" "$o/rodata.out" \
		'^BUG: KASAN: unable-to-handle-page-fault in mod_rodata_init\+0x[0-9a-f]+/0x[0-9a-f]+ \[mod_rodata\]$' \
		'^Write at addr 00006' '^ mod_rodata_value\+0x0/0x[0-9a-f]+$'
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
		"$o/global.out" '^BUG: KASAN: global-out-of-bounds in mod_global_poke\+0x[0-9a-f]+/0x[0-9a-f]+ \[mod_global\]$' \
		'^ mod_global_poke\+0x[0-9a-f]+/0x[0-9a-f]+ \[mod_global\]$' \
		'^ mod_global_init\+0x[0-9a-f]+/0x[0-9a-f]+ \[mod_global\]$' 'Write of size 1 at addr 00006' \
		'^The buggy address belongs to the variable:$' '^ mod_global_buf\+0xa/0x[0-9a-f]+$' \
		'^The buggy address belongs to the virtual mapping at$'
	# Under every vmalloc shadow policy: module memory is vmalloc memory.
	for pol in keep purge refcount off; do
		VMKASAN_OPTIONS=vmalloc_shadow=$pol "$INSMOD" "$o/mod_global.ko" "$o/mod_a.ko" "$o/mod_b.ko" \
			>"$o/pol-$pol.out" 2>&1
		expect "$cc: vmalloc_shadow=$pol: modules load, link and report" "$o/pol-$pol.out" \
			'^BUG: KASAN: global-out-of-bounds in mod_global_poke\+' '^mod_b: 43 42$' '^mod_a: exit$'
	done
	# Linux's scripts/decode_stacktrace.sh, given the module folder,
	# turns the module's trace line into file:line.
	mkdir -p "$o/mods" && cp "$o/mod_global.ko" "$o/mods/"
	bash "$OUT/src/linux-source-6.12/scripts/decode_stacktrace.sh" "$INSMOD" "$o" "$o/mods" \
		<"$o/global.out" >"$o/global.decoded" 2>&1
	# (clang gives the inline report call line 0: addr2line says '?')
	line=14; [ $cc = clang ] && line='(14|\?)'
	expect "$cc: decode_stacktrace.sh resolves the module frame to its source" "$o/global.decoded" \
		"^mod_global_poke \\(.*tests/module/mod_global.c:$line\\) mod_global\$"
	"$INSMOD" "$o/mod_global.ko" idx=9 >"$o/global9.out" 2>&1
	echo "exit $?" >>"$o/global9.out"
	if grep -q KASAN "$o/global9.out" || ! grep -q '^exit 0$' "$o/global9.out"; then
		not_ok "$cc: the last byte of the module global is fine (no report)" "$o/global9.out"
	else
		ok "$cc: the last byte of the module global is fine (no report)"
	fi
	# A program that loads modules carries the kernel layer they share
	# (as vmkasan-insmod does).
	{ "$CC_WRAP" --cc=$cc -O1 -g -c "$SRC/modprog.c" -o "$o/modprog.o" &&
	  "$CC_WRAP" --cc=$cc --kernel -O1 -g -c "$ROOT/tools/insmod/kernel.c" -o "$o/kernel.o" &&
	  "$CC_WRAP" --cc=$cc -rdynamic "$o/modprog.o" "$o/kernel.o" -o "$o/modprog" -lpthread; } \
		>"$o/modprog.build" 2>&1 || not_ok "$cc: modprog builds" "$o/modprog.build"

	"$o/modprog" busy "$o" >"$o/busy.out" 2>&1
	echo "exit $?" >>"$o/busy.out"
	expect "$cc: a module in use cannot be unloaded (-EBUSY), then can" "$o/busy.out" \
		'^unload mod_a while mod_b loaded: -16$' \
		'^unload mod_b: 0$' '^unload mod_a: 0$' '^unload mod_a again: -2$' '^exit 0$'
	"$o/modprog" race "$o" >"$o/race.out" 2>&1
	echo "exit $?" >>"$o/race.out"
	expect "$cc: eight threads load the same module at once: one loads, the rest EEXIST" "$o/race.out" \
		'^race: 1 of 8 loaded$' '^unload: 0$' '^exit 0$' '^mod_a: module is already loaded$'
	# (frame_format=full: the load's inlined load_module frame is named)
	VMKASAN_OPTIONS=frame_format=full "$o/modprog" init "$o" >"$o/init.out" 2>&1
	expect "$cc: reading freed init data is a report on the freed mapping of the load" "$o/init.out" \
		'^BUG: KASAN: vmalloc-out-of-bounds in main\+' '^Read of size 1 at addr 00006' \
		'^The buggy address belongs to a freed virtual mapping at$' '^ load_module ' '^Freed by task'
	VMKASAN_OPTIONS=frame_format=full "$o/modprog" unload "$o" >"$o/unload.out" 2>&1
	expect "$cc: reading a module's data after unload is a report on its freed mapping" "$o/unload.out" \
		'^BUG: KASAN: vmalloc-out-of-bounds in main\+' '^The buggy address belongs to a freed virtual mapping at$' \
		'^ vmkasan_unload_module\+'
	# its globals were unregistered at unload: no variable is named
	if grep -q 'belongs to the variable' "$o/unload.out"; then
		not_ok "$cc: the unloaded module's globals are unregistered" "$o/unload.out"
	else
		ok "$cc: the unloaded module's globals are unregistered"
	fi

	# A relocation type the port does not know (GOTPC32, patched into
	# mod_a) and a -fno-pic module whose absolute reference cannot reach
	# the program: refused in Linux's words, nothing left behind.
	python3 "$SRC/patch_rel.py" "$o/mod_a.ko" "$o/mod_badrel.ko" 26
	"$CC_WRAP" --cc=$cc --kernel -O2 -g -fno-pic -c "$SRC/mod_far.c" -o "$o/mod_far.ko" \
		>"$o/mod_far.build" 2>&1 || not_ok "$cc: mod_far.ko builds" "$o/mod_far.build"
	for m in mod_badrel:'^mod_badrel: Unknown rela relocation: 26$' \
		 mod_far:'^overflow in relocation type (10|11|2) val [0-9a-f]+$' \
		 mod_unknown:'^mod_unknown: Unknown symbol no_such_kernel_function \(err -2\)$'; do
		n=${m%%:*} pat=${m#*:}
		"$o/modprog" leak "$o" $n >"$o/leak-$n.out" 2>&1
		expect "$cc: $n refused" "$o/leak-$n.out" "$pat" '^load: failed \(-[0-9]+\)$'
		same_live "$cc: $n refused: no area, object or shadow left" "$o/leak-$n.out"
	done

	# kasan_test.ko loaded (its suites run at load) and unloaded: its
	# areas and the shadow they used go.  The slab objects too, but for
	# workqueue_uaf: the first workqueue a program makes leaves one object
	# of the kernel layer for good (first use, not per queue).
	if [ -f "$o/kasan_test.ko" ]; then
		"$o/modprog" leak "$o" kasan_test >"$o/kt-leak.out" 2>"$o/kt-leak.err"
		if grep -q '^ok 1 kasan$' "$o/kt-leak.out" && grep -q '^load: ok (0)$' "$o/kt-leak.out" &&
			unchanged "$o/kt-leak.out" live_areas &&
			[ "$(used_shadow before "$o/kt-leak.out")" = "$(used_shadow after "$o/kt-leak.out")" ]; then
			ok "$cc: kasan_test.ko unloaded after its suite: no area or shadow left"
		else
			not_ok "$cc: kasan_test.ko unloaded after its suite: no area or shadow left" "$o/kt-leak.out"
		fi
		VMKASAN_KUNIT_FILTER='kasan.[!w]*' "$o/modprog" leak "$o" kasan_test \
			>"$o/kt-leak2.out" 2>"$o/kt-leak2.err"
		if grep -q '^ok 1 kasan$' "$o/kt-leak2.out" && grep -q '^load: ok (0)$' "$o/kt-leak2.out"; then
			same_live "$cc: kasan_test.ko but workqueue_uaf: no area, object or shadow left" "$o/kt-leak2.out"
		else
			not_ok "$cc: kasan_test.ko but workqueue_uaf: no area, object or shadow left" "$o/kt-leak2.out"
		fi
	fi

	# Damaged objects (truncated; section and symbol fields out of range):
	# each is refused or loads; none crashes the loader or runs broken code.
	if [ $cc = gcc ]; then
		rm -rf "$o/bad" && python3 "$SRC/corrupt.py" "$o/mod_a.ko" "$o/bad"
		: >"$o/bad.sum"
		refused=0 total=0
		for f in "$o"/bad/*.ko; do
			timeout 20 "$INSMOD" "$f" >"$f.out" 2>&1
			rc=$?
			total=$((total + 1))
			[ $rc = 1 ] && grep -q '^insmod: ERROR: could not insert module' "$f.out" &&
				refused=$((refused + 1))
			if { [ $rc != 0 ] && [ $rc != 1 ]; } || grep -q 'internal error\|BUG: KASAN' "$f.out"; then
				echo "$(basename "$f"): exit $rc" >>"$o/bad.sum"
				head -5 "$f.out" >>"$o/bad.sum"
			fi
		done
		if [ ! -s "$o/bad.sum" ] && [ $refused -gt 50 ]; then
			ok "$cc: $total damaged objects: $refused refused, the rest load, no crash, no report"
		else
			not_ok "$cc: damaged objects refused cleanly ($refused of $total refused)" "$o/bad.sum"
		fi
	fi

	# Every allocation the loading makes, failed in turn (fail_nth=N on
	# every path): a clean refusal or a load, nothing left, no report.
	n=1 bad="" loaded=no
	while [ $n -le 60 ]; do
		VMKASAN_OPTIONS=fail_nth=$n "$o/modprog" leak "$o" >"$o/fi.out" 2>&1
		if grep -q '^BUG: KASAN' "$o/fi.out" || ! unchanged "$o/fi.out" live_areas slab_objects; then
			bad="$bad $n"; cp "$o/fi.out" "$o/fi-$n.out"
		fi
		grep -q '^load: ok' "$o/fi.out" && { loaded=yes; break; }
		n=$((n + 1))
	done
	echo "fail_nth=1..$n" >"$o/fi.sum"
	if [ -z "$bad" ] && [ $loaded = yes ] && [ $n -gt 5 ]; then
		ok "$cc: fault injection at each of the $((n - 1)) allocations of a load: clean refusal, nothing left"
	else
		echo "bad: $bad loaded: $loaded" >>"$o/fi.sum"
		not_ok "$cc: fault injection at each allocation of a load: clean refusal, nothing left" \
			"$o/fi.sum" $(for b in $bad; do echo "$o/fi-$b.out"; done | head -2)
	fi

	# 1000 load/unload cycles under refcount, its cache of unused shadow
	# pages off: areas, objects, resident shadow and mappings back to
	# where they started.
	VMKASAN_OPTIONS=vmalloc_shadow=refcount:vmalloc_shadow_cache=0 "$o/modprog" cycles "$o" 1000 \
		>"$o/cycles.out" 2>&1
	echo "exit $?" >>"$o/cycles.out"
	if grep -q '^exit 0$' "$o/cycles.out" && unchanged "$o/cycles.out" live_areas slab_objects shadow_pages vma_count; then
		ok "$cc: 1000 load/unload cycles (refcount): areas, objects, resident shadow, mappings as at the start"
	else
		not_ok "$cc: 1000 load/unload cycles (refcount): areas, objects, resident shadow, mappings as at the start" \
			"$o/cycles.out"
	fi
	grep -E '^(before|after):' "$o/cycles.out" | sed "s/^/# $cc cycles /"
done
finish
