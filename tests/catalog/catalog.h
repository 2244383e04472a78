/*
 * Shared helpers of the bug catalog (the .c files of tests/catalog).
 *
 * Every catalog program takes the case name as argv[1] ("list" lists
 * them).  It prints "PID <pid>" (the report's task is <comm>/<pid>), and
 * before the bad access a case prints, on stdout and flushed, what the
 * report must say that only the program can know:
 *   EXPECT 0x<addr>    the "at addr" of the report
 *   VAR <name>         the variable the description must name (when it
 *                      depends on the compiler's layout)
 *   OBJ 0x<addr>       where the stack object the frame description lists
 *                      first lives (to check the "at offset N" of the report)
 * and, once the access has returned (halt_on_error=0), "AFTER <case>".
 * Everything else a report must say is in cases.tab.
 */
#ifndef CATALOG_H
#define CATALOG_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define noinline __attribute__((noinline))

static inline void expect_addr(const volatile void *p)
{
	printf("EXPECT 0x%lx\n", (unsigned long)(uintptr_t)p);
	fflush(stdout);
}

static inline void expect_obj(const volatile void *p)
{
	printf("OBJ 0x%lx\n", (unsigned long)(uintptr_t)p);
	fflush(stdout);
}

static inline void expect_var(const char *name)
{
	printf("VAR %s\n", name);
	fflush(stdout);
}

struct catalog_case {
	const char *name;
	void (*fn)(void);
};

/* Run the case named argv[1]; exit 3 on an unknown name. */
static inline int catalog_main(const struct catalog_case *cases, size_t n, int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "list")) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", cases[i].name);
		return 0;
	}
	for (size_t i = 0; argc == 2 && i < n; i++) {
		if (!strcmp(argv[1], cases[i].name)) {
			printf("PID %d\n", (int)getpid());
			fflush(stdout);
			cases[i].fn();
			printf("AFTER %s\n", cases[i].name);
			return 0;
		}
	}
	fprintf(stderr, "usage: %s list|<case>\n", argv[0]);
	return 3;
}

/* Hide a value from the optimiser: it can no longer prove an index out of
 * bounds (and warn or drop the access) or a pointer's provenance. */
#define hide(x) ({ __typeof__((x) + 0) hide_v_ = (x); __asm__("" : "+r"(hide_v_)); hide_v_; })

#define CASE(f) { #f, f }
#define RUN_CASES(cases) catalog_main(cases, sizeof(cases) / sizeof(cases[0]), argc, argv)

#endif
