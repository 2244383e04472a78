/* SPDX-License-Identifier: MIT */
/* vmkasan kernel-compatibility header: everything is in vmkasan_kernel.h;
 * where the kernel source's cleanup.h is taken (vmkasan-kunit --ksrc),
 * the scope-based frees include/linux/slab.h declares with it
 * (__free(kfree), __free(kvfree)). */
#include <vmkasan_kernel.h>
#include <linux/minmax.h>
#if __has_include(<vmkasan_ksrc.h>) && !defined(VMKASAN_SLAB_FREE_CLASSES)
#define VMKASAN_SLAB_FREE_CLASSES
#include <linux/cleanup.h>
DEFINE_FREE(kfree, void *, if (!IS_ERR_OR_NULL(_T)) kfree(_T))
DEFINE_FREE(kvfree, void *, if (!IS_ERR_OR_NULL(_T)) kvfree(_T))
#endif
