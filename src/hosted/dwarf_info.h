/* SPDX-License-Identifier: MIT */
/*
 * Inlined frames for report-time symbolization: which
 * DW_TAG_inlined_subroutine entries of .debug_info contain an address,
 * with the inlined functions' names and their call sites.
 *
 * Like dwarf_line.h this reader only looks at the bytes it is given,
 * bounds-checks every read and never crashes on corrupt or missing
 * sections: it answers "no inlined frames" instead.  It takes no lock;
 * callers serialize calls that share a cache.  Memory: the cache holds
 * one address-range index of the units (built on first use, at most
 * 1 Mi entries, else no index and no inlined frames) and one unit's
 * abbreviation table, both anonymous mappings.
 */
#ifndef VMKASAN_HOSTED_DWARF_INFO_H
#define VMKASAN_HOSTED_DWARF_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dwarf_line.h"

/* Nesting deeper than this gives no chain at all, never a wrong one. */
#define VMK_DWARF_MAX_CHAIN 32

struct vmk_dwarf_inlined {
	const char *name;	/* the inlined function; NULL if its name cannot be found */
	bool have_call_file;
	uint64_t call_file;	/* DW_AT_call_file: file number in the unit's line table */
	unsigned call_line;	/* DW_AT_call_line, 0 if absent */
};

struct vmk_dwarf_inline_chain {
	unsigned count;		/* frames[0] is the innermost (its code is at the address) */
	bool have_line_offset;
	uint64_t line_offset;	/* the unit's DW_AT_stmt_list: call_file is resolved there */
	struct vmk_dwarf_inlined frames[VMK_DWARF_MAX_CHAIN];
};

struct vmk_dwarf_unit_range;
struct vmk_dwarf_abbrev_table;

/* Per set of sections (per module); zero-initialised before first use. */
struct vmk_dwarf_info_cache {
	bool built;			/* the index was attempted */
	struct vmk_dwarf_unit_range *ranges;
	size_t count;
	size_t bytes;
	struct vmk_dwarf_abbrev_table *abbrevs;
};

/*
 * The inlined subroutines containing addr (an address as in the ELF
 * file), innermost first.  True with count 0 when addr is in a function
 * but not in inlined code; false when nothing usable covers addr.
 */
bool vmk_dwarf_find_inlined(const struct vmk_dwarf_sections *s, struct vmk_dwarf_info_cache *cache,
			    uint64_t addr, struct vmk_dwarf_inline_chain *out);

/* Unmap what the cache holds and zero it. */
void vmk_dwarf_info_release(struct vmk_dwarf_info_cache *cache);

#endif /* VMKASAN_HOSTED_DWARF_INFO_H */
