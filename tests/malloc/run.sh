#!/bin/bash
# tests/malloc/run.sh [OUTDIR] - whole programs on the runtime's malloc.
#
# Builds tests/malloc/cases.c (plain libc allocator calls) in four builds
# (gcc, clang x inline, outline) into OUTDIR (default build/tests/malloc),
# runs every case and prints "ok N - desc" / "not ok N - desc", then
# "N passed, N failed".
#
#  bug cases     the report checked field by field against the table: bug
#                type, the access (or Free) line with the address the case
#                printed, the function on the BUG line and first in the
#                trace (cases.c:line), Allocated/Freed tracks, object and
#                cache lines, the location line, the physical page (slab
#                memory) or virtual mapping (big blocks) line, the caret
#                row; exactly one report; the allocator still works
#                afterwards (DONE); exit status 1
#  clean cases   no report, exit 0: libc's own allocations (getline, fopen,
#                asprintf, open_memstream, qsort; setlocale, getpwnam,
#                getaddrinfo, iconv, regex, a pthread key destructor and an
#                atexit handler that free), every API function and its
#                edge cases, 8 threads of malloc/realloc/free with forks,
#                malloc from code whose rbp is not a frame pointer
#  link modes    -static and --shared-runtime: clean and bug cases
#  options       every case runs with no VMKASAN_OPTIONS (malloc=kasan is
#                the default); malloc=libc (no checking, no report),
#                quarantine_size=0 (the freed slot is reused at once:
#                uaf_later is missed)
#  faults        fail_path=malloc: one attempt per call (fail_nth=N fails
#                the N-th call, fail_prob=1 every one, big blocks too),
#                counted on path malloc only; fail_path=all and the
#                kernel-API paths by name leave malloc alone
set -u
export LC_ALL=C
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$ROOT/build/tests/malloc}
case $OUT in /*) ;; *) OUT=$(pwd)/$OUT ;; esac
CC_WRAP=$ROOT/build/bin/vmkasan-cc
SRC=$ROOT/tests/malloc/cases.c
mkdir -p "$OUT" || exit 2
PASS=0 FAIL=0 N=0
ok() { N=$((N + 1)); PASS=$((PASS + 1)); echo "ok $N - $1"; }
not_ok() {
	N=$((N + 1)); FAIL=$((FAIL + 1)); echo "not ok $N - $1"; shift
	for f in "$@"; do [ -f "$f" ] && sed -e 's/^/#   /' "$f" | head -40; done
}

# case | bug type | access | tracks | cache line | location | memory kind
# Blocks of 8 KiB to 128 KiB (and aligned ones up to a page) are on
# large-kmalloc pages: no cache, but, unlike the kernel API's large
# kmalloc (tests/slab), the block's tracks and location; the region's
# state follows the bug type as for slab objects (Linux's
# describe_object_addr: "allocated" for slab-out-of-bounds only, none
# for use-after-free and bad frees).
TABLE='
malloc_oob_right|slab-out-of-bounds|Write of size 1|A|kmalloc-128 of size 128|0 bytes to the right of/ allocated 123-byte region|slab
malloc_oob_left|slab-out-of-bounds|Read of size 1|?|kmalloc-64 of size 64|-|slab
calloc_oob_right|slab-out-of-bounds|Read of size 4|A|kmalloc-64 of size 64|0 bytes to the right of/ allocated 40-byte region|slab
realloc_oob_right|slab-out-of-bounds|Write of size 1|A|kmalloc-256 of size 256|0 bytes to the right of/ allocated 200-byte region|slab
realloc_uaf|slab-use-after-free|Read of size 1|AF|kmalloc-32 of size 32|5 bytes inside of/ freed 32-byte region|slab
memalign_oob_right|slab-out-of-bounds|Write of size 1|A|-|0 bytes to the right of/ allocated 100-byte region|slab
strdup_oob_right|slab-out-of-bounds|Read of size 1|A|kmalloc-16 of size 16|0 bytes to the right of/ allocated 11-byte region|slab
strdup_oob_left|slab-out-of-bounds|Write of size 1|?|kmalloc-16 of size 16|-|slab
uaf_later|slab-use-after-free|Read of size 8|AF|kmalloc-64 of size 64|0 bytes inside of/ freed 64-byte region|slab
double_free|double-free|Free|AF|kmalloc-64 of size 64|0 bytes inside of/ 64-byte region|slab
free_middle|invalid-free|Free|A|kmalloc-64 of size 64|8 bytes inside of/ 50-byte region|slab
free_stack|invalid-free|Free|-|-|-|stack
free_global|invalid-free|Free|-|-|-|global
free_vmalloc|double-free or invalid-free|Free|-|-|0 bytes inside of/ 5000-byte region|vmalloc
realloc_freed|double-free|Free|AF|kmalloc-64 of size 64|0 bytes inside of/ 64-byte region|slab
big_oob_right|vmalloc-out-of-bounds|Write of size 1|-|-|0 bytes to the right of/ 300000-byte region|vmalloc
big_uaf|vmalloc-out-of-bounds|Read of size 1|F|-|-|vmalloc
big_double_free|double-free or invalid-free|Free|F|-|-|vmalloc
large_oob_right|slab-out-of-bounds|Write of size 1|A|-|0 bytes to the right of/ allocated 20000-byte region|slab
large_uaf|use-after-free|Read of size 1|AF|-|100 bytes inside of/ 20000-byte region|slab
large_double_free|double-free|Free|AF|-|0 bytes inside of/ 20000-byte region|slab
large_free_middle|invalid-free|Free|A|-|1 bytes inside of/ 20000-byte region|slab
page_end_oob_right|slab-out-of-bounds|Write of size 1|A|-|0 bytes to the right of/ allocated 65535-byte region|slab
page_end_oob_pow2|slab-out-of-bounds|Write of size 1|A|-|0 bytes to the right of/ allocated 16384-byte region|slab
big_below_space|vmalloc-out-of-bounds|Write of size 1|-|-|4000 bytes to the left of/ 1048576-byte region|vmalloc
big_realloc_shrink_oob|vmalloc-out-of-bounds|Write of size 1|-|-|0 bytes to the right of/ 300001-byte region|vmalloc
memcpy_oob|slab-out-of-bounds|Write of size 101|A|kmalloc-128 of size 128|0 bytes inside of/ allocated 100-byte region|slab
strcpy_oob|slab-out-of-bounds|Write of size 9|A|kmalloc-16 of size 16|0 bytes inside of/ allocated 8-byte region|slab
strlen_uaf|slab-use-after-free|Read of size 1|AF|kmalloc-16 of size 16|0 bytes inside of/ freed 16-byte region|slab
bcmp_oob|slab-out-of-bounds|Read of size 11|A|kmalloc-16 of size 16|0 bytes inside of/ allocated 10-byte region|slab
'
CLEAN="clean_libc clean_libc_more clean_api clean_threads clean_bad_fp clean_big"

build() {	# build NAME vmkasan-cc-args...
	local b=$1; shift
	if "$CC_WRAP" "$@" -g -O1 -Wall "$SRC" -o "$OUT/cases-$b" -lpthread >"$OUT/cases-$b.build" 2>&1; then
		ok "$b: cases.c builds"
	else
		not_ok "$b: cases.c builds" "$OUT/cases-$b.build"
	fi
}

BUILDS="gcc-inline gcc-outline clang-inline clang-outline"
for b in $BUILDS; do build "$b" --cc=${b%-*} --${b#*-}; done
build gcc-static --cc=gcc -static
build clang-shared --cc=clang --shared-runtime

# check_bug BUILD CASE TYPE ACCESS TRACKS CACHE LOCATION KIND
check_bug() {
	local b=$1 c=$2 type=$3 access=$4 tracks=$5 cache=$6 loc=$7 kind=$8
	local d=$OUT/run-$b bin=$OUT/cases-$b err why=()
	mkdir -p "$d"
	# frame_format=full: the checks read file:line in the traces.
	VMKASAN_OPTIONS=frame_format=full timeout 60 "$bin" "$c" >"$d/$c.out" 2>"$d/$c.err"
	echo $? >"$d/$c.rc"
	err=$d/$c.err
	local addr pid line1 expect
	addr=$(sed -n 's/^EXPECT 0x\(.*\)/\1/p' "$d/$c.out" | head -1)
	expect=$(printf '%016x' "0x${addr:-0}")
	pid=$(grep -m1 -o 'by task [^/]*/[0-9]*' "$err" | sed 's/.*\///')
	[ "$(grep -c '^BUG: KASAN' "$err")" = 1 ] || why+=("not exactly one report ($(grep -c '^BUG: KASAN' "$err"))")
	# The string functions report in themselves, the caller below them,
	# as Linux's instrumented lib/string.c does.
	local title=$c
	case $c in strlen_uaf) title=strlen ;; esac
	grep -q "^BUG: KASAN: $type in $title+0x" "$err" || why+=("BUG line: want '$type in $title'")
	if [ "$access" = Free ]; then
		grep -q "^Free of addr $expect by task " "$err" || why+=("want 'Free of addr $expect'")
	else
		grep -q "^$access at addr $expect by task " "$err" || why+=("want '$access at addr $expect'")
	fi
	line1=$(sed -n '/^Call Trace:/{n;p;q}' "$err")
	[ "$title" = "$c" ] || line1=$(sed -n '/^Call Trace:/{n;n;p;q}' "$err")
	case $line1 in " $c+0x"*"cases.c:"*) ;; *) why+=("frame of $c: '$line1'") ;; esac
	case $tracks in
	*A*)	grep -q "^Allocated by task $pid:" "$err" || why+=("no 'Allocated by task $pid:'") ;;
	esac
	case $tracks in *A*)
		sed -n '/^Allocated by task/{n;p;q}' "$err" | grep -q "$c+0x.*cases.c:" || why+=("allocation stack")
	esac
	case $tracks in *F*)
		grep -q "^Freed by task $pid:" "$err" || why+=("no 'Freed by task $pid:'")
		sed -n '/^Freed by task/{n;p;q}' "$err" | grep -q "$c+0x.*cases.c:" || why+=("free stack")
		;;
	# '?': the report describes the left neighbour's slot (as Linux does
	# for an access left of an object): its tracks are not asserted.
	*\?*) ;;
	*)	grep -q "^Freed by" "$err" && why+=("a Freed track for a live object") ;;
	esac
	if [ "$cache" = - ]; then
		grep -q "^The buggy address belongs to the object at " "$err" && why+=("an object line for no slab object")
	else
		grep -q "^The buggy address belongs to the object at " "$err" || why+=("no object line")
		grep -q "^ which belongs to the cache $cache" "$err" || why+=("want cache '$cache'")
	fi
	if [ "$loc" != - ]; then
		local l1=${loc%%/*} l2=${loc#*/}
		grep -A1 "^The buggy address is located $l1" "$err" | grep -q "^$l2" ||
			why+=("want location '$l1' / '$l2'")
	fi
	case $kind in
	slab)	grep -q "^The buggy address belongs to the physical page:" "$err" || why+=("no physical page") ;;
	vmalloc) grep -q "^The buggy address belongs to .*virtual mapping at" "$err" || why+=("no virtual mapping line") ;;
	stack)	grep -q "^The buggy address belongs to stack of task" "$err" || why+=("no stack description") ;;
	global)	grep -q "^The buggy address belongs to the variable:" "$err" || why+=("no variable line") ;;
	none)	grep -q "^The buggy address belongs to" "$err" && why+=("a description of unknown memory") ;;
	esac
	case $access in Free) ;; *)
		grep -q "^>" "$err" && grep -A1 '^>' "$err" | tail -1 | grep -q '\^' || why+=("memory state caret")
	esac
	grep -q '^DONE' "$d/$c.out" || why+=("the program did not go on, or the allocator broke: $(grep FAIL "$d/$c.out")")
	[ "$(cat "$d/$c.rc")" = 1 ] || why+=("exit status $(cat "$d/$c.rc"), want 1")
	if [ ${#why[@]} = 0 ]; then ok "$b: $c: $type, every field"
	else printf '%s\n' "${why[@]}" >"$d/$c.why"; not_ok "$b: $c: $type" "$d/$c.why" "$err"; fi
}

check_clean() {	# check_clean BUILD CASE [OPTIONS]
	local b=$1 c=$2 opts=${3:-} d=$OUT/run-$1
	mkdir -p "$d"
	VMKASAN_OPTIONS=$opts timeout 180 "$OUT/cases-$b" "$c" >"$d/$c$opts.out" 2>"$d/$c$opts.err"
	local rc=$?
	if [ $rc = 0 ] && [ ! -s "$d/$c$opts.err" ] && grep -q '^DONE' "$d/$c$opts.out" && ! grep -q FAIL "$d/$c$opts.out"; then
		ok "$b: $c${opts:+ ($opts)}: clean, no report"
	else
		echo "exit $rc" >>"$d/$c$opts.out"; not_ok "$b: $c${opts:+ ($opts)}: clean, no report" "$d/$c$opts.out" "$d/$c$opts.err"
	fi
}

for b in $BUILDS gcc-static clang-shared; do
	[ -x "$OUT/cases-$b" ] || continue
	while IFS='|' read -r c type access tracks cache loc kind; do
		[ -n "$c" ] || continue
		case $b in gcc-static|clang-shared)
			case $c in uaf_later|double_free|big_uaf|strdup_oob_right) ;; *) continue ;; esac ;;
		esac
		check_bug "$b" "$c" "$type" "$access" "$tracks" "$cache" "$loc" "$kind"
	done <<<"$TABLE"
	for c in $CLEAN; do check_clean "$b" "$c"; done
done

# ---- options (one build) ----
b=gcc-inline bin=$OUT/cases-$b d=$OUT/run-options
mkdir -p "$d"
if [ -x "$bin" ]; then
	check_clean $b clean_libc malloc=libc
	check_clean $b clean_threads malloc=libc
	VMKASAN_OPTIONS=malloc=libc timeout 60 "$bin" uaf_later >"$d/libc.out" 2>"$d/libc.err"
	if [ $? = 0 ] && ! grep -q '^BUG: KASAN' "$d/libc.err" && grep -q '^DONE' "$d/libc.out"; then
		ok "malloc=libc: libc's allocator, unchecked (uaf_later not reported)"
	else not_ok "malloc=libc: libc's allocator" "$d/libc.out" "$d/libc.err"; fi
	check_clean $b clean_threads quarantine_size=0
	# No malloc= at all: the runtime's, dynamic or -static; malloc=kasan
	# said explicitly is the same.
	for o in "" malloc=kasan; do
		VMKASAN_OPTIONS=$o timeout 60 "$bin" uaf_later >"$d/default$o.out" 2>"$d/default$o.err"
		if [ $? = 1 ] && grep -q '^BUG: KASAN: slab-use-after-free in uaf_later' "$d/default$o.err"; then
			ok "malloc ${o:-default}: the runtime's in a dynamic program (uaf_later reported)"
		else not_ok "malloc ${o:-default}: the runtime's in a dynamic program" "$d/default$o.out" "$d/default$o.err"; fi
	done
	VMKASAN_OPTIONS= timeout 60 "$OUT/cases-gcc-static" uaf_later >"$d/default-static.out" 2>"$d/default-static.err"
	if [ $? = 1 ] && grep -q '^BUG: KASAN: slab-use-after-free in uaf_later' "$d/default-static.err"; then
		ok "default malloc: the runtime's in a -static program (uaf_later reported)"
	else not_ok "default malloc: the runtime's in a -static program" "$d/default-static.out" "$d/default-static.err"; fi

	# ---- fault injection on the malloc path ----
	# faults OPTIONS: runs malloc_faults; F holds its output.
	faults() {
		F=$d/faults-${1//[:=+]/_}
		VMKASAN_OPTIONS=$1 timeout 60 "$bin" malloc_faults >"$F.out" 2>"$F.err"
		echo $? >"$F.rc"
	}
	fline() { grep -m1 "^$1" "$F.out"; }
	clean_run() { [ "$(cat "$F.rc")" = 0 ] && [ ! -s "$F.err" ] && grep -q '^DONE' "$F.out"; }
	faults fail_path=malloc:fail_prob=1
	if clean_run && [ "$(fline NULLS)" = "NULLS 64 FIRST 0 LARGE null BIG null" ] &&
	   [ "$(fline 'PATH malloc')" = "PATH malloc failed 66 injected 66" ] &&
	   [ "$(grep -c '^PATH .* failed 0 injected 0$' "$F.out")" = 5 ]; then
		ok "fail_path=malloc:fail_prob=1: every call fails (ENOMEM), big blocks too, counted on malloc only"
	else not_ok "fail_path=malloc:fail_prob=1" "$F.out" "$F.err"; fi
	for o in fail_path=all:fail_prob=1 fail_path=page+shadow+area+slab:fail_prob=1; do
		faults $o
		if clean_run && [ "$(fline NULLS)" = "NULLS 0 FIRST -1 LARGE ok BIG ok" ] &&
		   [ "$(grep -c '^PATH .* failed 0 injected 0$' "$F.out")" = 6 ]; then
			ok "$o: malloc's calls (and what they allocate below) do not fail"
		else not_ok "$o: malloc's calls do not fail" "$F.out" "$F.err"; fi
	done
	# fail_nth=N: exactly one NULL, the N-th call (counted from start-up,
	# so the loop's index moves with N).
	why=
	for n in 1 2 3 4 5; do
		faults fail_path=malloc:fail_nth=$n
		if ! clean_run; then why="fail_nth=$n: exit $(cat "$F.rc")"; break; fi
		set -- $(fline NULLS)
		if [ "$2" != 1 ] || [ "$6:$8" != ok:ok ]; then why="fail_nth=$n: $*"; break; fi
		if [ $n -gt 1 ] && [ "$4" != $((prev + 1)) ]; then
			why="fail_nth=$n failed call $4 of the loop, fail_nth=$((n - 1)) call $prev"; break
		fi
		prev=$4
	done
	if [ -z "$why" ]; then
		ok "fail_path=malloc:fail_nth=1..5: exactly the N-th malloc call fails"
	else echo "$why" >"$d/nth.why"; not_ok "fail_path=malloc:fail_nth sweep" "$d/nth.why" "$F.out" "$F.err"; fi
	VMKASAN_OPTIONS=malloc=libc timeout 60 "$OUT/cases-gcc-static" clean_api >"$d/static-libc.out" 2>"$d/static-libc.err"
	if [ $? = 2 ] && grep -q 'malloc=libc is not possible in a -static program' "$d/static-libc.err"; then
		ok "-static with malloc=libc: refused with exit status 2"
	else not_ok "-static with malloc=libc: refused" "$d/static-libc.err"; fi
fi

# A program with its own allocator (own_malloc.c): links with every way of
# linking the runtime, its allocator serves the calls, no heap report, and
# the runtime still checks the rest (a global overflow).
d=$OUT/own
mkdir -p "$d"
for how in "gcc" "clang" "gcc --shared-runtime" "gcc -static" "clang -static"; do
	set -- $how
	name=own-$1${2:+$2}
	bin=$d/$name
	if ! "$CC_WRAP" --cc=$1 ${2:-} -g -O1 -fno-builtin -Wall "$ROOT/tests/malloc/own_malloc.c" \
		-o "$bin" >"$bin.build" 2>&1; then
		not_ok "$how: a program with its own malloc links" "$bin.build"
		continue
	fi
	env -u VMKASAN_OPTIONS timeout 60 "$bin" >"$bin.out" 2>"$bin.err"
	rc=$?
	env -u VMKASAN_OPTIONS timeout 60 "$bin" bug >"$bin-bug.out" 2>"$bin-bug.err"
	rcb=$?
	if [ $rc = 0 ] && [ ! -s "$bin.err" ] && grep -q '^mine 1 1 1 1 calls ' "$bin.out" &&
		grep -qx done "$bin.out" && [ $rcb = 1 ] &&
		[ "$(grep -c '^BUG: KASAN' "$bin-bug.err")" = 1 ] &&
		grep -q '^BUG: KASAN: global-out-of-bounds in main' "$bin-bug.err"; then
		ok "$how: the program's own malloc wins (every call its own, no heap report), the rest is checked"
	else
		echo "exit $rc, with the bug $rcb" >>"$bin.out"
		not_ok "$how: the program's own malloc" "$bin.out" "$bin.err" "$bin-bug.err"
	fi
done

# An instrumented library built with --shared-runtime, dlopen'ed by an
# uninstrumented program: libvmkasan.so comes after the C library and
# cannot interpose malloc, so start-up refuses with a message (exit 2);
# with LD_PRELOAD the heap bug is reported.
d=$OUT/dlopen
mkdir -p "$d"
if "$CC_WRAP" --cc=gcc --shared-runtime -g -O1 -shared -fPIC "$ROOT/tests/malloc/dlopen_lib.c" \
	-o "$d/libbug.so" >"$d/build.log" 2>&1 && cc -g "$ROOT/tests/malloc/dlopen_main.c" -o "$d/main" -ldl >>"$d/build.log" 2>&1; then
	env -u VMKASAN_OPTIONS timeout 60 "$d/main" "$d/libbug.so" >"$d/plain.out" 2>"$d/plain.err"
	rc=$?
	if [ $rc = 2 ] && grep -q 'libvmkasan.so was loaded after the C library' "$d/plain.err" &&
		grep -q 'LD_PRELOAD=' "$d/plain.err" && ! grep -q '^read' "$d/plain.out"; then
		ok "dlopen'ed --shared-runtime library in an uninstrumented program: refused, exit 2, says why"
	else
		echo "exit $rc" >>"$d/plain.out"
		not_ok "dlopen'ed --shared-runtime library: refused" "$d/plain.out" "$d/plain.err"
	fi
	so=$(sed -n 's/.*LD_PRELOAD=\([^ ]*libvmkasan\.so\).*/\1/p' "$d/plain.err" | head -1)
	env -u VMKASAN_OPTIONS LD_PRELOAD="$so" timeout 60 "$d/main" "$d/libbug.so" >"$d/preload.out" 2>"$d/preload.err"
	rc=$?
	if [ -n "$so" ] && [ $rc = 1 ] && grep -q '^BUG: KASAN: slab-out-of-bounds in lib_heap_oob' "$d/preload.err"; then
		ok "... with the LD_PRELOAD it suggests: the library's heap bug is reported"
	else
		echo "exit $rc, LD_PRELOAD=$so" >>"$d/preload.out"
		not_ok "... with LD_PRELOAD: the heap bug is reported" "$d/preload.out" "$d/preload.err"
	fi
else
	not_ok "dlopen test builds" "$d/build.log"
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
