// SPDX-License-Identifier: MIT
// C++ on the runtime's malloc (malloc=kasan, the default): operator
// new/delete, the containers, iostreams, exceptions (their objects come
// from malloc too) and std::thread run without a report; with an
// argument, a read after delete[] is reported as a slab-use-after-free
// at the line marked BUG, and the program goes on.
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

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
	if (clean())
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
