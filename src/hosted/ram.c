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
#include <sys/stat.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mm/mm.h"
#include "hosted.h"

#define LINEAR_START	0x500000000000UL
#define VMALLOC_BASE	0x600000000000UL
#define VMALLOC_BYTES	(1UL << 40)		/* 1 TiB */
#define GENERAL_PAGES	(16UL << 20)		/* 64 GiB of alloc_pages() frames */

static int ram_fd = -1;

static off_t frame_offset(unsigned long pfn)
{
	return (off_t)pfn << PAGE_SHIFT;
}

static bool map_shared(uintptr_t va, size_t len, off_t off, int extra)
{
	void *p = mmap((void *)va, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_NORESERVE | extra, ram_fd, off);

	return p == (void *)va;
}

int vmalloc_shadow_hole(uintptr_t shadow_addr);
static void fork_prepare(void);
static void fork_parent(void);
static void fork_child(void);
bool vmalloc_explain_fault(uintptr_t addr, bool write, uintptr_t ip, uintptr_t fp);

static bool explain_fault(uintptr_t addr, bool write, uintptr_t ip, uintptr_t fp, uintptr_t sp)
{
	(void)sp;
	return vmalloc_explain_fault(addr, write, ip, fp);
}

bool plat_mm_init(struct plat_mm_layout *l, char *err, size_t errlen)
{
	unsigned long vm_pages = VMALLOC_BYTES >> PAGE_SHIFT;
	uintptr_t vshadow = (uintptr_t)kasan_shadow(VMALLOC_BASE);
	size_t vshadow_len = VMALLOC_BYTES >> KASAN_SHADOW_SCALE_SHIFT;

	l->vmalloc_start = VMALLOC_BASE;
	l->vmalloc_end = VMALLOC_BASE + VMALLOC_BYTES;
	l->linear_start = LINEAR_START;
	l->general_pfns = GENERAL_PAGES;
	l->vmalloc_pfn_base = GENERAL_PAGES;
	l->shadow_pfn_base = GENERAL_PAGES + vm_pages;
	l->nr_pfns = l->shadow_pfn_base + (vshadow_len >> PAGE_SHIFT);

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
	/* The vmalloc space's shadow: absent until populated. */
	if (mmap((void *)vshadow, vshadow_len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) != (void *)vshadow) {
		kasan_snprintf(err, errlen, "vmkasan: cannot unmap the vmalloc shadow: %s",
			       strerror(errno));
		return false;
	}
	pthread_atfork(fork_prepare, fork_parent, fork_child);
	hosted_register_shadow_hole(vmalloc_shadow_hole);
	hosted_register_fault_explainer(explain_fault);
	return true;
}

void plat_frames_release(unsigned long pfn, unsigned long n)
{
	fallocate(ram_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, frame_offset(pfn),
		  frame_offset(n));
}

/* The vmalloc mapping's file offset follows the address. */
static off_t identity_offset(uintptr_t va)
{
	return frame_offset(mm_layout.vmalloc_pfn_base) + (off_t)(va - VMALLOC_BASE);
}

void plat_unmap_alias(uintptr_t va, unsigned long n)
{
	map_shared(va, n << PAGE_SHIFT, identity_offset(va), MAP_FIXED);
}

bool plat_map_alias(uintptr_t va, const unsigned long *pfns, unsigned long n)
{
	/* One mmap per run of consecutive frames. */
	for (unsigned long i = 0, run; i < n; i += run) {
		for (run = 1; i + run < n && pfns[i + run] == pfns[i] + run; run++)
			;
		if (!map_shared(va + (i << PAGE_SHIFT), run << PAGE_SHIFT, frame_offset(pfns[i]),
				MAP_FIXED)) {
			plat_unmap_alias(va, i);
			return false;
		}
	}
	return true;
}

bool plat_shadow_pages_map(uintptr_t sp, unsigned long pfn, unsigned long n)
{
	bool ok;

	/* Under the fault lock: a temporary poison page the fault handler
	 * put here must be forgotten, not unmapped later over ours. */
	hosted_fault_lock();
	for (unsigned long i = 0; i < n; i++)
		hosted_fault_forget(sp + (i << PAGE_SHIFT));
	ok = map_shared(sp, n << PAGE_SHIFT, frame_offset(pfn), MAP_FIXED);
	hosted_fault_unlock();
	return ok;
}

void plat_shadow_pages_unmap(uintptr_t sp, unsigned long n)
{
	mmap((void *)sp, n << PAGE_SHIFT, PROT_NONE,
	     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
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

static void fork_prepare(void)
{
	mm_lock_all(true);
	hosted_fault_lock();
	fork_fd = copy_ram();
}

static void fork_parent(void)
{
	if (fork_fd >= 0)
		close(fork_fd);
	fork_fd = -1;
	hosted_fault_unlock();
	mm_lock_all(false);
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
	hosted_fault_unlock();
	mm_lock_all(false);
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
