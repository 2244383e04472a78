/*
 * Bug catalog: an instrumented shared library loaded with dlopen (its
 * source is dso_lib.c).  Built twice by run-tests.sh:
 *   dso       the executable with the static runtime (the default), the
 *             library linked by `vmkasan-cc -shared`
 *   dso_shrt  the executable with --shared-runtime, the library compiled
 *             by vmkasan-cc -c and linked by the plain compiler
 * Each loads <its own path>_lib.so.
 */
#include <dlfcn.h>

#include "catalog.h"

static void *lib;
static int (*lib_read)(long);
static char *(*lib_global_addr)(void);
static void (*lib_write_at)(char *, long);

static void load(const char *self)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s_lib.so", self);
	lib = dlopen(path, RTLD_NOW);
	if (!lib) {
		printf("SKIP dlopen: %s\n", dlerror());
		exit(3);
	}
	lib_read = (int (*)(long))dlsym(lib, "dso_read");
	lib_global_addr = (char *(*)(void))dlsym(lib, "dso_global_addr");
	lib_write_at = (void (*)(char *, long))dlsym(lib, "dso_write_at");
	if (!lib_read || !lib_global_addr || !lib_write_at) {
		printf("SKIP dlsym: %s\n", dlerror());
		exit(3);
	}
}

static const char *self_path;

/* Past the end of a global of the library. */
noinline void dso_global_oob(void)
{
	load(self_path);
	expect_addr(lib_global_addr() + 12);
	lib_read(12);
	dlclose(lib);
}

/* The same after the library was unloaded and loaded again. */
noinline void dso_reload_global_oob(void)
{
	load(self_path);
	lib_read(3);
	dlclose(lib);
	load(self_path);
	expect_addr(lib_global_addr() + 13);
	lib_read(13);
	dlclose(lib);
}

/* The library writes past an array of the executable's stack. */
noinline void dso_caller_stack(void)
{
	char exe_buf[16];

	load(self_path);
	expect_obj(exe_buf);
	expect_addr(&exe_buf[16]);
	lib_write_at(hide(exe_buf), 16);
	dlclose(lib);
}

static const struct catalog_case cases[] = {
	CASE(dso_global_oob), CASE(dso_reload_global_oob), CASE(dso_caller_stack),
};

int main(int argc, char **argv)
{
	self_path = argv[0];
	return RUN_CASES(cases);
}
