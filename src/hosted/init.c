// SPDX-License-Identifier: MIT
/* Bringing the runtime up before instrumented code runs. */
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "hosted.h"

/*
 * .preinit_array entries run from the dynamic loader before libc has set
 * environ, so getenv() sees nothing yet; the loader passes the
 * environment to every init function, and we keep it.
 */
static char **start_envp;

const char *plat_options(void)
{
	for (char **e = start_envp; e && *e; e++)
		if (!strncmp(*e, "VMKASAN_OPTIONS=", 16))
			return *e + 16;
	return start_envp ? NULL : getenv("VMKASAN_OPTIONS");
}

/* The hosted port has no keys of its own. */
const struct kasan_option *plat_port_options(unsigned *n)
{
	*n = 0;
	return NULL;
}

__public void vmkasan_start(int argc, char **argv, char **envp);
__public void vmkasan_start(int argc, char **argv, char **envp)
{
	(void)argc;
	(void)argv;
	if (kasan_ready)
		return;
	start_envp = envp;
	kasan_init();
}
