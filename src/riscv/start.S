/* SPDX-License-Identifier: MIT */
/*
 * Entry in M-mode (qemu -bios none: every hart starts at 0x80000000 with
 * a0 = hart id, a1 = device tree), the M-mode vector (only the TLB
 * shoot-down interrupt is taken there), the S-mode trap vector and the
 * thread switch.
 */
#define BOOT_STACK	16384
#define MAX_HARTS	2
#define FRAME		304

	.section .text.init, "ax"
	.globl _start
_start:
	csrw	mie, zero
	la	t0, m_trap_vector
	csrw	mtvec, t0
	li	t0, MAX_HARTS
	bgeu	a0, t0, park
	/* the top of this hart's boot stack (main moves to a vmap stack
	 * once the runtime is up); s0 = 0 ends every frame chain */
	la	sp, rv_boot_stacks
	li	t0, BOOT_STACK
	addi	t1, a0, 1
	mul	t1, t1, t0
	add	sp, sp, t1
	li	s0, 0
	/* M-mode scratch: three words per hart for the IPI handler */
	la	t0, rv_m_save
	slli	t1, a0, 5
	add	t0, t0, t1
	csrw	mscratch, t0
	bnez	a0, secondary
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	call	rv_m_boot		/* (hartid, fdt): never returns */
park:	wfi
	j	park
secondary:
	/* rv_hart_go lives in .data: hart 0 is clearing .bss meanwhile */
	la	t0, rv_hart_go
3:	ld	t1, 0(t0)
	bnez	t1, 4f
	nop
	nop
	j	3b
4:	fence
	call	rv_m_boot

/*
 * M-mode: a machine software interrupt is a TLB shoot-down request
 * (S-mode wrote our CLINT msip).  Clear it, note the generation asked
 * for, flush, then say so; anything else in M-mode is fatal.
 */
	.align	4
m_trap_vector:
	csrrw	t0, mscratch, t0
	sd	t1, 0(t0)
	sd	t2, 8(t0)
	sd	t3, 16(t0)
	csrr	t1, mcause
	bgez	t1, m_fatal
	andi	t1, t1, 0xff
	li	t2, 3
	bne	t1, t2, m_fatal
	csrr	t1, mhartid
	slli	t2, t1, 2
	li	t3, 0x2000000
	add	t3, t3, t2
	sw	zero, 0(t3)
	fence
	la	t3, rv_tlb_gen
	ld	t3, 0(t3)
	fence
	sfence.vma
	la	t2, rv_tlb_seen
	slli	t1, t1, 3
	add	t2, t2, t1
	fence
	sd	t3, 0(t2)
	ld	t1, 0(t0)
	ld	t2, 8(t0)
	ld	t3, 16(t0)
	csrrw	t0, mscratch, t0
	mret
m_fatal:
	/* sifive_test: exit status 126 */
	li	t1, 0x100000
	li	t2, (126 << 16) | 0x3333
	sw	t2, 0(t1)
5:	j	5b

/*
 * S-mode traps.  sscratch holds the top of this hart's trap stack while
 * ordinary code runs and 0 while a trap is being handled, so that a
 * fault on an overflowed stack is handled on a good one and a fault in
 * the handler (demand paging, a report) nests on the trap stack.
 */
	.text
	.align	4
	.globl	s_trap_vector
s_trap_vector:
	csrrw	sp, sscratch, sp
	beqz	sp, 1f
	addi	sp, sp, -FRAME
	sd	t0, 5*8(sp)
	csrr	t0, sscratch
	sd	t0, 2*8(sp)
	sd	zero, 36*8(sp)
	csrw	sscratch, zero
	j	2f
1:	csrrw	sp, sscratch, sp
	addi	sp, sp, -FRAME
	sd	t0, 5*8(sp)
	addi	t0, sp, FRAME
	sd	t0, 2*8(sp)
	li	t0, 1
	sd	t0, 36*8(sp)
2:	sd	x1, 1*8(sp)
	sd	x3, 3*8(sp)
	sd	x4, 4*8(sp)
	sd	x6, 6*8(sp)
	sd	x7, 7*8(sp)
	sd	x8, 8*8(sp)
	sd	x9, 9*8(sp)
	sd	x10, 10*8(sp)
	sd	x11, 11*8(sp)
	sd	x12, 12*8(sp)
	sd	x13, 13*8(sp)
	sd	x14, 14*8(sp)
	sd	x15, 15*8(sp)
	sd	x16, 16*8(sp)
	sd	x17, 17*8(sp)
	sd	x18, 18*8(sp)
	sd	x19, 19*8(sp)
	sd	x20, 20*8(sp)
	sd	x21, 21*8(sp)
	sd	x22, 22*8(sp)
	sd	x23, 23*8(sp)
	sd	x24, 24*8(sp)
	sd	x25, 25*8(sp)
	sd	x26, 26*8(sp)
	sd	x27, 27*8(sp)
	sd	x28, 28*8(sp)
	sd	x29, 29*8(sp)
	sd	x30, 30*8(sp)
	sd	x31, 31*8(sp)
	csrr	t0, sepc
	sd	t0, 32*8(sp)
	csrr	t0, sstatus
	sd	t0, 33*8(sp)
	csrr	t0, scause
	sd	t0, 34*8(sp)
	csrr	t0, stval
	sd	t0, 35*8(sp)
	mv	a0, sp
	call	rv_trap
	ld	t0, 32*8(sp)
	csrw	sepc, t0
	ld	t0, 33*8(sp)
	csrw	sstatus, t0
	ld	t0, 36*8(sp)
	bnez	t0, 3f
	addi	t0, sp, FRAME
	csrw	sscratch, t0
3:	ld	x1, 1*8(sp)
	ld	x3, 3*8(sp)
	ld	x4, 4*8(sp)
	ld	x6, 6*8(sp)
	ld	x7, 7*8(sp)
	ld	x8, 8*8(sp)
	ld	x9, 9*8(sp)
	ld	x10, 10*8(sp)
	ld	x11, 11*8(sp)
	ld	x12, 12*8(sp)
	ld	x13, 13*8(sp)
	ld	x14, 14*8(sp)
	ld	x15, 15*8(sp)
	ld	x16, 16*8(sp)
	ld	x17, 17*8(sp)
	ld	x18, 18*8(sp)
	ld	x19, 19*8(sp)
	ld	x20, 20*8(sp)
	ld	x21, 21*8(sp)
	ld	x22, 22*8(sp)
	ld	x23, 23*8(sp)
	ld	x24, 24*8(sp)
	ld	x25, 25*8(sp)
	ld	x26, 26*8(sp)
	ld	x27, 27*8(sp)
	ld	x28, 28*8(sp)
	ld	x29, 29*8(sp)
	ld	x30, 30*8(sp)
	ld	x31, 31*8(sp)
	ld	t0, 5*8(sp)
	ld	sp, 2*8(sp)
	sret

/* rv_switch(from, to): cooperative switch of callee-saved state. */
	.globl	rv_switch
rv_switch:
	sd	ra, 0(a0)
	sd	sp, 8(a0)
	sd	s0, 16(a0)
	sd	s1, 24(a0)
	sd	s2, 32(a0)
	sd	s3, 40(a0)
	sd	s4, 48(a0)
	sd	s5, 56(a0)
	sd	s6, 64(a0)
	sd	s7, 72(a0)
	sd	s8, 80(a0)
	sd	s9, 88(a0)
	sd	s10, 96(a0)
	sd	s11, 104(a0)
	ld	ra, 0(a1)
	ld	sp, 8(a1)
	ld	s0, 16(a1)
	ld	s1, 24(a1)
	ld	s2, 32(a1)
	ld	s3, 40(a1)
	ld	s4, 48(a1)
	ld	s5, 56(a1)
	ld	s6, 64(a1)
	ld	s7, 72(a1)
	ld	s8, 80(a1)
	ld	s9, 88(a1)
	ld	s10, 96(a1)
	ld	s11, 104(a1)
	ret

/* First instructions of a new thread: s1 holds the thread. */
	.globl	rv_thread_trampoline
rv_thread_trampoline:
	mv	a0, s1
	li	s0, 0
	call	rv_thread_main
6:	j	6b

/* rv_call_on_stack(fn, arg, top): fn(arg) with sp = top; s0 links the
 * frame chain back to the caller's stack. */
	.globl	rv_call_on_stack
rv_call_on_stack:
	addi	sp, sp, -16
	sd	ra, 8(sp)
	sd	s0, 0(sp)
	addi	s0, sp, 16
	mv	t0, a0
	mv	a0, a1
	mv	sp, a2
	jalr	t0
	addi	sp, s0, -16
	ld	ra, 8(sp)
	ld	s0, 0(sp)
	addi	sp, sp, 16
	ret

	.section .note.GNU-stack, "", @progbits
