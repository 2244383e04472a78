// SPDX-License-Identifier: MIT
/*
 * A load from a non-canonical address by an instruction with five
 * segment-override prefixes, the most the assembler adds when it pads
 * code to keep branches off 32-byte boundaries (vmkasan-cc passes
 * -mbranches-within-32B-boundaries; its prefix padding goes up to 5
 * bytes, GNU as -malign-branch-prefix-size and LLVM's
 * -x86-pad-max-prefix-size).  The CPU raises #GP without an address;
 * the runtime decodes the faulting instruction to name it.
 */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
	uintptr_t a = 0xdead000000000108UL;
	unsigned char v;

	__asm__("" : "+r"(a));
	printf("ADDR %lx\n", (unsigned long)a);
	fflush(stdout);
	__asm__ volatile(".byte 0x2e, 0x2e, 0x2e, 0x2e, 0x2e\n\tmovb (%1), %0" : "=q"(v) : "r"(a) : "memory");
	printf("went on %d\n", v);
	return 0;
}
