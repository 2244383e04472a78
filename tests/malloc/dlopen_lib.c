// SPDX-License-Identifier: MIT
/* An instrumented library (built with --shared-runtime) with a heap bug,
 * for dlopen_main.c. */
#include <stdlib.h>

int lib_heap_oob(int i)
{
	char *p = malloc(10);
	int r;

	p[0] = 1;
	r = p[i];
	free(p);
	return r;
}
