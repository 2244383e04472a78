/* SPDX-License-Identifier: MIT */
/*
 * The kernel's printf family (lib/vsprintf.c's vsnprintf, snprintf,
 * scnprintf, sprintf, kasprintf, and printk on top), for kernel code
 * built by `vmkasan-cc --kernel`: part of vmkasan_kernel.h.
 *
 * C's conversions are the C library's, one conversion at a time (each
 * argument fetched here by its length modifier, then formatted alone),
 * so only what the kernel adds is written here: its pointer extensions
 * (%p followed by letters, which the kernel reads as an extension and
 * skips, never prints), of which these are implemented, with the output
 * lib/vsprintf.c documents (Documentation/core-api/printk-formats.rst):
 *   %*pb   a bitmap of field-width bits: 32-bit hex chunks, the most
 *          significant first, comma-separated, each as wide as its bits
 *   %*pbl  the same bitmap as a list of decimal ranges: 0-3,8,10-11
 *   %px    the address, unhashed: 16 lower-case hex digits
 * A bitmap pointer that is NULL prints "(null)", one in the first page
 * or an error value "(efault)", as the kernel's check_pointer() does.
 * Any other extension prints the address as plain %p does here: the C
 * library's (the kernel would hash it).  %s of NULL or of an address in
 * the first page prints "(null)" / "(efault)" too.  The kernel's
 * vsprintf.c is KASAN-instrumented, so is this: a bitmap shorter than
 * its width is reported where it is read.
 */
#ifndef VMKASAN_PRINTF_H
#define VMKASAN_PRINTF_H

/* The output so far: len counts what would have been written. */
struct __vmk_pbuf { char *buf; size_t size, len; };

static inline void __vmk_pputc(struct __vmk_pbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}
static inline void __vmk_pputs(struct __vmk_pbuf *o, const char *s)
{
	while (*s)
		__vmk_pputc(o, *s++);
}
/* One C conversion, formatted by the C library into what room is left. */
static inline void __vmk_pconv(struct __vmk_pbuf *o, const char *spec, ...)
{
	size_t room = o->len < o->size ? o->size - o->len : 0;
	va_list ap;
	int n;

	va_start(ap, spec);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	n = vsnprintf(room ? o->buf + o->len : NULL, room, spec, ap);
#pragma GCC diagnostic pop
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}
static inline const char *__vmk_pbad(const void *p)
{
	if (!p)
		return "(null)";
	if ((unsigned long)p < PAGE_SIZE || IS_ERR_VALUE(p))
		return "(efault)";
	return NULL;
}
static inline bool __vmk_ptest(const unsigned long *map, int bit)
{
	return (map[bit / BITS_PER_LONG] >> (bit % BITS_PER_LONG)) & 1;
}
/* %*pb: the top chunk holds nbits % 32 bits (32 if none over), each
 * chunk as many hex digits as its bits need. */
static inline void __vmk_pbitmap(struct __vmk_pbuf *o, const unsigned long *map, int nbits)
{
	int top = nbits % 32 ? nbits % 32 : 32;

	for (int lo = nbits - top; nbits > 0 && lo >= 0; lo -= 32) {
		int width = lo == nbits - top ? top : 32;
		u32 v = (u32)(map[lo / BITS_PER_LONG] >> (lo % BITS_PER_LONG));

		if (width < 32)
			v &= (1U << width) - 1;
		if (lo != nbits - top)
			__vmk_pputc(o, ',');
		__vmk_pconv(o, "%0*x", (width + 3) / 4, v);
	}
}
/* %*pbl: each run of set bits, "first-last" or "bit". */
static inline void __vmk_pbitlist(struct __vmk_pbuf *o, const unsigned long *map, int nbits)
{
	bool first = true;

	for (int i = 0; i < nbits; i++) {
		int start;

		if (!__vmk_ptest(map, i))
			continue;
		for (start = i; i + 1 < nbits && __vmk_ptest(map, i + 1); i++)
			;
		if (!first)
			__vmk_pputc(o, ',');
		first = false;
		if (i == start)
			__vmk_pconv(o, "%d", start);
		else
			__vmk_pconv(o, "%d-%d", start, i);
	}
}
/* A %p conversion: fmt is past the 'p'; returns past its extension. */
static inline const char *__vmk_ppointer(struct __vmk_pbuf *o, const char *fmt, const char *spec,
					 int width, bool has_width, const void *p)
{
	const char *bad;

	if (*fmt == 'b') {
		if ((bad = __vmk_pbad(p)))
			__vmk_pputs(o, bad);
		else if (fmt[1] == 'l')
			__vmk_pbitlist(o, p, width > 0 ? width : 0);
		else
			__vmk_pbitmap(o, p, width > 0 ? width : 0);
	} else if (*fmt == 'x') {
		__vmk_pconv(o, "%0*lx", has_width ? width : (int)(2 * sizeof(p)), (unsigned long)p);
	} else {
		__vmk_pconv(o, spec, p);
	}
	while ((*fmt >= 'a' && *fmt <= 'z') || (*fmt >= 'A' && *fmt <= 'Z') || (*fmt >= '0' && *fmt <= '9'))
		fmt++;
	return fmt;
}

__VMK_WEAK int __vmk_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct __vmk_pbuf o = { buf, size, 0 };
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		char spec[48], *s = spec, len[3] = "";
		int width = 0, prec = -1;
		bool has_width = false;

		if (*fmt != '%') {
			__vmk_pputc(&o, *fmt++);
			continue;
		}
		*s++ = *fmt++;
		while (*fmt && strchr("-+ #0", *fmt) && s < spec + 8)
			*s++ = *fmt++;
		if (*fmt == '*') {
			width = va_arg(args, int);
			has_width = true;
			fmt++;
		} else if (*fmt >= '0' && *fmt <= '9') {
			for (; *fmt >= '0' && *fmt <= '9'; fmt++)
				width = width * 10 + (*fmt - '0');
			has_width = true;
		}
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(args, int);
				fmt++;
			}
			for (; *fmt >= '0' && *fmt <= '9'; fmt++)
				prec = prec * 10 + (*fmt - '0');
		}
		if (has_width)
			s += sprintf(s, "%d", width);
		if (prec >= 0)
			s += sprintf(s, ".%d", prec);
		/* Length: the kernel's hh h l ll L q z Z t j, in C's words. */
		if ((fmt[0] == 'h' || fmt[0] == 'l') && fmt[1] == fmt[0]) {
			len[0] = len[1] = *fmt;
			fmt += 2;
		} else if (*fmt == 'L' || *fmt == 'q') {
			len[0] = len[1] = 'l';
			fmt++;
		} else if (*fmt == 'Z') {
			len[0] = 'z';
			fmt++;
		} else if (*fmt && strchr("hlzjt", *fmt)) {
			len[0] = *fmt++;
		}
		strcpy(s, len);
		s += strlen(len);
		s[0] = *fmt;
		s[1] = '\0';
		switch (*fmt) {
		case '\0':
			continue;
		case '%':
			__vmk_pputc(&o, '%');
			break;
		case 'c':
			__vmk_pconv(&o, spec, va_arg(args, int));
			break;
		case 's': {
			const char *str = va_arg(args, const char *), *bad = __vmk_pbad(str);

			if (bad) {
				s[0] = 's';
				__vmk_pconv(&o, spec, bad);
			} else {
				__vmk_pconv(&o, spec, str);
			}
			break;
		}
		case 'p':
			fmt = __vmk_ppointer(&o, fmt + 1, spec, width, has_width, va_arg(args, void *));
			continue;
		case 'n':	/* the kernel refuses to write through %n */
			(void)va_arg(args, void *);
			break;
		case 'd': case 'i': case 'u': case 'o': case 'x': case 'X':
			if (len[0] == 'l' && len[1] == 'l')
				__vmk_pconv(&o, spec, va_arg(args, long long));
			else if (len[0] == 'l')
				__vmk_pconv(&o, spec, va_arg(args, long));
			else if (len[0] == 'z')
				__vmk_pconv(&o, spec, va_arg(args, size_t));
			else if (len[0] == 't')
				__vmk_pconv(&o, spec, va_arg(args, ptrdiff_t));
			else if (len[0] == 'j')
				__vmk_pconv(&o, spec, va_arg(args, intmax_t));
			else
				__vmk_pconv(&o, spec, va_arg(args, int));
			break;
		default:	/* not a conversion: printed as written */
			__vmk_pputs(&o, spec);
			break;
		}
		fmt++;
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > INT_MAX ? INT_MAX : (int)o.len;
}
__VMK_WEAK __attribute__((format(printf, 3, 4)))
int __vmk_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = __vmk_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
/* What was written, not what would have been (0 when size is 0). */
__VMK_WEAK int __vmk_vscnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = __vmk_vsnprintf(buf, size, fmt, ap);

	if ((size_t)n < size)
		return n;
	return size ? (int)size - 1 : 0;
}
__VMK_WEAK __attribute__((format(printf, 3, 4)))
int __vmk_scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = __vmk_vscnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
__VMK_WEAK int __vmk_vsprintf(char *buf, const char *fmt, va_list ap)
{
	return __vmk_vsnprintf(buf, INT_MAX, fmt, ap);
}
__VMK_WEAK __attribute__((format(printf, 2, 3)))
int __vmk_sprintf(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = __vmk_vsnprintf(buf, INT_MAX, fmt, ap);
	va_end(ap);
	return n;
}
/* A kmalloc()ed string of the output, NULL if that fails. */
__VMK_WEAK char *kvasprintf(gfp_t gfp, const char *fmt, va_list ap)
{
	va_list aq;
	int n;
	char *p;

	va_copy(aq, ap);
	n = __vmk_vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	p = kmalloc((size_t)n + 1, gfp);
	if (p)
		__vmk_vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}
__VMK_WEAK __attribute__((format(printf, 2, 3)))
char *kasprintf(gfp_t gfp, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = kvasprintf(gfp, fmt, ap);
	va_end(ap);
	return p;
}
/* printk: the whole message, then one write to the console (stderr). */
__VMK_WEAK __attribute__((format(printf, 1, 2)))
int __vmk_printk(const char *fmt, ...)
{
	char small[512], *p = small;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = __vmk_vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if ((size_t)n >= sizeof(small)) {
		p = malloc((size_t)n + 1);
		if (!p) {
			p = small;
			n = sizeof(small) - 1;
		} else {
			va_start(ap, fmt);
			__vmk_vsnprintf(p, (size_t)n + 1, fmt, ap);
			va_end(ap);
		}
	}
	fflush(stdout);
	fwrite(p, 1, (size_t)n, stderr);
	if (p != small)
		free(p);
	return n;
}

/* Kernel code calls the kernel's. */
#define vsnprintf __vmk_vsnprintf
#define snprintf __vmk_snprintf
#define vscnprintf __vmk_vscnprintf
#define scnprintf __vmk_scnprintf
#define vsprintf __vmk_vsprintf
#define sprintf __vmk_sprintf
#define printk(fmt, ...) __vmk_printk(fmt, ##__VA_ARGS__)

#endif
