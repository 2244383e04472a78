// SPDX-License-Identifier: MIT
/*
 * A stack depot, after the kernel's lib/stackdepot.c: allocation and
 * free traces of vmalloc areas are stored once each and referred to by a
 * 32-bit handle, so a million live areas do not carry a million copies
 * of the same few call chains.
 */
#include "mm/mm.h"

#define DEPOT_DEPTH	8
#define DEPOT_BUCKETS	(1u << 14)

struct depot_entry {
	struct depot_entry *next;
	uint32_t hash, nr, handle;
	uintptr_t pcs[DEPOT_DEPTH];
};

static struct depot_entry *buckets[DEPOT_BUCKETS];
static struct depot_entry **by_handle;	/* handle - 1 -> entry */
static uint32_t nr_entries;
#define MAX_ENTRIES (1u << 20)
_Static_assert(MAX_ENTRIES < (1u << DEPOT_HANDLE_BITS), "handle = index + 1 must fit DEPOT_HANDLE_BITS");
static kasan_spinlock_t depot_lock;

static uint32_t hash_pcs(const uintptr_t *pcs, uint32_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (uint32_t i = 0; i < n; i++)
		h = (h ^ pcs[i]) * 0x100000001b3ULL;
	return (uint32_t)(h ^ (h >> 32));
}

/*
 * Frame-pointer walk from fp, the frame of the function holding ip.
 * Only frames inside the current stack are followed, so a chain that
 * runs into code without frame pointers ends instead of faulting.
 *
 * The test is written so that it cannot wrap: code built without frame
 * pointers (a -static glibc's _dlerror_run, say) uses rbp as a plain
 * register, and a value like -8 passed "fp + 16 <= hi" because fp + 16
 * wrapped to 8 — the load then faulted on a non-canonical address and
 * the fault handler reported a wild access in the runtime itself.  Every
 * word read here lies inside the mapping of the running stack, which is
 * readable, so no load can fault.
 */
static bool frame_in(uintptr_t fp, uintptr_t lo, uintptr_t hi)
{
	return !(fp & 7) && fp >= lo && hi >= lo + 16 && fp <= hi - 16;
}

static uint32_t save_trace(uintptr_t fp, uintptr_t ip, uintptr_t *pcs)
{
	uintptr_t lo, hi;
	uint32_t n = 0;

	pcs[n++] = ip;
	/* Bounds of the stack we run on (cached per thread): a caller
	 * without frame pointers hands us garbage, which must not send us
	 * looking for its mapping on every call. */
	if (!plat_stack_bounds((uintptr_t)__builtin_frame_address(0), &lo, &hi))
		return n;
	/* The frame record (saved fp, return address) sits at fp plus the
	 * port's offset; it must lie wholly inside the stack. */
	while (n < DEPOT_DEPTH && frame_in(fp + PLAT_FRAME_RECORD_OFFSET, lo, hi)) {
		const uintptr_t *rec = (const uintptr_t *)(fp + PLAT_FRAME_RECORD_OFFSET);
		uintptr_t next = rec[0], ret = rec[1];

		if (!ret)
			break;
		pcs[n++] = ret;
		if (next <= fp)
			break;
		fp = next;
	}
	return n;
}

static struct depot_entry *depot_find(uint32_t h, uint32_t n, const uintptr_t *pcs)
{
	struct depot_entry *e;

	for (e = __atomic_load_n(&buckets[h % DEPOT_BUCKETS], __ATOMIC_ACQUIRE); e; e = e->next) {
		uint32_t i = 0;

		if (e->hash != h || e->nr != n)
			continue;
		while (i < n && e->pcs[i] == pcs[i])
			i++;
		if (i == n)
			return e;
	}
	return NULL;
}

depot_handle_t stack_depot_save_here(uintptr_t fp, uintptr_t ip)
{
	uintptr_t pcs[DEPOT_DEPTH];
	uint32_t n = save_trace(fp, ip, pcs), h = hash_pcs(pcs, n);
	struct depot_entry *e;
	depot_handle_t handle = 0;

	/* Entries are never removed and are published whole (release
	 * store of the bucket head), so a trace seen before — nearly every
	 * malloc's — is found without the lock, which threads would
	 * otherwise all take on every allocation and free. */
	e = depot_find(h, n, pcs);
	if (e)
		return e->handle;
	kasan_spin_lock(&depot_lock);
	e = depot_find(h, n, pcs);
	if (e) {
		handle = e->handle;
	} else if (nr_entries < MAX_ENTRIES && (by_handle || (by_handle = plat_alloc_pages(
			   MAX_ENTRIES * sizeof(*by_handle))))) {
		/* No trace is better than a failed allocation: a full budget
		 * leaves the handle 0. */
		e = meta_alloc(sizeof(*e));
		if (e) {
			e->hash = h;
			e->nr = n;
			for (uint32_t i = 0; i < n; i++)
				e->pcs[i] = pcs[i];
			e->handle = handle = ++nr_entries;
			by_handle[handle - 1] = e;
			e->next = buckets[h % DEPOT_BUCKETS];
			__atomic_store_n(&buckets[h % DEPOT_BUCKETS], e, __ATOMIC_RELEASE);
		}
	}
	kasan_spin_unlock(&depot_lock);
	return handle;
}

void stack_depot_print(depot_handle_t h)
{
	struct depot_entry *e = NULL;

	kasan_spin_lock(&depot_lock);
	if (h && h <= nr_entries)
		e = by_handle[h - 1];
	kasan_spin_unlock(&depot_lock);
	if (!e) {
		kasan_printf(" (no trace recorded)\n");
		return;
	}
	kasan_print_pcs(e->pcs, (int)e->nr);
}

void depot_lock_all(bool lock)
{
	if (lock)
		kasan_spin_lock(&depot_lock);
	else
		kasan_spin_unlock(&depot_lock);
}
