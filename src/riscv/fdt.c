// SPDX-License-Identifier: MIT
/*
 * The few facts the port needs from the flattened device tree QEMU
 * passes in a1: /chosen/bootargs (the program's arguments and options),
 * the number of harts under /cpus, and the size of /memory.  Read once
 * at boot: the tree sits in RAM the page pool reuses later (the caller
 * copies the bootargs out before).
 */
#include "riscv.h"

#define FDT_MAGIC	0xd00dfeedu
#define FDT_BEGIN_NODE	1
#define FDT_END_NODE	2
#define FDT_PROP	3
#define FDT_NOP		4
#define FDT_END		9

unsigned long rv_ram_size;

static uint32_t be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static bool prefix(const char *s, const char *p)
{
	while (*p)
		if (*s++ != *p++)
			return false;
	return true;
}

bool rv_fdt_parse(uintptr_t fdt, const char **bootargs, size_t *len, unsigned *nr_cpus)
{
	const uint8_t *base = (const uint8_t *)fdt, *p, *end;
	const char *strings;
	const char *path[4] = { 0 };
	int depth = 0;

	*bootargs = "";
	*len = 0;
	*nr_cpus = 0;
	if (!fdt || be32(base) != FDT_MAGIC)
		return false;
	p = base + be32(base + 8);
	end = base + be32(base + 4);
	strings = (const char *)base + be32(base + 12);
	while (p < end) {
		uint32_t tok = be32(p);

		p += 4;
		if (tok == FDT_BEGIN_NODE) {
			const char *name = (const char *)p;

			if (depth < 4)
				path[depth] = name;
			if (depth == 2 && path[1] && !kasan_strcmp(path[1], "cpus") && prefix(name, "cpu@"))
				++*nr_cpus;
			depth++;
			p += ALIGN_UP(kasan_strlen(name) + 1, 4);
		} else if (tok == FDT_END_NODE) {
			depth--;
		} else if (tok == FDT_PROP) {
			uint32_t plen = be32(p), nameoff = be32(p + 4);
			const char *pname = strings + nameoff;
			const uint8_t *val = p + 8;

			if (depth == 2 && path[1] && !kasan_strcmp(path[1], "chosen") &&
			    !kasan_strcmp(pname, "bootargs")) {
				/* the string and its NUL; its length, not the NUL's place */
				*bootargs = (const char *)val;
				for (*len = 0; *len < plen && val[*len]; ++*len)
					;
			}
			if (depth == 2 && path[1] && prefix(path[1], "memory") &&
			    !kasan_strcmp(pname, "reg") && plen >= 16)
				rv_ram_size = (unsigned long)be32(val + 8) << 32 | be32(val + 12);
			p += 8 + ALIGN_UP(plen, 4);
		} else if (tok == FDT_NOP) {
			continue;
		} else {
			break;
		}
	}
	return true;
}
