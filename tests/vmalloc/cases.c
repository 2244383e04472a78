/*
 * vmalloc bug catalog (items 1 and 2 of the test plan): one case per
 * run, named by argv[1].  Each case states the report it expects (see
 * vmtest.h), does one bad thing, and then checks that it survived and
 * that the allocator still works: 1000 areas made and freed, the
 * counters back to where they started, the runtime's shadow count equal
 * to what mincore() sees.
 *
 * "ok" cases (no report expected) print EXPECT_REPORTS 0.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include "vmtest.h"

static struct vmkasan_stats start_stats;
/* Areas a case may leave behind: the first per-cpu chunk stays for good
 * (as in Linux, where it is the static chunk): nr_cpu_ids areas. */
static unsigned long kept_areas, kept_pages;

static void uses_percpu(void *p)
{
	/* Units are stride apart: stride = unit + one guard page. */
	unsigned long unit = nr_cpu_ids > 1 ?
		(unsigned long)((char *)vmk_per_cpu_ptr(p, 1) - (char *)p) - PGSZ : 32768;

	kept_areas = nr_cpu_ids;
	kept_pages = nr_cpu_ids * (unit / PGSZ);
}

static char global_buf[64];

/* ---- allocator health after a case ---- */

/* Make and free 1000 areas of assorted sizes, writing each fully. */
static noinline void allocator_still_works(void)
{
	static void *ptrs[1000];
	struct vmkasan_stats s;
	unsigned long seed = 12345;

	for (int i = 0; i < 1000; i++) {
		unsigned long size;

		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		size = 1 + (seed >> 33) % (i % 10 == 0 ? 65536 : 3000);
		ptrs[i] = vmalloc(size);
		CHECK(ptrs[i] && is_vmalloc_addr(ptrs[i]), "vmalloc(%lu) #%d failed", size, i);
		if (ptrs[i]) {
			memset(ptrs[i], i & 0xff, size);
			CHECK(((unsigned char *)ptrs[i])[size - 1] == (i & 0xff), "area %d lost its bytes", i);
		}
	}
	get_stats(&s);
	CHECK(s.live_areas == start_stats.live_areas + kept_areas + 1000,
	      "live_areas %lu after 1000 vmallocs, expected %lu", s.live_areas,
	      start_stats.live_areas + kept_areas + 1000);
	for (int i = 0; i < 1000; i++)
		vfree(ptrs[i]);
	vm_unmap_aliases();
	get_stats(&s);
	CHECK(s.live_areas == start_stats.live_areas + kept_areas,
	      "live_areas %lu at the end, %lu at the start (+%lu per-cpu)", s.live_areas,
	      start_stats.live_areas, kept_areas);
	CHECK(s.live_vmalloc_pages == start_stats.live_vmalloc_pages + kept_pages,
	      "live_vmalloc_pages %lu at the end, %lu at the start (+%lu per-cpu)",
	      s.live_vmalloc_pages, start_stats.live_vmalloc_pages, kept_pages);
	CHECK(s.lazy_areas == 0, "lazy_areas %lu after vm_unmap_aliases()", s.lazy_areas);
	check_shadow_count("after the health check");
}

/* A bad call: exactly one report, counted as a bad free.  The per-cpu
 * cases print the count instead (run.sh checks it once, in its own
 * test, rather than failing every per-cpu case for it). */
static void check_bad_call_counted(unsigned long bad_frees)
{
	struct vmkasan_stats s;

	get_stats(&s);
	CHECK(s.bad_frees == start_stats.bad_frees + bad_frees, "bad_frees %lu, expected %lu",
	      s.bad_frees, start_stats.bad_frees + bad_frees);
	CHECK(vmkasan_report_count() == 1, "%lu reports, expected 1", vmkasan_report_count());
}

static void print_bad_frees(void)
{
	struct vmkasan_stats s;

	get_stats(&s);
	say("BAD_FREES %lu", s.bad_frees - start_stats.bad_frees);
	CHECK(vmkasan_report_count() == 1, "%lu reports, expected 1", vmkasan_report_count());
}

/* ================= item 1: bad accesses ================= */

/* The source document's test: vmalloc(3000), read byte 3100. */
static noinline void vmalloc_oob(void)
{
	char *v_ptr = vmalloc(3000);

	CHECK(v_ptr, "vmalloc(3000) failed");
	expect_bug("vmalloc-out-of-bounds", "vmalloc_oob");
	expect_access("Read", 1, v_ptr + 3100);
	say("EXPECT_TEXT The buggy address belongs to the virtual mapping at");
	say("EXPECT_TEXT  [%016lx, %016lx) created by:", (unsigned long)v_ptr,
	    (unsigned long)v_ptr + 8192);
	say("EXPECT_TEXT 100 bytes to the right of");
	((volatile char *)v_ptr)[hide(3100)];
	/* The last good byte and the first bad one of the partial granule. */
	CHECK(vmkasan_region_is_poisoned(v_ptr, 3000) == NULL, "vmalloc(3000) not wholly accessible");
	CHECK(vmkasan_region_is_poisoned(v_ptr, 3001) == v_ptr + 3000, "byte 3000 not poisoned");
	vfree(v_ptr);
}

/* vmap of two pages, one byte past the end: into the guard page. */
static noinline void vmap_oob(void)
{
	struct page *pages[2] = { alloc_page(GFP_KERNEL), alloc_page(GFP_KERNEL) };
	char *v;

	CHECK(pages[0] && pages[1], "alloc_page failed");
	v = vmap(pages, 2, VM_MAP, PAGE_KERNEL);
	CHECK(v && is_vmalloc_addr(v), "vmap failed");
	/* The alias: what the mapping writes, the page has. */
	v[4096 + 7] = 'x';
	CHECK(((char *)page_address(pages[1]))[7] == 'x', "vmap alias does not show in page_address");
	expect_bug("vmalloc-out-of-bounds", "vmap_oob");
	expect_access("Write", 1, v + 8192);
	say("EXPECT_TEXT (in the mapping's guard page)");
	((volatile char *)v)[hide(8192)] = 1;
	vunmap(v);
	__free_page(pages[0]);
	__free_page(pages[1]);
}

static noinline void vm_map_ram_oob(void)
{
	struct page *pages[2] = { alloc_page(GFP_KERNEL), alloc_page(GFP_KERNEL) };
	char *v;

	v = vm_map_ram(pages, 2, NUMA_NO_NODE);
	CHECK(v && is_vmalloc_addr(v), "vm_map_ram failed");
	memset(v, 'r', 8192);
	expect_bug("vmalloc-out-of-bounds", "vm_map_ram_oob");
	expect_access("Read", 4, v + 8192 + 8);
	((volatile int *)v)[hide(2050)];
	vm_unmap_ram(v, 2);
	__free_page(pages[0]);
	__free_page(pages[1]);
}

/* Use after vfree while the area waits on the lazy purge list. */
static noinline void vmalloc_uaf_lazy(void)
{
	char *p = vmalloc(100);

	p[0] = 1;
	vfree(p);
	expect_bug("vmalloc-out-of-bounds", "vmalloc_uaf_lazy");
	expect_access("Write", 4, p + 16);
	say("EXPECT_TEXT The buggy address belongs to a freed virtual mapping at");
	say("EXPECT_TEXT Freed by task");
	*(volatile int *)hide(p + 16) = 5;
}

/* Use after vfree once vm_unmap_aliases() has purged the area. */
static noinline void vmalloc_uaf_purged(void)
{
	char *p = vmalloc(100);

	p[0] = 1;
	vfree(p);
	vm_unmap_aliases();
	expect_bug("vmalloc-out-of-bounds", "vmalloc_uaf_purged");
	expect_access("Read", 1, p + 3);
	say("EXPECT_TEXT now freed and unmapped");
	say("EXPECT_TEXT Freed by task");
	((volatile char *)hide(p))[3];
}

/*
 * The same three for a large area (4 MiB), accessed in its middle: the
 * shadow there is the zero run (read as zero without a frame) that
 * vfree gives back unpoisoned; the access must still be reported, from
 * the fault on absent shadow, in every policy (issue 19: every
 * use-after-vfree caught before is still caught).
 */
#define BIG_AREA (4UL << 20)

static noinline void vmalloc_big_uaf_lazy(void)
{
	char *p = vmalloc(BIG_AREA);

	p[BIG_AREA / 2] = 1;
	vfree(p);
	expect_bug("vmalloc-out-of-bounds", "vmalloc_big_uaf_lazy");
	expect_access("Write", 4, p + BIG_AREA / 2 + 16);
	say("EXPECT_TEXT Freed by task");
	*(volatile int *)hide(p + BIG_AREA / 2 + 16) = 5;
}

static noinline void vmalloc_big_uaf_purged(void)
{
	char *p = vmalloc(BIG_AREA);

	p[BIG_AREA / 2] = 1;
	vfree(p);
	vm_unmap_aliases();
	expect_bug("vmalloc-out-of-bounds", "vmalloc_big_uaf_purged");
	expect_access("Read", 1, p + BIG_AREA / 2 + 3);
	say("EXPECT_TEXT now freed and unmapped");
	say("EXPECT_TEXT Freed by task");
	((volatile char *)hide(p))[BIG_AREA / 2 + 3];
}

static noinline void vmalloc_big_uaf_window(void)
{
	char *p = vmalloc(BIG_AREA);

	p[BIG_AREA / 2] = 1;
	vfree(p);
	for (int i = 0; i < 10; i++) {
		char *q = vmalloc(4096);

		CHECK(q && (q + 4096 <= p + BIG_AREA / 2 || q > p + BIG_AREA / 2),
		      "a small area took the freed middle (round %d)", i);
		q[0] = 2;
		vfree(q);
	}
	expect_bug("vmalloc-out-of-bounds", "vmalloc_big_uaf_window");
	expect_access("Write", 1, p + BIG_AREA / 2 + 5000);
	say("EXPECT_TEXT Freed by task");
	((volatile char *)hide(p))[BIG_AREA / 2 + 5000] = 3;
}

/*
 * A 256 KiB area, not 32 KiB-aligned (7 whole shadow pages): a zero run
 * under keep and purge where its shadow is absent, written shadow under
 * refcount.  A use after vfree is caught either way, lazily freed, after
 * the purge, and while other areas come and go.
 */
#define MID_AREA (256UL << 10)

static char *mid_below;

static char *mid_area(void)
{
	/* Push the area off a 32 KiB boundary with a small one below it,
	 * freed again by mid_done(). */
	char *p;

	mid_below = __vmalloc_node_range(4096, 32768, VMALLOC_START, VMALLOC_END, GFP_KERNEL,
					 PAGE_KERNEL, VM_NO_GUARD, NUMA_NO_NODE, NULL);
	p = vmalloc(MID_AREA);
	CHECK(mid_below && p, "the areas");
	return p;
}

static void mid_done(void)
{
	vfree(mid_below);
}

static noinline void vmalloc_mid_uaf_lazy(void)
{
	char *p = mid_area();

	p[MID_AREA / 2] = 1;
	vfree(p);
	mid_done();
	expect_bug("vmalloc-out-of-bounds", "vmalloc_mid_uaf_lazy");
	expect_access("Write", 4, p + MID_AREA / 2 + 16);
	say("EXPECT_TEXT Freed by task");
	*(volatile int *)hide(p + MID_AREA / 2 + 16) = 5;
}

static noinline void vmalloc_mid_uaf_purged(void)
{
	char *p = mid_area();

	p[MID_AREA / 2] = 1;
	vfree(p);
	mid_done();
	vm_unmap_aliases();
	expect_bug("vmalloc-out-of-bounds", "vmalloc_mid_uaf_purged");
	expect_access("Read", 1, p + MID_AREA / 2 + 3);
	say("EXPECT_TEXT now freed and unmapped");
	say("EXPECT_TEXT Freed by task");
	((volatile char *)hide(p))[MID_AREA / 2 + 3];
}

static noinline void vmalloc_mid_uaf_window(void)
{
	char *p = mid_area();

	p[MID_AREA / 2] = 1;
	vfree(p);
	mid_done();
	for (int i = 0; i < 10; i++) {
		char *q = vmalloc(4096);

		CHECK(q && (q + 4096 <= p + MID_AREA / 2 || q > p + MID_AREA / 2),
		      "a small area took the freed middle (round %d)", i);
		q[0] = 2;
		vfree(q);
	}
	expect_bug("vmalloc-out-of-bounds", "vmalloc_mid_uaf_window");
	expect_access("Write", 1, p + MID_AREA / 2 + 5000);
	say("EXPECT_TEXT Freed by task");
	((volatile char *)hide(p))[MID_AREA / 2 + 5000] = 3;
}

/*
 * Which shadow a 256 KiB area at a fresh address gets: a zero run (no
 * frame for its 7 whole pages) under keep, purge and refcount without a
 * cache, written pages under refcount, whose cache hands them back to
 * the next area there.  Its
 * accessible bytes read as accessible and its end as out of bounds
 * either way (checked by the touches below, which must not report).
 */
static noinline void vmalloc_mid_zero_shadow(void)
{
	struct vmkasan_stats s0, s1;
	char *p;

	say("EXPECT_REPORTS 0");
	vm_unmap_aliases();
	get_stats(&s0);
	p = mid_area();
	if (!p)
		return;
	p[0] = 1;
	p[MID_AREA / 2] = 2;
	p[MID_AREA - 1] = 3;
	get_stats(&s1);
	if (s1.shadow_policy == 2 && !getenv_has("vmalloc_shadow_cache=0"))
		CHECK(s1.shadow_pages >= s0.shadow_pages + 7 ||
		      s1.shadow_pages_used >= s0.shadow_pages_used + 7,
		      "refcount: the area uses %lu more shadow pages, not its 8-9",
		      s1.shadow_pages_used - s0.shadow_pages_used);
	else
		CHECK(s1.shadow_pages <= s0.shadow_pages + 3,
		      "the area made %lu shadow pages, not only its ends",
		      s1.shadow_pages - s0.shadow_pages);
	vfree(p);
	mid_done();
	check_shadow_count("after the 256 KiB area");
}

/*
 * Use after vfree inside the detection window: the area is freed, then
 * other areas come and go (less than the window: the refcount default
 * purges once the lazily freed areas span 32 shadow pages, about 1 MiB),
 * and the stale pointer is still reported as a use of freed memory.
 */
static noinline void vmalloc_uaf_window(void)
{
	char *p = vmalloc(3 * 4096);

	p[0] = 1;
	vfree(p);
	for (int i = 0; i < 10; i++) {
		char *q = vmalloc(4096);

		CHECK(q != p, "the freed range came back within the window (round %d)", i);
		q[0] = 2;
		vfree(q);
	}
	expect_bug("vmalloc-out-of-bounds", "vmalloc_uaf_window");
	expect_access("Write", 1, p + 5000);
	say("EXPECT_TEXT The buggy address belongs to a freed virtual mapping at");
	say("EXPECT_TEXT Freed by task");
	((volatile char *)hide(p))[5000] = 3;
}

/*
 * The refcount policy's cache is an exact LRU: freed areas' shadow pages
 * wait in it (at most vmalloc_shadow_cache of them), a page taken back
 * by a new area leaves it at once, and the count is exact.  100 areas of
 * exactly one shadow page each (32 KiB, aligned, no guard) made and
 * freed again and again: the cache must stay between 7/8 of its size and
 * its size, and populated = used + cached must hold throughout.
 */
static noinline void shadow_cache_lru(void)
{
	enum { N_MAX = 1600 };
	static char *a[N_MAX];
	struct vmkasan_stats s;
	int N;

	say("EXPECT_REPORTS 0");
	get_stats(&s);
	/* Half again as many 32 KiB areas (a shadow page each) as the cache holds. */
	N = (int)(s.shadow_cache_max + s.shadow_cache_max / 2 + 4);
	if (N > N_MAX)
		N = N_MAX;
	for (int round = 0; round < 6; round++) {
		for (int i = 0; i < N; i++) {
			a[i] = __vmalloc_node_range(32768, 32768, VMALLOC_START, VMALLOC_END, GFP_KERNEL,
						    PAGE_KERNEL, VM_NO_GUARD, NUMA_NO_NODE, NULL);
			CHECK(a[i], "area %d of round %d", i, round);
			a[i][32767] = 1;
		}
		for (int i = 0; i < N; i++)
			vfree(a[i]);
		vm_unmap_aliases();
		get_stats(&s);
		CHECK(s.shadow_pages == s.shadow_pages_used + s.shadow_pages_cached ||
		      s.shadow_policy != 2, "round %d: %lu populated != %lu used + %lu cached", round,
		      s.shadow_pages, s.shadow_pages_used, s.shadow_pages_cached);
		if (s.shadow_policy == 2 && !getenv_has("vmalloc_shadow_cache=0"))
			CHECK(s.shadow_pages_cached >= s.shadow_cache_max - s.shadow_cache_max / 8 &&
			      s.shadow_pages_cached <= s.shadow_cache_max,
			      "round %d: %lu pages cached (the cache holds %lu, evicts an eighth)",
			      round, s.shadow_pages_cached, s.shadow_cache_max);
	}
}

/*
 * Which shadow pages the lazy purge frees under vmalloc_shadow=purge,
 * as in Linux 6.12 (each freed area is its own free region): the pages
 * wholly inside one freed area go; a page two small areas shared stays,
 * even after both are freed and purged.  Other policies: no checks.
 */
static noinline void purge_releases_own_pages(void)
{
	struct vmkasan_stats s0, s1;

	say("EXPECT_REPORTS 0");
	vm_unmap_aliases();
	get_stats(&s0);
	/* 192 KiB at a 32 KiB boundary, no guard: exactly 6 shadow pages of its
	 * own (below the 7 of a zero-shadow run, which is not populated). */
	char *big = __vmalloc_node_range(192 << 10, 32768, VMALLOC_START, VMALLOC_END, GFP_KERNEL,
					 PAGE_KERNEL, VM_NO_GUARD, NUMA_NO_NODE, NULL);
	CHECK(big != NULL, "192 KiB area");
	big[0] = 1;
	get_stats(&s1);
	CHECK(s1.shadow_pages >= s0.shadow_pages + 6 || s1.shadow_policy != 1,
	      "the area made %lu shadow pages, not 6", s1.shadow_pages - s0.shadow_pages);
	vfree(big);
	vm_unmap_aliases();
	get_stats(&s1);
	if (s1.shadow_policy == 1)
		CHECK(s1.shadow_pages <= s0.shadow_pages,
		      "purge kept the freed area's own shadow pages: %lu before, %lu after",
		      s0.shadow_pages, s1.shadow_pages);

	/* Two 8 KiB areas (with guards) in one 32 KiB span share its page. */
	char *a = __vmalloc_node_range(8192, 32768, VMALLOC_START, VMALLOC_END, GFP_KERNEL,
				       PAGE_KERNEL, 0, NUMA_NO_NODE, NULL);
	char *b = vmalloc(8192);
	CHECK(a && b, "two small areas");
	get_stats(&s0);
	vfree(a);
	vfree(b);
	vm_unmap_aliases();
	get_stats(&s1);
	if (s1.shadow_policy == 1)
		CHECK(s1.shadow_pages == s0.shadow_pages,
		      "purge freed a page no single freed area covered: %lu before, %lu after",
		      s0.shadow_pages, s1.shadow_pages);
}

/* Per-cpu: 20 bytes, byte 24 of CPU 1's copy. */
static noinline void percpu_oob(void)
{
	unsigned cpu = nr_cpu_ids > 1 ? 1 : 0;
	char *p = __alloc_percpu(20, 8);
	char *c;

	CHECK(p, "__alloc_percpu failed");
	uses_percpu(p);
	c = per_cpu_ptr(p, cpu);
	CHECK(is_vmalloc_addr(c), "per-cpu memory is not in the vmalloc space");
	for (int i = 0; i < 20; i++)
		CHECK(c[i] == 0, "per-cpu memory not zeroed");
	expect_bug("vmalloc-out-of-bounds", "percpu_oob");
	expect_access("Read", 1, c + 24);
	((volatile char *)c)[hide(24)];
	free_percpu(p);
}

static noinline void percpu_uaf(void)
{
	long *keep = alloc_percpu(long);	/* keeps the chunk */
	long *p = alloc_percpu(long);
	long *c = per_cpu_ptr(p, 0);

	uses_percpu(p);
	*c = 7;
	free_percpu(p);
	expect_bug("vmalloc-out-of-bounds", "percpu_uaf");
	expect_access("Read", 8, c);
	*(volatile long *)hide(c);
	free_percpu(keep);
}

/* The runtime's memset/memcpy on a vmalloc'd area. */
static noinline void vmalloc_memset_overflow(void)
{
	char *p = vmalloc(4000);

	expect_bug("vmalloc-out-of-bounds", "vmalloc_memset_overflow");
	expect_access("Write", 20, p + 3990);
	memset(hide(p + 3990), 0, hide(20));
	vfree(p);
}

static noinline void vmalloc_memcpy_overflow(void)
{
	char *src = vmalloc(100), *dst = vmalloc(200);

	memset(src, 's', 100);
	expect_bug("vmalloc-out-of-bounds", "vmalloc_memcpy_overflow");
	expect_access("Read", 150, src);
	memcpy(hide(dst), hide(src), hide(150));
	/* The runtime skips a bad copy. */
	CHECK(dst[0] == 0, "the bad memcpy was done anyway");
	vfree(src);
	vfree(dst);
}

/* Never-mapped vmalloc space: its shadow is absent, the access must
 * still be reported at the real address and the program go on. */
static noinline void vmalloc_never_mapped_read(void)
{
	char *p = (char *)VMALLOC_START + (100UL << 30);

	expect_bug("vmalloc-out-of-bounds", "vmalloc_never_mapped_read");
	expect_access("Read", 1, p);
	say("EXPECT_TEXT where no mapping");
	CHECK(shadow_byte((uintptr_t)p) == -1, "shadow of VMALLOC_START+100G is present before the access");
	((volatile char *)hide(p))[0];
	CHECK(shadow_byte((uintptr_t)p) == -1, "shadow of VMALLOC_START+100G is present after the report");
}

static noinline void vmalloc_never_mapped_write(void)
{
	long *p = (long *)((char *)VMALLOC_START + (100UL << 30) + 4096 * 3 + 8);

	expect_bug("vmalloc-out-of-bounds", "vmalloc_never_mapped_write");
	expect_access("Write", 8, p);
	*(volatile long *)hide(p) = 1;
}

/* ---- item 1: correct uses (no report) ---- */

/*
 * Big areas' zero shadow leaks nothing: 40 rounds of a 4 MiB area whose
 * middle is read and written, with a function run on a stack inside it
 * (its frames write the zero shadow: pages get frames on the spot), then
 * vfree; afterwards, purged, the shadow is back to where it was plus at
 * most the refcount cache (under refcount), and the runtime's count
 * equals mincore's (every policy).
 */
#include <ucontext.h>
static ucontext_t big_main_ctx, big_co_ctx;

static noinline void frame_on_big_area(void)
{
	char buf[512];
	volatile int i = 300;

	memset(buf, 1, sizeof(buf));
	buf[i] = 2;
	CHECK(buf[300] == 2 && buf[511] == 1, "a frame on the big area lost its bytes");
	swapcontext(&big_co_ctx, &big_main_ctx);
}

static noinline void vmalloc_big_zero_shadow(void)
{
	struct vmkasan_stats s0, s1;

	say("EXPECT_REPORTS 0");
	vm_unmap_aliases();
	get_stats(&s0);
	for (int r = 0; r < 40; r++) {
		/* vzalloc: a plain vmalloc may hand back the last round's data,
		 * as Linux's does. */
		char *p = vzalloc(BIG_AREA);

		CHECK(p != NULL, "vzalloc(4 MiB) round %d", r);
		if (!p)
			return;
		CHECK(p[BIG_AREA / 3] == 0, "a fresh area reads zero");
		p[BIG_AREA / 3] = 1;
		p[BIG_AREA - 1] = 2;
		if (r % 4 == 0) {
			getcontext(&big_co_ctx);
			big_co_ctx.uc_stack.ss_sp = p + BIG_AREA / 2;
			big_co_ctx.uc_stack.ss_size = BIG_AREA / 4;
			big_co_ctx.uc_link = &big_main_ctx;
			makecontext(&big_co_ctx, frame_on_big_area, 0);
			swapcontext(&big_main_ctx, &big_co_ctx);
		}
		vfree(p);
	}
	vm_unmap_aliases();
	get_stats(&s1);
	/* (keep and purge keep the areas' end pages, which neighbours may
	 * share, as for any area: only refcount must give all back.) */
	CHECK(s1.shadow_policy != 2 || s1.shadow_pages <= s0.shadow_pages + s1.shadow_pages_cached,
	      "refcount: shadow pages %lu after, %lu before, %lu cached", s1.shadow_pages,
	      s0.shadow_pages, s1.shadow_pages_cached);
	CHECK(s1.live_areas == s0.live_areas, "live areas %lu, %lu before", s1.live_areas,
	      s0.live_areas);
	check_shadow_count("after the big areas");
}

/*
 * Big areas' shadow books cost what is touched, not their size: four
 * live 128 MiB areas, one byte of each touched, write no struct page of
 * their zero shadow (4096 shadow pages each: 16 pages of struct pages
 * each, 64 in all, which would stay resident), and give everything
 * back at vfree.  Measured as the process's anonymous resident pages
 * (the runtime's metadata is anonymous memory, the areas' frames and
 * shadow frames are the RAM memfd's).
 */
#define BOOKS_AREA (128UL << 20)

static long rss_anon_pages(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "RssAnon: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib < 0 ? -1 : kib / 4;
}

static noinline void vmalloc_big_books(void)
{
	struct vmkasan_stats s0, s2;
	char *p[4];
	long r0, r1;

	say("EXPECT_REPORTS 0");
	vm_unmap_aliases();
	get_stats(&s0);
	r0 = rss_anon_pages();
	for (int i = 0; i < 4; i++) {
		p[i] = vmalloc(BOOKS_AREA);
		CHECK(p[i] != NULL, "vmalloc(128 MiB) #%d", i);
		if (!p[i])
			return;
		p[i][BOOKS_AREA / 2 + 4096 * i] = 1;
	}
	r1 = rss_anon_pages();
	CHECK(r0 >= 0 && r1 >= 0, "no RssAnon in /proc/self/status");
	/* (A shadow page read reads as zero from a page of its own: one per
	 * area here, and a few pages of the runtime's books.) */
	CHECK(r1 - r0 <= 24, "anonymous RSS grew by %ld pages for 512 MiB of areas touched at "
	      "4 bytes", r1 - r0);
	for (int i = 0; i < 4; i++)
		vfree(p[i]);
	vm_unmap_aliases();
	get_stats(&s2);
	CHECK(s2.shadow_policy != 2 || s2.shadow_pages <= s0.shadow_pages + s2.shadow_pages_cached,
	      "refcount: shadow pages %lu after, %lu before, %lu cached", s2.shadow_pages,
	      s0.shadow_pages, s2.shadow_pages_cached);
	CHECK(s2.live_areas == s0.live_areas, "live areas %lu, %lu before", s2.live_areas,
	      s0.live_areas);
	check_shadow_count("after the big areas");
}

static noinline void vzalloc_zero(void)
{
	unsigned char *p = vmalloc(20000);

	say("EXPECT_REPORTS 0");
	memset(p, 0xAB, 20000);
	vfree(p);
	vm_unmap_aliases();	/* the same address comes back */
	unsigned char *z = vzalloc(20000);

	CHECK(z == p, "vzalloc did not reuse the purged address (%p vs %p)", (void *)z, (void *)p);
	for (int i = 0; i < 20000; i++)
		if (z[i]) {
			vt_fail("vzalloc byte %d is %#x", i, z[i]);
			break;
		}
	/* The whole of the last page too (reads of it are out of bounds,
	 * so look through the page's linear-map alias). */
	unsigned char *tail = page_address(vmalloc_to_page(z + 19999));

	for (int i = 0; i < 4096; i++)
		if (tail[i]) {
			vt_fail("vzalloc's last page byte %d is %#x", i, tail[i]);
			break;
		}
	vfree(z);
}

/*
 * A big area's touched frames are kept at the purge for the next owner
 * when they are few runs (found by the port, not page by page), and
 * released when they are many: either way the next owner, here a
 * vzalloc at the same address, reads zeros.  A small area's kept frames
 * inside the range are zeroed too.
 */
static noinline void vzalloc_big_zero(void)
{
	say("EXPECT_REPORTS 0");
	for (int runs = 3; runs <= 12; runs += 9) {	/* kept, then too many runs */
		unsigned char *p = vmalloc(BIG_AREA), *q, *z;

		CHECK(p != NULL, "vmalloc(4 MiB)");
		if (!p)
			return;
		/* Runs of two pages, none at the start (the small area's). */
		for (int i = 1; i <= runs; i++)
			memset(p + (BIG_AREA / (runs + 1) * i & ~4095UL), 0xAB, 4096 + 100);
		vfree(p);
		vm_unmap_aliases();
		q = vmalloc(3 * 4096);
		CHECK(q == p, "the small area did not take the purged start (%p vs %p)", (void *)q,
		      (void *)p);
		memset(q, 0xCD, 3 * 4096);
		vfree(q);
		vm_unmap_aliases();
		z = vzalloc(BIG_AREA);
		CHECK(z == p, "vzalloc did not reuse the purged address (%p vs %p)", (void *)z,
		      (void *)p);
		for (unsigned long off = 0; z && off < BIG_AREA; off++)
			if (z[off]) {
				vt_fail("%d runs: vzalloc byte %#lx is %#x", runs, off, z[off]);
				break;
			}
		vfree(z);
		vm_unmap_aliases();
	}
}

/*
 * A big area's frame kept at the purge goes to the next area there,
 * zeroed by vzalloc; if that area never writes it, its purge releases it instead of
 * keeping a page of zeros for ever (the vmalloc space is one shared
 * mapping of the RAM memfd, so mincore on it says which frames hold
 * data, whatever the area's state).
 */
static noinline void vmalloc_big_stale_zero_released(void)
{
	unsigned char vec[1];
	char *p, *q;

	say("EXPECT_REPORTS 0");
	vm_unmap_aliases();
	p = vmalloc(BIG_AREA);
	CHECK(p != NULL, "vmalloc(4 MiB)");
	if (!p)
		return;
	p[BIG_AREA / 2] = 1;
	vfree(p);
	vm_unmap_aliases();
	CHECK(!mincore(p + BIG_AREA / 2, 4096, vec) && (vec[0] & 1),
	      "the touched frame was not kept at the purge");
	q = vzalloc(BIG_AREA);
	CHECK(q == p, "the purged address did not come back (%p vs %p)", (void *)q, (void *)p);
	vfree(q);
	vm_unmap_aliases();
	CHECK(!mincore(p + BIG_AREA / 2, 4096, vec) && !(vec[0] & 1),
	      "a frame kept for the first area, untouched by the second, is still resident");
}

/*
 * A big area purged in one batch with a small area just below it: the
 * small one starts a residency window, and the big one must still be
 * asked for its own runs (inside the window it was never asked, and its
 * touched frame was released: a fault and a hole punch per reuse).
 */
static noinline void vmalloc_big_after_small_kept(void)
{
	unsigned char vec[1];
	char *s, *b;

	say("EXPECT_REPORTS 0");
	vm_unmap_aliases();
	s = vmalloc(4096);
	b = vmalloc(200 * 4096);	/* big, and within one window of s */
	CHECK(s && b, "vmalloc");
	if (!s || !b)
		return;
	/* (A big area starts on a 32 KiB boundary: the gap is under 8 pages,
	 * within the window's.) */
	CHECK(b >= s + 2 * 4096 && b < s + 2 * 4096 + 32768,
	      "the big area is not just above the small one (%p, %p)", (void *)s, (void *)b);
	s[0] = 1;
	b[5 * 4096] = 2;
	vfree(s);
	vfree(b);
	vm_unmap_aliases();
	CHECK(!mincore(b + 5 * 4096, 4096, vec) && (vec[0] & 1),
	      "the big area's touched frame was released at the purge");
}

/*
 * A big area starts on a 32 KiB boundary, so its guard page starts a
 * shadow page of its own, which is not made (it only has to read
 * "invalid"): a write one byte past the area is still reported, as an
 * access to the guard page, at its real address.
 */
static noinline void vmalloc_big_guard_oob(void)
{
	char *p = vmalloc(BIG_AREA);

	CHECK(p != NULL, "vmalloc(4 MiB)");
	if (!p)
		return;
	CHECK((uintptr_t)p % 32768 == 0, "a 4 MiB area at %p is not 32 KiB aligned", (void *)p);
	CHECK(shadow_byte((uintptr_t)p + BIG_AREA) == -1,
	      "the guard's own shadow page was made (shadow byte %d)", shadow_byte((uintptr_t)p + BIG_AREA));
	/* A query reads it as poison without mapping anything there. */
	CHECK(vmkasan_region_is_poisoned(p + BIG_AREA - 8, 16) == p + BIG_AREA,
	      "the guard is not poisoned for vmkasan_region_is_poisoned");
	CHECK(shadow_byte((uintptr_t)p + BIG_AREA) == -1,
	      "the query mapped a page over the guard's absent shadow");
	expect_bug("vmalloc-out-of-bounds", "vmalloc_big_guard_oob");
	expect_access("Write", 1, p + BIG_AREA);
	say("EXPECT_TEXT 0 bytes to the right of");
	say("EXPECT_TEXT (in the mapping's guard page)");
	((volatile char *)p)[hide(BIG_AREA)] = 1;
	vfree(p);
}

/*
 * The guard's own shadow page, absent, is made by the area just above it
 * while the guard's area lives: the page must never be seen half made.
 * One thread makes and frees one-page areas right above a big area's
 * guard (vm_unmap_aliases: the same address back each time; under
 * refcount without a cache the page goes with each), the other asks
 * whether the guard's first byte is poisoned all along.  Before the
 * page was filled before being mapped, zeros showed (test_vmalloc's two
 * workers: 3 runs in 25).
 */
static volatile int guard_race_stop;
static volatile unsigned long guard_race_rounds, guard_race_near;
static char *guard_race_guard;

static void *guard_race_neighbour(void *arg)
{
	(void)arg;
	while (!guard_race_stop) {
		char *q = vmalloc(4096);

		if (q) {
			q[0] = 1;
			guard_race_near += q > guard_race_guard && q < guard_race_guard + 32768;
		}
		vfree(q);
		vm_unmap_aliases();
		guard_race_rounds++;
	}
	return NULL;
}

static noinline void vmalloc_guard_page_made_filled(void)
{
	char *p = vmalloc(BIG_AREA);
	pthread_t t;
	unsigned long seen = 0;

	say("EXPECT_REPORTS 0");
	CHECK(p != NULL, "vmalloc(4 MiB)");
	if (!p)
		return;
	guard_race_stop = 0;
	guard_race_rounds = guard_race_near = 0;
	guard_race_guard = p + BIG_AREA;
	pthread_create(&t, NULL, guard_race_neighbour, NULL);
	while (guard_race_rounds < 5000 && !seen)
		seen += vmkasan_region_is_poisoned(p + BIG_AREA, 1) != p + BIG_AREA;
	guard_race_stop = 1;
	pthread_join(t, NULL);
	CHECK(!seen, "the guard's first byte read as accessible while its shadow page was made");
	CHECK(guard_race_near > guard_race_rounds / 2, "the neighbour landed next to the guard %lu times "
	      "in %lu", guard_race_near, guard_race_rounds);
	vfree(p);
}

/* A big calloc over frames the purge kept with data reads zero. */
static noinline void calloc_big_over_kept_frames(void)
{
	unsigned char *p, *q;

	say("EXPECT_REPORTS 0");
	vm_unmap_aliases();
	p = malloc(BIG_AREA);
	CHECK(p != NULL, "malloc(4 MiB)");
	if (!p)
		return;
	CHECK(is_vmalloc_addr(p), "a 4 MiB malloc block is not a vmalloc area");
	for (unsigned long off = 0; off < BIG_AREA; off += BIG_AREA / 4)	/* few runs: kept */
		memset(p + off, 0xAB, 4096);
	free(p);
	vm_unmap_aliases();
	q = calloc(1, BIG_AREA);
	CHECK(q == p, "calloc did not reuse the purged address (%p vs %p)", (void *)q, (void *)p);
	for (unsigned long off = 0; q && off < BIG_AREA; off++)
		if (q[off]) {
			vt_fail("calloc byte %#lx is %#x", off, q[off]);
			break;
		}
	free(q);
}

static noinline void vmalloc_to_page_alias(void)
{
	char *p = vmalloc(3 * 4096 + 100);

	say("EXPECT_REPORTS 0");
	for (int i = 0; i < 4; i++) {
		struct page *pg = vmalloc_to_page(p + i * 4096 + 50);
		char *lin;

		CHECK(pg, "vmalloc_to_page of page %d is NULL", i);
		lin = page_address(pg);
		CHECK(!is_vmalloc_addr(lin), "page_address is in the vmalloc space");
		p[i * 4096 + 50] = (char)('a' + i);
		CHECK(lin[50] == 'a' + i, "page %d: linear alias reads %d", i, lin[50]);
		lin[51] = (char)('A' + i);
		CHECK(p[i * 4096 + 51] == 'A' + i, "page %d: vmalloc address does not see the alias", i);
		CHECK(vmalloc_to_pfn(p + i * 4096) == page_to_pfn(pg), "vmalloc_to_pfn disagrees");
	}
	CHECK(vmalloc_to_page(p + 4 * 4096) == NULL, "vmalloc_to_page of the guard page is not NULL");
	/* A vmap alias maps the very page. */
	struct page *pages[1] = { alloc_page(GFP_KERNEL) };
	char *v = vmap(pages, 1, VM_MAP, PAGE_KERNEL);

	CHECK(vmalloc_to_page(v) == pages[0], "vmalloc_to_page of a vmap() is not its page");
	vunmap(v);
	__free_page(pages[0]);
	vfree(p);
	CHECK(vmalloc_to_page(p) == NULL, "vmalloc_to_page of a freed area is not NULL");
	CHECK(vmalloc_to_page(v) == NULL, "vmalloc_to_page of an unmapped vmap() is not NULL");
}

static noinline void is_vmalloc_addr_cases(void)
{
	char local;
	char *p = vmalloc(10), *m = malloc(10);

	say("EXPECT_REPORTS 0");
	CHECK(is_vmalloc_addr(p), "vmalloc() result");
	CHECK(is_vmalloc_addr((void *)VMALLOC_START), "VMALLOC_START");
	CHECK(is_vmalloc_addr((void *)(VMALLOC_END - 1)), "VMALLOC_END - 1");
	CHECK(!is_vmalloc_addr((void *)VMALLOC_END), "VMALLOC_END");
	CHECK(!is_vmalloc_addr((void *)(VMALLOC_START - 1)), "VMALLOC_START - 1");
	CHECK(!is_vmalloc_addr(&local), "a local");
	CHECK(!is_vmalloc_addr(global_buf), "a global");
	CHECK(!is_vmalloc_addr(m), "malloc()");
	CHECK(VMALLOC_START == 0x600000000000UL && VMALLOC_END - VMALLOC_START == 1UL << 40,
	      "vmalloc space is [%#lx, %#lx)", VMALLOC_START, VMALLOC_END);
	free(m);
	vfree(p);
}

/* vmap() of the pages behind a vmalloc area: legal in Linux (drivers
 * remap vmalloc'd buffers).  Both addresses see the same bytes. */
static noinline void vmap_of_vmalloc_pages(void)
{
	char *p = vmalloc(3 * 4096);
	struct page *pages[3];

	say("EXPECT_REPORTS 0");
	for (int i = 0; i < 3; i++)
		pages[i] = vmalloc_to_page(p + i * 4096);
	char *v = vmap(pages, 3, VM_MAP, PAGE_KERNEL);

	CHECK(v != NULL, "vmap of vmalloc_to_page() pages returned NULL");
	p[2 * 4096 + 7] = 'q';
	CHECK(v[2 * 4096 + 7] == 'q', "the vmap alias does not see the vmalloc area's byte");
	v[5] = 'r';
	CHECK(p[5] == 'r', "the vmalloc area does not see the alias's byte");
	CHECK(vmalloc_to_page(v + 4096) == pages[1], "vmalloc_to_page of the alias");
	vunmap(v);
	CHECK(p[5] == 'r', "vunmap disturbed the vmalloc area");
	vfree(p);
}

/* vmap and vm_map_ram of many pages: the frame array is bigger than a
 * 4 KiB metadata object (Linux takes up to the RAM size). */
static noinline void vmap_many_pages(void)
{
	enum { N = 2000 };
	static struct page *pages[N];

	say("EXPECT_REPORTS 0");
	for (int i = 0; i < N; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		CHECK(pages[i], "alloc_page %d failed", i);
		*(int *)page_address(pages[i]) = i;
	}
	int *v = vmap(pages, N, VM_MAP, PAGE_KERNEL);
	int *r = vm_map_ram(pages, N, NUMA_NO_NODE);

	CHECK(v && r, "vmap/vm_map_ram of %d pages returned %p/%p", N, (void *)v, (void *)r);
	for (int i = 0; i < N; i++) {
		CHECK(v[i * 1024] == i && r[i * 1024] == i, "page %d reads %d/%d", i, v[i * 1024],
		      r[i * 1024]);
		CHECK(vmalloc_to_page(v + i * 1024) == pages[i], "vmalloc_to_page of page %d", i);
	}
	vunmap(v);
	vm_unmap_ram(r, N);
	for (int i = 0; i < N; i++)
		__free_page(pages[i]);
}

/* VM_NO_GUARD (through __vmalloc_node_range) drops the guard page. */
static noinline void vm_no_guard(void)
{
	struct vmkasan_stats s0, s1, s2;
	char *p, *q;

	say("EXPECT_REPORTS 0");
	get_stats(&s0);
	p = __vmalloc_node_range(4096, 1, VMALLOC_START, VMALLOC_END, GFP_KERNEL, PAGE_KERNEL,
				 VM_NO_GUARD, NUMA_NO_NODE, NULL);
	get_stats(&s1);
	q = vmalloc(4096);
	get_stats(&s2);
	CHECK(p && q, "allocation failed");
	CHECK(s1.live_vmalloc_bytes - s0.live_vmalloc_bytes == 4096,
	      "a VM_NO_GUARD page takes %lu bytes", s1.live_vmalloc_bytes - s0.live_vmalloc_bytes);
	CHECK(s2.live_vmalloc_bytes - s1.live_vmalloc_bytes == 8192,
	      "a guarded page takes %lu bytes", s2.live_vmalloc_bytes - s1.live_vmalloc_bytes);
	memset(p, 1, 4096);
	CHECK(shadow_byte((uintptr_t)p + 4095) == 0, "last granule of the VM_NO_GUARD area not accessible");
	CHECK(shadow_byte((uintptr_t)q + 4096) == SH_INVALID, "the guard of a vmalloc() area is %#x",
	      shadow_byte((uintptr_t)q + 4096));
	vfree(q);
	vfree(p);
}

static noinline void vm_no_guard_oob(void)
{
	char *p = __vmalloc_node_range(100, 1, VMALLOC_START, VMALLOC_END, GFP_KERNEL, PAGE_KERNEL,
				       VM_NO_GUARD, NUMA_NO_NODE, NULL);

	expect_bug("vmalloc-out-of-bounds", "vm_no_guard_oob");
	expect_access("Read", 2, p + 200);
	((volatile short *)hide(p))[100];
	vfree(p);
}

/* __vmalloc_node_range honours [start, end); what does not fit fails
 * cleanly. */
static noinline void node_range(void)
{
	unsigned long start = VMALLOC_START + (512UL << 20), end = start + 65536;
	struct vmkasan_stats s0, s1;
	char *p, *q;

	say("EXPECT_REPORTS 0");
	p = __vmalloc_node_range(20000, 1, start, end, GFP_KERNEL, PAGE_KERNEL, 0, NUMA_NO_NODE, NULL);
	CHECK(p && (unsigned long)p >= start && (unsigned long)p + 24576 <= end,
	      "__vmalloc_node_range gave %p outside [%#lx, %#lx)", p, start, end);
	get_stats(&s0);
	q = __vmalloc_node_range(60000, 1, start, end, GFP_KERNEL, PAGE_KERNEL, 0, NUMA_NO_NODE, NULL);
	get_stats(&s1);
	CHECK(q == NULL, "60000 bytes fit next to 20000 in 64 KiB (%p)", q);
	CHECK(s1.live_areas == s0.live_areas && s1.live_vmalloc_pages == s0.live_vmalloc_pages,
	      "a failed __vmalloc_node_range changed the live areas");
	memset(p, 3, 20000);
	vfree(p);
	vfree(q);
}

/* ================= item 2: bad calls ================= */

static noinline void vfree_never_allocated(void)
{
	void *p = (char *)VMALLOC_START + (50UL << 30);

	expect_bug("double-free or invalid-free", "vfree_never_allocated");
	expect_free_of(p);
	say("EXPECT_TEXT which no vmalloc mapping covers");
	vfree(p);
	check_bad_call_counted(1);
}

static noinline void vfree_double_lazy(void)
{
	void *p = vmalloc(5000);

	vfree(p);
	expect_bug("double-free or invalid-free", "vfree_double_lazy");
	expect_free_of(p);
	say("EXPECT_TEXT that is already freed");
	vfree(p);
	check_bad_call_counted(1);
}

static noinline void vfree_double_purged(void)
{
	void *p = vmalloc(5000);

	vfree(p);
	vm_unmap_aliases();
	expect_bug("double-free or invalid-free", "vfree_double_purged");
	expect_free_of(p);
	say("EXPECT_TEXT that was freed");
	vfree(p);
	check_bad_call_counted(1);
}

static noinline void vfree_middle(void)
{
	char *p = vmalloc(3 * 4096);

	expect_bug("double-free or invalid-free", "vfree_middle");
	expect_free_of(p + 4096 + 8);
	say("EXPECT_TEXT which is 4104 bytes inside the mapping");
	vfree(p + 4096 + 8);
	check_bad_call_counted(1);
	/* The area is still whole and live. */
	memset(p, 1, 3 * 4096);
	vfree(p);
}

static noinline void vfree_stack(void)
{
	char buf[32];

	expect_bug("double-free or invalid-free", "vfree_stack");
	expect_free_of(buf);
	say("EXPECT_TEXT outside the vmalloc space");
	vfree(hide(&buf[0]));
	check_bad_call_counted(1);
}

static noinline void vfree_global(void)
{
	expect_bug("double-free or invalid-free", "vfree_global");
	expect_free_of(global_buf);
	say("EXPECT_TEXT outside the vmalloc space");
	vfree(hide(&global_buf[0]));
	check_bad_call_counted(1);
}

static noinline void vunmap_of_vmalloc(void)
{
	char *p = vmalloc(100);

	expect_bug("double-free or invalid-free", "vunmap_of_vmalloc");
	expect_free_of(p);
	say("EXPECT_TEXT a mapping made by vmalloc()");
	vunmap(p);
	check_bad_call_counted(1);
	memset(p, 2, 100);	/* still live */
	vfree(p);
}

static noinline void vm_unmap_ram_wrong_count(void)
{
	struct page *pages[2] = { alloc_page(GFP_KERNEL), alloc_page(GFP_KERNEL) };
	char *v = vm_map_ram(pages, 2, NUMA_NO_NODE);

	expect_bug("double-free or invalid-free", "vm_unmap_ram_wrong_count");
	expect_free_of(v);
	say("EXPECT_TEXT with count 1, but it maps 2 pages");
	vm_unmap_ram(v, 1);
	check_bad_call_counted(1);
	memset(v, 3, 8192);	/* still mapped */
	vm_unmap_ram(v, 2);
	__free_page(pages[0]);
	__free_page(pages[1]);
}

static noinline void vmap_null_page(void)
{
	struct page *pages[3] = { alloc_page(GFP_KERNEL), NULL, alloc_page(GFP_KERNEL) };
	void *v;

	expect_bug("invalid-vmap", "vmap_null_page");
	say("EXPECT_TEXT pages[1] is NULL");
	v = vmap(pages, 3, VM_MAP, PAGE_KERNEL);
	CHECK(v == NULL, "vmap with a NULL page returned %p", v);
	check_bad_call_counted(1);
	__free_page(pages[0]);
	__free_page(pages[2]);
}

static noinline void free_percpu_garbage(void)
{
	long *keep = alloc_percpu(long);
	void *junk = (char *)VMALLOC_START + (70UL << 30);

	uses_percpu(keep);
	expect_bug("double-free or invalid-free", "free_percpu_garbage");
	expect_free_of(junk);
	say("EXPECT_TEXT free_percpu() of a pointer outside every per-cpu chunk");
	free_percpu(junk);
	print_bad_frees();
	free_percpu(keep);
}

static noinline void free_percpu_double(void)
{
	long *keep = alloc_percpu(long);
	long *p = alloc_percpu(long);

	uses_percpu(keep);
	free_percpu(p);
	expect_bug("double-free or invalid-free", "free_percpu_double");
	expect_free_of(p);
	say("EXPECT_TEXT not a live per-cpu allocation");
	free_percpu(p);
	print_bad_frees();
	free_percpu(keep);
}

/* vfree() of a per-cpu chunk's area: not vfree's to free. */
static noinline void vfree_of_percpu(void)
{
	long *p = alloc_percpu(long);
	char *unit0 = (char *)per_cpu_ptr(p, 0);

	/* The chunk's first unit is an area starting at a page boundary at
	 * or below the first allocation. */
	char *area = (char *)((uintptr_t)unit0 & ~(PGSZ - 1));

	uses_percpu(p);
	expect_bug("double-free or invalid-free", "vfree_of_percpu");
	expect_free_of(area);
	say("EXPECT_TEXT a mapping made by the per-cpu allocator");
	vfree(area);
	check_bad_call_counted(1);
	*per_cpu_ptr(p, 0) = 1;
	free_percpu(p);
}

/*
 * Per-CPU pools of purged areas (issue 19): a purge that the lazy limit
 * starts (not vm_unmap_aliases, which empties the pools) puts a small
 * freed area into its CPU's pool, where only a request of its size takes
 * it again.  The thread stays on one CPU so that the pool it frees into
 * is the one it allocates from.  2 MiB areas are freed until the limit
 * is passed (32 MiB times 1 + log2(CPUs) for keep and purge, 32 shadow
 * pages under refcount: one area).
 */
static void pin_to_this_cpu(void)
{
	cpu_set_t set;
	int cpu = sched_getcpu();

	CPU_ZERO(&set);
	CPU_SET(cpu < 0 ? 0 : cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Exactly one purge: a second would decay the pool of a size nobody
 * asked for (a quarter of it, at least one area), as Linux's does. */
static void pass_lazy_limit(void)
{
	struct vmkasan_stats before, after;

	vmkasan_get_stats(&before);
	for (int i = 0; i < 200; i++) {
		char *big = vmalloc(2UL << 20);

		CHECK(big, "vmalloc(2 MiB) failed");
		big[0] = 1;
		vfree(big);
		vmkasan_get_stats(&after);
		if (after.purges > before.purges)
			break;
	}
	CHECK(after.purges == before.purges + 1, "%lu lazy purges ran, not one",
	      after.purges - before.purges);
}

/* A use after vfree of a pooled area is reported as of any purged one,
 * and an area of another size never lands on the pooled range. */
static noinline void vmalloc_uaf_pooled(void)
{
	char *p;

	pin_to_this_cpu();
	p = vmalloc(3 * 4096);
	p[0] = 1;
	vfree(p);
	pass_lazy_limit();
	for (int i = 0; i < 10; i++) {
		char *q = vmalloc(4096);

		CHECK(q && (q + 2 * 4096 <= p || q >= p + 4 * 4096),
		      "a one-page area took the pooled range (round %d)", i);
		q[0] = 2;
		vfree(q);
	}
	expect_bug("vmalloc-out-of-bounds", "vmalloc_uaf_pooled");
	expect_access("Write", 1, p + 5000);
	say("EXPECT_TEXT now freed and unmapped");
	say("EXPECT_TEXT Freed by task");
	((volatile char *)hide(p))[5000] = 3;
}

/*
 * A pooled range's guard frame, kept resident from a bigger area that
 * had a data page there, is asked about at each purge of the range but
 * taken by none of its owners: it must count once, not once per purge
 * (the count grew until the cap stopped the purge keeping any frame).
 */
static noinline void vmalloc_pool_guard_counted(void)
{
	struct vmkasan_stats s0, s1;
	char *p;

	say("EXPECT_REPORTS 0");
	pin_to_this_cpu();
	vm_unmap_aliases();
	p = vmalloc(4 * 4096);
	CHECK(p != NULL, "vmalloc(4 pages)");
	if (!p)
		return;
	memset(p, 0x5a, 4 * 4096);
	vfree(p);
	vm_unmap_aliases();
	/* The first rounds settle what pass_lazy_limit's own areas keep. */
	for (int r = 0; r < 48; r++) {
		char *q = vmalloc(3 * 4096);

		CHECK(q != NULL, "vmalloc(3 pages) round %d", r);
		if (!q)
			return;
		memset(q, r, 3 * 4096);
		vfree(q);
		pass_lazy_limit();
		if (r == 7)
			vmkasan_get_stats(&s0);
	}
	vmkasan_get_stats(&s1);
	CHECK(s1.vmalloc_frames_kept <= s0.vmalloc_frames_kept + 4,
	      "kept frames counted %lu after 40 more purges of a pooled range, %lu before",
	      s1.vmalloc_frames_kept, s0.vmalloc_frames_kept);
}

/* The pooled area comes back to a request of its size: zeroed where its
 * last owner wrote (vzalloc), its bytes accessible, its end poisoned. */
static noinline void vmalloc_pool_reuse(void)
{
	unsigned char *p, *q;

	pin_to_this_cpu();
	p = vmalloc(3 * 4096);
	memset(p, 0xAB, 3 * 4096);
	vfree(p);
	pass_lazy_limit();
	q = vzalloc(3 * 4096);
	CHECK(q == p, "the pooled area did not come back (%p vs %p)", (void *)q, (void *)p);
	for (int i = 0; i < 3 * 4096; i++)
		if (q[i]) {
			vt_fail("byte %d of the reused area is %#x", i, q[i]);
			break;
		}
	CHECK(vmkasan_region_is_poisoned(q, 3 * 4096) == NULL, "the reused area is not accessible");
	expect_bug("vmalloc-out-of-bounds", "vmalloc_pool_reuse");
	expect_access("Read", 1, q + 3 * 4096);
	say("EXPECT_TEXT The buggy address belongs to the virtual mapping at");
	say("EXPECT_TEXT  [%016lx, %016lx) created by:", (unsigned long)q,
	    (unsigned long)q + 4 * 4096);
	((volatile unsigned char *)q)[hide(3 * 4096)];
	vfree(q);
}

#define CASE(fn) { #fn, fn }
static const struct { const char *name; void (*fn)(void); } cases[] = {
	CASE(vmalloc_oob), CASE(vmap_oob), CASE(vm_map_ram_oob), CASE(vmalloc_uaf_lazy),
	CASE(vmalloc_uaf_purged), CASE(vmalloc_uaf_window), CASE(vmalloc_big_uaf_lazy),
	CASE(vmalloc_big_uaf_purged), CASE(vmalloc_big_uaf_window), CASE(vmalloc_mid_uaf_lazy), CASE(vmalloc_mid_uaf_purged), CASE(vmalloc_mid_uaf_window), CASE(vmalloc_mid_zero_shadow), CASE(vmalloc_big_zero_shadow), CASE(vmalloc_big_books), CASE(shadow_cache_lru),
	CASE(purge_releases_own_pages), CASE(percpu_oob), CASE(percpu_uaf),
	CASE(vmalloc_memset_overflow), CASE(vmalloc_memcpy_overflow),
	CASE(vmalloc_never_mapped_read), CASE(vmalloc_never_mapped_write),
	CASE(vzalloc_zero), CASE(vzalloc_big_zero), CASE(vmalloc_big_stale_zero_released), CASE(vmalloc_big_after_small_kept), CASE(vmalloc_big_guard_oob), CASE(vmalloc_guard_page_made_filled), CASE(calloc_big_over_kept_frames), CASE(vmalloc_to_page_alias), CASE(is_vmalloc_addr_cases),
	CASE(vm_no_guard), CASE(vm_no_guard_oob), CASE(node_range), CASE(vmap_of_vmalloc_pages),
	CASE(vmap_many_pages), CASE(vmalloc_uaf_pooled), CASE(vmalloc_pool_reuse), CASE(vmalloc_pool_guard_counted),
	CASE(vfree_never_allocated), CASE(vfree_double_lazy), CASE(vfree_double_purged),
	CASE(vfree_middle), CASE(vfree_stack), CASE(vfree_global), CASE(vunmap_of_vmalloc),
	CASE(vm_unmap_ram_wrong_count), CASE(vmap_null_page), CASE(free_percpu_garbage),
	CASE(free_percpu_double), CASE(vfree_of_percpu),
};

int main(int argc, char **argv)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (argc == 2 && !strcmp(argv[1], "list")) {
			printf("%s\n", cases[i].name);
			continue;
		}
		if (argc != 2 || strcmp(argv[1], cases[i].name))
			continue;
		get_stats(&start_stats);
		cases[i].fn();
		allocator_still_works();
		printf("AFTER %s\n", cases[i].name);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "list"))
		return 0;
	fprintf(stderr, "usage: %s list|<case>\n", argv[0]);
	return 3;
}
