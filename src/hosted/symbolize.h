/* SPDX-License-Identifier: MIT */
/*
 * Report-time symbolizer for hosted (Linux user-space) builds: maps a
 * code or data address to module, symbol and source line without
 * malloc, stdio or forking a debugger: it calls only dl_iterate_phdr,
 * open, fstat, mmap, munmap, readlink and close (plus string builtins
 * the compiler may emit), so it is safe to call from a report, even one
 * raised inside malloc.
 *
 * The strings in struct vmk_symbol point into mapped files or into an
 * internal string pool; they stay valid while the module stays in the
 * internal cache (64 modules; older ones are evicted only beyond that).
 * Calls are serialized by an internal spin lock; do not call from a
 * signal handler that may interrupt a call in progress.
 */
#ifndef VMKASAN_HOSTED_SYMBOLIZE_H
#define VMKASAN_HOSTED_SYMBOLIZE_H
#include <stdbool.h>
#include <stdint.h>
/* Inlined frames kept per address; deeper chains lose their middle frames. */
#define VMK_MAX_INLINED 8

struct vmk_inlined_frame {
	const char *func;	/* the inlined function, NULL if its name is unknown */
	const char *file;	/* NULL if unknown */
	unsigned line;
};

struct vmk_symbol {
	const char *module;      /* full path of the ELF module ("/proc/self/exe" resolved to the real path if possible) */
	uintptr_t module_off;    /* pc - load bias of that module (what addr2line -e module wants) */
	const char *func;        /* NULL when no symbol covers pc */
	uintptr_t func_off;      /* pc - symbol start */
	uintptr_t func_size;     /* st_size of the symbol */
	const char *file;        /* source file (with directory if the line table gives one), NULL if unknown */
	unsigned line;           /* 0 if unknown */
	/*
	 * Functions inlined at pc (DWARF inlined subroutines), innermost
	 * first: inlined[0] holds the line-table file:line of pc, each next
	 * one the call site of the one before, and file:line above is then
	 * the call site in func of the outermost.  Only vmk_symbolize fills it.
	 */
	unsigned inlined_count;
	struct vmk_inlined_frame inlined[VMK_MAX_INLINED];
};
/* pc: a code address in this process. is_return_addr: pc is a return address; look up the line of
 * pc-1 (the call instruction), but func_off is still computed from pc itself (Linux prints
 * return addresses that way). Returns false if pc lies in no loaded module. */
bool vmk_symbolize(uintptr_t pc, bool is_return_addr, struct vmk_symbol *out);
/* fork: take / release the symbolizer lock. */
void vmk_symbolize_lock_all(bool take);
/* Find a symbol (function or object) by address only; used for the "belongs to the variable" line as a fallback. Same semantics, no line lookup. */
bool vmk_symbolize_data(uintptr_t addr, struct vmk_symbol *out);
#endif
