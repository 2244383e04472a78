// SPDX-License-Identifier: MIT
/*
 * Physical memory for the hosted port: one memfd is the machine's RAM.
 *
 * File layout (in pages):
 *   [0, GENERAL)                          alloc_pages() pool
 *   [GENERAL, GENERAL + VMALLOC)          identity frames of the vmalloc space
 *   [.., + VMALLOC / 8)                   identity frames of its shadow
 *
 * The whole file is mapped once as the linear map (page_address()), and
 * the vmalloc space is one shared mapping of its identity frames, so a
 * million areas cost one VMA, not a million (vm.max_map_count is 65530
 * here).  Pages of a vmalloc area come into being when first touched
 * and go back with a hole punch.  vmap() aliases map other frames over
 * part of the space; vunmap() maps the identity frames back and the
 * kernel merges the VMAs again.  The shadow of the vmalloc space is
 * PROT_NONE except for populated pages, which map their identity frames
 * and so merge with populated neighbours.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core.h"
#include "hosted.h"
#include "symbolize.h"

/* The regions: port_layout.h. */

static int ram_fd = -1;

static off_t frame_offset(unsigned long pfn)
{
	return (off_t)pfn << PLAT_PAGE_SHIFT;
}

static bool map_shared(uintptr_t va, size_t len, off_t off, int extra)
{
	void *p = mmap((void *)va, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_NORESERVE | extra, ram_fd, off);

	return p == (void *)va;
}

static void fork_prepare(void);
static void fork_parent(void);
static void fork_child(void);
static void make_process_token(void);
static void read_max_map_count(void);
bool plat_mm_init(struct plat_mm_layout *l, char *err, size_t errlen)
{
	unsigned long vm_pages = VMALLOC_BYTES >> PLAT_PAGE_SHIFT;
	uintptr_t vshadow = (uintptr_t)kasan_shadow(VMALLOC_BASE);
	size_t vshadow_len = VMALLOC_BYTES >> KASAN_SHADOW_SCALE_SHIFT;
	struct sysinfo si;

	l->vmalloc_start = VMALLOC_BASE;
	l->vmalloc_end = VMALLOC_BASE + VMALLOC_BYTES;
	l->linear_start = LINEAR_START;
	l->general_pfns = GENERAL_PAGES;
	l->vmalloc_pfn_base = GENERAL_PAGES;
	l->shadow_pfn_base = GENERAL_PAGES + vm_pages;
	l->nr_pfns = l->shadow_pfn_base + (vshadow_len >> PLAT_PAGE_SHIFT);
	if (!sysinfo(&si))
		l->request_limit_pages = (unsigned long)((si.totalram + si.totalswap) * si.mem_unit) >>
					 PLAT_PAGE_SHIFT;

	ram_fd = memfd_create("vmkasan-ram", MFD_CLOEXEC);
	if (ram_fd < 0 || ftruncate(ram_fd, frame_offset(l->nr_pfns))) {
		kasan_snprintf(err, errlen, "vmkasan: cannot create the RAM memfd: %s", strerror(errno));
		return false;
	}
	if (!map_shared(LINEAR_START, frame_offset(l->nr_pfns), 0, MAP_FIXED_NOREPLACE) ||
	    !map_shared(VMALLOC_BASE, VMALLOC_BYTES, frame_offset(l->vmalloc_pfn_base),
			MAP_FIXED_NOREPLACE)) {
		kasan_snprintf(err, errlen, "vmkasan: cannot map the linear map at %p or the vmalloc "
			       "space at %p: %s", (void *)LINEAR_START, (void *)VMALLOC_BASE,
			       strerror(errno));
		return false;
	}
	/*
	 * The vmalloc space's shadow: absent until populated.  Without
	 * vmalloc shadow (vmalloc_shadow=off), instrumented code still reads
	 * it: it is plain zero-filled memory, "all accessible", that costs a
	 * page per 32 KiB of vmalloc space the program touches and never
	 * faults (the stack instrumentation of vmap stacks writes it too).
	 */
	if (mmap((void *)vshadow, vshadow_len,
		 vmalloc_shadow_policy == SHADOW_OFF ? PROT_READ | PROT_WRITE : PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) != (void *)vshadow) {
		kasan_snprintf(err, errlen, "vmkasan: cannot unmap the vmalloc shadow: %s",
			       strerror(errno));
		return false;
	}
	if (vmalloc_shadow_policy == SHADOW_OFF)
		madvise((void *)vshadow, vshadow_len, MADV_NOHUGEPAGE);
	pthread_atfork(fork_prepare, fork_parent, fork_child);
	make_process_token();
	read_max_map_count();
	return true;
}

/*
 * Give the frames' RAM back: a hole punch, unless the memfd has no data
 * there (SEEK_DATA counts a swapped-out page as data, mincore would
 * not).  The purge releases every area it keeps nothing of, often one
 * never touched: 20,000 one-page areas allocated, freed untouched and
 * purged made 40,000 punches of empty ranges; the lseek in their place
 * took 4% off that program's time.
 */
void plat_frames_release(unsigned long pfn, unsigned long n)
{
	off_t start = frame_offset(pfn), len = frame_offset(n);
	off_t data = lseek(ram_fd, start, SEEK_DATA);

	if ((data < 0 && errno == ENXIO) || (data >= 0 && data >= start + len))
		return;
	fallocate(ram_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, start, len);
}

/*
 * Which frames hold data: a memfd page does once touched through any of
 * its mappings, until the hole punch.  Frame by frame: one mincore on the
 * linear map (for the purge's windows of small areas).
 */
unsigned long plat_frames_resident(unsigned long pfn, unsigned long n, uint8_t *vec)
{
	unsigned long count = 0;

	if (mincore((void *)(mm_layout.linear_start + ((uintptr_t)pfn << PLAT_PAGE_SHIFT)),
		    n << PLAT_PAGE_SHIFT, vec)) {
		plat_memset(vec, 1, n);	/* unknown: treat all as holding data */
		return n;
	}
	for (unsigned long i = 0; i < n; i++) {
		vec[i] &= 1;
		count += vec[i];
	}
	return count;
}

/*
 * In runs, for a big area: the memfd's own map of its pages (SEEK_DATA
 * and SEEK_HOLE, answered from shmem's page cache), two calls per run
 * whatever n is (mincore looks at every page: a quarter of a 1 MiB
 * vmalloc+vfree).
 */
unsigned plat_frames_data(unsigned long pfn, unsigned long n, unsigned long *runs, unsigned max)
{
	off_t pos = frame_offset(pfn), end = frame_offset(pfn + n);
	unsigned nr = 0;

	while (pos < end) {
		off_t data = lseek(ram_fd, pos, SEEK_DATA), hole;

		if (data < 0 && errno == ENXIO)
			break;		/* no data after pos */
		if (data < 0)
			return max + 1;
		if (data >= end)
			break;
		if (nr == max)
			return max + 1;
		hole = lseek(ram_fd, data, SEEK_HOLE);
		if (hole < 0)
			return max + 1;
		if (hole > end)
			hole = end;
		runs[2 * nr] = (unsigned long)(data >> PLAT_PAGE_SHIFT);
		runs[2 * nr + 1] = (unsigned long)((hole - data) >> PLAT_PAGE_SHIFT);
		nr++;
		pos = hole;
	}
	return nr;
}

/* The vmalloc mapping's file offset follows the address. */
static off_t identity_offset(uintptr_t va)
{
	return frame_offset(mm_layout.vmalloc_pfn_base) + (off_t)(va - VMALLOC_BASE);
}

/*
 * Mappings run out (vm.max_map_count, 65530 by default).  Giving a range
 * back (vunmap's identity remap, freeing shadow) can itself need a new
 * VMA while the old one is split, and an unmap that fails leaves a stale
 * alias over memory someone else gets next.  So new mappings are refused
 * while fewer than MAP_HEADROOM remain: vmap() returns NULL (counted as
 * an area failure), populate fails cleanly, and unmapping always has room.
 *
 * Counting /proc/self/maps costs a millisecond at 60000 mappings, so the
 * count is an estimate: the last real count plus two per mapping made
 * since (a mapping inside another splits it), recounted only when the
 * estimate reaches the limit.  Over-estimating is safe.
 */
#define MAP_HEADROOM	2048
static unsigned long max_maps = 65530, maps_estimate, maps_since_count;
static bool maps_full;		/* the last recount found no room */
static kasan_spinlock_t maps_lock;

static void read_max_map_count(void)
{
	char buf[32] = { 0 };
	int fd = open("/proc/sys/vm/max_map_count", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf) - 1) > 0 && strtoul(buf, NULL, 10) > 2 * MAP_HEADROOM)
			max_maps = strtoul(buf, NULL, 10);
		close(fd);
	}
	maps_estimate = plat_vma_count();
}

/* Room for n more mappings (each may split another: 2 VMAs) while
 * keeping headroom free?  Takes it if so. */
static bool maps_reserve(unsigned long n, unsigned long headroom)
{
	bool ok;

	kasan_spin_lock(&maps_lock);
	if (maps_estimate + 2 * n + headroom > max_maps && !(maps_full && maps_since_count < 64)) {
		maps_estimate = plat_vma_count();
		maps_since_count = 0;
		maps_full = maps_estimate + 2 * n + headroom > max_maps;
	}
	ok = maps_estimate + 2 * n + headroom <= max_maps;
	if (ok)
		maps_estimate += 2 * n;
	kasan_spin_unlock(&maps_lock);
	return ok;
}

/* Mappings given back: a recount may find room again. */
static void maps_released(void)
{
	__atomic_add_fetch(&maps_since_count, 1, __ATOMIC_RELAXED);
}

static __attribute__((noreturn)) void unmap_failed(const char *what, uintptr_t va, unsigned long n)
{
	kasan_printf("vmkasan: internal error: cannot unmap the %s at %p (%lu pages): %s; "
		     "stopping rather than leave it mapped over memory that others get next "
		     "(%lu mappings, vm.max_map_count %lu)\n", what, (void *)va, n, strerror(errno),
		     plat_vma_count(), max_maps);
	plat_die(kasan_flags.exitcode, true);
}

void plat_unmap_alias(uintptr_t va, unsigned long n)
{
	if (!n)
		return;
	if (!map_shared(va, n << PLAT_PAGE_SHIFT, identity_offset(va), MAP_FIXED))
		unmap_failed("vmap alias", va, n);
	maps_released();
}

bool plat_map_alias(uintptr_t va, const unsigned long *pfns, unsigned long n)
{
	unsigned long runs = 0;

	for (unsigned long i = 0; i < n; i++)
		runs += !i || pfns[i] != pfns[i - 1] + 1;
	if (!maps_reserve(runs, MAP_HEADROOM))
		return false;
	/* One mmap per run of consecutive frames. */
	for (unsigned long i = 0, run; i < n; i += run) {
		for (run = 1; i + run < n && pfns[i + run] == pfns[i] + run; run++)
			;
		if (!map_shared(va + (i << PLAT_PAGE_SHIFT), run << PLAT_PAGE_SHIFT, frame_offset(pfns[i]),
				MAP_FIXED)) {
			plat_unmap_alias(va, i);
			return false;
		}
	}
	return true;
}

/*
 * Write fill into the n frames from pfn through the memfd, before they
 * are mapped anywhere: a page of it, up to 64 times per call.  The page's
 * value is set under a lock of its own.
 */
static bool frames_fill(unsigned long pfn, unsigned long n, uint8_t fill)
{
	static uint8_t page[PLAT_PAGE_SIZE] __attribute__((aligned(64)));
	static int page_value = -1;
	static kasan_spinlock_t lock;
	struct iovec iov[64];
	unsigned most = n > 64 ? 64 : (unsigned)n;
	off_t off = frame_offset(pfn);
	bool ok = true;

	kasan_spin_lock(&lock);
	if (page_value != fill) {
		memset(page, fill, sizeof(page));
		page_value = fill;
	}
	for (unsigned i = 0; i < most; i++)
		iov[i] = (struct iovec){ .iov_base = page, .iov_len = sizeof(page) };
	while (ok && n) {
		unsigned k = n > 64 ? 64 : (unsigned)n;
		ssize_t want = (ssize_t)k << PLAT_PAGE_SHIFT;

		ok = pwritev(ram_fd, iov, (int)k, off) == want;
		off += want;
		n -= k;
	}
	kasan_spin_unlock(&lock);
	return ok;
}

/*
 * Under the fault lock (see fault.c): the populate marked these pages
 * "being made" before, so no poison page can go in after our mmap, and
 * one that went in before is replaced by it atomically.
 */
bool plat_shadow_pages_map(uintptr_t sp, unsigned long pfn, unsigned long n, int fill)
{
	sigset_t old;
	bool ok;

	if (!maps_reserve(1, MAP_HEADROOM / 2) || (fill >= 0 && !frames_fill(pfn, n, (uint8_t)fill)))
		return false;
	hosted_fault_lock(&old);
	ok = map_shared(sp, n << PLAT_PAGE_SHIFT, frame_offset(pfn), MAP_FIXED);
	hosted_fault_unlock(&old);
	return ok;
}

/*
 * Zero shadow: a private read-only anonymous mapping.  A read maps the
 * kernel's shared zero page (Linux 6.18 here: RssAnon unchanged, 0.47 us
 * a fault); a kernel or sandbox without one allocates a page per 32 KiB
 * of vmalloc space read, still only what is touched.  A write faults,
 * and fault.c maps the page's identity frame over it.
 */
bool plat_shadow_zero_map(uintptr_t sp, unsigned long n)
{
	/* (The fault lock is held: fork, which takes the maps lock before
	 * it, waits on the core's create lock, held too.) */
	return maps_reserve(1, MAP_HEADROOM / 2) &&
	       mmap((void *)sp, n << PLAT_PAGE_SHIFT, PROT_READ,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) == (void *)sp;
}

/* Under the fault lock: a zero shadow page becomes its identity frame. */
bool hosted_shadow_frame_map(uintptr_t sp, unsigned long pfn)
{
	return map_shared(sp, PLAT_PAGE_SIZE, frame_offset(pfn), MAP_FIXED);
}

void plat_shadow_pages_unmap(uintptr_t sp, unsigned long n)
{
	if (mmap((void *)sp, n << PLAT_PAGE_SHIFT, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) != (void *)sp)
		unmap_failed("vmalloc shadow", sp, n);
	maps_released();
}

/*
 * A child made without fork handlers (raw clone(SIGCHLD), syscall
 * SYS_fork) shares the RAM memfd, and with it every vmalloc'd byte and
 * the allocator's metadata, with its parent: nothing the handlers below
 * do has run.  A page with MADV_WIPEONFORK reads as zero in any child
 * the kernel made by copying our address space, whoever asked; fork()'s
 * child handler sets it again.  A child that finds it zero is stopped
 * at its first allocator call, with a message (the choice is documented
 * in README.md: giving it its own copy would need the parent stopped at
 * the moment of the clone, which only the handlers can do).
 */
static volatile char *process_token;

static void set_process_token(void)
{
	if (process_token)
		*process_token = 1;
}

static void make_process_token(void)
{
	void *p = mmap(NULL, PLAT_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return;
	if (madvise(p, PLAT_PAGE_SIZE, MADV_WIPEONFORK)) {
		munmap(p, PLAT_PAGE_SIZE);	/* before Linux 4.14: no check */
		return;
	}
	process_token = p;
	set_process_token();
}

void plat_check_process(void)
{
	if (__builtin_expect(!process_token || *process_token, 1))
		return;
	kasan_printf("vmkasan: process %d was made by a fork or clone without fork handlers "
		     "(a raw clone() or fork system call): it shares vmkasan's memory with its "
		     "parent, and its vmalloc/vfree would corrupt the parent's; stopping it\n",
		     (int)syscall(SYS_getpid));
	plat_die(kasan_flags.exitcode, false);
}

bool plat_guard(uintptr_t va, size_t n, bool guard)
{
	return !mprotect((void *)va, n, guard ? PROT_NONE : PROT_READ | PROT_WRITE);
}

unsigned plat_nr_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	return n > 0 ? (unsigned)n : 1;
}

static bool count_one(const struct hosted_mapping *m, void *arg)
{
	(void)m;
	++*(unsigned long *)arg;
	return false;
}

unsigned long plat_vma_count(void)
{
	unsigned long n = 0;

	hosted_for_each_mapping(count_one, &n);
	return n;
}

/*
 * fork(): the RAM memfd is shared memory, so without help a child would
 * share every vmalloc area, shadow page and allocator descriptor with its
 * parent.  Before the fork, with every allocator lock held (nothing in
 * the runtime moves), the parent copies the memfd's data into a new
 * memfd; the child then maps the copy at exactly the places and offsets
 * where the old one was mapped.  Kernel-style copy-on-write it is not:
 * the copy costs the RAM in use, once per fork (posix_spawn and
 * system() do not fork this way and pay nothing).
 */
static int fork_fd = -1;

static int copy_ram(void)
{
	int fd = memfd_create("vmkasan-ram", MFD_CLOEXEC);
	off_t size = frame_offset(mm_layout.nr_pfns), pos = 0;

	if (fd < 0 || ftruncate(fd, size))
		goto fail;
	for (;;) {
		off_t data = lseek(ram_fd, pos, SEEK_DATA), hole, in, out;

		if (data < 0)
			break;	/* ENXIO: no data after pos */
		hole = lseek(ram_fd, data, SEEK_HOLE);
		if (hole < 0)
			goto fail;
		in = out = data;
		while (in < hole) {
			ssize_t n = copy_file_range(ram_fd, &in, fd, &out, (size_t)(hole - in), 0);

			if (n <= 0)
				goto fail;
		}
		pos = hole;
	}
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

struct remap_arg {
	unsigned long inode;
	int fd;
	bool ok;
};

static bool remap_one(const struct hosted_mapping *m, void *arg)
{
	struct remap_arg *r = arg;
	int prot = (m->perms[0] == 'r' ? PROT_READ : 0) | (m->perms[1] == 'w' ? PROT_WRITE : 0);

	if (m->inode != r->inode || m->perms[3] != 's')
		return false;
	if (mmap((void *)m->start, m->end - m->start, prot, MAP_SHARED | MAP_FIXED | MAP_NORESERVE,
		 r->fd, (off_t)m->offset) != (void *)m->start)
		r->ok = false;
	return false;
}

void mm_lock_all(bool lock);
static sigset_t fork_sigmask;

/*
 * Every lock of the runtime is held across fork(), in this order (the
 * order they nest in elsewhere): the report lock (reports take the
 * allocator's locks in describers), the symbolizer's, the allocator's
 * (mm_lock_all, the shadow create lock included), the mappings count,
 * the fault lock.  Another thread holding one at the fork would leave
 * it held for ever in the child.
 */
static void fork_prepare(void)
{
	kasan_report_lock_all(true);
	vmk_symbolize_lock_all(true);
	mm_lock_all(true);
	kasan_spin_lock(&maps_lock);
	hosted_fault_lock(&fork_sigmask);
	fork_fd = copy_ram();
}

static void unlock_after_fork(void)
{
	hosted_fault_unlock(&fork_sigmask);
	kasan_spin_unlock(&maps_lock);
	mm_lock_all(false);
	vmk_symbolize_lock_all(false);
	kasan_report_lock_all(false);
}

static void fork_parent(void)
{
	if (fork_fd >= 0)
		close(fork_fd);
	fork_fd = -1;
	unlock_after_fork();
}

static void fork_child(void)
{
	struct stat st;
	struct remap_arg r = { 0, fork_fd, true };

	if (fork_fd >= 0 && !fstat(ram_fd, &st)) {
		r.inode = (unsigned long)st.st_ino;
		hosted_for_each_mapping(remap_one, &r);
	}
	if (fork_fd >= 0 && r.ok) {
		close(ram_fd);
		ram_fd = fork_fd;
	} else {
		kasan_printf("vmkasan: fork: could not give the child its own copy of the vmalloc space; "
			     "parent and child now share it\n");
	}
	fork_fd = -1;
	set_process_token();	/* wiped by the kernel: this child is legitimate */
	unlock_after_fork();
}

/* The memfd is the backing of identity frames: nothing to do. */
bool plat_frames_take(unsigned long pfn, unsigned long n)
{
	(void)pfn;
	(void)n;
	return true;
}

void plat_frames_put(unsigned long pfn, unsigned long n)
{
	(void)pfn;
	(void)n;
}

/* The runtime's own metadata: anonymous, lazily backed. */
void *plat_alloc_pages(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}
