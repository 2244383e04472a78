// SPDX-License-Identifier: MIT
/*
 * A stack depot, after the kernel's lib/stackdepot.c: allocation and
 * free traces of vmalloc areas are stored once each and referred to by a
 * 32-bit handle, so a million live areas do not carry a million copies
 * of the same few call chains.
 */
#include "mm/mm.h"

#define DEPOT_DEPTH	8

struct depot_entry {
	uint32_t hash, nr, handle;
	uintptr_t pcs[DEPOT_DEPTH];
};

static struct depot_entry **by_handle;	/* handle - 1 -> entry */
static uint32_t nr_entries;
#define MAX_ENTRIES (1u << 20)
_Static_assert(MAX_ENTRIES < (1u << DEPOT_HANDLE_BITS), "handle = index + 1 must fit DEPOT_HANDLE_BITS");
static kasan_spinlock_t depot_lock;

/*
 * The index from trace to entry: open addressing (linear probing) over
 * 64-bit slots holding hash << 32 | handle (0: empty).  It doubles
 * whenever it gets half full, so a lookup — done on every malloc and
 * free — stays at one or two probes however many distinct traces a
 * program has.  (A fixed table of 16384 chained buckets made a
 * recursive, heavily inlined program with a few hundred thousand
 * distinct traces spend two thirds of its time walking chains.)  Linux
 * sizes its depot's table from the RAM size instead, up to 2^20
 * buckets; growing on demand keeps small programs small.
 *
 * Lookups take no lock.  A slot only ever goes from empty to its final
 * value (release store, after the entry and its by_handle index are
 * written), and a full table is replaced, never changed: a grown one is
 * filled privately, then published.  A reader still probing an old
 * table may miss a newer trace; it then looks again under the lock.
 * Replaced tables are never freed (a reader may still be in one); they
 * add up to less than the current one.
 *
 * A table is t[0] = mask, t[1 .. mask + 1] = slots.
 */
#define DEPOT_MIN_SLOTS	(1u << 14)
static uint64_t first_table[1 + DEPOT_MIN_SLOTS] = { DEPOT_MIN_SLOTS - 1 };
static uint64_t *table = first_table;

/* Slot index of a hash: the hash's bits mixed again (murmur3's
 * finaliser), as linear probing wants neighbouring hashes spread. */
static uint64_t slot_of(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

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

		/* A zero saved frame pointer: the outermost frame, called by
		 * the thread's start-up (as kasan_print_trace ends there). */
		if (!ret || !next)
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
	const uint64_t *t = __atomic_load_n(&table, __ATOMIC_ACQUIRE);
	uint64_t mask = t[0];

	/* Never full (see table_room_locked): an empty slot ends the probe. */
	for (uint64_t i = slot_of(h) & mask;; i = (i + 1) & mask) {
		uint64_t s = __atomic_load_n(&t[1 + i], __ATOMIC_ACQUIRE);
		struct depot_entry *e;
		uint32_t k = 0;

		if (!s)
			return NULL;
		if ((uint32_t)(s >> 32) != h)
			continue;
		e = by_handle[(uint32_t)s - 1];
		if (e->nr != n)
			continue;
		while (k < n && e->pcs[k] == pcs[k])
			k++;
		if (k == n)
			return e;
	}
}

static void table_put(uint64_t *t, uint32_t h, uint32_t handle)
{
	uint64_t i = slot_of(h) & t[0];

	while (t[1 + i])
		i = (i + 1) & t[0];
	__atomic_store_n(&t[1 + i], (uint64_t)h << 32 | handle, __ATOMIC_RELEASE);
}

/* Room for one more entry, growing the table at half full; lock held.
 * False when it cannot grow and is three quarters full: the trace then
 * goes unrecorded, which keeps an empty slot for every probe to end at. */
static bool table_room_locked(void)
{
	uint64_t slots = table[0] + 1, *t;

	if ((uint64_t)(nr_entries + 1) * 2 <= slots)
		return true;
	t = plat_alloc_pages((1 + 2 * slots) * sizeof(uint64_t));
	if (t) {
		plat_memset(t, 0, (1 + 2 * slots) * sizeof(uint64_t));
		t[0] = 2 * slots - 1;
		for (uint32_t k = 0; k < nr_entries; k++)
			table_put(t, by_handle[k]->hash, by_handle[k]->handle);
		__atomic_store_n(&table, t, __ATOMIC_RELEASE);
		return true;
	}
	return (uint64_t)(nr_entries + 1) * 4 <= slots * 3;
}

depot_handle_t stack_depot_save_here(uintptr_t fp, uintptr_t ip)
{
	uintptr_t pcs[DEPOT_DEPTH];
	uint32_t n = save_trace(fp, ip, pcs), h = hash_pcs(pcs, n);
	struct depot_entry *e;
	depot_handle_t handle = 0;

	/* Entries are never removed and are published whole (release
	 * store of their index slot), so a trace seen before — nearly every
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
			   MAX_ENTRIES * sizeof(*by_handle)))) && table_room_locked()) {
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
			table_put(table, h, handle);	/* publishes e */
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

uintptr_t stack_depot_first_pc(depot_handle_t h)
{
	struct depot_entry *e = NULL;

	kasan_spin_lock(&depot_lock);
	if (h && h <= nr_entries)
		e = by_handle[h - 1];
	kasan_spin_unlock(&depot_lock);
	return e && e->nr ? e->pcs[0] : 0;
}

void depot_lock_all(bool lock)
{
	if (lock)
		kasan_spin_lock(&depot_lock);
	else
		kasan_spin_unlock(&depot_lock);
}
