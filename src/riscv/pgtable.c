// SPDX-License-Identifier: MIT
/*
 * Sv39 page tables of the RISC-V port, and the RAM behind them.
 *
 * Frames come from a bump allocator after the image while the machine
 * boots (page tables, the shadow of RAM), then from the core's page
 * pool (mm_frame_alloc), so that one free list is all the RAM there is.
 *
 * The vmalloc space's shadow: every 2 MiB of it is described by one leaf
 * table.  Unused shadow is the *poison page*: one read-only page filled
 * with KASAN_VMALLOC_INVALID, mapped by one shared leaf table whose 512
 * entries all point at it, which every unused 2 MiB of shadow shares.
 * An instrumented access to unused vmalloc space therefore reads F9 and
 * is reported by the ordinary check at the real address, without a
 * fault (the v4 review's "switch back and forth from the zero page to
 * real page on demand", with poison in place of zeroes).  Populating a
 * shadow page gives its 2 MiB a private copy of the shared table and
 * swaps the poison page for a frame; releasing swaps it back, and a
 * private table whose last frame goes is freed and the shared one put
 * back.  With rv_shadow_unmapped (option vmalloc_shadow_unmapped=1) the
 * unused shadow is simply absent and faults, as on the hosted port.
 * A big area's zero run (kasan/shadow_vmalloc.c) is the read-only zero
 * page the same way, swapped for a frame by a store's fault (fault.c).
 */
#include "riscv.h"

extern unsigned long rv_ram_size;
pte_t *rv_root;
unsigned long rv_pt_pages;
uintptr_t rv_poison_page, rv_gap_page, rv_zero_page;
int rv_shadow_unmapped;

static uintptr_t boot_next, boot_end;
static kasan_spinlock_t pt_lock;
static uintptr_t poison_leaf;		/* the shared table of poison PTEs */

#define VSHADOW_START	((uintptr_t)kasan_shadow(RV_VMALLOC_BASE))
#define VSHADOW_END	((uintptr_t)kasan_shadow(RV_VMALLOC_BASE + RV_VMALLOC_SIZE))
#define LEAF_SPAN	(1UL << 21)
#define NR_VSHADOW_LEAVES ((RV_VMALLOC_SIZE >> KASAN_SHADOW_SCALE_SHIFT) / LEAF_SPAN)
/* Entries that are not poison (frames, the zero page) in each private
 * leaf table of the vmalloc shadow: the table goes when none is left. */
static uint16_t leaf_frames[NR_VSHADOW_LEAVES];

static inline uintptr_t pte_pa(pte_t e) { return (uintptr_t)(e >> PTE_PPN_SHIFT) << 12; }
static inline pte_t pa_pte(uintptr_t pa, pte_t flags) { return ((pte_t)(pa >> 12) << PTE_PPN_SHIFT) | flags; }

void rv_boot_alloc_init(uintptr_t start, uintptr_t end)
{
	boot_next = ALIGN_UP(start, PAGE_SIZE);
	boot_end = end;
}

uintptr_t rv_boot_alloc_end(void)
{
	return boot_next;
}

uintptr_t rv_boot_alloc(void)
{
	uintptr_t pa;

	if (boot_next >= boot_end)
		return 0;
	pa = boot_next;
	boot_next += PAGE_SIZE;
	plat_memset((void *)pa, 0, PAGE_SIZE);
	return pa;
}

static void drain_pending(void);
static unsigned npending;

uintptr_t rv_page_alloc(void)
{
	unsigned long pfn;

	if (!mm_frame_pool_ready())
		return rv_boot_alloc();
	pfn = mm_frame_alloc();
	if (pfn == ~0UL && READ_ONCE(npending)) {
		/* frames waiting for the other harts' flush are RAM too */
		drain_pending();
		pfn = mm_frame_alloc();
	}
	if (pfn == ~0UL)
		return 0;
	return RV_RAM_BASE + (pfn << PAGE_SHIFT);
}

void rv_page_free(uintptr_t pa)
{
	mm_frame_free((pa - RV_RAM_BASE) >> PAGE_SHIFT);
}

static uintptr_t table_alloc(void)
{
	uintptr_t pa = rv_page_alloc();

	if (pa) {
		plat_memset((void *)pa, 0, PAGE_SIZE);
		__atomic_add_fetch(&rv_pt_pages, 1, __ATOMIC_RELAXED);
	}
	return pa;
}

static unsigned vpn(uintptr_t va, int level)
{
	return (va >> (12 + 9 * level)) & 511;
}

/* The leaf PTE of va (caller holds pt_lock when creating).  A table
 * entry that is the shared poison table is not followed for create. */
static pte_t *walk(uintptr_t va, bool create)
{
	pte_t *t = rv_root;

	/* Our half of Sv39 only: the walk would wrap anything else. */
	if (va >= PLAT_ADDR_LIMIT)
		return NULL;

	for (int level = 2; level > 0; level--) {
		pte_t *e = &t[vpn(va, level)];

		if (!(*e & PTE_V)) {
			uintptr_t pa;

			if (!create || !(pa = table_alloc()))
				return NULL;
			*e = pa_pte(pa, PTE_V);
		} else if (*e & (PTE_R | PTE_X)) {
			return e;	/* a megapage leaf */
		}
		t = (pte_t *)pte_pa(*e);
	}
	return &t[vpn(va, 0)];
}

pte_t *rv_pte(uintptr_t va, bool create)
{
	pte_t *e;

	if (!create)
		return walk(va, false);
	kasan_spin_lock(&pt_lock);
	e = walk(va, true);
	kasan_spin_unlock(&pt_lock);
	return e;
}

bool rv_map(uintptr_t va, uintptr_t pa, pte_t flags)
{
	pte_t *e;

	kasan_spin_lock(&pt_lock);
	e = walk(va, true);
	if (e)
		*e = pa_pte(pa, flags | PTE_V | PTE_A | PTE_D);
	kasan_spin_unlock(&pt_lock);
	return e != NULL;
}

enum rv_pte_state rv_pte_state_of(uintptr_t va)
{
	pte_t *e = walk(va, false);

	if (!e || !(*e & PTE_V))
		return e && (*e & PTE_GUARD) ? RV_PTE_GUARD : RV_PTE_NONE;
	if (pte_pa(*e) == rv_poison_page)
		return RV_PTE_POISON;
	if (pte_pa(*e) == rv_zero_page && va >= VSHADOW_START && va < VSHADOW_END)
		return RV_PTE_ZERO;
	if (*e & PTE_OWNED)
		return RV_PTE_FRAME;
	return RV_PTE_OTHER;
}

/* ---- TLB shoot-down ---- */

volatile unsigned long rv_tlb_gen, rv_tlb_seen[RV_MAX_HARTS];

void rv_tlb_flush_local(void)
{
	RV_EVENT_ADD(flush_all, 1);
	__asm__ volatile("sfence.vma" ::: "memory");
}

/* Up to this many pages are flushed one by one: a whole flush costs every
 * later access a new walk (QEMU drops its whole soft TLB). */
#define FLUSH_PAGES_MAX 32

static void flush_local_range(uintptr_t va, unsigned long n)
{
	if (n > FLUSH_PAGES_MAX) {
		rv_tlb_flush_local();
		return;
	}
	RV_EVENT_ADD(flush_page, n);
	for (unsigned long i = 0; i < n; i++)
		__asm__ volatile("sfence.vma %0" :: "r"(va + (i << PAGE_SHIFT)) : "memory");
}

/*
 * Flush every online hart.  Another hart is asked through its CLINT
 * msip: the M-mode handler (start.S) notes the generation, flushes and
 * stores it; we wait until each has seen ours.  S-mode has no other
 * way to reach a remote TLB without an SBI.
 */
static void flush_remote(void);

void rv_tlb_flush_all(void)
{
	rv_tlb_flush_local();
	flush_remote();
}

/* [va, va + n pages) here, and everything on the other harts. */
void rv_tlb_flush_range(uintptr_t va, unsigned long n)
{
	flush_local_range(va, n);
	flush_remote();
}

void rv_tlb_flush_remote(void)
{
	flush_remote();
}

static void flush_remote(void)
{
	unsigned me = this_hart()->id;
	unsigned long online = READ_ONCE(rv_hart_online), gen, t0;

	if (!(online & ~(1UL << me)))
		return;
	t0 = csr_read(time);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	gen = __atomic_add_fetch(&rv_tlb_gen, 1, __ATOMIC_SEQ_CST);
	for (unsigned h = 0; h < RV_MAX_HARTS; h++)
		if (h != me && (online & (1UL << h)))
			*(volatile uint32_t *)(RV_CLINT_BASE + 4 * h) = 1;
	for (unsigned h = 0; h < RV_MAX_HARTS; h++)
		if (h != me && (online & (1UL << h)))
			while ((long)(READ_ONCE(rv_tlb_seen[h]) - gen) < 0)
				plat_cpu_relax();
	RV_EVENT_ADD(shootdowns, 1);
	RV_EVENT_ADD(shootdown_wait_us, csr_read(time) - t0);	/* ticks until read */
}

/* ---- boot ---- */

static bool map_range(uintptr_t va, uintptr_t pa, size_t len, pte_t flags)
{
	for (size_t off = 0; off < len; off += PAGE_SIZE)
		if (!rv_map(va + off, pa + off, flags))
			return false;
	return true;
}

static uintptr_t filled_page(int value)
{
	uintptr_t pa = rv_boot_alloc();

	if (pa)
		plat_memset((void *)pa, value, PAGE_SIZE);
	return pa;
}

static pte_t *vshadow_l1(void)
{
	return (pte_t *)pte_pa(rv_root[vpn(VSHADOW_START, 2)]);
}

/*
 * The boot address space: devices, RAM (identity, 2 MiB pages), the
 * shadow of RAM and of page 0, and the vmalloc space's shadow as the
 * poison page (or absent).  Everything from the boot allocator.
 */
bool rv_pt_boot(char *err, size_t len)
{
	uintptr_t ram_end = RV_RAM_BASE + rv_ram_size;
	uintptr_t sh, pa;

	rv_root = (pte_t *)rv_boot_alloc();
	rv_poison_page = filled_page(KASAN_VMALLOC_INVALID);
	rv_gap_page = filled_page(KASAN_SHADOW_GAP);
	rv_zero_page = filled_page(0);
	if (!rv_root || !rv_zero_page)
		goto nomem;
	if (!map_range(RV_TEST_BASE, RV_TEST_BASE, PAGE_SIZE, PTE_R | PTE_W) ||
	    !map_range(RV_CLINT_BASE, RV_CLINT_BASE, 0x10000, PTE_R | PTE_W) ||
	    !map_range(RV_UART_BASE, RV_UART_BASE, PAGE_SIZE, PTE_R | PTE_W))
		goto nomem;
	/* RAM: 2 MiB leaves in one table. */
	for (uintptr_t a = RV_RAM_BASE; a < ram_end; a += LEAF_SPAN) {
		pte_t *l1;

		if (!(rv_root[vpn(a, 2)] & PTE_V)) {
			if (!(pa = table_alloc()))
				goto nomem;
			rv_root[vpn(a, 2)] = pa_pte(pa, PTE_V);
		}
		l1 = (pte_t *)pte_pa(rv_root[vpn(a, 2)]);
		l1[vpn(a, 1)] = pa_pte(a, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
	}
	/* The shadow of RAM: 1/8 of it, present and zero from boot. */
	for (sh = (uintptr_t)kasan_shadow(RV_RAM_BASE); sh < (uintptr_t)kasan_shadow(ram_end);
	     sh += PAGE_SIZE)
		if (!(pa = rv_boot_alloc()) || !rv_map(sh, pa, PTE_R | PTE_W))
			goto nomem;
	/* The shadow of page 0 (kasan_init poisons it: NULL is reported). */
	if (!(pa = rv_boot_alloc()) || !rv_map((uintptr_t)kasan_shadow(0), pa, PTE_R | PTE_W))
		goto nomem;
	return true;
nomem:
	kasan_snprintf(err, len, "vmkasan: out of RAM building the boot page tables");
	return false;
}

/* The vmalloc space's shadow, once the options said poison page or
 * nothing: its top table, and the shared poison leaf. */
bool rv_pt_vshadow(char *err, size_t len)
{
	uintptr_t pa;

	if (!(pa = table_alloc()))
		goto nomem;
	rv_root[vpn(VSHADOW_START, 2)] = pa_pte(pa, PTE_V);
	if (!rv_shadow_unmapped) {
		pte_t *leaf;

		if (!(poison_leaf = table_alloc()))
			goto nomem;
		leaf = (pte_t *)poison_leaf;
		for (unsigned i = 0; i < 512; i++)
			leaf[i] = pa_pte(rv_poison_page, PTE_V | PTE_R | PTE_A);
		for (uintptr_t a = VSHADOW_START; a < VSHADOW_END; a += LEAF_SPAN)
			vshadow_l1()[vpn(a, 1)] = pa_pte(poison_leaf, PTE_V);
	}
	return true;
nomem:
	kasan_snprintf(err, len, "vmkasan: out of RAM building the boot page tables");
	return false;
}

/* ---- the vmalloc shadow ---- */

static unsigned leaf_index(uintptr_t sp)
{
	return (unsigned)((sp - VSHADOW_START) / LEAF_SPAN);
}

/* The private leaf table of sp's 2 MiB of shadow, made from the shared
 * poison table if it has none (caller holds pt_lock); NULL: no RAM. */
static pte_t *private_leaf(uintptr_t sp)
{
	pte_t *l1e = &vshadow_l1()[vpn(sp, 1)];

	if (!(*l1e & PTE_V) || pte_pa(*l1e) == poison_leaf) {
		uintptr_t t = table_alloc();

		if (!t)
			return NULL;
		if (!rv_shadow_unmapped)
			plat_memcpy((void *)t, (void *)poison_leaf, PAGE_SIZE);
		*l1e = pa_pte(t, PTE_V);
	}
	return (pte_t *)pte_pa(*l1e);
}

static bool is_zero_pte(pte_t e)
{
	return (e & PTE_V) && pte_pa(e) == rv_zero_page;
}

/* Map frame pa at the vmalloc shadow page sp (no TLB flush: the caller
 * batches).  False when no RAM is left for a private table. */
bool rv_shadow_map(uintptr_t sp, uintptr_t pa)
{
	pte_t *leaf;

	kasan_spin_lock(&pt_lock);
	leaf = private_leaf(sp);
	if (!leaf) {
		kasan_spin_unlock(&pt_lock);
		return false;
	}
	leaf[vpn(sp, 0)] = pa_pte(pa, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D | PTE_OWNED);
	leaf_frames[leaf_index(sp)]++;
	kasan_spin_unlock(&pt_lock);
	RV_EVENT_ADD(shadow_mapped, 1);
	return true;
}

/*
 * Put the poison page (or nothing) back at sp; returns the frame that
 * was there, and in *table a private leaf table that became empty and
 * must be freed after the TLB flush, or 0.
 */
static uintptr_t shadow_unmap_one(uintptr_t sp, uintptr_t *table, bool *zero)
{
	pte_t *l1e = &vshadow_l1()[vpn(sp, 1)], *leaf;
	uintptr_t pa = 0;

	*table = 0;
	kasan_spin_lock(&pt_lock);
	if ((*l1e & PTE_V) && pte_pa(*l1e) != poison_leaf) {
		leaf = (pte_t *)pte_pa(*l1e);
		pte_t e = leaf[vpn(sp, 0)];

		/* a zero run's page, written or not: its shadow was never poisoned */
		*zero = is_zero_pte(e) || (e & (PTE_OWNED | PTE_ZFRAME)) == (PTE_OWNED | PTE_ZFRAME);
		if ((e & PTE_OWNED) || is_zero_pte(e)) {
			if (e & PTE_OWNED)
				pa = pte_pa(e);
			leaf[vpn(sp, 0)] = rv_shadow_unmapped ? 0 :
				pa_pte(rv_poison_page, PTE_V | PTE_R | PTE_A);
			if (!--leaf_frames[leaf_index(sp)]) {
				*table = (uintptr_t)leaf;
				*l1e = rv_shadow_unmapped ? 0 : pa_pte(poison_leaf, PTE_V);
			}
		}
	}
	kasan_spin_unlock(&pt_lock);
	if (pa)
		RV_EVENT_ADD(shadow_unmapped, 1);
	return pa;
}


/* Present shadow frames in the vmalloc shadow, counted from the page
 * tables themselves. */
unsigned long rv_shadow_resident(void)
{
	unsigned long n = 0;

	for (unsigned i = 0; i < NR_VSHADOW_LEAVES; i++) {
		pte_t l1e = vshadow_l1()[i];

		if (!(l1e & PTE_V) || pte_pa(l1e) == poison_leaf)
			continue;
		for (unsigned j = 0; j < 512; j++)
			n += (((pte_t *)pte_pa(l1e))[j] & PTE_OWNED) != 0;
	}
	return n;
}

/*
 * Frames and tables a release took out of the vmalloc shadow wait here
 * until one shoot-down of the other harts covers a batch of them, as
 * the kernel's mmu_gather batches freeing behind its TLB flush.  Until
 * then another hart may still read such a frame through a stale entry:
 * it holds only poison (no area uses it any more), so the worst is a
 * report about memory that is indeed unused.  Populating a shadow page
 * whose old frame still waits here maps that same frame again (taken
 * back out of the batch): a hart with a stale entry then reads and
 * writes the very frame the page has now, and nothing needs flushing.
 * (A shoot-down there instead costs one per such populate, refcount's
 * common case -- its released shadow is soon populated again -- and on
 * a loaded QEMU host each one waits milliseconds for the other vCPU.)
 */
#define PENDING_MAX 128
static uintptr_t pending[PENDING_MAX], pending_va[PENDING_MAX];
static kasan_spinlock_t pending_lock;

static void drain_pending(void)
{
	uintptr_t batch[PENDING_MAX];
	unsigned n;

	kasan_spin_lock(&pending_lock);
	n = npending;
	plat_memcpy(batch, pending, n * sizeof(batch[0]));
	npending = 0;
	kasan_spin_unlock(&pending_lock);
	if (!n)
		return;
	rv_tlb_flush_remote();
	for (unsigned i = 0; i < n; i++)
		rv_page_free(batch[i]);
}

/* The old frame of shadow page sp, if it still waits for the
 * shoot-down: taken out of the batch (0: none). */
static uintptr_t pending_take(uintptr_t sp)
{
	uintptr_t pa = 0;

	kasan_spin_lock(&pending_lock);
	for (unsigned i = 0; i < npending; i++)
		if (pending_va[i] == sp) {
			pa = pending[i];
			pending[i] = pending[--npending];
			pending_va[i] = pending_va[npending];
			break;
		}
	kasan_spin_unlock(&pending_lock);
	return pa;
}

static void free_after_flush(uintptr_t pa, uintptr_t va)
{
	/* one hart: nobody else can hold a stale entry */
	if (!(READ_ONCE(rv_hart_online) & ~(1UL << this_hart()->id))) {
		rv_page_free(pa);
		return;
	}
	for (;;) {
		kasan_spin_lock(&pending_lock);
		if (npending < PENDING_MAX) {
			pending_va[npending] = va;
			pending[npending++] = pa;
			kasan_spin_unlock(&pending_lock);
			return;
		}
		kasan_spin_unlock(&pending_lock);
		drain_pending();
	}
}

/* ---- the vmalloc shadow's pages (platform.h's, through mm.c) ---- */

#define BATCH 64

bool rv_shadow_pages_map(uintptr_t sp, unsigned long n, int fill)
{
	for (unsigned long i = 0; i < n; i++) {
		uintptr_t at = sp + (i << PAGE_SHIFT);
		uintptr_t old = READ_ONCE(npending) ? pending_take(at) : 0;
		uintptr_t pa = old ? old : rv_page_alloc();

		/* Through the linear map, before the PTE points at it: another
		 * hart may read the page the moment it does. */
		if (pa && fill >= 0)
			plat_memset((void *)pa, fill, PAGE_SIZE);
		if (!pa || !rv_shadow_map(at, pa)) {
			if (old)	/* other harts may still see it: back to the batch */
				free_after_flush(old, at);
			else if (pa)
				rv_page_free(pa);
			rv_shadow_pages_unmap(sp, i);
			return false;
		}
	}
	/* poison -> frame: this hart at once; another that still sees the
	 * poison page finds out when a check reports (plat_shadow_recheck)
	 * or a write faults on the read-only page (fault.c) */
	flush_local_range(sp, n);
	return true;
}

/* Swap frames back to the poison page, one flush per batch, then free
 * the frames and emptied tables. */
void rv_shadow_pages_unmap(uintptr_t sp, unsigned long n)
{
	bool zeroed = false;

	while (n) {
		uintptr_t frames[BATCH], frame_va[BATCH], tables[BATCH];
		unsigned nf = 0, nt = 0, k = n > BATCH ? BATCH : (unsigned)n;

		uintptr_t first = sp;

		for (unsigned i = 0; i < k; i++, sp += PAGE_SIZE) {
			uintptr_t table, pa;
			bool zero = false;

			pa = shadow_unmap_one(sp, &table, &zero);
			zeroed |= zero;
			if (pa) {
				frame_va[nf] = sp;
				frames[nf++] = pa;
			}
			if (table)
				tables[nt++] = table;
		}
		/* here at once (a freed leaf table may sit in a walk cache:
		 * then everything); the other harts with a batch of frees */
		if (nt)
			rv_tlb_flush_local();
		else
			flush_local_range(first, k);
		for (unsigned i = 0; i < nf; i++)
			free_after_flush(frames[i], frame_va[i]);
		for (unsigned i = 0; i < nt; i++) {
			/* a table stands for no single page: it never blocks a populate,
			 * since the new private table is another one */
			free_after_flush(tables[i], 0);
			__atomic_sub_fetch(&rv_pt_pages, 1, __ATOMIC_RELAXED);
		}
		n -= k;
	}
	/* A zero run's page swapped back to poison: another hart that still
	 * sees the zero page, or the written page's frame (the release does
	 * not poison a zero run), would read a freed area's shadow as
	 * accessible and miss its use after free; any other frame holds the
	 * poison until the batch's shoot-down.  One for the whole release. */
	if (zeroed)
		rv_tlb_flush_remote();
}

/*
 * ---- zero shadow (platform.h's plat_shadow_zero_map, through mm.c) ----
 *
 * A big area's zero run: the read-only zero page in its shadow PTEs,
 * like the poison page elsewhere, so it costs no frame per page.  A
 * write faults (fault.c), and rv_shadow_zero_fill puts the page's own
 * frame there; the release swaps the poison page back (above).  Caller
 * holds the port's fault lock.
 */
bool rv_shadow_zero_map(uintptr_t sp, unsigned long n)
{
	uintptr_t replaced[BATCH], replaced_va[BATCH];
	unsigned nr = 0;
	unsigned long i;

	for (i = 0; i < n; i++) {
		uintptr_t at = sp + (i << PAGE_SHIFT);
		pte_t *leaf, old;

		kasan_spin_lock(&pt_lock);
		leaf = private_leaf(at);
		if (!leaf) {
			kasan_spin_unlock(&pt_lock);
			break;
		}
		old = leaf[vpn(at, 0)];
		/* An unused frame the core took back (kasan_zero_vmalloc's
		 * take_unused) is replaced: freed after the flush. */
		if (old & PTE_OWNED) {
			replaced_va[nr] = at;
			replaced[nr++] = pte_pa(old);
		} else if (!is_zero_pte(old)) {
			leaf_frames[leaf_index(at)]++;
		}
		leaf[vpn(at, 0)] = pa_pte(rv_zero_page, PTE_V | PTE_R | PTE_A);
		kasan_spin_unlock(&pt_lock);
		if (nr == BATCH || (i + 1 == n && nr)) {
			/* an unused frame -> zero: this hart now; on another hart a
			 * stale entry reads the frame, which holds poison and waits
			 * in the batch until the shoot-down */
			rv_tlb_flush_local();
			for (unsigned k = 0; k < nr; k++) {
				RV_EVENT_ADD(shadow_unmapped, 1);
				free_after_flush(replaced[k], replaced_va[k]);
			}
			nr = 0;
		}
	}
	if (i < n) {	/* no RAM for a private table: undo */
		rv_tlb_flush_local();
		for (unsigned k = 0; k < nr; k++)
			free_after_flush(replaced[k], replaced_va[k]);
		rv_shadow_pages_unmap(sp, i);
		return false;
	}
	/* poison -> zero: this hart now; another hart's stale poison is
	 * mended by plat_shadow_recheck (a read) or fault.c (a write) */
	flush_local_range(sp, n);
	return true;
}

/*
 * A write fault on a zero shadow page the core has just charged: its
 * frame, zeroed, replaces the zero page, writable.  Every hart must stop
 * reading the zero page there before the write goes on (a stale entry
 * would read a granule the write poisons as accessible): a shoot-down
 * per written page, which only partial granules and stack frames in a
 * big area cause.  False: no RAM (the caller reports it).  Caller holds
 * the port's fault lock.
 */
bool rv_shadow_zero_fill(uintptr_t sp)
{
	uintptr_t pa = READ_ONCE(npending) ? pending_take(sp) : 0;
	pte_t *leaf;

	if (!pa)
		pa = rv_page_alloc();
	if (!pa)
		return false;
	plat_memset((void *)pa, 0, PAGE_SIZE);
	kasan_spin_lock(&pt_lock);
	leaf = (pte_t *)pte_pa(vshadow_l1()[vpn(sp, 1)]);
	leaf[vpn(sp, 0)] = pa_pte(pa, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D | PTE_OWNED | PTE_ZFRAME);
	kasan_spin_unlock(&pt_lock);
	RV_EVENT_ADD(shadow_mapped, 1);
	rv_tlb_flush_range(sp, 1);
	return true;
}

/* Is the vmalloc shadow page of sa the zero page now? */
bool rv_shadow_is_zero(uintptr_t sa)
{
	pte_t *e;

	if (sa < VSHADOW_START || sa >= VSHADOW_END)
		return false;
	e = walk(sa, false);
	return e && is_zero_pte(*e);
}
