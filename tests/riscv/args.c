/*
 * vmkasan-qemu's side of the guest (tests/riscv/run.sh): "args ..."
 * prints every argument the guest got, byte for byte in hex; "hang"
 * never exits.
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "hang"))
		for (;;)
			__asm__ volatile("wfi");
	printf("ARGC %d\n", argc);
	for (int i = 1; i < argc; i++) {
		printf("ARG %d ", i);
		for (const unsigned char *p = (const unsigned char *)argv[i]; *p; p++)
			printf("%02x", *p);
		printf("\n");
	}
	return 0;
}
