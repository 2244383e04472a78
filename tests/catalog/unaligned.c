/*
 * Bug catalog: unaligned accesses.
 *
 * Cross-granule: an access whose first granule is wholly addressable and
 * which runs into the redzone after it.  The outline checks catch every
 * one; the inline checks of gcc 12 and clang 14 look at the shadow of the
 * first granule(s) only, assuming natural alignment, and miss them (see
 * compiler-abi.md), so run-tests.sh asserts these in outline builds only.
 *
 * Partial granule: an unaligned access inside a granule that is only
 * partly addressable (a 13-byte global) and reaches past its last valid
 * byte.  Both inline and outline checks compare the last byte against
 * the shadow value, so these are asserted in every build.
 */
#include "catalog.h"

uint64_t ua_words[4] __attribute__((aligned(32)));	/* bytes [32, ...) are redzone */
char ua_13[13] __attribute__((aligned(16)));		/* granule [8, 16): shadow 5 */

#define CROSS(name, type, off, rw)						\
	noinline void name(void)						\
	{									\
		volatile type *p = (volatile type *)(hide((char *)ua_words) + (off)); \
		expect_addr(p);							\
		rw;								\
	}

CROSS(cross_read16, uint16_t, 31, (void)*p)		/* bytes 31..32 */
CROSS(cross_write16, uint16_t, 31, *p = 0)
CROSS(cross_read32, uint32_t, 30, (void)*p)		/* bytes 30..33 */
CROSS(cross_write32, uint32_t, 29, *p = 0)		/* bytes 29..32 */
CROSS(cross_read64, uint64_t, 28, (void)*p)		/* bytes 28..35 */
CROSS(cross_write64, uint64_t, 25, *p = 0)		/* bytes 25..32 */
CROSS(cross_read128, unsigned __int128, 20, (void)*p)	/* bytes 20..35 */
CROSS(cross_write128, unsigned __int128, 17, *p = 0)	/* bytes 17..32 */

#define PARTIAL(name, type, off, rw)						\
	noinline void name(void)						\
	{									\
		volatile type *p = (volatile type *)(hide(ua_13) + (off));	\
		expect_addr(p);							\
		rw;								\
	}

PARTIAL(partial_read16, uint16_t, 12, (void)*p)		/* bytes 12..13 of 13 */
PARTIAL(partial_read32, uint32_t, 10, (void)*p)		/* bytes 10..13 */
PARTIAL(partial_write32, uint32_t, 11, *p = 0)		/* bytes 11..14 */

static const struct catalog_case cases[] = {
	CASE(cross_read16), CASE(cross_write16), CASE(cross_read32), CASE(cross_write32),
	CASE(cross_read64), CASE(cross_write64), CASE(cross_read128), CASE(cross_write128),
	CASE(partial_read16), CASE(partial_read32), CASE(partial_write32),
};

int main(int argc, char **argv)
{
	return RUN_CASES(cases);
}
