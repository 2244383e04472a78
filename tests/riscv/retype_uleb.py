# SPDX-License-Identifier: MIT
# retype_uleb.py IN OUT: the two relocations at symbol rr_uleb (SET8 then
# SUB8, mod_reloc.c) become R_RISCV_SET_ULEB128 (60) and
# R_RISCV_SUB_ULEB128 (61), which the assemblers here cannot name.
import struct, sys

d = bytearray(open(sys.argv[1], 'rb').read())
shoff, = struct.unpack_from('<Q', d, 0x28)
shnum, = struct.unpack_from('<H', d, 0x3c)
def sh(i): return struct.unpack_from('<IIQQQQIIQQ', d, shoff + i * 64)
target = None
for i in range(shnum):
    if sh(i)[1] == 2:	# SHT_SYMTAB
        strtab = sh(sh(i)[6])[4]
        for k in range(sh(i)[5] // 24):
            name, info, other, shndx, value, size = struct.unpack_from('<IBBHQQ', d, sh(i)[4] + k * 24)
            n = strtab + name
            if d[n:d.index(b'\0', n)] == b'rr_uleb':
                target = (shndx, value)
done = 0
for i in range(shnum):
    s = sh(i)
    if s[1] != 4 or s[7] != target[0]:	# SHT_RELA of rr_uleb's section
        continue
    for k in range(s[5] // 24):
        off, info = struct.unpack_from('<QQ', d, s[4] + k * 24)
        if off == target[1] and (info & 0xffffffff) in (54, 37):
            new = 60 if (info & 0xffffffff) == 54 else 61
            struct.pack_into('<Q', d, s[4] + k * 24 + 8, (info & ~0xffffffff) | new)
            done += 1
if done != 2:
    sys.exit('rr_uleb: %d relocations retyped, not 2' % done)
open(sys.argv[2], 'wb').write(d)
