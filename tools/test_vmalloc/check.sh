#!/bin/sh
# check.sh OUTDIR: build test_vmalloc into OUTDIR and check it:
#   (a) --preset=smoke --shadow=all
#   (b) the 32 MiB board: --preset=stress --ram=32M --shadow=all, small counts
# Each run must exit 0, print no "BUG: KASAN" on stderr, and under the
# refcount policy keep the measured resident vmalloc shadow within
# 1.1 x lower bound + cache at every sample.  Also: a deliberate
# out-of-bounds read is reported (the checks are live), and bad
# parameters exit 2.  Prints "ok N - ..." lines and "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: check.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
n=0
passed=0
failed=0

ok() {
	n=$((n + 1))
	passed=$((passed + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	[ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/#   /'
	return 0
}

check() {	# description, command...
	d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}

# The refcount policy's cache: each CSV row says how big the runtime made
# it (column cache_max: the option, or 64 pages per CPU).

# resident <= 1.1 * lower_bound + cache at every refcount sample of a CSV.
refcount_bound() {	# csv, name
	awk -F, '
		NR > 1 && $1 == "refcount" {
			n++
			cache = $12
			if ($5 > 1.1 * $4 + cache) {
				bad++
				if (bad <= 5)
					printf "#   op %s: resident %s > 1.1 x %s + %s\n", $2, $5, $4, cache
			}
		}
		END {
			if (!n) { print "#   no refcount samples"; exit 1 }
			exit bad ? 1 : 0
		}' "$1"
}

# resident <= used + cache at every refcount sample: exact, since the policy
# frees a page (through its cache) as soon as no live area uses it.
refcount_used() {	# csv
	awk -F, '
		NR > 1 && $1 == "refcount" && $5 > $11 + $12 {
			bad++
			if (bad <= 5)
				printf "#   op %s: resident %s > used %s + %s\n", $2, $5, $11, $12
		}
		END { exit bad ? 1 : 0 }' "$1"
}

all_policies_ran() {	# stdout file
	for p in off keep purge refcount; do
		grep -q "^## policy $p:" "$1" || return 1
		# its row of the memory table: exit status 0
		grep -q "^| $p | 0 | [0-9]* ([0-9.]* MiB) |" "$1" || return 1
	done
}

run_scenario() {	# name, description, args...
	name=$1
	desc=$2
	shift 2
	"$out/test_vmalloc" "$@" --csv="$out/check-$name.csv" >"$out/check-$name.out" \
		2>"$out/check-$name.err"
	rc=$?
	if [ $rc = 0 ]; then
		ok "$desc: exit 0"
	else
		not_ok "$desc: exit $rc" "$(tail -n 5 "$out/check-$name.out")"
	fi
	if grep -q "BUG: KASAN" "$out/check-$name.err"; then
		not_ok "$desc: no KASAN report" "$(grep -m 3 "BUG: KASAN" "$out/check-$name.err")"
	else
		ok "$desc: no KASAN report"
	fi
	check "$desc: every policy ran, each child exited 0" all_policies_ran "$out/check-$name.out"
	msg=$(refcount_bound "$out/check-$name.csv" 2>&1)
	if [ $? = 0 ]; then
		ok "$desc: refcount resident shadow <= 1.1 x lower bound + cache at every sample"
	else
		not_ok "$desc: refcount resident shadow <= 1.1 x lower bound + cache at every sample" \
			"$msg"
	fi
	msg=$(refcount_used "$out/check-$name.csv" 2>&1)
	if [ $? = 0 ]; then
		ok "$desc: refcount resident shadow <= pages in use + cache at every sample"
	else
		not_ok "$desc: refcount resident shadow <= pages in use + cache at every sample" "$msg"
	fi
}

if "$here/build.sh" "$out" >"$out/check-build.log" 2>&1; then
	ok "build test_vmalloc and test_vmalloc-noshadow"
else
	not_ok "build test_vmalloc and test_vmalloc-noshadow" "$(tail -n 5 "$out/check-build.log")"
	echo "$passed passed, $failed failed"
	exit 1
fi

# (a) smoke, every policy.
run_scenario smoke "smoke, all policies" --preset=smoke --shadow=all

# (b) the 32 MiB board: the kernel's pre-allocations against 32 MiB of RAM.
run_scenario ram32 "stress on 32 MiB, all policies" --preset=stress --ram=32M --shadow=all \
	--test_repeat_count=2 --test_loop_count=100 --pcpu_alloc_count=1000
if grep -q "^| [a-z]* | 0 | 8192 (32.0 MiB)" "$out/check-ram32.out"; then
	ok "stress on 32 MiB: the RAM budget was reached and its failures handled"
else
	not_ok "stress on 32 MiB: the RAM budget was reached and its failures handled"
fi

# The checks are live: a deliberate read past a vmalloc area is reported.
"$out/test_vmalloc" --canary=1 --shadow=refcount --preset=smoke --run_test_mask=1 \
	>"$out/check-canary.out" 2>"$out/check-canary.err"
rc=$?
if [ $rc = 0 ] && grep -q "BUG: KASAN: vmalloc-out-of-bounds" "$out/check-canary.err" &&
   grep -q "^Canary: detected" "$out/check-canary.out"; then
	ok "an out-of-bounds read of a vmalloc area is reported"
else
	not_ok "an out-of-bounds read of a vmalloc area is reported (exit $rc)"
fi

# Bad parameters: a message and exit 2.
for args in "--nr_threads=-1" "--bogus=1" "--run_test_mask=768" "--shadow=sometimes" \
	    "--preset=fast" "--test_loop_count=ten" "nr_threads=2"; do
	"$out/test_vmalloc" $args >/dev/null 2>"$out/check-badarg.err"
	rc=$?
	if [ $rc = 2 ] && [ -s "$out/check-badarg.err" ]; then
		ok "bad parameter '$args': message and exit 2"
	else
		not_ok "bad parameter '$args': message and exit 2 (got $rc)"
	fi
done
"$out/test_vmalloc" --help >"$out/check-help.out" 2>&1
check "--help exits 0 and says the kvfree_rcu cases are skipped" \
	grep -q "kvfree_rcu_1_arg_vmalloc_test  (skipped" "$out/check-help.out"

echo "$passed passed, $failed failed"
[ $failed = 0 ]
