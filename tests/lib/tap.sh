# tests/lib/tap.sh - sourced by the suites' run.sh scripts (sh or bash):
#   ok DESC                  "ok N - DESC"
#   not_ok DESC [FILE...]    "not ok N - DESC", then each FILE's first 40 lines as "#   " lines
#   finish                   "P passed, F failed"; exits 0 only if nothing failed
# run-tests.sh renumbers these lines into its own count.
PASS=0
FAIL=0
N=0

ok() {
	N=$((N + 1)); PASS=$((PASS + 1))
	echo "ok $N - $1"
}

not_ok() {
	N=$((N + 1)); FAIL=$((FAIL + 1))
	echo "not ok $N - $1"
	shift
	for f in "$@"; do
		[ -f "$f" ] && sed -e 's/^/#   /' "$f" | head -40
	done
	return 0
}

finish() {
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
	exit $?
}
