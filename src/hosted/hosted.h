/* SPDX-License-Identifier: MIT */
/* Internal interfaces between the files of the hosted Linux port. */
#ifndef VMKASAN_HOSTED_H
#define VMKASAN_HOSTED_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "layout.h"

/* linux.c: the process's mappings, from /proc/self/maps */
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
/* Per-thread alternate signal stack so that a stack overflow can still
 * be reported; called for the main thread at start and by every thread
 * the runtime creates. */
void hosted_setup_altstack(void);

/*
 * A subsystem that keeps parts of the shadow unmapped (the vmalloc
 * space) tells the fault handler which shadow addresses are its own and
 * what value an absent shadow byte stands for (>= 0).  Returns
 * HOLE_NOT_OURS when the address is not the subsystem's, HOLE_BUSY when
 * it is but its shadow is present or being made (a fault there is
 * retried: a populate is about to finish).
 */
#define HOLE_NOT_OURS	(-1)
#define HOLE_BUSY	(-2)
typedef int (*hosted_shadow_hole_fn)(uintptr_t shadow_addr);
void hosted_register_shadow_hole(hosted_shadow_hole_fn fn);

/*
 * A subsystem that owns guard areas (vmalloc guard pages, vmap stacks)
 * explains a fault on one; returns true when it printed a report.
 */
typedef bool (*hosted_fault_fn)(uintptr_t addr, bool write, uintptr_t ip, uintptr_t fp,
				uintptr_t sp);
void hosted_register_fault_explainer(hosted_fault_fn fn);

/* Whoever maps real shadow over a hole does it under the fault lock,
 * after marking the page "being made" (see fault.c).  Signals are
 * blocked while it is held; old keeps the mask to restore. */
void hosted_fault_lock(sigset_t *old);
void hosted_fault_unlock(const sigset_t *old);

#endif
