// SPDX-License-Identifier: MIT
/*
 * printf and friends of the guest library.  Output goes to the UART a
 * whole call at a time (so two harts do not mix characters); there is no
 * buffering to flush.  Conversions: d i u o x X c s p % and f e g, with
 * flags, width, precision and the h hh l ll z j t lengths.
 */
#include <stdint.h>
#include "../riscv.h"
#include "include/stdio.h"

/* fd 1, 2: the UART; -1: nowhere; -2: a memory buffer (fmemopen). */
struct vmk_file { int fd; char *buf; size_t len, pos; };
static struct vmk_file out_file = { 1, 0, 0, 0 }, err_file = { 2, 0, 0, 0 },
	null_file = { -1, 0, 0, 0 };
FILE *stdout = &out_file, *stderr = &err_file, *vmk_null_file = &null_file;

struct sink {
	char *buf;
	size_t len, pos;
};

static void put(struct sink *s, char c)
{
	if (s->pos + 1 < s->len)
		s->buf[s->pos] = c;
	s->pos++;
}

static void pad(struct sink *s, char c, int n)
{
	while (n-- > 0)
		put(s, c);
}

static void emit_num(struct sink *s, unsigned long long v, unsigned base, bool upper, bool neg,
		     int width, int prec, bool left, bool zero, char plus, bool alt)
{
	char tmp[72];
	int n = 0, len;
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char prefix[3] = { 0 };
	int plen = 0;

	while (v) {
		tmp[n++] = digits[v % base];
		v /= base;
	}
	if (prec < 0 && !n)
		tmp[n++] = '0';
	while (n < prec)
		tmp[n++] = '0';
	if (neg)
		prefix[plen++] = '-';
	else if (plus)
		prefix[plen++] = plus;
	if (alt && base == 16) {
		prefix[plen++] = '0';
		prefix[plen++] = upper ? 'X' : 'x';
	}
	len = n + plen;
	if (!left && !(zero && prec < 0))
		pad(s, ' ', width - len);
	for (int i = 0; i < plen; i++)
		put(s, prefix[i]);
	if (!left && zero && prec < 0)
		pad(s, '0', width - len);
	while (n)
		put(s, tmp[--n]);
	if (left)
		pad(s, ' ', width - len);
}

static void emit_double(struct sink *s, double d, int prec, char conv, int width, bool left,
			char plus)
{
	char tmp[64];
	int n = 0;
	bool neg = d < 0;
	unsigned long long ip, fp, scale = 1;
	int exp10 = 0;

	if (prec < 0)
		prec = 6;
	if (prec > 15)
		prec = 15;
	if (neg)
		d = -d;
	if (d != d) {
		tmp[n++] = 'n'; tmp[n++] = 'a'; tmp[n++] = 'n';
		goto out;
	}
	if (d > 1.8e19) {
		tmp[n++] = 'i'; tmp[n++] = 'n'; tmp[n++] = 'f';
		goto out;
	}
	if (conv == 'e' || (conv == 'g' && d != 0 && (d < 1e-4 || d >= 1e15))) {
		while (d >= 10) { d /= 10; exp10++; }
		while (d != 0 && d < 1) { d *= 10; exp10--; }
		conv = 'e';
	}
	for (int i = 0; i < prec; i++)
		scale *= 10;
	ip = (unsigned long long)d;
	fp = (unsigned long long)((d - (double)ip) * (double)scale + 0.5);
	if (fp >= scale) {
		ip++;
		fp -= scale;
	}
	if (conv == 'e') {
		int e = exp10 < 0 ? -exp10 : exp10;

		tmp[n++] = (char)('0' + e % 10);
		tmp[n++] = (char)('0' + e / 10 % 10);
		tmp[n++] = exp10 < 0 ? '-' : '+';
		tmp[n++] = 'e';
	}
	for (int i = 0; i < prec; i++) {
		tmp[n++] = (char)('0' + fp % 10);
		fp /= 10;
	}
	if (prec)
		tmp[n++] = '.';
	do {
		tmp[n++] = (char)('0' + ip % 10);
		ip /= 10;
	} while (ip && n < 60);
out:
	if (neg || plus)
		tmp[n++] = neg ? '-' : plus;
	if (!left)
		pad(s, ' ', width - n);
	while (n)
		put(s, tmp[--n]);
	if (left)
		pad(s, ' ', width - (int)0);
}

int vsnprintf(char *buf, size_t len, const char *fmt, va_list ap)
{
	struct sink s = { buf, len, 0 };

	for (; *fmt; fmt++) {
		bool left = false, zero = false, alt = false;
		char plus = 0;
		int width = 0, prec = -1, lng = 0;

		if (*fmt != '%') {
			put(&s, *fmt);
			continue;
		}
		for (fmt++;; fmt++) {
			if (*fmt == '-') left = true;
			else if (*fmt == '0') zero = true;
			else if (*fmt == '+') plus = '+';
			else if (*fmt == ' ') { if (!plus) plus = ' '; }
			else if (*fmt == '#') alt = true;
			else break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) { left = true; width = -width; }
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				width = width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					prec = prec * 10 + (*fmt++ - '0');
			}
		}
		for (;; fmt++) {
			if (*fmt == 'l') lng++;
			else if (*fmt == 'z' || *fmt == 'j' || *fmt == 't') lng = 2;
			else if (*fmt == 'h') lng = lng > 0 ? 0 : lng - 1;
			else break;
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			long long v = lng >= 1 ? (lng >= 2 ? va_arg(ap, long long) : va_arg(ap, long))
					       : va_arg(ap, int);

			if (lng == -1) v = (short)v;
			if (lng <= -2) v = (signed char)v;
			emit_num(&s, v < 0 ? -(unsigned long long)v : (unsigned long long)v, 10, false,
				 v < 0, width, prec, left, zero, plus, false);
			break;
		}
		case 'u': case 'x': case 'X': case 'o': {
			unsigned long long v = lng >= 1 ? (lng >= 2 ? va_arg(ap, unsigned long long)
							     : va_arg(ap, unsigned long))
						      : va_arg(ap, unsigned);

			if (lng == -1) v = (unsigned short)v;
			if (lng <= -2) v = (unsigned char)v;
			emit_num(&s, v, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16, *fmt == 'X', false,
				 width, prec, left, zero, 0, alt && v);
			break;
		}
		case 'p':
			emit_num(&s, (uintptr_t)va_arg(ap, void *), 16, false, false, width, -1, left,
				 false, 0, true);
			break;
		case 'c':
			if (!left) pad(&s, ' ', width - 1);
			put(&s, (char)va_arg(ap, int));
			if (left) pad(&s, ' ', width - 1);
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);
			int n = 0;

			if (!str)
				str = "(null)";
			while (str[n] && (prec < 0 || n < prec))
				n++;
			if (!left) pad(&s, ' ', width - n);
			for (int i = 0; i < n; i++)
				put(&s, str[i]);
			if (left) pad(&s, ' ', width - n);
			break;
		}
		case 'f': case 'F': case 'e': case 'g':
			emit_double(&s, va_arg(ap, double), prec, *fmt == 'F' ? 'f' : *fmt, width, left,
				    plus);
			break;
		case '%':
			put(&s, '%');
			break;
		default:
			put(&s, '%');
			if (*fmt)
				put(&s, *fmt);
			else
				fmt--;
		}
	}
	if (len)
		buf[s.pos < len ? s.pos : len - 1] = 0;
	return (int)s.pos;
}

int snprintf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n;
}

int sprintf(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, (size_t)1 << 30, fmt, ap);
	va_end(ap);
	return n;
}

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
	char buf[1024];
	va_list ap2;
	int n;

	if (f->fd == -1)
		return 0;	/* vmk_null_file: results nobody reads */
	if (f->fd == -2) {
		n = vsnprintf(f->buf + f->pos, f->len - f->pos, fmt, ap);
		f->pos += (size_t)n < f->len - f->pos ? (size_t)n : f->len - f->pos - 1;
		return n;
	}
	va_copy(ap2, ap);
	n = vsnprintf(buf, sizeof(buf), fmt, ap2);
	va_end(ap2);
	plat_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}

int vprintf(const char *fmt, va_list ap)
{
	return vfprintf(stdout, fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return n;
}

int fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

int fputs(const char *str, FILE *f)
{
	(void)f;
	plat_write(str, kasan_strlen(str));
	return 0;
}

int puts(const char *str)
{
	rv_console_lock(true);
	for (; *str; str++)
		rv_uart_putc(*str);
	rv_uart_putc('\n');
	rv_console_lock(false);
	return 0;
}

int fputc(int c, FILE *f)
{
	char ch = (char)c;

	(void)f;
	plat_write(&ch, 1);
	return c & 0xff;
}

int putchar(int c)
{
	return fputc(c, stdout);
}

int fflush(FILE *f)
{
	(void)f;
	return 0;
}

void perror(const char *str)
{
	fprintf(stderr, "%s: error\n", str);
}

/* Writing into a buffer, always NUL-terminated; a few at a time. */
FILE *fmemopen(void *buf, size_t size, const char *mode)
{
	static struct vmk_file files[4];

	(void)mode;
	for (unsigned i = 0; i < 4; i++)
		if (!__atomic_exchange_n(&files[i].fd, -2, __ATOMIC_ACQUIRE)) {
			files[i].buf = buf;
			files[i].len = size;
			files[i].pos = 0;
			if (size)
				files[i].buf[0] = 0;
			return &files[i];
		}
	return NULL;
}

int fclose(FILE *f)
{
	if (f && f->fd == -2)
		__atomic_store_n(&f->fd, 0, __ATOMIC_RELEASE);
	return 0;
}
