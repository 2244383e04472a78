/*
 * The v4 patch's test, as a program: vmalloc(3000), then read byte 3100.
 * Build and run:  build/bin/vmkasan-cc -g examples/demo.c -o build/demo && build/demo
 * Expect a "BUG: KASAN: vmalloc-out-of-bounds" report and exit status 1.
 */
#include <stdio.h>
#include <vmkasan.h>

static __attribute__((noinline)) char vmalloc_oob(void)
{
	char *area = vmalloc(3000);
	char c;

	if (!area) {
		fprintf(stderr, "vmalloc failed\n");
		return 0;
	}
	c = ((volatile char *)area)[3100];	/* 100 bytes past the end */
	vfree(area);
	return c;
}

int main(void)
{
	printf("reading byte 3100 of a 3000-byte vmalloc area...\n");
	vmalloc_oob();
	return 0;
}
