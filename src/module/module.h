/* SPDX-License-Identifier: MIT */
/*
 * The module loader's own definitions (src/module/main.c).  What a port
 * provides for it (symbols of the runtime, relocations) is in
 * platform.h's module group; the ELF types the two share are in core.h.
 */
#ifndef VMKASAN_MODULE_H
#define VMKASAN_MODULE_H

#include "kasan/kasan.h"

/* The regions of a loaded module, laid out as Linux's layout_sections()
 * does (kernel/module/main.c): executable, read-only, writable, and the
 * init part of each, which is freed once init has returned. */
enum mod_mem_type { MOD_TEXT, MOD_RODATA, MOD_DATA, MOD_INIT_TEXT, MOD_INIT_DATA, MOD_MEM_NR };

/* EXPORT_SYMBOL's record in a module's __ksymtab section
 * (include/kernel/vmkasan_kernel.h). */
struct vmk_ksym {
	uintptr_t addr;
	const char *name;
};

#define MODULE_NAME_LEN 56
#define MODULE_MAX_DEPS 16
#define MODULE_MAX_FINI 8

struct vmkasan_module {
	char name[MODULE_NAME_LEN];
	struct vmkasan_module *next;
	struct {
		uintptr_t base;
		size_t size;
	} mem[MOD_MEM_NR];
	bool prot[MOD_MEM_NR];	/* protected: made RW again before vfree */
	/* The symbol table, copied out of the image (names too): traces and
	 * exports look here after the image is gone. */
	Elf64_Sym *syms;
	unsigned nsyms;
	char *strtab;
	size_t strtab_size;
	/* EXPORT_SYMBOL: { address, name } pairs in the module's memory. */
	const struct vmk_ksym *exports;
	unsigned nexports;
	/* Modules this one uses (their refcount holds them). */
	struct vmkasan_module *deps[MODULE_MAX_DEPS];
	unsigned ndeps;
	unsigned refcount;
	int (*init)(void);
	void (*exit)(void);
	/* .fini_array and .fini_array.N (clang names them by priority). */
	struct {
		uintptr_t addr;
		size_t size;
	} fini[MODULE_MAX_FINI];
	unsigned nfini;
	bool formed;		/* laid out and relocated: traces may use it */
	bool live;		/* init returned 0: its exports are usable */
	char *args;		/* param=value copy: charp parameters point into it */
};

#endif
