/* SPDX-License-Identifier: MIT */
/*
 * refcount_t: an atomic_t that warns, saturated, instead of wrapping or
 * going back up from zero (Linux 6.12 include/linux/refcount.h's rules,
 * without its saturation value's trick).
 */
#ifndef VMKASAN_LINUX_REFCOUNT_H
#define VMKASAN_LINUX_REFCOUNT_H
#include <vmkasan_kernel.h>

typedef struct refcount_struct { atomic_t refs; } refcount_t;
#define REFCOUNT_INIT(n) { .refs = ATOMIC_INIT(n) }
#define REFCOUNT_SATURATED (INT_MIN / 2)
static inline void refcount_set(refcount_t *r, int n) { atomic_set(&r->refs, n); }
static inline unsigned int refcount_read(const refcount_t *r) { return (unsigned int)atomic_read(&r->refs); }
static inline bool refcount_inc_not_zero(refcount_t *r)
{
	return atomic_inc_not_zero(&r->refs);
}
static inline void refcount_inc(refcount_t *r)
{
	WARN_ON_ONCE(!refcount_inc_not_zero(r));
}
static inline void refcount_add(int i, refcount_t *r)
{
	WARN_ON_ONCE(atomic_add_return(i, &r->refs) - i <= 0);
}
static inline bool refcount_sub_and_test(int i, refcount_t *r)
{
	int n = atomic_sub_return(i, &r->refs);

	WARN_ON_ONCE(n < 0);
	return n == 0;
}
static inline bool refcount_dec_and_test(refcount_t *r) { return refcount_sub_and_test(1, r); }
static inline void refcount_dec(refcount_t *r) { WARN_ON_ONCE(refcount_dec_and_test(r)); }
#endif
