# tests/lib/tap.sh - sourced by the suites' run.sh scripts (sh or bash):
#   ok DESC                  "ok N - DESC"
#   not_ok DESC [FILE...]    "not ok N - DESC", then each FILE's first 40 lines as "#   " lines
#   expect DESC FILE RE...   ok if FILE matches every extended RE, else not_ok
#                            naming the first missing one
#   field WHEN NAME FILE     N from a line "WHEN: ... NAME=N ..." of FILE
#   unchanged FILE NAME...   true if each NAME is on FILE's "before:" line
#                            with the same value on its "after:" line
#   used_shadow WHEN FILE    shadow_pages minus the refcount cache (cached)
#   same_live DESC FILE      ok if areas, slab objects and used shadow are
#                            unchanged from "before:" to "after:"
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

expect() {
	_d=$1 _f=$2
	shift 2
	for _p in "$@"; do
		if ! grep -qE -- "$_p" "$_f"; then
			echo "missing: $_p" >>"$_f"
			not_ok "$_d" "$_f"
			return 0
		fi
	done
	ok "$_d"
}

field() {
	sed -n "s/^$1:.* $2=\([0-9]*\).*/\1/p" "$3"
}

unchanged() {
	_uf=$1
	shift
	for _un in "$@"; do
		_ub=$(field before "$_un" "$_uf")
		[ -n "$_ub" ] && [ "$_ub" = "$(field after "$_un" "$_uf")" ] || return 1
	done
}

used_shadow() {
	echo $(( $(field "$1" shadow_pages "$2") - $(field "$1" cached "$2") ))
}

same_live() {
	if unchanged "$2" live_areas slab_objects &&
		[ "$(used_shadow before "$2")" = "$(used_shadow after "$2")" ]; then
		ok "$1"
	else
		not_ok "$1" "$2"
	fi
}

finish() {
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
	exit $?
}
