// SPDX-License-Identifier: MIT
/*
 * Options, start-up and statistics of the memory-management side.
 */
#include "mm/slab.h"
#include "vmkasan.h"


int vmap_stack;
unsigned long vmap_stack_size = 1UL << 20;

static const char *const policy_names[] = { "keep", "purge", "refcount", "off", NULL };

const struct kasan_option mm_options[] = {
	{ "ram", OPT_LIMIT, &ram_budget_bytes, NULL, RAM_BUDGET_MIN, 0,
	  "RAM budget of the page allocator, e.g. 32M (0: no limit; else at least 256K, "
	  "what the runtime's start-up and one slab of every kmalloc cache take)" },
	{ "vmalloc_shadow", OPT_ENUM, &vmalloc_shadow_policy, policy_names, 0, 0,
	  "vmalloc shadow policy: keep (v4), purge (mainline), refcount (default), off" },
	{ "vmalloc_shadow_cache", OPT_COUNT, &vmalloc_shadow_cache_max, NULL, 0, 1024,
	  "unused shadow pages the refcount policy keeps (0..1024, default 64 per CPU)" },
	{ "vmalloc_lazy_max", OPT_SIZE, &vmalloc_lazy_max_bytes, NULL, 0, 1L << 40,
	  "freed vmalloc space kept from reuse until the lazy purge: the use-after-vfree "
	  "window (0: auto, see README)" },
	{ "vmap_stack", OPT_BOOL, &vmap_stack, NULL, 0, 1,
	  "give every new thread a vmalloc'd stack with a guard page" },
	{ "vmap_stack_size", OPT_SIZE, &vmap_stack_size, NULL, 16384, 1L << 30,
	  "size of vmap stacks when the thread's attributes give none (default 1M)" },
};
const unsigned mm_nr_options = ARRAY_SIZE(mm_options);

const char *vmkasan_shadow_policy_name(int policy)
{
	return policy >= 0 && policy < 4 ? policy_names[policy] : "?";
}

void vmkasan_get_stats(struct vmkasan_stats *s)
{
	kasan_memset_raw(s, 0, sizeof(*s));
	vmalloc_counters(&s->live_areas, &s->live_vmalloc_pages, &s->live_vmalloc_bytes,
			 &s->shadow_lower_bound, &s->lazy_areas, &s->purges, &s->bad_frees);
	s->shadow_pages = READ_ONCE(shadow_pages_now);
	s->shadow_pages_peak = READ_ONCE(shadow_pages_peak);
	s->shadow_pages_cached = READ_ONCE(shadow_pages_cached);
	s->shadow_pages_used = shadow_pages_used();
	s->ram_pages = READ_ONCE(ram_pages);
	s->ram_pages_peak = READ_ONCE(ram_pages_peak);
	s->ram_budget_pages = ram_budget;
	s->metadata_pages = READ_ONCE(meta_pages);
	for (int i = 0; i < VMKASAN_FAIL_NR; i++) {
		s->failed[i] = READ_ONCE(fail_count[i]);
		s->injected[i] = READ_ONCE(fail_injected[i]);
	}
	s->vma_count = plat_vma_count();
	s->shadow_policy = vmalloc_shadow_policy;
	s->vmalloc_frames_kept = frames_resident_free();
	s->shadow_cache_max = vmalloc_shadow_cache_max;
	slab_counters(s);
}

/* Runs from kasan_init() once the shadow exists. */
bool mm_init(char *err, size_t errlen)
{
	if (!fault_inject_setup(err, errlen))
		return false;
	percpu_init();
	return vmalloc_init_space(err, errlen) && slab_init(err, errlen);
}

void mm_print_stats(void)
{
	struct vmkasan_stats s;

	if (!mem_map)
		return;
	vmkasan_get_stats(&s);
	kasan_printf("vmkasan: vmalloc shadow (%s): %lu pages now, %lu peak, %lu cached; "
		     "in use %lu; live areas %lu (%lu pages), lower bound %lu shadow pages\n",
		     vmkasan_shadow_policy_name(s.shadow_policy), s.shadow_pages,
		     s.shadow_pages_peak, s.shadow_pages_cached, s.shadow_pages_used, s.live_areas,
		     s.live_vmalloc_pages, s.shadow_lower_bound);
	kasan_printf("vmkasan: RAM %lu pages now, %lu peak, budget %lu; failed page %lu shadow %lu "
		     "area %lu percpu %lu slab %lu malloc %lu\n", s.ram_pages, s.ram_pages_peak,
		     s.ram_budget_pages, s.failed[0], s.failed[1], s.failed[2], s.failed[3], s.failed[4],
		     s.failed[5]);
}

/*
 * Every lock of the memory-management side, in the order the code nests
 * them (a stripe before the frame locks and the cache, the depot before
 * the slab before the frames; the large-kmalloc lock, a leaf, last), so
 * that nothing moves while the platform copies memory at fork.
 */
void mm_lock_all(bool lock)
{
	static void (*const order[])(bool) = {
		quarantine_lock_all, slab_lock_all,
		pcpu_lock_all, vmalloc_lock_all, depot_lock_all, page_alloc_lock_meta,
		shadow_lock_all, page_alloc_lock_frames, kmalloc_lock_all,
	};

	if (!mem_map)
		return;
	if (lock)
		for (unsigned i = 0; i < ARRAY_SIZE(order); i++)
			order[i](true);
	else
		for (unsigned i = ARRAY_SIZE(order); i--;)
			order[i](false);
}
