/* SPDX-License-Identifier: MIT */
#ifndef _VMK_SYS_SYSCALL_H
#define _VMK_SYS_SYSCALL_H
#define SYS_gettid 178
/* Only SYS_gettid: the guest has no kernel to call. */
long syscall(long nr, ...);
#endif
