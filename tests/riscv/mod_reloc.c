// SPDX-License-Identifier: MIT
/*
 * A module whose code carries each RISC-V relocation type the loader
 * handles (src/riscv/module.c, after Linux's arch/riscv/kernel/module.c),
 * written in assembly (the instructions whose relocation an assembler
 * might choose otherwise, with an explicit .reloc) so that each appears
 * whatever the compiler does;
 * init stores what each piece computed in the program's
 * rv_reloc_results[] (tests/riscv/modprog.c checks the values).  Global
 * labels keep branches and jumps as relocations (the assembler resolves
 * local ones itself).
 */
#include <linux/module.h>

extern long rv_reloc_results[32];
extern void *rv_reloc_fn[4];
long rv_reloc_kernel_fn(long x);

long rr_got(void), rr_callplt(void), rr_pcrel(void), rr_hi(void), rr_lo_s(void), rr_branch(void),
	rr_call(void);
extern unsigned rr_d32;
extern unsigned long rr_d64, rr_q64;
extern unsigned short rr_d16, rr_s16;
extern unsigned char rr_d8, rr_s6, rr_u6, rr_s8, rr_uleb[4];
extern int rr_pc32;
extern unsigned rr_s32, rr_w32;
extern char rr_l1[];
static const char rr_ro[16] = "rodata";

__asm__(
	"	.option push\n"
	"	.option norvc\n"
	"	.text\n"
	"	.globl rr_got, rr_callplt, rr_pcrel, rr_hi, rr_lo_s, rr_branch, rr_call, rr_times5\n"
	"	.globl rr_l1, rr_l2, rr_b1, rr_b2, rr_b3, rr_b4, rr_bad\n"
	/* GOT_HI20 + PCREL_LO12_I: the image's variable through a GOT entry */
	"rr_got:\n"
	"1:	auipc a0, %got_pcrel_hi(rv_reloc_data)\n"
	"	ld a0, %pcrel_lo(1b)(a0)\n"
	"	ld a0, 0(a0)\n"
	"	ret\n"
	/* CALL_PLT to the image, 64 GiB below: through a PLT entry */
	"rr_callplt:\n"
	"	addi sp, sp, -16\n"
	"	sd ra, 8(sp)\n"
	"	li a0, 7\n"
	"	.reloc ., R_RISCV_CALL_PLT, rv_reloc_kernel_fn\n"
	"	auipc ra, 0\n"
	"	jalr ra, 0(ra)\n"
	"	ld ra, 8(sp)\n"
	"	addi sp, sp, 16\n"
	"	ret\n"
	/* PCREL_HI20 with LO12_S (store) and LO12_I (load), text to data */
	"rr_pcrel:\n"
	"	li t1, 0x55\n"
	"2:	auipc t0, %pcrel_hi(rr_var)\n"
	"	sd t1, %pcrel_lo(2b)(t0)\n"
	"3:	auipc t0, %pcrel_hi(rr_var)\n"
	"	ld a0, %pcrel_lo(3b)(t0)\n"
	"	ret\n"
	/* HI20/LO12_I of an absolute symbol */
	"rr_hi:\n"
	"	lui a0, %hi(rr_abs)\n"
	"	addi a0, a0, %lo(rr_abs)\n"
	"	ret\n"
	/* LO12_S: a store at rr_var2 - lo(rr_abs) + lo(rr_abs) */
	"rr_lo_s:\n"
	"	lla t0, rr_var2\n"
	"	li t1, 0x345\n"
	"	sub t0, t0, t1\n"
	"	lui a1, %hi(rr_abs)\n"
	"	addi a1, a1, %lo(rr_abs)\n"
	"	sd a1, %lo(rr_abs)(t0)\n"
	"	lla t0, rr_var2\n"
	"	ld a0, 0(t0)\n"
	"	ret\n"
	/* BRANCH, JAL, RVC_BRANCH, RVC_JUMP: each taken adds one */
	"rr_branch:\n"
	"	li a0, 0\n"
	"	li t0, 1\n"
	"	beq t0, t0, rr_b1\n"
	"	j rr_bad\n"
	"rr_b1:	addi a0, a0, 1\n"
	"	jal zero, rr_b2\n"
	"	j rr_bad\n"
	"rr_b2:	addi a0, a0, 1\n"
	"	li a5, 0\n"
	"	.reloc ., R_RISCV_RVC_BRANCH, rr_b3\n"
	"	.2byte 0xc381\n"	/* c.beqz a5, . */
	"	.2byte 0x0001\n"	/* c.nop: what follows stays 4-byte aligned */
	"	j rr_bad\n"
	"rr_b3:	addi a0, a0, 1\n"
	"	.reloc ., R_RISCV_RVC_JUMP, rr_b4\n"
	"	.2byte 0xa001\n"	/* c.j . */
	"	.2byte 0x0001\n"
	"	j rr_bad\n"
	"rr_b4:	addi a0, a0, 3\n"
	"	ret\n"
	"rr_bad:	li a0, -1\n"
	"	ret\n"
	/* CALL (not PLT) to a function of the module */
	"rr_call:\n"
	"	addi sp, sp, -16\n"
	"	sd ra, 8(sp)\n"
	"	li a0, 7\n"
	"	.reloc ., R_RISCV_CALL, rr_times5\n"
	"	auipc ra, 0\n"
	"	jalr ra, 0(ra)\n"
	"	ld ra, 8(sp)\n"
	"	addi sp, sp, 16\n"
	"	ret\n"
	"rr_times5:\n"
	"	li t0, 5\n"
	"	mul a0, a0, t0\n"
	"	addi a0, a0, 1\n"
	"	ret\n"
	/* 24 bytes apart, for the label differences */
	"rr_l1:	.4byte 0x13, 0x13, 0x13, 0x13, 0x13, 0x13\n"
	"rr_l2:	ret\n"
#ifdef RR_OVERFLOW
	"	.skip 300\n"
	"rr_l3:	ret\n"
#endif
	"	.data\n"
	"	.balign 8\n"
	"	.globl rr_d32, rr_d64, rr_d16, rr_d8, rr_s6, rr_u6, rr_s8, rr_s16, rr_s32, rr_uleb, rr_pc32, rr_q64, rr_w32\n"
	"rr_var:	.quad 0\n"
	"rr_var2:	.quad 0\n"
	"rr_d64:	.reloc ., R_RISCV_ADD64, rr_l2\n"
	"	.reloc ., R_RISCV_SUB64, rr_l1\n"
	"	.quad 0\n"
	"rr_q64:	.quad rv_reloc_kernel_fn\n"
	"rr_d32:	.reloc ., R_RISCV_ADD32, rr_l2\n"
	"	.reloc ., R_RISCV_SUB32, rr_l1\n"
	"	.4byte 0\n"
	"rr_pc32:	.reloc ., R_RISCV_32_PCREL, rr_l1\n"
	"	.4byte 0\n"
	"rr_s32:	.reloc ., R_RISCV_SET32, 0x89abcdef\n"
	"	.4byte 0\n"
	"rr_w32:	.4byte rr_abs\n"
	"rr_d16:	.reloc ., R_RISCV_ADD16, rr_l2\n"
	"	.reloc ., R_RISCV_SUB16, rr_l1\n"
	"	.2byte 0\n"
	"rr_s16:	.reloc ., R_RISCV_SET16, 0xabcd\n"
	"	.2byte 0\n"
	"rr_d8:	.reloc ., R_RISCV_ADD8, rr_l2\n"
	"	.reloc ., R_RISCV_SUB8, rr_l1\n"
	"	.byte 0\n"
	"rr_s6:	.reloc ., R_RISCV_SET6, 0x2a\n"
	"	.byte 0x40\n"
	"rr_u6:	.reloc ., R_RISCV_SUB6, 8\n"
	"	.byte 0xe0\n"
	"rr_s8:	.reloc ., R_RISCV_SET8, 0xab\n"
	"	.byte 0\n"
	/* SET8/SUB8 here become SET_ULEB128/SUB_ULEB128 (tests/riscv/
	 * retype_uleb.py: binutils 2.40 and clang 14 have no name for them) */
#ifdef RR_OVERFLOW	/* a difference of 24 + 4 + 300 = 328 in a byte: refused */
	"	.reloc ., R_RISCV_ADD8, rr_l3\n"
	"	.reloc ., R_RISCV_SUB8, rr_l1\n"
	"	.byte 0\n"
#endif
	"rr_uleb:	.reloc ., R_RISCV_SET8, rr_l2\n"
	"	.reloc ., R_RISCV_SUB8, rr_l1\n"
	"	.byte 0x80, 0x80, 0x80, 0\n"
	"	.option pop\n");

static int __init mod_reloc_init(void)
{
	long *r = rv_reloc_results;

	r[0] = rr_got();
	r[1] = rr_callplt();
	r[2] = rr_pcrel();
	r[3] = rr_hi();
	r[4] = rr_lo_s();
	r[5] = rr_branch();
	r[6] = rr_d32;
	r[7] = (long)rr_d64;
	r[8] = rr_d16;
	r[9] = rr_d8;
	r[10] = rr_s6;
	r[11] = rr_u6;
	r[12] = rr_s8;
	r[13] = rr_s16;
	r[14] = rr_s32;
	r[15] = (rr_uleb[0] & 0x7f) | (rr_uleb[1] & 0x7f) << 7 | (rr_uleb[2] & 0x7f) << 14 |
		(long)rr_uleb[3] << 21;
	r[16] = (long)&rr_pc32 + rr_pc32 == (long)rr_l1;
	r[17] = rr_q64 == (unsigned long)rv_reloc_kernel_fn;
	r[18] = rr_w32 == 0x12345;
	r[19] = rr_call();
	rv_reloc_fn[0] = (void *)rr_got;
	rv_reloc_fn[1] = &rr_d32;
	rv_reloc_fn[2] = (void *)rr_ro;
	return 0;
}
static void __exit mod_reloc_exit(void) { }
module_init(mod_reloc_init);
module_exit(mod_reloc_exit);
MODULE_LICENSE("GPL");
