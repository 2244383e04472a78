#!/bin/sh
# Build test_vmalloc into OUTDIR:
#   OUTDIR/test_vmalloc           instrumented with vmkasan (keep, purge, refcount)
#   OUTDIR/test_vmalloc-noshadow  not instrumented, same runtime (the "off" baseline)
# Needs the runtime built first (make).  CC picks the compiler (gcc or clang).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:?usage: build.sh OUTDIR}
cc=${CC:-gcc}
mkdir -p "$out"
srcs="$here/main.c $here/runner.c $here/sample.c $here/bench.c"
warn="-Wall -Wextra -Wno-unused-result"
[ -f "$root/build/lib/libvmkasan.a" ] && [ -x "$root/build/bin/vmkasan-cc" ] || {
	echo "build.sh: build the runtime first (make in $root)" >&2
	exit 1
}
"$root/build/bin/vmkasan-cc" --cc="$cc" -O2 -g $warn -DTV_INSTRUMENTED=1 -I"$here" \
	$srcs -o "$out/test_vmalloc" -lpthread
# Frame pointers in the baseline too: the runtime records a call trace
# per area, and without them its walk starts from a garbage frame pointer
# (see repro/unwind_no_fp.c).
"$cc" -O2 -g $warn -fno-omit-frame-pointer -DTV_INSTRUMENTED=0 -I"$root/include" -I"$here" \
	$srcs -o "$out/test_vmalloc-noshadow" \
	-Wl,--whole-archive "$root/build/lib/libvmkasan.a" -Wl,--no-whole-archive -lpthread -ldl
