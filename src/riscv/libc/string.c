// SPDX-License-Identifier: MIT
/* <string.h> of the guest library: what the runtime does not define.
 * mem* and the str* functions of the kernel's lib/string.c are the
 * runtime's checked ones (src/kasan/string.c, string_checked.c). */
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include "include/string.h"
#include "include/strings.h"
#include "include/ctype.h"

bool __kasan_check_read(const volatile void *p, unsigned int size);

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

/* Compared, then the bytes read are checked (this file is not
 * instrumented), as ASan's interceptor does. */
int strncasecmp(const char *a, const char *b, size_t n)
{
	size_t i;
	int d = 0;

	for (i = 0; i < n; i++) {
		d = tolower((unsigned char)a[i]) - tolower((unsigned char)b[i]);
		if (d || !a[i])
			break;
	}
	if (n) {
		size_t read = i < n ? i + 1 : n;

		__kasan_check_read(a, (unsigned)read);
		__kasan_check_read(b, (unsigned)read);
	}
	return d;
}

int strcasecmp(const char *a, const char *b)
{
	return strncasecmp(a, b, (size_t)-1);
}
