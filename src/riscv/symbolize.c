// SPDX-License-Identifier: MIT
/*
 * Symbols from the image itself, like the kernel's kallsyms: the link
 * runs twice, and the second time the image carries a table of its own
 * functions made from the first (tools/riscv/kallsyms.sh).  The table is
 * the last section of the image, so adding it moves nothing else.
 */
#include "riscv.h"

struct rv_ksym {
	uint64_t addr, size;
	uint32_t name, flags;	/* name: offset into rv_kallsyms_names; flags: */
};
#define KSYM_FUNC	1	/* (2: global, module.c) */
extern const uint64_t rv_kallsyms_count;
extern const struct rv_ksym rv_kallsyms[];
extern const char rv_kallsyms_names[];

bool rv_symbolize(uintptr_t pc, const char **name, uintptr_t *off, uintptr_t *size)
{
	uint64_t lo = 0, hi = rv_kallsyms_count;
	const struct rv_ksym *s;

	/* the last symbol at or below pc */
	while (lo < hi) {
		uint64_t mid = (lo + hi) / 2;

		if (rv_kallsyms[mid].addr <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return false;
	s = &rv_kallsyms[lo - 1];
	if (!(s->flags & KSYM_FUNC))
		return false;
	if (s->size && pc >= s->addr + s->size)
		return false;
	*name = rv_kallsyms_names + s->name;
	*off = pc - s->addr;
	*size = s->size;
	return true;
}
