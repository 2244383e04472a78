/* SPDX-License-Identifier: MIT */
/* kunit_get_current_test(), kunit_fail_current_test(): in vmkasan_kunit.h. */
#include <vmkasan_kernel.h>
