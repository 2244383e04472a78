/* SPDX-License-Identifier: MIT */
/*
 * What the bare-metal RISC-V64 port (build/bin/vmkasan-cc --target=riscv64-virt)
 * adds to <vmkasan.h>: threads on harts, and a look at the page tables.
 */
#ifndef VMKASAN_RISCV_API_H
#define VMKASAN_RISCV_API_H

#include <stddef.h>
#include "vmkasan.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vmk_thread vmk_thread_t;

/* A cooperative thread on hart `hart`, on a vmap stack of stack_size
 * bytes (0: 32 KiB) with a guard page below it.  NULL if the hart does
 * not exist or there is no RAM. */
VMKASAN_API vmk_thread_t *vmk_thread_create(void (*fn)(void *), void *arg, unsigned hart,
					    size_t stack_size);
/* Wait for it to end (yielding meanwhile) and free its stack. */
VMKASAN_API void vmk_thread_join(vmk_thread_t *t);
/* Let the other threads of this hart run. */
VMKASAN_API void vmk_yield(void);
VMKASAN_API unsigned vmk_hart_id(void);
VMKASAN_API unsigned vmk_nr_harts(void);
/* The calling thread's stack, [*lo, *hi): a vmap stack (main's too)
 * with a guard page below *lo. */
VMKASAN_API void vmk_stack_bounds(const void **lo, const void **hi);

/* Sleep on the hart's timer (Sstc stimecmp and wfi): the hart does
 * nothing else meanwhile.  vmk_timer_wakes() counts this hart's wakes. */
VMKASAN_API void vmk_sleep_us(unsigned long us);
VMKASAN_API unsigned long vmk_timer_wakes(void);

/* The leaf PTE behind addr: the page tables as the truth. */
enum { VMK_PTE_NONE, VMK_PTE_POISON, VMK_PTE_FRAME, VMK_PTE_GUARD, VMK_PTE_OTHER,
       VMK_PTE_ZERO };	/* ZERO: the zero page in a big area's shadow */
VMKASAN_API int vmk_pte_state(const void *addr);
/* The leaf PTE's permissions behind addr: VMK_PTE_R | _W | _X, or 0
 * when it is not mapped (module text is R|X, its data R|W). */
enum { VMK_PTE_R = 1, VMK_PTE_W = 2, VMK_PTE_X = 4 };
VMKASAN_API unsigned vmk_pte_perm(const void *addr);
/* Shadow frames present in the vmalloc shadow, counted from the page tables. */
VMKASAN_API unsigned long vmk_shadow_resident(void);
/* Pages of page tables. */
VMKASAN_API unsigned long vmk_page_table_pages(void);

/* What the port's memory management did since boot (all harts): counts
 * that do not depend on the host's load, unlike QEMU's timing. */
struct vmk_events {
	unsigned long shootdowns;	/* TLB flushes sent to the other harts (and waited for) */
	unsigned long shootdown_wait_us;/* time spent waiting for the other harts' flushes */
	unsigned long flush_all;	/* whole-TLB sfence.vma on this hart */
	unsigned long flush_page;	/* one-page sfence.vma on this hart */
	unsigned long shadow_mapped;	/* frames put into the vmalloc shadow */
	unsigned long shadow_unmapped;	/* frames taken out of it */
	unsigned long stale_fixups;	/* a stale TLB entry mended by a local flush (fault, recheck) */
};
VMKASAN_API void vmk_get_events(struct vmk_events *out);

/* Reset the machine and run the program again from the start, with
 * extra_options appended to VMKASAN_OPTIONS and len bytes of data (at
 * most 3 KiB) that the next boot reads back with vmk_restart_data(). */
VMKASAN_API __attribute__((noreturn)) void vmk_restart(const char *extra_options,
						       const void *data, size_t len);
/* The data of the restart that started this boot, or NULL on a cold boot. */
VMKASAN_API const void *vmk_restart_data(size_t *len);

/* A file `vmkasan-qemu --module=dir/foo.ko` handed the guest, by its
 * name without the folder ("foo.ko"), for vmkasan_load_module(); NULL if
 * there is none of that name.  It stays in RAM for the whole run. */
VMKASAN_API const void *vmk_module_file(const char *name, size_t *size);

#ifdef __cplusplus
}
#endif
#endif
