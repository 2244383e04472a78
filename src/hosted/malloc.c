// SPDX-License-Identifier: MIT
/*
 * The C library's allocator names, defined by the runtime with default
 * visibility: in a dynamically linked program they interpose libc's (the
 * executable, or libvmkasan.so ahead of libc, comes first in symbol
 * lookup, so ld.so and libc's own allocations — fopen, getline, strdup,
 * qsort, ... — come here too); in a -static one they replace glibc's
 * malloc.o, which then is not linked (glibc supports that when all of
 * malloc, free, calloc, realloc, memalign, posix_memalign, aligned_alloc,
 * valloc, pvalloc and malloc_usable_size are provided).
 *
 * Who owns a pointer, decided by its address:
 *  - the runtime's RAM (linear map, vmalloc space): ours, checked;
 *  - the bootstrap arena: handed out while the runtime initialises on
 *    this thread (its own start-up may call into libc, which may
 *    allocate); never reused, free() of it does nothing;
 *  - anything else: with malloc=libc, libc's (__libc_free); with
 *    malloc=kasan nothing else can come from an allocator (we serve
 *    every call from the first; glibc never frees what ld.so's
 *    start-up allocator gave before relocation), so it is reported as
 *    an invalid free and left alone.
 *
 * The names are weak definitions, and they step aside for an allocator
 * of the program's own (it defines malloc: at static link time its strong
 * definition wins over ours, at run time the executable or an LD_PRELOADed
 * library comes before us in the lookup scope): the runtime then checks
 * no heap, and those names the program did not define (calloc, strdup,
 * ...) go to the C library's (or, in a -static program, are built on the
 * program's malloc where they can be), as glibc's would with a replaced
 * malloc.  A runtime that comes AFTER the C library in the lookup scope
 * (libvmkasan.so pulled in by dlopen of an instrumented library) can
 * interpose nothing: start-up refuses, with what to do instead.
 *
 * The per-thread caches of the fast path live in a TLS slot
 * (initial-exec: no allocation on first use) and are handed back by a
 * pthread key destructor when the thread ends.
 */
#include <errno.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "core.h"
#include "hosted.h"

/* malloc is a weak alias of vmk_malloc (below): a program's own malloc
 * wins, and comparing the two says whose runs (hosted_malloc_setup). */
static void *vmk_malloc(size_t size);
extern __typeof(malloc) malloc __attribute__((weak, alias("vmk_malloc"), visibility("default")));

/* glibc's own allocator under its exported internal names: present in
 * a dynamic program, absent (weak: NULL) in a -static one, where our
 * definitions replaced malloc.o. */
extern void *__libc_malloc(size_t) __attribute__((weak));
extern void *__libc_calloc(size_t, size_t) __attribute__((weak));
extern void *__libc_realloc(void *, size_t) __attribute__((weak));
extern void *__libc_memalign(size_t, size_t) __attribute__((weak));
extern void __libc_free(void *) __attribute__((weak));

/* ---- the bootstrap arena ---- */

#define BOOT_ARENA_SIZE (256 * 1024)
static char boot_arena[BOOT_ARENA_SIZE] __attribute__((aligned(4096)));
static size_t boot_used;
static __thread bool in_init __attribute__((tls_model("initial-exec")));

static bool in_boot_arena(const void *p)
{
	return (const char *)p >= boot_arena && (const char *)p < boot_arena + BOOT_ARENA_SIZE;
}

static void *boot_alloc(size_t size, size_t align)
{
	size_t cur = __atomic_load_n(&boot_used, __ATOMIC_RELAXED), off, end;

	if (align < 16)
		align = 16;
	do {
		off = (cur + align - 1) & ~(align - 1);
		end = off + ((size + 15) & ~(size_t)15);
		if (end > BOOT_ARENA_SIZE || end < off)
			return NULL;
	} while (!__atomic_compare_exchange_n(&boot_used, &cur, end, false, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return boot_arena + off;	/* static storage: zero, never reused */
}

/* Ready for a kasan allocation?  False: use the bootstrap arena (we are
 * inside the runtime's own start-up on this thread). */
static bool ready(void)
{
	if (likely(kasan_ready))
		return true;
	if (in_init)
		return false;
	in_init = true;
	kasan_init();
	in_init = false;
	return true;
}

/* Whose malloc the program's calls reach (hosted_malloc_setup). */
static enum { OWNER_US, OWNER_PROGRAM } malloc_owner;

static void say(const char *msg, size_t len)
{
	plat_write(msg, len);
}
#define SAY(lit) say(lit, sizeof(lit) - 1)

/* A -static program with its own malloc called one of ours that cannot
 * be built on its malloc: say so once, fail the call. */
static void *missing(const char *name)
{
	static int said;

	if (!__atomic_exchange_n(&said, 1, __ATOMIC_RELAXED)) {
		SAY("vmkasan: this -static program defines malloc but not ");
		say(name, __builtin_strlen(name));
		SAY(" (glibc's rule: a replacement malloc supplies the whole set); the call fails\n");
	}
	errno = ENOMEM;
	return NULL;
}

static bool use_libc(void)
{
	if (likely(malloc_mode == MALLOC_KASAN && malloc_owner == OWNER_US))
		return false;
	if (malloc_owner == OWNER_PROGRAM)
		return true;	/* the callers below handle a -static one */
	if (!__libc_malloc) {
		static const char msg[] = "vmkasan: VMKASAN_OPTIONS: malloc=libc is not possible in a "
					  "-static program (its libc malloc is replaced by vmkasan's)\n";
		plat_write(msg, sizeof(msg) - 1);
		plat_die(2, false);
	}
	return true;
}

/* Stepped aside: what allocates goes to the program's malloc (as glibc's
 * strdup would); what must know a block (realloc, free, memalign) to the
 * C library's, as it would without us.  malloc=libc: the C library's. */
static void *libc_malloc(size_t size)
{
	return malloc_owner == OWNER_PROGRAM ? malloc(size) : __libc_malloc(size);
}

static void *libc_calloc(size_t n, size_t size)
{
	void *p;

	if (malloc_owner != OWNER_PROGRAM)
		return __libc_calloc(n, size);
	p = malloc(n * size);	/* the caller checked the product */
	if (p)
		plat_memset(p, 0, n * size);
	return p;
}

static void *libc_realloc(void *p, size_t size)
{
	return __libc_realloc ? __libc_realloc(p, size) : missing("realloc");
}

static void *libc_memalign(size_t align, size_t size)
{
	return __libc_memalign ? __libc_memalign(align, size) : missing("memalign");
}

static void libc_free(void *p)
{
	if (__libc_free)
		__libc_free(p);
	else
		missing("free");
}

/* Does free(p) go to the C library's (or the program's) allocator? */
static bool libc_owns(const void *p)
{
	return malloc_mode != MALLOC_KASAN || malloc_owner == OWNER_PROGRAM ?
	       !kasan_malloc_owns((uintptr_t)p) : false;
}

static void *kmalloc_or_enomem(size_t size, size_t align, bool zero, uintptr_t ip, uintptr_t fp)
{
	void *p = kasan_malloc(size, align, zero, ip, fp);

	if (!p)
		errno = ENOMEM;
	return p;
}

/* ---- the per-thread slot ---- */

static __thread void *thread_slot __attribute__((tls_model("initial-exec")));
static pthread_key_t exit_key;
static pthread_once_t exit_once = PTHREAD_ONCE_INIT;

void **plat_thread_slot(void)
{
	return &thread_slot;
}

/* Fault injection's "inside malloc" count (lib/fault_inject.c). */
static __thread int malloc_depth __attribute__((tls_model("initial-exec")));

int *plat_thread_malloc_depth(void)
{
	return &malloc_depth;
}

static void thread_gone(void *unused)
{
	(void)unused;
	slab_thread_exit();
}

static void make_key(void)
{
	if (pthread_key_create(&exit_key, thread_gone))
		exit_key = (pthread_key_t)-1;
}

void plat_thread_watch_exit(void)
{
	pthread_once(&exit_once, make_key);
	if (exit_key != (pthread_key_t)-1)
		pthread_setspecific(exit_key, (void *)1);
}

/* ---- the libc names ---- */

#define IP CALLER_IP
#define FP CALLER_FP
/* Weak: a program's own definition wins (see the top). */
#define __interpose __public __attribute__((weak))

static void *vmk_malloc(size_t size)
{
	if (!ready())
		return boot_alloc(size, 16);
	if (use_libc())
		return libc_malloc(size);
	return kmalloc_or_enomem(size, 16, false, IP, FP);
}

/*
 * At start-up (plat_init): whose malloc do the program's calls reach?
 * Ours: the checked heap.  The C library's: this libvmkasan.so was loaded
 * after it (dlopen'ed with an instrumented library into a program that
 * does not load the runtime first) and can interpose nothing: refused,
 * unless malloc=libc asked for an unchecked heap anyway.  Another (the
 * program's own, or an LD_PRELOADed allocator): we step aside.
 */
bool hosted_malloc_setup(char *err, size_t errlen)
{
	void *first = (void *)malloc;
	Dl_info self;

	if (first == (void *)vmk_malloc)
		return true;
	if (__libc_malloc && first == (void *)__libc_malloc) {
		if (malloc_mode == MALLOC_LIBC)
			return true;
		if (!dladdr((void *)vmk_malloc, &self) || !self.dli_fname)
			self.dli_fname = "libvmkasan.so";
		kasan_snprintf(err, errlen,
			       "vmkasan: %s was loaded after the C library (an instrumented library "
			       "built with --shared-runtime, dlopen'ed by a program not built with "
			       "vmkasan-cc?): it cannot take over malloc, and the heap would go "
			       "unchecked. Build the program with vmkasan-cc, or run it with "
			       "LD_PRELOAD=%s (VMKASAN_OPTIONS=malloc=libc: check all but the heap)",
			       self.dli_fname, self.dli_fname);
		return false;
	}
	malloc_owner = OWNER_PROGRAM;
	return true;
}

__interpose void free(void *p)
{
	if (!p || in_boot_arena(p))
		return;
	if (!ready())
		return;	/* cannot be ours: nothing was handed out yet */
	if (libc_owns(p)) {
		libc_free(p);
		return;
	}
	kasan_free_kind(p, MALLOC_KIND_MALLOC, "free()", "free", IP, FP);
}

__interpose void *calloc(size_t n, size_t size)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes)) {
		errno = ENOMEM;
		return NULL;
	}
	if (!ready())
		return boot_alloc(bytes, 16);
	if (use_libc())
		return libc_calloc(n, size);
	return kmalloc_or_enomem(bytes, 16, true, IP, FP);
}

static void *do_realloc(void *p, size_t size, uintptr_t ip, uintptr_t fp)
{
	void *n;

	if (!ready()) {
		/* Only the bootstrap arena can hold p: copy what can be. */
		n = boot_alloc(size, 16);
		if (n && p)
			plat_memmove(n, p, (size_t)(boot_arena + BOOT_ARENA_SIZE - (char *)p) < size ?
				     (size_t)(boot_arena + BOOT_ARENA_SIZE - (char *)p) : size);
		return n;
	}
	if (!p) {
		if (use_libc())
			return libc_malloc(size);
		return kmalloc_or_enomem(size, 16, false, ip, fp);
	}
	if (!size) {
		/* glibc frees and returns NULL (C23: implementation-defined;
		 * README documents the choice). */
		if (in_boot_arena(p))
			return NULL;
		if (libc_owns(p)) {
			libc_free(p);
		} else {
			kasan_free_kind(p, MALLOC_KIND_MALLOC, "realloc()", "realloc", ip, fp);
		}
		return NULL;
	}
	if (in_boot_arena(p)) {
		/* Out of the arena for good; how much of it is p's is not
		 * recorded, so copy up to the arena's end or size. */
		size_t avail = (size_t)(boot_arena + BOOT_ARENA_SIZE - (char *)p);

		n = use_libc() ? libc_malloc(size) : kmalloc_or_enomem(size, 16, false, ip, fp);
		if (n)
			plat_memcpy(n, p, avail < size ? avail : size);
		return n;
	}
	if (libc_owns(p))
		return libc_realloc(p, size);
	if (!kasan_malloc_owns((uintptr_t)p)) {
		kasan_free(p, ip, fp, "realloc");	/* reported: not heap memory */
		return NULL;
	}
	kasan_free_check_kind(p, MALLOC_KIND_MALLOC, "realloc()", ip, fp);
	n = kasan_realloc(p, size, ip, fp);
	if (!n)
		errno = ENOMEM;
	return n;
}

__interpose void *realloc(void *p, size_t size)
{
	return do_realloc(p, size, IP, FP);
}

__interpose void *reallocarray(void *p, size_t n, size_t size)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes)) {
		errno = ENOMEM;
		return NULL;
	}
	return do_realloc(p, bytes, IP, FP);
}

static void *aligned(size_t align, size_t size, uintptr_t ip, uintptr_t fp)
{
	if (!ready())
		return boot_alloc(size, align);
	if (use_libc())
		return libc_memalign(align, size);
	return kmalloc_or_enomem(size, align, false, ip, fp);
}

__interpose int posix_memalign(void **out, size_t align, size_t size)
{
	void *p;
	int saved = errno;

	if (!align || (align & (align - 1)) || align % sizeof(void *))
		return EINVAL;
	p = aligned(align, size, IP, FP);
	if (!p)
		return ENOMEM;
	errno = saved;	/* posix_memalign does not set errno */
	*out = p;
	return 0;
}

__interpose void *aligned_alloc(size_t align, size_t size)
{
	if (!align || (align & (align - 1))) {
		errno = EINVAL;
		return NULL;
	}
	return aligned(align, size, IP, FP);
}

__interpose void *memalign(size_t align, size_t size)
{
	/* glibc: a non-power of two is rounded up to one. */
	size_t a = 1;

	while (a < align && a)
		a <<= 1;
	if (!a) {
		errno = EINVAL;
		return NULL;
	}
	return aligned(a, size, IP, FP);
}

__interpose void *valloc(size_t size)
{
	return aligned((size_t)sysconf(_SC_PAGESIZE), size, IP, FP);
}

__interpose void *pvalloc(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	if (size > SIZE_MAX - page) {
		errno = ENOMEM;
		return NULL;
	}
	return aligned(page, size ? (size + page - 1) & ~(page - 1) : page, IP, FP);
}

__interpose size_t malloc_usable_size(void *p)
{
	static size_t (*libc_usable)(void *);

	if (!p || in_boot_arena(p) || !kasan_ready)
		return 0;
	if (kasan_malloc_owns((uintptr_t)p))
		return kasan_malloc_size(p);
	if (libc_owns(p)) {
		if (!libc_usable)
			libc_usable = (size_t (*)(void *))dlsym(RTLD_NEXT, "malloc_usable_size");
		return libc_usable ? libc_usable(p) : 0;
	}
	return 0;
}

/* strdup and strndup allocate for the program: here, the allocation
 * track names the program's call, and reading the source is checked. */
static char *dup_checked(const char *s, size_t max, uintptr_t ip, uintptr_t fp)
{
	size_t len = 0;
	char *p;

	/* Find the end without reading past a poisoned byte, then check
	 * what would be read (the report names the caller). */
	while (len < max && !kasan_region_is_poisoned_byte((uintptr_t)s + len) && s[len])
		len++;
	if (len < max && kasan_region_is_poisoned_byte((uintptr_t)s + len) &&
	    plat_addr_has_shadow((uintptr_t)s + len)) {
		kasan_check_range((uintptr_t)s, len + 1, false, ip, fp);
		return NULL;
	}
	p = use_libc() ? libc_malloc(len + 1) : kmalloc_or_enomem(len + 1, 16, false, ip, fp);
	if (p) {
		plat_memcpy(p, s, len);
		p[len] = 0;
	}
	return p;
}

__interpose char *strdup(const char *s)
{
	if (!ready()) {
		size_t n = 0;
		char *p;

		while (s[n])
			n++;
		p = boot_alloc(n + 1, 16);
		if (p)
			plat_memcpy(p, s, n + 1);
		return p;
	}
	return dup_checked(s, SIZE_MAX, IP, FP);
}

__interpose char *strndup(const char *s, size_t max)
{
	if (!ready())
		return NULL;
	return dup_checked(s, max, IP, FP);
}

/*
 * C++ operator new and delete (Itanium C++ ABI names, x86-64: size_t is
 * m), weak like the names above, so that a block remembers which kind of
 * function allocated it (malloc, new, new[]) and a free by another kind is
 * reported as alloc-dealloc-mismatch (ASan's name for it).  They allocate
 * as malloc does.  On failure the throwing forms call the new-handler
 * while there is one, then throw std::bad_alloc, through libstdc++'s own
 * functions (weak: a C program has none, and never calls these).  The
 * nothrow forms return NULL without calling the handler (a C frame cannot
 * catch what it might throw).  Sized and aligned deletes free as the
 * plain ones do.
 */
typedef void (*new_handler_fn)(void);
extern new_handler_fn _ZSt15get_new_handlerv(void) __attribute__((weak));
extern void _ZSt17__throw_bad_allocv(void) __attribute__((weak, noreturn));

static __always_inline void *cxx_alloc(size_t size, size_t align, enum malloc_kind kind,
				       bool nothrow, uintptr_t ip, uintptr_t fp)
{
	void *p;

	for (;;) {
		if (!ready())
			return boot_alloc(size, align);
		if (use_libc())
			p = align > 16 ? libc_memalign(align, size) : libc_malloc(size);
		else
			p = kasan_malloc(size, align, false, ip, fp);
		if (p) {
			if (!use_libc())
				kasan_malloc_set_kind(p, kind);
			return p;
		}
		if (nothrow || !_ZSt15get_new_handlerv || !_ZSt15get_new_handlerv())
			break;
		_ZSt15get_new_handlerv()();
	}
	if (nothrow)
		return NULL;
	if (_ZSt17__throw_bad_allocv)
		_ZSt17__throw_bad_allocv();
	SAY("vmkasan: operator new: out of memory, and no C++ runtime to throw std::bad_alloc\n");
	plat_die(2, true);
}

static __always_inline void cxx_free(void *p, enum malloc_kind kind, const char *fn, uintptr_t ip,
				     uintptr_t fp)
{
	if (!p || in_boot_arena(p) || !ready())
		return;
	if (libc_owns(p)) {
		libc_free(p);
		return;
	}
	kasan_free_kind(p, kind, fn, fn, ip, fp);
}

#define NEW_OP(name, align, kind, nothrow, ...)					\
	__interpose void *name(size_t size, ##__VA_ARGS__);			\
	__interpose void *name(size_t size, ##__VA_ARGS__)			\
	{									\
		return cxx_alloc(size, align, kind, nothrow, IP, FP);		\
	}
#define DELETE_OP(name, kind, fn, ...)						\
	__interpose void name(void *p, ##__VA_ARGS__);				\
	__interpose void name(void *p, ##__VA_ARGS__)				\
	{									\
		cxx_free(p, kind, fn, IP, FP);					\
	}
#define N MALLOC_KIND_NEW
#define A MALLOC_KIND_NEW_ARRAY
#define ALIGN_ARG size_t align_val
#define NOTHROW_ARG __attribute__((unused)) const void *nothrow_tag

/* new, new[]; their aligned and nothrow forms */
NEW_OP(_Znwm, 16, N, false)
NEW_OP(_Znam, 16, A, false)
NEW_OP(_ZnwmRKSt9nothrow_t, 16, N, true, NOTHROW_ARG)
NEW_OP(_ZnamRKSt9nothrow_t, 16, A, true, NOTHROW_ARG)
NEW_OP(_ZnwmSt11align_val_t, align_val, N, false, ALIGN_ARG)
NEW_OP(_ZnamSt11align_val_t, align_val, A, false, ALIGN_ARG)
NEW_OP(_ZnwmSt11align_val_tRKSt9nothrow_t, align_val, N, true, ALIGN_ARG, NOTHROW_ARG)
NEW_OP(_ZnamSt11align_val_tRKSt9nothrow_t, align_val, A, true, ALIGN_ARG, NOTHROW_ARG)

/* delete, delete[]; sized, aligned, nothrow */
#define D "operator delete"
#define DA "operator delete []"
DELETE_OP(_ZdlPv, N, D)
DELETE_OP(_ZdaPv, A, DA)
#define SIZE_ARG __attribute__((unused)) size_t size
#define ALIGN_UNUSED __attribute__((unused)) size_t align_val
DELETE_OP(_ZdlPvm, N, D, SIZE_ARG)
DELETE_OP(_ZdaPvm, A, DA, SIZE_ARG)
DELETE_OP(_ZdlPvRKSt9nothrow_t, N, D, NOTHROW_ARG)
DELETE_OP(_ZdaPvRKSt9nothrow_t, A, DA, NOTHROW_ARG)
DELETE_OP(_ZdlPvSt11align_val_t, N, D, ALIGN_UNUSED)
DELETE_OP(_ZdaPvSt11align_val_t, A, DA, ALIGN_UNUSED)
DELETE_OP(_ZdlPvmSt11align_val_t, N, D, SIZE_ARG, ALIGN_UNUSED)
DELETE_OP(_ZdaPvmSt11align_val_t, A, DA, SIZE_ARG, ALIGN_UNUSED)
DELETE_OP(_ZdlPvSt11align_val_tRKSt9nothrow_t, N, D, ALIGN_UNUSED, NOTHROW_ARG)
DELETE_OP(_ZdaPvSt11align_val_tRKSt9nothrow_t, A, DA, ALIGN_UNUSED, NOTHROW_ARG)
