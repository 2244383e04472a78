#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The bare-metal RISC-V64 suite (make check runs it):
#
#   tests/riscv/run.sh [OUTDIR]      (default build/tests/riscv)
#
# Builds the guest programs with build/bin/vmkasan-cc --target=riscv64-virt
# in two builds (gcc with inline checks, clang with outline checks), runs
# each case in its own QEMU virt guest with 32 MiB (-smp 2 for the race
# and per-hart cases), $JOBS guests at a time, every one under a timeout
# (a guest that hangs is killed and its case fails), then prints one TAP
# line per check ("ok N - ..." / "not ok N - ..." with "#" lines saying
# why) and last "N passed, N failed".  What runs:
#   - the bug catalog (tests/catalog/cases.tab) for the programs that
#     exist on bare metal (global, stack, mem, unaligned, wild);
#   - tests/riscv/guest.c: the poison page, vmalloc/vmap/per-cpu bugs,
#     bad input (NULL, wild, unmapped kernel VA, device space), vmap
#     stacks, big areas' zero shadow (cost, writes, use after vfree),
#     the seeded model test with the page tables as the truth
#     under each policy, the RAM budget, fault injection, two harts
#     racing populate and release;
#   - test_vmalloc's smoke preset as a guest (tools/test_vmalloc/guest).
# make check runs suites with sh: this one needs bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
export LC_ALL=C
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
case ${1:-} in
--build-one|--run-batch) ;;	# OUT comes from the environment
*)	OUT=${1:-$ROOT/build/tests/riscv}
	case $OUT in /*) ;; *) OUT=$ROOT/$OUT ;; esac
	export OUT ;;
esac
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
GUEST_TIMEOUT=${GUEST_TIMEOUT:-30}
CC_WRAP=$ROOT/build/bin/vmkasan-cc
QEMU=$ROOT/build/bin/vmkasan-qemu
BUILDS="gcc-inline clang-outline"
CATALOG_PROGS="global stack mem unaligned wild"

# ---- internal entry points (run by xargs) ----
if [ "${1:-}" = --build-one ]; then	# BUILD PROG
	b=$2 prog=$3 cc=${2%-*} mode=${2#*-} dir=$OUT/$2
	case $prog in
	guest) src=$ROOT/tests/riscv/guest.c ;;
	libc) src=$ROOT/tests/riscv/libc.c ;;
	args) src=$ROOT/tests/riscv/args.c ;;
	test_vmalloc) src="-DTV_INSTRUMENTED=1 -I$ROOT/tools/test_vmalloc $ROOT/tools/test_vmalloc/guest/test_vmalloc.c" ;;
	*) src=$ROOT/tests/catalog/$prog.c ;;
	esac
	rm -f "$dir/$prog.elf" "$dir/$prog.ok"
	# shellcheck disable=SC2086 # src may carry flags
	"$CC_WRAP" --target=riscv64-virt --cc="$cc" --"$mode" -g -O1 -Wall -I"$ROOT/tests/catalog" \
		$src -o "$dir/$prog.elf" >"$dir/$prog.log" 2>&1 && touch "$dir/$prog.ok"
	exit 0
fi
if [ "${1:-}" = --run-batch ]; then	# GROUP: $OUT/groups/GROUP.{names,args,how}
	g=$OUT/groups/$2
	read -r b prog smp opts <"$g.how"
	[ "$opts" = - ] && opts=
	count=$(wc -l <"$g.names")
	# Each run is a fresh boot of the same QEMU (a reset in between).
	VMKASAN_OPTIONS=$opts "$QEMU" --smp="$smp" --timeout=$((GUEST_TIMEOUT + 5 * count)) \
		--batch="$g.args" "$OUT/$b/$prog.elf" >"$g.out" 2>&1
	echo $? >"$g.rc"
	echo "$SECONDS" >"$g.secs"
	# Split the UART at the run markers; a run without its exit marker
	# never ended: the batch was killed (124) or died.
	awk -v dir="$OUT/run" -v names="$g.names" -v rc="$(cat "$g.rc")" '
		BEGIN { while ((getline l < names) > 0) name[n++] = l; cur = -1 }
		/^@@vmkasan-run [0-9]+$/ { cur = $2; next }
		/^@@vmkasan-exit [0-9]+ [0-9]+$/ { print $3 > (dir "/" name[$2] ".rc"); close(dir "/" name[$2] ".rc"); cur = -1; done[$2] = 1; next }
		cur >= 0 { print > (dir "/" name[cur] ".out") }
		END {
			for (i = 0; i < n; i++) if (!done[i]) {
				print (rc == 0 ? 125 : rc) > (dir "/" name[i] ".rc")
				printf "" >> (dir "/" name[i] ".out")
			}
		}' "$g.out"
	exit 0
fi

n=0 passed=0 failed=0
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $1"; }
not_ok() {
	local l
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift
	for l in "$@"; do printf '#   %s\n' "$l"; done
}
finish() { echo "$passed passed, $failed failed"; [ $failed -eq 0 ]; exit; }

missing=
for t in qemu-system-riscv64 riscv64-unknown-elf-gcc riscv64-unknown-elf-ld clang; do
	command -v $t >/dev/null 2>&1 || missing="$missing $t"
done
if [ -n "$missing" ] || [ ! -f "$ROOT/build/riscv/lib/libvmkasan-riscv.a" ]; then
	not_ok "riscv toolchain and runtime present" "missing:${missing:- build/riscv (make riscv)}" \
		"install: apt-get install -y qemu-system-misc gcc-riscv64-unknown-elf lld"
	finish
fi

rm -rf "$OUT"
mkdir -p "$OUT/run"
for b in $BUILDS; do mkdir -p "$OUT/$b"; done

# ---- build ----
progs="guest libc args test_vmalloc $CATALOG_PROGS"
for b in $BUILDS; do for p in $progs; do echo "$b $p"; done; done |
	xargs -r -P "$JOBS" -L 1 "$0" --build-one
for b in $BUILDS; do
	for p in $progs; do
		if [ -f "$OUT/$b/$p.ok" ]; then ok "build $p [$b]"
		else not_ok "build $p [$b]" "$(tail -5 "$OUT/$b/$p.log")"; fi
	done
done

# ---- the run list: NAME BUILD PROG SMP OPTIONS ARGS... ----
jobs=$OUT/jobs.txt
: >"$jobs"
job() { echo "$*" >>"$jobs"; }
# gcc 12 on RISC-V gives no redzones to locals aligned above 16 bytes
# (the target cannot realign its stack); clang does.
gcc_unprotected=" stack_read8 stack_write8 stack_read16 stack_write16 stack_read32 stack_write32 stack_read64 stack_write64 stack_read128 stack_write128 stack_oob_left_overaligned "
# Cases that need a Linux process on x86-64 (mmap holes, lodsb): not built for the guest.
hosted_only=" memcpy_from_unmapped memset_unmapped memmove_to_unmapped unmapped_read noncanonical_string_read "
catalog_rows() {	# prog case type rw size func desc builds end stdout, for this build's mode
	awk -v mode="$1" -v progs=" $CATALOG_PROGS " -v skip="$hosted_only" '
		/^#/ || NF < 10 { next }
		index(skip, " " $2 " ") { next }
		index(progs, " " $1 " ") && ($8 == "all" || $8 == mode) { print }' \
		"$ROOT/tests/catalog/cases.tab"
}
GUEST_CASES="unused_vmalloc_read poison_swap vmalloc_oob vmalloc_uaf double_vfree vmap_oob
	vm_map_ram_bad_count percpu_oob null_read device_read unmapped_ram_read kernel_va_read
	metadata_read wild_jump illegal_insn breakpoint stack_overflow stack_guard_pte main_stack_overflow huge_stack oom timer_sleep clean"
LIBC_CASES="malloc_overflow malloc_sane aligned_oob aligned_underflow free_inside alloca_oob headers"
for b in $BUILDS; do
	catalog_rows "${b#*-}" | while read -r prog case rest; do
		job "$b.$prog.$case $b $prog 1 - $case"
	done
	for c in $GUEST_CASES; do
		# refcount's cache would keep the released page: without it, the
		# release swaps the poison page straight back.
		if [ $c = poison_swap ]; then o=vmalloc_shadow_cache=0; else o=-; fi
		job "$b.guest.$c $b guest 1 $o $c"
	done
	for c in $LIBC_CASES; do
		job "$b.libc.$c $b libc 1 - $c"
	done
	job "$b.guest.unmapped_shadow_read $b guest 1 vmalloc_shadow_unmapped=1 unused_vmalloc_read"
	job "$b.guest.poison_swap_keep $b guest 1 vmalloc_shadow=keep poison_swap"
	job "$b.guest.poison_swap_purge $b guest 1 vmalloc_shadow=purge poison_swap"
	i=0
	for pol in keep purge refcount; do
		i=$((i + 1))
		job "$b.guest.model_$pol $b guest 1 vmalloc_shadow=$pol model $i 400"
	done
	job "$b.guest.model_unmapped $b guest 1 vmalloc_shadow_unmapped=1 model 7 400"
	job "$b.guest.model_nocache $b guest 1 vmalloc_shadow_cache=0 model 9 400"
	for path in shadow page area; do
		# No cache: with one, the workload reuses its cached shadow pages
		# and the shadow path is hardly taken.
		job "$b.guest.inject_$path $b guest 1 fail_path=$path:fail_prob=0.02:vmalloc_shadow_cache=0 fault_inject"
	done
	for pol in keep purge refcount; do
		job "$b.guest.smp_race_$pol $b guest 2 vmalloc_shadow=$pol smp_race"
	done
	job "$b.guest.smp_report $b guest 2 - smp_report"
	# big areas: zero shadow (the zero page until written)
	for pol in keep purge refcount; do
		job "$b.guest.big_cost_$pol $b guest 1 vmalloc_shadow=$pol big_cost 3"
		job "$b.guest.big_uaf_$pol $b guest 1 vmalloc_shadow=$pol big_uaf"
	done
	job "$b.guest.big_uaf_unmapped $b guest 1 vmalloc_shadow_unmapped=1 big_uaf"
	# no lazy purge at its vfree: it would flush the other hart's TLB too
	job "$b.guest.smp_big_uaf $b guest 2 vmalloc_lazy_max=1G smp_big_uaf"
	job "$b.guest.smp_big_write $b guest 2 - smp_big_write"
	job "$b.guest.big_oom_write $b guest 1 - big_oom_write"
	job "$b.guest.smp_handoff $b guest 2 - smp_handoff"
	job "$b.guest.percpu_smp $b guest 2 - percpu_oob"
	# every policy once per compiler is enough: gcc all three, clang refcount
	if [ $b = gcc-inline ]; then tvs=all; else tvs=refcount; fi
	job "$b.test_vmalloc.smoke $b test_vmalloc 1 - --preset=smoke --shadow=$tvs"
done
# One QEMU per group of runs with the same program, harts and options
# (--batch); guests whose program did not build are not run.
mkdir -p "$OUT/groups"
while read -r name b prog smp opts args; do
	[ -f "$OUT/$b/$prog.ok" ] || continue
	key=$(printf '%s' "$b.$prog.$smp.$opts" | tr -c 'A-Za-z0-9_.=-' '_')
	echo "$name" >>"$OUT/groups/$key.names"
	echo "$args" >>"$OUT/groups/$key.args"
	echo "$b $prog $smp $opts" >"$OUT/groups/$key.how"
done <"$jobs"
# the biggest groups first: they bound the wall time
for f in "$OUT"/groups/*.names; do
	[ -e "$f" ] && echo "$(wc -l <"$f") $(basename "$f" .names)"
done | sort -rn | awk '{ print $2 }' | xargs -r -P "$JOBS" -L 1 "$0" --run-batch

# ---- checks ----
out() { cat "$OUT/run/$1.out" 2>/dev/null; }
rc() { cat "$OUT/run/$1.rc" 2>/dev/null || echo none; }
# check NAME DESCRIPTION RC_WANTED(any: 1..127) [grep -E patterns that must match ...] [! pattern that must not]
check() {
	local name=$1 desc=$2 want=$3 r why=()
	shift 3
	if [ ! -f "$OUT/run/$name.rc" ]; then not_ok "$desc" "not run (build failed?)"; return; fi
	r=$(rc "$name")
	case $want in
	any) [ "$r" -ge 1 ] && [ "$r" -le 127 ] && [ "$r" -ne 124 ] || why+=("exit status $r, wanted a report's 1..127") ;;
	*) [ "$r" = "$want" ] || why+=("exit status $r, wanted $want") ;;
	esac
	[ "$r" = 124 ] && why+=("the guest hung: killed by the timeout")
	[ "$r" = 125 ] && why+=("the guest never ended this run (its batch died first), or vmkasan-qemu refused to start (125)")
	local neg=no
	for p in "$@"; do
		if [ "$p" = '!' ]; then neg=yes; continue; fi
		if [ $neg = no ]; then
			out "$name" | grep -qE -- "$p" || why+=("no line matching: $p")
		else
			out "$name" | grep -qE -- "$p" && why+=("a line matches what must not: $p")
		fi
		neg=no
	done
	if [ ${#why[@]} -eq 0 ]; then ok "$desc"
	else not_ok "$desc" "${why[@]}" "output: $OUT/run/$name.out"; fi
}
expect_addr() {	# NAME: the EXPECT address as the report prints it
	local a
	a=$(out "$1" | sed -n 's/^EXPECT 0x\([0-9a-f]*\)$/\1/p' | head -1)
	[ -n "$a" ] && printf '%016x\n' $((16#$a))
}

# src_line FILE FUNC TEXT: the line of the first TEXT after "FUNC(" in FILE.
src_line() {
	awk -v f="$2(" -v t="$3" 'index($0, f) { in_f = 1 } in_f && index($0, t) { print FNR; exit }' "$ROOT/$1"
}
# The host's addr2line, which trace-lines.pl asks (none: lines stay as
# the guest prints them, checked below).
addr2line=$(command -v riscv64-unknown-elf-addr2line || command -v llvm-addr2line || true)

for b in $BUILDS; do
	mode=${b#*-} cc=${b%-*}
	while read -r prog case type rw size func desc builds end stdout; do
		name=$b.$prog.$case
		[ "$func" = - ] && func=$case
		func=${func%@*}
		# Not applicable (not a pass, not a skip): gcc 12 gives RISC-V locals
		# aligned above 16 bytes no redzones (README, Limitations).
		if [ $cc = gcc ] && [[ $gcc_unprotected == *" $case "* ]]; then
			continue
		fi
		# RISC-V has 39-bit virtual addresses: the catalog's wild address
		# (2^44) is non-canonical here, and inline checks fault on its shadow.
		if [ $prog = wild ] && [[ $case == wild_read || $case == wild_write8 || $case == noncanonical_* ]]; then
			end=fatal
			[ $mode = inline ] && { rw='?'; size='?'; }
		fi
		pats=("^BUG: KASAN: $type in $func\+0x")
		if [ "$size" != '?' ]; then
			addr=$(expect_addr "$name")
			pats+=("^$rw of size $size at addr ${addr:-[0-9a-f]+} by task ")
		fi
		[ "$stdout" != - ] && pats+=("^$stdout")
		case $end in
		cont) check "$name" "catalog $case [$b]" 1 "${pats[@]}" "^AFTER $case" ;;
		fatal) check "$name" "catalog $case [$b]" 1 "${pats[@]}" '!' "^AFTER $case" ;;
		*) check "$name" "catalog $case [$b]" any "${pats[@]}" ;;
		esac
		if [ $end = cont ] && [ "$(out "$name" | grep -c '^BUG: KASAN')" != 1 ]; then
			not_ok "catalog $case [$b]: exactly one report" "$(out "$name" | grep -c '^BUG: KASAN') reports"
		fi
	done < <(catalog_rows "$mode")

	g=$b.guest
	a() { expect_addr "$g.$1"; }
	check $g.unused_vmalloc_read "unused vmalloc space reads the poison page, reported at the address [$b]" 1 \
		'^PTE 1$' '^BUG: KASAN: vmalloc-out-of-bounds in unused_vmalloc_read\+' \
		"^Read of size 1 at addr $(a unused_vmalloc_read) " 'where no mapping'
	check $g.unmapped_shadow_read "vmalloc_shadow_unmapped=1: unused shadow is absent, reported from the fault [$b]" 1 \
		'^PTE 0$' '^BUG: KASAN: vmalloc-out-of-bounds in unused_vmalloc_read\+' \
		"^Read of size 1 at addr $(a unmapped_shadow_read) "
	check $g.poison_swap "refcount: populate swaps poison for a frame, release swaps back [$b]" 0 '^RELEASED 1$' '^PASS poison_swap'
	check $g.poison_swap_purge "purge: the purge swaps the poison page back [$b]" 0 '^RELEASED 1$' '^PASS poison_swap'
	check $g.poison_swap_keep "keep: the frame stays after vfree and purge [$b]" 0 '^RELEASED 2$' '^PASS poison_swap'
	check $g.vmalloc_oob "vmalloc out of bounds [$b]" 1 '^BUG: KASAN: vmalloc-out-of-bounds in vmalloc_oob\+' \
		"^Write of size 1 at addr $(a vmalloc_oob) " '3000-byte region' '^AFTER vmalloc_oob'
	check $g.vmalloc_uaf "vmalloc use after free (the report, then the unmapped page faults) [$b]" 1 \
		'^BUG: KASAN: vmalloc-out-of-bounds in vmalloc_uaf\+' "^Read of size 1 at addr $(a vmalloc_uaf) " \
		'freed virtual mapping' '^Freed by task 1:'
	check $g.double_vfree "double vfree [$b]" 1 '^BUG: KASAN: double-free or invalid-free in double_vfree\+' \
		'already freed' '^AFTER double_vfree'
	check $g.vmap_oob "vmap alias and its guard [$b]" 1 '^BUG: KASAN: vmalloc-out-of-bounds in vmap_oob\+' \
		"^Write of size 1 at addr $(a vmap_oob) " "guard page" '!' '^FAIL'
	check $g.vm_map_ram_bad_count "vm_unmap_ram with the wrong count [$b]" 1 \
		'^BUG: KASAN: double-free or invalid-free in vm_map_ram_bad_count\+' 'with count 1, but it maps 2 pages' \
		'^AFTER vm_map_ram_bad_count'
	check $g.percpu_oob "per-cpu out of bounds [$b]" 1 '^CPUS 1$' '^BUG: KASAN: vmalloc-out-of-bounds in percpu_oob\+' \
		'per-cpu unit' '^AFTER percpu_oob' '!' '^FAIL'
	check $g.percpu_smp "per-cpu: one unit per hart under -smp 2 [$b]" 1 '^CPUS 2$' \
		'^BUG: KASAN: vmalloc-out-of-bounds in percpu_oob\+' '!' '^FAIL'
	check $g.null_read "NULL: a report with a trace [$b]" 1 '^BUG: KASAN: null-ptr-deref in null_read\+' \
		'^Read of size 4 at addr 0000000000000008' '^ main\+'
	check $g.device_read "device space (the UART): a report, the read goes on [$b]" 1 \
		'^BUG: KASAN: wild-memory-access in device_read\+' "^Read of size 1 at addr $(a device_read) " '^AFTER device_read'
	check $g.unmapped_ram_read "above RAM: a report, then the fault [$b]" 1 \
		'^BUG: KASAN: wild-memory-access in unmapped_ram_read\+' "at addr $(a unmapped_ram_read) " '^ main\+'
	check $g.kernel_va_read "an unmapped upper-half (kernel) address [$b]" 1 \
		'^BUG: KASAN: wild-memory-access in kernel_va_read\+' 'addr ffffffc000001000' '^ main\+'
	check $g.metadata_read "the runtime's metadata region [$b]" 1 \
		'^BUG: KASAN: wild-memory-access in metadata_read\+' '^AFTER metadata_read'
	check $g.wild_jump "a jump to nowhere [$b]" 1 '^BUG: KASAN: unable-to-handle-page-fault' \
		'^Execute of addr 0000000012345678' '^ main\+'
	# Linux riscv's die() for a kernel trap that is no access
	# (arch/riscv/kernel/traps.c): "Oops - illegal instruction [#1]", or
	# "Kernel BUG" for ebreak, the registers (process.c __show_regs), the
	# instruction halfwords with the faulting one in brackets.
	check $g.illegal_insn "an illegal instruction: Linux's oops, with the pc [$b]" 1 \
		'^Oops - illegal instruction \[#1\]$' '^epc : illegal_insn\+0x[0-9a-f]+/0x[0-9a-f]+$' \
		'^epc : [0-9a-f]{16} ra : [0-9a-f]{16} sp : [0-9a-f]{16}$' \
		'^status: [0-9a-f]{16} badaddr: [0-9a-f]{16} cause: 0000000000000002$' \
		'^ illegal_insn\+0x' '^Code: ([0-9a-f]{4} ){10}\(0000\) [0-9a-f]{4}' \
		'!' 'unable-to-handle-page-fault' '!' '^AFTER'
	check $g.breakpoint "ebreak: Linux's \"Kernel BUG\" oops [$b]" 1 \
		'^Kernel BUG \[#1\]$' '^epc : breakpoint\+0x' 'cause: 0000000000000003$' \
		'^Code: ([0-9a-f]{4} ){10}\(9002\)' '!' 'unable-to-handle-page-fault' '!' '^AFTER'
	check $g.stack_overflow "vmap stack overflow hits the guard [$b]" 1 '^BUG: KASAN: stack-overflow in recurse\+' \
		'by task thread/' 'guard page below it' '^ recurse\+'
	check $g.stack_guard_pte "a thread's guard page is a guard PTE [$b]" 0 '^PASS stack_guard_pte'
	# main's stack is a vmap stack too (the task is the program, pid 1)
	check $g.huge_stack "a thread stack of SIZE_MAX - k bytes: no thread, not a stack of no pages [$b]" 0 \
		'^PASS huge_stack' '!' '^BUG' '!' '^FAIL'
	check $g.main_stack_overflow "main's stack overflow hits its guard [$b]" 1 \
		'^BUG: KASAN: stack-overflow in recurse\+' 'by task guest\.elf/1$' 'guard page below it' \
		'^ recurse\+' '!' '^STACK '
	for pol in keep purge refcount unmapped nocache; do
		check $g.model_$pol "seeded model test, page tables as truth: $pol [$b]" 0 '^PASS model' '!' '^BUG'
	done
	check $g.oom "the RAM budget is the real RAM [$b]" 0 '^OOM after' '^PASS oom' '!' '^BUG'
	for path in shadow page area; do
		check $g.inject_$path "fault injection on $path: failures leave nothing behind [$b]" 0 '^PASS fault_inject'
	done
	for pol in keep purge refcount; do
		check $g.smp_race_$pol "-smp 2: populate/release races, $pol [$b]" 0 '^HARTS 2$' '^PASS smp_race' '!' '^BUG'
	done
	check $g.smp_handoff "-smp 2: areas made on one hart, used on the other, no stale-shadow report [$b]" 0 \
		'^PASS smp_handoff' '!' '^BUG'
	check $g.smp_report "-smp 2: a report from the second hart [$b]" 1 '^HART 1$' \
		'^BUG: KASAN: vmalloc-out-of-bounds in hart1_oob\+' 'by task thread/'
	for pol in keep purge refcount; do
		check $g.big_cost_$pol "$pol: a big area's shadow is the zero page, written pages get frames, vfree gives all back [$b]" 0 \
			'^BIG [0-9]+ KiB' '^PASS big_cost' '!' '^BUG' '!' '^FAIL'
	done
	for pol in keep purge refcount unmapped; do
		check $g.big_uaf_$pol "$pol: use after vfree in the middle of a big area [$b]" 1 \
			'^BUG: KASAN: vmalloc-out-of-bounds in big_uaf\+' "^Read of size 1 at addr $(a big_uaf_$pol) " \
			'^Freed by task 1:'
	done
	check $g.smp_big_uaf "-smp 2: use after vfree of a big area on the hart that read its zero shadow [$b]" 1 \
		'^HART 1$' '^BUG: KASAN: vmalloc-out-of-bounds in hart1_big_read\+' \
		"^Read of size 1 at addr $(a smp_big_uaf) by task thread/" '!' '^AFTER smp_big_uaf'
	check $g.smp_big_write "-smp 2: both harts write the same zero shadow pages [$b]" 0 \
		'^PASS smp_big_write' '!' '^BUG' '!' 'internal error'
	# (the end of an internal error: abort's 134, as the hosted port's)
	check $g.big_oom_write "no RAM for a written zero shadow page: a message, the end [$b]" 134 \
		'^vmkasan: out of memory: the shadow of vmalloc address [0-9a-f]+ needs a frame and the RAM budget has none left' \
		'!' '^AFTER big_oom_write' '!' '^BUG'
	check $g.timer_sleep "the timer: a 10 ms sleep on stimecmp and wfi [$b]" 0 '^PASS timer_sleep'
	check $g.clean "vzalloc reads zero, no report [$b]" 0 '^REPORTS 0$' '^PASS clean'
	# file:line in traces, from the ELF's DWARF on the host (vmkasan-qemu's
	# trace-lines.pl): a catalog case's frames (return addresses, looked up
	# at pc - 1), and the first frame of a report made by a trap (the
	# faulting pc itself).
	if [ -n "$addr2line" ]; then
		l=$(src_line tests/catalog/global.c global_oob_right_read 'p[hide(10)];')
		m=$(src_line tests/catalog/catalog.h catalog_main 'cases[i].fn();')
		check $b.global.global_oob_right_read "trace lines carry file:line (global.c:$l, catalog.h:$m) [$b]" 1 \
			"^ global_oob_right_read\+0x[0-9a-f]+/0x[0-9a-f]+ [^ ]*tests/catalog/global\.c:$l \[global\.elf\+0x[0-9a-f]+\]\$" \
			"^ main\+0x[0-9a-f]+/0x[0-9a-f]+ [^ ]*tests/catalog/catalog\.h:$m \[global\.elf\+0x[0-9a-f]+\]\$"
		l=$(src_line tests/riscv/guest.c vmalloc_uaf '(void)v[10];')
		f=$(out $g.vmalloc_uaf | awk '/^BUG: KASAN: unable-to-handle-page-fault/ { t = 1 } t && /^Call Trace:/ { getline; print; exit }')
		if [[ $f =~ ^\ vmalloc_uaf\+0x[0-9a-f]+/0x[0-9a-f]+\ [^\ ]*tests/riscv/guest\.c:$l\ \[guest\.elf\+ ]]; then
			ok "file:line of a trap's pc (guest.c:$l) [$b]"
		else
			not_ok "file:line of a trap's pc (guest.c:$l) [$b]" "first frame: ${f:-none}" "output: $OUT/run/$g.vmalloc_uaf.out"
		fi
	fi
	# the guest C library: sizes that wrap or cannot fit fail with ENOMEM
	# (glibc's malloc(3)), aligned blocks keep their redzones, the
	# headers programs for a hosted libc include
	lc=$b.libc
	check $lc.malloc_overflow "malloc/calloc/realloc/aligned_alloc/posix_memalign of SIZE_MAX - k: NULL, ENOMEM [$b]" 0 \
		'^PASS malloc_overflow' '!' '^FAIL' '!' '^BUG'
	check $lc.malloc_sane "aligned blocks are aligned, realloc keeps contents, calloc zeroes [$b]" 0 \
		'^PASS malloc_sane' '!' '^FAIL' '!' '^BUG'
	check $lc.aligned_oob "aligned_alloc: one byte past the block [$b]" 1 \
		'^BUG: KASAN: vmalloc-out-of-bounds in aligned_oob\+' "^Read of size 1 at addr $(expect_addr $lc.aligned_oob) " \
		'^AFTER aligned_oob'
	check $lc.aligned_underflow "aligned_alloc: one byte before the block [$b]" 1 \
		'^BUG: KASAN: vmalloc-out-of-bounds in aligned_underflow\+' \
		"^Read of size 1 at addr $(expect_addr $lc.aligned_underflow) " '^AFTER aligned_underflow'
	check $lc.free_inside "free() of a pointer inside a block: invalid free at that pointer [$b]" 1 \
		'^BUG: KASAN: double-free or invalid-free in free_inside\+' \
		"^Free of addr $(expect_addr $lc.free_inside) " '^AFTER free_inside'
	check $lc.alloca_oob "<alloca.h>: alloca out of bounds [$b]" 1 \
		'^BUG: KASAN: alloca-out-of-bounds in alloca_oob\+' "^Read of size 1 at addr $(expect_addr $lc.alloca_oob) " \
		'^AFTER alloca_oob'
	check $lc.headers "<inttypes.h>, <sys/types.h>, <strings.h>, <malloc.h> [$b]" 0 '^PASS headers' '!' '^FAIL'
	if [ $b = gcc-inline ]; then pols="keep purge refcount"; else pols=refcount; fi
	pats=()
	for p in $pols; do pats+=("^## policy $p"); done
	check $b.test_vmalloc.smoke "test_vmalloc --preset=smoke --shadow=${pols// /,} in the guest [$b]" 0 \
		"${pats[@]}" '^test_vmalloc: PASS' '^refcount samples over 1.1×LB\+64: 0 of' \
		'!' '^BUG' '!' 'FAIL'
	nsum=$(out $b.test_vmalloc.smoke | grep -c '^Summary: .* passed: ')
	want=$((9 * $(echo $pols | wc -w)))
	if [ "$nsum" = $want ]; then ok "test_vmalloc: 9 Summary lines per policy [$b]"
	else not_ok "test_vmalloc: 9 Summary lines per policy [$b]" "$nsum Summary lines, wanted $want"; fi
done
# ---- vmkasan-qemu: the command line, refusals, the timeout ----
# (no batch: arguments here have spaces; each run is bounded by
# `timeout` as a hang guard, not as a measurement)
# args_check DESC ARGS...: the guest sees exactly ARGS, byte for byte
# (the guest prints each in hex; perl writes what it must print)
args_check() {
	local desc=$1 f=$OUT/run/args.out r why=()
	shift
	timeout 120 "$QEMU" --timeout=60 "$OUT/gcc-inline/args.elf" args "$@" >"$f" 2>&1
	r=$?
	[ $r = 0 ] || why+=("exit status $r")
	perl -e 'printf "ARGC %d\n", @ARGV + 1; printf "ARG %d %s\n", $_ + 1, unpack("H*", $ARGV[$_]) for 0 .. $#ARGV' \
		-- args "$@" >"$f.want"
	grep -E '^ARGC? ' "$f" | cmp -s - "$f.want" ||
		why+=("$(grep -m1 '^ARGC' "$f" || echo 'no ARGC line'), wanted $(($# + 2)); first difference:"
		      "$(grep -E '^ARGC? ' "$f" | cmp - "$f.want" 2>&1 | head -1)")
	if [ ${#why[@]} -eq 0 ]; then ok "$desc"; else not_ok "$desc" "${why[@]}" "output: $f"; fi
}
# refused DESC WANT_PATTERN ARGS...: status 125 (usage) and a message
refused() {
	local desc=$1 pat=$2 f=$OUT/run/refused.out r why=()
	shift 2
	timeout 60 "$QEMU" --timeout=5 "$@" >"$f" 2>&1
	r=$?
	[ $r = 125 ] || why+=("exit status $r, wanted 125 (usage)")
	grep -qE -- "$pat" "$f" || why+=("no line matching: $pat")
	if [ ${#why[@]} -eq 0 ]; then ok "$desc"; else not_ok "$desc" "${why[@]}" "output: $(head -c 300 "$f")"; fi
}
if [ -f "$OUT/gcc-inline/args.ok" ]; then
	many=()
	for i in $(seq 1 300); do many+=("a$i"); done
	many+=("two words" "" "%41" "100%" "$(printf 'tab\there')" "quote\"'" "$(printf '\303\251t\303\251')" '*?[x]\' -- --next --batch VMKASAN_OPTIONS=halt_on_error=0 -)
	args_check "vmkasan-qemu: 313 arguments (specials, empty, %xx-like, like its markers) all reach the guest" "${many[@]}"
	spaces=$(printf '%40000s' '')
	args_check "vmkasan-qemu: an argument of 40000 spaces (120000 bytes encoded) reaches the guest" "$spaces" x
	# (one host exec argument is at most 128 KiB, so it takes encoding to go past)
	refused "vmkasan-qemu: a command line over QEMU's 131071 bytes is refused, saying the limit" \
		'^vmkasan-qemu: the arguments take 1500[0-9]+ bytes .* more than the 131071 ' \
		"$OUT/gcc-inline/args.elf" "$(printf '%50000s' '')"
	d=$OUT/run/files
	mkdir -p "$d/adir"
	: >"$d/empty.elf"
	printf 'not a program\n' >"$d/text.elf"
	printf '\177ELF\002\001' >"$d/short.elf"
	printf 'int main(void) { for (;;); }\n' >"$d/host.c"
	refused "vmkasan-qemu: a missing file is a usage error" ': no such file$' "$d/nosuch.elf"
	refused "vmkasan-qemu: a directory is a usage error" ': is a directory' "$d/adir"
	refused "vmkasan-qemu: an empty file is a usage error" ': is empty' "$d/empty.elf"
	refused "vmkasan-qemu: a text file is not an ELF" ': not an ELF file' "$d/text.elf"
	refused "vmkasan-qemu: a truncated ELF header" ': truncated ELF header' "$d/short.elf"
	if cc "$d/host.c" -o "$d/host.elf" 2>/dev/null; then
		refused "vmkasan-qemu: a host ELF is refused, not run until the timeout" 'an ELF for .*, not RISC-V' "$d/host.elf"
	fi
	if riscv64-unknown-elf-gcc -c "$d/host.c" -o "$d/obj.o" 2>/dev/null; then
		refused "vmkasan-qemu: a RISC-V object file is not an executable" 'a relocatable object' "$d/obj.o"
	fi
	refused "vmkasan-qemu: an unknown option" 'unknown option --frobnicate' --frobnicate "$OUT/gcc-inline/args.elf"
	refused "vmkasan-qemu: no program" '^usage: vmkasan-qemu'
	# a guest that never exits: 124, and vmkasan-qemu says why
	f=$OUT/run/hang.out
	timeout 60 "$QEMU" --timeout=2 "$OUT/gcc-inline/args.elf" hang >"$f" 2>&1
	r=$?
	if [ $r = 124 ] && grep -q '^vmkasan-qemu: the guest did not exit within 2 s and was killed' "$f"; then
		ok "vmkasan-qemu: a guest that never exits: status 124, said in its own words"
	else
		not_ok "vmkasan-qemu: a guest that never exits: status 124, said in its own words" "exit status $r" \
			"output: $(head -c 300 "$f")"
	fi
fi
# No addr2line: the guest's lines go out unchanged.
if [ -f "$OUT/gcc-inline/global.ok" ]; then
	f=$(VMKASAN_ADDR2LINE=none "$QEMU" "$OUT/gcc-inline/global.elf" global_oob_right_read 2>&1 |
		awk '/^Call Trace:/ { getline; print; exit }')
	if [[ $f =~ ^\ global_oob_right_read\+0x[0-9a-f]+/0x[0-9a-f]+\ \[global\.elf\+0x[0-9a-f]+\]$ ]]; then
		ok "VMKASAN_ADDR2LINE=none: trace lines as the guest prints them"
	else
		not_ok "VMKASAN_ADDR2LINE=none: trace lines as the guest prints them" "first frame: ${f:-none}"
	fi
fi
finish
