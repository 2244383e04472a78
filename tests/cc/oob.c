// SPDX-License-Identifier: MIT
/* One vmalloc-out-of-bounds write, for the vmkasan-cc tests (C and C++). */
#include <stdio.h>
#include <vmkasan.h>

int main(void)
{
	char *p = (char *)vmalloc(10);

	p[12] = 1;	/* the line the report must name */
	printf("went on\n");
	vfree(p);
	return 0;
}
