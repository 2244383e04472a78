// SPDX-License-Identifier: MIT
/*
 * Allocation and deallocation of different kinds: `mismatch CASE` frees
 * a block with the wrong function once (reported: alloc-dealloc-mismatch)
 * and goes on; the block is freed all the same.
 */
#include <cstdio>
#include <cstdlib>
#include <cstring>

#define HIDE(p) __asm__ volatile("" : "+r"(p))

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(c, "new_array_delete")) {
		int *p = new int[10];
		HIDE(p);
		printf("EXPECT %p\n", (void *)p);
		delete p;	/* BUG new_array_delete */
	} else if (!strcmp(c, "new_delete_array")) {
		int *p = new int;
		HIDE(p);
		printf("EXPECT %p\n", (void *)p);
		delete[] p;	/* BUG new_delete_array */
	} else if (!strcmp(c, "new_free")) {
		int *p = new int(1);
		HIDE(p);
		printf("EXPECT %p\n", (void *)p);
		free(p);	/* BUG new_free */
	} else if (!strcmp(c, "new_array_free")) {
		char *p = new char[100];
		HIDE(p);
		printf("EXPECT %p\n", (void *)p);
		free(p);	/* BUG new_array_free */
	} else if (!strcmp(c, "malloc_delete")) {
		int *p = (int *)malloc(sizeof(int));
		HIDE(p);
		printf("EXPECT %p\n", (void *)p);
		delete p;	/* BUG malloc_delete */
	} else if (!strcmp(c, "malloc_delete_array")) {
		char *p = (char *)malloc(20000);	/* a large kmalloc */
		HIDE(p);
		printf("EXPECT %p\n", (void *)p);
		delete[] p;	/* BUG malloc_delete_array */
	} else if (!strcmp(c, "big_new_array_delete")) {
		char *p = new char[1 << 20];		/* a vmalloc area */
		HIDE(p);
		printf("EXPECT %p\n", (void *)p);
		delete p;	/* BUG big_new_array_delete */
	} else if (!strcmp(c, "new_realloc")) {
		char *p = new char[10];
		HIDE(p);
		printf("EXPECT %p\n", (void *)p);
		p = (char *)realloc(p, 20);	/* BUG new_realloc */
		HIDE(p);
		free(p);
	} else {
		return 2;
	}
	printf("went on\n");
	return 0;
}
