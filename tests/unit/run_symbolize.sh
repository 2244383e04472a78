#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Build the symbolizer unit test (tests/unit/symbolize_test.c) in several
# compiler / DWARF version / PIE variants and run each one.
#
# Usage: tests/unit/run_symbolize.sh [OUTDIR]     (default build/tests/unit)
# Prints one TAP line per variant (a failing variant's log is shown) and
# a final "N passed, N failed"; exits nonzero if any variant failed.
# A variant whose compiler or tools are missing is skipped.

set -u

root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-build/tests/unit}
mkdir -p "$out/symbolize" || exit 1
out=$(cd "$out/symbolize" && pwd)

# The runtime's own flags (what the project builds src/hosted with).
RT_FLAGS="-std=gnu11 -O2 -g -Wall -Wextra -Werror -fPIC -fno-sanitize=all -fno-stack-protector -D_GNU_SOURCE"
TEST_FLAGS="-std=gnu11 -g -O0 -fno-omit-frame-pointer -Wall -Wextra -Werror -D_GNU_SOURCE -I$root/src"
TEST_SRC=$root/tests/unit/symbolize_test.c

passed=0
failed=0
number=0

have() { command -v "$1" >/dev/null 2>&1; }

# variant NAME CC "DEBUG FLAGS" pie|nopie "DEFINES" "LINK FLAGS" POST [REFERENCE]
#   POST: none | strip (strip --strip-all) | debuglink (move DWARF to NAME.debug)
#   REFERENCE: the addr2line the test compares with (default addr2line)
variant() {
	name=$1 cc=$2 dbg=$3 pie=$4 defines=$5 ldflags=$6 post=$7 reference=${8:-addr2line}
	number=$((number + 1))
	# make check needs both compilers and binutils: a variant that
	# cannot be built is a failure, not a pass.
	if ! have "$cc" || { [ "$post" != none ] && ! have objcopy; }; then
		failed=$((failed + 1))
		echo "not ok $number - $name: $cc or binutils missing"
		return
	fi
	case $pie in
	pie) cc_pie=-fPIE ld_pie=-pie ;;
	*) cc_pie=-fno-pie ld_pie=-no-pie ;;
	esac
	dir=$out/$name
	mkdir -p "$dir"
	log=$dir/log
	exe=$dir/symbolize_test
	# shellcheck disable=SC2086 # flag lists are meant to split
	if ! {
		$cc $RT_FLAGS $dbg -c "$root/src/hosted/symbolize.c" -o "$dir/symbolize.o" &&
		$cc $RT_FLAGS $dbg -c "$root/src/hosted/dwarf_line.c" -o "$dir/dwarf_line.o" &&
		$cc $RT_FLAGS $dbg -c "$root/src/hosted/dwarf_info.c" -o "$dir/dwarf_info.o" &&
		$cc $TEST_FLAGS $dbg $cc_pie $defines -c "$TEST_SRC" -o "$dir/symbolize_test.o" &&
		$cc $ld_pie $ldflags $dbg -o "$exe" "$dir/symbolize_test.o" "$dir/symbolize.o" \
			"$dir/dwarf_line.o" "$dir/dwarf_info.o" -ldl &&
		$cc -std=gnu11 -g $dbg -fPIC -shared -Wl,--build-id=none -DSYMBOLIZE_VICTIM \
			"$TEST_SRC" -o "$dir/victim.so"
	} >"$log" 2>&1; then
		failed=$((failed + 1))
		echo "not ok $number - $name (build failed)"
		sed 's/^/#   /' "$log"
		return
	fi
	case $post in
	strip) strip --strip-all "$exe" ;;
	debuglink)
		objcopy --only-keep-debug "$exe" "$exe.debug" &&
		objcopy --strip-debug --add-gnu-debuglink="$exe.debug" "$exe" ;;
	esac
	# The victim has no build ID, so corrupted copies are not rejected
	# up front and reach every parser.
	# The only skips allowed are those the variant is built to need
	# (no line tables, no local symbols); any other skipped check means
	# a check did not run, and the variant fails.
	allowed='^$'
	case $defines in *EXPECT_NO_LINES*) allowed='no line info in this variant|no \.debug_line to fuzz' ;; esac
	case $defines in *EXPECT_NO_LOCALS*) allowed="$allowed|static variables are not in \.dynsym" ;; esac
	# debuglink moves .debug_line into NAME.debug: the executable has none to fuzz.
	[ "$post" = debuglink ] && allowed="$allowed|no \.debug_line to fuzz"

	(cd "$dir" && ADDR2LINE=$reference ./symbolize_test "$dir/victim.so") >"$log" 2>&1
	rc=$?
	if [ "$rc" = 0 ] && ! grep '# SKIP' "$log" | sed 's/.*# SKIP //' | grep -Eqv "$allowed"; then
		passed=$((passed + 1))
		echo "ok $number - $name ($(grep -v '# SKIP' "$log" | grep -c '^ok') checks, $(grep -c '# SKIP' "$log") not applicable)"
	elif [ "$rc" != 0 ]; then
		failed=$((failed + 1))
		echo "not ok $number - $name (exit status $rc)"
		grep -v '^ok' "$log" | sed 's/^/#   /'
	else
		failed=$((failed + 1))
		echo "not ok $number - $name: checks were skipped"
		grep '# SKIP\|^[^o]' "$log" | sed 's/^/#   /'
	fi
}

echo "# symbolizer unit test, output in $out"
for cc in gcc clang; do
	for v in 5 4; do
		for pie in pie nopie; do
			variant "$cc-dwarf$v-$pie" "$cc" "-gdwarf-$v" "$pie" "" "" none
		done
	done
	# binutils 2.40 addr2line misreads DWARF64 line tables; LLVM's does not.
	variant "$cc-dwarf64" "$cc" "-gdwarf-5 -gdwarf64" pie "" "" none llvm-addr2line
	variant "$cc-debuglink" "$cc" "-gdwarf-5" pie "" "" debuglink
done
variant gcc-dwarf2 gcc "-gdwarf-2" pie "" "" none
variant gcc-dwarf3-nopie gcc "-gdwarf-3" nopie "" "" none
variant gcc-compressed gcc "-gdwarf-5 -gz=zlib" pie "-DEXPECT_NO_LINES" "" none
variant gcc-stripped-rdynamic gcc "-gdwarf-5" pie "-DEXPECT_NO_LINES -DEXPECT_NO_LOCALS" "-rdynamic" strip

echo "1..$number"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
