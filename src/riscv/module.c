// SPDX-License-Identifier: MIT
/*
 * RISC-V64 module relocations and the image's symbols for the module
 * loader (src/module/main.c), as Linux's arch/riscv/kernel/module.c and
 * module-sections.c are for kernel/module/main.c: the relocation types,
 * their instruction encodings (RISC-V ELF psABI), the pairing of a
 * %pcrel_lo12 with the %pcrel_hi20 / %got_pcrel_hi20 at the label it
 * names, and the messages are Linux 6.12's.  The vmalloc space
 * (0x10_0000_0000) is far beyond the ±2 GiB an auipc pair reaches from
 * the image (0x8000_0000): as Linux with CONFIG_MODULE_SECTIONS, a call
 * that cannot reach goes through a PLT entry and a GOT reference
 * (modules are built -fPIC, so the image's data is reached through the
 * GOT) through a GOT entry, both in the module's text; every offset is
 * checked, so an overflow is an error, never a wrap.
 *
 * Also here: the files vmkasan-qemu --module=foo.ko hands the guest
 * (init.c reserves them), found by name for vmkasan_load_module().
 */
#include "riscv.h"

#define R_RISCV_NONE		0
#define R_RISCV_32		1
#define R_RISCV_64		2
#define R_RISCV_RELATIVE	3
#define R_RISCV_TLS_TPREL64	11
#define R_RISCV_BRANCH		16
#define R_RISCV_JAL		17
#define R_RISCV_CALL		18
#define R_RISCV_CALL_PLT	19
#define R_RISCV_GOT_HI20	20
#define R_RISCV_TLS_GOT_HI20	21
#define R_RISCV_TLS_GD_HI20	22
#define R_RISCV_PCREL_HI20	23
#define R_RISCV_PCREL_LO12_I	24
#define R_RISCV_PCREL_LO12_S	25
#define R_RISCV_HI20		26
#define R_RISCV_LO12_I		27
#define R_RISCV_LO12_S		28
#define R_RISCV_TPREL_HI20	29
#define R_RISCV_TPREL_ADD	32
#define R_RISCV_ADD8		33
#define R_RISCV_ADD16		34
#define R_RISCV_ADD32		35
#define R_RISCV_ADD64		36
#define R_RISCV_SUB8		37
#define R_RISCV_SUB16		38
#define R_RISCV_SUB32		39
#define R_RISCV_SUB64		40
#define R_RISCV_ALIGN		43
#define R_RISCV_RVC_BRANCH	44
#define R_RISCV_RVC_JUMP	45
#define R_RISCV_RELAX		51
#define R_RISCV_SUB6		52
#define R_RISCV_SET6		53
#define R_RISCV_SET8		54
#define R_RISCV_SET16		55
#define R_RISCV_SET32		56
#define R_RISCV_32_PCREL	57
#define R_RISCV_IRELATIVE	58
#define R_RISCV_PLT32		59
#define R_RISCV_SET_ULEB128	60
#define R_RISCV_SUB_ULEB128	61

#define ENOENT	2
#define EINVAL	22

/*
 * One entry serves as PLT entry and GOT entry alike (the GOT slot is the
 * PLT entry's own): auipc t0, %hi(slot); ld t1, %lo(slot)(t0); jr t1;
 * then the 8-byte slot.  t0 and t1 are the registers Linux's PLT uses
 * (asm/module.h): temporaries a call may clobber.  Entries are shared by
 * target, as Linux's get_plt_entry()/get_got_entry() share them.
 */
struct rv_plt {
	uint32_t auipc, ld, jr, pad;
	uint64_t slot;
};
#define OPC_AUIPC	0x17
#define OPC_LD		0x3003
#define OPC_JALR	0x67
#define REG_T0		5
#define REG_T1		6

/* ---- the image's symbols (tools/riscv/kallsyms.sh) ---- */

struct rv_ksym {
	uint64_t addr, size;
	uint32_t name, flags;	/* name: offset into rv_kallsyms_names */
};
#define KSYM_GLOBAL	2
extern const uint64_t rv_kallsyms_count;
extern const struct rv_ksym rv_kallsyms[];
extern const char rv_kallsyms_names[];

/* The exported symbol table is the image's global symbols of default
 * visibility (kallsyms.sh): the runtime's API (what the hosted port
 * exports, vmkasan.dynlist: the runtime is built -fvisibility=hidden),
 * the guest's C library (as glibc is exported on the host) and the
 * program's own globals.  No thread-local storage in the guest. */
uintptr_t plat_module_kernel_symbol(const char *name, bool tls)
{
	if (tls)
		return 0;
	for (uint64_t i = 0; i < rv_kallsyms_count; i++)
		if ((rv_kallsyms[i].flags & KSYM_GLOBAL) &&
		    !kasan_strcmp(rv_kallsyms_names + rv_kallsyms[i].name, name))
			return rv_kallsyms[i].addr;
	return 0;
}

/* Linux's count_max_entries(): at most one entry per relocation that may
 * need one. */
size_t plat_module_plt_size(const Elf64_Rela *rela, unsigned long n)
{
	size_t size = 0;

	for (unsigned long i = 0; i < n; i++) {
		switch (ELF64_R_TYPE(rela[i].r_info)) {
		case R_RISCV_CALL_PLT:
		case R_RISCV_PLT32:
		case R_RISCV_GOT_HI20:
			size += sizeof(struct rv_plt);
			break;
		}
	}
	return size;
}

/* The auipc pair reaches [-2^31 - 2^11, 2^31 - 2^11) (Linux's
 * riscv_insn_valid_32bit_offset()). */
static bool fits_pair(int64_t off)
{
	return off >= -(1LL << 31) - (1LL << 11) && off < (1LL << 31) - (1LL << 11);
}

static uint32_t hi20(int64_t off)
{
	return (uint32_t)(off + 0x800) & 0xfffff000u;
}

static uint32_t lo12(int64_t off)
{
	return (uint32_t)(off - (int32_t)hi20(off)) & 0xfff;
}

/* Instructions are 16-bit aligned (C extension): two parcels. */
static void insn_rmw(uintptr_t loc, uint32_t keep, uint32_t set)
{
	uint16_t *p = (uint16_t *)loc;
	uint32_t insn = (uint32_t)p[0] | (uint32_t)p[1] << 16;

	insn = (insn & keep) | set;
	p[0] = (uint16_t)insn;
	p[1] = (uint16_t)(insn >> 16);
}

static void rvc_rmw(uintptr_t loc, uint16_t keep, uint16_t set)
{
	uint16_t *p = (uint16_t *)loc;

	*p = (uint16_t)((*p & keep) | set);
}

/* The entry for target in [start, *next), or a new one; 0 if full. */
static uintptr_t plt_entry(uintptr_t start, uintptr_t *next, uintptr_t end, uint64_t target)
{
	struct rv_plt *e;
	int64_t off;

	for (uintptr_t a = start; a < *next; a += sizeof(*e))
		if (((struct rv_plt *)a)->slot == target)
			return a;
	if (*next + sizeof(*e) > end)
		return 0;
	e = (struct rv_plt *)*next;
	off = (int64_t)offsetof(struct rv_plt, slot);
	e->auipc = OPC_AUIPC | REG_T0 << 7 | hi20(off);
	e->ld = OPC_LD | lo12(off) << 20 | REG_T0 << 15 | REG_T1 << 7;
	e->jr = OPC_JALR | REG_T1 << 15;
	e->pad = 0;
	e->slot = target;
	*next += sizeof(*e);
	return (uintptr_t)e;
}

static int unreachable(const char *mod, uint64_t v, uintptr_t loc)
{
	kasan_printf("%s: target %016lx can not be addressed by the 32-bit offset from PC = %p\n",
		     mod, (unsigned long)v, (void *)loc);
	return -EINVAL;
}

/* The bytes a relocation writes at its place (0: none), to check that
 * they lie in the section. */
static size_t reloc_size(unsigned type)
{
	switch (type) {
	case R_RISCV_64: case R_RISCV_ADD64: case R_RISCV_SUB64: case R_RISCV_CALL:
	case R_RISCV_CALL_PLT:
		return 8;
	case R_RISCV_ADD16: case R_RISCV_SUB16: case R_RISCV_SET16: case R_RISCV_RVC_BRANCH:
	case R_RISCV_RVC_JUMP:
		return 2;
	case R_RISCV_ADD8: case R_RISCV_SUB8: case R_RISCV_SET8: case R_RISCV_SET6:
	case R_RISCV_SUB6: case R_RISCV_SET_ULEB128: case R_RISCV_SUB_ULEB128:
		return 1;
	case R_RISCV_RELAX: case R_RISCV_NONE:
		return 0;
	default:
		return 4;
	}
}

/* A ULEB128 field keeps its length (the assembler sized it, its last
 * byte without the continuation bit): the value must fit it. */
static bool uleb_write(uintptr_t loc, uintptr_t end, uint64_t v)
{
	uint8_t *p = (uint8_t *)loc;
	size_t n = 0;

	do {
		if (loc + n >= end || n == 10)
			return false;
	} while (p[n++] & 0x80);
	for (size_t i = 0; i < n; i++) {
		p[i] = (uint8_t)((v & 0x7f) | (i + 1 < n ? 0x80 : 0));
		v >>= 7;
	}
	return v == 0;
}

/* The lo12 of the hi20 at the label sym names (Linux: searched around
 * the whole section, starting after the last one found). */
static int pcrel_lo12(const char *mod, const Elf64_Rela *rela, unsigned long n, uintptr_t base,
		      const Elf64_Sym *syms, uint64_t label, uintptr_t plt0, uintptr_t *plt,
		      uintptr_t plt_end, unsigned long *from, uint32_t *out)
{
	unsigned long j = *from;

	do {
		unsigned t = ELF64_R_TYPE(rela[j].r_info);

		if (base + rela[j].r_offset == label &&
		    (t == R_RISCV_PCREL_HI20 || t == R_RISCV_GOT_HI20)) {
			uint64_t v = syms[ELF64_R_SYM(rela[j].r_info)].st_value + rela[j].r_addend;

			if (t == R_RISCV_GOT_HI20) {
				uintptr_t e = plt_entry(plt0, plt, plt_end, v);

				if (!e)
					return unreachable(mod, v, label);
				v = e + offsetof(struct rv_plt, slot);
			}
			*out = lo12((int64_t)(v - label));
			*from = j;
			return 0;
		}
		if (++j == n)
			j = 0;
	} while (j != *from);
	kasan_printf("%s: Can not find HI20 relocation information\n", mod);
	return -EINVAL;
}

static int apply_one(const char *mod, unsigned type, uintptr_t loc, uint64_t v, uintptr_t plt0,
		     uintptr_t *plt, uintptr_t plt_end, uintptr_t end)
{
	int64_t off = (int64_t)(v - loc);

	switch (type) {
	case R_RISCV_NONE:
	case R_RISCV_RELAX:	/* built -mno-relax: nothing to undo */
		return 0;
	case R_RISCV_32:
		if (v != (uint32_t)v) {
			kasan_printf("%s: value %016lx out of range for 32-bit field\n", mod,
				     (unsigned long)v);
			return -EINVAL;
		}
		*(uint32_t *)loc = (uint32_t)v;
		return 0;
	case R_RISCV_64:
		*(uint64_t *)loc = v;
		return 0;
	case R_RISCV_BRANCH:	/* B-type, ±4 KiB */
		if (off < -4096 || off >= 4096)
			return unreachable(mod, v, loc);
		insn_rmw(loc, 0x1fff07f, ((uint32_t)off & 0x1000) << 19 | ((uint32_t)off & 0x800) >> 4 |
				 ((uint32_t)off & 0x7e0) << 20 | ((uint32_t)off & 0x1e) << 7);
		return 0;
	case R_RISCV_JAL:	/* J-type, ±1 MiB */
		if (off < -(1 << 20) || off >= (1 << 20))
			return unreachable(mod, v, loc);
		insn_rmw(loc, 0xfff, ((uint32_t)off & 0x100000) << 11 | ((uint32_t)off & 0xff000) |
				 ((uint32_t)off & 0x800) << 9 | ((uint32_t)off & 0x7fe) << 20);
		return 0;
	case R_RISCV_RVC_BRANCH:	/* CB-type, ±256 B */
		if (off < -256 || off >= 256)
			return unreachable(mod, v, loc);
		rvc_rmw(loc, 0xe383, (uint16_t)(((uint32_t)off & 0x100) << 4 | ((uint32_t)off & 0xc0) >> 1 |
					 ((uint32_t)off & 0x20) >> 3 | ((uint32_t)off & 0x18) << 7 |
					 ((uint32_t)off & 0x6) << 2));
		return 0;
	case R_RISCV_RVC_JUMP:	/* CJ-type, ±2 KiB */
		if (off < -2048 || off >= 2048)
			return unreachable(mod, v, loc);
		rvc_rmw(loc, 0xe003, (uint16_t)(((uint32_t)off & 0x800) << 1 | ((uint32_t)off & 0x400) >> 2 |
					 ((uint32_t)off & 0x300) << 1 | ((uint32_t)off & 0x80) >> 1 |
					 ((uint32_t)off & 0x40) << 1 | ((uint32_t)off & 0x20) >> 3 |
					 ((uint32_t)off & 0x10) << 7 | ((uint32_t)off & 0xe) << 2));
		return 0;
	case R_RISCV_CALL_PLT:
	case R_RISCV_CALL:
		if (!fits_pair(off)) {
			uintptr_t e = type == R_RISCV_CALL_PLT ? plt_entry(plt0, plt, plt_end, v) : 0;

			if (!e)
				return unreachable(mod, v, loc);
			off = (int64_t)(e - loc);
		}
		insn_rmw(loc, 0xfff, hi20(off));
		insn_rmw(loc + 4, 0xfffff, lo12(off) << 20);
		return 0;
	case R_RISCV_PLT32:
		if (!fits_pair(off)) {
			uintptr_t e = plt_entry(plt0, plt, plt_end, v);

			if (!e)
				return unreachable(mod, v, loc);
			off = (int64_t)(e - loc);
		}
		if (off != (int32_t)off)
			return unreachable(mod, v, loc);
		*(uint32_t *)loc = (uint32_t)off;
		return 0;
	case R_RISCV_GOT_HI20: {
		uintptr_t e = plt_entry(plt0, plt, plt_end, v);

		if (!e)
			return unreachable(mod, v, loc);
		off = (int64_t)(e + offsetof(struct rv_plt, slot) - loc);
		if (!fits_pair(off))
			return unreachable(mod, v, loc);
		insn_rmw(loc, 0xfff, hi20(off));
		return 0;
	}
	case R_RISCV_PCREL_HI20:
		if (!fits_pair(off))
			return unreachable(mod, v, loc);
		insn_rmw(loc, 0xfff, hi20(off));
		return 0;
	case R_RISCV_PCREL_LO12_I:	/* v: the lo12 its hi20 left */
		insn_rmw(loc, 0xfffff, ((uint32_t)v & 0xfff) << 20);
		return 0;
	case R_RISCV_PCREL_LO12_S:
		insn_rmw(loc, 0x1fff07f, ((uint32_t)v & 0xfe0) << 20 | ((uint32_t)v & 0x1f) << 7);
		return 0;
	/* Absolute lui pairs (medlow): only what a sign-extended 32-bit
	 * value reaches, which the vmalloc space and the image are not. */
	case R_RISCV_HI20:
		if (!fits_pair((int64_t)v))
			return unreachable(mod, v, loc);
		insn_rmw(loc, 0xfff, hi20((int64_t)v));
		return 0;
	case R_RISCV_LO12_I:
		insn_rmw(loc, 0xfffff, lo12((int64_t)v) << 20);
		return 0;
	case R_RISCV_LO12_S:
		insn_rmw(loc, 0x1fff07f, (lo12((int64_t)v) & 0xfe0) << 20 | (lo12((int64_t)v) & 0x1f) << 7);
		return 0;
	/* Label differences (.word b - a, DWARF, jump tables): ADD S+A then
	 * SUB S+A, applied as one value (plat_apply_relocate_add). */
	case R_RISCV_ADD8:  *(uint8_t *)loc += (uint8_t)v; return 0;
	case R_RISCV_ADD16: *(uint16_t *)loc += (uint16_t)v; return 0;
	case R_RISCV_ADD32: *(uint32_t *)loc += (uint32_t)v; return 0;
	case R_RISCV_ADD64: *(uint64_t *)loc += v; return 0;
	case R_RISCV_SUB8:  *(uint8_t *)loc -= (uint8_t)v; return 0;
	case R_RISCV_SUB16: *(uint16_t *)loc -= (uint16_t)v; return 0;
	case R_RISCV_SUB32: *(uint32_t *)loc -= (uint32_t)v; return 0;
	case R_RISCV_SUB64: *(uint64_t *)loc -= v; return 0;
	case R_RISCV_SUB6:
		*(uint8_t *)loc = (uint8_t)((*(uint8_t *)loc & 0xc0) | ((*(uint8_t *)loc - v) & 0x3f));
		return 0;
	case R_RISCV_SET6:
		*(uint8_t *)loc = (uint8_t)((*(uint8_t *)loc & 0xc0) | (v & 0x3f));
		return 0;
	case R_RISCV_SET8:  *(uint8_t *)loc = (uint8_t)v; return 0;
	case R_RISCV_SET16: *(uint16_t *)loc = (uint16_t)v; return 0;
	case R_RISCV_SET32: *(uint32_t *)loc = (uint32_t)v; return 0;
	case R_RISCV_32_PCREL:
		if (off != (int32_t)off)
			return unreachable(mod, v, loc);
		*(uint32_t *)loc = (uint32_t)off;
		return 0;
	case R_RISCV_SET_ULEB128:	/* (with its SUB, plat_apply_relocate_add) */
		if (!uleb_write(loc, end, v)) {
			kasan_printf("%s: value %lx out of range for ULEB128 relocation.\n", mod,
				     (unsigned long)v);
			return -EINVAL;
		}
		return 0;
	case R_RISCV_ALIGN:	/* a relaxed object: its nops would have to go */
		kasan_printf("%s: The unexpected relocation type 'R_RISCV_ALIGN' from PC = %p\n", mod,
			     (void *)loc);
		return -EINVAL;
	case R_RISCV_TLS_GOT_HI20:
	case R_RISCV_TLS_GD_HI20:
	case R_RISCV_TPREL_HI20:
	case R_RISCV_TPREL_HI20 + 1:	/* TPREL_LO12_I */
	case R_RISCV_TPREL_HI20 + 2:	/* TPREL_LO12_S */
	case R_RISCV_TPREL_ADD:
		kasan_printf("%s: Thread local storage not supported in kernel modules PC = %p\n", mod,
			     (void *)loc);
		return -EINVAL;
	default:
		if ((type >= R_RISCV_RELATIVE && type <= R_RISCV_TLS_TPREL64) ||
		    type == R_RISCV_IRELATIVE) {
			kasan_printf("%s: Dynamic linking not supported in kernel modules PC = %p\n",
				     mod, (void *)loc);
			return -EINVAL;
		}
		kasan_printf("%s: Unknown relocation type %u\n", mod, type);
		return -EINVAL;
	}
}

/* The width of an ADD/SUB/SET type, and the SUB that may follow it at
 * the same place (0: not one of them). */
static unsigned data_bits(unsigned type, unsigned *sub)
{
	switch (type) {
	case R_RISCV_SET6: *sub = R_RISCV_SUB6; return 6;
	case R_RISCV_ADD8: case R_RISCV_SET8: *sub = R_RISCV_SUB8; return 8;
	case R_RISCV_ADD16: case R_RISCV_SET16: *sub = R_RISCV_SUB16; return 16;
	case R_RISCV_ADD32: case R_RISCV_SET32: *sub = R_RISCV_SUB32; return 32;
	case R_RISCV_ADD64: *sub = R_RISCV_SUB64; return 64;
	default: return 0;
	}
}

int plat_apply_relocate_add(const char *modname, const Elf64_Rela *rela, unsigned long n,
			    uintptr_t base, size_t sec_size, const Elf64_Sym *syms, uintptr_t plt0,
			    uintptr_t *plt, uintptr_t plt_end)
{
	unsigned long from = 0;

	for (unsigned long i = 0; i < n; i++) {
		uintptr_t loc = base + rela[i].r_offset;
		const Elf64_Sym *sym = &syms[ELF64_R_SYM(rela[i].r_info)];
		unsigned type = ELF64_R_TYPE(rela[i].r_info);
		uint64_t v = sym->st_value + rela[i].r_addend;
		size_t size = reloc_size(type);
		unsigned sub;
		int err;

		if (rela[i].r_offset > sec_size || sec_size - rela[i].r_offset < size) {
			kasan_printf("%s: relocation at 0x%lx beyond its section\n", modname,
				     (unsigned long)rela[i].r_offset);
			return -EINVAL;
		}
		/* ADD or SET and the SUB after it at the same place are
		 * one value, checked against the field's width as Linux's
		 * accumulation does (a difference that does not fit is an
		 * error, not a wrap; a negative one is written as such). */
		if (data_bits(type, &sub)) {
			unsigned bits = data_bits(type, &sub);

			if (i + 1 < n && ELF64_R_TYPE(rela[i + 1].r_info) == sub &&
			    rela[i + 1].r_offset == rela[i].r_offset) {
				i++;
				v -= syms[ELF64_R_SYM(rela[i].r_info)].st_value + rela[i].r_addend;
			}
			if (bits < 64 && (int64_t)v > (int64_t)((1ULL << bits) - 1)) {
				kasan_printf("%s: value %ld out of range for %u-bit relocation.\n",
					     modname, (long)v, bits);
				return -EINVAL;
			}
		}
		/* A ULEB128 label difference comes as SET then SUB at one
		 * place (psABI): applied as one value, as Linux accumulates
		 * them, since the address alone would not fit the field. */
		if (type == R_RISCV_SET_ULEB128 && i + 1 < n &&
		    ELF64_R_TYPE(rela[i + 1].r_info) == R_RISCV_SUB_ULEB128 &&
		    rela[i + 1].r_offset == rela[i].r_offset) {
			i++;
			v -= syms[ELF64_R_SYM(rela[i].r_info)].st_value + rela[i].r_addend;
		} else if (type == R_RISCV_SUB_ULEB128) {
			kasan_printf("%s: R_RISCV_SUB_ULEB128 without its R_RISCV_SET_ULEB128\n",
				     modname);
			return -EINVAL;
		}
		if (type == R_RISCV_PCREL_LO12_I || type == R_RISCV_PCREL_LO12_S) {
			uint32_t lo;

			err = pcrel_lo12(modname, rela, n, base, syms, sym->st_value, plt0, plt,
					 plt_end, &from, &lo);
			if (err)
				return err;
			v = lo;
		}
		err = apply_one(modname, type, loc, v, plt0, plt, plt_end, base + sec_size);
		if (err)
			return err;
	}
	return 0;
}

/* ---- protection: the PTE bits of the module's pages ---- */

/* Linux's module_enable_rox()/module_enable_rodata_ro(): text R+X,
 * rodata R, the rest R+W (as plat_map_alias maps the vmalloc space);
 * never W and X at once.  The local instruction fetch is synchronised
 * with the relocated code (fence.i); the other harts' TLBs are flushed
 * (QEMU keeps their instruction fetch coherent with stores). */
bool plat_module_protect(uintptr_t va, size_t size, enum plat_module_prot prot)
{
	static const pte_t bits[] = {
		[PLAT_MOD_RW] = PTE_R | PTE_W,
		[PLAT_MOD_RX] = PTE_R | PTE_X,
		[PLAT_MOD_RO] = PTE_R,
	};
	unsigned long n = ALIGN_UP(size, PAGE_SIZE) >> PAGE_SHIFT;

	for (unsigned long i = 0; i < n; i++) {
		pte_t *e = rv_pte(va + (i << PAGE_SHIFT), false);

		if (!e || !(*e & PTE_V))
			return false;
	}
	for (unsigned long i = 0; i < n; i++) {
		pte_t *e = rv_pte(va + (i << PAGE_SHIFT), false);

		__atomic_store_n(e, (*e & ~(PTE_R | PTE_W | PTE_X)) | bits[prot], __ATOMIC_RELAXED);
	}
	rv_tlb_flush_range(va, n);
	__asm__ volatile("fence.i" ::: "memory");
	return true;
}

unsigned vmk_pte_perm(const void *addr)
{
	pte_t *e = rv_pte((uintptr_t)addr, false);

	if (!e || !(*e & PTE_V))
		return 0;
	return (*e & PTE_R ? VMK_PTE_R : 0) | (*e & PTE_W ? VMK_PTE_W : 0) |
	       (*e & PTE_X ? VMK_PTE_X : 0);
}

/* ---- the files vmkasan-qemu --module hands in ---- */

/*
 * vmkasan-qemu puts the files, as a cpio "newc" archive (the format of
 * Linux's initramfs, Documentation/driver-api/early-userspace/
 * buffer-format.rst), in RAM right after the image (QEMU's generic
 * loader) and says where on the command line; init.c keeps the boot
 * allocator off it.
 */
static const uint8_t *files;
static size_t files_len;

void rv_module_files(uintptr_t addr, size_t len)
{
	files = (const uint8_t *)addr;
	files_len = len;
}

static bool hex8(const uint8_t *p, size_t *out)
{
	size_t v = 0;

	for (int i = 0; i < 8; i++) {
		int d = p[i] >= '0' && p[i] <= '9' ? p[i] - '0' :
			p[i] >= 'a' && p[i] <= 'f' ? p[i] - 'a' + 10 :
			p[i] >= 'A' && p[i] <= 'F' ? p[i] - 'A' + 10 : -1;

		if (d < 0)
			return false;
		v = v << 4 | (size_t)d;
	}
	*out = v;
	return true;
}

const void *vmk_module_file(const char *name, size_t *size)
{
	size_t off = 0;

	while (files && off + 110 <= files_len) {
		const uint8_t *h = files + off;
		size_t fsize, nsize, data;

		/* "070701", then 13 fields of 8 hex digits: filesize is
		 * the 7th (offset 54), namesize the 12th (offset 94) */
		if (kasan_strncmp((const char *)h, "070701", 6) || !hex8(h + 54, &fsize) ||
		    !hex8(h + 94, &nsize) || !nsize || nsize > files_len - off - 110)
			return NULL;
		data = ALIGN_UP(off + 110 + nsize, 4);
		if (h[110 + nsize - 1] || data > files_len || fsize > files_len - data)
			return NULL;
		if (!kasan_strcmp((const char *)h + 110, "TRAILER!!!"))
			return NULL;
		if (!kasan_strcmp((const char *)h + 110, name)) {
			if (size)
				*size = fsize;
			return files + data;
		}
		off = ALIGN_UP(data + fsize, 4);
	}
	return NULL;
}
