// SPDX-License-Identifier: MIT
/*
 * VMKASAN_OPTIONS: "key=value" pairs separated by ':' or ','.  Every key
 * is known and every value checked before the program starts: a typo in
 * a sanitizer option silently ignored is a bug hunt silently lost.
 */
#include "kasan/kasan.h"

struct kasan_flags kasan_flags = {
	.halt_on_error = 0,
	.abort_on_error = 0,
	.multi_shot = 0,
	.exitcode = 1,
	.symbolize = 1,
	.print_stats = 0,
	.log_path = "stderr",
};

static int show_help;

static const char *const frame_formats[] = { "linux", "full", NULL };

static const struct kasan_option options[] = {
	{ "halt_on_error", OPT_BOOL, &kasan_flags.halt_on_error, NULL, 0, 1,
	  "0: report and continue; 1: terminate after the first report" },
	{ "abort_on_error", OPT_BOOL, &kasan_flags.abort_on_error, NULL, 0, 1,
	  "terminate with abort() (SIGABRT, core dump) instead of exit(exitcode)" },
	{ "multi_shot", OPT_BOOL, &kasan_flags.multi_shot, NULL, 0, 1,
	  "print every report, not only the first (kernel: kasan_multi_shot)" },
	{ "exitcode", OPT_INT, &kasan_flags.exitcode, NULL, 0, 255,
	  "exit status of a program that printed a report" },
	{ "log_path", OPT_STRING, kasan_flags.log_path, NULL, 0, sizeof(kasan_flags.log_path),
	  "stderr, stdout, or a path: reports go to <path>.<pid>" },
	{ "symbolize", OPT_BOOL, &kasan_flags.symbolize, NULL, 0, 1,
	  "print function+off/size and file:line in traces" },
	{ "frame_format", OPT_ENUM, &kasan_flags.frame_format, frame_formats, 0, 0,
	  "trace lines: linux (func+0xoff/0xsize [module], as the kernel prints them, which "
	  "scripts/decode_stacktrace.sh decorates) or full (inlined frames, file:line, "
	  "[binary+0xoff])" },
	{ "print_stats", OPT_BOOL, &kasan_flags.print_stats, NULL, 0, 1,
	  "print shadow and report statistics at exit" },
	{ "help", OPT_BOOL, &show_help, NULL, 0, 1, "print this list at start-up" },
};

static bool is_sep(char c)
{
	return c == ':' || c == ',';
}

static bool parse_number(const char *v, size_t n, unsigned long *out, bool suffixes)
{
	unsigned long x = 0;
	size_t i = 0;

	if (!n)
		return false;
	for (; i < n && v[i] >= '0' && v[i] <= '9'; i++) {
		if (x > (~0UL - 9) / 10)
			return false;
		x = x * 10 + (unsigned long)(v[i] - '0');
	}
	if (i == 0)
		return false;
	if (i < n && suffixes) {
		unsigned shift;

		switch (v[i]) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		default: return false;
		}
		if (x > (~0UL >> shift))
			return false;
		x <<= shift;
		i++;
		if (i < n && (v[i] == 'b' || v[i] == 'B' || v[i] == 'i'))
			i++;
		if (i < n && (v[i] == 'B'))
			i++;
	}
	*out = x;
	return i == n;
}

static bool parse_double(const char *v, size_t n, double *out)
{
	double x = 0, scale = 1;
	size_t i = 0;
	bool digits = false;

	for (; i < n && v[i] >= '0' && v[i] <= '9'; i++, digits = true)
		x = x * 10 + (v[i] - '0');
	if (i < n && v[i] == '.')
		for (i++; i < n && v[i] >= '0' && v[i] <= '9'; i++, digits = true)
			x += (v[i] - '0') * (scale /= 10);
	*out = x;
	return digits && i == n;
}

static bool set_option(const struct kasan_option *o, const char *v, size_t n, char *err, size_t errlen)
{
	unsigned long x;

	switch (o->kind) {
	case OPT_BOOL:
		if (n == 1 && (v[0] == '0' || v[0] == '1'))
			x = (unsigned long)(v[0] - '0');
		else if (n == 4 && !kasan_strncmp(v, "true", 4))
			x = 1;
		else if (n == 5 && !kasan_strncmp(v, "false", 5))
			x = 0;
		else
			goto bad;
		*(int *)o->value = (int)x;
		return true;
	case OPT_INT:
	case OPT_SIZE:
	case OPT_LIMIT:
	case OPT_COUNT:
		if (!parse_number(v, n, &x, o->kind == OPT_SIZE || o->kind == OPT_LIMIT))
			goto bad;
		/* A limit of 0 means none; any other value must make sense
		 * (ram=100 is not "no limit", it is a mistake). */
		if (!(o->kind == OPT_LIMIT && x == 0) &&
		    ((long)x < o->min || (o->max && (long)x > o->max)))
			goto bad;
		if (o->kind == OPT_INT)
			*(int *)o->value = (int)x;
		else
			*(unsigned long *)o->value = x;
		return true;
	case OPT_DOUBLE: {
		double d;

		if (!parse_double(v, n, &d) || d > 1.0)
			goto bad;
		*(double *)o->value = d;
		return true;
	}
	case OPT_STRING:
		if (!n || n >= (size_t)o->max)
			goto bad;
		kasan_memcpy_raw(o->value, v, n);
		((char *)o->value)[n] = 0;
		return true;
	case OPT_ENUM:
		for (int i = 0; o->choices[i]; i++) {
			if (kasan_strlen(o->choices[i]) == n && !kasan_strncmp(o->choices[i], v, n)) {
				*(int *)o->value = i;
				return true;
			}
		}
		goto bad;
	}
bad:
	kasan_snprintf(err, errlen, "vmkasan: VMKASAN_OPTIONS: bad value '%.*s' for option '%s' (%s)",
		       (int)n, v, o->name, o->help);
	return false;
}

/* The option tables of the other files (each defined next to what it
 * configures), searched after the runtime's own. */
extern const struct kasan_option mm_options[], fault_inject_options[], quarantine_options[],
	malloc_options[];
extern const unsigned mm_nr_options, fault_inject_nr_options, quarantine_nr_options,
	malloc_nr_options;

static const struct {
	const struct kasan_option *opts;
	const unsigned *n;
} tables[] = {
	{ mm_options, &mm_nr_options },
	{ fault_inject_options, &fault_inject_nr_options },
	{ quarantine_options, &quarantine_nr_options },
	{ malloc_options, &malloc_nr_options },
};

static const struct kasan_option *find_in(const struct kasan_option *opts, unsigned nr,
					  const char *k, size_t n)
{
	for (unsigned i = 0; i < nr; i++)
		if (kasan_strlen(opts[i].name) == n && !kasan_strncmp(opts[i].name, k, n))
			return &opts[i];
	return NULL;
}

static const struct kasan_option *find_option(const char *k, size_t n)
{
	const struct kasan_option *o = find_in(options, ARRAY_SIZE(options), k, n), *port;
	unsigned nr_port;

	for (unsigned t = 0; !o && t < ARRAY_SIZE(tables); t++)
		o = find_in(tables[t].opts, *tables[t].n, k, n);
	port = plat_port_options(&nr_port);
	return o ? o : find_in(port, nr_port, k, n);
}

bool kasan_parse_options(const char *s, char *err, size_t errlen)
{
	while (s && *s) {
		const char *item = s, *end, *eq;
		const struct kasan_option *o;

		while (*s && !is_sep(*s))
			s++;
		end = s;
		if (*s)
			s++;
		if (end == item)
			continue;	/* an empty item, e.g. a trailing ':' */
		for (eq = item; eq < end && *eq != '='; eq++)
			;
		o = find_option(item, (size_t)(eq - item));
		if (!o) {
			kasan_snprintf(err, errlen, "vmkasan: VMKASAN_OPTIONS: unknown option '%.*s'",
				       (int)(eq - item), item);
			return false;
		}
		if (eq == end) {
			kasan_snprintf(err, errlen,
				       "vmkasan: VMKASAN_OPTIONS: option '%s' needs a value (%s=...)",
				       o->name, o->name);
			return false;
		}
		if (!set_option(o, eq + 1, (size_t)(end - eq - 1), err, errlen))
			return false;
	}
	if (show_help)
		kasan_print_options_help();
	return true;
}

static void print_table(const struct kasan_option *opts, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		kasan_printf("  %-16s %s\n", opts[i].name, opts[i].help);
}

void kasan_print_options_help(void)
{
	kasan_printf("vmkasan: VMKASAN_OPTIONS keys (key=value, separated by ':' or ','):\n");
	print_table(options, ARRAY_SIZE(options));
	const struct kasan_option *port;
	unsigned nr_port;

	for (unsigned t = 0; t < ARRAY_SIZE(tables); t++)
		print_table(tables[t].opts, *tables[t].n);
	port = plat_port_options(&nr_port);
	print_table(port, nr_port);
}
