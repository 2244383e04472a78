/* SPDX-License-Identifier: MIT */
/* <sys/types.h> of the guest library: the LP64 types programs name. */
#ifndef _VMK_SYS_TYPES_H
#define _VMK_SYS_TYPES_H
#include <stddef.h>
#include <stdint.h>
typedef long ssize_t;
typedef long off_t;
typedef int pid_t;
typedef unsigned int uid_t;
typedef unsigned int gid_t;
typedef unsigned int mode_t;
#endif
