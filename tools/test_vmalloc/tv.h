/* SPDX-License-Identifier: MIT */
/*
 * test_vmalloc: the Linux kernel's lib/test_vmalloc.c test cases, run in
 * user space against vmkasan's vmalloc space, with memory accounting of
 * the vmalloc shadow.  Shared declarations of the tool's files.
 */
#ifndef TV_H
#define TV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vmkasan.h"

#ifndef TV_INSTRUMENTED
#error "build with -DTV_INSTRUMENTED=1 (vmkasan-cc) or -DTV_INSTRUMENTED=0 (plain cc)"
#endif

#define TV_PAGE		4096UL
#define TV_SHADOW_SPAN	(TV_PAGE << 3)	/* vmalloc bytes one shadow page describes */

/* The kernel's case table: name and bit of run_test_mask. */
enum {
	C_FIX_SIZE, C_FULL_FIT, C_LONG_BUSY, C_RANDOM_SIZE, C_FIX_ALIGN,
	C_RANDOM_SIZE_ALIGN, C_ALIGN_SHIFT, C_PCPU, C_KVFREE_RCU_1, C_KVFREE_RCU_2,
	C_VM_MAP_RAM, NR_CASES
};
extern const char *const case_names[NR_CASES];
bool case_applies(int c);		/* false for the kvfree_rcu cases */
bool case_must_pass(int c);		/* false for align_shift_alloc_test */

/* Policies, in the runtime's numbering (vmkasan_stats.shadow_policy). */
enum { P_KEEP, P_PURGE, P_REFCOUNT, P_OFF, NR_POLICIES };
extern const char *const policy_names[NR_POLICIES];
int policy_from_name(const char *s);

enum tv_mode { MODE_TEST, MODE_SCALE, MODE_MMAP };

struct tv_params {
	/* The kernel module's parameters. */
	long nr_threads;		/* 0: number of CPUs */
	long sequential_test_order;
	long test_repeat_count;
	long test_loop_count;
	long nr_pages;			/* 0: 1 */
	long run_test_mask;
	/* Extensions (kernel values by default). */
	long busy_list_length;		/* long_busy_list_alloc_test: 15000 */
	long full_fit_junk_length;	/* 0: fls(online CPUs) * 32 MiB / PAGE_SIZE */
	long pcpu_alloc_count;		/* pcpu_alloc_test: 35000 */
	long sample_interval;		/* ops between --csv samples */
	long seed;
	long progress;			/* seconds between progress lines (0: never) */
	long canary;			/* 1: one deliberate out-of-bounds read first */
	/* Benchmarks. */
	enum tv_mode mode;
	char live_areas[128];		/* --bench=scale: comma-separated list */
	long pairs;			/* --bench=scale/mmap: timed pairs per point */
	char mmap_pages[128];		/* --bench=mmap: comma-separated sizes in pages */
	/* Driver. */
	char preset[16];
	unsigned policies;		/* bit per policy */
	char ram[32];			/* "" or a size for VMKASAN_OPTIONS ram= */
	char csv[512];
	char plot[512];
	/* Child. */
	int child_policy;		/* -1 in the driver */
	char result[512];		/* where a child writes its results */
};
extern struct tv_params tv;

/* ---- runner.c: the test cases and their threads (child side) ---- */
struct case_result {
	long passed, failed;
	unsigned long ops, alloc_failures;
	double usec;			/* whole case, all repeats */
	double avg_usec;		/* per repeat, as the kernel prints */
};
int run_tests(FILE *result);		/* returns the exit status */

/* ---- sample.c: memory accounting ---- */
void sample_init(const char *policy, const char *csv_path, unsigned long interval,
		 unsigned workers);
/* Around every allocator call of a worker: samples see no call half done. */
void op_begin(void);
void op_end(void);
#define CALL(expr) ({ op_begin(); __typeof__(expr) r_ = (expr); op_end(); r_; })
#define CALLV(expr) do { op_begin(); expr; op_end(); } while (0)
void note_area(const void *addr, size_t size);	/* highest address ever used */
void op_tick(void);				/* one allocation op done */
void sample_now(const char *why);		/* forced sample (start, end) */
unsigned long resident_shadow_pages(void);
unsigned long total_ops(void);
struct sample_summary {
	unsigned long samples;
	unsigned long resident_peak, resident_final, resident_after_purge;
	unsigned long lower_bound_at_peak;
	double max_ratio;		/* resident / lower bound, samples with lb > 0 */
	unsigned long over_bound;	/* samples with resident > 1.1 * lb + cache */
	unsigned long over_used;	/* samples with resident > used + cache */
	unsigned long cache;
	unsigned long vma_peak;
};
void sample_finish(struct sample_summary *s);
unsigned long shadow_cache_option(void);

/* ---- bench.c ---- */
int run_scale_bench(FILE *result);
int run_mmap_bench(FILE *result);

/* ---- small helpers ---- */
double now_usec(void);
unsigned online_cpus(void);

#endif
