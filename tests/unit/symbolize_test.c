/* SPDX-License-Identifier: MIT */
/*
 * Unit test of the hosted symbolizer (src/hosted/symbolize.c) and the
 * .debug_line reader (src/hosted/dwarf_line.c).  TAP output.
 *
 * Build variants (see run_symbolize.sh) select expectations:
 *   EXPECT_NO_LINES   the binary has no usable line table (stripped, -gz)
 *   EXPECT_NO_LOCALS  only .dynsym is left (stripped, linked -rdynamic)
 *
 * Usage: [SYMBOLIZE_FUZZ_ROUNDS=n] [ADDR2LINE=tool] symbolize_test [victim.so]
 *   With a victim library (this file built with -DSYMBOLIZE_VICTIM
 *   -shared), copies of it are loaded and then replaced on disk by
 *   corrupted versions, to check that bad files never crash the reader.
 *
 * Built with -DSYMBOLIZE_VICTIM this file is only that victim library.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>

#ifdef SYMBOLIZE_VICTIM

int victim_data[8] = { 1 };

/* Inlined even at -O0: the victim's .debug_info has a chain to read. */
static inline __attribute__((always_inline)) int victim_helper(int x)
{
	return x * 3 + victim_data[x & 7];
}

__attribute__((noinline)) int victim_function(int x)
{
	return victim_helper(x);
}

#else /* !SYMBOLIZE_VICTIM: the test program */

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hosted/dwarf_info.h"
#include "hosted/dwarf_line.h"
#include "hosted/symbolize.h"

#ifdef __clang__
#define NOINLINE __attribute__((noinline, used))
#else
#define NOINLINE __attribute__((noinline, noclone, used))
#endif

int main(int argc, char **argv);

static int checks, failures;

static bool check(bool ok, const char *fmt, ...)
{
	va_list ap;

	checks++;
	if (!ok)
		failures++;
	printf("%sok %d - ", ok ? "" : "not ", checks);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return ok;
}

static void skip(const char *why)
{
	checks++;
	printf("ok %d # SKIP %s\n", checks, why);
}

static const char *base_name(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	return slash ? slash + 1 : path;
}

static const char *str_or_null(const char *s)
{
	return s ? s : "(null)";
}

static void describe(const char *what, const struct vmk_symbol *s)
{
	printf("# %s: %s+0x%lx/0x%lx %s:%u [%s+0x%lx]\n", what, str_or_null(s->func),
	       (unsigned long)s->func_off, (unsigned long)s->func_size, str_or_null(s->file),
	       s->line, str_or_null(s->module), (unsigned long)s->module_off);
}

/* ---- code and data with known locations ---- */

int symbolize_test_global[16] = { 1, 2, 3 };
static char symbolize_test_bss[100] __attribute__((used));

/* The whole definition on one line, so the entry row's line is __LINE__. */
NOINLINE unsigned target_function(void) { return __LINE__; }

NOINLINE uintptr_t return_address_of_caller(void)
{
	return (uintptr_t)__builtin_return_address(0);
}

NOINLINE void caller_function(uintptr_t *ra, unsigned *line)
{
	*ra = return_address_of_caller(); *line = __LINE__;
}

NOINLINE void label_function(uintptr_t *addr, unsigned *line)
{
	volatile int x = 0;

	*addr = (uintptr_t)&&here;
	*line = __LINE__ + 1;
here:	x = x + 1;
	if (x > 1)
		goto *(void *)*addr;
}

/*
 * Two levels of inlining (always_inline holds at -O0 too): the return
 * address of the call in inlined_inner lies in inlined_inner, inlined
 * into inlined_outer, inlined into inline_caller.  Each call and its
 * __LINE__ share a line.
 */
#define ALWAYS_INLINE static inline __attribute__((always_inline))

struct inline_lines {
	uintptr_t ra;
	unsigned inner, outer, caller;
};

ALWAYS_INLINE void inlined_inner(struct inline_lines *l)
{
	l->ra = return_address_of_caller(); l->inner = __LINE__;
}

ALWAYS_INLINE void inlined_outer(struct inline_lines *l)
{
	inlined_inner(l); l->outer = __LINE__;
}

NOINLINE void inline_caller(struct inline_lines *l)
{
	inlined_outer(l); l->caller = __LINE__;
}

static uintptr_t libc_return_address;

static int compare_ints(const void *a, const void *b)
{
	if (!libc_return_address)
		libc_return_address = (uintptr_t)__builtin_return_address(0);
	return *(const int *)a - *(const int *)b;
}

static int main_bias_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	*(uintptr_t *)data = info->dlpi_addr;
	return 1;	/* the first object is the main program */
}

static uintptr_t main_bias(void)
{
	uintptr_t bias = 0;

	dl_iterate_phdr(main_bias_cb, &bias);
	return bias;
}

/* ---- checks ---- */

static void test_function(const char *exe_base)
{
	struct vmk_symbol s;
	uintptr_t pc = (uintptr_t)&target_function;

	if (!check(vmk_symbolize(pc, false, &s), "target_function symbolizes"))
		return;
	describe("target_function", &s);
	check(s.module && !strcmp(base_name(s.module), exe_base), "module is this executable (%s)",
	      str_or_null(s.module));
	check(s.module && s.module[0] == '/', "module path is absolute");
	check(s.module_off == pc - main_bias(), "module_off is pc - load bias");
	check(s.func && !strcmp(s.func, "target_function"), "function name");
	check(s.func_off == 0, "func_off 0 at the entry");
	check(s.func_size > 0 && s.func_size < 256, "sensible size (0x%lx)", (unsigned long)s.func_size);
#ifdef EXPECT_NO_LINES
	check(!s.file && s.line == 0, "no line info expected");
#else
	check(s.file && !strcmp(base_name(s.file), "symbolize_test.c"), "file is symbolize_test.c");
	check(s.file && s.file[0] == '/', "file has its directory");
	check(s.line == target_function(), "line %u is the definition's %u", s.line,
	      target_function());
#endif
	/* Inside the function, the offset counts from its start. */
	if (vmk_symbolize(pc + 1, false, &s))
		check(s.func && !strcmp(s.func, "target_function") && s.func_off == 1,
		      "pc+1 is target_function+1");
	else
		check(false, "pc+1 symbolizes");
}

static void test_return_address(void)
{
	struct vmk_symbol s;
	uintptr_t ra;
	unsigned call_line;

	caller_function(&ra, &call_line);
	if (!check(vmk_symbolize(ra, true, &s), "return address symbolizes"))
		return;
	describe("return address", &s);
	check(s.func && !strcmp(s.func, "caller_function"), "return address is in the caller");
	check(s.func_off == ra - (uintptr_t)&caller_function && s.func_off > 0 &&
	      s.func_off <= s.func_size, "func_off is measured from the return address");
#ifdef EXPECT_NO_LINES
	(void)call_line;
#else
	check(s.line == call_line, "line %u is the call's %u", s.line, call_line);
	check(s.file && !strcmp(base_name(s.file), "symbolize_test.c"), "file of the call");
#endif
}

static void test_inlined(void)
{
	struct inline_lines l;
	struct vmk_symbol s;

	inline_caller(&l);
	if (!check(vmk_symbolize(l.ra, true, &s), "return address in inlined code symbolizes"))
		return;
	describe("inlined", &s);
	for (unsigned i = 0; i < s.inlined_count; i++)
		printf("#   inlined[%u]: %s %s:%u\n", i, str_or_null(s.inlined[i].func),
		       str_or_null(s.inlined[i].file), s.inlined[i].line);
	check(s.func && !strcmp(s.func, "inline_caller"), "the physical frame is inline_caller");
#ifdef EXPECT_NO_LINES
	/* No .debug_line, no .debug_info either (stripped or compressed). */
	check(s.inlined_count == 0, "no inlined frames without debug info");
#else
	if (!check(s.inlined_count == 2, "two inlined frames (got %u)", s.inlined_count))
		return;
	check(s.inlined[0].func && !strcmp(s.inlined[0].func, "inlined_inner") &&
	      s.inlined[0].line == l.inner && s.inlined[0].file &&
	      !strcmp(base_name(s.inlined[0].file), "symbolize_test.c"),
	      "innermost: inlined_inner at its call, line %u", l.inner);
	check(s.inlined[1].func && !strcmp(s.inlined[1].func, "inlined_outer") &&
	      s.inlined[1].line == l.outer && s.inlined[1].file && s.inlined[1].file[0] == '/' &&
	      !strcmp(base_name(s.inlined[1].file), "symbolize_test.c"),
	      "then inlined_outer where it calls inlined_inner, line %u", l.outer);
	check(s.line == l.caller && s.file && !strcmp(base_name(s.file), "symbolize_test.c"),
	      "the physical frame's line %u is where inline_caller calls inlined_outer", l.caller);
#endif
	/* Data lookups never read .debug_info. */
	check(vmk_symbolize_data((uintptr_t)&symbolize_test_global[1], &s) && s.inlined_count == 0,
	      "no inlined frames for data");
}

static void test_label(void)
{
#ifdef EXPECT_NO_LINES
	skip("no line info in this variant");
#else
	struct vmk_symbol s;
	uintptr_t addr;
	unsigned line;

	label_function(&addr, &line);
	bool found = vmk_symbolize(addr, false, &s);

	if (found)
		describe("label", &s);
	check(found && s.line == line && s.func &&
	      !strcmp(s.func, "label_function"), "label address is line %u (got %u)", line, s.line);
#endif
}

static void test_data(void)
{
	struct vmk_symbol s;
	bool found = vmk_symbolize_data((uintptr_t)&symbolize_test_global[3], &s);

	check(found && s.func &&
	      !strcmp(s.func, "symbolize_test_global") && s.func_off == 3 * sizeof(int) &&
	      s.func_size == sizeof(symbolize_test_global) && !s.file,
	      "global variable: %s+0x%lx/0x%lx", str_or_null(s.func), (unsigned long)s.func_off,
	      (unsigned long)s.func_size);
#ifdef EXPECT_NO_LOCALS
	skip("static variables are not in .dynsym");
#else
	found = vmk_symbolize_data((uintptr_t)&symbolize_test_bss[99], &s);
	check(found && s.func &&
	      !strcmp(s.func, "symbolize_test_bss") && s.func_off == 99,
	      ".bss variable: %s+0x%lx", str_or_null(s.func), (unsigned long)s.func_off);
#endif
}

static void test_libc(void)
{
	struct vmk_symbol s;
	void *libc = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
	/* Not &write: in a -no-pie program that is a PLT stub in the executable. */
	void *write_addr = libc ? dlsym(libc, "write") : NULL;

	if (!check(write_addr && vmk_symbolize((uintptr_t)write_addr, false, &s), "write symbolizes"))
		return;
	describe("write", &s);
	check(s.module && strstr(s.module, "libc"), "write is in libc (%s)", str_or_null(s.module));
	check(s.func && s.func_off == 0, "write has a name (%s)", str_or_null(s.func));

	int values[64];

	for (int i = 0; i < 64; i++)
		values[i] = (i * 37) % 64;
	qsort(values, 64, sizeof(int), compare_ints);
	if (check(libc_return_address && vmk_symbolize(libc_return_address, true, &s),
		  "return address inside qsort symbolizes")) {
		describe("qsort caller", &s);
		check(s.module && strstr(s.module, "libc") && s.func, "it is a named libc function");
	}
	/* libc's stdout, or its copy in a -no-pie executable's .bss. */
	bool found = vmk_symbolize_data((uintptr_t)&stdout, &s);

	check(found && s.func && !strncmp(s.func, "stdout", 6) && s.func_off == 0,
	      "&stdout is %s", str_or_null(s.func));
}

static void test_bogus(void)
{
	struct vmk_symbol s;
	int on_stack;
	void *heap = malloc(32);

	check(!vmk_symbolize(0x10, false, &s), "address 0x10 is in no module");
	check(!vmk_symbolize(~(uintptr_t)0 - 4096, true, &s), "top of the address space is in no module");
	check(!vmk_symbolize_data((uintptr_t)&on_stack, &s), "a stack address is in no module");
	check(!vmk_symbolize_data((uintptr_t)heap, &s), "a heap address is in no module");
	free(heap);
}

/* ---- compare the line reader with addr2line over this program's own code ---- */

static void test_against_addr2line(void)
{
#ifdef EXPECT_NO_LINES
	skip("no line info in this variant");
#else
	char exe[4096], tmp_in[] = "/tmp/symtest_a2l_XXXXXX", cmd[8300], line_buf[8192];
	uintptr_t bias = main_bias();
	uintptr_t addrs[4096];
	int n = 0, compared = 0, mismatches = 0;
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *tool = getenv("ADDR2LINE") ? getenv("ADDR2LINE") : "addr2line";

	snprintf(cmd, sizeof(cmd), "command -v '%s' >/dev/null 2>&1", tool);
	if (len <= 0 || system(cmd) != 0) {
		skip("addr2line not available");
		return;
	}
	exe[len] = 0;

	/* Sample every third byte of a few functions, via our own symbol sizes. */
	const uintptr_t functions[] = {
		(uintptr_t)&vmk_symbolize, (uintptr_t)&vmk_dwarf_find_line, (uintptr_t)&main,
		(uintptr_t)&test_function, (uintptr_t)&label_function,
	};

	for (size_t f = 0; f < sizeof(functions) / sizeof(functions[0]); f++) {
		struct vmk_symbol s;

		if (!vmk_symbolize(functions[f], false, &s))
			continue;
		for (uintptr_t off = 0; off < s.func_size && n < 4096; off += 3)
			addrs[n++] = functions[f] + off;
	}

	int fd = mkstemp(tmp_in);
	FILE *in = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (!in) {
		skip("cannot create a temporary file");
		return;
	}
	for (int i = 0; i < n; i++)
		fprintf(in, "0x%lx\n", (unsigned long)(addrs[i] - bias));
	fclose(in);
	snprintf(cmd, sizeof(cmd), "'%s' -e '%s' < '%s'", tool, exe, tmp_in);

	FILE *out = popen(cmd, "r");

	for (int i = 0; out && i < n && fgets(line_buf, sizeof(line_buf), out); i++) {
		struct vmk_symbol s;
		char *colon;
		bool known;

		/* "file:line", "file:line (discriminator N)", "??:0", "??:?" */
		char *space = strchr(line_buf, ' ');

		if (space)
			*space = 0;
		colon = strrchr(line_buf, ':');
		if (!colon)
			continue;
		*colon = 0;
		unsigned want_line = (unsigned)strtoul(colon + 1, NULL, 10);

		known = strcmp(line_buf, "??") != 0;
		vmk_symbolize(addrs[i], false, &s);
		compared++;

		/* addr2line without -i gives the line table's row: our innermost frame. */
		const char *file = s.inlined_count ? s.inlined[0].file : s.file;
		unsigned line = s.inlined_count ? s.inlined[0].line : s.line;
		bool same = known ? (file && !strcmp(base_name(file), base_name(line_buf)) &&
				     line == want_line)
				  : !file && line == 0;

		if (!same && mismatches++ < 5)
			printf("# 0x%lx: addr2line %s:%u, we %s:%u\n",
			       (unsigned long)(addrs[i] - bias), line_buf, want_line,
			       str_or_null(file), line);
	}
	if (out)
		pclose(out);
	unlink(tmp_in);
	check(compared == n && n > 100 && mismatches == 0,
	      "file:line agrees with %s at %d of %d addresses", tool, compared - mismatches, n);
#endif
}

/* One frame of a reference inline chain: "func" then "file:line[ (discriminator N)]". */
struct ref_frame {
	char func[256];
	char file[1024];
	unsigned line;
};

#ifndef EXPECT_NO_LINES
static bool read_ref_frame(FILE *out, char *first, struct ref_frame *f)
{
	char buf[1024];
	char *colon, *space;

	snprintf(f->func, sizeof(f->func), "%.*s", (int)strcspn(first, "\n"), first);
	if (!fgets(buf, sizeof(buf), out))
		return false;
	buf[strcspn(buf, "\n")] = 0;
	space = strchr(buf, ' ');
	if (space)
		*space = 0;
	colon = strrchr(buf, ':');
	if (!colon)
		return false;
	*colon = 0;
	f->line = (unsigned)strtoul(colon + 1, NULL, 10);
	snprintf(f->file, sizeof(f->file), "%s", buf);
	return true;
}

/* Does our frame (func may be NULL: not compared) match the reference's? */
static bool same_frame(const struct ref_frame *want, const char *func, const char *file,
		       unsigned line)
{
	if (func && strcmp(func, want->func))
		return false;
	if (!strcmp(want->file, "??"))
		return !file && line == 0;
	return file && !strcmp(base_name(file), base_name(want->file)) && line == want->line;
}
#endif

/*
 * The whole inline chain (names, file:line of every frame) against
 * llvm-addr2line -i, over the runtime's own -O2 code, where many static
 * helpers are inlined.  The physical frame's name is not compared: ours
 * is the ELF symbol (foo.constprop.0), the tool's the DWARF one.
 */
static void test_inline_chains(void)
{
#ifdef EXPECT_NO_LINES
	skip("no line info in this variant");
#else
	char exe[4096], tmp_in[] = "/tmp/symtest_inl_XXXXXX", cmd[8400], buf[1024];
	uintptr_t bias = main_bias();
	static uintptr_t addrs[8192];
	int n = 0, compared = 0, mismatches = 0, with_inlined = 0, max_depth = 0;
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *tool = getenv("INLINE_ADDR2LINE") ? getenv("INLINE_ADDR2LINE") : "llvm-addr2line";

	snprintf(cmd, sizeof(cmd), "command -v '%s' >/dev/null 2>&1", tool);
	if (len <= 0 || system(cmd) != 0) {
		check(false, "%s is needed to check inline chains", tool);
		return;
	}
	exe[len] = 0;

	const uintptr_t functions[] = {
		(uintptr_t)&vmk_symbolize, (uintptr_t)&vmk_dwarf_find_line,
		(uintptr_t)&vmk_dwarf_find_inlined, (uintptr_t)&vmk_dwarf_file_name,
		(uintptr_t)&vmk_symbolize_data, (uintptr_t)&inline_caller,
	};

	for (size_t f = 0; f < sizeof(functions) / sizeof(functions[0]); f++) {
		struct vmk_symbol s;

		if (!vmk_symbolize(functions[f], false, &s))
			continue;
		for (uintptr_t off = 0; off < s.func_size && n < 8192; off += 2)
			addrs[n++] = functions[f] + off;
	}

	int fd = mkstemp(tmp_in);
	FILE *in = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (!in) {
		skip("cannot create a temporary file");
		return;
	}
	for (int i = 0; i < n; i++)
		fprintf(in, "0x%lx\n", (unsigned long)(addrs[i] - bias));
	fclose(in);
	snprintf(cmd, sizeof(cmd), "'%s' -a -i -f -e '%s' < '%s'", tool, exe, tmp_in);

	FILE *out = popen(cmd, "r");
	char *pending = out ? fgets(buf, sizeof(buf), out) : NULL;

	for (int i = 0; pending && i < n; i++) {
		static struct ref_frame want[64];
		int depth = 0;

		/* "0x<addr>", then frames up to the next address line. */
		if (strncmp(buf, "0x", 2) != 0)
			break;
		while ((pending = fgets(buf, sizeof(buf), out)) && strncmp(buf, "0x", 2) != 0) {
			char first[1024];

			snprintf(first, sizeof(first), "%s", buf);
			if (depth < 64 && read_ref_frame(out, first, &want[depth]))
				depth++;
		}

		struct vmk_symbol s;

		vmk_symbolize(addrs[i], false, &s);
		compared++;
		with_inlined += s.inlined_count > 0;
		if (depth > max_depth)
			max_depth = depth;

		bool same = depth == (int)s.inlined_count + 1;

		for (unsigned k = 0; same && k < s.inlined_count; k++)
			same = same_frame(&want[k], s.inlined[k].func, s.inlined[k].file,
					  s.inlined[k].line);
		same = same && same_frame(&want[depth - 1], NULL, s.file, s.line);
		if (!same && mismatches++ < 5) {
			printf("# 0x%lx: %s has %d frames:", (unsigned long)(addrs[i] - bias), tool, depth);
			for (int k = 0; k < depth; k++)
				printf(" %s@%s:%u", want[k].func, base_name(want[k].file), want[k].line);
			printf("\n# we have %u inlined:", s.inlined_count);
			for (unsigned k = 0; k < s.inlined_count; k++)
				printf(" %s@%s:%u", str_or_null(s.inlined[k].func),
				       str_or_null(base_name(s.inlined[k].file)), s.inlined[k].line);
			printf(" then %s@%s:%u\n", str_or_null(s.func), str_or_null(base_name(s.file)),
			       s.line);
		}
	}
	if (out)
		pclose(out);
	unlink(tmp_in);
	check(compared == n && n > 500 && mismatches == 0,
	      "inline chains agree with %s at %d of %d addresses", tool, compared - mismatches, n);
	check(with_inlined > 50 && max_depth >= 3,
	      "the sample has inlined code: %d addresses, chains up to %d frames", with_inlined,
	      max_depth);
#endif
}

/* ---- robustness ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)len);
		if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
			free(buf);
			buf = NULL;
		}
		*size = (size_t)len;
	}
	fclose(f);
	return buf;
}

static bool write_file(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	bool ok = f && fwrite(data, 1, size, f) == size;

	if (f)
		ok = fclose(f) == 0 && ok;
	return ok;
}

/* An uncompressed section's bytes in an ELF file image in memory (test-side, trusting). */
static bool elf_section(const uint8_t *file, size_t size, const char *name, size_t *off,
			size_t *len)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)file;

	if (size < sizeof(*eh) || eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf64_Shdr) > size)
		return false;
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(file + eh->e_shoff);
	const char *names = (const char *)file + sh[eh->e_shstrndx].sh_offset;

	for (int i = 0; i < eh->e_shnum; i++) {
		if (!strcmp(names + sh[i].sh_name, name) && sh[i].sh_type != SHT_NOBITS &&
		    !(sh[i].sh_flags & SHF_COMPRESSED)) {
			*off = sh[i].sh_offset;
			*len = sh[i].sh_size;
			return true;
		}
	}
	return false;
}

/* Feed mutated copies of our own .debug_line to the reader: it must never crash. */
static void test_dwarf_fuzz(void)
{
	size_t size, off, len;
	uint8_t *exe = read_file("/proc/self/exe", &size);

	if (!exe || !elf_section(exe, size, ".debug_line", &off, &len) || len < 64) {
		skip("no .debug_line to fuzz");
		free(exe);
		return;
	}

	uint8_t *copy = malloc(len);
	uintptr_t probe = (uintptr_t)&target_function - main_bias();
	char file[512];
	unsigned line;
	int found = 0;
	size_t str_off = 0, str_len = 0;

	/* DWARF 5 names live in .debug_line_str; keep that one intact. */
	elf_section(exe, size, ".debug_line_str", &str_off, &str_len);

	struct vmk_dwarf_sections d = { .debug_line = exe + off, .debug_line_size = len,
					.debug_line_str = str_len ? exe + str_off : NULL,
					.debug_line_str_size = str_len };

	bool alone = vmk_dwarf_find_line(&d, probe, file, sizeof(file), &line);

	check(alone && line == target_function() && !strcmp(base_name(file), "symbolize_test.c"),
	      "vmk_dwarf_find_line alone finds %s:%u", file, line);

	for (int iter = 0; iter < 3000; iter++) {
		size_t cut = len;

		memcpy(copy, exe + off, len);
		int flips = 1 + (int)(rng() % 8);

		for (int i = 0; i < flips; i++)
			copy[rng() % len] = (uint8_t)rng();
		if (iter % 5 == 0)
			cut = rng() % len;
		/* Truncations go to the end of a heap block so overreads would be caught by a sanitizer. */
		uint8_t *piece = malloc(cut ? cut : 1);

		memcpy(piece, copy, cut);
		struct vmk_dwarf_sections fuzzed = d;

		fuzzed.debug_line = piece;
		fuzzed.debug_line_size = cut;
		found += vmk_dwarf_find_line(&fuzzed, iter % 2 ? probe : rng() % 0x100000, file,
					     sizeof(file), &line);
		free(piece);
	}
	/* And a tiny output buffer must truncate, not overflow. */
	char tiny[4] = "xxx";

	vmk_dwarf_find_line(&d, probe, tiny, 3, &line);
	check(strlen(tiny) == 2, "3-byte file buffer holds \"%s\"", tiny);
	check(true, "3000 mutated .debug_line sections did not crash the reader (%d hits)", found);
	free(copy);
	free(exe);
}

/*
 * Feed mutated copies of our own .debug_info, .debug_abbrev and the
 * tables they point into to the inlined-frame reader: it must never
 * crash, and an intact copy must give inline_caller's chain.
 */
static void test_dwarf_info_fuzz(void)
{
	static const char *const names[] = { ".debug_info", ".debug_abbrev", ".debug_rnglists",
					      ".debug_ranges", ".debug_addr", ".debug_str_offsets" };
	enum { N = sizeof(names) / sizeof(names[0]) };
	size_t size, off[N] = { 0 }, len[N] = { 0 }, str_off = 0, str_len = 0;
	uint8_t *exe = read_file("/proc/self/exe", &size);

	if (!exe || !elf_section(exe, size, ".debug_info", &off[0], &len[0]) ||
	    !elf_section(exe, size, ".debug_abbrev", &off[1], &len[1])) {
		skip("no .debug_line to fuzz");	/* the same variants have neither */
		free(exe);
		return;
	}
	for (int i = 2; i < N; i++)
		elf_section(exe, size, names[i], &off[i], &len[i]);
	elf_section(exe, size, ".debug_str", &str_off, &str_len);

	struct vmk_dwarf_sections d = {
		.debug_info = exe + off[0], .debug_info_size = len[0],
		.debug_abbrev = exe + off[1], .debug_abbrev_size = len[1],
		.debug_rnglists = len[2] ? exe + off[2] : NULL, .debug_rnglists_size = len[2],
		.debug_ranges = len[3] ? exe + off[3] : NULL, .debug_ranges_size = len[3],
		.debug_addr = len[4] ? exe + off[4] : NULL, .debug_addr_size = len[4],
		.debug_str_offsets = len[5] ? exe + off[5] : NULL, .debug_str_offsets_size = len[5],
		.debug_str = str_len ? exe + str_off : NULL, .debug_str_size = str_len,
	};
	struct inline_lines l;
	static struct vmk_dwarf_inline_chain chain;
	struct vmk_dwarf_info_cache cache = { 0 };

	inline_caller(&l);

	uint64_t probe = l.ra - 1 - main_bias();
	bool alone = vmk_dwarf_find_inlined(&d, &cache, probe, &chain);

	check(alone && chain.count == 2 && chain.frames[0].name &&
	      !strcmp(chain.frames[0].name, "inlined_inner") && chain.frames[1].name &&
	      !strcmp(chain.frames[1].name, "inlined_outer") && chain.frames[0].call_line == l.outer &&
	      chain.frames[1].call_line == l.caller && chain.have_line_offset,
	      "vmk_dwarf_find_inlined alone finds inlined_inner (called at line %u) in inlined_outer "
	      "(called at line %u)", chain.count ? chain.frames[0].call_line : 0,
	      chain.count > 1 ? chain.frames[1].call_line : 0);
	vmk_dwarf_info_release(&cache);

	int found = 0, rounds = 0;

	for (int iter = 0; iter < 1200; iter++) {
		int which = iter % N;

		if (!len[which])
			continue;
		rounds++;

		/* Truncations go to the end of a heap block so overreads would be caught by a sanitizer. */
		size_t cut = iter % 7 == 0 ? rng() % len[which] : len[which];
		uint8_t *piece = malloc(cut ? cut : 1);
		int flips = 1 + (int)(rng() % 8);

		memcpy(piece, exe + off[which], cut);
		for (int i = 0; cut && i < flips; i++)
			piece[rng() % cut] = (uint8_t)rng();

		struct vmk_dwarf_sections fuzzed = d;
		const uint8_t **ptr[N] = { &fuzzed.debug_info, &fuzzed.debug_abbrev,
					   &fuzzed.debug_rnglists, &fuzzed.debug_ranges,
					   &fuzzed.debug_addr, &fuzzed.debug_str_offsets };
		size_t *sz[N] = { &fuzzed.debug_info_size, &fuzzed.debug_abbrev_size,
				  &fuzzed.debug_rnglists_size, &fuzzed.debug_ranges_size,
				  &fuzzed.debug_addr_size, &fuzzed.debug_str_offsets_size };

		*ptr[which] = piece;
		*sz[which] = cut;
		for (int k = 0; k < 4; k++) {
			uint64_t addr = k == 0 ? probe : k == 1 ? probe - rng() % 4096 : rng() % 0x100000;

			if (vmk_dwarf_find_inlined(&fuzzed, &cache, addr, &chain)) {
				found++;
				/* Touch every name: a bad pointer would crash here. */
				for (unsigned f = 0; f < chain.count; f++)
					if (chain.frames[f].name)
						found += strlen(chain.frames[f].name) > 100000;
			}
		}
		vmk_dwarf_info_release(&cache);
		free(piece);
	}
	check(cache.ranges == NULL && cache.abbrevs == NULL, "release empties the cache");
	check(rounds > 0, "%d mutated debug-info sections did not crash the reader (%d hits)", rounds,
	      found);
	free(exe);
}

/*
 * Load copies of the victim library, then replace each file on disk (a
 * new inode: the loaded mapping stays intact) with a corrupted version
 * before the symbolizer first opens it.  More than 64 rounds also
 * exercise cache eviction.
 */
static void test_corrupt_modules(const char *victim)
{
	size_t size;
	uint8_t *orig = victim ? read_file(victim, &size) : NULL;
	char dir[] = "/tmp/symtest_XXXXXX";
	int rounds = getenv("SYMBOLIZE_FUZZ_ROUNDS") ? atoi(getenv("SYMBOLIZE_FUZZ_ROUNDS")) : 200;
	int survived = 0, named = 0;

	if (!orig || !mkdtemp(dir)) {
		skip("no victim library given");
		free(orig);
		return;
	}
	uint8_t *bad = malloc(size);
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)orig;

	for (int round = 0; round < rounds; round++) {
		char path[4200], fresh[4300];

		snprintf(path, sizeof(path), "%s/victim%d.so", dir, round);
		snprintf(fresh, sizeof(fresh), "%s.new", path);
		if (!write_file(path, orig, size))
			break;

		void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		void *fn = handle ? dlsym(handle, "victim_function") : NULL;
		void *data = handle ? dlsym(handle, "victim_data") : NULL;

		if (!fn || !data) {
			printf("# dlopen %s: %s\n", path, dlerror());
			break;
		}

		size_t bad_size = size;

		memcpy(bad, orig, size);
		switch (round % 6) {
		case 0:	/* random bytes anywhere */
			for (int i = 0; i < 1 + round % 32; i++)
				bad[rng() % size] = (uint8_t)rng();
			break;
		case 1:	/* random bytes in the section header table and after it */
			for (int i = 0; i < 1 + round % 16; i++)
				bad[eh->e_shoff + rng() % (size - eh->e_shoff)] = (uint8_t)rng();
			break;
		case 2:	/* truncated */
			bad_size = rng() % size;
			break;
		case 3:	/* wild header fields */
			((Elf64_Ehdr *)bad)->e_shoff = rng() % (size + 64);
			((Elf64_Ehdr *)bad)->e_shnum = (Elf64_Half)rng();
			((Elf64_Ehdr *)bad)->e_shstrndx = (Elf64_Half)rng();
			if (round % 12 == 3)
				((Elf64_Ehdr *)bad)->e_shnum = 0;
			break;
		case 4: {	/* corrupt inside .debug_line, .symtab, .strtab: most likely to pass the build-id check */
			static const char *const names[] = { ".debug_line", ".symtab", ".strtab",
							     ".debug_line_str", ".dynsym", ".debug_info",
							     ".debug_abbrev" };
			size_t off, len;

			if (elf_section(orig, size, names[(round / 6) % 7], &off, &len) && len)
				for (int i = 0; i < 1 + round % 16; i++)
					bad[off + rng() % len] = (uint8_t)rng();
			break;
		}
		default: /* not ELF at all */
			for (size_t i = 0; i < size; i++)
				bad[i] = (uint8_t)rng();
			bad_size = round % 2 ? 0 : size;
			break;
		}
		if (!write_file(fresh, bad, bad_size) || rename(fresh, path) != 0)
			break;

		struct vmk_symbol s;
		bool ok = vmk_symbolize((uintptr_t)fn, false, &s);

		/* Touch every string we got: a bad pointer would crash here. */
		if (ok) {
			size_t total = strlen(s.module) + (s.func ? strlen(s.func) : 0) +
				       (s.file ? strlen(s.file) : 0);

			for (unsigned i = 0; i < s.inlined_count; i++)
				total += (s.inlined[i].func ? strlen(s.inlined[i].func) : 0) +
					 (s.inlined[i].file ? strlen(s.inlined[i].file) : 0);
			named += s.func != NULL;
			ok = total > 0 && s.inlined_count <= VMK_MAX_INLINED;
		}
		ok = ok && vmk_symbolize((uintptr_t)fn + 5, true, &s);
		ok = ok && vmk_symbolize_data((uintptr_t)data + 4, &s) &&
		     (!s.func || strlen(s.func) < 100000);
		survived += ok;
		dlclose(handle);
		unlink(path);
	}
	rmdir(dir);
	check(survived == rounds, "%d of %d corrupted modules symbolized without crashing (%d named)",
	      survived, rounds, named);
	free(bad);
	free(orig);
}

int main(int argc, char **argv)
{
	test_function(base_name(argv[0]));
	test_return_address();
	test_inlined();
	test_label();
	test_data();
	test_libc();
	test_bogus();
	test_against_addr2line();
	test_inline_chains();
	test_dwarf_fuzz();
	test_dwarf_info_fuzz();
	test_corrupt_modules(argc > 1 ? argv[1] : NULL);
	/* After 200 modules the cache has evicted and reloaded: the basics still hold. */
	test_function(base_name(argv[0]));
	printf("1..%d\n", checks);
	return failures ? 1 : 0;
}

#endif /* SYMBOLIZE_VICTIM */
