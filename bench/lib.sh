# bench/lib.sh: what the bench/run-*.sh scripts share, sourced after each
# sets ROOT: the settings and option checks (bench_init), the results
# file, its machine header, the machine-readable result the summary of
# `make bench` reads (kv), medians and ratios.

die() { echo "$BENCH_NAME: $*" >&2; exit 1; }

# bench_init NAME [DIR]: the settings every script shares, its output in
# build/bench[/DIR], checked.  The environment: BENCH_REPEAT (runs per
# configuration, default 3), CC_GCC, CC_CLANG.
bench_init() {
	BENCH_NAME=$1
	OUT="$ROOT/build/bench${2:+/$2}"
	BIN="$OUT/bin"
	RUNS="$OUT/runs"
	RESULTS="$OUT/results.md"
	KV="$OUT/result.kv"
	VMKASAN_CC="$ROOT/build/bin/vmkasan-cc"
	REPEAT=${BENCH_REPEAT:-3}
	CC_GCC=${CC_GCC:-gcc}
	CC_CLANG=${CC_CLANG:-clang}
	bench_check_env
}

# The environment both scripts take, checked before anything is built.
bench_check_env() {
	case "$REPEAT" in
	''|*[!0-9]*|0) die "BENCH_REPEAT must be a positive integer (got '$REPEAT')" ;;
	esac
	[ -x "$VMKASAN_CC" ] || die "$VMKASAN_CC not found: run 'make' first (or 'make bench')"
	command -v "$CC_GCC" >/dev/null 2>&1 || die "$CC_GCC not found"
}

# Fresh BIN and RUNS; results go to RESULTS through out(), the figures
# bench/summary.sh reads to KV through kv().  Only these are removed: the
# CPU-bound bench's OUT holds the other benches' output.
bench_open_results() {
	rm -rf "$BIN" "$RUNS" "$RESULTS" "$KV"
	mkdir -p "$BIN" "$RUNS"
	exec 3>"$RESULTS"
	kv runs "$REPEAT"
}
out() { printf '%s\n' "$*"; printf '%s\n' "$*" >&3; }
# kv KEY VALUE: one "KEY=VALUE" line of the machine-readable result.
kv() { printf '%s=%s\n' "$1" "$2" >>"$KV"; }

# bench_header TITLE: the machine, compilers and commit the numbers
# belong to (uncommitted changes under the given paths are flagged).
bench_header() {
	local_cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
	local_clang="(not found)"
	command -v "$CC_CLANG" >/dev/null 2>&1 && local_clang=$("$CC_CLANG" --version 2>/dev/null | head -n 1)
	out "# $1"
	out ""
	out "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	out "- CPU: ${local_cpu:-unknown}; cores: $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?'); kernel: $(uname -r); load average at start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
	out "- gcc: $("$CC_GCC" --version 2>/dev/null | head -n 1)"
	out "- clang: $local_clang"
	out "- vmkasan: $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$ROOT" && [ -z "$(git status --porcelain -- src include tools bench 2>/dev/null)" ] || echo ' + uncommitted changes')"
}

# The reference configurations both benches build: native and ASan, with
# each script's CFLAGS.  reference_build CONFIG SRC OUT fails for any other.
reference_label() {
	case "$1" in
	native) echo "native gcc" ;;
	native-clang) echo "native clang" ;;
	asan-gcc) echo "ASan gcc" ;;
	asan-clang) echo "ASan clang" ;;
	*) return 1 ;;
	esac
}
reference_build() {
	case "$1" in
	native) "$CC_GCC" $CFLAGS "$2" -o "$3" ;;
	native-clang) "$CC_CLANG" $CFLAGS "$2" -o "$3" ;;
	asan-gcc) "$CC_GCC" $CFLAGS -fsanitize=address "$2" -o "$3" ;;
	asan-clang) "$CC_CLANG" $CFLAGS -fsanitize=address "$2" -o "$3" ;;
	*) return 1 ;;
	esac
}

median() {
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		if (NR % 2) printf "%.3f", v[(NR + 1) / 2];
		else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
ratio3() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
