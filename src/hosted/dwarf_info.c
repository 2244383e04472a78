/* SPDX-License-Identifier: MIT */
/*
 * .debug_info reader for inlined frames, DWARF 2 to 5, 32- and 64-bit.
 *
 * Format facts used (all from the DWARF standards, no code borrowed):
 *  - DWARF 5 section 2.17 (code addresses: DW_AT_low_pc/high_pc, a
 *    high_pc of constant class being an offset from low_pc, and
 *    DW_AT_ranges), 2.17.3 and 7.25 (.debug_rnglists entries and the
 *    base address they start from: the unit's DW_AT_low_pc), DWARF 4
 *    section 2.17.3 (.debug_ranges pairs, base address selection);
 *  - DWARF 5 section 3.3.8 (inlined subroutines: DW_AT_abstract_origin,
 *    DW_AT_call_file/call_line; nesting mirrors the inlining), 2.13
 *    (DW_AT_specification), 2.15 (DW_AT_name);
 *  - DWARF 5 section 7.5.1 (unit headers and unit types), 7.5.3
 *    (abbreviations), 7.5.4/7.5.5 (references relative to the unit
 *    header, DW_FORM_ref_addr to the section), 7.26 to 7.28
 *    (.debug_str_offsets, .debug_addr and .debug_rnglists tables, found
 *    through DW_AT_str_offsets_base/addr_base/rnglists_base).
 *
 * How a lookup goes: an index of unit address ranges (built once per
 * module) names the units covering the address; that unit's DIE tree is
 * walked from its first child, descending only into subprograms, inlined
 * subroutines and lexical blocks whose code ranges contain the address
 * and skipping every other subtree (by DW_AT_sibling when present).  The
 * inlined subroutines on that path, outermost first, are the chain.
 */
#include "dwarf_info.h"

#include <sys/mman.h>

#include "dwarf_read.h"

/* Tags (DWARF 5 table 7.3). */
enum {
	DW_TAG_lexical_block = 0x0b,
	DW_TAG_compile_unit = 0x11,
	DW_TAG_inlined_subroutine = 0x1d,
	DW_TAG_subprogram = 0x2e,
	DW_TAG_namespace = 0x39,
	DW_TAG_partial_unit = 0x3c,
};

/* Attributes (DWARF 5 table 7.5). */
enum {
	DW_AT_sibling = 0x01,
	DW_AT_name = 0x03,
	DW_AT_stmt_list = 0x10,
	DW_AT_low_pc = 0x11,
	DW_AT_high_pc = 0x12,
	DW_AT_abstract_origin = 0x31,
	DW_AT_specification = 0x47,
	DW_AT_ranges = 0x55,
	DW_AT_call_file = 0x58,
	DW_AT_call_line = 0x59,
	DW_AT_str_offsets_base = 0x72,
	DW_AT_addr_base = 0x73,
	DW_AT_rnglists_base = 0x74,
};

/* Unit types (DWARF 5 table 7.2). */
enum {
	DW_UT_compile = 0x01,
	DW_UT_partial = 0x03,
};

/* Range list entry kinds (DWARF 5 section 7.25). */
enum {
	DW_RLE_end_of_list = 0x00,
	DW_RLE_base_addressx = 0x01,
	DW_RLE_startx_endx = 0x02,
	DW_RLE_startx_length = 0x03,
	DW_RLE_offset_pair = 0x04,
	DW_RLE_base_address = 0x05,
	DW_RLE_start_end = 0x06,
	DW_RLE_start_length = 0x07,
};

#define MAX_INDEX_ENTRIES	(1UL << 20)
#define ABBREV_SLOTS		2048	/* codes below this are looked up directly */
#define MAX_DEPTH		128	/* DIE levels the walk descends into */
#define MAX_RANGE_ENTRIES	4096	/* per range list: corrupt lists end early */
#define MAX_NAME_HOPS		8	/* specification/abstract_origin links followed */
#define MAX_UNITS_TRIED		16	/* units whose ranges cover one address */
/* Code never starts this low: a range there is a discarded function's,
 * whose address the linker set to 0 (or 1 in .debug_ranges). */
#define MIN_CODE_ADDRESS	0x100

struct vmk_dwarf_unit_range {
	uint64_t lo, hi;
	uint64_t max_end;	/* max(hi) over this and all earlier entries */
	uint64_t unit_offset;
};

struct abbrev {
	uint64_t specs;		/* offset of the (name, form) pairs in .debug_abbrev */
	uint32_t tag;
	bool has_children;
	bool valid;
};

struct vmk_dwarf_abbrev_table {
	bool valid;
	uint64_t offset;	/* of the unit's declarations in .debug_abbrev */
	size_t used;		/* slots below this may be valid */
	struct abbrev slot[ABBREV_SLOTS];
};

/* One unit: its header, and the bases its DIE gives the others. */
struct unit {
	const uint8_t *start;	/* the unit header */
	const uint8_t *end;
	struct form_ctx form;
	uint64_t abbrev_offset;
	const uint8_t *first_die;
	uint64_t base;		/* DW_AT_low_pc of the unit DIE: base of its range lists */
	uint64_t addr_base, str_offsets_base, rnglists_base;
	bool have_addr_base, have_rnglists_base;
	bool have_stmt_list;
	uint64_t stmt_list;
};

/* An attribute value as read, resolved only when needed (bases come late). */
struct attr {
	bool present;
	uint64_t form;
	struct form_value v;
};

struct die {
	uint64_t tag;
	bool has_children;
	struct attr low_pc, high_pc, ranges, name;
	bool have_sibling, have_origin, have_spec;
	const uint8_t *sibling;
	uint64_t origin, spec;	/* offsets in .debug_info */
	bool have_call_file;
	uint64_t call_file, call_line;
	/* unit DIE only */
	struct attr stmt_list, addr_base, str_offsets_base, rnglists_base;
};

struct reader {
	const struct vmk_dwarf_sections *s;
	struct vmk_dwarf_info_cache *cache;
};

/* ---- abbreviations ---- */

static bool skip_specs(struct cursor *ab)
{
	for (;;) {
		uint64_t name = read_uleb(ab), form = read_uleb(ab);

		if (form == DW_FORM_implicit_const)
			read_sleb(ab);
		if (ab->bad)
			return false;
		if (name == 0 && form == 0)
			return true;
	}
}

/* Read the declaration at ab into a; false at the table's end or on bad data. */
static bool read_decl(struct cursor *ab, const uint8_t *section, uint64_t *code, struct abbrev *a)
{
	*code = read_uleb(ab);
	if (ab->bad || *code == 0)
		return false;
	uint64_t tag = read_uleb(ab);

	a->has_children = read_fixed(ab, 1) != 0;
	a->tag = tag <= 0xffff ? (uint32_t)tag : 0;
	a->specs = (uint64_t)(ab->pos - section);
	a->valid = true;
	return !ab->bad && skip_specs(ab);
}

static void fill_table(struct vmk_dwarf_abbrev_table *t, const struct vmk_dwarf_sections *s,
		       uint64_t offset)
{
	struct cursor ab = { s->debug_abbrev + offset, s->debug_abbrev + s->debug_abbrev_size,
			     false };
	uint64_t code;
	struct abbrev a;

	for (size_t i = 0; i < t->used; i++)
		t->slot[i].valid = false;
	t->used = 0;
	t->offset = offset;
	t->valid = true;
	while (read_decl(&ab, s->debug_abbrev, &code, &a)) {
		if (code < ABBREV_SLOTS && !t->slot[code].valid) {
			t->slot[code] = a;
			if (code >= t->used)
				t->used = code + 1;
		}
	}
}

/* The declaration of `code` in the table at `offset`. */
static bool find_abbrev(struct reader *r, uint64_t offset, uint64_t code, struct abbrev *out)
{
	const struct vmk_dwarf_sections *s = r->s;

	if (!s->debug_abbrev || offset >= s->debug_abbrev_size)
		return false;
	if (!r->cache->abbrevs) {
		void *mem = mmap(NULL, sizeof(struct vmk_dwarf_abbrev_table), PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (mem != MAP_FAILED)
			r->cache->abbrevs = mem;	/* zero: not valid yet */
	}

	struct vmk_dwarf_abbrev_table *t = r->cache->abbrevs;

	if (t && code < ABBREV_SLOTS) {
		if (!t->valid || t->offset != offset)
			fill_table(t, s, offset);
		*out = t->slot[code];
		return out->valid;
	}
	/* A large code, or no table: search the declarations one by one. */
	struct cursor ab = { s->debug_abbrev + offset, s->debug_abbrev + s->debug_abbrev_size,
			     false };
	uint64_t this_code;

	while (read_decl(&ab, s->debug_abbrev, &this_code, out))
		if (this_code == code)
			return true;
	return false;
}

/* ---- attribute values ---- */

static bool is_constant_form(uint64_t form)
{
	switch (form) {
	case DW_FORM_data1:
	case DW_FORM_data2:
	case DW_FORM_data4:
	case DW_FORM_data8:
	case DW_FORM_udata:
	case DW_FORM_sdata:
	case DW_FORM_implicit_const:
		return true;
	default:
		return false;
	}
}

/* A reference attribute as an offset in .debug_info; false if it points elsewhere. */
static bool ref_offset(const struct reader *r, const struct unit *u, const struct attr *a,
		       uint64_t *offset)
{
	uint64_t unit_offset = (uint64_t)(u->start - r->s->debug_info);

	switch (a->form) {
	case DW_FORM_ref1:
	case DW_FORM_ref2:
	case DW_FORM_ref4:
	case DW_FORM_ref8:
	case DW_FORM_ref_udata:
		if (a->v.u >= (uint64_t)(u->end - u->start))
			return false;
		*offset = unit_offset + a->v.u;
		return true;
	case DW_FORM_ref_addr:
		if (a->v.u >= r->s->debug_info_size)
			return false;
		*offset = a->v.u;
		return true;
	default:	/* type signatures, supplementary files */
		return false;
	}
}

/* Entry `index` of a table of `size`-byte values at `base` in a section. */
static bool table_entry(const uint8_t *section, size_t section_size, uint64_t base,
			uint64_t index, unsigned size, uint64_t *value)
{
	if (!section || size == 0 || size > 8 || base > section_size ||
	    index > (section_size - base) / size)
		return false;

	struct cursor c = { section + base + index * size, section + section_size, false };

	*value = read_fixed(&c, size);
	return !c.bad;
}

static bool resolve_addrx(const struct reader *r, const struct unit *u, uint64_t index,
			  uint64_t *addr)
{
	return u->have_addr_base &&
	       table_entry(r->s->debug_addr, r->s->debug_addr_size, u->addr_base, index,
			   u->form.address_size, addr);
}

static bool is_addrx_form(uint64_t form)
{
	return form == DW_FORM_addrx || form == DW_FORM_addrx1 || form == DW_FORM_addrx2 ||
	       form == DW_FORM_addrx3 || form == DW_FORM_addrx4;
}

/* An address-class attribute (DW_FORM_addr or an index into .debug_addr). */
static bool attr_address(const struct reader *r, const struct unit *u, const struct attr *a,
			 uint64_t *addr)
{
	if (a->form == DW_FORM_addr) {
		*addr = a->v.u;
		return true;
	}
	return is_addrx_form(a->form) && resolve_addrx(r, u, a->v.u, addr);
}

/* A string attribute, from wherever its form keeps it; NULL if unreachable. */
static const char *attr_string(const struct reader *r, const struct unit *u, const struct attr *a)
{
	if (!a->present)
		return NULL;
	if (a->v.str)
		return a->v.str;
	switch (a->form) {
	case DW_FORM_strx:
	case DW_FORM_strx1:
	case DW_FORM_strx2:
	case DW_FORM_strx3:
	case DW_FORM_strx4: {
		uint64_t offset;

		if (!table_entry(r->s->debug_str_offsets, r->s->debug_str_offsets_size,
				 u->str_offsets_base, a->v.u, u->form.offset_size, &offset))
			return NULL;
		/* .debug_str is trimmed to its last NUL by the caller. */
		return string_at(r->s->debug_str, r->s->debug_str_size, offset);
	}
	default:
		return NULL;
	}
}

/* ---- DIEs ---- */

static void keep(struct attr *a, uint64_t form, const struct form_value *v)
{
	a->present = true;
	a->form = form;
	a->v = *v;
}

/*
 * Read the DIE at c in unit u.  False on bad data; a null entry (end of
 * a sibling list) comes back with tag 0.
 */
static bool read_die(struct reader *r, const struct unit *u, struct cursor *c, struct die *d)
{
	uint64_t code = read_uleb(c);
	struct abbrev a;

	d->tag = 0;
	d->has_children = false;
	if (c->bad)
		return false;
	if (code == 0)
		return true;
	if (!find_abbrev(r, u->abbrev_offset, code, &a) || a.tag == 0)
		return false;
	*d = (struct die){ .tag = a.tag, .has_children = a.has_children };

	struct cursor ab = { r->s->debug_abbrev + a.specs, r->s->debug_abbrev + r->s->debug_abbrev_size,
			     false };

	for (;;) {
		uint64_t name = read_uleb(&ab), form = read_uleb(&ab);
		struct form_value v = { NULL, 0 };

		if (ab.bad)
			return false;
		if (name == 0 && form == 0)
			return true;
		if (form == DW_FORM_implicit_const)
			v.u = (uint64_t)read_sleb(&ab);
		else if (!read_form(c, form, &u->form, r->s, &v, 0))
			return false;

		struct attr tmp = { true, form, v };
		uint64_t offset;

		switch (name) {
		case DW_AT_low_pc:
			keep(&d->low_pc, form, &v);
			break;
		case DW_AT_high_pc:
			keep(&d->high_pc, form, &v);
			break;
		case DW_AT_ranges:
			keep(&d->ranges, form, &v);
			break;
		case DW_AT_name:
			keep(&d->name, form, &v);
			break;
		case DW_AT_sibling:
			if (ref_offset(r, u, &tmp, &offset)) {
				d->have_sibling = true;
				d->sibling = r->s->debug_info + offset;
			}
			break;
		case DW_AT_abstract_origin:
			d->have_origin = ref_offset(r, u, &tmp, &d->origin);
			break;
		case DW_AT_specification:
			d->have_spec = ref_offset(r, u, &tmp, &d->spec);
			break;
		case DW_AT_call_file:
			if (is_constant_form(form)) {
				d->have_call_file = true;
				d->call_file = v.u;
			}
			break;
		case DW_AT_call_line:
			if (is_constant_form(form))
				d->call_line = v.u;
			break;
		case DW_AT_stmt_list:
			keep(&d->stmt_list, form, &v);
			break;
		case DW_AT_addr_base:
			keep(&d->addr_base, form, &v);
			break;
		case DW_AT_str_offsets_base:
			keep(&d->str_offsets_base, form, &v);
			break;
		case DW_AT_rnglists_base:
			keep(&d->rnglists_base, form, &v);
			break;
		default:
			break;
		}
	}
}

/* ---- units ---- */

/*
 * The unit whose header is at `offset` in .debug_info, with the bases
 * from its DIE; *next_offset is where the next unit starts.  False for
 * units without code (type and split units) or bad data.
 */
static bool open_unit(struct reader *r, uint64_t offset, struct unit *u, uint64_t *next_offset,
		      struct die *unit_die)
{
	const struct vmk_dwarf_sections *s = r->s;
	struct cursor sec = { s->debug_info + offset, s->debug_info + s->debug_info_size, false };
	struct cursor c;

	*next_offset = s->debug_info_size;
	if (offset >= s->debug_info_size || !next_unit(&sec, &c, &u->form.offset_size))
		return false;
	*next_offset = (uint64_t)(sec.pos - s->debug_info);
	u->start = s->debug_info + offset;
	u->end = c.end;
	u->form.version = (unsigned)read_fixed(&c, 2);
	if (u->form.version < 2 || u->form.version > 5)
		return false;
	if (u->form.version >= 5) {
		unsigned unit_type = (unsigned)read_fixed(&c, 1);

		u->form.address_size = (unsigned)read_fixed(&c, 1);
		u->abbrev_offset = read_fixed(&c, u->form.offset_size);
		if (unit_type != DW_UT_compile && unit_type != DW_UT_partial)
			return false;
	} else {
		u->abbrev_offset = read_fixed(&c, u->form.offset_size);
		u->form.address_size = (unsigned)read_fixed(&c, 1);
	}
	if (c.bad || u->form.address_size == 0 || u->form.address_size > 8)
		return false;

	if (!read_die(r, u, &c, unit_die) ||
	    (unit_die->tag != DW_TAG_compile_unit && unit_die->tag != DW_TAG_partial_unit))
		return false;
	u->first_die = unit_die->has_children ? c.pos : c.end;

	/* The bases may come after the attributes that need them: resolve now. */
	u->have_addr_base = unit_die->addr_base.present;
	u->addr_base = unit_die->addr_base.v.u;
	/* Without DW_AT_str_offsets_base, the first table's entries (after its header). */
	u->str_offsets_base = unit_die->str_offsets_base.present ? unit_die->str_offsets_base.v.u :
				u->form.offset_size == 8 ? 16 : 8;
	u->have_rnglists_base = unit_die->rnglists_base.present;
	u->rnglists_base = unit_die->rnglists_base.v.u;
	u->have_stmt_list = unit_die->stmt_list.present && !unit_die->stmt_list.v.str;
	u->stmt_list = unit_die->stmt_list.v.u;
	u->base = 0;
	if (unit_die->low_pc.present && !attr_address(r, u, &unit_die->low_pc, &u->base))
		u->base = 0;
	return true;
}

/* ---- code ranges ---- */

typedef bool (*range_fn)(void *arg, uint64_t lo, uint64_t hi);

static bool usable_range(uint64_t lo, uint64_t hi)
{
	return lo < hi && lo >= MIN_CODE_ADDRESS;
}

/* DWARF 5 .debug_rnglists list at `offset`; fn returns true to stop. */
static bool walk_rnglist(const struct reader *r, const struct unit *u, uint64_t offset,
			 range_fn fn, void *arg)
{
	const struct vmk_dwarf_sections *s = r->s;

	if (!s->debug_rnglists || offset >= s->debug_rnglists_size)
		return false;

	struct cursor c = { s->debug_rnglists + offset, s->debug_rnglists + s->debug_rnglists_size,
			    false };
	unsigned asize = u->form.address_size;
	uint64_t base = u->base;

	for (int n = 0; n < MAX_RANGE_ENTRIES && !c.bad; n++) {
		uint64_t lo, hi, a, b;
		bool ok = true;

		switch (read_fixed(&c, 1)) {
		case DW_RLE_end_of_list:
			return false;
		case DW_RLE_base_addressx:
			if (!resolve_addrx(r, u, read_uleb(&c), &base))
				return false;
			continue;
		case DW_RLE_startx_endx:
			a = read_uleb(&c);
			b = read_uleb(&c);
			ok = resolve_addrx(r, u, a, &lo) && resolve_addrx(r, u, b, &hi);
			break;
		case DW_RLE_startx_length:
			a = read_uleb(&c);
			ok = resolve_addrx(r, u, a, &lo);
			hi = lo + read_uleb(&c);
			break;
		case DW_RLE_offset_pair:
			lo = base + read_uleb(&c);
			hi = base + read_uleb(&c);
			break;
		case DW_RLE_base_address:
			base = read_fixed(&c, asize);
			continue;
		case DW_RLE_start_end:
			lo = read_fixed(&c, asize);
			hi = read_fixed(&c, asize);
			break;
		case DW_RLE_start_length:
			lo = read_fixed(&c, asize);
			hi = lo + read_uleb(&c);
			break;
		default:
			return false;	/* unknown entry: its size is unknown too */
		}
		if (c.bad)
			return false;
		if (ok && usable_range(lo, hi) && fn(arg, lo, hi))
			return true;
	}
	return false;
}

/* DWARF 2-4 .debug_ranges list at `offset`. */
static bool walk_ranges(const struct reader *r, const struct unit *u, uint64_t offset,
			range_fn fn, void *arg)
{
	const struct vmk_dwarf_sections *s = r->s;

	if (!s->debug_ranges || offset >= s->debug_ranges_size)
		return false;

	struct cursor c = { s->debug_ranges + offset, s->debug_ranges + s->debug_ranges_size, false };
	unsigned asize = u->form.address_size;
	uint64_t all_ones = asize == 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * asize)) - 1;
	uint64_t base = u->base;

	for (int n = 0; n < MAX_RANGE_ENTRIES; n++) {
		uint64_t a = read_fixed(&c, asize), b = read_fixed(&c, asize);

		if (c.bad || (a == 0 && b == 0))
			return false;
		if (a == all_ones) {
			base = b;	/* base address selection entry */
			continue;
		}
		if (usable_range(base + a, base + b) && fn(arg, base + a, base + b))
			return true;
	}
	return false;
}

/*
 * Call fn for each code range of d.  Returns -1 when d has no code
 * address attributes at all, else whether fn stopped the walk.
 */
static int walk_die_ranges(const struct reader *r, const struct unit *u, const struct die *d,
			   range_fn fn, void *arg)
{
	if (d->ranges.present) {
		uint64_t offset = d->ranges.v.u;

		if (d->ranges.form == DW_FORM_rnglistx) {
			uint64_t rel;

			if (!u->have_rnglists_base ||
			    !table_entry(r->s->debug_rnglists, r->s->debug_rnglists_size,
					 u->rnglists_base, d->ranges.v.u, u->form.offset_size, &rel))
				return 0;
			offset = u->rnglists_base + rel;
		} else if (d->ranges.v.str) {
			return 0;
		}
		return u->form.version >= 5 ? walk_rnglist(r, u, offset, fn, arg) :
					      walk_ranges(r, u, offset, fn, arg);
	}
	if (!d->low_pc.present)
		return -1;

	uint64_t lo, hi;

	if (!attr_address(r, u, &d->low_pc, &lo) || !d->high_pc.present)
		return 0;	/* a single address covers no range */
	if (is_constant_form(d->high_pc.form))
		hi = lo + d->high_pc.v.u;
	else if (!attr_address(r, u, &d->high_pc, &hi))
		return 0;
	return usable_range(lo, hi) && fn(arg, lo, hi);
}

static bool range_contains(void *arg, uint64_t lo, uint64_t hi)
{
	uint64_t addr = *(const uint64_t *)arg;

	return lo <= addr && addr < hi;
}

/* -1: no code address attributes; 0: does not contain addr; 1: contains it. */
static int die_contains(const struct reader *r, const struct unit *u, const struct die *d,
			uint64_t addr)
{
	return walk_die_ranges(r, u, d, range_contains, &addr);
}

/* ---- the unit index ---- */

struct index_fill {
	struct vmk_dwarf_unit_range *v;	/* NULL: only count */
	size_t n;
	size_t max;
	uint64_t unit_offset;
};

static bool add_range(void *arg, uint64_t lo, uint64_t hi)
{
	struct index_fill *f = arg;

	if (f->n >= f->max)
		return true;	/* full: stop */
	if (f->v)
		f->v[f->n] = (struct vmk_dwarf_unit_range){ lo, hi, 0, f->unit_offset };
	f->n++;
	return false;
}

static void index_units(struct reader *r, struct index_fill *f)
{
	uint64_t offset = 0, next;

	while (offset < r->s->debug_info_size && f->n < f->max) {
		struct unit u;
		struct die unit_die;

		if (open_unit(r, offset, &u, &next, &unit_die)) {
			f->unit_offset = offset;
			walk_die_ranges(r, &u, &unit_die, add_range, f);
		}
		if (next <= offset)
			break;
		offset = next;
	}
}

static void swap_ranges(struct vmk_dwarf_unit_range *a, struct vmk_dwarf_unit_range *b)
{
	struct vmk_dwarf_unit_range t = *a;

	*a = *b;
	*b = t;
}

/* Heapsort by lo: in place, and no qsort (glibc's may malloc). */
static void sort_ranges(struct vmk_dwarf_unit_range *v, size_t n)
{
	for (size_t start = n / 2, end = n; end > 1;) {
		size_t root;

		if (start > 0) {
			root = --start;
		} else {
			swap_ranges(&v[0], &v[--end]);
			root = 0;
		}
		for (;;) {
			size_t child = 2 * root + 1;

			if (child >= end)
				break;
			if (child + 1 < end && v[child].lo < v[child + 1].lo)
				child++;
			if (v[root].lo >= v[child].lo)
				break;
			swap_ranges(&v[root], &v[child]);
			root = child;
		}
	}
}

static void build_index(struct reader *r)
{
	struct vmk_dwarf_info_cache *cache = r->cache;
	struct index_fill f = { NULL, 0, MAX_INDEX_ENTRIES + 1, 0 };

	cache->built = true;
	index_units(r, &f);
	if (f.n == 0 || f.n > MAX_INDEX_ENTRIES)
		return;	/* nothing to index, or too much: no inlined frames */

	size_t count = f.n;
	size_t bytes = (count * sizeof(struct vmk_dwarf_unit_range) + 4095) & ~(size_t)4095;
	void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (mem == MAP_FAILED)
		return;
	f = (struct index_fill){ mem, 0, count, 0 };
	index_units(r, &f);
	sort_ranges(f.v, f.n);

	uint64_t max_end = 0;

	for (size_t i = 0; i < f.n; i++) {
		if (f.v[i].hi > max_end)
			max_end = f.v[i].hi;
		f.v[i].max_end = max_end;
	}
	cache->ranges = f.v;
	cache->count = f.n;
	cache->bytes = bytes;
}

/* ---- the walk ---- */

/* Skip the children of d, whose first child is at c. */
static bool skip_children(struct reader *r, const struct unit *u, struct cursor *c,
			  const struct die *d)
{
	if (d->have_sibling && d->sibling > c->pos && d->sibling <= u->end) {
		c->pos = d->sibling;
		return true;
	}
	for (uint64_t level = 1; level > 0;) {
		struct die child;

		if (c->pos >= c->end || !read_die(r, u, c, &child))
			return false;
		if (child.tag == 0)
			level--;
		else if (child.has_children)
			level++;
	}
	return true;
}

/* The inlined subroutines on the way, outermost first, while walking. */
struct walk {
	uint64_t addr;
	unsigned count;
	bool too_deep;
	struct die_ref {
		bool have_origin;
		uint64_t origin;
		struct attr name;
		bool have_call_file;
		uint64_t call_file, call_line;
	} frames[VMK_DWARF_MAX_CHAIN];
};

static bool is_code_tag(uint64_t tag)
{
	return tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine ||
	       tag == DW_TAG_lexical_block;
}

/*
 * Walk unit u for w->addr.  True once a DIE containing it was found and
 * its children were searched (the chain in w is then complete).
 */
static bool walk_unit(struct reader *r, const struct unit *u, struct walk *w)
{
	/* Per entered level: entered through a DIE containing addr (1) or a container without code (0). */
	uint8_t through_code[MAX_DEPTH];
	unsigned depth = 0;
	bool found = false;
	struct cursor c = { u->first_die, u->end, false };

	while (c.pos < c.end) {
		struct die d;

		if (!read_die(r, u, &c, &d))
			return false;
		if (d.tag == 0) {
			if (depth == 0)
				return false;	/* the unit's children ended */
			if (through_code[--depth])
				return true;	/* no child of the innermost DIE contains addr */
			continue;
		}

		int contains = is_code_tag(d.tag) ? die_contains(r, u, &d, w->addr) : -1;

		if (contains == 1) {
			found = true;
			if (d.tag == DW_TAG_inlined_subroutine) {
				if (w->count == VMK_DWARF_MAX_CHAIN) {
					w->too_deep = true;
					return true;
				}
				w->frames[w->count++] = (struct die_ref){
					d.have_origin, d.origin, d.name, d.have_call_file, d.call_file,
					d.call_line };
			}
			if (!d.has_children)
				return true;
			if (depth == MAX_DEPTH) {
				w->too_deep = true;
				return true;
			}
			through_code[depth++] = 1;
			continue;
		}
		/*
		 * Look inside namespaces (C++ functions are defined there) and
		 * inside lexical blocks that have no code ranges of their own
		 * within a function that contains addr.
		 */
		if (d.has_children && depth < MAX_DEPTH &&
		    (d.tag == DW_TAG_namespace || (d.tag == DW_TAG_lexical_block && contains == -1 && found))) {
			through_code[depth++] = 0;
			continue;
		}
		if (d.has_children && !skip_children(r, u, &c, &d))
			return false;
	}
	return found;
}

/* ---- names ---- */

/* The unit holding a DIE offset; a scan over the unit headers. */
static bool unit_of(struct reader *r, uint64_t die_offset, struct unit *u)
{
	uint64_t offset = 0, next;

	while (offset < r->s->debug_info_size) {
		struct die unit_die;
		bool ok = open_unit(r, offset, u, &next, &unit_die);

		if (next <= offset)
			return false;
		if (die_offset < next)
			return ok && die_offset >= (uint64_t)(u->first_die - r->s->debug_info);
		offset = next;
	}
	return false;
}

/* DW_AT_name of the DIE at `offset`, or of what its specification/origin points at. */
static const char *die_name(struct reader *r, const struct unit *current, uint64_t offset)
{
	struct unit other;
	const struct unit *u = current;

	for (int hop = 0; hop < MAX_NAME_HOPS; hop++) {
		const uint8_t *p = r->s->debug_info + offset;

		if (p < u->first_die || p >= u->end) {
			if (!unit_of(r, offset, &other))
				return NULL;
			u = &other;
		}

		struct cursor c = { p, u->end, false };
		struct die d;

		if (!read_die(r, u, &c, &d) || d.tag == 0)
			return NULL;

		const char *name = attr_string(r, u, &d.name);

		if (name)
			return name;
		if (d.have_spec)
			offset = d.spec;
		else if (d.have_origin)
			offset = d.origin;
		else
			return NULL;
	}
	return NULL;
}

/* ---- entry points ---- */

static bool lookup_unit(struct reader *r, uint64_t unit_offset, uint64_t addr,
			struct vmk_dwarf_inline_chain *out, struct walk *w)
{
	struct unit u;
	struct die unit_die;
	uint64_t next;

	if (!open_unit(r, unit_offset, &u, &next, &unit_die))
		return false;
	w->addr = addr;
	w->count = 0;
	w->too_deep = false;
	if (!walk_unit(r, &u, w))
		return false;
	if (w->too_deep)
		return true;	/* a chain we cannot hold entirely: count stays 0 */

	out->have_line_offset = u.have_stmt_list;
	out->line_offset = u.stmt_list;
	for (unsigned i = 0; i < w->count; i++) {
		const struct die_ref *f = &w->frames[w->count - 1 - i];
		struct vmk_dwarf_inlined *o = &out->frames[i];

		o->name = attr_string(r, &u, &f->name);
		if (!o->name && f->have_origin)
			o->name = die_name(r, &u, f->origin);
		o->have_call_file = f->have_call_file;
		o->call_file = f->call_file;
		o->call_line = f->call_line <= 0xffffffffu ? (unsigned)f->call_line : 0;
	}
	out->count = w->count;
	return true;
}

bool vmk_dwarf_find_inlined(const struct vmk_dwarf_sections *given, struct vmk_dwarf_info_cache *cache,
			    uint64_t addr, struct vmk_dwarf_inline_chain *out)
{
	out->count = 0;
	out->have_line_offset = false;
	if (!given || !given->debug_info || !given->debug_abbrev)
		return false;

	struct vmk_dwarf_sections trimmed = *given;
	struct reader r = { &trimmed, cache };
	static struct walk w;	/* callers serialize; keeps the chain off small stacks */

	trim_to_last_nul(&trimmed.debug_str, &trimmed.debug_str_size);
	trim_to_last_nul(&trimmed.debug_line_str, &trimmed.debug_line_str_size);
	if (!cache->built)
		build_index(&r);
	if (!cache->ranges)
		return false;

	const struct vmk_dwarf_unit_range *v = cache->ranges;
	size_t lo = 0, hi = cache->count;

	/* First entry starting after addr; earlier ones may still reach it. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}

	unsigned tried = 0;
	uint64_t last_unit = ~(uint64_t)0;

	for (size_t j = lo; j-- > 0 && tried < MAX_UNITS_TRIED;) {
		if (v[j].max_end <= addr)
			break;
		if (!(v[j].lo <= addr && addr < v[j].hi) || v[j].unit_offset == last_unit)
			continue;
		last_unit = v[j].unit_offset;
		tried++;
		if (lookup_unit(&r, v[j].unit_offset, addr, out, &w))
			return true;
	}
	return false;
}

void vmk_dwarf_info_release(struct vmk_dwarf_info_cache *cache)
{
	if (cache->ranges)
		munmap(cache->ranges, cache->bytes);
	if (cache->abbrevs)
		munmap(cache->abbrevs, sizeof(struct vmk_dwarf_abbrev_table));
	*cache = (struct vmk_dwarf_info_cache){ 0 };
}
