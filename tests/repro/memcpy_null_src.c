/*
 * Reproducer (runtime bug): memcpy/memmove from a NULL source.
 *
 *   build/bin/vmkasan-cc -g -O1 tests/repro/memcpy_null_src.c -o /tmp/mn && /tmp/mn
 *
 * Expected: BUG: KASAN: null-ptr-deref in main, Read of size 8 at addr
 * 0000000000000000, the copy skipped (as for a NULL destination or memset).
 * Got: "vmkasan: internal error: SIGSEGV accessing 0 at pc ... in the
 * runtime" from plat_memcpy (exit 134): check_ranges() in
 * src/core/string.c skips the source check when src is NULL, a test meant
 * to tell memset (no source) from memcpy.
 * Catalog: tests/catalog/mem.c memcpy_from_null.
 */
#include <stdint.h>
#include <string.h>

int main(void)
{
	char dst[16];
	uintptr_t src = 0;
	size_t n = 8;

	__asm__("" : "+r"(src), "+r"(n));
	memcpy(dst, (const void *)src, n);
	return dst[0] == 42;
}
