// SPDX-License-Identifier: MIT
/*
 * tests/module/modprog MODE DIR: the module API from a program.
 *   busy     mod_b holds mod_a: unloading mod_a is -EBUSY until mod_b goes;
 *            unloading it again is -ENOENT
 *   race     eight threads load mod_a at once: exactly one succeeds
 *   init     read a module's init data after init (freed)
 *   unload   read a module's data after unload (freed)
 *   cycles N load and unload mod_a N times; vmalloc shadow and areas before/after
 *   leak [M] load and unload M (mod_a) once (under fail_nth, or a module
 *            the loader refuses): what is live before/after
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vmkasan.h>

__attribute__((visibility("default"), used)) char *test_stale_data, *test_stale_init;

static void *image(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	struct stat st;
	void *p;
	int fd;

	snprintf(path, sizeof(path), "%s/%s.ko", dir, name);
	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		perror(path);
		exit(2);
	}
	p = malloc(st.st_size);
	if (!p || read(fd, p, st.st_size) != st.st_size) {
		perror(path);
		exit(2);
	}
	close(fd);
	*len = st.st_size;
	return p;
}

static struct vmkasan_module *load(const char *dir, const char *name, const char *params, int *err)
{
	size_t len;
	void *img = image(dir, name, &len);
	struct vmkasan_module *m = vmkasan_load_module(name, img, len, params, err);

	free(img);
	return m;
}

static const char *race_dir;
static pthread_barrier_t race_start;

static void *race_load(void *arg)
{
	size_t len;
	void *img = image(race_dir, "mod_a", &len), *m;
	int err;

	(void)arg;
	pthread_barrier_wait(&race_start);	/* all at once */
	m = vmkasan_load_module("mod_a", img, len, NULL, &err);
	free(img);
	return m;
}

static void stats(const char *when)
{
	struct vmkasan_stats s;

	vmkasan_quarantine_drain();
	vmkasan_get_stats(&s);
	printf("%s: shadow_pages=%lu cached=%lu live_areas=%lu lazy_areas=%lu slab_objects=%lu "
	       "slab_pages=%lu metadata_pages=%lu ram_pages=%lu vma_count=%lu\n", when, s.shadow_pages,
	       s.shadow_pages_cached, s.live_areas, s.lazy_areas, s.slab_objects, s.slab_pages,
	       s.metadata_pages, s.ram_pages, s.vma_count);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 2 ? argv[1] : "", *dir = argc > 2 ? argv[2] : ".";
	struct vmkasan_module *a, *b;
	int err = 0;

	/* stdout's buffer would be a live object that was not there before */
	setvbuf(stdout, NULL, _IONBF, 0);

	if (!strcmp(mode, "busy")) {
		a = load(dir, "mod_a", NULL, &err);
		b = a ? load(dir, "mod_b", NULL, &err) : NULL;
		if (!b)
			return 1;
		printf("unload mod_a while mod_b loaded: %d\n", vmkasan_unload_module(a));
		printf("unload mod_b: %d\n", vmkasan_unload_module(b));
		printf("unload mod_a: %d\n", vmkasan_unload_module(a));
		printf("unload mod_a again: %d\n", vmkasan_unload_module(a));
		return 0;
	}
	if (!strcmp(mode, "race")) {
		/* Eight threads load the same module at once: one wins. */
		pthread_t t[8];
		int won = 0;

		race_dir = dir;
		pthread_barrier_init(&race_start, NULL, 8);
		for (int i = 0; i < 8; i++)
			pthread_create(&t[i], NULL, race_load, NULL);
		for (int i = 0; i < 8; i++) {
			void *r;

			pthread_join(t[i], &r);
			if (r) {
				won++;
				a = r;
			}
		}
		printf("race: %d of 8 loaded\n", won);
		if (won == 1)
			printf("unload: %d\n", vmkasan_unload_module(a));
		return 0;
	}
	if (!strcmp(mode, "init") || !strcmp(mode, "unload")) {
		volatile char c;

		a = load(dir, "mod_stale", NULL, &err);
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
	if (!strcmp(mode, "cycles") && argc > 3) {
		long n = atol(argv[3]);

		/* once first: the runtime's own one-time allocations */
		a = load(dir, "mod_a", "count=1", &err);
		if (!a || vmkasan_unload_module(a))
			return 1;
		stats("before");
		for (long i = 0; i < n; i++) {
			a = load(dir, "mod_a", "count=1", &err);
			if (!a || vmkasan_unload_module(a)) {
				printf("cycle %ld failed: %d\n", i, err);
				return 1;
			}
		}
		stats("after");
		return 0;
	}
	if (!strcmp(mode, "leak")) {
		const char *name = argc > 3 ? argv[3] : "mod_a";

		stats("before");
		a = load(dir, name, NULL, &err);
		printf("load: %s (%d)\n", a ? "ok" : "failed", err);
		if (a && vmkasan_unload_module(a))
			return 1;
		stats("after");
		return 0;
	}
	fprintf(stderr, "usage: modprog busy|init|unload|cycles N|leak DIR\n");
	return 2;
}
