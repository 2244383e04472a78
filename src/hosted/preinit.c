// SPDX-License-Identifier: MIT
/*
 * Executables: start from .preinit_array, which runs before every
 * constructor, including gcc's default-priority global registration and
 * any instrumented constructor of the program.  (A shared object may not
 * have a .preinit_array; libvmkasan.so uses ctor.c instead.)
 */
void vmkasan_start(int argc, char **argv, char **envp);

__attribute__((section(".preinit_array"), used))
static void (*const vmkasan_preinit_entry)(int, char **, char **) = vmkasan_start;
