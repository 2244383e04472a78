// SPDX-License-Identifier: MIT
/* <string.h> of the guest library: what the runtime does not define.
 * mem* and the str* functions of the kernel's lib/string.c are the
 * runtime's checked ones (src/kasan/string.c, string_checked.c). */
#include <stddef.h>
#include <stdint.h>
#include "include/string.h"

size_t strspn(const char *s, const char *accept)
{
	size_t n = 0;

	while (s[n] && strchr(accept, s[n]))
		n++;
	return n;
}

size_t strcspn(const char *s, const char *reject)
{
	size_t n = 0;

	while (s[n] && !strchr(reject, s[n]))
		n++;
	return n;
}

char *strerror(int e)
{
	(void)e;
	return (char *)"error";
}
