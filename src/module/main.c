// SPDX-License-Identifier: MIT
/*
 * The module loader: a relocatable ELF object (`vmkasan-cc --kernel -c
 * ... -o foo.ko`) laid out in the vmalloc space, linked against the
 * runtime's kernel API and the exports of modules already loaded, its
 * init run, its init sections freed; unloaded by its exit, then vfree.
 * The steps and messages follow Linux 6.12's kernel/module/main.c
 * (layout_sections, simplify_symbols, apply_relocations, do_init_module,
 * delete_module); the relocation types are the port's (platform.h).
 * Module memory is ordinary vmalloc memory: its shadow, redzones and
 * use-after-free reports come from the vmalloc space alone.
 */
#include "module/module.h"
#include "mm/mm.h"

#define ENOENT	2
#define ENOEXEC	8
#define ENOMEM	12
#define EBUSY	16
#define EINVAL	22

#define SHT_SYMTAB	2
#define SHT_RELA	4
#define SHT_NOBITS	8
#define SHF_WRITE	0x1
#define SHF_ALLOC	0x2
#define SHF_EXECINSTR	0x4
#define SHN_UNDEF	0
#define SHN_ABS		0xfff1
#define SHN_COMMON	0xfff2
#define STB_WEAK	2
#define STT_FUNC	2
#define STT_TLS		6
#define ET_REL		1

/* A port without module relocations (port_layout.h has no machine)
 * refuses every module at the header. */
#ifndef PLAT_ELF_MACHINE
#define PLAT_ELF_MACHINE 0
#endif

/* Module memory comes from the first GiB of the vmalloc space: every
 * region of a module then reaches every other with a 32-bit offset. */
#define MODULES_LEN	(1UL << 30)

static struct vmkasan_module *modules;
static kasan_spinlock_t module_lock;
static void (*live_notifier)(const char *name, void *const *kunit_suites, unsigned long nr);

__public void vmkasan_set_module_notifier(void (*fn)(const char *name, void *const *kunit_suites,
						     unsigned long nr))
{
	WRITE_ONCE(live_notifier, fn);
}

/* What vmkasan-cc --kernel puts in a .ko (include/kernel/vmkasan_kernel.h). */
struct vmk_modparam {
	const char *name, *type;
	void *p;
};

struct load_info {
	const char *name;
	const uint8_t *img;
	size_t len;
	const Elf64_Ehdr *hdr;
	const Elf64_Shdr *sh;
	const char *secstrings;
	unsigned symindex;
	uintptr_t *secaddr;		/* final address of each SHF_ALLOC section */
	uint8_t *sectype;		/* its enum mod_mem_type */
	size_t plt_size;
};

static bool streq(const char *a, const char *b) { return !kasan_strcmp(a, b); }
static bool strstarts(const char *s, const char *p) { return !kasan_strncmp(s, p, kasan_strlen(p)); }

static const char *sec_name(const struct load_info *info, unsigned i)
{
	return info->secstrings + info->sh[i].sh_name;
}

static int find_sec(const struct load_info *info, const char *name)
{
	for (unsigned i = 1; i < info->hdr->e_shnum; i++)
		if ((info->sh[i].sh_flags & SHF_ALLOC) && streq(sec_name(info, i), name))
			return (int)i;
	return 0;
}

/* elf_validity_check(): everything the loader reads lies in the image. */
static int check_elf(struct load_info *info)
{
	const Elf64_Ehdr *h = (const Elf64_Ehdr *)info->img;

	if (info->len < sizeof(*h) || h->e_ident[0] != 0x7f || h->e_ident[1] != 'E' ||
	    h->e_ident[2] != 'L' || h->e_ident[3] != 'F' || h->e_ident[4] != 2 ||
	    h->e_ident[5] != 1 || h->e_type != ET_REL || h->e_machine != PLAT_ELF_MACHINE ||
	    h->e_shentsize != sizeof(Elf64_Shdr) ||
	    h->e_shoff > info->len || h->e_shnum > (info->len - h->e_shoff) / sizeof(Elf64_Shdr) ||
	    h->e_shstrndx >= h->e_shnum) {
		kasan_printf("%s: invalid ELF header\n", info->name);
		return -ENOEXEC;
	}
	info->hdr = h;
	info->sh = (const Elf64_Shdr *)(info->img + h->e_shoff);
	for (unsigned i = 1; i < h->e_shnum; i++) {
		const Elf64_Shdr *s = &info->sh[i];

		if (s->sh_type != SHT_NOBITS &&
		    (s->sh_offset > info->len || s->sh_size > info->len - s->sh_offset)) {
			kasan_printf("%s: section %u out of the file\n", info->name, i);
			return -ENOEXEC;
		}
		if (s->sh_type == SHT_SYMTAB)
			info->symindex = i;
	}
	info->secstrings = (const char *)info->img + info->sh[h->e_shstrndx].sh_offset;
	/* every section name within the names' section, NUL-terminated */
	for (unsigned i = 0; i < h->e_shnum; i++) {
		const Elf64_Shdr *names = &info->sh[h->e_shstrndx];

		if (!names->sh_size || info->sh[i].sh_name >= names->sh_size ||
		    info->secstrings[names->sh_size - 1]) {
			kasan_printf("%s: bad section names\n", info->name);
			return -ENOEXEC;
		}
	}
	if (!info->symindex) {
		kasan_printf("%s: module has no symbols (stripped?)\n", info->name);
		return -ENOEXEC;
	}
	return 0;
}

static enum mod_mem_type mem_type_of(const struct load_info *info, unsigned i)
{
	const Elf64_Shdr *s = &info->sh[i];
	bool init = strstarts(sec_name(info, i), ".init");

	if (s->sh_flags & SHF_EXECINSTR)
		return init ? MOD_INIT_TEXT : MOD_TEXT;
	if (init)
		return MOD_INIT_DATA;
	return (s->sh_flags & SHF_WRITE) ? MOD_DATA : MOD_RODATA;
}

static void free_mem(struct vmkasan_module *mod, enum mod_mem_type t)
{
	if (!mod->mem[t].base)
		return;
	if (mod->prot[t])
		plat_module_protect(mod->mem[t].base, mod->mem[t].size, PLAT_MOD_RW);
	mod->prot[t] = false;
	vfree((void *)mod->mem[t].base);
	mod->mem[t].base = 0;
}

static void free_module_mem(struct vmkasan_module *mod)
{
	for (int t = 0; t < MOD_MEM_NR; t++)
		free_mem(mod, t);
}

static int protect(struct vmkasan_module *mod, enum mod_mem_type t, enum plat_module_prot prot)
{
	if (!mod->mem[t].base)
		return 0;
	if (!plat_module_protect(mod->mem[t].base, mod->mem[t].size, prot))
		return -ENOMEM;
	mod->prot[t] = true;
	return 0;
}

static void free_module(struct vmkasan_module *mod)
{
	free_module_mem(mod);
	kfree(mod->syms);
	kfree(mod->strtab);
	kfree(mod->args);
	kfree(mod);
}

/* layout_sections() + move_module(): each region PAGE_SIZE aligned in
 * the module range, its sections copied at their alignment. */
static int layout_and_move(struct load_info *info, struct vmkasan_module *mod)
{
	size_t off[MOD_MEM_NR] = { 0 };

	off[MOD_TEXT] = info->plt_size;
	for (unsigned i = 1; i < info->hdr->e_shnum; i++) {
		const Elf64_Shdr *s = &info->sh[i];
		enum mod_mem_type t;
		uint64_t a = s->sh_addralign ? s->sh_addralign : 1;

		if (!(s->sh_flags & SHF_ALLOC))
			continue;
		if (a & (a - 1) || a > PAGE_SIZE) {
			kasan_printf("%s: section %s: alignment %lu\n", info->name, sec_name(info, i),
				     (unsigned long)a);
			return -ENOEXEC;
		}
		t = mem_type_of(info, i);
		off[t] = ALIGN_UP(off[t], a);
		if (s->sh_size > MODULES_LEN || off[t] + s->sh_size > MODULES_LEN) {
			kasan_printf("%s: section %s: size 0x%lx does not fit the module space\n",
				     info->name, sec_name(info, i), (unsigned long)s->sh_size);
			return -ENOEXEC;
		}
		info->secaddr[i] = off[t];
		info->sectype[i] = (uint8_t)t;
		off[t] += s->sh_size;
	}
	for (int t = 0; t < MOD_MEM_NR; t++) {
		void *p;

		if (!off[t])
			continue;
		mod->mem[t].size = ALIGN_UP(off[t], PAGE_SIZE);
		p = __vmalloc_node_range(mod->mem[t].size, PAGE_SIZE, mm_layout.vmalloc_start,
					 mm_layout.vmalloc_start + MODULES_LEN, GFP_KERNEL | __GFP_ZERO,
					 PAGE_KERNEL, 0, -1, (const void *)CALLER_IP);
		if (!p)
			return -ENOMEM;
		mod->mem[t].base = (uintptr_t)p;
	}
	for (unsigned i = 1; i < info->hdr->e_shnum; i++) {
		const Elf64_Shdr *s = &info->sh[i];

		if (!(s->sh_flags & SHF_ALLOC))
			continue;
		info->secaddr[i] += mod->mem[info->sectype[i]].base;
		if (s->sh_type != SHT_NOBITS)
			kasan_memcpy_raw((void *)info->secaddr[i], info->img + s->sh_offset, s->sh_size);
	}
	return 0;
}

static uintptr_t find_export(const char *name, struct vmkasan_module **owner)
{
	for (struct vmkasan_module *m = modules; m; m = m->next)
		for (unsigned i = 0; m->live && i < m->nexports; i++)
			if (m->exports[i].name && streq(m->exports[i].name, name)) {
				*owner = m;
				return m->exports[i].addr;
			}
	*owner = NULL;
	return 0;
}

static int use_module(struct vmkasan_module *mod, struct vmkasan_module *owner)
{
	for (unsigned i = 0; i < mod->ndeps; i++)
		if (mod->deps[i] == owner)
			return 0;
	if (mod->ndeps == MODULE_MAX_DEPS) {
		kasan_printf("%s: uses more than %d modules\n", mod->name, MODULE_MAX_DEPS);
		return -ENOMEM;
	}
	mod->deps[mod->ndeps++] = owner;
	return 0;
}

/* simplify_symbols(): every symbol gets its final value. */
static int simplify_symbols(struct load_info *info, struct vmkasan_module *mod)
{
	int ret = 0;

	for (unsigned i = 1; i < mod->nsyms; i++) {
		Elf64_Sym *sym = &mod->syms[i];
		const char *name = mod->strtab + sym->st_name;
		struct vmkasan_module *owner;

		switch (sym->st_shndx) {
		case SHN_COMMON:
			kasan_printf("%s: please compile with -fno-common\n", mod->name);
			ret = -ENOEXEC;
			break;
		case SHN_ABS:
			break;
		case SHN_UNDEF:
			/* The assembler names it in every PIC object; the
			 * relocations the ports accept never use its value. */
			if (streq(name, "_GLOBAL_OFFSET_TABLE_"))
				break;
			sym->st_value = find_export(name, &owner);
			if (owner) {
				int err = use_module(mod, owner);

				if (err)
					return err;
				break;
			}
			sym->st_value = plat_module_kernel_symbol(name, (sym->st_info & 0xf) == STT_TLS);
			if (sym->st_value || (sym->st_info >> 4) == STB_WEAK)
				break;
			kasan_printf("%s: Unknown symbol %s (err %d)\n", mod->name, name, -ENOENT);
			ret = -ENOENT;
			break;
		default:
			if (sym->st_shndx >= info->hdr->e_shnum) {
				ret = -ENOEXEC;
				break;
			}
			/* The kernel layer's weak definitions (kthreads, the
			 * system workqueue ...) are the program's: one kernel,
			 * as ld.so lets the executable's definition win. */
			if ((sym->st_info >> 4) == STB_WEAK && sym->st_name) {
				uintptr_t k = plat_module_kernel_symbol(name,
									(sym->st_info & 0xf) == STT_TLS);

				if (k) {
					sym->st_value = k;
					break;
				}
			}
			if ((sym->st_info & 0xf) == STT_TLS) {
				kasan_printf("%s: %s: a module has no thread-local storage\n",
					     mod->name, name);
				ret = -ENOEXEC;
				break;
			}
			sym->st_value += info->secaddr[sym->st_shndx];
			break;
		}
	}
	return ret;
}

static int apply_relocations(struct load_info *info, struct vmkasan_module *mod)
{
	uintptr_t plt = mod->mem[MOD_TEXT].base, plt_end = plt + info->plt_size;

	for (unsigned i = 1; i < info->hdr->e_shnum; i++) {
		const Elf64_Shdr *s = &info->sh[i];
		unsigned target = s->sh_info;
		int err;

		if (s->sh_type != SHT_RELA)
			continue;
		if (!target || target >= info->hdr->e_shnum) {
			kasan_printf("%s: relocation section %s: no section %u\n", mod->name,
				     sec_name(info, i), target);
			return -ENOEXEC;
		}
		if (!(info->sh[target].sh_flags & SHF_ALLOC))
			continue;
		if (s->sh_link != info->symindex) {
			kasan_printf("%s: relocation section %s: bad symbol table\n", mod->name,
				     sec_name(info, i));
			return -ENOEXEC;
		}
		for (unsigned long k = 0; k < s->sh_size / sizeof(Elf64_Rela); k++) {
			const Elf64_Rela *r = (const Elf64_Rela *)(info->img + s->sh_offset) + k;

			if (ELF64_R_SYM(r->r_info) >= mod->nsyms) {
				kasan_printf("%s: relocation %lu of %s out of range\n", mod->name, k,
					     sec_name(info, i));
				return -ENOEXEC;
			}
		}
		err = plat_apply_relocate_add(mod->name, (const Elf64_Rela *)(info->img + s->sh_offset),
					      s->sh_size / sizeof(Elf64_Rela), info->secaddr[target],
					      info->sh[target].sh_size, mod->syms,
					      mod->mem[MOD_TEXT].base, &plt, plt_end);
		if (err)
			return err;
	}
	return 0;
}

static size_t plt_size(const struct load_info *info)
{
	size_t n = 0;

	for (unsigned i = 1; i < info->hdr->e_shnum; i++) {
		const Elf64_Shdr *s = &info->sh[i];

		if (s->sh_type == SHT_RELA)
			n += plat_module_plt_size((const Elf64_Rela *)(info->img + s->sh_offset),
						  s->sh_size / sizeof(Elf64_Rela));
	}
	return ALIGN_UP(n, 16);
}

/* The symbol table and its names are kept for traces and exports. */
static int copy_symbols(struct load_info *info, struct vmkasan_module *mod)
{
	const Elf64_Shdr *st = &info->sh[info->symindex];
	const Elf64_Shdr *str;

	if (st->sh_link >= info->hdr->e_shnum)
		return -ENOEXEC;
	str = &info->sh[st->sh_link];
	if (str->sh_type == SHT_NOBITS || st->sh_link == 0)
		return -ENOEXEC;
	mod->nsyms = st->sh_size / sizeof(Elf64_Sym);
	mod->strtab_size = str->sh_size;
	mod->syms = kmalloc(st->sh_size ? st->sh_size : 1, GFP_KERNEL);
	mod->strtab = kmalloc(str->sh_size + 1, GFP_KERNEL);
	if (!mod->syms || !mod->strtab)
		return -ENOMEM;
	kasan_memcpy_raw(mod->syms, info->img + st->sh_offset, st->sh_size);
	kasan_memcpy_raw(mod->strtab, info->img + str->sh_offset, str->sh_size);
	mod->strtab[str->sh_size] = 0;
	for (unsigned i = 0; i < mod->nsyms; i++)
		if (mod->syms[i].st_name >= str->sh_size)
			return -ENOEXEC;
	return 0;
}

static uintptr_t sym_addr(const struct vmkasan_module *mod, const char *name)
{
	for (unsigned i = 1; i < mod->nsyms; i++)
		if (mod->syms[i].st_shndx != SHN_UNDEF && streq(mod->strtab + mod->syms[i].st_name, name))
			return mod->syms[i].st_value;
	return 0;
}

static bool parse_ulong(const char *v, unsigned long *out, bool *neg)
{
	unsigned long x = 0;
	unsigned base = 10;

	*neg = *v == '-';
	if (*v == '-' || *v == '+')
		v++;
	if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
		base = 16;
		v += 2;
	}
	if (!*v)
		return false;
	for (; *v; v++) {
		unsigned d = *v >= '0' && *v <= '9' ? (unsigned)(*v - '0') :
			     *v >= 'a' && *v <= 'f' ? (unsigned)(*v - 'a' + 10) :
			     *v >= 'A' && *v <= 'F' ? (unsigned)(*v - 'A' + 10) : 99;
		if (d >= base)
			return false;
		x = x * base + d;
	}
	*out = x;
	return true;
}

/* param=value as Linux's param_set_*() of the declared type. */
static int set_param(struct vmkasan_module *mod, const struct vmk_modparam *p, const char *val)
{
	unsigned long x;
	bool neg;

	if (!p->type || !p->p)
		return -EINVAL;
	if (streq(p->type, "charp")) {
		/* The string lives in the module's data until unload. */
		*(const char **)p->p = val;
		return 0;
	}
	if (streq(p->type, "bool") || streq(p->type, "invbool")) {
		bool b;

		if (!val || streq(val, "1") || streq(val, "y") || streq(val, "Y"))
			b = true;
		else if (streq(val, "0") || streq(val, "n") || streq(val, "N"))
			b = false;
		else
			return -EINVAL;
		*(bool *)p->p = streq(p->type, "bool") ? b : !b;
		return 0;
	}
	if (!val || !parse_ulong(val, &x, &neg))
		return -EINVAL;
	if (neg)
		x = -x;
	if (streq(p->type, "int") || streq(p->type, "uint"))
		*(int *)p->p = (int)x;
	else if (streq(p->type, "long") || streq(p->type, "ulong"))
		*(long *)p->p = (long)x;
	else if (streq(p->type, "short") || streq(p->type, "ushort"))
		*(short *)p->p = (short)x;
	else if (streq(p->type, "byte"))
		*(unsigned char *)p->p = (unsigned char)x;
	else {
		kasan_printf("%s: parameter %s: unsupported type %s\n", mod->name, p->name, p->type);
		return -EINVAL;
	}
	return 0;
}

/* "a=1 b=x": each must name a module_param (Linux: "Unknown parameter"). */
static int parse_args(struct load_info *info, struct vmkasan_module *mod, char *args)
{
	int sec = find_sec(info, "__param");
	const struct vmk_modparam *params = sec ? (const void *)info->secaddr[sec] : NULL;
	unsigned n = sec ? info->sh[sec].sh_size / sizeof(*params) : 0;

	while (args && *args) {
		char *name = args, *val = NULL, *end;
		unsigned i;
		int err;

		while (*name == ' ')
			name++;
		if (!*name)
			break;
		for (end = name; *end && *end != ' '; end++)
			if (*end == '=' && !val) {
				*end = 0;
				val = end + 1;
			}
		args = *end ? end + 1 : end;
		*end = 0;
		for (i = 0; i < n && !(params[i].name && streq(params[i].name, name)); i++)
			;
		if (i == n) {
			kasan_printf("%s: Unknown parameter `%s'\n", mod->name, name);
			return -ENOENT;
		}
		err = set_param(mod, &params[i], val);
		if (err) {
			kasan_printf("%s: `%s' invalid for parameter `%s'\n", mod->name,
				     val ? val : "", name);
			return err;
		}
	}
	return 0;
}

static void run_array(uintptr_t arr, size_t size)
{
	for (size_t i = 0; i < size / sizeof(void *); i++)
		((void (*const *)(void))arr)[i]();
}

static bool array_sec(const struct load_info *info, unsigned i, const char *base)
{
	const char *n = sec_name(info, i);
	size_t l = kasan_strlen(base);

	return (info->sh[i].sh_flags & SHF_ALLOC) && !kasan_strncmp(n, base, l) &&
	       (n[l] == 0 || n[l] == '.');
}

static void run_ctors(const struct load_info *info)
{
	for (unsigned i = 1; i < info->hdr->e_shnum; i++)
		if (array_sec(info, i, ".init_array") || array_sec(info, i, ".ctors"))
			run_array(info->secaddr[i], info->sh[i].sh_size);
}

static int find_fini(const struct load_info *info, struct vmkasan_module *mod)
{
	for (unsigned i = 1; i < info->hdr->e_shnum; i++) {
		if (!array_sec(info, i, ".fini_array") && !array_sec(info, i, ".dtors"))
			continue;
		if (mod->nfini == MODULE_MAX_FINI) {
			kasan_printf("%s: more than %d destructor sections\n", mod->name,
				     MODULE_MAX_FINI);
			return -ENOEXEC;
		}
		mod->fini[mod->nfini].addr = info->secaddr[i];
		mod->fini[mod->nfini++].size = info->sh[i].sh_size;
	}
	return 0;
}

static void run_fini(const struct vmkasan_module *mod)
{
	for (unsigned i = 0; i < mod->nfini; i++)
		run_array(mod->fini[i].addr, mod->fini[i].size);
}

static void unlink_module(struct vmkasan_module *mod)
{
	kasan_spin_lock(&module_lock);
	for (struct vmkasan_module **pp = &modules; *pp; pp = &(*pp)->next)
		if (*pp == mod) {
			*pp = mod->next;
			break;
		}
	kasan_spin_unlock(&module_lock);
}

static void release_deps(struct vmkasan_module *mod)
{
	kasan_spin_lock(&module_lock);
	for (unsigned i = 0; i < mod->ndeps; i++)
		mod->deps[i]->refcount--;
	kasan_spin_unlock(&module_lock);
}

/* MODULE_STATE_LIVE: the notifier gets the module's KUnit suites
 * (find_module_sections' .kunit_test_suites), none when it has none. */
static void notify_live(const struct load_info *info, const struct vmkasan_module *mod)
{
	void (*fn)(const char *, void *const *, unsigned long) = READ_ONCE(live_notifier);
	int sec = find_sec(info, ".kunit_test_suites");

	if (fn && sec)
		fn(mod->name, (void *const *)info->secaddr[sec], info->sh[sec].sh_size / sizeof(void *));
}

/* The regions, sections and everything else of a module being loaded;
 * on any failure all of it goes back. */
static struct vmkasan_module *load_module(struct load_info *info, char *args, int *errp)
{
	struct vmkasan_module *mod;
	int err, sec;

	err = check_elf(info);
	if (err)
		goto fail_early;
	err = -ENOMEM;
	info->secaddr = kzalloc(info->hdr->e_shnum * sizeof(uintptr_t), GFP_KERNEL);
	info->sectype = kzalloc(info->hdr->e_shnum, GFP_KERNEL);
	mod = kzalloc(sizeof(*mod), GFP_KERNEL);
	if (!info->secaddr || !info->sectype || !mod) {
		kfree(mod);
		goto fail_early;
	}
	for (size_t i = 0; i < MODULE_NAME_LEN - 1 && info->name[i]; i++)
		mod->name[i] = info->name[i];
	kasan_spin_lock(&module_lock);
	for (struct vmkasan_module *m = modules; m; m = m->next)
		if (streq(m->name, mod->name)) {
			kasan_spin_unlock(&module_lock);
			kasan_printf("%s: module is already loaded\n", mod->name);
			kfree(mod);
			err = -17;	/* EEXIST */
			goto fail_early;
		}
	/* add_unformed_module(): in the list from now on, so that a second
	 * load of the same name fails; not live, so nothing uses it yet. */
	mod->next = modules;
	modules = mod;
	kasan_spin_unlock(&module_lock);

	info->plt_size = plt_size(info);
	err = copy_symbols(info, mod);
	if (!err)
		err = layout_and_move(info, mod);
	kasan_spin_lock(&module_lock);
	if (!err)
		err = simplify_symbols(info, mod);
	if (!err)	/* the modules it uses stay until it goes */
		for (unsigned i = 0; i < mod->ndeps; i++)
			mod->deps[i]->refcount++;
	kasan_spin_unlock(&module_lock);
	if (err) {
		mod->ndeps = 0;
		goto fail;
	}
	err = apply_relocations(info, mod);
	if (!err)
		err = protect(mod, MOD_TEXT, PLAT_MOD_RX);
	if (!err)
		err = protect(mod, MOD_INIT_TEXT, PLAT_MOD_RX);
	if (!err)
		err = protect(mod, MOD_RODATA, PLAT_MOD_RO);
	if (!err)
		err = parse_args(info, mod, args);
	if (err)
		goto fail_deps;

	sec = find_sec(info, "__ksymtab");
	if (sec) {
		mod->exports = (const struct vmk_ksym *)info->secaddr[sec];
		mod->nexports = info->sh[sec].sh_size / sizeof(struct vmk_ksym);
	}
	err = find_fini(info, mod);
	if (err)
		goto fail_deps;
	mod->init = (int (*)(void))sym_addr(mod, "init_module");
	mod->exit = (void (*)(void))sym_addr(mod, "cleanup_module");

	/* do_mod_ctors(): KASAN registers the module's globals here. */
	run_ctors(info);
	WRITE_ONCE(mod->formed, true);	/* traces may name its functions */
	if (mod->init) {
		err = mod->init();
		if (err > 0) {
			kasan_printf("%s: '%s'->init suspiciously returned %d, it should follow 0/-E convention\n",
				     mod->name, mod->name, err);
			err = 0;
		}
		if (err) {
			unlink_module(mod);
			run_fini(mod);
			goto fail_deps;
		}
	}
	kasan_spin_lock(&module_lock);
	mod->live = true;
	kasan_spin_unlock(&module_lock);
	notify_live(info, mod);
	/* do_free_init(): what only init used goes now. */
	free_mem(mod, MOD_INIT_TEXT);
	free_mem(mod, MOD_INIT_DATA);
	kfree(info->secaddr);
	kfree(info->sectype);
	*errp = 0;
	return mod;

fail_deps:
	release_deps(mod);
fail:
	unlink_module(mod);
	free_module(mod);
fail_early:
	kfree(info->secaddr);
	kfree(info->sectype);
	*errp = err;
	return NULL;
}

__public struct vmkasan_module *vmkasan_load_module(const char *name, const void *image, unsigned long size,
						     const char *params, int *err)
{
	struct load_info info = { .name = name, .img = image, .len = size };
	struct vmkasan_module *mod;
	char *args = NULL;
	int e = 0;

	if (!kasan_ready)
		kasan_init();
	if (params && *params) {
		size_t n = kasan_strlen(params);

		args = kmalloc(n + 1, GFP_KERNEL);
		if (!args) {
			e = -ENOMEM;
			goto out;
		}
		kasan_memcpy_raw(args, params, n + 1);
	}
	mod = load_module(&info, args, &e);
	/* charp parameters point into the copy: it stays with the module */
	if (mod) {
		mod->args = args;
		if (err)
			*err = 0;
		return mod;
	}
	kfree(args);
out:
	if (err)
		*err = e;
	return NULL;
}

__public int vmkasan_unload_module(struct vmkasan_module *mod)
{
	struct vmkasan_module *m;

	kasan_spin_lock(&module_lock);
	/* Only a live module: not one being loaded, unloaded or gone. */
	for (m = modules; m && m != mod; m = m->next)
		;
	if (!m || !mod->live) {
		kasan_spin_unlock(&module_lock);
		return -ENOENT;
	}
	/* delete_module() says nothing: the caller words it (rmmod). */
	if (mod->refcount) {
		kasan_spin_unlock(&module_lock);
		return -EBUSY;
	}
	/* delete_module(): an init without an exit pins the module. */
	if (mod->init && !mod->exit) {
		kasan_spin_unlock(&module_lock);
		return -EBUSY;
	}
	mod->live = false;
	kasan_spin_unlock(&module_lock);
	if (mod->exit)
		mod->exit();
	/* The destructors KASAN added unregister the module's globals. */
	run_fini(mod);
	unlink_module(mod);
	release_deps(mod);
	free_module(mod);
	return 0;
}

/* A pc in a live module: its function, as Linux prints "func+0x1c/0x40 [foo]". */
bool module_symbolize(uintptr_t pc, struct plat_symbol *out)
{
	bool found = false;

	if (!kasan_spin_trylock(&module_lock))
		return false;
	for (struct vmkasan_module *m = modules; m && !found; m = m->next) {
		int t;

		if (!READ_ONCE(m->formed))
			continue;
		for (t = 0; t < MOD_MEM_NR; t++)
			if (m->mem[t].base && pc - m->mem[t].base < m->mem[t].size)
				break;
		if (t == MOD_MEM_NR)
			continue;
		for (unsigned i = 1; i < m->nsyms; i++) {
			const Elf64_Sym *s = &m->syms[i];

			if ((s->st_info & 0xf) != STT_FUNC || s->st_shndx == SHN_UNDEF ||
			    pc < s->st_value || pc - s->st_value >= (s->st_size ? s->st_size : 1))
				continue;
			kasan_memset_raw(out, 0, sizeof(*out));
			out->module = m->name;
			out->module_off = (uintptr_t)-1;
			out->func = m->strtab + s->st_name;
			out->func_off = pc - s->st_value;
			out->func_size = s->st_size;
			found = true;
			break;
		}
	}
	kasan_spin_unlock(&module_lock);
	return found;
}
