# vmkasan: make, make check, make bench, make install PREFIX=...
CC       ?= gcc
PREFIX   ?= /usr/local
BUILD    := build
Q        := @

# gcc turns copy loops into memcpy calls unless told not to; clang does
# not when memcpy is not a builtin (-fno-builtin-memcpy, below).
NO_LOOP_IDIOMS := $(shell $(CC) -Werror -fno-tree-loop-distribute-patterns -E -x c /dev/null \
	>/dev/null 2>&1 && echo -fno-tree-loop-distribute-patterns)

# The runtime is never instrumented, keeps frame pointers (reports unwind
# through them) and must not have its loops turned into memcpy calls:
# it defines memcpy.
RT_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -fPIC -fno-sanitize=all \
	-fno-stack-protector -fno-omit-frame-pointer -fvisibility=hidden \
	-fno-builtin-memcpy -fno-builtin-memset -fno-builtin-memmove \
	$(NO_LOOP_IDIOMS)
# The core is freestanding: compiler headers only, no libc.
CORE_CFLAGS := $(RT_CFLAGS) -ffreestanding -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) -Isrc -Iinclude
HOSTED_CFLAGS := $(RT_CFLAGS) -D_GNU_SOURCE -Isrc -Iinclude

CORE_DIRS   := kasan mm lib module
CORE_SRCS   := $(foreach d,$(CORE_DIRS),$(wildcard src/$(d)/*.c))
HOSTED_SRCS := $(filter-out src/hosted/preinit.c src/hosted/ctor.c src/hosted/kmain.c,$(wildcard src/hosted/*.c))
CORE_OBJS   := $(CORE_SRCS:src/%.c=$(BUILD)/obj/%.o)
HOSTED_OBJS := $(HOSTED_SRCS:src/%.c=$(BUILD)/obj/%.o)
RT_OBJS     := $(CORE_OBJS) $(HOSTED_OBJS)
HEADERS     := $(wildcard src/*.h $(foreach d,$(CORE_DIRS) hosted,src/$(d)/*.h) include/*.h)

LIB_A   := $(BUILD)/lib/libvmkasan.a
DYNLIST := $(BUILD)/lib/vmkasan.dynlist
LIB_SO  := $(BUILD)/lib/libvmkasan.so
PREINIT := $(BUILD)/lib/vmkasan_preinit.o
CC_WRAP := $(BUILD)/bin/vmkasan-cc
KUNIT_RUN := $(BUILD)/bin/vmkasan-kunit
KMAIN_A := $(BUILD)/lib/libvmkasan_kmain.a
ABSENT  := $(BUILD)/include/kernel-absent/.stamp
TV_DIR  := tools/test_vmalloc
TV_BIN  := $(BUILD)/bin/test_vmalloc

INSMOD  := $(BUILD)/bin/vmkasan-insmod

all: $(LIB_A) $(LIB_SO) $(PREINIT) $(DYNLIST) $(CC_WRAP) $(KUNIT_RUN) $(KMAIN_A) $(ABSENT) $(TV_BIN) \
	$(INSMOD)

define core_rule
$$(BUILD)/obj/$(1)/%.o: src/$(1)/%.c $$(HEADERS)
	@mkdir -p $$(dir $$@)
	$$(Q)echo "  CC [core] $$<"; $$(CC) $$(CORE_CFLAGS) -c $$< -o $$@
endef
$(foreach d,$(CORE_DIRS),$(eval $(call core_rule,$(d))))

$(BUILD)/obj/hosted/%.o: src/hosted/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(Q)echo "  CC        $<"; $(CC) $(HOSTED_CFLAGS) -c $< -o $@

$(PREINIT): $(BUILD)/obj/hosted/preinit.o
	@mkdir -p $(dir $@)
	cp $< $@

# The static runtime is one relocatable object whose hidden symbols are
# made local: a program may define should_fail or ram_pages of its own,
# and only what <vmkasan.h>, the compiler ABI and the interposed libc
# functions name is global (the same set the .so exports).
RT_RELOC := $(BUILD)/obj/vmkasan_rt.o
$(RT_RELOC): $(RT_OBJS)
	$(Q)ld -r -o $@.tmp $^ && objcopy --localize-hidden $@.tmp $@ && rm -f $@.tmp

$(LIB_A): $(RT_RELOC) $(BUILD)/obj/hosted/preinit.o
	@mkdir -p $(dir $@)
	$(Q)rm -f $@; ar rcs $@ $^

# The runtime's default-visibility symbols: what an executable exports
# for the instrumented libraries it loads.
$(DYNLIST): $(RT_OBJS)
	@mkdir -p $(dir $@)
	$(Q){ echo '{'; for o in $^; do readelf -sW $$o; done | \
		awk '$$5 == "GLOBAL" && $$6 == "DEFAULT" && $$7 != "UND" { print "  " $$8 ";" }' | \
		sort -u; echo '};'; } > $@

$(LIB_SO): $(RT_OBJS) $(BUILD)/obj/hosted/ctor.o
	@mkdir -p $(dir $@)
	$(CC) -shared -o $@ $^ -lpthread -ldl

$(CC_WRAP): tools/vmkasan-cc.in
	@mkdir -p $(dir $@)
	sed -e 's|@INCLUDE@|$(CURDIR)/include|' -e 's|@LIBDIR@|$(CURDIR)/$(BUILD)/lib|' \
		-e 's|@ABSENT@|$(CURDIR)/$(BUILD)/include/kernel-absent|' $< > $@
	chmod +x $@

$(KUNIT_RUN): tools/vmkasan-kunit.in
	@mkdir -p $(dir $@)
	sed -e 's|@BINDIR@|$(CURDIR)/$(BUILD)/bin|' -e 's|@INCLUDE@|$(CURDIR)/include|' $< > $@
	chmod +x $@

# main() of a --kernel program: in an archive, so a program's own wins.
$(KMAIN_A): $(BUILD)/obj/hosted/kmain.o
	@mkdir -p $(dir $@)
	$(Q)rm -f $@; ar rcs $@ $^

# The names of user-space kernel headers the kernel layer does not have.
$(ABSENT): tools/gen-kernel-absent.sh $(wildcard include/kernel/*/*.h include/kernel/*/*/*.h)
	$(Q)echo "  GEN       $(dir $@)"; CC="$(CC)" tools/gen-kernel-absent.sh $(patsubst %/,%,$(dir $@)) include/kernel && touch $@

# Also writes $(BUILD)/bin/test_vmalloc-noshadow, the uninstrumented baseline.
$(TV_BIN): $(wildcard $(TV_DIR)/*.c $(TV_DIR)/*.h) $(TV_DIR)/build.sh $(LIB_A) $(CC_WRAP) \
		include/vmkasan.h
	$(Q)echo "  BUILD     $@"; CC="$(CC)" $(TV_DIR)/build.sh $(BUILD)/bin

$(INSMOD): tools/insmod/insmod.c tools/insmod/kernel.c $(LIB_A) $(CC_WRAP) include/vmkasan.h \
		$(wildcard include/kernel/*.h include/kernel/linux/*.h)
	@mkdir -p $(BUILD)/obj/insmod
	$(Q)echo "  BUILD     $@"; $(CC_WRAP) --cc=$(CC) -O1 -g -c tools/insmod/insmod.c \
		-o $(BUILD)/obj/insmod/insmod.o && \
	$(CC_WRAP) --cc=$(CC) --kernel -O1 -g -c tools/insmod/kernel.c -o $(BUILD)/obj/insmod/kernel.o && \
	$(CC_WRAP) --cc=$(CC) -rdynamic $(BUILD)/obj/insmod/insmod.o $(BUILD)/obj/insmod/kernel.o -o $@

include src/riscv/riscv.mk

check: all
	$(Q)tests/run-tests.sh

bench: all
	$(Q)bench/summary.sh start
	$(Q)bench/run-bench.sh
	$(Q)bench/run-malloc-bench.sh
	$(Q)bench/run-vmalloc-bench.sh
	$(Q)$(TV_DIR)/bench.sh $(BUILD)/bench/test_vmalloc
	$(Q)bench/summary.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 644 $(LIB_A) $(PREINIT) $(DYNLIST) $(KMAIN_A) $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(LIB_SO) $(DESTDIR)$(PREFIX)/lib/
	install -m 644 include/vmkasan.h $(DESTDIR)$(PREFIX)/include/
	cd include && find kernel -type d -exec install -d $(DESTDIR)$(PREFIX)/include/{} \; && \
		find kernel -name '*.h' -exec install -m 644 {} $(DESTDIR)$(PREFIX)/include/{} \;
	install -m 644 include/kernel/ksrc-headers $(DESTDIR)$(PREFIX)/include/kernel/
	rm -rf $(DESTDIR)$(PREFIX)/include/kernel-absent
	cp -R $(BUILD)/include/kernel-absent $(DESTDIR)$(PREFIX)/include/kernel-absent
	sed -e 's|@INCLUDE@|$(PREFIX)/include|' -e 's|@LIBDIR@|$(PREFIX)/lib|' \
		-e 's|@ABSENT@|$(PREFIX)/include/kernel-absent|' \
		tools/vmkasan-cc.in > $(DESTDIR)$(PREFIX)/bin/vmkasan-cc
	chmod 755 $(DESTDIR)$(PREFIX)/bin/vmkasan-cc
	sed -e 's|@BINDIR@|$(PREFIX)/bin|' -e 's|@INCLUDE@|$(PREFIX)/include|' \
		tools/vmkasan-kunit.in > $(DESTDIR)$(PREFIX)/bin/vmkasan-kunit
	chmod 755 $(DESTDIR)$(PREFIX)/bin/vmkasan-kunit
	sed -e 's|@PREFIX@|$(PREFIX)|' tools/vmkasan.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/vmkasan.pc

clean:
	rm -rf $(BUILD)

.PHONY: all check bench install clean
