/*
 * Bug catalog: the runtime's checked memcpy, memmove and memset.
 *
 * A source range that overflows is reported as a Read, a destination
 * range as a Write, of the whole length at the START of the range (as
 * Linux does); the bug type comes from the first bad byte.  The
 * operation is then skipped: each case prints "UNTOUCHED" if the good
 * part of the destination still holds its old contents, "TOUCHED" if
 * not.  The length is hidden from the compiler so that a real call is
 * made.  A NULL source or destination (with a length) is a
 * null-ptr-deref at the start of the range, reported and skipped like
 * any other bad range.
 */
#include "catalog.h"

char mem_g10[10];		/* a 10-byte global */
char mem_g32[32];

static void check_untouched(const volatile char *p, size_t n, char old)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != old) {
			printf("TOUCHED at %zu\n", i);
			return;
		}
	}
	printf("UNTOUCHED\n");
}

/* Source overflow: 16 bytes read from a 10-byte global. */
noinline void memcpy_src_overflow(void)
{
	char dst[32];

	memset(dst, 'd', sizeof(dst));
	expect_addr(mem_g10);
	memcpy(dst, hide(mem_g10), hide(16));
	check_untouched(dst, 16, 'd');
}

/* Destination overflow: 11 bytes written into a 10-byte local. */
noinline void memcpy_dst_overflow(void)
{
	char dst[10];

	memset(dst, 'd', sizeof(dst));
	memset(mem_g32, 's', sizeof(mem_g32));
	expect_obj(dst);
	expect_addr(dst);
	memcpy(hide(dst), mem_g32, hide(11));
	check_untouched(dst, 10, 'd');
}

noinline void memmove_src_overflow(void)
{
	char src[10], dst[32];

	memset(src, 's', sizeof(src));
	memset(dst, 'd', sizeof(dst));
	expect_obj(src);
	expect_addr(src);
	memmove(dst, hide(src), hide(12));
	check_untouched(dst, 12, 'd');
}

noinline void memmove_dst_overflow(void)
{
	memset(mem_g10, 'd', sizeof(mem_g10));
	memset(mem_g32, 's', sizeof(mem_g32));
	expect_addr(mem_g10);
	memmove(hide(mem_g10), mem_g32, hide(20));
	check_untouched(mem_g10, 10, 'd');
}

/* Overlapping move within one array, running past its end. */
noinline void memmove_overlap_overflow(void)
{
	char buf[16];

	memset(buf, 'b', sizeof(buf));
	expect_obj(buf);
	expect_addr(&buf[4]);
	memmove(hide(buf) + 4, buf, hide(13));
	check_untouched(buf, 16, 'b');
}

noinline void memset_overflow(void)
{
	char buf[10];

	memset(buf, 'b', sizeof(buf));
	expect_obj(buf);
	expect_addr(buf);
	memset(hide(buf), 0, hide(11));
	check_untouched(buf, 10, 'b');
}

/* Starts one byte before a local: the first bad byte is the range's start. */
noinline void memset_underflow(void)
{
	char buf[10];

	memset(buf, 'b', sizeof(buf));
	expect_obj(buf);
	expect_addr(hide(buf) - 1);
	memset(hide(buf) - 1, 0, hide(4));
	check_untouched(buf, 10, 'b');
}

noinline void memset_global_overflow(void)
{
	memset(mem_g32, 'g', sizeof(mem_g32));
	expect_addr(&mem_g32[8]);
	memset(hide(mem_g32) + 8, 0, hide(25));
	check_untouched(mem_g32, 32, 'g');
}

noinline void memcpy_from_null(void)
{
	char dst[16];

	memset(dst, 'd', sizeof(dst));
	expect_addr(NULL);
	memcpy(dst, (char *)hide((uintptr_t)0), hide((size_t)8));
	check_untouched(dst, 16, 'd');
}

noinline void memmove_from_null(void)
{
	memset(mem_g32, 'g', sizeof(mem_g32));
	expect_addr((char *)8);
	memmove(mem_g32, hide((char *)8), hide((size_t)16));
	check_untouched(mem_g32, 32, 'g');
}

noinline void memcpy_to_null(void)
{
	memset(mem_g32, 'g', sizeof(mem_g32));
	expect_addr((char *)32);
	memcpy(hide((char *)32), mem_g32, hide((size_t)4));
	check_untouched(mem_g32, 32, 'g');
}

noinline void memset_null(void)
{
	expect_addr((char *)16);
	memset(hide((char *)16), 0, hide((size_t)8));
	printf("UNTOUCHED\n");	/* reaching here is what matters */
}

/*
 * Longer than 256 bytes: checked by the slow path, not the inline one
 * (which only decides short ranges).
 */
char mem_g260[260];

noinline void memcpy_src_overflow_long(void)
{
	char dst[512];

	memset(dst, 'd', sizeof(dst));
	expect_addr(mem_g260);
	memcpy(dst, hide(mem_g260), hide(300));
	check_untouched(dst, 300, 'd');
}

noinline void memset_overflow_long(void)
{
	char buf[280];

	memset(buf, 'b', sizeof(buf));
	expect_obj(buf);
	expect_addr(buf);
	memset(hide(buf), 0, hide(300));
	check_untouched(buf, 280, 'b');
}

/*
 * A range whose shadow is fine but whose memory is not mapped (a page
 * unmapped behind an mmap): the copy itself faults, inside the runtime.
 * It must be reported like a load of that address (wild.c
 * unmapped_read): unable-to-handle-page-fault at the first unmapped
 * byte, from the caller of memcpy, not as an internal error.
 * (Hosted only: the bare-metal guest has no mmap.)
 */
#ifndef __vmkasan_riscv__
#include <sys/mman.h>

static char *page_then_hole(void)
{
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	munmap(p + 4096, 4096);
	return p;
}

noinline void memcpy_from_unmapped(void)
{
	char dst[64], *p = page_then_hole();

	expect_addr(p + 4096);
	memcpy(hide(dst), hide(p) + 4096 - 32, hide(64));
}

noinline void memset_unmapped(void)
{
	char *p = page_then_hole();

	expect_addr(p + 4096);
	memset(hide(p) + 4000, 0, hide(200));
}

noinline void memmove_to_unmapped(void)
{
	char *p = page_then_hole();

	expect_addr(p + 4096);
	memmove(hide(p) + 4096 - 16, p, hide(48));
}
#endif

static const struct catalog_case cases[] = {
	CASE(memcpy_src_overflow_long), CASE(memset_overflow_long),
#ifndef __vmkasan_riscv__
	CASE(memcpy_from_unmapped), CASE(memset_unmapped), CASE(memmove_to_unmapped),
#endif
	CASE(memcpy_src_overflow), CASE(memcpy_dst_overflow),
	CASE(memmove_src_overflow), CASE(memmove_dst_overflow), CASE(memmove_overlap_overflow),
	CASE(memset_overflow), CASE(memset_underflow), CASE(memset_global_overflow),
	CASE(memcpy_from_null), CASE(memmove_from_null), CASE(memcpy_to_null), CASE(memset_null),
};

int main(int argc, char **argv)
{
	return RUN_CASES(cases);
}
