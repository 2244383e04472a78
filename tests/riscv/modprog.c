// SPDX-License-Identifier: MIT
/*
 * tests/riscv/modprog.elf MODE: the module API in the RISC-V guest, on
 * the files vmkasan-qemu --module=... handed in (vmk_module_file).  The
 * modules are tests/module's and tests/riscv/mod_reloc.c.
 *   ab        mod_a (count=5) then mod_b, which calls mod_a's export;
 *             mod_a is busy until mod_b goes
 *   global    mod_global: its init overflows a module global
 *   unload    read mod_stale's data after unload (freed)
 *   init      read mod_stale's init data after init (freed)
 *   load NAME load NAME.ko and say how it went (refused modules)
 *   reloc     mod_reloc: each relocation type, checked by its functions
 *   pte       mod_a's text executable, its data not (the page tables)
 *   cycles N  load and unload mod_a N times: shadow and areas before/after
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmkasan_riscv.h>

/* Program globals a module uses: the image's exported symbols. */
char *test_stale_data, *test_stale_init;
long rv_reloc_data = 0x1234567890abcdefL;
long rv_reloc_results[32];
void *rv_reloc_fn[4];
long rv_reloc_kernel_fn(long x)
{
	return 3 * x + 1;
}

static struct vmkasan_module *load(const char *name, const char *params, int *err)
{
	char file[64];
	size_t len = 0;
	const void *img;

	snprintf(file, sizeof(file), "%s.ko", name);
	img = vmk_module_file(file, &len);
	if (!img) {
		printf("%s: not handed in (vmkasan-qemu --module)\n", file);
		exit(2);
	}
	return vmkasan_load_module(name, img, len, params, err);
}

static void stats(const char *when)
{
	struct vmkasan_stats s;

	vmkasan_quarantine_drain();
	vmkasan_get_stats(&s);
	printf("%s: shadow_pages=%lu cached=%lu live_areas=%lu slab_objects=%lu resident=%lu\n", when,
	       s.shadow_pages, s.shadow_pages_cached, s.live_areas, s.slab_objects,
	       vmk_shadow_resident());
}

/* What mod_reloc's functions must return (mod_reloc.c says why). */
static int check_reloc(void)
{
	static const long want[] = {
		[0] = 0x1234567890abcdefL,	/* GOT_HI20 + PCREL_LO12_I: the image's data */
		[1] = 3 * 7 + 1,		/* CALL_PLT to the image: a PLT entry */
		[2] = 0x55,			/* PCREL_HI20/LO12_S store, LO12_I load */
		[3] = 0x12345,			/* HI20/LO12_I of an absolute symbol */
		[4] = 0x12345,			/* HI20/LO12_S store of it */
		[5] = 6,			/* BRANCH, JAL, RVC_BRANCH, RVC_JUMP taken */
		[6] = 24,			/* ADD32/SUB32: label difference */
		[7] = 24,			/* ADD64/SUB64 */
		[8] = 24,			/* ADD16/SUB16 */
		[9] = 24,			/* ADD8/SUB8 */
		[10] = 0x40 | 0x2a,		/* SET6 (keeps the top two bits) */
		[11] = 0xc0 | 0x18,		/* SUB6 */
		[12] = 0xab,			/* SET8 */
		[13] = 0xabcd,			/* SET16 */
		[14] = 0x89abcdef,		/* SET32 */
		[15] = 24,			/* SET_ULEB128/SUB_ULEB128 (retyped, run.sh) */
		[16] = 1,			/* 32_PCREL: the place plus it is the label */
		[17] = 1,			/* 64 of the image's function */
		[18] = 1,			/* 32 of an absolute symbol */
		[19] = 5 * 7 + 1,		/* CALL to a function of the module */
	};
	int bad = 0;

	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		printf("reloc %u: %s (0x%lx, want 0x%lx)\n", i,
		       rv_reloc_results[i] == want[i] ? "ok" : "WRONG", rv_reloc_results[i], want[i]);
		bad += rv_reloc_results[i] != want[i];
	}
	return bad;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	struct vmkasan_module *a, *b;
	int err = 0;

	if (!strcmp(mode, "ab")) {
		a = load("mod_a", "count=5", &err);
		b = a ? load("mod_b", NULL, &err) : NULL;
		if (!b) {
			printf("load failed: %d\n", err);
			return 1;
		}
		printf("unload mod_a while mod_b loaded: %d\n", vmkasan_unload_module(a));
		printf("unload mod_b: %d\n", vmkasan_unload_module(b));
		printf("unload mod_a: %d\n", vmkasan_unload_module(a));
		return 0;
	}
	if (!strcmp(mode, "global")) {
		a = load("mod_global", NULL, &err);
		printf("load: %s (%d)\n", a ? "ok" : "failed", err);
		return a ? vmkasan_unload_module(a) : 1;
	}
	if (!strcmp(mode, "init") || !strcmp(mode, "unload")) {
		volatile char c;

		a = load("mod_stale", NULL, &err);
		if (!a)
			return 1;
		if (!strcmp(mode, "init")) {
			c = test_stale_init[0];
		} else {
			vmkasan_unload_module(a);
			c = test_stale_data[0];
		}
		(void)c;
		return 0;
	}
	if (!strcmp(mode, "load") && argc > 2) {
		stats("before");
		a = load(argv[2], NULL, &err);
		printf("load: %s (%d)\n", a ? "ok" : "failed", err);
		if (a && vmkasan_unload_module(a))
			return 1;
		stats("after");
		return 0;
	}
	if (!strcmp(mode, "reloc")) {
		a = load("mod_reloc", NULL, &err);
		if (!a) {
			printf("load failed: %d\n", err);
			return 1;
		}
		err = check_reloc();
		printf("unload: %d\n", vmkasan_unload_module(a));
		return err ? 1 : 0;
	}
	if (!strcmp(mode, "pte")) {
		/* mod_reloc's init left a function and a variable of its own */
		a = load("mod_reloc", NULL, &err);
		if (!a)
			return 1;
		for (int i = 0; i < 3; i++) {
			unsigned p = vmk_pte_perm(rv_reloc_fn[i]);

			printf("%s: %c%c%c\n", i == 0 ? "text" : i == 1 ? "data" : "rodata",
			       p & VMK_PTE_R ? 'r' : '-', p & VMK_PTE_W ? 'w' : '-',
			       p & VMK_PTE_X ? 'x' : '-');
		}
		printf("unload: %d\n", vmkasan_unload_module(a));
		return 0;
	}
	if (!strcmp(mode, "cycles") && argc > 2) {
		long n = atol(argv[2]);

		/* once first: the runtime's own one-time allocations */
		a = load("mod_a", "count=1", &err);
		if (!a || vmkasan_unload_module(a))
			return 1;
		stats("before");
		for (long i = 0; i < n; i++) {
			a = load("mod_a", "count=1", &err);
			if (!a || vmkasan_unload_module(a)) {
				printf("cycle %ld failed: %d\n", i, err);
				return 1;
			}
		}
		stats("after");
		return 0;
	}
	printf("usage: modprog ab|global|unload|init|load NAME|reloc|pte|cycles N\n");
	return 2;
}
