/*
 * Bug catalog: the page allocator, and addresses that are no stack's.
 *
 * A freed page is poisoned 0xFF: a later access is a use-after-free
 * (Linux's name) and the report dumps the physical page.  get_page() of a
 * free page and __free_pages() of the wrong order are bad calls, reported
 * at the struct page, which the report names as such.  An uninstrumented
 * global of the executable's data, poisoned by hand, is no stack, no
 * variable and no page the runtime knows: its report describes nothing
 * (before, any mapping passed for a stack).  Heap memory poisoned by
 * hand is a malloc object (malloc=kasan, the default): described as
 * Linux describes a kmalloc object, 72 bytes inside the 128-byte object
 * of kmalloc-128, whatever the poison's value made the bug type.
 *
 * vmalloc_write_past_end: a 16-byte write at offset 2992 of a 3000-byte
 * vmalloc region.  The report describes the access address, as Linux
 * does: never "0 bytes to the right of" (the first bad byte).
 */
#include <vmkasan.h>
#include "catalog.h"

noinline void page_uaf_read(void)
{
	struct page *pg = alloc_page(GFP_KERNEL);
	volatile char *p = page_address(pg);

	p[10] = 1;
	__free_page(pg);
	expect_addr(&p[10]);
	(void)p[10];
}

noinline void page_uaf_write8(void)
{
	struct page *pg = alloc_pages(GFP_KERNEL, 1);
	volatile uint64_t *p = page_address(pg);

	__free_pages(pg, 1);
	expect_addr(&p[600]);
	p[600] = 1;
}

noinline void page_get_freed(void)
{
	struct page *pg = alloc_page(GFP_KERNEL);

	__free_page(pg);
	expect_addr(pg);
	get_page((struct page *)hide((void *)pg));
	printf("REFCOUNT %d\n", page_ref_count(pg));
}

noinline void page_bad_free_order(void)
{
	struct page *pg = alloc_page(GFP_KERNEL);

	expect_addr(pg);
	__free_pages((struct page *)hide((void *)pg), 1);
}

noinline void heap_poisoned_write(void)
{
	char *h = malloc(128);

	vmkasan_poison(h + 64, 64);
	expect_addr(&h[72]);
	((volatile char *)hide(h))[72] = 1;
}

/* A section named like a C identifier: neither gcc nor clang instrument
 * (or register) globals in such user sections. */
static char raw_data[256] __attribute__((section("catalog_raw"), aligned(64)));

noinline void data_poisoned_read(void)
{
	vmkasan_poison(raw_data + 128, 64);
	expect_addr(&raw_data[130]);
	(void)((volatile char *)hide(raw_data))[130];
}

noinline void vmalloc_write_past_end(void)
{
	char *v = vmalloc(3000);

	expect_addr(v + 2992);
	memset(hide(v) + 2992, 0, hide((size_t)16));
}

noinline void vmalloc_read_right(void)
{
	volatile char *v = vmalloc(3000);

	expect_addr(v + 3100);
	(void)hide(v)[3100];
}

static const struct catalog_case cases[] = {
	CASE(page_uaf_read), CASE(page_uaf_write8), CASE(page_get_freed),
	CASE(page_bad_free_order),
	CASE(heap_poisoned_write), CASE(data_poisoned_read), CASE(vmalloc_write_past_end),
	CASE(vmalloc_read_right),
};

int main(int argc, char **argv)
{
	return RUN_CASES(cases);
}
