/* SPDX-License-Identifier: MIT */
#ifndef _VMK_ERRNO_H
#define _VMK_ERRNO_H
extern int errno;
#define EINVAL 22
#define ENOMEM 12
#define ERANGE 34
#endif
