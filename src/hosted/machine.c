// SPDX-License-Identifier: MIT
/*
 * The hosted Linux x86-64 implementation of the platform interface.
 * It may use libc, but nothing here may allocate from the program's heap
 * or take a lock the program might hold: reports run in whatever state
 * the bad access left the program in.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "core.h"
#include "hosted.h"
#include "symbolize.h"

static int log_fd = 2;

bool plat_addr_has_shadow(uintptr_t addr)
{
	return addr < LOW_MEM_END || (addr >= HIGH_MEM_START && addr < HIGH_MEM_END);
}

static int to_mmap_prot(enum hosted_prot prot)
{
	return (prot & 1 ? PROT_READ : 0) | (prot & 2 ? PROT_WRITE : 0);
}

bool hosted_reserve(uintptr_t addr, size_t size, enum hosted_prot prot)
{
	void *p = mmap((void *)addr, size, to_mmap_prot(prot),
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED)
		return false;
	if ((uintptr_t)p != addr) {	/* kernels before 4.17 ignore NOREPLACE */
		munmap(p, size);
		errno = EEXIST;
		return false;
	}
	/* Huge pages would turn one touched shadow byte into 2 MiB of RAM. */
	madvise(p, size, MADV_NOHUGEPAGE);
	madvise(p, size, MADV_DONTDUMP);
	return true;
}

void plat_write(const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(log_fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

void plat_die(int exitcode, bool do_abort)
{
	if (do_abort) {
		signal(SIGABRT, SIG_DFL);
		abort();
	}
	_exit(exitcode);
}

static __thread unsigned long tid;

/*
 * A report keeps asynchronous signals and cancellation away from its
 * thread (see report.c): a handler of this thread can then never wait
 * for a lock the report holds, and write() (a cancellation point) cannot
 * end the thread with the report lock held.  Synchronous faults stay
 * deliverable: blocked, they would kill the process.
 */
static __thread sigset_t report_saved_mask;
static __thread int report_saved_cancel;

void hosted_block_async_signals(sigset_t *old)
{
	sigset_t all;

	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGTRAP);
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, old, _NSIG / 8);
}

void plat_report_enter(void)
{
	hosted_block_async_signals(&report_saved_mask);
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &report_saved_cancel);
}

void plat_report_exit(void)
{
	int ignored;

	pthread_setcancelstate(report_saved_cancel, &ignored);
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &report_saved_mask, NULL, _NSIG / 8);
}

static bool open_log(char *err, size_t errlen);

/* A forked child's only thread must not keep its parent's cached id, and
 * its reports go to a log named after its own pid. */
static void after_fork_in_child(void)
{
	char err[300];

	tid = 0;
	if (log_fd > 2) {
		close(log_fd);
		if (!open_log(err, sizeof(err)))
			kasan_printf("%s\n", err);
	}
}

unsigned long plat_tid(void)
{
	if (!tid)
		tid = (unsigned long)syscall(SYS_gettid);
	return tid;
}

void plat_task_name(char *buf, size_t len)
{
	char comm[17] = { 0 };

	prctl(PR_GET_NAME, comm, 0, 0, 0);
	kasan_snprintf(buf, len, "%s", comm);
}

/*
 * process_vm_readv on ourselves fails with EFAULT instead of faulting.
 * Where it is refused (seccomp), a write() into a pipe does the same job.
 */
bool plat_read_safe(void *dst, uintptr_t src, size_t n)
{
	static int pipe_fds[2] = { -1, -1 };
	struct iovec local = { dst, n }, remote = { (void *)src, n };
	ssize_t r = syscall(SYS_process_vm_readv, getpid(), &local, 1UL, &remote, 1UL, 0UL);

	if (r == (ssize_t)n)
		return true;
	if (r >= 0 || (errno != EPERM && errno != ENOSYS))
		return false;
	if (pipe_fds[0] < 0 && pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK))
		return false;
	for (size_t done = 0; done < n;) {
		size_t chunk = n - done > 4096 ? 4096 : n - done;

		if (write(pipe_fds[1], (const char *)src + done, chunk) != (ssize_t)chunk)
			return false;
		if (read(pipe_fds[0], (char *)dst + done, chunk) != (ssize_t)chunk)
			return false;
		done += chunk;
	}
	return true;
}

/*
 * Walk /proc/self/maps with raw calls and a buffer on the stack: no
 * malloc, no stdio, so it is safe in a fault handler and at fork.
 * fn returns true to stop the walk.
 */
bool hosted_for_each_mapping(bool (*fn)(const struct hosted_mapping *, void *), void *arg)
{
	char buf[4096];
	size_t have = 0;
	bool stopped = false;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	while (!stopped) {
		ssize_t r = read(fd, buf + have, sizeof(buf) - 1 - have);
		char *line, *nl;

		if (r <= 0)
			break;
		have += (size_t)r;
		buf[have] = 0;
		line = buf;
		while (!stopped && (nl = strchr(line, '\n'))) {
			struct hosted_mapping m;
			char *p;

			*nl = 0;
			m.start = strtoul(line, &p, 16);
			m.end = strtoul(p + 1, &p, 16);
			while (*p == ' ')
				p++;
			for (int i = 0; i < 4; i++)
				m.perms[i] = *p ? *p++ : '-';
			m.offset = strtoul(p, &p, 16);
			strtoul(p, &p, 16);	/* device major:minor */
			if (*p == ':')
				strtoul(p + 1, &p, 16);
			m.inode = strtoul(p, NULL, 10);
			stopped = fn(&m, arg);
			line = nl + 1;
		}
		have = (size_t)(buf + have - line);
		memmove(buf, line, have);
	}
	close(fd);
	return stopped;
}

struct find_arg {
	uintptr_t addr, lo, hi;
};

static bool holds_addr(const struct hosted_mapping *m, void *arg)
{
	struct find_arg *f = arg;

	if (f->addr < m->start || f->addr >= m->end)
		return false;
	f->lo = m->start;
	f->hi = m->end;
	return true;
}

/* The stack holding sp is the mapping holding it.  The answer is cached
 * per thread: longjmp asks every time. */
static bool find_mapping(uintptr_t addr, uintptr_t *lo, uintptr_t *hi)
{
	struct find_arg f = { addr, 0, 0 };

	if (!hosted_for_each_mapping(holds_addr, &f))
		return false;
	*lo = f.lo;
	*hi = f.hi;
	return true;
}

static __thread uintptr_t stack_lo, stack_hi;
/* The thread's own stack, noted when the thread starts. */
static __thread uintptr_t thread_lo, thread_hi;

void hosted_note_thread_stack(void)
{
	uintptr_t here = (uintptr_t)__builtin_frame_address(0);

	plat_stack_bounds(here, &thread_lo, &thread_hi);
}

bool plat_on_signal_stack(uintptr_t sp, uintptr_t alt[2], uintptr_t thread[2])
{
	stack_t ss;

	/* The common case, a longjmp on the thread's stack, costs no call. */
	if (sp >= thread_lo && sp < thread_hi)
		return false;
	if (sigaltstack(NULL, &ss) || !(ss.ss_flags & SS_ONSTACK))
		return false;
	alt[0] = (uintptr_t)ss.ss_sp;
	alt[1] = (uintptr_t)ss.ss_sp + ss.ss_size;
	thread[0] = thread_lo;
	thread[1] = thread_hi;
	return true;
}

bool plat_stack_bounds(uintptr_t sp, uintptr_t *lo, uintptr_t *hi)
{
	bool is_stack;

	/* A vmap stack is one area of the vmalloc space's single mapping. */
	if (vmalloc_area_bounds(sp, lo, hi, &is_stack))
		return true;
	if (!(sp >= stack_lo && sp < stack_hi)) {
		uintptr_t a, b;

		if (!find_mapping(sp, &a, &b))
			return false;
		/* Only remember our own stack, not an address we were asked about. */
		uintptr_t here = (uintptr_t)__builtin_frame_address(0);

		if (here >= a && here < b) {
			stack_lo = a;
			stack_hi = b;
		}
		*lo = a;
		*hi = b;
		return true;
	}
	*lo = stack_lo;
	*hi = stack_hi;
	return true;
}

void plat_cpu_relax(void)
{
	__builtin_ia32_pause();
}

/* glibc reads it from the rseq area the kernel keeps current (no system
 * call); -1 (no rseq, no vDSO getcpu) counts as CPU 0. */
unsigned plat_cpu_id(void)
{
	int cpu = sched_getcpu();

	return cpu > 0 ? (unsigned)cpu : 0;
}

uint64_t plat_time_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * Short copies (most calls: strings, struct fields) load everything with
 * a few overlapping unaligned moves, then store: no loop, no start-up
 * cost, and safe for overlap, so memmove uses it too.  Longer ones use
 * the x86 string instructions: on CPUs with ERMS (every x86-64 of the
 * last decade) rep movsb/stosb keep up with a tuned libc loop, and the
 * compiler cannot turn them back into a memcpy call.
 */
typedef uint8_t v16 __attribute__((vector_size(16)));

static __always_inline void short_move(unsigned char *d, const unsigned char *s, size_t n)
{
	if (n >= 32) {		/* 32..64 */
		v16 a, b, c, e;

		__builtin_memcpy(&a, s, 16);
		__builtin_memcpy(&b, s + 16, 16);
		__builtin_memcpy(&c, s + n - 32, 16);
		__builtin_memcpy(&e, s + n - 16, 16);
		__builtin_memcpy(d, &a, 16);
		__builtin_memcpy(d + 16, &b, 16);
		__builtin_memcpy(d + n - 32, &c, 16);
		__builtin_memcpy(d + n - 16, &e, 16);
	} else if (n >= 16) {
		v16 a, b;

		__builtin_memcpy(&a, s, 16);
		__builtin_memcpy(&b, s + n - 16, 16);
		__builtin_memcpy(d, &a, 16);
		__builtin_memcpy(d + n - 16, &b, 16);
	} else if (n >= 8) {
		uint64_t a, b;

		__builtin_memcpy(&a, s, 8);
		__builtin_memcpy(&b, s + n - 8, 8);
		__builtin_memcpy(d, &a, 8);
		__builtin_memcpy(d + n - 8, &b, 8);
	} else if (n >= 4) {
		uint32_t a, b;

		__builtin_memcpy(&a, s, 4);
		__builtin_memcpy(&b, s + n - 4, 4);
		__builtin_memcpy(d, &a, 4);
		__builtin_memcpy(d + n - 4, &b, 4);
	} else if (n) {
		unsigned char a = s[0], b = s[n / 2], c = s[n - 1];

		d[0] = a;
		d[n / 2] = b;
		d[n - 1] = c;
	}
}

void *plat_memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;

	if (n <= 64) {
		short_move(dst, src, n);
		return dst;
	}
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
	return dst;
}

void *plat_memmove(void *dst, const void *src, size_t n)
{
	if (n <= 64) {
		short_move(dst, src, n);
		return dst;
	}
	if ((uintptr_t)dst - (uintptr_t)src >= n)
		return plat_memcpy(dst, src, n);
	/* Overlap with dst above src: copy backwards, 16 bytes at a time. */
	unsigned char *d = (unsigned char *)dst + n;
	const unsigned char *s = (const unsigned char *)src + n;

	while (n >= 16) {
		v16 w;

		d -= 16;
		s -= 16;
		n -= 16;
		__builtin_memcpy(&w, s, 16);
		__builtin_memcpy(d, &w, 16);
	}
	short_move(dst, src, n);
	return dst;
}

void *plat_memset(void *dst, int c, size_t n)
{
	void *d = dst;

	if (n <= 32) {
		unsigned char *p = dst;
		uint64_t w = (uint8_t)c * 0x0101010101010101ULL;

		if (n >= 16) {
			__builtin_memcpy(p, &w, 8);
			__builtin_memcpy(p + 8, &w, 8);
			__builtin_memcpy(p + n - 16, &w, 8);
			__builtin_memcpy(p + n - 8, &w, 8);
		} else if (n >= 8) {
			__builtin_memcpy(p, &w, 8);
			__builtin_memcpy(p + n - 8, &w, 8);
		} else {
			while (n--)
				*p++ = (unsigned char)c;
		}
		return dst;
	}
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return dst;
}

static bool to_plat_symbol(bool found, const struct vmk_symbol *s, struct plat_symbol *out)
{
	if (!found)
		return false;
	out->module = s->module;
	out->module_off = s->module_off;
	out->func = s->func;
	out->func_off = s->func_off;
	out->func_size = s->func_size;
	out->file = s->file;
	out->line = s->line;
	_Static_assert(PLAT_MAX_INLINED >= VMK_MAX_INLINED, "room for every inlined frame");
	out->n_inlined = s->inlined_count;
	for (unsigned i = 0; i < s->inlined_count; i++) {
		out->inlined[i].func = s->inlined[i].func;
		out->inlined[i].file = s->inlined[i].file;
		out->inlined[i].line = s->inlined[i].line;
	}
	return true;
}

bool plat_symbolize(uintptr_t pc, bool is_return_addr, struct plat_symbol *out)
{
	struct vmk_symbol s;

	if (module_symbolize(pc, out))
		return true;
	return to_plat_symbol(vmk_symbolize(pc, is_return_addr, &s), &s, out);
}

static bool open_log(char *err, size_t errlen)
{
	const char *path = kasan_flags.log_path;
	char full[300];

	if (!strcmp(path, "stderr"))
		return true;
	if (!strcmp(path, "stdout")) {
		log_fd = 1;
		return true;
	}
	kasan_snprintf(full, sizeof(full), "%s.%d", path, (int)getpid());
	/*
	 * Reports hold addresses and code paths: readable by the owner only.
	 * The name is predictable (<path>.<pid>), so in a shared directory
	 * someone else may have put a file or a symlink there first; O_EXCL
	 * and O_NOFOLLOW make us refuse it instead of writing through it.
	 */
	log_fd = open(full, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_APPEND | O_CLOEXEC, 0600);
	if (log_fd < 0) {
		int e = errno;

		kasan_snprintf(err, errlen, "vmkasan: log_path: cannot create '%s': %s%s", full,
			       strerror(e),
			       e == EEXIST || e == ELOOP ? " (it already exists; vmkasan creates a "
			       "new file and does not write into an existing one or follow a symlink)"
			       : "");
		log_fd = 2;
		return false;
	}
	return true;
}

/* A program that printed a report exits with exitcode, as with ASan. */
static void exit_with_report_status(void)
{
	if (kasan_flags.print_stats) {
		kasan_printf("vmkasan: %lu report(s)\n", kasan_reports);
		mm_print_stats();
	}
	if (!kasan_reports)
		return;
	fflush(NULL);
	_exit(kasan_flags.exitcode);
}

static bool reserve_region(const char *what, uintptr_t lo, uintptr_t hi, enum hosted_prot prot,
			   char *err, size_t errlen)
{
	if (hosted_reserve(lo, hi - lo, prot))
		return true;
	kasan_snprintf(err, errlen,
		       "vmkasan: cannot reserve the %s [0x%lx, 0x%lx) (%lu GiB): %s%s", what,
		       (unsigned long)lo, (unsigned long)hi, (unsigned long)((hi - lo) >> 30),
		       strerror(errno),
		       errno == ENOMEM ? " (vmkasan needs unlimited virtual memory: check `ulimit -v`"
					 " and vm.overcommit_memory=2)" :
		       errno == EEXIST ? " (something is already mapped there)" : "");
	return false;
}

bool plat_init(char *err, size_t errlen)
{
	if (!open_log(err, errlen))
		return false;
	if (!hosted_malloc_setup(err, errlen))
		return false;
	if (!reserve_region("low shadow", LOW_SHADOW_START, LOW_SHADOW_END, HOSTED_PROT_RW, err, errlen) ||
	    !reserve_region("shadow gap", SHADOW_GAP_START, SHADOW_GAP_END, HOSTED_PROT_NONE, err, errlen) ||
	    !reserve_region("high shadow", HIGH_SHADOW_START, HIGH_SHADOW_END, HOSTED_PROT_RW, err, errlen))
		return false;
	if (!hosted_install_fault_handler(err, errlen))
		return false;
	hosted_note_thread_stack();
	atexit(exit_with_report_status);
	pthread_atfork(NULL, NULL, after_fork_in_child);
	return true;
}
