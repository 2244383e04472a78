/* SPDX-License-Identifier: MIT */
/* Internal interfaces between the files of the hosted Linux port. */
#ifndef VMKASAN_HOSTED_H
#define VMKASAN_HOSTED_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "port_layout.h"

/* machine.c: reserve [addr, addr + size) at exactly that address, lazily
 * backed (no RAM until touched); false if anything lives there already
 * or the reservation is refused. */
enum hosted_prot { HOSTED_PROT_NONE = 0, HOSTED_PROT_READ = 1, HOSTED_PROT_RW = 3 };
bool hosted_reserve(uintptr_t addr, size_t size, enum hosted_prot prot);

/* fault.c: is pc in the runtime's own code? (internal-fault messages) */
bool hosted_pc_in_runtime(uintptr_t pc);

/* machine.c: the process's mappings, from /proc/self/maps */
struct hosted_mapping {
	uintptr_t start, end, offset;
	unsigned long inode;
	char perms[4];		/* "rw-p", "---s", ... */
};
bool hosted_for_each_mapping(bool (*fn)(const struct hosted_mapping *, void *), void *arg);

/* Remember the calling thread's own stack (at start of every thread). */
void hosted_note_thread_stack(void);

/* fault.c */
bool hosted_install_fault_handler(char *err, size_t errlen);
/* malloc.c: whose malloc the program reaches; false (err says why)
 * when the runtime came too late to interpose it. */
bool hosted_malloc_setup(char *err, size_t errlen);
/* Per-thread alternate signal stack so that a stack overflow can still
 * be reported; called for the main thread at start and by every thread
 * the runtime creates. */
void hosted_setup_altstack(void);

/* What vmalloc_shadow_hole() (core.h) returns besides a poison value. */
#define HOLE_NOT_OURS	(-1)
#define HOLE_BUSY	(-2)

/* Whoever maps real shadow over a hole does it under the fault lock,
 * after marking the page "being made" (see fault.c).  Signals are
 * blocked while it is held; old keeps the mask to restore. */
/* Block every signal but the synchronous faults (blocked, those kill the
 * process): a handler can then not run while this thread holds a lock it
 * may want.  *old receives the mask to restore. */
void hosted_block_async_signals(sigset_t *old);
void hosted_fault_lock(sigset_t *old);
/* ram.c, under the fault lock: map a zero shadow page's frame writable. */
bool hosted_shadow_frame_map(uintptr_t shadow_page, unsigned long pfn);
void hosted_fault_unlock(const sigset_t *old);

#endif
