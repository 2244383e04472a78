// SPDX-License-Identifier: MIT
/*
 * libvmkasan.so: a priority-1 constructor runs before the constructors
 * of everything that depends on the library (clang registers globals at
 * priority 1 too, but in the dependent object, which starts later).
 * glibc passes (argc, argv, envp) to ELF constructors.
 */
void vmkasan_start(int argc, char **argv, char **envp);

/* Priorities up to 100 are reserved "for the implementation": we are it. */
#pragma GCC diagnostic ignored "-Wpragmas"
#pragma GCC diagnostic ignored "-Wprio-ctor-dtor"
__attribute__((constructor(1))) static void vmkasan_ctor(int argc, char **argv, char **envp)
{
	vmkasan_start(argc, argv, envp);
}
