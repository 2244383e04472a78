#!/bin/sh
# tests/api/run.sh [OUTDIR] - <vmkasan.h> as the one contract of the runtime.
#
#  1. api.c calls every function the header declares, and defines names
#     the runtime uses inside (should_fail, ram_pages, meta_alloc, ...):
#     built and run with the static runtime and with libvmkasan.so, gcc
#     and clang.
#  2. What the libraries make global is exactly the header's API, the
#     compiler ABI (__asan_*), the libc functions the runtime replaces
#     (memcpy, memmove, memset, the str*/mem* checked ones, pthread_create
#     and its join/detach, the malloc family, strdup, strndup) and the
#     start hook.
# Prints TAP-style lines, then "N passed, N failed".
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$ROOT/build/tests/api}
case $OUT in /*) ;; *) OUT=$(pwd)/$OUT ;; esac
CC_WRAP=$ROOT/build/bin/vmkasan-cc
LIB=$ROOT/build/lib
mkdir -p "$OUT" || exit 2
. "$ROOT/tests/lib/tap.sh"

for cc in gcc clang; do
	for rt in static shared; do
		b=api-$cc-$rt flag=""
		[ $rt = shared ] && flag=--shared-runtime
		if ! "$CC_WRAP" --cc=$cc $flag -g -O1 -Wall -Werror "$ROOT/tests/api/api.c" \
			-o "$OUT/$b" >"$OUT/$b.build" 2>&1; then
			not_ok "$b: links (the program defines the runtime's internal names)" "$OUT/$b.build"
			continue
		fi
		ok "$b: links (the program defines the runtime's internal names)"
		"$OUT/$b" >"$OUT/$b.out" 2>"$OUT/$b.err"
		rc=$?
		if [ $rc = 0 ] && ! grep -q '^not ok' "$OUT/$b.out" && [ "$(grep -c '^ok' "$OUT/$b.out")" -ge 20 ] &&
			[ ! -s "$OUT/$b.err" ]; then
			ok "$b: every API function callable, results right, no report"
		else
			echo "exit $rc" >>"$OUT/$b.out"
			not_ok "$b: every API function callable, results right, no report" "$OUT/$b.out" "$OUT/$b.err"
		fi
	done
done

# The API: every name declared VMKASAN_API in the header.
sed -n 's/^VMKASAN_API //p' "$ROOT/include/vmkasan.h" |
	sed -e 's/(.*//' -e 's/;.*//' -e 's/.*[ *]//' | sort -u >"$OUT/api.names"
# "VMALLOC_START, VMALLOC_END" is one declaration of two names.
grep -q VMALLOC_END "$OUT/api.names" && echo VMALLOC_START >>"$OUT/api.names"
sort -u -o "$OUT/api.names" "$OUT/api.names"
nm -D --defined-only "$LIB/libvmkasan.so" | awk '{ print $3 }' | sort -u >"$OUT/so.names"
nm "$LIB/libvmkasan.a" | awk 'NF == 3 && $2 ~ /^[TDBRCVW]$/ { print $3 }' | sort -u >"$OUT/a.names"
expected_extra='^(__asan_.*|memcpy|memmove|memset|pthread_create|vmkasan_start|strlen|strnlen|strchr|strrchr|strcmp|strncmp|strcpy|strncpy|strcat|strncat|strstr|memchr|memcmp|bcmp|strscpy|pthread_join|pthread_tryjoin_np|pthread_detach|malloc|free|calloc|realloc|reallocarray|posix_memalign|aligned_alloc|memalign|valloc|pvalloc|malloc_usable_size|strdup|strndup|_Zn[wa]m.*|_Zd[la]Pv.*)$'
for lib in so a; do
	missing=$(comm -23 "$OUT/api.names" "$OUT/$lib.names" | tr '\n' ' ')
	extra=$(comm -13 "$OUT/api.names" "$OUT/$lib.names" | grep -Ev "$expected_extra" | tr '\n' ' ')
	[ "$(wc -l <"$OUT/api.names")" -ge 30 ] || missing="(the header declares fewer than 30 VMKASAN_API names)"
	if [ -z "$missing" ]; then ok "lib$lib: defines every API name of the header ($(wc -l <"$OUT/api.names"))"
	else echo "missing: $missing" >"$OUT/$lib.diff"; not_ok "lib$lib: defines every API name of the header" "$OUT/$lib.diff"; fi
	if [ -z "$extra" ]; then ok "lib$lib: no internal symbol is global"
	else echo "global but internal: $extra" >"$OUT/$lib.diff"; not_ok "lib$lib: no internal symbol is global" "$OUT/$lib.diff"; fi
done
finish
