// SPDX-License-Identifier: MIT
/*
 * The public API as a user program sees it: every function and object
 * <vmkasan.h> declares is called or read once, with results checked, so
 * that the program links and runs against the static runtime and
 * against libvmkasan.so alike.  The program also defines names the
 * runtime uses internally; it links only if the runtime keeps them local.
 *
 * Prints "ok"/"not ok" lines; exit status 0 when every check passed.
 */
#include <stdio.h>
#include <string.h>

#include <vmkasan.h>

/* Names of the runtime's internals, defined again by the program. */
int should_fail(int path) { return path * 2; }
unsigned long ram_pages = 7;
unsigned long meta_pages = 11;
char mem_map[16];
int kasan_ready = 3;
void *meta_alloc(unsigned long n) { (void)n; return NULL; }
int kasan_init(void) { return 5; }
int vmalloc_addr(int x) { return x + 1; }
int report_bad_call(void) { return 9; }

static int failures;

static void check(int ok, const char *what)
{
	printf("%s - %s\n", ok ? "ok" : "not ok", what);
	if (!ok)
		failures++;
}

static void unit(void *arg)
{
	*(int *)arg = 42;
}

int main(void)
{
	char buf[64] __attribute__((aligned(8)));
	struct vmkasan_stats st;

	check(should_fail(2) == 4 && ram_pages == 7 && meta_pages == 11 && kasan_ready == 3 &&
	      kasan_init() == 5 && vmalloc_addr(1) == 2 && report_bad_call() == 9 &&
	      meta_alloc(1) == NULL && sizeof(mem_map) == 16,
	      "the program's own should_fail, ram_pages, meta_alloc, kasan_init ... are its own");

	vmkasan_poison(buf, 16);
	check(vmkasan_region_is_poisoned(buf, 32) == buf, "vmkasan_poison + region_is_poisoned");
	vmkasan_unpoison(buf, 16);
	check(vmkasan_region_is_poisoned(buf, 16) == NULL, "vmkasan_unpoison");
	check(vmkasan_report_count() == 0, "vmkasan_report_count");
	check((unsigned long)kasan_mem_to_shadow(buf) ==
	      ((unsigned long)buf >> VMKASAN_SHADOW_SCALE_SHIFT) + VMKASAN_SHADOW_OFFSET,
	      "kasan_mem_to_shadow");

	struct page *pg = alloc_pages(GFP_KERNEL | __GFP_ZERO, 1), *p1 = alloc_page(GFP_KERNEL);
	check(pg && p1 && page_address(pg) && ((char *)page_address(pg))[8191] == 0,
	      "alloc_pages/alloc_page/page_address");
	check(page_ref_count(p1) == 1, "page_ref_count");
	get_page(p1);
	check(page_ref_count(p1) == 2, "get_page");
	put_page(p1);
	check(page_ref_count(p1) == 1 && page_to_pfn(p1) != page_to_pfn(pg), "put_page, page_to_pfn");

	char *v = vmalloc(100), *z = vzalloc(5000);
	char *n = __vmalloc_node(4096, 65536, GFP_KERNEL, NUMA_NO_NODE, NULL);
	char *r = __vmalloc_node_range(4096, 1, VMALLOC_START, VMALLOC_END, GFP_KERNEL, PAGE_KERNEL,
				       VM_NO_GUARD, NUMA_NO_NODE, NULL);
	check(v && z && n && r && z[4999] == 0 && ((unsigned long)n & 65535) == 0,
	      "vmalloc, vzalloc, __vmalloc_node, __vmalloc_node_range");
	check(is_vmalloc_addr(v) && !is_vmalloc_addr(buf) && (unsigned long)v >= VMALLOC_START &&
	      (unsigned long)v < VMALLOC_END, "is_vmalloc_addr, VMALLOC_START/END");
	check(vmalloc_to_page(v) && vmalloc_to_pfn(v) == page_to_pfn(vmalloc_to_page(v)),
	      "vmalloc_to_page, vmalloc_to_pfn");

	struct page *pages[2] = { pg, p1 };
	char *m = vmap(pages, 2, VM_MAP, PAGE_KERNEL), *mr = vm_map_ram(pages, 2, NUMA_NO_NODE);
	check(m && mr && vmalloc_to_page(m + 4096) == p1 && vmalloc_to_page(mr) == pg,
	      "vmap, vm_map_ram");
	m[0] = 'x';
	check(mr[0] == 'x' && ((char *)page_address(pg))[0] == 'x', "aliases share the pages");
	vunmap(m);
	vm_unmap_ram(mr, 2);
	vfree(v);
	vfree(z);
	vfree(n);
	vfree(r);
	vm_unmap_aliases();

	int *pc = alloc_percpu(int), *pc2 = __alloc_percpu_gfp(64, 8, GFP_KERNEL);
	check(pc && pc2 && nr_cpu_ids >= 1, "alloc_percpu, __alloc_percpu_gfp, nr_cpu_ids");
	for (unsigned c = 0; pc && c < nr_cpu_ids; c++)
		*per_cpu_ptr(pc, c) = (int)c;
	check(pc && *per_cpu_ptr(pc, nr_cpu_ids - 1) == (int)nr_cpu_ids - 1, "per_cpu_ptr");
	free_percpu(pc);
	free_percpu(pc2);
	int *pc3 = __alloc_percpu(8, 8);
	check(pc3 != NULL, "__alloc_percpu");
	free_percpu(pc3);

	int got = 0;
	check(vmkasan_run_on_vmap_stack(unit, &got, 0) == 0 && got == 42,
	      "vmkasan_run_on_vmap_stack");

	__free_pages(pg, 1);
	__free_page(p1);
	memset(&st, 0, sizeof(st));
	vmkasan_get_stats(&st);
	check(st.bad_frees == 0 && st.ram_pages > 0 && st.purges >= 1, "vmkasan_get_stats");
	check(!strcmp(vmkasan_shadow_policy_name(st.shadow_policy), "refcount") &&
	      !strcmp(vmkasan_shadow_policy_name(0), "keep"), "vmkasan_shadow_policy_name");
	check(vmkasan_report_count() == 0, "no report");
	return failures != 0;
}
