#!/bin/sh
# Runtime problems found with test_vmalloc, reproduced minimally.  Builds
# each repro uninstrumented (plain gcc and libvmkasan.a) and runs it under
# vmalloc_shadow=off.  Needs the runtime built (make).
#   unwind_no_fp.c  expected (bug): without frame pointers ~2 read() calls
#                   per vmalloc+vfree pair and several times the cost
#   pcpu_scan.c     expected (bug): __alloc_percpu cost grows with chunks
#   pcpu_free_race.c  (instrumented) a false report from free_percpu's late
#                   poison; fixed in src/core/percpu.c: prints "0 report(s)"
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${1:-/tmp/vmkasan-repro}
mkdir -p "$out"
link() {
	gcc -O2 -g "$@" -Wl,--whole-archive "$root/build/lib/libvmkasan.a" \
		-Wl,--no-whole-archive -lpthread -ldl
}
echo "== unwind_no_fp: vmalloc+vfree from code with and without frame pointers"
for fp in omit no-omit; do
	link -f$fp-frame-pointer -I"$root/include" "$here/unwind_no_fp.c" -o "$out/unwind-$fp-fp"
	VMKASAN_OPTIONS=vmalloc_shadow=off "$out/unwind-$fp-fp" 20000
done
echo "== pcpu_scan: __alloc_percpu as chunks pile up"
link -fno-omit-frame-pointer -I"$root/include" "$here/pcpu_scan.c" -o "$out/pcpu_scan"
VMKASAN_OPTIONS=vmalloc_shadow=off "$out/pcpu_scan"
echo "== pcpu_free_race: two threads allocating and freeing per-cpu memory"
"$root/build/bin/vmkasan-cc" -O2 -g "$here/pcpu_free_race.c" -o "$out/pcpu_free_race" -lpthread
"$out/pcpu_free_race" 2>&1 | grep -E "BUG: KASAN|report\(s\)"
