// SPDX-License-Identifier: MIT
// C++ on the runtime's malloc (malloc=kasan, the default): operator
// new/delete in every form (sized, aligned, nothrow; each allocation
// freed by its own kind: no alloc-dealloc-mismatch), the containers,
// iostreams, exceptions (their objects come from malloc too) and
// std::thread run without a report; with an
// argument, a read after delete[] is reported as a slab-use-after-free
// at the line marked BUG, and the program goes on.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

struct alignas(64) Wide {
	char b[100];
};

/* Every form of operator new and delete, each pair matched. */
static int operators()
{
	void *p = ::operator new(24);
	::operator delete(p, 24);	/* sized */
	p = ::operator new[](40);
	::operator delete[](p, 40);
	p = ::operator new(100, std::align_val_t(128));
	if ((unsigned long)p & 127)
		return 1;
	::operator delete(p, std::align_val_t(128));
	p = ::operator new[](100, std::align_val_t(256));
	::operator delete[](p, 100, std::align_val_t(256));
	p = ::operator new(8, std::nothrow);
	::operator delete(p, std::nothrow);
	p = ::operator new[](8, std::align_val_t(64), std::nothrow);
	::operator delete[](p, std::align_val_t(64), std::nothrow);
	Wide *w = new Wide, *wa = new Wide[3];
	if ((unsigned long)w & 63 || (unsigned long)wa & 63)
		return 1;
	delete w;
	delete[] wa;
	std::string *s = new std::string[2]{ "a", "b" };
	delete[] s;
	char *d = strdup("from malloc, freed with free");
	std::free(d);
	std::shared_ptr<Wide> sp = std::make_shared<Wide>();
	std::unique_ptr<int[]> ua = std::make_unique<int[]>(5);
	return 0;
}

static int clean()
{
	std::vector<std::string> v;
	std::map<int, std::unique_ptr<int[]>> m;
	std::ostringstream os;
	std::vector<std::thread> ts;

	for (int i = 0; i < 1000; i++)
		v.push_back(std::to_string(i) + " is long enough to leave the small-string buffer");
	for (int i = 0; i < 100; i++)
		m[i].reset(new int[i + 1]());
	os << v.size() << ' ' << m.size();
	if (os.str() != "1000 100")
		return 1;
	try {
		throw std::runtime_error(v[999]);
	} catch (const std::exception &e) {
		if (!std::strstr(e.what(), "999"))
			return 1;
	}
	for (int i = 0; i < 4; i++)
		ts.emplace_back([] {
			std::vector<int> x(10000, 1);
			std::string s(5000, 'x');
			x.resize(20000);
		});
	for (auto &t : ts)
		t.join();
	return 0;
}

int main(int argc, char **argv)
{
	(void)argv;
	if (clean() || operators())
		return 3;
	std::puts("clean");
	if (argc > 1) {
		int *p = new int[4];
		delete[] p;
		__asm__ volatile("" : "+r"(p));
		volatile int x = p[1]; /* BUG */
		(void)x;
		std::puts("went on");
	}
	return 0;
}
