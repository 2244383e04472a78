// SPDX-License-Identifier: MIT
/* An uninstrumented program (plain cc) that dlopens an instrumented
 * library and calls its bug: dlopen_main LIB. */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	void *h = argc > 1 ? dlopen(argv[1], RTLD_NOW) : NULL;
	int (*f)(int);

	if (!h) {
		printf("dlopen failed: %s\n", dlerror());
		return 3;
	}
	f = (int (*)(int))dlsym(h, "lib_heap_oob");
	printf("read %d\n", f(10));
	return 0;
}
