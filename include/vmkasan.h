/* SPDX-License-Identifier: MIT */
/*
 * vmkasan public interface.
 *
 * vmkasan is a generic-mode KASAN runtime for programs built with
 * -fsanitize=kernel-address (use build/bin/vmkasan-cc).  This header is
 * what an instrumented program may call directly: manual poisoning,
 * report statistics and (see the vmalloc section) a vmalloc space with
 * kernel semantics.
 */
#ifndef VMKASAN_H
#define VMKASAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Every function and object below is part of the runtime's ABI.  The
 * runtime is built with -fvisibility=hidden and includes this header:
 * VMKASAN_API gives exactly these declarations default visibility, so
 * libvmkasan.so exports them and nothing else of the runtime, and
 * libvmkasan.a keeps every other symbol local.
 */
#ifndef VMKASAN_API
#if defined(__GNUC__)
#define VMKASAN_API __attribute__((visibility("default")))
#else
#define VMKASAN_API
#endif
#endif

/* Shadow mapping: shadow = (addr >> 3) + VMKASAN_SHADOW_OFFSET. */
#define VMKASAN_SHADOW_SCALE_SHIFT	3
#if defined(__riscv)
/* The bare-metal RISC-V64 port (src/riscv/port_layout.h). */
#define VMKASAN_SHADOW_OFFSET		0x3000000000UL
#else
#define VMKASAN_SHADOW_OFFSET		0x7fff8000UL
#endif

/* Mark [addr, addr + size) inaccessible / accessible.  addr must be
 * 8-byte aligned for poisoning; unpoisoning handles a partial tail. */
VMKASAN_API void vmkasan_poison(const volatile void *addr, size_t size);
VMKASAN_API void vmkasan_unpoison(const volatile void *addr, size_t size);

/* Address of the first poisoned byte in [addr, addr + size), or NULL. */
VMKASAN_API void *vmkasan_region_is_poisoned(const volatile void *addr, size_t size);

/* Number of reports printed so far (including suppressed duplicates). */
VMKASAN_API unsigned long vmkasan_report_count(void);

/* Shadow byte address for a memory address (the kernel's name). */
VMKASAN_API void *kasan_mem_to_shadow(const void *addr);

/* ------------------------------------------------------------------ */
/*
 * The vmalloc space, with kernel names and semantics.
 *
 * Physical memory is modelled by a page allocator (struct page, a RAM
 * budget: VMKASAN_OPTIONS=ram=32M); the vmalloc space is a large range
 * of virtual addresses whose shadow is populated on demand, shared
 * between mappings and released when unused (vmalloc_shadow=...).
 * See docs/design.md and the README.
 */
typedef unsigned int gfp_t;
typedef struct { unsigned long pgprot; } pgprot_t;

#define GFP_KERNEL	0x0cc0u
#define GFP_ATOMIC	0x0820u
#define __GFP_ZERO	0x0100u
#define __GFP_NOWARN	0x0200u
#define __GFP_NOFAIL	0x8000u		/* accepted, not honoured: a budget is a budget */

#define PAGE_KERNEL	((pgprot_t){ 3 })
#define NUMA_NO_NODE	(-1)

/* vm_struct flags (include/linux/vmalloc.h) */
#define VM_IOREMAP	0x00000001
#define VM_ALLOC	0x00000002
#define VM_MAP		0x00000004
#define VM_USERMAP	0x00000008
#define VM_NO_GUARD	0x00000040
#define VM_KASAN	0x00000080

#define VMK_PAGE_SIZE	4096UL

struct page;

VMKASAN_API struct page *alloc_pages(gfp_t gfp, unsigned int order);
VMKASAN_API struct page *alloc_page(gfp_t gfp);
VMKASAN_API void __free_pages(struct page *page, unsigned int order);
VMKASAN_API void __free_page(struct page *page);
VMKASAN_API void *page_address(const struct page *page);
VMKASAN_API int page_ref_count(const struct page *page);
VMKASAN_API void get_page(struct page *page);
VMKASAN_API void put_page(struct page *page);	/* frees the page when the count drops to 0 */
VMKASAN_API unsigned long page_to_pfn(const struct page *page);

VMKASAN_API void *vmalloc(unsigned long size);
VMKASAN_API void *vzalloc(unsigned long size);
/* Kernel signatures: align is a power of two >= 1; start/end bound the
 * address (use VMALLOC_START/VMALLOC_END); caller is recorded (may be NULL). */
VMKASAN_API void *__vmalloc_node_range(unsigned long size, unsigned long align, unsigned long start,
			   unsigned long end, gfp_t gfp, pgprot_t prot, unsigned long vm_flags,
			   int node, const void *caller);
VMKASAN_API void *__vmalloc_node(unsigned long size, unsigned long align, gfp_t gfp, int node,
		     const void *caller);
VMKASAN_API void vfree(const void *addr);

VMKASAN_API void *vmap(struct page **pages, unsigned int count, unsigned long flags, pgprot_t prot);
VMKASAN_API void vunmap(const void *addr);
VMKASAN_API void *vm_map_ram(struct page **pages, unsigned int count, int node);
VMKASAN_API void vm_unmap_ram(const void *mem, unsigned int count);
/* Purge lazily freed areas now (the kernel's vm_unmap_aliases). */
VMKASAN_API void vm_unmap_aliases(void);

VMKASAN_API int is_vmalloc_addr(const void *addr);
VMKASAN_API struct page *vmalloc_to_page(const void *addr);
VMKASAN_API unsigned long vmalloc_to_pfn(const void *addr);

VMKASAN_API extern unsigned long VMALLOC_START, VMALLOC_END;

/* Per-cpu memory: chunks of nr_cpu_ids vmalloc areas made all at once. */
#define __percpu
VMKASAN_API void __percpu *__alloc_percpu(size_t size, size_t align);
VMKASAN_API void __percpu *__alloc_percpu_gfp(size_t size, size_t align, gfp_t gfp);
VMKASAN_API void free_percpu(void __percpu *ptr);
VMKASAN_API void *vmk_per_cpu_ptr(void __percpu *ptr, unsigned int cpu);
#define per_cpu_ptr(ptr, cpu)	((__typeof__(ptr))vmk_per_cpu_ptr((void *)(ptr), (cpu)))
#define alloc_percpu(type)	((type __percpu *)__alloc_percpu(sizeof(type), __alignof__(type)))
VMKASAN_API extern unsigned int nr_cpu_ids;

/* Run fn(arg) on a fresh vmalloc'd stack of stack_size bytes (0: the
 * vmap_stack_size option) with a guard page below it.  Returns 0, or -1
 * if the stack could not be allocated. */
VMKASAN_API int vmkasan_run_on_vmap_stack(void (*fn)(void *), void *arg, size_t stack_size);
/* Run fn(arg) as a task of its own, as the kernel runs a kthread: a new
 * thread named comm (at most 15 characters shown) on a vmalloc'd stack
 * of stack_size bytes (0: vmap_stack_size), and wait for it.  Returns 0,
 * or -1 if the thread or its stack could not be made.  Hosted port. */
VMKASAN_API int vmkasan_run_task(void (*fn)(void *), void *arg, const char *comm,
				 size_t stack_size);

/* ------------------------------------------------------------------ */
/*
 * The slab allocators, with Linux 6.12 generic-KASAN semantics: every
 * object has a redzone (the bytes past the requested size are poisoned
 * too), a freed object goes through a bounded FIFO quarantine
 * (VMKASAN_OPTIONS=quarantine_size=...), allocation and free stacks are
 * kept for reports, and a bad free (twice, not an object start, not slab
 * memory, wrong cache) is reported and ignored.  Memory comes from the
 * page allocator above (RAM budget, fault injection path "slab").
 */
struct kmem_cache;

#define SLAB_HWCACHE_ALIGN	0x00002000u
#define SLAB_PANIC		0x00040000u
#define SLAB_TYPESAFE_BY_RCU	0x00080000u	/* a freed object stays valid until a grace period */
#define SLAB_ACCOUNT		0x04000000u	/* accepted; memory is charged to the one budget */
#define SLAB_NO_MERGE		0x01000000u

#define KMALLOC_MIN_SIZE	8
#define KMALLOC_SHIFT_HIGH	13
#define KMALLOC_MAX_CACHE_SIZE	(1UL << KMALLOC_SHIFT_HIGH)	/* 8 KiB: kmalloc-8k */
#define KMALLOC_MAX_SIZE	(1UL << 22)			/* order-10 pages */

VMKASAN_API struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
						 unsigned int align, unsigned int flags,
						 void (*ctor)(void *));
VMKASAN_API void kmem_cache_destroy(struct kmem_cache *s);
VMKASAN_API void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp);
VMKASAN_API void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t gfp);
VMKASAN_API void *kmem_cache_alloc_node(struct kmem_cache *s, gfp_t gfp, int node);
VMKASAN_API void kmem_cache_free(struct kmem_cache *s, void *obj);
VMKASAN_API int kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t gfp, size_t nr, void **p);
VMKASAN_API void kmem_cache_free_bulk(struct kmem_cache *s, size_t nr, void **p);
VMKASAN_API unsigned int kmem_cache_size(struct kmem_cache *s);

VMKASAN_API void *kmalloc(size_t size, gfp_t gfp);
VMKASAN_API void *kzalloc(size_t size, gfp_t gfp);
VMKASAN_API void *kmalloc_node(size_t size, gfp_t gfp, int node);
VMKASAN_API void *kmalloc_array(size_t n, size_t size, gfp_t gfp);
VMKASAN_API void *kcalloc(size_t n, size_t size, gfp_t gfp);
VMKASAN_API void *krealloc(const void *p, size_t size, gfp_t gfp);
VMKASAN_API void *krealloc_array(void *p, size_t n, size_t size, gfp_t gfp);
VMKASAN_API void kfree(const void *p);
VMKASAN_API void kfree_sensitive(const void *p);
VMKASAN_API size_t ksize(const void *p);
VMKASAN_API void *kmemdup(const void *src, size_t len, gfp_t gfp);
VMKASAN_API char *kstrdup(const char *s, gfp_t gfp);
VMKASAN_API char *kstrndup(const char *s, size_t max, gfp_t gfp);
/* Small sizes from kmalloc, large ones (or when kmalloc fails) from vmalloc. */
VMKASAN_API void *kvmalloc(size_t size, gfp_t gfp);
VMKASAN_API void *kvzalloc(size_t size, gfp_t gfp);
VMKASAN_API void kvfree(const void *p);

/* Pages by address (the general pool is the kernel's linear map). */
VMKASAN_API unsigned long __get_free_pages(gfp_t gfp, unsigned int order);
VMKASAN_API unsigned long get_zeroed_page(gfp_t gfp);
VMKASAN_API void free_pages(unsigned long addr, unsigned int order);
VMKASAN_API struct page *virt_to_page(const void *addr);
VMKASAN_API unsigned long virt_to_phys(const volatile void *addr);
VMKASAN_API void *phys_to_virt(unsigned long phys);

/* A minimal RCU: callbacks run after a grace period (every reader that
 * was inside rcu_read_lock() when they were queued has left), at the
 * latest in rcu_barrier(); never immediately. */
struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};
VMKASAN_API void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head));
VMKASAN_API void synchronize_rcu(void);
VMKASAN_API void rcu_barrier(void);
VMKASAN_API void __rcu_read_lock(void);
VMKASAN_API void __rcu_read_unlock(void);
/* kfree_rcu(ptr, field) / kvfree_rcu: kvfree(ptr) after a grace period. */
VMKASAN_API void kvfree_call_rcu(struct rcu_head *head, void *ptr);
/* Returns once every kvfree_call_rcu() made before it has freed (Linux
 * 6.12: kmem_cache_destroy() calls it first). */
VMKASAN_API void kvfree_rcu_barrier(void);

/* The kernel's KASAN hooks that kernel code (and its test suite) calls:
 * explicit checks, reported like an instrumented access by the caller;
 * the mempool's poisoning of pooled elements (an element in the pool is
 * poisoned as freed; a bad element is reported and false returned);
 * multi-shot mode. */
VMKASAN_API bool __kasan_check_read(const volatile void *p, unsigned int size);
VMKASAN_API bool __kasan_check_write(const volatile void *p, unsigned int size);
VMKASAN_API bool kasan_check_byte(const void *addr);
VMKASAN_API bool kasan_mempool_poison_object(void *ptr);
/* The same, reported on ip: the return address of the API function that
 * called it (Linux passes mempool_free's _RET_IP_, its caller). */
VMKASAN_API bool __kasan_mempool_poison_object(void *ptr, unsigned long ip);
VMKASAN_API bool __kasan_mempool_poison_pages(struct page *page, unsigned int order,
					      unsigned long ip);
VMKASAN_API void kasan_mempool_unpoison_object(void *ptr, size_t size);
VMKASAN_API bool kasan_mempool_poison_pages(struct page *page, unsigned int order);
VMKASAN_API void kasan_mempool_unpoison_pages(struct page *page, unsigned int order);
VMKASAN_API bool kasan_save_enable_multi_shot(void);
VMKASAN_API void kasan_restore_multi_shot(bool enabled);
/* Called with each finished report's text (the kernel's console
 * tracepoint, which KUnit's KASAN tests watch); NULL removes it. */
VMKASAN_API void vmkasan_set_report_hook(void (*hook)(const char *text, size_t len));

/* Flush the quarantine: every quarantined object really freed. */
VMKASAN_API void vmkasan_quarantine_drain(void);

/*
 * Kernel modules: a relocatable object built by `vmkasan-cc --kernel -c
 * a.c ... -o foo.ko`, loaded from memory into the vmalloc space as Linux's
 * insmod loads it (symbols from the runtime's kernel API and from modules
 * loaded before, init run, init sections freed).  params: "a=1 s=text"
 * for its module_params, or NULL.  Returns NULL with *err (if err) a
 * negative errno after printing why ("foo: Unknown symbol bar (err -2)").
 * Unload runs its exit and frees it; -EBUSY (-16) while another module
 * uses it.
 */
struct vmkasan_module;
VMKASAN_API struct vmkasan_module *vmkasan_load_module(const char *name, const void *image,
							unsigned long size, const char *params,
							int *err);
VMKASAN_API int vmkasan_unload_module(struct vmkasan_module *mod);
/* Called for each module once it is live (its init returned 0), before
 * its init sections go, as Linux's MODULE_STATE_LIVE notifier: its name
 * and its .kunit_test_suites array (nr pointers), which KUnit runs then
 * (lib/kunit/test.c's kunit_module_notify).  NULL removes it. */
VMKASAN_API void vmkasan_set_module_notifier(void (*fn)(const char *name, void *const *kunit_suites,
							unsigned long nr));

enum vmkasan_fail_path {
	VMKASAN_FAIL_PAGE,	/* a page of an area or alloc_pages() */
	VMKASAN_FAIL_SHADOW,	/* a shadow page */
	VMKASAN_FAIL_AREA,	/* area metadata or address space */
	VMKASAN_FAIL_PERCPU,	/* a per-cpu chunk (all its areas) */
	VMKASAN_FAIL_SLAB,	/* a slab, a large kmalloc, the slab's metadata */
	VMKASAN_FAIL_MALLOC,	/* a call of the program's malloc family (everything it
				   allocates counts here, on no other path) */
	VMKASAN_FAIL_NR
};

struct vmkasan_stats {
	unsigned long shadow_pages;		/* vmalloc shadow pages populated now (incl. cache) */
	unsigned long shadow_pages_peak;
	unsigned long shadow_pages_cached;	/* unused but kept (refcount policy cache) */
	unsigned long shadow_lower_bound;	/* sum over live areas of ceil(size / 32 KiB) */
	unsigned long shadow_pages_used;	/* shadow pages some live area uses (the true minimum:
						   neighbours share pages, so it can be below the bound) */
	unsigned long live_areas;
	unsigned long live_vmalloc_pages;	/* pages mapped by live areas */
	unsigned long live_vmalloc_bytes;	/* bytes (incl. guard) of live areas */
	unsigned long lazy_areas;		/* freed, waiting for the lazy purge */
	unsigned long purges;
	unsigned long ram_pages;		/* RAM in use: pages, shadow, metadata */
	unsigned long ram_pages_peak;
	unsigned long ram_budget_pages;		/* 0: no limit */
	unsigned long metadata_pages;
	unsigned long failed[VMKASAN_FAIL_NR];	/* failed allocations by path */
	unsigned long injected[VMKASAN_FAIL_NR];/* of which injected (fail_nth/fail_prob) */
	unsigned long vma_count;		/* mappings in the process (/proc/self/maps lines) */
	unsigned long bad_frees;		/* invalid vfree/vunmap/... reported */
	unsigned long slab_pages;		/* pages held by slabs and large kmallocs (malloc's
						   included; freed large blocks until their pages
						   are given back) */
	unsigned long slab_objects;		/* live slab objects */
	unsigned long quarantine_bytes;		/* held by quarantined objects: slots + metadata */
	unsigned long slab_bad_frees;		/* double/invalid kfree, kmem_cache_free reported */
	int shadow_policy;			/* 0 keep, 1 purge, 2 refcount, 3 off */
	unsigned long vmalloc_frames_kept;	/* freed vmalloc frames the purge kept resident
						   for the next area there (bounded: 4096) */
	unsigned long shadow_cache_max;		/* refcount's cache size: the option, or
						   64 pages per CPU */
};
VMKASAN_API void vmkasan_get_stats(struct vmkasan_stats *stats);
/* Names of the policies, for printing: "keep", "purge", "refcount", "off". */
VMKASAN_API const char *vmkasan_shadow_policy_name(int policy);

#ifdef __cplusplus
}
#endif
#endif /* VMKASAN_H */
