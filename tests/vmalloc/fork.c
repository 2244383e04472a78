/*
 * fork(): the child gets a copy of the parent's memory, vmalloc'd
 * memory included, and what the child does to its copy must not change
 * the parent (ordinary process semantics; KASAN reports in the parent
 * must not come from the child's frees).
 *
 * The child writes to a vmalloc'd area it inherited, vfree()s it,
 * purges and vmallocs again (it gets the same address).  Afterwards the
 * parent's area must still hold the parent's byte, its next vmalloc()
 * must not overlap the live area, and its vfree() must succeed without
 * a report.
 */
#include <sys/wait.h>
#include <unistd.h>
#include "vmtest.h"

int main(void)
{
	char *p = vmalloc(100), *r;
	struct page *pg = alloc_page(GFP_KERNEL);
	char *lin = page_address(pg);
	pid_t pid;

	p[0] = 'A';
	lin[0] = 'A';
	say("EXPECT_REPORTS 0");
	pid = fork();
	if (pid == 0) {
		char *q;

		p[0] = 'C';	/* the child's copy */
		lin[0] = 'C';
		vfree(p);
		vm_unmap_aliases();
		q = vmalloc(100);
		if (q)
			q[0] = 'B';
		/* The child's side must work too, and say so in its status
		 * (_exit skips the runtime's exit-time report status). */
		_exit(!q ? 2 : vmkasan_report_count() ? 3 : 0);
	}
	int status = -1;

	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "the child failed (status %#x: 2 = its vmalloc failed, 3 = it got a report)", status);
	CHECK(p[0] == 'A', "the parent's vmalloc'd byte is now %#x: the child's writes/frees reach it",
	      p[0]);
	CHECK(lin[0] == 'A', "the parent's alloc_page'd byte is now %#x after the child wrote its copy",
	      lin[0]);
	r = vmalloc(50);
	CHECK(r && (r >= p + 8192 || r + 4096 <= p),
	      "the parent's vmalloc(50) = %p overlaps its live area %p: the child's vfree() "
	      "changed the parent's allocator", r, p);
	vfree(r);
	vfree(p);
	__free_page(pg);
	CHECK(vmkasan_report_count() == 0, "%lu reports in the parent", vmkasan_report_count());
	printf("AFTER fork\n");
	return 0;
}
