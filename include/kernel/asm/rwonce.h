/* SPDX-License-Identifier: MIT */
/* vmkasan kernel-compatibility header: READ_ONCE()/WRITE_ONCE() are in
 * vmkasan_kernel.h; here read_word_at_a_time(). */
#ifndef VMKASAN_ASM_RWONCE_H
#define VMKASAN_ASM_RWONCE_H
#include <vmkasan_kernel.h>
/*
 * A whole aligned word read by word-at-a-time string code (lib/string.c's
 * sized_strscpy()), which may hold bytes past the string's end: as Linux's
 * asm-generic/rwonce.h does, only its first byte is checked and the load
 * itself is not instrumented.  An aligned word lies in one 8-byte granule,
 * so its first byte being valid means the object reaches into it.
 */
static __attribute__((__no_sanitize_address__, __noinline__, __unused__)) unsigned long
read_word_at_a_time(const void *addr)
{
	__kasan_check_read(addr, 1);
	return *(const unsigned long *)addr;
}
#endif
