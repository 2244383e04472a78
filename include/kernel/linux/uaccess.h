/* SPDX-License-Identifier: MIT */
/*
 * vmkasan kernel-compatibility header: everything is in vmkasan_kernel.h,
 * and copy_from_user()/copy_to_user().  User memory is the program's own
 * here; as Linux's instrument_copy_{from,to}_user_before() do, the kernel
 * side of the copy is checked (a report names the caller) and the user
 * side is not (in the kernel it has no shadow).  They return the bytes not
 * copied: 0, as a bad user pointer is a fault here, not -EFAULT.
 */
#ifndef VMKASAN_LINUX_UACCESS_H
#define VMKASAN_LINUX_UACCESS_H
#include <vmkasan_kernel.h>
/* Not instrumented, byte by byte: volatile keeps the compiler from making
 * the loop a call to the runtime's checked memcpy(). */
static __attribute__((__no_sanitize_address__, __noinline__, __unused__)) void
__vmk_copy_raw(void *to, const void *from, unsigned long n)
{
	volatile unsigned char *d = to;
	const volatile unsigned char *s = from;

	while (n--)
		*d++ = *s++;
}
static inline __must_check unsigned long
copy_from_user(void *to, const void __user *from, unsigned long n)
{
	if (__kasan_check_write(to, n))
		__vmk_copy_raw(to, (const void *)from, n);
	return 0;
}
static inline __must_check unsigned long
copy_to_user(void __user *to, const void *from, unsigned long n)
{
	if (__kasan_check_read(from, n))
		__vmk_copy_raw((void *)to, from, n);
	return 0;
}
#endif
