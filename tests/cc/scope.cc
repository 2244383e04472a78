// SPDX-License-Identifier: MIT
/*
 * Use after scope, one case per type: the eleven types of LLVM's
 * compiler-rt test use-after-scope-types.cpp (bool, char, int, double,
 * float, a pointer, a vector of strings, int[3], int[1000], char[3],
 * char[1000]).  A pointer to a block-scoped variable outlives the block;
 * writing through it must be reported as a use-after-scope at any -O,
 * -O0 included.  `scope N` runs case N; `scope all` runs them in turn.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <string>
#include <vector>

template <class T> struct Holder {
	T *where;
	void keep(T *p) { where = p; }
	void clear() { *where = T(); }
};

/* An array: keep its first element, clear that one. */
template <class E, size_t N> struct Holder<E[N]> {
	E *where;
	void keep(E (*p)[N]) { where = *p; }
	void clear() { *where = E(); }
};

template <class T> __attribute__((noinline)) void scoped()
{
	Holder<T> h;

	{
		T x;

		h.keep(&x);
	}
	h.clear();	/* BUG: x's scope has ended */
}

static void (*const cases[])() = {
	scoped<bool>, scoped<char>, scoped<int>, scoped<double>, scoped<float>,
	scoped<void *>, scoped<std::vector<std::string> >, scoped<int[3]>,
	scoped<int[1000]>, scoped<char[3]>, scoped<char[1000]>,
};

int main(int argc, char **argv)
{
	const size_t n = sizeof(cases) / sizeof(cases[0]);

	if (argc < 2) {
		printf("%zu\n", n);
		return 0;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(argv[1], "all")) {
		for (size_t i = 0; i < n; i++)
			cases[i]();
	} else {
		size_t i = strtoul(argv[1], NULL, 0);

		if (i >= n)
			return 2;
		cases[i]();
	}
	printf("went on\n");
	return 0;
}
