// SPDX-License-Identifier: MIT
/*
 * vmkasan-insmod foo.ko [param=value ...] [--rmmod=foo] [bar.ko [param=value ...] ...]
 * Loads each module in turn (as insmod does: its init runs); --rmmod=NAME
 * unloads that one there (rmmod: exit, then free); at the end the rest
 * are unloaded in reverse order.  A module that fails to load or unload
 * ends the run with exit status 1 (after unloading what it can), with
 * insmod's and rmmod's words.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vmkasan.h>

#define MAX_MODULES 64

static void *read_file(const char *path, size_t *len)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	p = mmap(NULL, st.st_size ? st.st_size : 1, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	*len = st.st_size;
	return p == MAP_FAILED ? NULL : p;
}

/* "dir/foo.ko" -> "foo", dashes as underscores as kmod does. */
static void module_name(const char *path, char *name, size_t len)
{
	const char *b = strrchr(path, '/');
	size_t n;

	b = b ? b + 1 : path;
	n = strcspn(b, ".");
	if (n >= len)
		n = len - 1;
	for (size_t i = 0; i < n; i++)
		name[i] = b[i] == '-' ? '_' : b[i];
	name[n] = 0;
}

int main(int argc, char **argv)
{
	struct vmkasan_module *mods[MAX_MODULES];
	char names[MAX_MODULES][56];
	int nmods = 0, status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: vmkasan-insmod foo.ko [param=value ...] [bar.ko ...]\n");
		return 2;
	}
	for (int i = 1; i < argc && !status;) {
		const char *path = argv[i++];

		if (!strncmp(path, "--rmmod=", 8)) {
			int k;

			for (k = 0; k < nmods && (!mods[k] || strcmp(names[k], path + 8)); k++)
				;
			if (k == nmods) {
				fprintf(stderr, "rmmod: ERROR: Module %s is not currently loaded\n", path + 8);
				status = 1;
			} else if (vmkasan_unload_module(mods[k])) {
				fprintf(stderr, "rmmod: ERROR: Module %s is in use\n", path + 8);
				status = 1;
			} else {
				mods[k] = NULL;
			}
			continue;
		}
		char name[56], params[4096] = "";
		size_t len, used = 0;
		void *img;
		int err;

		while (i < argc && strncmp(argv[i], "--", 2) && !strstr(argv[i], ".ko") &&
		       strchr(argv[i], '=')) {
			int w = snprintf(params + used, sizeof(params) - used, "%s%s",
					 used ? " " : "", argv[i++]);
			if (w < 0 || (size_t)w >= sizeof(params) - used) {
				fprintf(stderr, "vmkasan-insmod: parameters too long\n");
				return 2;
			}
			used += w;
		}
		module_name(path, name, sizeof(name));
		img = read_file(path, &len);
		if (!img) {
			fprintf(stderr, "insmod: ERROR: could not load module %s: %s\n", path,
				strerror(errno));
			status = 1;
			break;
		}
		mods[nmods] = vmkasan_load_module(name, img, len, params, &err);
		munmap(img, len ? len : 1);
		memcpy(names[nmods], name, sizeof(name));
		if (!mods[nmods]) {
			fprintf(stderr, "insmod: ERROR: could not insert module %s: %s\n", path,
				strerror(-err));
			status = 1;
			break;
		}
		if (++nmods == MAX_MODULES)
			break;
	}
	while (nmods)
		if (mods[--nmods] && vmkasan_unload_module(mods[nmods])) {
			fprintf(stderr, "rmmod: ERROR: Module %s is in use\n", names[nmods]);
			status = 1;
		}
	return status;
}
