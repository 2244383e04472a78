// SPDX-License-Identifier: MIT
/*
 * A small printf for reports.  The core cannot call libc, and a report
 * must not allocate, so text is formatted into a static buffer and
 * handed to the platform in large pieces: a report from one thread then
 * reaches the log in one or a few write()s instead of interleaving
 * with another's.
 */
#include "kasan/kasan.h"

size_t kasan_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int kasan_strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

int kasan_strcmp(const char *a, const char *b)
{
	return kasan_strncmp(a, b, (size_t)-1);
}

struct out {
	char *buf;
	size_t len, pos;
};

static void put(struct out *o, char c)
{
	if (o->pos + 1 < o->len)
		o->buf[o->pos] = c;
	o->pos++;
}

static void put_padded(struct out *o, const char *s, size_t n, int width, bool left, char pad)
{
	int fill = width > (int)n ? width - (int)n : 0;

	if (!left)
		while (fill-- > 0)
			put(o, pad);
	while (n--)
		put(o, *s++);
	if (left)
		while (fill-- > 0)
			put(o, ' ');
}

static void put_number(struct out *o, unsigned long long v, bool negative, unsigned base,
		       int width, bool left, char pad, bool prefix)
{
	char tmp[24];
	char digits[26];
	int n = 0, k = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (negative)
		digits[k++] = '-';
	if (prefix) {
		digits[k++] = '0';
		digits[k++] = 'x';
	}
	/* Zero padding goes between the sign/prefix and the digits. */
	if (pad == '0' && !left) {
		for (int i = 0; i < k; i++)
			put(o, digits[i]);
		for (int fill = width - n - k; fill > 0; fill--)
			put(o, '0');
		while (n)
			put(o, tmp[--n]);
		return;
	}
	while (n)
		digits[k++] = tmp[--n];
	put_padded(o, digits, (size_t)k, width, left, ' ');
}

int kasan_vsnprintf(char *buf, size_t len, const char *fmt, va_list ap)
{
	struct out o = { buf, len, 0 };

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		bool left = false, alt = false;
		char pad = ' ';
		int width = 0, precision = -1, lng = 0;

		for (fmt++;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				pad = '0';
			else if (*fmt == '#')
				alt = true;
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			fmt++;
			precision = 0;
			if (*fmt == '*') {
				precision = va_arg(ap, int);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9')
				precision = precision * 10 + (*fmt++ - '0');
		}
		while (*fmt == 'l' || *fmt == 'z' || *fmt == 'h') {
			if (*fmt != 'h')
				lng++;
			fmt++;
		}
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			size_t n;

			if (!s)
				s = "(null)";
			n = kasan_strlen(s);
			if (precision >= 0 && (size_t)precision < n)
				n = (size_t)precision;
			put_padded(&o, s, n, width, left, ' ');
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);

			put_padded(&o, &c, 1, width, left, ' ');
			break;
		}
		case 'd':
		case 'i': {
			long long v = lng ? va_arg(ap, long) : va_arg(ap, int);

			put_number(&o, v < 0 ? -(unsigned long long)v : (unsigned long long)v,
				   v < 0, 10, width, left, pad, false);
			break;
		}
		case 'u':
		case 'x': {
			unsigned long long v = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);

			put_number(&o, v, false, *fmt == 'x' ? 16 : 10, width, left, pad, alt);
			break;
		}
		case 'p':
			/* Like the kernel's %px: full width, no prefix. */
			put_number(&o, (uintptr_t)va_arg(ap, void *), false, 16, 16, false, '0', false);
			break;
		case '%':
			put(&o, '%');
			break;
		default:
			put(&o, '%');
			if (*fmt)
				put(&o, *fmt);
			else
				fmt--;
		}
	}
	if (len)
		buf[o.pos < len ? o.pos : len - 1] = 0;
	return (int)o.pos;
}

int kasan_snprintf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kasan_vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n;
}
