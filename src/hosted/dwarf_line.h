/* SPDX-License-Identifier: MIT */
/*
 * A minimal, allocation-free reader of the DWARF line number program
 * (.debug_line), versions 2 to 5, for report-time symbolization.
 * The inlined-subroutine reader (dwarf_info.h) takes the same sections.
 *
 * The caller maps the sections; this reader only looks at the bytes it
 * is given and bounds-checks every read, so a truncated or corrupt
 * section yields "not found", never a crash.
 */
#ifndef VMKASAN_HOSTED_DWARF_LINE_H
#define VMKASAN_HOSTED_DWARF_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Raw, uncompressed section contents; a missing section has size 0. */
struct vmk_dwarf_sections {
	const uint8_t *debug_line;
	size_t debug_line_size;
	const uint8_t *debug_line_str;	/* DWARF 5 DW_FORM_line_strp targets */
	size_t debug_line_str_size;
	const uint8_t *debug_str;	/* DW_FORM_strp targets */
	size_t debug_str_size;
	/* Only to find the compilation directory of DWARF 2-4 line tables. */
	const uint8_t *debug_info;
	size_t debug_info_size;
	const uint8_t *debug_abbrev;
	size_t debug_abbrev_size;
	/* Only for inlined frames (dwarf_info.h): DWARF 2-4 and 5 range
	 * lists, and the DWARF 5 address and string offset tables. */
	const uint8_t *debug_ranges;
	size_t debug_ranges_size;
	const uint8_t *debug_rnglists;
	size_t debug_rnglists_size;
	const uint8_t *debug_addr;
	size_t debug_addr_size;
	const uint8_t *debug_str_offsets;
	size_t debug_str_offsets_size;
};

/*
 * Find the line-table row covering addr, an address as it appears in the
 * ELF file (runtime pc minus the module's load bias).
 *
 * On success returns true, stores the row's line (0 when the row says
 * "no source line") and writes the source file name, joined with its
 * directory when the name is relative and the table names a directory,
 * NUL-terminated (and truncated if needed) into file_buf; file_buf gets
 * "" when the name cannot be resolved.  Returns false when no row covers
 * addr.
 */
bool vmk_dwarf_find_line(const struct vmk_dwarf_sections *given, uint64_t addr,
			 char *file_buf, size_t file_buf_size, unsigned *line);

/*
 * The path of file number file_index (DW_AT_call_file, or a line table
 * row's file register) of the line program at line_offset in .debug_line
 * (a unit's DW_AT_stmt_list), joined with its directory like
 * vmk_dwarf_find_line's.  False, with file_buf "", if it has no name.
 */
bool vmk_dwarf_file_name(const struct vmk_dwarf_sections *given, uint64_t line_offset,
			 uint64_t file_index, char *file_buf, size_t file_buf_size);

#endif /* VMKASAN_HOSTED_DWARF_LINE_H */
