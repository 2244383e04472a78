/* SPDX-License-Identifier: MIT */
/*
 * Report-time symbolizer: address -> module, ELF symbol, source line.
 *
 * A KASAN report can fire anywhere, including inside malloc, so nothing
 * here allocates from the heap or uses stdio: files are mmap'd, indexes
 * live in anonymous mappings, and the module cache is a static table.
 *
 * ELF facts used (System V gABI, "ELF-64 Object File Format"):
 *  - the section header table at e_shoff, e_shentsize bytes each; when
 *    e_shnum is 0 the count is in section 0's sh_size, and when
 *    e_shstrndx is SHN_XINDEX the index is in section 0's sh_link;
 *  - Elf64_Sym st_info = binding << 4 | type, st_shndx special values
 *    (UNDEF, ABS, COMMON, XINDEX), SHT_NOBITS has no file bytes;
 *  - SHF_COMPRESSED sections start with an Elf64_Chdr (we do not inflate);
 *  - notes are (namesz, descsz, type, name, desc), name and desc padded
 *    to 4 bytes; the GNU build ID is type NT_GNU_BUILD_ID, name "GNU".
 * Separate debug files are looked up the way the GDB manual ("Separate
 * Debug Files") describes: /usr/lib/debug/.build-id/xx/yyyy.debug, then
 * the .gnu_debuglink name next to the module, in .debug/, and under
 * /usr/lib/debug (the link's CRC is not checked).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* dl_iterate_phdr */
#endif
#include "symbolize.h"

#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dwarf_info.h"
#include "dwarf_line.h"

_Static_assert(sizeof(void *) == 8, "ELF64 / x86-64 only");

#define MAX_MODULES		64
#define MAX_BUILD_ID		64
#define STRING_POOL_SIZE	(1UL << 20)	/* virtual; pages are touched only when used */
#define DEBUG_ROOT		"/usr/lib/debug"

/* A read-only mapping of one ELF file with its section table checked. */
struct elf_image {
	const uint8_t *base;		/* NULL: not mapped */
	size_t size;
	dev_t dev;
	ino_t ino;
	const Elf64_Shdr *shdrs;	/* NULL when the table is missing or corrupt */
	size_t shnum;
	const char *shstrtab;
	size_t shstrtab_size;
};

/* One FUNC/OBJECT symbol in the sorted lookup index. */
struct sym_entry {
	uint64_t start;
	uint64_t size;
	uint64_t max_end;	/* max(start + size) over this and all earlier entries */
	uint32_t name;		/* offset into the string table, known NUL-terminated */
	uint16_t shndx;
	uint8_t type;
	uint8_t rank;		/* among equal starts, higher = nicer name; sorts last */
};

struct module {
	bool used;
	bool is_main;
	bool index_built;
	uintptr_t bias;			/* dlpi_addr: runtime address - ELF address */
	const void *phdr_key;		/* dlpi_phdr: unique while the object is loaded */
	uint64_t last_use;		/* for LRU eviction */
	uint8_t build_id[MAX_BUILD_ID];	/* of the loaded object, from memory */
	size_t build_id_len;
	char path[PATH_MAX];
	struct elf_image image;
	struct elf_image debug_image;	/* separate debug file, if any */
	const struct elf_image *sym_image; /* the image holding the symbol table */
	const Elf64_Sym *syms;
	size_t nsyms;
	const char *strtab;
	size_t strtab_size;
	struct sym_entry *index;	/* anonymous mapping of index_bytes */
	size_t index_count;
	size_t index_bytes;
	struct vmk_dwarf_sections dwarf;
	struct vmk_dwarf_info_cache dwarf_info;	/* for inlined frames, built on first use */
};

static struct module modules[MAX_MODULES];
static uint64_t use_clock;
static int symbolize_lock;

/* String pool for joined file names, so they outlive the call. */
static char *string_pool;
static size_t string_pool_used;
static char line_file_buf[PATH_MAX];
static struct vmk_dwarf_inline_chain inline_chain;

/*
 * Callers already serialize reports; this lock only keeps two threads
 * from initialising the same cache slot at once.
 */
static void lock(void)
{
	while (__atomic_exchange_n(&symbolize_lock, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&symbolize_lock, __ATOMIC_RELAXED))
			__asm__ volatile("pause");
	}
}

static void unlock(void)
{
	__atomic_store_n(&symbolize_lock, 0, __ATOMIC_RELEASE);
}

/* fork: held across it, so that a child never inherits it held. */
void vmk_symbolize_lock_all(bool take)
{
	if (take)
		lock();
	else
		unlock();
}

/* Small string helpers: libc's may be intercepted by the runtime. */

static size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* Is tab[off..] a NUL-terminated string inside the table? */
static bool str_in_table(const char *tab, size_t size, uint64_t off)
{
	if (off >= size)
		return false;
	for (size_t i = off; i < size; i++)
		if (tab[i] == 0)
			return true;
	return false;
}

/* Does tab[off..] (bounded by size) equal name? */
static bool table_str_eq(const char *tab, size_t size, uint64_t off, const char *name)
{
	if (!tab || off >= size)
		return false;
	for (size_t i = off;; i++, name++) {
		if (i >= size)
			return false;
		if (tab[i] != *name)
			return false;
		if (!*name)
			return true;
	}
}

/* Bounded path building; `overflow` makes the result unusable. */
struct path_buf {
	char *buf;
	size_t size;
	size_t len;
	bool overflow;
};

static void path_add_n(struct path_buf *p, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p->len + 1 >= p->size) {
			p->overflow = true;
			break;
		}
		p->buf[p->len++] = s[i];
	}
	p->buf[p->len] = 0;
}

static void path_add(struct path_buf *p, const char *s)
{
	path_add_n(p, s, str_len(s));
}

static void path_add_hex(struct path_buf *p, const uint8_t *bytes, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		char two[2] = { digits[bytes[i] >> 4], digits[bytes[i] & 15] };

		path_add_n(p, two, 2);
	}
}

/* ---- ELF images ---- */

/* File bytes of a section, or false (NOBITS, out of bounds). */
static bool section_bytes(const struct elf_image *img, const Elf64_Shdr *sh, const uint8_t **data,
			  size_t *size)
{
	if (sh->sh_type == SHT_NOBITS || sh->sh_offset > img->size ||
	    sh->sh_size > img->size - sh->sh_offset)
		return false;
	*data = img->base + sh->sh_offset;
	*size = sh->sh_size;
	return true;
}

static const Elf64_Shdr *find_section(const struct elf_image *img, const char *name)
{
	for (size_t i = 0; i < img->shnum; i++)
		if (table_str_eq(img->shstrtab, img->shstrtab_size, img->shdrs[i].sh_name, name))
			return &img->shdrs[i];
	return NULL;
}

/* Validate the ELF header and locate the section table; false = not ELF64 LE. */
static bool parse_elf(struct elf_image *img)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img->base;

	if (img->size < sizeof(*eh) || eh->e_ident[EI_MAG0] != ELFMAG0 ||
	    eh->e_ident[EI_MAG1] != ELFMAG1 || eh->e_ident[EI_MAG2] != ELFMAG2 ||
	    eh->e_ident[EI_MAG3] != ELFMAG3 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return false;

	/* From here on, a bad section table just means "no sections". */
	img->shdrs = NULL;
	img->shnum = 0;
	img->shstrtab = NULL;
	img->shstrtab_size = 0;
	if (eh->e_shoff == 0 || eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff % 8 ||
	    eh->e_shoff > img->size || img->size - eh->e_shoff < sizeof(Elf64_Shdr))
		return true;

	const Elf64_Shdr *sh = (const Elf64_Shdr *)(img->base + eh->e_shoff);
	uint64_t shnum = eh->e_shnum ? eh->e_shnum : sh[0].sh_size;
	uint64_t shstrndx = eh->e_shstrndx == SHN_XINDEX ? sh[0].sh_link : eh->e_shstrndx;

	if (shnum > (img->size - eh->e_shoff) / sizeof(Elf64_Shdr))
		return true;
	img->shdrs = sh;
	img->shnum = shnum;

	const uint8_t *strs;
	size_t strs_size;

	if (shstrndx < shnum && section_bytes(img, &sh[shstrndx], &strs, &strs_size)) {
		img->shstrtab = (const char *)strs;
		img->shstrtab_size = strs_size;
	}
	return true;
}

static void unmap_image(struct elf_image *img)
{
	if (img->base)
		munmap((void *)img->base, img->size);
	img->base = NULL;
	img->size = 0;
	img->shdrs = NULL;
	img->shnum = 0;
	img->shstrtab = NULL;
	img->shstrtab_size = 0;
}

static bool map_image(const char *path, struct elf_image *img)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
		close(fd);
		return false;
	}

	void *base = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);

	close(fd);
	if (base == MAP_FAILED)
		return false;
	img->base = base;
	img->size = (size_t)st.st_size;
	img->dev = st.st_dev;
	img->ino = st.st_ino;
	if (!parse_elf(img)) {
		unmap_image(img);
		return false;
	}
	return true;
}

/*
 * The GNU build ID in a run of notes, or false.  Name and descriptor are
 * padded to the section/segment alignment: 4 normally, 8 for notes such
 * as .note.gnu.property.
 */
static bool notes_build_id(const uint8_t *p, size_t size, uint64_t align, const uint8_t **id,
			   size_t *id_len)
{
	size_t off = 0;
	size_t pad = align == 8 ? 7 : 3;

	while (size - off >= 12) {
		uint32_t namesz, descsz, type;

		__builtin_memcpy(&namesz, p + off, 4);
		__builtin_memcpy(&descsz, p + off + 4, 4);
		__builtin_memcpy(&type, p + off + 8, 4);
		off += 12;

		size_t name_padded = ((size_t)namesz + pad) & ~pad;
		size_t desc_padded = ((size_t)descsz + pad) & ~pad;

		if (name_padded > size - off || desc_padded > size - off - name_padded)
			return false;
		if (type == NT_GNU_BUILD_ID && namesz == 4 && p[off] == 'G' && p[off + 1] == 'N' &&
		    p[off + 2] == 'U' && p[off + 3] == 0 && descsz > 0 && descsz <= MAX_BUILD_ID) {
			*id = p + off + name_padded;
			*id_len = descsz;
			return true;
		}
		off += name_padded + desc_padded;
	}
	return false;
}

static bool image_build_id(const struct elf_image *img, const uint8_t **id, size_t *id_len)
{
	for (size_t i = 0; i < img->shnum; i++) {
		const uint8_t *data;
		size_t size;

		if (img->shdrs[i].sh_type == SHT_NOTE && section_bytes(img, &img->shdrs[i], &data, &size) &&
		    notes_build_id(data, size, img->shdrs[i].sh_addralign, id, id_len))
			return true;
	}
	return false;
}

/* ---- per-module tables ---- */

static bool use_symtab(struct module *m, const struct elf_image *img, uint32_t type)
{
	for (size_t i = 0; i < img->shnum; i++) {
		const Elf64_Shdr *sh = &img->shdrs[i];
		const uint8_t *syms, *strs;
		size_t syms_size, strs_size;

		if (sh->sh_type != type || sh->sh_entsize != sizeof(Elf64_Sym) ||
		    !section_bytes(img, sh, &syms, &syms_size) ||
		    (uintptr_t)syms % _Alignof(Elf64_Sym) || sh->sh_link >= img->shnum ||
		    img->shdrs[sh->sh_link].sh_type != SHT_STRTAB ||
		    !section_bytes(img, &img->shdrs[sh->sh_link], &strs, &strs_size))
			continue;
		/*
		 * End the table at its last NUL: then every name offset below
		 * the size is a terminated string, checked in O(1).
		 */
		while (strs_size > 0 && strs[strs_size - 1] != 0)
			strs_size--;
		m->sym_image = img;
		m->syms = (const Elf64_Sym *)syms;
		m->nsyms = syms_size / sizeof(Elf64_Sym);
		m->strtab = (const char *)strs;
		m->strtab_size = strs_size;
		return true;
	}
	return false;
}

/* An uncompressed section's bytes; compressed or absent -> size 0. */
static void plain_section(const struct elf_image *img, const char *name, const uint8_t **data,
			  size_t *size)
{
	const Elf64_Shdr *sh = find_section(img, name);

	*data = NULL;
	*size = 0;
	if (sh && !(sh->sh_flags & SHF_COMPRESSED) && !section_bytes(img, sh, data, size)) {
		*data = NULL;
		*size = 0;
	}
}

static bool use_dwarf(struct module *m, const struct elf_image *img)
{
	struct vmk_dwarf_sections d;

	plain_section(img, ".debug_line", &d.debug_line, &d.debug_line_size);
	if (!d.debug_line_size)
		return false;
	plain_section(img, ".debug_line_str", &d.debug_line_str, &d.debug_line_str_size);
	plain_section(img, ".debug_str", &d.debug_str, &d.debug_str_size);
	plain_section(img, ".debug_info", &d.debug_info, &d.debug_info_size);
	plain_section(img, ".debug_abbrev", &d.debug_abbrev, &d.debug_abbrev_size);
	plain_section(img, ".debug_ranges", &d.debug_ranges, &d.debug_ranges_size);
	plain_section(img, ".debug_rnglists", &d.debug_rnglists, &d.debug_rnglists_size);
	plain_section(img, ".debug_addr", &d.debug_addr, &d.debug_addr_size);
	plain_section(img, ".debug_str_offsets", &d.debug_str_offsets, &d.debug_str_offsets_size);
	m->dwarf = d;
	return true;
}

/* Accept a mapped debug-file candidate if it is not the module itself and has what we lack. */
static bool try_debug_image(struct module *m, const char *path)
{
	struct elf_image *dbg = &m->debug_image;

	if (!map_image(path, dbg))
		return false;
	if ((dbg->dev != m->image.dev || dbg->ino != m->image.ino) &&
	    (find_section(dbg, ".symtab") || find_section(dbg, ".debug_line")))
		return true;
	unmap_image(dbg);
	return false;
}

static bool open_debug_image(struct module *m)
{
	char buf[PATH_MAX];
	struct path_buf p = { buf, sizeof(buf), 0, false };
	const uint8_t *id;
	size_t id_len;

	if (image_build_id(&m->image, &id, &id_len) && id_len >= 2) {
		path_add(&p, DEBUG_ROOT "/.build-id/");
		path_add_hex(&p, id, 1);
		path_add(&p, "/");
		path_add_hex(&p, id + 1, id_len - 1);
		path_add(&p, ".debug");
		if (!p.overflow && try_debug_image(m, buf))
			return true;
	}

	/* .gnu_debuglink: file name, padding, CRC32 (not checked). */
	const uint8_t *link;
	size_t link_size;

	plain_section(&m->image, ".gnu_debuglink", &link, &link_size);
	if (!link_size || !str_in_table((const char *)link, link_size, 0))
		return false;

	const char *name = (const char *)link;
	size_t dir_len = 0;

	for (size_t i = 0; m->path[i]; i++)
		if (m->path[i] == '/')
			dir_len = i + 1;	/* keeps the slash */
	if (m->path[0] != '/' || !name[0])
		return false;

	static const char *const middles[] = { "", ".debug/" };

	for (int root = 0; root < 2; root++) {
		for (int i = 0; i < (root ? 1 : 2); i++) {
			p = (struct path_buf){ buf, sizeof(buf), 0, false };
			if (root)
				path_add(&p, DEBUG_ROOT);
			path_add_n(&p, m->path, dir_len);
			path_add(&p, middles[i]);
			path_add(&p, name);
			if (!p.overflow && try_debug_image(m, buf))
				return true;
		}
	}
	return false;
}

/*
 * Map the module's file and pick its tables: .symtab (own or from the
 * debug file) before .dynsym, .debug_line likewise.  memory_id is the
 * build ID of the loaded object; a file whose ID differs was replaced
 * on disk after loading and would give wrong answers, so it is dropped.
 */
static void load_module(struct module *m, const uint8_t *memory_id, size_t memory_id_len)
{
	const char *open_path = m->is_main ? "/proc/self/exe" : m->path;

	if (!map_image(open_path, &m->image))
		return;
	if (memory_id_len) {
		const uint8_t *id;
		size_t id_len;
		bool same = image_build_id(&m->image, &id, &id_len) && id_len == memory_id_len;

		for (size_t i = 0; same && i < id_len; i++)
			same = id[i] == memory_id[i];
		if (!same) {
			unmap_image(&m->image);
			return;
		}
	}

	bool have_syms = use_symtab(m, &m->image, SHT_SYMTAB);
	bool have_lines = use_dwarf(m, &m->image);

	if ((!have_syms || !have_lines) && open_debug_image(m)) {
		if (!have_syms)
			use_symtab(m, &m->debug_image, SHT_SYMTAB);
		if (!have_lines)
			use_dwarf(m, &m->debug_image);
	}
	if (!m->syms)
		use_symtab(m, &m->image, SHT_DYNSYM);
}

static void release_module(struct module *m)
{
	unmap_image(&m->image);
	unmap_image(&m->debug_image);
	if (m->index)
		munmap(m->index, m->index_bytes);
	vmk_dwarf_info_release(&m->dwarf_info);
	m->used = false;
}

/* ---- the sorted symbol index ---- */

static bool is_function_type(unsigned type)
{
	return type == STT_FUNC || type == STT_GNU_IFUNC;
}

static bool entry_less(const struct sym_entry *a, const struct sym_entry *b)
{
	if (a->start != b->start)
		return a->start < b->start;
	return a->rank < b->rank;
}

static void swap_entries(struct sym_entry *a, struct sym_entry *b)
{
	struct sym_entry t = *a;

	*a = *b;
	*b = t;
}

static void sift_down(struct sym_entry *v, size_t root, size_t n)
{
	for (;;) {
		size_t child = 2 * root + 1;

		if (child >= n)
			return;
		if (child + 1 < n && entry_less(&v[child], &v[child + 1]))
			child++;
		if (!entry_less(&v[root], &v[child]))
			return;
		swap_entries(&v[root], &v[child]);
		root = child;
	}
}

/* Heapsort: in place, O(n log n) worst case, and no qsort (glibc's may malloc). */
static void sort_entries(struct sym_entry *v, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(v, i, n);
	for (size_t end = n; end-- > 1;) {
		swap_entries(&v[0], &v[end]);
		sift_down(v, 0, end);
	}
}

/*
 * Among aliases at one address prefer a sized symbol, then fewer leading
 * underscores ("write" over "__libc_write"), then global over weak over
 * local binding.
 */
static uint8_t symbol_rank(const Elf64_Sym *sym, const char *name)
{
	unsigned underscores = 0;
	unsigned binding = ELF64_ST_BIND(sym->st_info);

	while (underscores < 3 && name[underscores] == '_')
		underscores++;
	return (uint8_t)((sym->st_size ? 64 : 0) + (3 - underscores) * 4 +
			 (binding == STB_GLOBAL ? 2 : binding == STB_WEAK ? 1 : 0));
}

static bool indexable(const struct module *m, const Elf64_Sym *sym)
{
	unsigned type = ELF64_ST_TYPE(sym->st_info);

	return (type == STT_FUNC || type == STT_OBJECT || type == STT_GNU_IFUNC) &&
	       sym->st_shndx != SHN_UNDEF && sym->st_shndx != SHN_ABS &&
	       sym->st_shndx != SHN_COMMON && sym->st_value != 0 &&
	       sym->st_name < m->strtab_size && m->strtab[sym->st_name];
}

static void build_index(struct module *m)
{
	size_t count = 0;

	m->index_built = true;
	for (size_t i = 0; i < m->nsyms; i++)
		count += indexable(m, &m->syms[i]);
	if (!count)
		return;

	size_t bytes = (count * sizeof(struct sym_entry) + 4095) & ~(size_t)4095;
	void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (mem == MAP_FAILED)
		return;

	struct sym_entry *v = mem;
	size_t n = 0;

	for (size_t i = 0; i < m->nsyms && n < count; i++) {
		const Elf64_Sym *sym = &m->syms[i];

		if (!indexable(m, sym))
			continue;
		v[n].start = sym->st_value;
		/* A size running past the address space is corrupt: treat as unsized. */
		v[n].size = sym->st_value + sym->st_size < sym->st_value ? 0 : sym->st_size;
		v[n].name = sym->st_name;
		v[n].shndx = sym->st_shndx;
		v[n].type = (uint8_t)ELF64_ST_TYPE(sym->st_info);
		v[n].rank = symbol_rank(sym, m->strtab + sym->st_name);
		n++;
	}
	sort_entries(v, n);

	uint64_t max_end = 0;

	for (size_t i = 0; i < n; i++) {
		if (v[i].start + v[i].size > max_end)
			max_end = v[i].start + v[i].size;
		v[i].max_end = max_end;
	}
	m->index = v;
	m->index_count = n;
	m->index_bytes = bytes;
}

/* The allocated section holding addr in the symbol table's image; TLS templates overlap, skip them. */
static bool section_of(const struct elf_image *img, uint64_t addr, size_t *index, uint64_t *start)
{
	for (size_t i = 1; i < img->shnum; i++) {
		const Elf64_Shdr *sh = &img->shdrs[i];

		if ((sh->sh_flags & SHF_ALLOC) && !(sh->sh_flags & SHF_TLS) && addr >= sh->sh_addr &&
		    addr - sh->sh_addr < sh->sh_size) {
			*index = i;
			*start = sh->sh_addr;
			return true;
		}
	}
	return false;
}

/*
 * The symbol for addr (an ELF address): the most specific sized symbol
 * covering it, else the nearest preceding function in the same section
 * (assembly often lacks .size; stripped objects keep only exports).
 */
static const struct sym_entry *find_symbol(struct module *m, uint64_t addr)
{
	if (!m->index_built)
		build_index(m);

	const struct sym_entry *v = m->index;
	size_t lo = 0, hi = m->index_count;

	/* First entry starting after addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Walk back while an earlier symbol may still reach addr (max_end is a prefix max). */
	for (size_t j = lo; j-- > 0;) {
		if (v[j].max_end <= addr)
			break;
		if (v[j].size && addr - v[j].start < v[j].size)
			return &v[j];
	}

	size_t sec_index = 0;
	uint64_t sec_start = 0;
	bool have_section = section_of(m->sym_image, addr, &sec_index, &sec_start);

	for (size_t j = lo; j-- > 0;) {
		if (have_section && v[j].start < sec_start)
			break;
		if (is_function_type(v[j].type) &&
		    (!have_section || v[j].shndx == sec_index || v[j].shndx == SHN_XINDEX))
			return &v[j];
	}
	return NULL;
}

/* ---- module lookup ---- */

struct phdr_search {
	uintptr_t addr;
	bool found;
	uintptr_t bias;
	const char *name;
	const void *phdr;
	uint8_t build_id[MAX_BUILD_ID];
	size_t build_id_len;
};

static int find_module_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	struct phdr_search *s = data;
	bool hit = false;

	(void)size;
	for (size_t i = 0; i < info->dlpi_phnum; i++) {
		const Elf64_Phdr *ph = &info->dlpi_phdr[i];

		if (ph->p_type == PT_LOAD && s->addr - (info->dlpi_addr + ph->p_vaddr) < ph->p_memsz)
			hit = true;
	}
	if (!hit)
		return 0;

	s->found = true;
	s->bias = info->dlpi_addr;
	s->name = info->dlpi_name ? info->dlpi_name : "";
	s->phdr = info->dlpi_phdr;
	s->build_id_len = 0;
	/* The loaded object's own build ID, read from its mapped PT_NOTE. */
	for (size_t i = 0; i < info->dlpi_phnum; i++) {
		const Elf64_Phdr *ph = &info->dlpi_phdr[i];
		const uint8_t *id;
		size_t id_len;

		if (ph->p_type == PT_NOTE &&
		    notes_build_id((const uint8_t *)(info->dlpi_addr + ph->p_vaddr), ph->p_filesz,
				   ph->p_align, &id, &id_len)) {
			for (size_t k = 0; k < id_len; k++)
				s->build_id[k] = id[k];
			s->build_id_len = id_len;
			break;
		}
	}
	return 1;
}

/*
 * Same object as when cached?  The build ID catches a library that was
 * unloaded, rebuilt and loaded again at the same place.
 */
static bool module_matches(const struct module *m, const struct phdr_search *s)
{
	if (!m->used || m->bias != s->bias || m->phdr_key != s->phdr ||
	    m->build_id_len != s->build_id_len)
		return false;
	for (size_t i = 0; i < s->build_id_len; i++)
		if (m->build_id[i] != s->build_id[i])
			return false;
	return s->name[0] ? !m->is_main && str_eq(m->path, s->name) : m->is_main;
}

static void init_module(struct module *m, const struct phdr_search *s)
{
	m->used = true;
	m->is_main = s->name[0] == 0;
	m->index_built = false;
	m->bias = s->bias;
	m->phdr_key = s->phdr;
	for (size_t i = 0; i < s->build_id_len; i++)
		m->build_id[i] = s->build_id[i];
	m->build_id_len = s->build_id_len;
	m->sym_image = NULL;
	m->syms = NULL;
	m->nsyms = 0;
	m->strtab = NULL;
	m->strtab_size = 0;
	m->index = NULL;
	m->index_count = 0;
	m->index_bytes = 0;
	m->dwarf = (struct vmk_dwarf_sections){ 0 };
	m->dwarf_info = (struct vmk_dwarf_info_cache){ 0 };
	m->image.base = NULL;
	m->debug_image.base = NULL;

	struct path_buf p = { m->path, sizeof(m->path), 0, false };

	m->path[0] = 0;
	if (m->is_main) {
		ssize_t n = readlink("/proc/self/exe", m->path, sizeof(m->path) - 1);

		if (n > 0)
			m->path[n] = 0;
		else
			path_add(&p, "/proc/self/exe");
	} else {
		path_add(&p, s->name);
	}
	load_module(m, s->build_id, s->build_id_len);
}

/* The cache slot for the found object: a hit, a free slot, or the least recently used. */
static struct module *get_module(const struct phdr_search *s)
{
	struct module *victim = &modules[0];

	for (size_t i = 0; i < MAX_MODULES; i++) {
		struct module *m = &modules[i];

		if (module_matches(m, s)) {
			m->last_use = ++use_clock;
			return m;
		}
		if (victim->used && (!m->used || m->last_use < victim->last_use))
			victim = m;
	}
	if (victim->used)
		release_module(victim);
	init_module(victim, s);
	victim->last_use = ++use_clock;
	return victim;
}

/* ---- string pool ---- */

/*
 * Keep a copy of s that outlives this call; equal strings share one copy,
 * so the pool only grows with distinct source files.  If the pool cannot
 * be had, the per-call buffer is returned (valid until the next call).
 */
static const char *intern(const char *s)
{
	size_t len = str_len(s);

	if (!string_pool) {
		void *mem = mmap(NULL, STRING_POOL_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		if (mem == MAP_FAILED)
			return s;
		string_pool = mem;
	}
	for (size_t off = 0; off < string_pool_used; off += str_len(string_pool + off) + 1)
		if (str_eq(string_pool + off, s))
			return string_pool + off;
	if (len + 1 > STRING_POOL_SIZE - string_pool_used)
		return s;

	char *copy = string_pool + string_pool_used;

	for (size_t i = 0; i <= len; i++)
		copy[i] = s[i];
	string_pool_used += len + 1;
	return copy;
}

/* ---- inlined frames ---- */

/* Where chain frame f was inlined: a file of the unit's line table, interned. */
static void call_site(struct module *m, const struct vmk_dwarf_inlined *f, const char **file,
		      unsigned *line)
{
	*file = NULL;
	*line = f->call_line;
	if (f->have_call_file && inline_chain.have_line_offset &&
	    vmk_dwarf_file_name(&m->dwarf, inline_chain.line_offset, f->call_file, line_file_buf,
				sizeof(line_file_buf)))
		*file = intern(line_file_buf);
}

/*
 * Turn the DWARF chain at file_addr into out->inlined.  Of a chain deeper
 * than VMK_MAX_INLINED, the innermost frames are kept; the physical
 * frame's line is always the outermost call site.
 */
static void add_inlined_frames(struct module *m, uint64_t file_addr, struct vmk_symbol *out)
{
	struct vmk_dwarf_inline_chain *c = &inline_chain;

	if (!m->dwarf.debug_info_size ||
	    !vmk_dwarf_find_inlined(&m->dwarf, &m->dwarf_info, file_addr, c) || c->count == 0)
		return;

	unsigned n = c->count < VMK_MAX_INLINED ? c->count : VMK_MAX_INLINED;

	/* The line table's row for pc is in the innermost inlined function. */
	out->inlined[0] = (struct vmk_inlined_frame){ c->frames[0].name, out->file, out->line };
	for (unsigned i = 1; i < n; i++) {
		out->inlined[i].func = c->frames[i].name;
		call_site(m, &c->frames[i - 1], &out->inlined[i].file, &out->inlined[i].line);
	}
	out->inlined_count = n;
	call_site(m, &c->frames[c->count - 1], &out->file, &out->line);
}

/* ---- entry points ---- */

static bool symbolize(uintptr_t lookup_addr, uintptr_t pc, bool want_line, struct vmk_symbol *out)
{
	struct phdr_search s = { .addr = lookup_addr };

	*out = (struct vmk_symbol){ 0 };
	lock();
	dl_iterate_phdr(find_module_cb, &s);
	if (!s.found) {
		unlock();
		return false;
	}

	struct module *m = get_module(&s);
	uint64_t file_addr = lookup_addr - m->bias;

	out->module = m->path;
	out->module_off = pc - m->bias;
	if (m->syms) {
		const struct sym_entry *e = find_symbol(m, file_addr);

		if (e) {
			out->func = m->strtab + e->name;
			out->func_off = (pc - m->bias) - e->start;
			out->func_size = e->size;
		}
	}
	if (want_line && m->dwarf.debug_line_size &&
	    vmk_dwarf_find_line(&m->dwarf, file_addr, line_file_buf, sizeof(line_file_buf),
				&out->line) &&
	    line_file_buf[0])
		out->file = intern(line_file_buf);
	if (want_line)
		add_inlined_frames(m, file_addr, out);
	unlock();
	return true;
}

bool vmk_symbolize(uintptr_t pc, bool is_return_addr, struct vmk_symbol *out)
{
	/*
	 * A return address may be the first byte after a noreturn call that
	 * ends its function; the call itself is at pc - 1.  Use it for both
	 * symbol and line, report offsets from pc (like Linux's %pB).
	 */
	return symbolize(is_return_addr ? pc - 1 : pc, pc, true, out);
}

bool vmk_symbolize_data(uintptr_t addr, struct vmk_symbol *out)
{
	return symbolize(addr, addr, false, out);
}
