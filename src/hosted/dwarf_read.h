/* SPDX-License-Identifier: MIT */
/*
 * Bounded readers of DWARF data, shared by the line-table reader
 * (dwarf_line.c) and the debug-info reader (dwarf_info.c).
 *
 * Format facts (DWARF 5 standard): section 7.2.2 (initial length, 32- and
 * 64-bit DWARF), 7.5.5/7.5.6 and table 7.6 (form encodings and the sizes
 * of their values), 7.6 (LEB128).  Every read is bounds-checked: past the
 * end a cursor goes `bad` and reads return 0/NULL, so corrupt data gives
 * "not found", never a crash.
 */
#ifndef VMKASAN_HOSTED_DWARF_READ_H
#define VMKASAN_HOSTED_DWARF_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dwarf_line.h"	/* struct vmk_dwarf_sections */

/* Attribute form encodings (DWARF 5 table 7.6, plus two GNU ones). */
enum {
	DW_FORM_addr = 0x01,
	DW_FORM_block2 = 0x03,
	DW_FORM_block4 = 0x04,
	DW_FORM_data2 = 0x05,
	DW_FORM_data4 = 0x06,
	DW_FORM_data8 = 0x07,
	DW_FORM_string = 0x08,
	DW_FORM_block = 0x09,
	DW_FORM_block1 = 0x0a,
	DW_FORM_data1 = 0x0b,
	DW_FORM_flag = 0x0c,
	DW_FORM_sdata = 0x0d,
	DW_FORM_strp = 0x0e,
	DW_FORM_udata = 0x0f,
	DW_FORM_ref_addr = 0x10,
	DW_FORM_ref1 = 0x11,
	DW_FORM_ref2 = 0x12,
	DW_FORM_ref4 = 0x13,
	DW_FORM_ref8 = 0x14,
	DW_FORM_ref_udata = 0x15,
	DW_FORM_indirect = 0x16,
	DW_FORM_sec_offset = 0x17,
	DW_FORM_exprloc = 0x18,
	DW_FORM_flag_present = 0x19,
	DW_FORM_strx = 0x1a,
	DW_FORM_addrx = 0x1b,
	DW_FORM_ref_sup4 = 0x1c,
	DW_FORM_strp_sup = 0x1d,
	DW_FORM_data16 = 0x1e,
	DW_FORM_line_strp = 0x1f,
	DW_FORM_ref_sig8 = 0x20,
	DW_FORM_implicit_const = 0x21,	/* value lives in the abbreviation */
	DW_FORM_loclistx = 0x22,
	DW_FORM_rnglistx = 0x23,
	DW_FORM_ref_sup8 = 0x24,
	DW_FORM_strx1 = 0x25,
	DW_FORM_strx2 = 0x26,
	DW_FORM_strx3 = 0x27,
	DW_FORM_strx4 = 0x28,
	DW_FORM_addrx1 = 0x29,
	DW_FORM_addrx2 = 0x2a,
	DW_FORM_addrx3 = 0x2b,
	DW_FORM_addrx4 = 0x2c,
	DW_FORM_GNU_ref_alt = 0x1f20,	/* offset into a supplementary file */
	DW_FORM_GNU_strp_alt = 0x1f21,
};

/*
 * A bounded reader.  Any read past the end sets `bad`, parks the cursor
 * at the end and returns 0/NULL, so callers can read a whole record and
 * check `bad` once.
 */
struct cursor {
	const uint8_t *pos;
	const uint8_t *end;
	bool bad;
};

static inline size_t remaining(const struct cursor *c)
{
	return (size_t)(c->end - c->pos);
}

static inline void fail(struct cursor *c)
{
	c->bad = true;
	c->pos = c->end;
}

static inline bool skip(struct cursor *c, uint64_t n)
{
	if (n > remaining(c)) {
		fail(c);
		return false;
	}
	c->pos += n;
	return true;
}

/* Little-endian unsigned integer of 1..8 bytes (x86-64 DWARF is LE). */
static inline uint64_t read_fixed(struct cursor *c, unsigned size)
{
	uint64_t value = 0;

	if (size > 8 || size > remaining(c)) {
		fail(c);
		return 0;
	}
	for (unsigned i = 0; i < size; i++)
		value |= (uint64_t)c->pos[i] << (8 * i);
	c->pos += size;
	return value;
}

/* LEB128 (DWARF 5 section 7.6); bits beyond 64 are dropped. */
static inline uint64_t read_uleb(struct cursor *c)
{
	uint64_t value = 0;
	unsigned shift = 0;

	while (c->pos < c->end) {
		uint8_t byte = *c->pos++;

		if (shift < 64)
			value |= (uint64_t)(byte & 0x7f) << shift;
		shift += 7;
		if (!(byte & 0x80))
			return value;
	}
	fail(c);
	return 0;
}

static inline int64_t read_sleb(struct cursor *c)
{
	uint64_t value = 0;
	unsigned shift = 0;

	while (c->pos < c->end) {
		uint8_t byte = *c->pos++;

		if (shift < 64)
			value |= (uint64_t)(byte & 0x7f) << shift;
		shift += 7;
		if (!(byte & 0x80)) {
			if (shift < 64 && (byte & 0x40))
				value |= ~(uint64_t)0 << shift;
			return (int64_t)value;
		}
	}
	fail(c);
	return 0;
}

/* An inline NUL-terminated string; fails if the NUL is missing. */
static inline const char *read_cstr(struct cursor *c)
{
	for (const uint8_t *p = c->pos; p < c->end; p++) {
		if (*p == 0) {
			const char *s = (const char *)c->pos;

			c->pos = p + 1;
			return s;
		}
	}
	fail(c);
	return NULL;
}

/*
 * Shorten a string section to end at its last NUL, so that any offset
 * below the new size starts a terminated string: string_at is then O(1)
 * even when corrupt data points many times into an unterminated tail.
 */
static inline void trim_to_last_nul(const uint8_t **section, size_t *size)
{
	while (*size > 0 && (*section)[*size - 1] != 0)
		(*size)--;
	if (*size == 0)
		*section = NULL;
}

/* A string at `offset` in a trimmed string section, or NULL if out of bounds. */
static inline const char *string_at(const uint8_t *section, size_t size, uint64_t offset)
{
	if (!section || offset >= size)
		return NULL;
	return (const char *)section + offset;
}

/* What the size of a form's value depends on. */
struct form_ctx {
	unsigned version;
	unsigned offset_size;		/* 4: 32-bit DWARF, 8: 64-bit DWARF */
	unsigned address_size;		/* 0 if the header does not say */
};

/*
 * Split the unit at `sec` off into `unit` (DWARF 5 section 7.2.2 initial
 * length) and advance `sec` past it.  False if the length is unusable,
 * so nothing after it can be located either.
 */
static inline bool next_unit(struct cursor *sec, struct cursor *unit, unsigned *offset_size)
{
	uint64_t unit_length = read_fixed(sec, 4);

	*offset_size = 4;
	if (unit_length == 0xffffffff) {
		unit_length = read_fixed(sec, 8);
		*offset_size = 8;
	} else if (unit_length >= 0xfffffff0) {
		return false;
	}
	if (sec->bad)
		return false;
	/* A truncated last unit: use what is there, bounds checks do the rest. */
	if (unit_length > remaining(sec))
		unit_length = remaining(sec);
	*unit = (struct cursor){ sec->pos, sec->pos + unit_length, false };
	sec->pos += unit_length;
	return true;
}


/*
 * One attribute value (of a v5 directory/file entry, or of a DIE).  Only
 * strings we can resolve and unsigned constants are reported; anything
 * else is skipped.
 */
struct form_value {
	const char *str;
	uint64_t u;
};

static inline bool read_form(struct cursor *c, uint64_t form, const struct form_ctx *h,
		      const struct vmk_dwarf_sections *s, struct form_value *v, int depth)
{
	v->str = NULL;
	v->u = 0;
	switch (form) {
	case DW_FORM_string:
		v->str = read_cstr(c);
		break;
	case DW_FORM_line_strp:
		v->str = string_at(s->debug_line_str, s->debug_line_str_size,
				   read_fixed(c, h->offset_size));
		break;
	case DW_FORM_strp:
		v->str = string_at(s->debug_str, s->debug_str_size, read_fixed(c, h->offset_size));
		break;
	case DW_FORM_ref_addr:
		/* DWARF 2 made it address-sized, later versions offset-sized (7.5.4). */
		if (h->version == 2) {
			if (h->address_size == 0 || h->address_size > 8)
				return false;
			v->u = read_fixed(c, h->address_size);
			break;
		}
		/* fall through */
	case DW_FORM_strp_sup:
	case DW_FORM_GNU_strp_alt:
	case DW_FORM_GNU_ref_alt:
	case DW_FORM_sec_offset:
		/* Offsets into sections or files we do not have here. */
		v->u = read_fixed(c, h->offset_size);
		break;
	case DW_FORM_udata:
	case DW_FORM_ref_udata:
	case DW_FORM_strx:	/* needs .debug_str_offsets and the CU's base: unresolvable */
	case DW_FORM_addrx:
	case DW_FORM_loclistx:
	case DW_FORM_rnglistx:
		v->u = read_uleb(c);
		break;
	case DW_FORM_sdata:
		v->u = (uint64_t)read_sleb(c);
		break;
	case DW_FORM_data1:
	case DW_FORM_ref1:
	case DW_FORM_flag:
	case DW_FORM_strx1:
	case DW_FORM_addrx1:
		v->u = read_fixed(c, 1);
		break;
	case DW_FORM_data2:
	case DW_FORM_ref2:
	case DW_FORM_strx2:
	case DW_FORM_addrx2:
		v->u = read_fixed(c, 2);
		break;
	case DW_FORM_strx3:
	case DW_FORM_addrx3:
		v->u = read_fixed(c, 3);
		break;
	case DW_FORM_data4:
	case DW_FORM_ref4:
	case DW_FORM_ref_sup4:
	case DW_FORM_strx4:
	case DW_FORM_addrx4:
		v->u = read_fixed(c, 4);
		break;
	case DW_FORM_data8:
	case DW_FORM_ref8:
	case DW_FORM_ref_sig8:
	case DW_FORM_ref_sup8:
		v->u = read_fixed(c, 8);
		break;
	case DW_FORM_data16:	/* e.g. DW_LNCT_MD5 */
		skip(c, 16);
		break;
	case DW_FORM_block:
	case DW_FORM_exprloc:
		skip(c, read_uleb(c));
		break;
	case DW_FORM_block1:
		skip(c, read_fixed(c, 1));
		break;
	case DW_FORM_block2:
		skip(c, read_fixed(c, 2));
		break;
	case DW_FORM_block4:
		skip(c, read_fixed(c, 4));
		break;
	case DW_FORM_addr:
		if (h->address_size == 0 || h->address_size > 8)
			return false;
		v->u = read_fixed(c, h->address_size);
		break;
	case DW_FORM_flag_present:
		v->u = 1;
		break;
	case DW_FORM_indirect:
		/* The form is in the data; one level is all that makes sense. */
		if (depth > 0)
			return false;
		return read_form(c, read_uleb(c), h, s, v, depth + 1);
	default:
		/* Unknown size: the rest of the table cannot be parsed. */
		return false;
	}
	return !c->bad;
}

#endif /* VMKASAN_HOSTED_DWARF_READ_H */
