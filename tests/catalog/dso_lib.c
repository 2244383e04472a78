/*
 * The instrumented shared library of the dso catalog program (dso.c):
 * its globals are registered when it is loaded and unregistered when it
 * is unloaded; its functions make the bad accesses.
 */
#define noinline __attribute__((noinline))
#define hide(x) ({ __typeof__((x) + 0) hide_v_ = (x); __asm__("" : "+r"(hide_v_)); hide_v_; })

char dso_global[12];

noinline char *dso_global_addr(void)
{
	return dso_global;
}

noinline int dso_read(long i)
{
	volatile char *p = hide(dso_global);

	return p[i];
}

noinline void dso_write_at(char *p, long i)
{
	((volatile char *)p)[i] = 1;
}
