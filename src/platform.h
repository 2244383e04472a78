/* SPDX-License-Identifier: MIT */
/*
 * The machine-dependent interface of the vmkasan core, in the spirit of
 * NetBSD's kasan_md_*: everything the core needs from the machine and
 * nothing more.  The hosted Linux port implements it in src/hosted/; a
 * bare-metal port implements the same functions.
 */
#ifndef VMKASAN_CORE_PLATFORM_H
#define VMKASAN_CORE_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The port's address-space constants: PLAT_SHADOW_OFFSET, PLAT_PAGE_SHIFT,
 * PLAT_ADDR_LIMIT (addresses at or above it have no shadow at all) and
 * PLAT_FRAME_RECORD_OFFSET (where the {caller's frame pointer, return
 * address} pair lies relative to a frame pointer: 0 on x86-64, -16 on
 * RISC-V).  The build names the port's header; the hosted port is the
 * default so that existing builds need no flag.
 */
#ifdef VMKASAN_PORT_LAYOUT
#include VMKASAN_PORT_LAYOUT
#else
#include "hosted/port_layout.h"
#endif
#define PLAT_PAGE_SIZE		(1UL << PLAT_PAGE_SHIFT)

/*
 * The groups below are files of the same name in every port (src/hosted,
 * src/riscv), so that the ports read side by side; tests/contract holds
 * that each function is defined in its group's file.
 */

/* ---- Start-up and options (init.c) ---- */
/* The option string (VMKASAN_OPTIONS), or NULL. */
const char *plat_options(void);
/* The port's own VMKASAN_OPTIONS keys, parsed with the core's (n = 0: none). */
struct kasan_option;
const struct kasan_option *plat_port_options(unsigned *n);

/* ---- The machine: bring-up, output, who and where (machine.c) ---- */
/* Bring the machine up for the core: reserve and map the shadow, install
 * fault handling, open the log.  Called once, options already parsed.
 * On failure writes one line into err. */
bool plat_init(char *err, size_t errlen);

/* Does addr have a shadow byte of its own (it is not itself shadow or a
 * hole in the address space)? */
bool plat_addr_has_shadow(uintptr_t addr);

/* A report is starting / over in this thread: keep asynchronous signals
 * and thread cancellation away until it is over, so that the report
 * always ends and no handler of this thread waits for its locks. */
void plat_report_enter(void);
void plat_report_exit(void);

/* Output of reports: whole lines, already formatted. */
void plat_write(const char *s, size_t n);
/* Terminate after a fatal report. */
__attribute__((noreturn)) void plat_die(int exitcode, bool abort);

/* Fast unchecked memory primitives (the checked memcpy/memmove/memset
 * of string.c end here). */
void *plat_memcpy(void *dst, const void *src, size_t n);
void *plat_memmove(void *dst, const void *src, size_t n);
void *plat_memset(void *dst, int c, size_t n);

/* Who and where. */
unsigned long plat_tid(void);
/* The task's name ("comm"), at most len-1 chars. */
void plat_task_name(char *buf, size_t len);
/* Bounds of the stack containing sp, if known. */
bool plat_stack_bounds(uintptr_t sp, uintptr_t *lo, uintptr_t *hi);
/* sp is on an alternate signal stack: give that stack's bounds and the
 * bounds of the thread's own stack (0, 0 if unknown); false otherwise. */
bool plat_on_signal_stack(uintptr_t sp, uintptr_t alt[2], uintptr_t thread[2]);
/* Copy n bytes from an address that may be unmapped; false on fault. */
bool plat_read_safe(void *dst, uintptr_t src, size_t n);

/* Unwinding and symbols. */
#define PLAT_MAX_INLINED 8
struct plat_inlined_frame {
	const char *func;	/* NULL if unknown */
	const char *file;	/* NULL if unknown */
	unsigned line;
};
struct plat_symbol {
	const char *module;
	uintptr_t module_off;
	const char *func;
	uintptr_t func_off, func_size;
	const char *file;
	unsigned line;
	/* Functions inlined at pc, innermost first, each with its own
	 * file:line; file:line above is then the call site in func.  A port
	 * without debug info leaves n_inlined 0. */
	unsigned n_inlined;
	struct plat_inlined_frame inlined[PLAT_MAX_INLINED];
};
bool plat_symbolize(uintptr_t pc, bool is_return_addr, struct plat_symbol *out);

/* Spinning and time. */
void plat_cpu_relax(void);
/* The CPU (hart) the caller runs on now: a hint for per-CPU data (it may
 * change at any moment; callers take it modulo their slot count), never
 * an identity. */
unsigned plat_cpu_id(void);
uint64_t plat_time_ns(void);

/* ---- Faults that become reports (fault.c) ---- */
/* A report about addr is over: drop any temporary shadow the fault
 * handler installed so that the instrumented check could report it. */
void plat_report_done(uintptr_t addr);
/* A check found [addr, addr + size) poisoned.  A port whose CPUs may
 * still see shadow that another CPU has just mapped (it does not wait
 * for their TLB flush at populate time) flushes its own TLB and returns
 * true: the core looks again before reporting.  Hosted: false. */
bool plat_shadow_recheck(uintptr_t addr, size_t size);
/* Serialise zero shadow pages' changes (mm.c's plat_shadow_zero_map)
 * with the fault path that hands their write faults to the core. */
void plat_shadow_zero_lock(bool lock);

/* ---- Memory: frames, mappings, the vmalloc shadow's pages (mm.c) ---- */
/* Anonymous memory for the runtime's own metadata (page granular). */
void *plat_alloc_pages(size_t size);

/* Called at entry of the allocators: stops a process that shares the
 * runtime's memory with its parent without knowing it (raw clone). */
void plat_check_process(void);

/*
 * Physical memory for the page allocator and the vmalloc space.  Frames
 * are numbered; the hosted port backs them with a memfd so that a frame
 * can appear at several virtual addresses (vmap aliases), the bare-metal
 * port with RAM and page tables.  Frames of the vmalloc space and of its
 * shadow are "identity" frames: the frame behind a vmalloc address is a
 * function of the address, which lets the hosted port keep the whole
 * space in one mapping (see docs/design.md).
 */
struct plat_mm_layout {
	uintptr_t vmalloc_start, vmalloc_end;
	uintptr_t linear_start;		/* page_address(pfn) = linear_start + pfn * PAGE_SIZE */
	unsigned long general_pfns;	/* [0, general_pfns): the alloc_pages() pool */
	unsigned long vmalloc_pfn_base;	/* frame of vmalloc_start */
	unsigned long shadow_pfn_base;	/* frame of the shadow page of vmalloc_start */
	unsigned long nr_pfns;
	/* Frames below this one belong to the machine (a bare-metal image,
	 * its page tables): the pool starts here.  0 on the hosted port. */
	unsigned long general_first;
	/* Pages of real RAM the pool may use: the RAM budget can be no
	 * larger.  0: no limit from the machine (hosted). */
	unsigned long ram_limit_pages;
	/* The most pages one request may have backed: larger ones fail at
	 * once (hosted: RAM + swap, Linux's heuristic overcommit check, which
	 * ASan's allocator meets too).  0: only the budget limits them. */
	unsigned long request_limit_pages;
};
bool plat_mm_init(struct plat_mm_layout *l, char *err, size_t errlen);
/* The RAM behind frames [pfn, pfn + n) goes back to the machine. */
void plat_frames_release(unsigned long pfn, unsigned long n);
/* The runs of frames in [pfn, pfn + n) that hold data now (runs[2i] the
 * first frame, runs[2i + 1] how many), so that a freed frame that holds
 * data can be kept for reuse instead of released; returns how many runs,
 * max + 1 if there are more (or the port cannot tell, or frees a frame's
 * RAM at plat_frames_put and must have plat_frames_release called). */
unsigned plat_frames_data(unsigned long pfn, unsigned long n, unsigned long *runs, unsigned max);
/* Which of frames [pfn, pfn + n) hold data now (vec[i] = 1), for areas
 * too small for runs to pay; returns how many.  A port that frees a
 * frame's RAM at plat_frames_put says none. */
unsigned long plat_frames_resident(unsigned long pfn, unsigned long n, uint8_t *vec);
/* Identity frames of the vmalloc space were taken / given back
 * (frames_take/frames_put): a port whose frames are not a file (bare
 * metal) backs them with RAM and maps them here, zeroed, and unmaps and
 * frees them again; plat_frames_release then only flushes TLBs.  The
 * hosted port does nothing (its memfd is the backing). */
bool plat_frames_take(unsigned long pfn, unsigned long n);
void plat_frames_put(unsigned long pfn, unsigned long n);
/* Map frames at va (vmap), and give va its own frames back (vunmap). */
bool plat_map_alias(uintptr_t va, const unsigned long *pfns, unsigned long n);
void plat_unmap_alias(uintptr_t va, unsigned long n);
/* Install n vmalloc shadow pages (their identity frames, from pfn on);
 * fill >= 0: every byte holds it before any thread can read the pages
 * (the core writes them afterwards when fill is -1) / remove them so
 * that an access faults and is reported at the real address. */
bool plat_shadow_pages_map(uintptr_t shadow_page, unsigned long pfn, unsigned long n, int fill);
void plat_shadow_pages_unmap(uintptr_t shadow_page, unsigned long n);
/* Zero shadow (kasan/shadow_vmalloc.c): map n vmalloc shadow pages so
 * that they read as zero without a frame, and fault on a write, which
 * the port hands to kasan_shadow_zero_write() (core.h) under the lock
 * below, which the caller holds here too.  False: not done (no mappings
 * left, or the port cannot), and the core populates them as usual. */
bool plat_shadow_zero_map(uintptr_t shadow_page, unsigned long n);
/* Make [va, va + n) fault on every access (a stack guard), or undo it. */
bool plat_guard(uintptr_t va, size_t n, bool guard);
unsigned plat_nr_cpus(void);
/* Number of mappings in the address space (a hosted-only worry). */
unsigned long plat_vma_count(void);

/* ---- Threads (sched.c) ---- */
/* Let another thread run (a spinning lock's waiter). */
void plat_yield(void);

/* ---- Modules: the runtime's symbols and relocations (hosted and riscv module.c) ---- */
/* PLAT_ELF_MACHINE (port_layout.h): the e_machine of the modules it loads. */
/* The ELF64 types of a relocatable object (ELF gABI; the layouts are
 * those of Linux's include/uapi/linux/elf.h). */
typedef struct {
	unsigned char e_ident[16];
	uint16_t e_type, e_machine;
	uint32_t e_version;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
} Elf64_Ehdr;
typedef struct {
	uint32_t sh_name, sh_type;
	uint64_t sh_flags, sh_addr, sh_offset, sh_size;
	uint32_t sh_link, sh_info;
	uint64_t sh_addralign, sh_entsize;
} Elf64_Shdr;
typedef struct {
	uint32_t st_name;
	unsigned char st_info, st_other;
	uint16_t st_shndx;
	uint64_t st_value, st_size;
} Elf64_Sym;
typedef struct {
	uint64_t r_offset, r_info;
	int64_t r_addend;
} Elf64_Rela;
#define ELF64_R_SYM(i)	((uint32_t)((i) >> 32))
#define ELF64_R_TYPE(i)	((uint32_t)(i))
/* The address the runtime's kernel API gives name, or 0: the symbols a
 * module may use besides other modules' exports.  A thread-local one
 * (tls) is given as its offset from the thread pointer, the same for
 * every thread (the program's static TLS block). */
uintptr_t plat_module_kernel_symbol(const char *name, bool tls);
/* Bytes of PLT/GOT entries the port may need for these relocations (far
 * targets); the loader puts them in the module's text. */
size_t plat_module_plt_size(const Elf64_Rela *rela, unsigned long n);
/* Apply n relocations to the section [base, base + size); syms[] hold
 * final values (the loader has checked each r_info's symbol index).
 * PLT/GOT entries go in [*plt, plt_end); those made so far for the
 * module are [plt_start, *plt) (a port may share them by target).  0, or
 * a negative errno after printing Linux's message (x86-64: "Unknown rela
 * relocation: N", "overflow in relocation type N val X"; RISC-V:
 * "Unknown relocation type N", "target X can not be addressed ..."). */
int plat_apply_relocate_add(const char *modname, const Elf64_Rela *rela, unsigned long n,
			    uintptr_t base, size_t size, const Elf64_Sym *syms, uintptr_t plt_start,
			    uintptr_t *plt, uintptr_t plt_end);
/* Protect a module region [va, va + size) as Linux's module_enable_rox()
 * and module_enable_rodata_ro() do (text read-only and executable,
 * rodata read-only), or give it back as plain vmalloc memory (RW) before
 * it is freed (VM_FLUSH_RESET_PERMS): nothing of a module outlives it. */
enum plat_module_prot { PLAT_MOD_RW, PLAT_MOD_RX, PLAT_MOD_RO };
bool plat_module_protect(uintptr_t va, size_t size, enum plat_module_prot prot);

/* ---- Per-thread slots (optional) ---- */
/* The address of a pointer-sized slot private to the calling thread, for
 * the malloc fast path's per-thread caches (mm/slab_thread.c), or NULL
 * when the platform has none; plat_thread_watch_exit() asks the platform
 * to call slab_thread_exit() when the calling thread ends.  Optional: the
 * core has weak defaults (no slot: every allocation takes the locks). */
void **plat_thread_slot(void);
void plat_thread_watch_exit(void);
/* A per-thread counter the core keeps while the thread is inside one of
 * the malloc family (fault injection's "malloc" path), or NULL when the
 * platform has none (weak default; malloc's work is then counted on the
 * paths below it). */
int *plat_thread_malloc_depth(void);

#endif /* VMKASAN_CORE_PLATFORM_H */
