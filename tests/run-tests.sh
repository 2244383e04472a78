#!/bin/bash
# SPDX-License-Identifier: MIT
#
# vmkasan test suite (`make check`, after `make`).
#
#   tests/run-tests.sh [BUILD...]      BUILD: gcc-inline gcc-outline clang-inline clang-outline
#
# 1. Builds every test program with build/bin/vmkasan-cc in the four
#    builds (gcc and clang x inline and outline checks) into
#    build/tests/<build>/, $JOBS compilers at a time (default: nproc).
# 2. Runs each bug-catalog case (tests/catalog/cases.tab) and each
#    section of the clean program (tests/clean) in a child process, $JOBS
#    at a time, keeping stdout, stderr and the exit status of each; the
#    symbolizer unit tests (tests/unit/run_symbolize.sh) run meanwhile.
# 3. Checks the results in a fixed order, running the options tests
#    (tests/options) one by one, and prints one TAP line per check,
#    "ok N - ..." or "not ok N - ..." followed by a few "#" lines saying
#    what was wrong; then the unit tests' results, renumbered.  The last
#    line is "N passed, N failed"; the exit status is nonzero if any
#    check failed.  Everything a run leaves is under build/tests/.
#
# Needs bash, awk and coreutils (timeout); no python.
set -u
export LC_ALL=C

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TESTS=$ROOT/tests
OUT=$ROOT/build/tests
CC_WRAP=$ROOT/build/bin/vmkasan-cc
PARSE=$TESTS/lib/parse_report.awk
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
CASE_TIMEOUT=${CASE_TIMEOUT:-60}
ALL_BUILDS="gcc-inline gcc-outline clang-inline clang-outline"
CATALOG_PROGS="global stack unaligned mem wild page dso dso_shrt inline"
CLEAN_SRCS="clean.c clean_jumps.c clean_threads.c"

# ---------------------------------------------------------------------------
# Internal entry points, run by xargs in parallel.

# --build-one BUILD PROG: compile one program of one build; its log is
# build/tests/BUILD/PROG.log, and PROG.ok exists on success.
build_one() {
	local b=$1 prog=$2 cc=${1%-*} mode=${1#*-} dir=$OUT/$1 srcs=()
	case $prog in
	opts) srcs=("$TESTS/options/opts.c") ;;
	clean) for s in $CLEAN_SRCS; do srcs+=("$TESTS/clean/$s"); done ;;
	*) srcs=("$TESTS/catalog/$prog.c") ;;
	esac
	rm -f "$dir/$prog" "$dir/$prog.ok"
	local w=("$CC_WRAP" --cc="$cc" --"$mode") f=(-g -O1 -Wall -I"$TESTS/catalog")
	case $prog in
	dso)	# the library linked by vmkasan-cc -shared, the static runtime in the executable
		"${w[@]}" "${f[@]}" -fPIC -shared "$TESTS/catalog/dso_lib.c" -o "$dir/dso_lib.so" &&
		"${w[@]}" "${f[@]}" "$TESTS/catalog/dso.c" -o "$dir/dso" -ldl ;;
	dso_shrt) # the library linked without any runtime, libvmkasan.so in the executable
		"${w[@]}" "${f[@]}" -fPIC -c "$TESTS/catalog/dso_lib.c" -o "$dir/dso_shrt_lib.o" &&
		"$cc" -shared "$dir/dso_shrt_lib.o" -o "$dir/dso_shrt_lib.so" &&
		"${w[@]}" --shared-runtime "${f[@]}" "$TESTS/catalog/dso.c" -o "$dir/dso_shrt" -ldl ;;
	inline)	# bugs in inlined helpers, at the level programs ship with
		"${w[@]}" "${f[@]}" -O2 "${srcs[@]}" -o "$dir/$prog" ;;
	*)	"${w[@]}" "${f[@]}" "${srcs[@]}" -o "$dir/$prog" ;;
	esac >"$dir/$prog.log" 2>&1 && touch "$dir/$prog.ok"
	return 0
}

# --run-one BUILD PROG ARG: run build/tests/BUILD/PROG ARG with default
# options but frame_format=full (the catalog checks file:line and inlined
# frames in traces); keeps ARG.out, ARG.err and ARG.rc in
# build/tests/BUILD/run/PROG/.
run_one() {
	local b=$1 prog=$2 arg=$3 dir=$OUT/$1/run/$2 rc
	mkdir -p "$dir"
	# (the shell's own "Aborted" messages go to /dev/null)
	(cd "$dir" && VMKASAN_OPTIONS=frame_format=full timeout -k 5 "$CASE_TIMEOUT" \
		"$OUT/$b/$prog" "$arg" >"$arg.out" 2>"$arg.err") 2>/dev/null
	rc=$?
	echo "$rc" >"$dir/$arg.rc"
	return 0
}

case ${1:-} in
--build-one) shift; build_one "$@"; exit 0 ;;
--run-one) shift; run_one "$@"; exit 0 ;;
esac

# ---------------------------------------------------------------------------
# TAP output.

count=0
passed=0
failed=0

pass() {
	count=$((count + 1))
	passed=$((passed + 1))
	echo "ok $count - $1"
}

# fail DESC [DIAGNOSTIC...]: each diagnostic may hold several lines.
fail() {
	local l
	count=$((count + 1))
	failed=$((failed + 1))
	echo "not ok $count - $1"
	shift
	for l in "$@"; do
		printf '%s\n' "$l" | sed 's/^/#   /'
	done
}

# The first lines of a file as diagnostics (the report usually).
excerpt() {
	if [ -s "$1" ]; then
		echo "--- ${1##*/} (first ${2:-14} lines):"
		head -n "${2:-14}" "$1"
	else
		echo "--- ${1##*/} is empty"
	fi
}

# check DESC CONDITION-STATUS [DIAGNOSTIC LINE...]: ok if status is 0.
check() {
	local desc=$1 status=$2
	shift 2
	if [ "$status" = 0 ]; then pass "$desc"; else fail "$desc" "$@"; fi
}

# check_eq DESC GOT WANT [CONTEXT FILE]
check_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	elif [ -n "${4:-}" ]; then
		fail "$1" "got:  '$2'" "want: '$3'" "$(excerpt "$4")"
	else
		fail "$1" "got:  '$2'" "want: '$3'"
	fi
}

# Parse a report file into the associative array R.
declare -A R
parse_report() {
	local k v
	R=()
	while IFS='=' read -r k v; do
		R[$k]=$v
	done < <(awk -f "$PARSE" "$1")
}

normhex() {
	local s=${1,,}
	s=${s#0x}
	s=$(echo "$s" | sed 's/^0*//')
	echo "${s:-0}"
}

# The task name the kernel keeps: the first 15 bytes of the file name.
comm_of() {
	local base=${1##*/}
	echo "${base:0:15}"
}

# ---------------------------------------------------------------------------
# Setup.

builds=${*:-$ALL_BUILDS}
for b in $builds; do
	case " $ALL_BUILDS " in
	*" $b "*) ;;
	*) echo "run-tests.sh: unknown build '$b' (use: $ALL_BUILDS)" >&2; exit 2 ;;
	esac
done
if [ ! -x "$CC_WRAP" ]; then
	echo "run-tests.sh: $CC_WRAP is missing: run make first" >&2
	exit 2
fi

start=$(date +%s)
echo "# vmkasan tests: builds: $builds"

# Read the catalog table: prog case type rw size func desc builds end stdout.
CASES=()
declare -A CASE_ROWS
while read -r line; do
	case $line in '' | '#'*) continue ;; esac
	CASES+=("$line")
	set -- $line
	CASE_ROWS[$2]=$((${CASE_ROWS[$2]:-0} + 1))
done <"$TESTS/catalog/cases.tab"

# applies BUILD BUILDS-COLUMN: does a catalog row apply to this build?
applies() {
	[ "$2" = all ] || [ "$2" = "${1#*-}" ]
}

# ---------------------------------------------------------------------------
# 1. Build.

progs="$CATALOG_PROGS opts clean"
for b in $builds; do
	rm -rf "${OUT:?}/$b"
	mkdir -p "$OUT/$b"
	for p in $progs; do
		echo "$b $p"
	done
done | xargs -P "$JOBS" -L 1 "$0" --build-one
echo "# built in $(($(date +%s) - start)) s"

for b in $builds; do
	for p in $progs; do
		if [ -e "$OUT/$b/$p.ok" ]; then
			pass "$b build $p"
		else
			fail "$b build $p" "$(tail -n 20 "$OUT/$b/$p.log")"
		fi
	done
done

# The symbolizer unit tests run in the background meanwhile (section 4).
unit_pid=""
if [ -f "$TESTS/unit/run_symbolize.sh" ]; then
	(cd "$ROOT" && sh tests/unit/run_symbolize.sh build/tests/unit >"$OUT/unit.log" 2>&1
	 echo $? >"$OUT/unit.rc") &
	unit_pid=$!
fi

# ---------------------------------------------------------------------------
# 2. Run the catalog cases and the clean sections, in parallel.

CLEAN_SECTIONS=""
for b in $builds; do
	if [ -e "$OUT/$b/clean.ok" ]; then
		CLEAN_SECTIONS=$("$OUT/$b/clean" list)
		break
	fi
done

t=$(date +%s)
for b in $builds; do
	for line in "${CASES[@]}"; do
		set -- $line
		[ -e "$OUT/$b/$1.ok" ] && applies "$b" "$8" && echo "$b $1 $2"
	done
	if [ -e "$OUT/$b/clean.ok" ]; then
		for s in $CLEAN_SECTIONS all; do
			echo "$b clean $s"
		done
	fi
done | xargs -P "$JOBS" -L 1 "$0" --run-one
echo "# ran the catalog and the clean program in $(($(date +%s) - t)) s"

# ---------------------------------------------------------------------------
# 3a. Check the catalog.

# check_frame_offset T OUT ERR OBJ: the report's "The buggy address X is
# located ... at offset N in frame:" must have X inside the access and
# N = (start of OBJ in the frame list) + (X - address of OBJ, printed by
# the program as "OBJ 0x...").
check_frame_offset() {
	local t=$1 out=$2 err=$3 obj=$4 objaddr start x a n want
	objaddr=$(sed -n 's/^OBJ //p' "$out" | head -n 1)
	start=${R[objstart_$obj]:-}
	x=${R[loc_addr]}
	a=${R[addr]}
	n=${R[size]:-1}
	if [ -z "$objaddr" ] || [ -z "$start" ] || [ -z "$x" ] || [ -z "${R[loc_offset]}" ]; then
		fail "$t: offset in frame" "OBJ line '$objaddr', start of '$obj' in the frame '$start'," \
			"buggy address '$x', offset '${R[loc_offset]}'" "$(excerpt "$err" 30)"
		return
	fi
	check "$t: described address lies in the access" \
		"$( (( 16#$x >= 16#$a && 16#$x < 16#$a + n )); echo $?)" \
		"described 0x$x, access [0x$a, +$n)" "$(excerpt "$err" 30)"
	want=$(( start + 16#$x - 16#${objaddr#0x} ))
	check_eq "$t: offset in frame" "${R[loc_offset]}" "$want" "$err"
}

# check_location T ERR [:REL:N]: a location line ("The buggy address is
# located N bytes REL of\n S-byte region [A, ...)") must describe the
# access address R[addr] (as Linux does), not the first bad byte; with
# :REL:N it must be there and say exactly that.
check_location() {
	local t=$1 err=$2 want=${3#:} a s n rel got
	if [ -z "${R[loc_n]}" ]; then
		if [ -n "$want" ]; then
			fail "$t: location line" "no 'The buggy address is located ...' line" "$(excerpt "$err" 30)"
		else
			pass "$t: no location line contradicts the access address"
		fi
		return
	fi
	a=$((16#${R[addr]}))
	s=$((16#${R[region_start]}))
	n=${R[region_size]}
	if ((a < s)); then rel="left:$((s - a))"
	elif ((a >= s + n)); then rel="right:$((a - s - n))"
	else rel="inside:$((a - s))"
	fi
	got="${R[loc_rel]}:${R[loc_n]}"
	check_eq "$t: location line describes the access address" "$got" "$rel" "$err"
	[ -z "$want" ] || check_eq "$t: location line" "$got" "$want" "$err"
}

# check_inlined_trace T ERR FUNC SRC OUT: the first report's call trace
# starts with the frames the program printed as "FRAME <func> <line>"
# (physical function first, innermost inlined last): one line per
# inlined function, innermost first, " name (inlined) .../SRC:line", then
# " FUNC+0x../0x.. .../SRC:line [module+0x..]" at the call site.
check_inlined_trace() {
	local t=$1 err=$2 func=$3 src=$4 out=$5 names=() lines=() trace=() i k want got name line
	while read -r name line; do
		names+=("$name")
		lines+=("$line")
	done < <(sed -n 's/^FRAME //p' "$out")
	mapfile -t trace < <(awk '/^Call Trace:$/ { on = 1; next } on && /^$/ { exit } on' "$err")
	check_eq "$t: physical frame printed as FRAME" "${names[0]}" "$func" "$err"
	for ((i = ${#names[@]} - 1, k = 0; i >= 0; i--, k++)); do
		got=${trace[$k]:-}
		if ((i > 0)); then
			want=" ${names[$i]} (inlined) */$src:${lines[$i]}"
			case $got in
			" ${names[$i]} (inlined) "*"/$src:${lines[$i]}") pass "$t: trace line $((k + 1)): ${names[$i]} inlined at $src:${lines[$i]}" ;;
			*) fail "$t: trace line $((k + 1)): ${names[$i]} inlined at $src:${lines[$i]}" "got:  '$got'" "want: '$want'" "$(excerpt "$err" 16)" ;;
			esac
		else
			case $got in
			" $func+0x"*"/0x"*" "*"/$src:${lines[0]} ["*"]") pass "$t: trace line $((k + 1)): $func at the call site $src:${lines[0]}" ;;
			*) fail "$t: trace line $((k + 1)): $func at the call site $src:${lines[0]}" "got:  '$got'" "$(excerpt "$err" 16)" ;;
			esac
		fi
	done
}

# check_case BUILD PROG CASE TYPE RW SIZE FUNC DESC BUILDS END STDOUT
check_case() {
	local b=$1 prog=$2 name=$3 type=$4 rw=$5 size=$6 func=$7 desc=$8 only=$9 end=${10} want_out=${11}
	local dir=$OUT/$b/run/$prog exe=$OUT/$b/$prog
	local out=$dir/$name.out err=$dir/$name.err rc t="$b $name"
	[ "$prog" = dso_shrt ] && t="$b $name (--shared-runtime)"
	local expect want_var pid comm kind ffunc objs o src

	[ "$func" = - ] && func=$name
	src=$prog.c
	case $func in *@*) src=${func#*@}; func=${func%@*} ;; esac
	rc=$(cat "$dir/$name.rc" 2>/dev/null || echo missing)
	type=${type//_/ }
	want_out=${want_out//_/ }
	# A case that cannot show its bug is a gap in the catalog, not a pass.
	if grep -q '^SKIP' "$out" 2>/dev/null; then
		fail "$t: the case ran" "it skipped itself: $(sed -n 's/^SKIP //p' "$out")"
		return
	fi
	parse_report "$err"
	expect=$(sed -n 's/^EXPECT //p' "$out" | head -n 1)
	pid=$(sed -n 's/^PID //p' "$out" | head -n 1)
	grep -q '^TID ' "$out" && pid=$(sed -n 's/^TID //p' "$out" | head -n 1)
	comm=$(comm_of "$exe")

	if [ "${R[reports]}" -lt 1 ]; then
		fail "$t: report printed" "exit status $rc" "$(excerpt "$out" 5)" "$(excerpt "$err" 8)"
		return
	fi
	pass "$t: report printed"
	check_eq "$t: bug type" "${R[type]}" "$type" "$err"
	[ "$rw" = '?' ] || check_eq "$t: Read/Write" "${R[rw]}" "$rw" "$err"
	if [ "$size" = '?' ]; then
		:	# neither size nor address known to this build
	elif [ -z "$expect" ]; then
		fail "$t: address" "the program printed no EXPECT line" "$(excerpt "$out" 5)"
	elif [ "$size" = - ]; then
		check_eq "$t: no access size" "${R[size]}" "" "$err"
		check_eq "$t: address" "${R[addr]}" "$(normhex "$expect")" "$err"
	else
		check_eq "$t: access size" "${R[size]}" "$size" "$err"
		check_eq "$t: address" "${R[addr]}" "$(normhex "$expect")" "$err"
	fi
	check_eq "$t: function on the BUG line" "${R[func]}" "$func" "$err"
	if grep -q '^FRAME ' "$out"; then
		check_inlined_trace "$t" "$err" "$func" "$src" "$out"
	else
		case ${R[trace1]} in
		" $func+0x"*"/$src:"[0-9]*) pass "$t: call trace starts in $func ($src:line)" ;;
		*) fail "$t: call trace starts in $func ($src:line)" "first trace line: '${R[trace1]}'" ;;
		esac
	fi
	check_eq "$t: task" "${R[task]}" "$comm/$pid" "$err"

	case $desc in
	var:*)
		want_var=${desc#var:}
		[ "$want_var" = @ ] && want_var=$(sed -n 's/^VAR //p' "$out" | head -n 1)
		check_eq "$t: belongs to the variable" "${R[var]}" "$want_var" "$err"
		;;
	frame:* | alloca:*)
		kind=${desc%%:*}
		ffunc=${desc#*:}
		objs=${ffunc#*:}
		ffunc=${ffunc%%:*}
		check_eq "$t: located in stack of task" "${R[located]} ${R[loc_task]}" "1 $comm/$pid" "$err"
		check_eq "$t: $kind description" "${R[frame_kind]}" "$kind" "$err"
		check_eq "$t: frame function" "${R[frame_func]}" "$ffunc" "$err"
		if [ "$kind" = frame ]; then
			check_frame_offset "$t" "$out" "$err" "${objs%%,*}"
		fi
		for o in ${objs//,/ }; do
			case " ${R[objects]} " in
			*" $o "*) pass "$t: frame object '$o'" ;;
			*) fail "$t: frame object '$o'" "frame objects: '${R[objects]}'" "$(excerpt "$err" 30)" ;;
			esac
		done
		;;
	stack)
		check_eq "$t: located in stack of task" "${R[located]} ${R[loc_task]}" "1 $comm/$pid" "$err"
		;;
	page | structpage)
		check_eq "$t: describes the physical page" "${R[page_desc]}" \
			"$([ "$desc" = page ] && echo 1 || echo 2)" "$err"
		case ${R[page_dump]} in
		"page: refcount:"*) pass "$t: page dump" ;;
		*) fail "$t: page dump" "line after the description: '${R[page_dump]}'" "$(excerpt "$err" 30)" ;;
		esac
		check "$t: not described as a stack" "$([ "${R[located]}" = 0 ]; echo $?)" "$(excerpt "$err" 30)"
		;;
	vmalloc | vmalloc:*)
		check_eq "$t: belongs to the virtual mapping" "${R[vm_desc]}" 1 "$err"
		check_location "$t" "$err" "${desc#vmalloc}"
		;;
	slab:*)	# slab:CACHE[:REL:N]
		local cache=${desc#slab:} where=
		case $cache in *:*) where=:${cache#*:}; cache=${cache%%:*} ;; esac
		check_eq "$t: belongs to an object of the cache" "${R[slab_cache]}" "$cache" "$err"
		check_eq "$t: the object is the region described" "${R[slab_obj]}" "${R[region_start]}" "$err"
		# Linux's describe_object_addr(): the state follows the bug type.
		local want_state=
		case $type in slab-out-of-bounds) want_state=allocated ;;
		slab-use-after-free) want_state=freed ;; esac
		check_eq "$t: the region state follows the bug type" "${R[region_state]}" "$want_state" "$err"
		check_eq "$t: describes the physical page" "${R[page_desc]}" 1 "$err"
		check_location "$t" "$err" "$where"
		;;
	none)
		check_eq "$t: no description" "${R[described]}" 0 "$err"
		;;
	*) fail "$t: cases.tab: bad desc '$desc'" ;;
	esac

	case $type in
	wild-memory-access | null-ptr-deref) ;;
	*)
		check_eq "$t: memory state: 5 rows, one marked '>'" \
			"${R[mem]} ${R[mem_rows]} ${R[mem_marked]}" "1 5 1" "$err"
		# A fault on mapped-out memory and a bad call on a struct page
		# have no poisoned granule to point at.
		case $type/${R[rw]} in
		unable-to-handle-page-fault/* | */Free | */Reference) ;;
		*)
			check "$t: memory state: caret under the bad granule" \
				"$([ "${R[mem_caret_ok]}" = 1 ]; echo $?)" "${R[mem_why]}" \
				"$(sed -n '/^Memory state/,/^=====/p' "$err")"
			;;
		esac
		;;
	esac

	case $end in
	cont)
		check_eq "$t: exactly one report" "${R[reports]}" 1 "$err"
		check "$t: execution continued" "$(grep -qx "AFTER $name" "$out"; echo $?)" \
			"no 'AFTER $name' on stdout" "$(excerpt "$out" 6)"
		check_eq "$t: exit status" "$rc" 1
		;;
	fatal)
		check_eq "$t: exit status" "$rc" 1 "$err"
		;;
	any)
		check "$t: exit status 1..127" "$([ "$rc" -ge 1 ] && [ "$rc" -le 127 ]; echo $?)" \
			"exit status $rc"
		;;
	esac
	if [ "$want_out" != - ]; then
		check "$t: stdout has $want_out" "$(grep -qx "$want_out" "$out"; echo $?)" \
			"$(excerpt "$out" 8)"
	fi
}

for b in $builds; do
	for line in "${CASES[@]}"; do
		set -- $line
		[ -e "$OUT/$b/$1.ok" ] || continue
		if ! applies "$b" "$8"; then
			[ "${CASE_ROWS[$2]}" = 1 ] && echo "# $b $2: not asserted in ${b#*-} builds (see cases.tab)"
			continue
		fi
		check_case "$b" "$@"
	done
done

# ---------------------------------------------------------------------------
# 3b. Check the clean program.

for b in $builds; do
	[ -e "$OUT/$b/clean.ok" ] || continue
	dir=$OUT/$b/run/clean
	for s in $CLEAN_SECTIONS all; do
		t="$b clean $s"
		rc=$(cat "$dir/$s.rc" 2>/dev/null || echo missing)
		err=$dir/$s.err
		check_eq "$t: exit status 0" "$rc" 0 "$err"
		check "$t: no report" "$(! grep -q 'BUG: KASAN' "$err"; echo $?)" "$(excerpt "$err" 30)"
		check "$t: no vmkasan: line" "$(! grep -q '^vmkasan:' "$err"; echo $?)" \
			"$(grep '^vmkasan:' "$err" | head -n 5)"
		if [ "$s" = all ]; then
			missing=""
			for x in $CLEAN_SECTIONS; do
				grep -qx "ok $x" "$dir/$s.out" || missing="$missing $x"
			done
			check "$t: every section completed" "$([ -z "$missing" ]; echo $?)" \
				"sections without 'ok':$missing"
		else
			check "$t: completed" "$(grep -qx "ok $s" "$dir/$s.out"; echo $?)" \
				"$(excerpt "$dir/$s.out" 5)" "$(excerpt "$err" 5)"
		fi
	done
done

# ---------------------------------------------------------------------------
# 3c. Options (tests/options/opts.c), run here one by one.

# opts_run BUILD OPTIONS ARG: run opts with VMKASAN_OPTIONS=OPTIONS (unset
# if OPTIONS is '-') in a fresh directory; sets O_DIR, O_OUT, O_ERR, O_RC.
opts_run() {
	local b=$1 opts=$2 arg=$3
	O_N=$((${O_N:-0} + 1))
	O_DIR=$OUT/$b/run/opts/$O_N
	rm -rf "$O_DIR"
	mkdir -p "$O_DIR"
	O_OUT=$O_DIR/out
	O_ERR=$O_DIR/err
	if [ "$opts" = - ]; then
		(cd "$O_DIR" && env -u VMKASAN_OPTIONS timeout -k 5 "$CASE_TIMEOUT" \
			"$OUT/$b/opts" "$arg" >"$O_OUT" 2>"$O_ERR") 2>/dev/null
	else
		(cd "$O_DIR" && VMKASAN_OPTIONS=$opts timeout -k 5 "$CASE_TIMEOUT" \
			"$OUT/$b/opts" "$arg" >"$O_OUT" 2>"$O_ERR") 2>/dev/null
	fi
	O_RC=$?
	echo "VMKASAN_OPTIONS=$opts opts $arg" >"$O_DIR/cmd"
}

has_line() { grep -qx -- "$1" "$2"; echo $?; }
lacks_line() { ! grep -qx -- "$1" "$2"; echo $?; }
nreports() { grep -c '^BUG: KASAN:' "$1"; }
bug_funcs() { sed -n 's/^BUG: KASAN: [^ ]* in \([^+]*\)+.*/\1/p' "$1" | tr '\n' ' ' | sed 's/ $//'; }

# An option error: exit 2, one line naming the key, main never ran.
check_option_error() {
	local b=$1 opts=$2 key=$3 t
	t="$b options '$2'"
	opts_run "$b" "$opts" none
	check_eq "$t: exit status 2" "$O_RC" 2 "$O_ERR"
	check_eq "$t: exactly one line on stderr" "$(wc -l <"$O_ERR")" 1 "$O_ERR"
	check "$t: error line names '$key'" \
		"$(grep -q "^vmkasan: VMKASAN_OPTIONS: .*'$key'" "$O_ERR"; echo $?)" "$(excerpt "$O_ERR" 3)"
	check "$t: main never ran" "$(! grep -q '^MAIN' "$O_OUT"; echo $?)" "$(excerpt "$O_OUT" 3)"
}

for b in $builds; do
	[ -e "$OUT/$b/opts.ok" ] || continue
	comm=$(comm_of "$OUT/$b/opts")

	opts_run "$b" - none
	t="$b options default, no bug"
	check_eq "$t: exit status 0" "$O_RC" 0 "$O_ERR"
	check_eq "$t: stderr empty" "$(wc -c <"$O_ERR")" 0 "$O_ERR"
	check "$t: main ran to the end" "$(has_line END "$O_OUT")" "$(excerpt "$O_OUT" 5)"

	opts_run "$b" "" none
	check_eq "$b options '' (empty), no bug: exit status 0" "$O_RC" 0 "$O_ERR"

	opts_run "$b" - two
	t="$b options default, two bugs"
	check_eq "$t: one report printed (multi_shot=0)" "$(nreports "$O_ERR")" 1 "$O_ERR"
	check_eq "$t: it is the first bug" "$(bug_funcs "$O_ERR")" first_bug "$O_ERR"
	check "$t: execution continued (halt_on_error=0)" \
		"$(has_line END "$O_OUT")" "$(excerpt "$O_OUT" 6)"
	check_eq "$t: exit status 1" "$O_RC" 1 "$O_ERR"

	opts_run "$b" multi_shot=1 two
	t="$b options multi_shot=1, two bugs"
	check_eq "$t: two reports" "$(nreports "$O_ERR")" 2 "$O_ERR"
	check_eq "$t: in order" "$(bug_funcs "$O_ERR")" "first_bug second_bug" "$O_ERR"
	check_eq "$t: exit status 1" "$O_RC" 1 "$O_ERR"

	opts_run "$b" halt_on_error=1 two
	t="$b options halt_on_error=1, two bugs"
	check_eq "$t: one report" "$(nreports "$O_ERR")" 1 "$O_ERR"
	check "$t: stopped at the first bug" \
		"$([ "$(has_line BUG1 "$O_OUT")" = 0 ] && [ "$(lacks_line AFTER1 "$O_OUT")" = 0 ]; echo $?)" \
		"$(excerpt "$O_OUT" 6)"
	check_eq "$t: exit status 1" "$O_RC" 1 "$O_ERR"

	opts_run "$b" halt_on_error=0:multi_shot=0 two
	check "$b options halt_on_error=0:multi_shot=0, two bugs: continued" \
		"$(has_line END "$O_OUT")" "$(excerpt "$O_OUT" 6)"

	opts_run "$b" exitcode=42 two
	t="$b options exitcode=42, two bugs"
	check_eq "$t: exit status 42" "$O_RC" 42 "$O_ERR"
	check "$t: ran to the end" "$(has_line END "$O_OUT")" "$(excerpt "$O_OUT" 6)"

	opts_run "$b" exitcode=42 none
	check_eq "$b options exitcode=42, no bug: exit status 0" "$O_RC" 0 "$O_ERR"

	opts_run "$b" "halt_on_error=1,exitcode=42" two
	t="$b options halt_on_error=1,exitcode=42 (',' separator)"
	check_eq "$t: exit status 42" "$O_RC" 42 "$O_ERR"
	check "$t: stopped at the first bug" "$(lacks_line AFTER1 "$O_OUT")" "$(excerpt "$O_OUT" 6)"

	opts_run "$b" halt_on_error=1:abort_on_error=1 two
	t="$b options halt_on_error=1:abort_on_error=1"
	check_eq "$t: killed by SIGABRT (status 134)" "$O_RC" 134 "$O_ERR"
	check_eq "$t: the report was printed first" "$(nreports "$O_ERR")" 1 "$O_ERR"

	log=$OUT/$b/run/opts/log
	rm -f "$log".*
	opts_run "$b" "log_path=$log" two
	t="$b options log_path=PATH"
	pid=$(sed -n 's/^MAIN //p' "$O_OUT")
	check_eq "$t: nothing on stderr" "$(wc -c <"$O_ERR")" 0 "$O_ERR"
	if [ -n "$pid" ] && [ -f "$log.$pid" ]; then
		pass "$t: PATH.<pid> written"
		check_eq "$t: the report is in PATH.<pid>" "$(bug_funcs "$log.$pid")" first_bug "$log.$pid"
	else
		fail "$t: PATH.<pid> written" "no $log.$pid; files: $(ls "$log".* 2>/dev/null | tr '\n' ' ')"
	fi
	check_eq "$t: exit status 1" "$O_RC" 1 "$O_ERR"

	opts_run "$b" log_path=stdout two
	t="$b options log_path=stdout"
	check_eq "$t: report on stdout" "$(bug_funcs "$O_OUT")" first_bug "$O_OUT"
	check_eq "$t: nothing on stderr" "$(wc -c <"$O_ERR")" 0 "$O_ERR"

	opts_run "$b" symbolize=0 two
	t="$b options symbolize=0"
	check "$t: BUG line has a bare address" \
		"$(grep -q '^BUG: KASAN: global-out-of-bounds in 0x[0-9a-f]*$' "$O_ERR"; echo $?)" \
		"$(excerpt "$O_ERR" 4)"
	check "$t: no file:line in the trace" \
		"$(sed -n '/^Call Trace:/,/^$/p' "$O_ERR" | grep -q 'opts\.c:'; [ $? = 1 ]; echo $?)" \
		"$(excerpt "$O_ERR" 10)"

	opts_run "$b" print_stats=1 none
	t="$b options print_stats=1, no bug"
	check_eq "$t: exit status 0" "$O_RC" 0 "$O_ERR"
	check "$t: statistics printed" "$(grep -q '^vmkasan:' "$O_ERR"; echo $?)" "$(excerpt "$O_ERR" 5)"
	check "$t: no report" "$(! grep -q 'BUG: KASAN' "$O_ERR"; echo $?)" "$(excerpt "$O_ERR" 5)"

	opts_run "$b" - thread
	t="$b options default, bug in a thread"
	tid=$(sed -n 's/^TID //p' "$O_OUT")
	parse_report "$O_ERR"
	check_eq "$t: task is the thread (its name and tid)" "${R[task]}" "opts-worker/$tid" "$O_ERR"
	check "$t: thread id is not the process id" \
		"$([ -n "$tid" ] && ! grep -qx "MAIN $tid" "$O_OUT"; echo $?)" "$(excerpt "$O_OUT" 3)"
	check_eq "$t: function" "${R[func]}" thread_bug "$O_ERR"
	check_eq "$t: exit status 1" "$O_RC" 1 "$O_ERR"

	opts_run "$b" - fork
	t="$b options default, bug in a forked child"
	child=$(sed -n 's/^CHILD //p' "$O_OUT")
	parse_report "$O_ERR"
	check_eq "$t: task is the child" "${R[task]}" "$comm/$child" "$O_ERR"
	check "$t: child exit status 1" "$(has_line 'CHILDSTATUS 1' "$O_OUT")" "$(excerpt "$O_OUT" 5)"
	check_eq "$t: parent exit status 0" "$O_RC" 0 "$O_ERR"

	rm -f "$log".*
	opts_run "$b" "log_path=$log" fork
	t="$b options log_path=PATH, bug in a forked child"
	child=$(sed -n 's/^CHILD //p' "$O_OUT")
	pid=$(sed -n 's/^MAIN //p' "$O_OUT")
	if [ -n "$child" ] && [ -f "$log.$child" ]; then
		pass "$t: the report is in PATH.<child pid>"
	else
		fail "$t: the report is in PATH.<child pid>" "child pid '$child'; files:" \
			"$(for f in "$log".*; do [ -e "$f" ] && echo "${f##*/}: $(grep -c 'BUG: KASAN' "$f") report(s)"; done)"
	fi
	check "$t: PATH.<parent pid> has no report" \
		"$(! grep -qs 'BUG: KASAN' "$log.$pid"; echo $?)" "$(excerpt "$log.$pid" 3)"

	opts_run "$b" multi_shot=1 race
	t="$b options multi_shot=1, 8 threads x 25 bugs at once"
	check_eq "$t: 200 whole, unmixed reports" \
		"$(awk -f "$TESTS/lib/report_structure.awk" "$O_ERR")" "ok 200" "$O_ERR"
	check_eq "$t: from 8 tasks" \
		"$(sed -n 's/^Write of size 1 at addr [0-9a-f]* by task //p' "$O_ERR" | sort -u | wc -l)" 8 "$O_ERR"
	check_eq "$t: exit status 1" "$O_RC" 1 "$O_ERR"

	opts_run "$b" multi_shot=1:halt_on_error=1 race
	t="$b options multi_shot=1:halt_on_error=1, 8 threads x 25 bugs at once"
	check_eq "$t: one whole report" \
		"$(awk -f "$TESTS/lib/report_structure.awk" "$O_ERR")" "ok 1" "$O_ERR"
	check_eq "$t: exit status 1" "$O_RC" 1 "$O_ERR"

	check_option_error "$b" bogus_option=1 bogus_option
	check_option_error "$b" multi_shot=1:no_such_key=2 no_such_key
	check_option_error "$b" halt_on_error=yes halt_on_error
	check_option_error "$b" exitcode=256 exitcode
	check_option_error "$b" exitcode=-1 exitcode
	check_option_error "$b" multi_shot multi_shot
	# ram below one page is not "no limit"; a count takes no size suffix;
	# fail_path names are joined by '+' only, none of them empty.
	check_option_error "$b" ram=100 ram
	check_option_error "$b" ram=4095 ram
	# A budget that cannot hold the runtime's kmalloc caches is refused,
	# the minimum named (ram=8192 died in the first malloc: issue 16 #6).
	check_option_error "$b" ram=8192 ram
	check "$b options 'ram=8192': the error names the minimum (256K)" \
		"$(grep -q 'at least 256K' "$O_ERR"; echo $?)" "$(excerpt "$O_ERR" 3)"
	check_option_error "$b" vmalloc_shadow_cache=1k vmalloc_shadow_cache
	check_option_error "$b" fail_path=page+ fail_path
	check_option_error "$b" fail_path=+page fail_path
	check_option_error "$b" fail_path=page/shadow fail_path
	for o in ram=0 ram=256K ram=8M vmalloc_shadow_cache=1024 fail_path=page+shadow fail_path=all; do
		opts_run "$b" "$o" none
		check_eq "$b options '$o' accepted: exit status 0" "$O_RC" 0 "$O_ERR"
	done

	# log_path: <path>.<pid> is created, never opened through a symlink
	# or reused, and readable by the owner only.  The shell that execs
	# the program has the program's pid, so it can plant the file first.
	logdir=$OUT/$b/run/opts/logsafe
	rm -rf "$logdir"
	mkdir -p "$logdir"
	(umask 022 && cd "$logdir" && VMKASAN_OPTIONS=log_path=$logdir/log timeout -k 5 "$CASE_TIMEOUT" \
		"$OUT/$b/opts" two >out 2>err)
	pid=$(sed -n 's/^MAIN //p' "$logdir/out")
	check_eq "$b options log_path=PATH: PATH.<pid> has mode 600" \
		"$(stat -c %a "$logdir/log.$pid" 2>/dev/null)" 600 "$logdir/err"
	for kind in symlink file; do
		t="$b options log_path=PATH, PATH.<pid> already a $kind"
		rm -f "$logdir"/log.* "$logdir/target"
		echo old >"$logdir/target"
		(cd "$logdir" && VMKASAN_OPTIONS=log_path=$logdir/log timeout -k 5 "$CASE_TIMEOUT" \
			sh -c 'if [ "$1" = symlink ]; then ln -s target "log.$$"; else echo old >"log.$$"; fi
			       exec "$2" two' sh "$kind" "$OUT/$b/opts" >out 2>err)
		rc=$?
		check_eq "$t: exit status 2" "$rc" 2 "$logdir/err"
		check "$t: one line naming the file" \
			"$([ "$(wc -l <"$logdir/err")" = 1 ] && grep -q "^vmkasan: log_path: .*$logdir/log\.[0-9]" \
			   "$logdir/err"; echo $?)" "$(excerpt "$logdir/err" 3)"
		check "$t: main never ran" "$(! grep -q '^MAIN' "$logdir/out"; echo $?)" "$(excerpt "$logdir/out" 3)"
		check_eq "$t: nothing written through it" "$(cat "$logdir/target" "$logdir"/log.* 2>/dev/null | sort -u)" old
	done

	opts_run "$b" log_path=/nonexistent/dir/log none
	t="$b options log_path=<path in a missing directory>"
	check_eq "$t: exit status 2" "$O_RC" 2 "$O_ERR"
	check_eq "$t: exactly one line on stderr" "$(wc -l <"$O_ERR")" 1 "$O_ERR"
	check "$t: the line names the file" \
		"$(grep -q '^vmkasan: .*/nonexistent/dir/log' "$O_ERR"; echo $?)" "$(excerpt "$O_ERR" 3)"
	check "$t: main never ran" "$(! grep -q '^MAIN' "$O_OUT"; echo $?)" "$(excerpt "$O_OUT" 3)"

	# Not enough address space for the shadow: a clear error, not a crash.
	O_N=$((O_N + 1))
	O_DIR=$OUT/$b/run/opts/$O_N
	mkdir -p "$O_DIR"
	(ulimit -v 1000000 && cd "$O_DIR" && env -u VMKASAN_OPTIONS timeout -k 5 "$CASE_TIMEOUT" \
		"$OUT/$b/opts" none >out 2>err) 2>"$O_DIR/shell.err"
	rc=$?
	t="$b ulimit -v 1000000"
	check_eq "$t: exit status 2" "$rc" 2 "$O_DIR/err"
	check "$t: no crash" "$(! grep -qi 'segmentation fault\|aborted\|core dumped' "$O_DIR/err" \
		"$O_DIR/shell.err"; echo $?)" "$(cat "$O_DIR/shell.err")"
	check_eq "$t: exactly one line on stderr" "$(wc -l <"$O_DIR/err")" 1 "$O_DIR/err"
	check "$t: the line says the shadow cannot be reserved" \
		"$(grep -q '^vmkasan: .*reserve.*shadow' "$O_DIR/err"; echo $?)" "$(excerpt "$O_DIR/err" 3)"
	check "$t: main never ran" "$(! grep -q '^MAIN' "$O_DIR/out"; echo $?)" "$(excerpt "$O_DIR/out" 3)"
done

# ---------------------------------------------------------------------------
# 4. Other suites, renumbered into this one: the symbolizer unit tests
#    (run in the background since section 1), then the vmalloc suite and
#    the test_vmalloc checks, each printing TAP lines and exiting nonzero
#    on failure.

absorb_suite() {	# name log rc
	local name=$1 log=$2 rc=$3 lines=0 failed_here=0 pending="" pending_ok=0
	local -a diag=()
	flush_pending() {
		if [ -n "$pending" ]; then
			if [ "$pending_ok" = 1 ]; then pass "$name: $pending"; else fail "$name: $pending" "${diag[@]}"; fi
		fi
		pending=""
		diag=()
	}
	while IFS= read -r l; do
		case $l in
		"ok "*"# SKIP"*)
			# A check that did not run proves nothing: count it as failed.
			flush_pending
			pending=$(echo "$l" | sed 's/^ok [0-9]* *-* *//')
			pending_ok=0
			diag=("skipped: a check that did not run is not a pass")
			lines=$((lines + 1))
			failed_here=$((failed_here + 1))
			;;
		"ok "*)
			flush_pending
			pending=$(echo "$l" | sed 's/^ok [0-9]* *-* *//')
			pending_ok=1
			lines=$((lines + 1))
			;;
		"not ok "*)
			flush_pending
			pending=$(echo "$l" | sed 's/^not ok [0-9]* *-* *//')
			pending_ok=0
			lines=$((lines + 1))
			failed_here=$((failed_here + 1))
			;;
		"#"*) [ -n "$pending" ] && [ ${#diag[@]} -lt 20 ] && diag+=("${l#\#}") ;;
		esac
	done <"$log"
	flush_pending
	if [ "$lines" = 0 ]; then
		check_eq "$name: the suite printed results" "no TAP lines, exit $rc" "TAP lines" "$log"
	elif [ "$rc" != 0 ] && [ "$failed_here" = 0 ]; then
		fail "$name: exit status" "exit $rc though no check failed" "$(tail -n 5 "$log")"
	fi
}

if [ -n "$unit_pid" ]; then
	wait "$unit_pid"
	absorb_suite unit "$OUT/unit.log" "$(cat "$OUT/unit.rc" 2>/dev/null || echo missing)"
fi

# The suites are independent programs with their own output folders: run
# them side by side, $SUITE_JOBS at a time (default: nproc), longest first,
# then absorb their results in a fixed order so the numbering is stable.
SUITE_JOBS=${SUITE_JOBS:-$JOBS}
SUITES="vmalloc:tests/vmalloc/run.sh kernel:tests/kernel/run.sh riscv:tests/riscv/run.sh report:tests/report/run.sh
riscv_module:tests/riscv/module.sh kunit:tests/kunit/run.sh module:tests/module/run.sh malloc:tests/malloc/run.sh cc:tests/cc/run.sh concurrency:tests/concurrency/run.sh
slab:tests/slab/run.sh test_vmalloc:tools/test_vmalloc/check.sh halt:tests/halt/run.sh
api:tests/api/run.sh contract:tests/contract/run.sh footprint:tests/footprint/run.sh"

start_suite() {	# name script
	local name=$1 script=$2
	[ -f "$ROOT/$script" ] || return 0
	rm -f "$OUT/$name.rc" "$OUT/$name.time"
	(t0=$(date +%s)
	 (cd "$ROOT" && bash "$script" "build/tests/$name") >"$OUT/$name.log" 2>&1
	 echo $? >"$OUT/$name.rc"
	 echo $(($(date +%s) - t0)) >"$OUT/$name.time") &
}

for s in $SUITES; do
	while [ "$(jobs -rp | wc -l)" -ge "$SUITE_JOBS" ]; do wait -n; done
	start_suite "${s%%:*}" "${s#*:}"
done
wait
for s in $SUITES; do
	name=${s%%:*}
	[ -f "$ROOT/${s#*:}" ] || continue
	echo "# suite $name: $(cat "$OUT/$name.time" 2>/dev/null || echo '?') s"
	absorb_suite "$name" "$OUT/$name.log" "$(cat "$OUT/$name.rc" 2>/dev/null || echo missing)"
done

echo "# total time $(($(date +%s) - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
