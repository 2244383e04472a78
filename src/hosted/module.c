// SPDX-License-Identifier: MIT
/*
 * x86-64 module relocations and the runtime's symbols for the module
 * loader (src/module/main.c), as Linux's arch/x86/kernel/module.c is for
 * kernel/module/main.c.  The types and the checks of 32 and 32S are
 * Linux's, as are its messages.  Unlike the kernel, whose modules sit
 * within 2 GiB of the image, the vmalloc space here is far from the
 * program (0x6000_0000_0000 against 0x5555_xxxx_xxxx), so, as arm64 and
 * RISC-V do, a call that cannot reach goes through a PLT entry in the
 * module's text and a GOT reference (modules are built -fPIC, so data of
 * the runtime is reached through the GOT) through a GOT entry; every
 * PC-relative value is checked, so an overflow is an error, never a wrap.
 */
#include <dlfcn.h>
#include <sys/mman.h>

#include "core.h"
#include "hosted.h"

#define R_X86_64_NONE		0
#define R_X86_64_64		1
#define R_X86_64_PC32		2
#define R_X86_64_PLT32		4
#define R_X86_64_GOTPCREL	9
#define R_X86_64_32		10
#define R_X86_64_32S		11
#define R_X86_64_GOTTPOFF	22
#define R_X86_64_TPOFF32	23
#define R_X86_64_PC64		24
#define R_X86_64_GOTPCRELX	41
#define R_X86_64_REX_GOTPCRELX	42

#define PLT_ENTRY_SIZE	16	/* jmp *0(%rip); .quad target; padding */
#define GOT_ENTRY_SIZE	8
#define ENOEXEC		8

/* The runtime's kernel API and whatever else the program exports
 * (the static runtime is linked with vmkasan.dynlist, the shared one
 * exports the same set). */
uintptr_t plat_module_kernel_symbol(const char *name, bool tls)
{
	uintptr_t addr = (uintptr_t)dlsym(RTLD_DEFAULT, name), tp;

	if (!addr || !tls)
		return addr;
	/* x86-64 TLS variant II: the block lies below %fs:0, which holds
	 * the thread pointer itself. */
	__asm__("mov %%fs:0, %0" : "=r"(tp));
	return addr - tp;
}

size_t plat_module_plt_size(const Elf64_Rela *rela, unsigned long n)
{
	size_t size = 0;

	for (unsigned long i = 0; i < n; i++) {
		switch (ELF64_R_TYPE(rela[i].r_info)) {
		case R_X86_64_PLT32:
		case R_X86_64_PC32:
			size += PLT_ENTRY_SIZE;
			break;
		case R_X86_64_GOTPCREL:
		case R_X86_64_GOTPCRELX:
		case R_X86_64_REX_GOTPCRELX:
		case R_X86_64_GOTTPOFF:
			size += GOT_ENTRY_SIZE;
			break;
		}
	}
	return size;
}

static bool fits_s32(int64_t v)
{
	return v == (int32_t)v;
}

/* A PLT entry: jmp *0(%rip) followed by the target. */
static uintptr_t plt_entry(uintptr_t *plt, uintptr_t end, uintptr_t target)
{
	static const uint8_t jmp[6] = { 0xff, 0x25, 0, 0, 0, 0 };
	uintptr_t e = *plt;

	if (e + PLT_ENTRY_SIZE > end)
		return 0;
	plat_memcpy((void *)e, jmp, sizeof(jmp));
	plat_memcpy((void *)(e + 6), &target, 8);
	*plt += PLT_ENTRY_SIZE;
	return e;
}

static uintptr_t got_entry(uintptr_t *plt, uintptr_t end, uintptr_t target)
{
	uintptr_t e = *plt;

	if (e + GOT_ENTRY_SIZE > end)
		return 0;
	plat_memcpy((void *)e, &target, 8);
	*plt += GOT_ENTRY_SIZE;
	return e;
}

static bool is_zero(uintptr_t loc, size_t size)
{
	for (size_t i = 0; i < size; i++)
		if (((const volatile uint8_t *)loc)[i])
			return false;
	return true;
}

static int overflow(const char *mod, unsigned type, uint64_t val)
{
	kasan_printf("overflow in relocation type %u val %lx\n", type, (unsigned long)val);
	kasan_printf("`%s' likely not compiled with -mcmodel=kernel\n", mod);
	return -ENOEXEC;
}

int plat_apply_relocate_add(const char *modname, const Elf64_Rela *rela, unsigned long n,
			    uintptr_t base, size_t sec_size, const Elf64_Sym *syms, uintptr_t plt_start,
			    uintptr_t *plt, uintptr_t plt_end)
{
	(void)plt_start;	/* entries are not shared: far targets are few */
	for (unsigned long i = 0; i < n; i++) {
		uintptr_t loc = base + rela[i].r_offset;
		const Elf64_Sym *sym = &syms[ELF64_R_SYM(rela[i].r_info)];
		unsigned type = ELF64_R_TYPE(rela[i].r_info);
		uint64_t val = sym->st_value + rela[i].r_addend;
		size_t size = 4;

		switch (type) {
		case R_X86_64_NONE:
			continue;
		case R_X86_64_64:
			size = 8;
			break;
		case R_X86_64_32:
			if (val != (uint32_t)val)
				return overflow(modname, type, val);
			break;
		case R_X86_64_32S:
			if (!fits_s32((int64_t)val))
				return overflow(modname, type, val);
			break;
		case R_X86_64_PC32:
		case R_X86_64_PLT32:
			if (!fits_s32((int64_t)(val - loc))) {
				/* A far function: through a PLT entry (the
				 * addend only finds the next instruction). */
				bool call = type == R_X86_64_PLT32 || (sym->st_info & 0xf) == 2;
				uintptr_t e = call ? plt_entry(plt, plt_end, sym->st_value) : 0;

				if (!e)	/* data out of reach */
					return overflow(modname, type, val - loc);
				val = e + rela[i].r_addend;
			}
			val -= loc;
			if (!fits_s32((int64_t)val))
				return overflow(modname, type, val);
			break;
		case R_X86_64_TPOFF32:	/* local-exec TLS (-fno-pic): the TP offset itself */
			if (!fits_s32((int64_t)val))
				return overflow(modname, type, val);
			break;
		case R_X86_64_PC64:
			val -= loc;
			size = 8;
			break;
		case R_X86_64_GOTPCREL:
		case R_X86_64_GOTPCRELX:
		case R_X86_64_REX_GOTPCRELX:
		case R_X86_64_GOTTPOFF: {	/* initial-exec TLS: the loader gave the TP offset */
			uintptr_t e = got_entry(plt, plt_end, sym->st_value);

			if (!e)
				return overflow(modname, type, val);
			val = e + rela[i].r_addend - loc;
			if (!fits_s32((int64_t)val))
				return overflow(modname, type, val);
			break;
		}
		default:
			kasan_printf("%s: Unknown rela relocation: %u\n", modname, type);
			return -ENOEXEC;
		}
		if (rela[i].r_offset > sec_size || sec_size - rela[i].r_offset < size) {
			kasan_printf("%s: relocation at 0x%lx beyond its section\n", modname,
				     (unsigned long)rela[i].r_offset);
			return -ENOEXEC;
		}
		if (!is_zero(loc, size)) {
			kasan_printf("x86/modules: Invalid relocation target, existing value is nonzero for type %u, loc %p, val %lx\n",
				     type, (void *)loc, (unsigned long)val);
			return -ENOEXEC;
		}
		plat_memcpy((void *)loc, &val, size);
	}
	return 0;
}

/* set_memory_rox()/set_memory_ro(): the vmalloc space is mapped
 * read-write; the split of its one mapping is undone before the region
 * is freed (so freed and reused module memory never adds up to
 * vm.max_map_count). */
bool plat_module_protect(uintptr_t va, size_t size, enum plat_module_prot prot)
{
	static const int p[] = {
		[PLAT_MOD_RW] = PROT_READ | PROT_WRITE,
		[PLAT_MOD_RX] = PROT_READ | PROT_EXEC,
		[PLAT_MOD_RO] = PROT_READ,
	};

	return !mprotect((void *)va, size, p[prot]);
}
