/* SPDX-License-Identifier: MIT */
/*
 * DWARF .debug_line reader, versions 2 to 5, 32- and 64-bit DWARF.
 *
 * Format facts used (all from the DWARF standards, no code borrowed):
 *  - DWARF 5 section 6.2.2 (state machine registers), 6.2.4 (line
 *    program header, including the v5 directory/file entry formats of
 *    6.2.4.1), 6.2.5 (standard, extended and special opcodes);
 *  - DWARF 4 section 6.2.4 for the pre-v5 header (include_directories
 *    and file_names as NUL-terminated lists; no max_ops before v4);
 *  - DWARF 5 section 7.2.2 (initial length: 0xffffffff escapes to
 *    64-bit DWARF, 0xfffffff0..0xfffffffe are reserved), 7.5.5/7.5.6
 *    (form encodings, table 7.6), 7.22 (opcode and DW_LNCT values).
 *
 * Report-time only: each lookup makes one linear pass over all line
 * programs and keeps no state, so it allocates nothing.  File names are
 * resolved only for the row that matched, by re-walking that unit's
 * tables, which avoids storing the tables anywhere.
 */
#include "dwarf_line.h"
#include "dwarf_read.h"

#include <limits.h>

/* Standard opcodes (DWARF 5 table 7.25). */
enum {
	DW_LNS_copy = 0x01,
	DW_LNS_advance_pc = 0x02,
	DW_LNS_advance_line = 0x03,
	DW_LNS_set_file = 0x04,
	DW_LNS_set_column = 0x05,
	DW_LNS_negate_stmt = 0x06,
	DW_LNS_set_basic_block = 0x07,
	DW_LNS_const_add_pc = 0x08,
	DW_LNS_fixed_advance_pc = 0x09,
	DW_LNS_set_prologue_end = 0x0a,
	DW_LNS_set_epilogue_begin = 0x0b,
	DW_LNS_set_isa = 0x0c,
};

/* Extended opcodes (DWARF 5 table 7.26; define_file is DWARF 2-4 only). */
enum {
	DW_LNE_end_sequence = 0x01,
	DW_LNE_set_address = 0x02,
	DW_LNE_define_file = 0x03,
	DW_LNE_set_discriminator = 0x04,
};

/* The unit types and attributes needed to find a v2-4 compilation directory. */
enum {
	DW_UT_type = 0x02,		/* DWARF 5 table 7.2 */
	DW_UT_skeleton = 0x04,
	DW_UT_split_compile = 0x05,
	DW_UT_split_type = 0x06,
	DW_AT_stmt_list = 0x10,		/* DWARF 5 table 7.5 */
	DW_AT_comp_dir = 0x1b,
};

/* Line number header entry content types (DWARF 5 table 7.27). */
enum {
	DW_LNCT_path = 0x1,
	DW_LNCT_directory_index = 0x2,
};

/* The parts of a line program header (DWARF 5 section 6.2.4) we need. */
struct line_header {
	struct form_ctx form;
	unsigned min_inst_length;
	unsigned max_ops_per_inst;	/* VLIW; 1 everywhere that matters */
	bool default_is_stmt;
	int line_base;
	unsigned line_range;
	unsigned opcode_base;
	const uint8_t *std_opcode_lengths; /* opcode_base - 1 entries */
	struct cursor tables;		/* directory and file name tables */
	struct cursor program;		/* the line number program proper */
};

enum unit_status { UNIT_OK, UNIT_SKIP, UNIT_STOP };

/*
 * Parse the header of the line program at `sec` and advance `sec` past
 * it.  UNIT_SKIP: this unit is unusable but the next one can be tried;
 * UNIT_STOP: nothing after it can be located.
 */
static enum unit_status parse_unit(struct cursor *sec, struct line_header *h)
{
	struct cursor unit;

	if (!next_unit(sec, &unit, &h->form.offset_size))
		return UNIT_STOP;
	h->form.version = (unsigned)read_fixed(&unit, 2);
	if (unit.bad || h->form.version < 2 || h->form.version > 5)
		return UNIT_SKIP;
	h->form.address_size = 0;
	if (h->form.version >= 5) {
		h->form.address_size = (unsigned)read_fixed(&unit, 1);
		read_fixed(&unit, 1);	/* segment_selector_size: unused on x86-64 */
	}
	uint64_t header_length = read_fixed(&unit, h->form.offset_size);

	if (unit.bad || header_length > remaining(&unit))
		return UNIT_SKIP;
	h->program = (struct cursor){ unit.pos + header_length, unit.end, false };
	unit.end = unit.pos + header_length;

	h->min_inst_length = (unsigned)read_fixed(&unit, 1);
	h->max_ops_per_inst = h->form.version >= 4 ? (unsigned)read_fixed(&unit, 1) : 1;
	if (h->max_ops_per_inst == 0)
		h->max_ops_per_inst = 1;	/* invalid; avoid dividing by zero */
	h->default_is_stmt = read_fixed(&unit, 1) != 0;
	h->line_base = (int8_t)read_fixed(&unit, 1);
	h->line_range = (unsigned)read_fixed(&unit, 1);
	h->opcode_base = (unsigned)read_fixed(&unit, 1);
	if (unit.bad || h->line_range == 0 || h->opcode_base == 0)
		return UNIT_SKIP;
	h->std_opcode_lengths = unit.pos;
	if (!skip(&unit, h->opcode_base - 1))
		return UNIT_SKIP;
	h->tables = unit;
	return UNIT_OK;
}

/*
 * A v5 entry format list: `count` (content type, form) ULEB pairs at
 * `formats`.  Each entry of the table is one value per pair, in order.
 */
struct entry_format {
	struct cursor formats;
	unsigned count;
};

static bool read_format_list(struct cursor *t, struct entry_format *f)
{
	f->count = (unsigned)read_fixed(t, 1);
	f->formats = *t;
	for (unsigned i = 0; i < 2 * f->count; i++)
		read_uleb(t);
	return !t->bad;
}

static bool read_entry(struct cursor *t, const struct entry_format *f, const struct line_header *h,
		       const struct vmk_dwarf_sections *s, const char **path, uint64_t *dir_index)
{
	struct cursor fmt = f->formats;

	*path = NULL;
	*dir_index = 0;
	for (unsigned i = 0; i < f->count; i++) {
		uint64_t content_type = read_uleb(&fmt);
		uint64_t form = read_uleb(&fmt);
		struct form_value v;

		if (fmt.bad || !read_form(t, form, &h->form, s, &v, 0))
			return false;
		if (content_type == DW_LNCT_path)
			*path = v.str;
		else if (content_type == DW_LNCT_directory_index)
			*dir_index = v.u;
	}
	return true;
}

/*
 * Walk `count` entries from `t`, stopping at entry `want` (if want <
 * count) with its path and directory index.  Otherwise leaves `t` after
 * the table.  Returns false on a malformed table.
 */
static bool walk_entries(struct cursor *t, const struct entry_format *f, uint64_t count,
			 uint64_t want, const struct line_header *h,
			 const struct vmk_dwarf_sections *s, const char **path, uint64_t *dir_index)
{
	for (uint64_t i = 0; i < count; i++) {
		const uint8_t *before = t->pos;

		if (!read_entry(t, f, h, s, path, dir_index))
			return false;
		if (i == want)
			return true;
		/*
		 * Entries of zero size (no formats, or only flag_present) are
		 * all alike, so the wanted one reads like this one and the
		 * table ends here: do not spin through a huge corrupt count.
		 */
		if (t->pos == before)
			return true;
	}
	return true;
}

/* Resolve a file register value for v5 units (section 6.2.4, items 20-26). */
static bool lookup_file_v5(const struct line_header *h, const struct vmk_dwarf_sections *s,
			   uint64_t file_index, const char **comp_dir, const char **dir,
			   const char **name)
{
	struct cursor t = h->tables;
	struct entry_format dir_format, file_format;
	uint64_t dir_count, file_count, dir_index, ignored;

	if (!read_format_list(&t, &dir_format))
		return false;
	dir_count = read_uleb(&t);
	struct cursor dirs = t;

	if (t.bad || !walk_entries(&t, &dir_format, dir_count, UINT64_MAX, h, s, name, &ignored))
		return false;
	if (!read_format_list(&t, &file_format))
		return false;
	file_count = read_uleb(&t);
	if (t.bad || file_index >= file_count)
		return false;
	if (!walk_entries(&t, &file_format, file_count, file_index, h, s, name, &dir_index))
		return false;

	/* Directory 0 is the compilation directory (section 6.2.4 item 20). */
	struct cursor d = dirs;

	if (dir_count > 0 && walk_entries(&d, &dir_format, dir_count, 0, h, s, comp_dir, &ignored)) {
		d = dirs;
		if (dir_index < dir_count &&
		    !walk_entries(&d, &dir_format, dir_count, dir_index, h, s, dir, &ignored))
			*dir = NULL;
	}
	return true;
}

/* Resolve a file register value for v2-4 units (1-based file numbers). */
static bool lookup_file_v4(const struct line_header *h, uint64_t file_index, const char **dir,
			   const char **name)
{
	struct cursor t = h->tables;
	struct cursor dirs = t;
	const char *s;

	/* include_directories: strings up to an empty one. */
	do {
		s = read_cstr(&t);
		if (!s)
			return false;
	} while (*s);

	/*
	 * file_names: (name, dir ULEB, mtime ULEB, length ULEB) up to an empty
	 * name.  Files added by DW_LNE_define_file are not tracked.
	 */
	for (uint64_t i = 1;; i++) {
		const char *file = read_cstr(&t);
		uint64_t dir_index = read_uleb(&t);

		read_uleb(&t);
		read_uleb(&t);
		if (!file || !*file || t.bad)
			return false;
		if (i != file_index)
			continue;
		*name = file;
		/* Directory 0 is the (unnamed here) compilation directory. */
		for (uint64_t j = 1; j <= dir_index; j++) {
			s = read_cstr(&dirs);
			if (!s || !*s)
				return true;
			if (j == dir_index)
				*dir = s;
		}
		return true;
	}
}

/* Append `s` to the string in buf, truncating; buf stays NUL-terminated. */
static void append(char *buf, size_t size, size_t *len, const char *s)
{
	while (*s && *len + 1 < size)
		buf[(*len)++] = *s++;
	buf[*len] = 0;
}

static void append_dir(char *buf, size_t size, size_t *len, const char *dir)
{
	if (!dir || !*dir)
		return;
	append(buf, size, len, dir);
	if (*len > 0 && buf[*len - 1] != '/')
		append(buf, size, len, "/");
}

/* name if absolute, else [comp_dir/][dir/]name, comp_dir only for a relative or no dir. */
static void join_path(char *buf, size_t size, const char *comp_dir, const char *dir,
		      const char *name)
{
	size_t len = 0;

	if (size == 0)
		return;
	buf[0] = 0;
	if (!name)
		return;
	if (name[0] != '/') {
		if (comp_dir && comp_dir != dir && (!dir || dir[0] != '/'))
			append_dir(buf, size, &len, comp_dir);
		append_dir(buf, size, &len, dir);
	}
	append(buf, size, &len, name);
}

/*
 * The first DIE of a unit: does its DW_AT_stmt_list equal line_offset,
 * and what is its DW_AT_comp_dir?  Abbreviations: DWARF 5 section 7.5.3.
 */
static void read_unit_die(struct cursor *unit, const struct form_ctx *ctx,
			  const struct vmk_dwarf_sections *s, uint64_t abbrev_offset,
			  uint64_t line_offset, const char **comp_dir, bool *stmt_match)
{
	uint64_t code = read_uleb(unit);

	if (unit->bad || code == 0 || abbrev_offset >= s->debug_abbrev_size)
		return;

	struct cursor ab = { s->debug_abbrev + abbrev_offset, s->debug_abbrev + s->debug_abbrev_size,
			     false };

	/* Declarations: code, tag, has_children, (name, form[, const]) pairs up to (0, 0). */
	for (;;) {
		uint64_t this_code = read_uleb(&ab);

		read_uleb(&ab);
		read_fixed(&ab, 1);
		if (ab.bad || this_code == 0)
			return;
		if (this_code == code)
			break;
		for (;;) {
			uint64_t name = read_uleb(&ab), form = read_uleb(&ab);

			if (form == DW_FORM_implicit_const)
				read_sleb(&ab);
			if (ab.bad)
				return;
			if (name == 0 && form == 0)
				break;
		}
	}
	for (;;) {
		uint64_t name = read_uleb(&ab), form = read_uleb(&ab);
		struct form_value v = { NULL, 0 };

		if (ab.bad || (name == 0 && form == 0))
			return;
		if (form == DW_FORM_implicit_const)
			v.u = (uint64_t)read_sleb(&ab);
		else if (!read_form(unit, form, ctx, s, &v, 0))
			return;
		if (name == DW_AT_stmt_list)
			*stmt_match = !v.str && v.u == line_offset;
		else if (name == DW_AT_comp_dir)
			*comp_dir = v.str;
	}
}

/*
 * Before DWARF 5 the line table does not name directory 0, the
 * compilation directory: it is the DW_AT_comp_dir of the unit whose
 * DW_AT_stmt_list is this line program (DWARF 4 sections 3.1.1 and 6.2.4
 * item 11).  Unit headers: DWARF 4 section 7.5.1.1, DWARF 5 7.5.1.
 */
static const char *find_comp_dir(const struct vmk_dwarf_sections *s, uint64_t line_offset)
{
	if (!s->debug_info || !s->debug_abbrev)
		return NULL;

	struct cursor sec = { s->debug_info, s->debug_info + s->debug_info_size, false };

	while (remaining(&sec) > 0) {
		struct cursor unit;
		struct form_ctx ctx;
		uint64_t abbrev_offset;
		const char *comp_dir = NULL;
		bool stmt_match = false;

		if (!next_unit(&sec, &unit, &ctx.offset_size))
			return NULL;
		ctx.version = (unsigned)read_fixed(&unit, 2);
		if (ctx.version < 2 || ctx.version > 5)
			continue;
		if (ctx.version >= 5) {
			unsigned unit_type = (unsigned)read_fixed(&unit, 1);

			ctx.address_size = (unsigned)read_fixed(&unit, 1);
			abbrev_offset = read_fixed(&unit, ctx.offset_size);
			if (unit_type == DW_UT_type || unit_type == DW_UT_split_type)
				continue;
			if (unit_type == DW_UT_skeleton || unit_type == DW_UT_split_compile)
				read_fixed(&unit, 8);	/* dwo_id */
		} else {
			abbrev_offset = read_fixed(&unit, ctx.offset_size);
			ctx.address_size = (unsigned)read_fixed(&unit, 1);
		}
		if (unit.bad)
			continue;
		read_unit_die(&unit, &ctx, s, abbrev_offset, line_offset, &comp_dir, &stmt_match);
		if (stmt_match)
			return comp_dir;
	}
	return NULL;
}

/* The registers of the state machine (section 6.2.2) that a lookup needs. */
struct row {
	uint64_t address;
	uint64_t op_index;
	uint64_t file;
	uint64_t line;	/* unsigned arithmetic: corrupt data may wrap, never overflow UB */
};

static void reset_row(struct row *r)
{
	r->address = 0;
	r->op_index = 0;
	r->file = 1;
	r->line = 1;
}

/* Operation advance (section 6.2.5.1), VLIW-aware. */
static void advance(const struct line_header *h, struct row *r, uint64_t operation_advance)
{
	if (h->max_ops_per_inst == 1) {
		r->address += h->min_inst_length * operation_advance;
	} else {
		uint64_t ops = r->op_index + operation_advance;

		r->address += h->min_inst_length * (ops / h->max_ops_per_inst);
		r->op_index = ops % h->max_ops_per_inst;
	}
}

/*
 * The rows of one sequence have non-decreasing addresses; a row covers
 * [its address, next row's address).  Called for each new row: returns
 * true once the previous row covers addr.  Of several rows at the same
 * address the last one wins, as the earlier ones cover nothing.
 */
struct matcher {
	uint64_t addr;
	bool have_prev;
	struct row prev;
};

static bool emit_row(struct matcher *m, const struct row *r, bool end_sequence)
{
	if (m->have_prev && m->prev.address <= m->addr && m->addr < r->address)
		return true;
	m->have_prev = !end_sequence;
	m->prev = *r;
	return false;
}

/* Run one line program (section 6.2.5); on a hit, the row is in m->prev. */
static bool run_program(const struct line_header *h, struct matcher *m)
{
	struct cursor c = h->program;
	struct row r;

	reset_row(&r);
	m->have_prev = false;
	while (c.pos < c.end) {
		uint8_t opcode = *c.pos++;

		if (opcode >= h->opcode_base) {
			/* Special opcode (section 6.2.5.1). */
			unsigned adjusted = opcode - h->opcode_base;

			advance(h, &r, adjusted / h->line_range);
			r.line += (uint64_t)(int64_t)(h->line_base + (int)(adjusted % h->line_range));
			if (emit_row(m, &r, false))
				return true;
			continue;
		}

		switch (opcode) {
		case 0: {
			/* Extended opcode (section 6.2.5.3): 0, ULEB length, body. */
			uint64_t length = read_uleb(&c);

			if (c.bad || length > remaining(&c))
				return false;
			struct cursor body = { c.pos, c.pos + length, false };

			c.pos += length;
			if (length == 0)
				break;
			switch (read_fixed(&body, 1)) {
			case DW_LNE_end_sequence:
				if (emit_row(m, &r, true))
					return true;
				reset_row(&r);
				break;
			case DW_LNE_set_address: {
				size_t size = remaining(&body);

				if (size >= 1 && size <= 8) {
					r.address = read_fixed(&body, (unsigned)size);
					r.op_index = 0;
				}
				break;
			}
			case DW_LNE_define_file:
			case DW_LNE_set_discriminator:
			default:
				/* Nothing a lookup needs; the length lets us skip. */
				break;
			}
			break;
		}
		case DW_LNS_copy:
			if (emit_row(m, &r, false))
				return true;
			break;
		case DW_LNS_advance_pc:
			advance(h, &r, read_uleb(&c));
			break;
		case DW_LNS_advance_line:
			r.line += (uint64_t)read_sleb(&c);
			break;
		case DW_LNS_set_file:
			r.file = read_uleb(&c);
			break;
		case DW_LNS_const_add_pc:
			advance(h, &r, (255 - h->opcode_base) / h->line_range);
			break;
		case DW_LNS_fixed_advance_pc:
			r.address += read_fixed(&c, 2);
			r.op_index = 0;
			break;
		case DW_LNS_set_column:
		case DW_LNS_set_isa:
			read_uleb(&c);
			break;
		case DW_LNS_negate_stmt:
		case DW_LNS_set_basic_block:
		case DW_LNS_set_prologue_end:
		case DW_LNS_set_epilogue_begin:
			break;
		default:
			/* Known only by its operand count (section 6.2.4 item 10). */
			for (unsigned i = 0; i < h->std_opcode_lengths[opcode - 1]; i++)
				read_uleb(&c);
			break;
		}
		if (c.bad)
			return false;
	}
	return false;
}

/*
 * The path of file `file_index` of the line program whose header is h
 * (at unit_offset in .debug_line) into file_buf; false if the table does
 * not name it.
 */
static bool file_path(const struct vmk_dwarf_sections *sections, const struct line_header *h,
		      uint64_t unit_offset, uint64_t file_index, char *file_buf,
		      size_t file_buf_size)
{
	const char *comp_dir = NULL, *dir = NULL, *name = NULL;
	bool named = h->form.version >= 5 ?
		lookup_file_v5(h, sections, file_index, &comp_dir, &dir, &name) :
		lookup_file_v4(h, file_index, &dir, &name);

	/* Only look for the v2-4 compilation directory if the path needs it. */
	if (named && h->form.version < 5 && name && name[0] != '/' && (!dir || dir[0] != '/'))
		comp_dir = find_comp_dir(sections, unit_offset);
	if (named)
		join_path(file_buf, file_buf_size, comp_dir, dir, name);
	return named;
}

bool vmk_dwarf_find_line(const struct vmk_dwarf_sections *given, uint64_t addr,
			 char *file_buf, size_t file_buf_size, unsigned *line)
{
	if (file_buf_size > 0)
		file_buf[0] = 0;
	*line = 0;
	if (!given || !given->debug_line)
		return false;

	struct vmk_dwarf_sections trimmed = *given;
	const struct vmk_dwarf_sections *sections = &trimmed;

	trim_to_last_nul(&trimmed.debug_str, &trimmed.debug_str_size);
	trim_to_last_nul(&trimmed.debug_line_str, &trimmed.debug_line_str_size);

	struct cursor sec = { sections->debug_line,
			      sections->debug_line + sections->debug_line_size, false };

	while (remaining(&sec) > 0) {
		struct line_header h;
		uint64_t unit_offset = (uint64_t)(sec.pos - sections->debug_line);
		enum unit_status status = parse_unit(&sec, &h);

		if (status == UNIT_STOP)
			break;
		if (status == UNIT_SKIP)
			continue;

		struct matcher m = { .addr = addr };

		if (!run_program(&h, &m))
			continue;

		file_path(sections, &h, unit_offset, m.prev.file, file_buf, file_buf_size);
		*line = m.prev.line <= UINT_MAX ? (unsigned)m.prev.line : 0;
		return true;
	}
	return false;
}

bool vmk_dwarf_file_name(const struct vmk_dwarf_sections *given, uint64_t line_offset,
			 uint64_t file_index, char *file_buf, size_t file_buf_size)
{
	if (file_buf_size > 0)
		file_buf[0] = 0;
	if (!given || !given->debug_line || line_offset >= given->debug_line_size)
		return false;

	struct vmk_dwarf_sections trimmed = *given;
	struct cursor sec = { given->debug_line + line_offset,
			      given->debug_line + given->debug_line_size, false };
	struct line_header h;

	trim_to_last_nul(&trimmed.debug_str, &trimmed.debug_str_size);
	trim_to_last_nul(&trimmed.debug_line_str, &trimmed.debug_line_str_size);
	if (parse_unit(&sec, &h) != UNIT_OK)
		return false;
	return file_path(&trimmed, &h, line_offset, file_index, file_buf, file_buf_size) &&
	       file_buf_size > 0 && file_buf[0];
}
