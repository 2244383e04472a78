// SPDX-License-Identifier: MIT
/*
 * main() of a program built with `vmkasan-cc --kernel`: the KUnit
 * executor (include/kernel/vmkasan_kunit.h), which also loads a
 * module_init program.  It lives in libvmkasan_kmain.a, so the linker
 * takes it only when the program has no main() of its own.
 */
int __vmk_kunit_main(int argc, char **argv);

int main(int argc, char **argv)
{
	return __vmk_kunit_main(argc, argv);
}
