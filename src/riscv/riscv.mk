# The bare-metal RISC-V64 runtime (QEMU virt), built with the freestanding
# cross compiler when it is installed: build/riscv/lib/libvmkasan-riscv.a
# (the core, the port and the guest C library), the linker script, and
# build/bin/vmkasan-qemu.  build/bin/vmkasan-cc --target=riscv64-virt uses them.
RV_CC     ?= riscv64-unknown-elf-gcc
RV_AR     ?= riscv64-unknown-elf-ar
RV_HAVE   := $(shell command -v $(RV_CC) >/dev/null 2>&1 && echo yes)
RV_BUILD  := $(BUILD)/riscv
RV_ARCH   := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany -mno-relax
RV_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -fno-sanitize=all -fno-stack-protector \
	-fno-omit-frame-pointer -fvisibility=hidden -fno-builtin-memcpy -fno-builtin-memset \
	-fno-builtin-memmove -fno-tree-loop-distribute-patterns -ffreestanding -nostdinc \
	$(RV_ARCH) -DVMKASAN_PORT_LAYOUT='"riscv/port_layout.h"' -Isrc -Iinclude
RV_PORT_SRCS := $(wildcard src/riscv/*.c src/riscv/libc/*.c)
RV_OBJS   := $(CORE_SRCS:src/%.c=$(RV_BUILD)/obj/%.o) $(RV_PORT_SRCS:src/%.c=$(RV_BUILD)/obj/%.o) \
	$(RV_BUILD)/obj/riscv/start.o
RV_LIB    := $(RV_BUILD)/lib/libvmkasan-riscv.a
RV_HEADERS := $(HEADERS) $(wildcard src/riscv/*.h src/riscv/libc/include/*.h) include/vmkasan_riscv.h
RV_QEMU   := $(BUILD)/bin/vmkasan-qemu
RV_CC_WRAP := $(BUILD)/bin/vmkasan-cc-riscv

ifeq ($(RV_HAVE),yes)
all: riscv
endif
riscv: $(RV_LIB) $(RV_BUILD)/lib/link.ld $(RV_QEMU) $(RV_CC_WRAP)

# The guest's C library is the program's, exported as glibc is on the
# host: modules use it (printk is fprintf), src/riscv/module.c.
$(patsubst src/%.c,$(RV_BUILD)/obj/%.o,$(wildcard src/riscv/libc/*.c)): RV_CFLAGS += -fvisibility=default

$(RV_BUILD)/obj/%.o: src/%.c $(RV_HEADERS)
	@mkdir -p $(dir $@)
	$(Q)echo "  CC [rv]   $<"; $(RV_CC) $(RV_CFLAGS) -isystem $(shell $(RV_CC) -print-file-name=include) -c $< -o $@

$(RV_BUILD)/obj/riscv/start.o: src/riscv/start.S
	@mkdir -p $(dir $@)
	$(Q)echo "  AS [rv]   $<"; $(RV_CC) $(RV_ARCH) -c $< -o $@

$(RV_LIB): $(RV_OBJS)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@; $(RV_AR) rcs $@ $^

$(RV_BUILD)/lib/link.ld: src/riscv/link.ld
	@mkdir -p $(dir $@)
	cp $< $@

# Replaced, not rewritten in place: bash reads a running script as it goes.
$(RV_QEMU): tools/riscv/vmkasan-qemu.in
	@mkdir -p $(dir $@)
	sed -e 's|@ROOT@|$(CURDIR)|' $< > $@.tmp && chmod +x $@.tmp && mv $@.tmp $@

$(RV_CC_WRAP): tools/riscv/vmkasan-cc-riscv.in
	@mkdir -p $(dir $@)
	sed -e 's|@ROOT@|$(CURDIR)|' $< > $@ && chmod +x $@

.PHONY: riscv
