// SPDX-License-Identifier: MIT
/*
 * What a report says about the vmalloc space: the bug type of a vmalloc
 * address, the mapping it belongs to (live, freed and waiting for the
 * purge, or recently purged) with its traces, a vmap stack's guard page
 * hit, and bad calls (invalid frees, bad vmaps).
 */
#include "mm/vmalloc_internal.h"

void report_bad_call(const char *bug, const char *detail, uintptr_t addr, uintptr_t ip,
		     uintptr_t fp, const char *op)
{
	struct kasan_access a = {
		.addr = addr, .ip = ip, .fp = fp, .op = op, .bug_type = bug, .detail = detail,
	};

	__atomic_add_fetch(&bad_frees, 1, __ATOMIC_RELAXED);
	kasan_report(&a);
}

void describe_bad_free(uintptr_t addr, enum free_kind kind, char *buf, size_t len)
{
	struct vmap_area *va;
	const char *fn = free_fn[kind];

	if (!vmalloc_addr(addr)) {
		kasan_snprintf(buf, len, "%s() of an address outside the vmalloc space [%p, %p)", fn,
			       (void *)VMALLOC_START, (void *)VMALLOC_END);
		return;
	}
	kasan_spin_lock(&vmap_area_lock);
	va = vmap_area_find(&live_tree, addr);
	if (va)
		kasan_snprintf(buf, len, "%s() of %p, which is %lu bytes inside the mapping [%p, %p)",
			       fn, (void *)addr, (unsigned long)(addr - va->va_start),
			       (void *)va->va_start, (void *)va->va_end);
	kasan_spin_unlock(&vmap_area_lock);
	if (va)
		return;
	kasan_spin_lock(&purge_lock);
	va = vmap_area_find(&lazy_tree, addr);
	if (va)
		kasan_snprintf(buf, len, "%s() of %p, in the mapping [%p, %p) that is already freed",
			       fn, (void *)addr, (void *)va->va_start, (void *)va->va_end);
	kasan_spin_unlock(&purge_lock);
	if (va)
		return;
	for (unsigned long i = 0; recent_area(i); i++) {
		const struct recent_area *r = recent_area(i);

		if (addr >= r->start && addr < r->end) {
			kasan_snprintf(buf, len, "%s() of %p, in the mapping [%p, %p) that was freed",
				       fn, (void *)addr, (void *)r->start, (void *)r->end);
			return;
		}
	}
	kasan_snprintf(buf, len, "%s() of %p, which no vmalloc mapping covers", fn, (void *)addr);
}

/* ---- reports ---- */

bool kasan_vmalloc_bug_type(uintptr_t addr, uint8_t v)
{
	if (!vmalloc_addr(addr))
		return false;
	return v == KASAN_VMALLOC_INVALID || v == KASAN_VMALLOC_FREED || v == 0 ||
	       v < KASAN_GRANULE_SIZE;
}

static void print_trace_of(const char *what, uint32_t tid, depot_handle_t h)
{
	kasan_printf("%s by task %u:\n", what, tid);
	stack_depot_print(h);
}

static void describe_live(const struct vmap_area *va, uintptr_t addr)
{
	uintptr_t start = va->va_start;

	kasan_printf("The buggy address belongs to the virtual mapping at\n [%p, %p) created by:\n",
		     (void *)va->va_start, (void *)va->va_end);
	stack_depot_print(va->alloc_trace);
	if (va->flags & VMK_PERCPU) {
		kasan_printf("\nIt is a per-cpu unit: the address is %lu bytes into it, outside every\n"
			     " live per-cpu allocation.\n", (unsigned long)(addr - start));
		return;
	}
	/* The access address, as Linux describes objects: a write that starts
	 * inside the region and runs past it is "N bytes inside of" it. */
	kasan_printf("\n");
	kasan_print_location(addr, start, va->size, "");
	if (addr >= start + ((uintptr_t)va->nr_pages << PAGE_SHIFT))
		kasan_printf("(in the mapping's guard page)\n");
}

/*
 * Reports may come from a signal handler that interrupted vmalloc code
 * holding this very lock on this thread: waiting for it would never end.
 * Try for a while (another thread's critical sections are short), then
 * give up and let the report say so.
 */
static bool report_trylock(kasan_spinlock_t *lock)
{
	for (unsigned i = 0; i < 4096; i++) {
		if (kasan_spin_trylock(lock))
			return true;
		if (i < 64)
			plat_cpu_relax();
		else
			plat_yield();
	}
	return false;
}

enum lookup { NOT_FOUND, FOUND, BUSY };

/* A snapshot of the area of tree holding addr: reports print it unlocked. */
static enum lookup find_area_copy(kasan_spinlock_t *lock, const struct vmap_tree *tree,
				  uintptr_t addr, struct vmap_area *copy)
{
	struct vmap_area *va;

	if (!report_trylock(lock))
		return BUSY;
	va = vmap_area_find(tree, addr);
	if (va)
		*copy = *va;
	kasan_spin_unlock(lock);
	return va ? FOUND : NOT_FOUND;
}

bool kasan_describe_vmalloc(uintptr_t addr)
{
	struct vmap_area copy;

	if (!vmalloc_addr(addr) || !mem_map)
		return false;
	enum lookup live = find_area_copy(&vmap_area_lock, &live_tree, addr, &copy);

	if (live == FOUND) {
		if (copy.flags & VMK_STACK && addr >= copy.va_start + PAGE_SIZE &&
		    addr < copy.va_start + ((uintptr_t)copy.nr_pages << PAGE_SHIFT))
			return kasan_describe_stack(addr);
		describe_live(&copy, addr);
		return true;
	}
	enum lookup lazy = find_area_copy(&purge_lock, &lazy_tree, addr, &copy);

	if (lazy == FOUND) {
		kasan_printf("The buggy address belongs to a freed virtual mapping at\n"
			     " [%p, %p) created by:\n", (void *)copy.va_start, (void *)copy.va_end);
		stack_depot_print(copy.alloc_trace);
		kasan_printf("\n");
		print_trace_of("Freed", copy.free_tid, copy.free_trace);
		return true;
	}
	for (unsigned long i = 0; recent_area(i); i++) {
		const struct recent_area *r = recent_area(i);

		if (addr >= r->start && addr < r->end) {
			kasan_printf("The buggy address belonged to a virtual mapping at\n"
				     " [%p, %p), now freed and unmapped, created by:\n",
				     (void *)r->start, (void *)r->end);
			stack_depot_print(r->alloc_trace);
			kasan_printf("\n");
			print_trace_of("Freed", r->free_tid, r->free_trace);
			return true;
		}
	}
	/* The bottom guard: described by the area right above it, if any. */
	if (live == NOT_FOUND && addr < VMALLOC_START + VMALLOC_BOTTOM_GUARD &&
	    find_area_copy(&vmap_area_lock, &live_tree, VMALLOC_START + VMALLOC_BOTTOM_GUARD,
			   &copy) == FOUND) {
		describe_live(&copy, addr);
		return true;
	}
	if (live == BUSY || lazy == BUSY) {
		kasan_printf("The buggy address lies in the vmalloc space; its mapping cannot be looked up:\n"
			     " the report interrupted vmalloc code that holds the area lock.\n");
		return true;
	}
	kasan_printf("The buggy address lies in the vmalloc space [%p, %p), where no mapping\n"
		     " covers it (never mapped, or freed long ago): its shadow is not present.\n",
		     (void *)VMALLOC_START, (void *)VMALLOC_END);
	return true;
}


/* A hardware fault in the vmalloc space: only a vmap stack's guard page
 * is protected, so this is a stack overflow. */
bool vmalloc_explain_fault(uintptr_t addr, bool write, uintptr_t ip, uintptr_t fp)
{
	uintptr_t start, end;
	bool is_stack;
	char detail[200];
	struct vmap_area *va;

	if (!vmalloc_addr(addr) || !mem_map)
		return false;
	/* An overflow inside vmalloc code holding the lock: say nothing here,
	 * the fault is reported as a plain fault instead. */
	if (!report_trylock(&vmap_area_lock))
		return false;
	va = vmap_area_find(&live_tree, addr);
	is_stack = va && (va->flags & VMK_STACK) && addr < va->va_start + PAGE_SIZE;
	start = va ? va->va_start + PAGE_SIZE : 0;
	end = va ? va->va_start + ((uintptr_t)va->nr_pages << PAGE_SHIFT) : 0;
	kasan_spin_unlock(&vmap_area_lock);
	if (!is_stack)
		return false;
	kasan_snprintf(detail, sizeof(detail),
		       "The task overflowed its vmalloc'd stack [%p, %p): the access hit the guard page below it.",
		       (void *)start, (void *)end);
	struct kasan_access a = {
		.addr = addr, .write = write, .fault = true, .ip = ip, .fp = fp,
		.bug_type = "stack-overflow", .detail = detail,
	};
	kasan_flags.multi_shot = 1;
	kasan_report(&a);
	return true;
}
