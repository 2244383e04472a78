// SPDX-License-Identifier: MIT
/*
 * libvmkasan.so: a priority-1 constructor runs before the constructors
 * of everything that depends on the library (clang registers globals at
 * priority 1 too, but in the dependent object, which starts later).
 * glibc passes (argc, argv, envp) to ELF constructors.
 */
void vmkasan_start(int argc, char **argv, char **envp);

/* Priorities up to 100 are reserved "for the implementation": we are it. */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wunknown-warning-option"
#pragma clang diagnostic ignored "-Wprio-ctor-dtor"
#else
#pragma GCC diagnostic ignored "-Wprio-ctor-dtor"
#endif
__attribute__((constructor(1))) static void vmkasan_ctor(int argc, char **argv, char **envp)
{
	vmkasan_start(argc, argv, envp);
}
