/*
 * vmkasan-cc --halt: the compilers' non-recovering checks.  The first bad
 * access is reported and the program stops there, even with the default
 * halt_on_error=0: "continued" must never be printed.
 */
#include <stdio.h>

char g[10];

__attribute__((noinline)) int read_at(volatile char *p, int i)
{
	return p[i];
}

int main(int argc, char **argv)
{
	(void)argv;
	read_at(g, 9 + argc);	/* g[10]: one past the end */
	printf("continued\n");
	return 0;
}
