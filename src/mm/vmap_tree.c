// SPDX-License-Identifier: MIT
/* Treap of vmap areas; see vmap_tree.h. */
#include "mm/vmap_tree.h"

static uintptr_t va_size(const struct vmap_area *va)
{
	return va->va_end - va->va_start;
}

static void update(struct vmap_area *va)
{
	uintptr_t m = va_size(va);

	if (va->left && va->left->subtree_max > m)
		m = va->left->subtree_max;
	if (va->right && va->right->subtree_max > m)
		m = va->right->subtree_max;
	va->subtree_max = m;
}

/* Areas starting below key go to *l, the rest to *r. */
static void split(struct vmap_area *t, uintptr_t key, struct vmap_area **l, struct vmap_area **r)
{
	if (!t) {
		*l = *r = NULL;
	} else if (t->va_start < key) {
		split(t->right, key, &t->right, r);
		*l = t;
		update(t);
	} else {
		split(t->left, key, l, &t->left);
		*r = t;
		update(t);
	}
}

/* Every area of a lies below every area of b. */
static struct vmap_area *merge(struct vmap_area *a, struct vmap_area *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	if (a->prio > b->prio) {
		a->right = merge(a->right, b);
		update(a);
		return a;
	}
	b->left = merge(a, b->left);
	update(b);
	return b;
}

void vmap_tree_insert(struct vmap_tree *t, struct vmap_area *va)
{
	struct vmap_area *l, *r;

	/* xorshift: priorities only need to be unrelated to addresses. */
	t->seed ^= t->seed << 13;
	t->seed ^= t->seed >> 7;
	t->seed ^= t->seed << 17;
	if (!t->seed)
		t->seed = 0x9e3779b97f4a7c15ULL;
	va->prio = (uint32_t)(t->seed >> 32);
	va->left = va->right = NULL;
	update(va);
	split(t->root, va->va_start, &l, &r);
	t->root = merge(merge(l, va), r);
	t->count++;
}

void vmap_tree_remove(struct vmap_tree *t, struct vmap_area *va)
{
	struct vmap_area *l, *m, *r;

	split(t->root, va->va_start, &l, &r);
	split(r, va->va_start + 1, &m, &r);
	t->root = merge(l, r);
	t->count--;
	va->left = va->right = NULL;
}

struct vmap_area *vmap_tree_floor(const struct vmap_tree *t, uintptr_t addr)
{
	struct vmap_area *best = NULL;

	for (struct vmap_area *n = t->root; n;) {
		if (n->va_start <= addr) {
			best = n;
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return best;
}

struct vmap_area *vmap_area_find(const struct vmap_tree *t, uintptr_t addr)
{
	struct vmap_area *va = vmap_tree_floor(t, addr);

	return va && addr < va->va_end ? va : NULL;
}

static bool fits(const struct vmap_area *va, size_t size, size_t align, uintptr_t vstart,
		 uintptr_t vend, uintptr_t *addr)
{
	uintptr_t s = va->va_start > vstart ? va->va_start : vstart;
	uintptr_t e = va->va_end < vend ? va->va_end : vend;

	s = ALIGN_UP(s, align);
	if (s < va->va_start || s >= e || e - s < size)
		return false;
	*addr = s;
	return true;
}

static struct vmap_area *lowest_fit(struct vmap_area *n, size_t size, size_t align,
				    uintptr_t vstart, uintptr_t vend, uintptr_t *addr)
{
	struct vmap_area *found;

	if (!n || n->subtree_max < size)
		return NULL;
	/* The left subtree lies below n: skip it when n ends below vstart. */
	if (n->va_end > vstart && (found = lowest_fit(n->left, size, align, vstart, vend, addr)))
		return found;
	if (fits(n, size, align, vstart, vend, addr))
		return n;
	if (n->va_start < vend)
		return lowest_fit(n->right, size, align, vstart, vend, addr);
	return NULL;
}

struct vmap_area *vmap_tree_lowest_fit(const struct vmap_tree *t, size_t size, size_t align,
				       uintptr_t vstart, uintptr_t vend, uintptr_t *addr)
{
	return lowest_fit(t->root, size, align, vstart, vend, addr);
}

static void walk(struct vmap_area *n, void (*fn)(struct vmap_area *, void *), void *arg)
{
	if (!n)
		return;
	walk(n->left, fn, arg);
	fn(n, arg);
	walk(n->right, fn, arg);
}

void vmap_tree_walk(const struct vmap_tree *t, void (*fn)(struct vmap_area *, void *), void *arg)
{
	walk(t->root, fn, arg);
}
