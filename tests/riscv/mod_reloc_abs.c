// SPDX-License-Identifier: MIT
/* An absolute symbol for mod_reloc.c (another object of the same .ko, so
 * that the assembler cannot fold it: its references stay relocations
 * against an SHN_ABS symbol). */
__asm__(".globl rr_abs\n"
	".set rr_abs, 0x12345\n");
