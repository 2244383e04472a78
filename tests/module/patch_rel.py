# SPDX-License-Identifier: MIT
# patch_rel.py IN OUT TYPE: the first relocation of IN's first .rela.text*
# section gets type TYPE (a relocation the loader must refuse).
import struct, sys

d = bytearray(open(sys.argv[1], 'rb').read())
shoff, = struct.unpack_from('<Q', d, 0x28)
shnum, shstr = struct.unpack_from('<HH', d, 0x3c)
def sh(i): return struct.unpack_from('<IIQQQQIIQQ', d, shoff + i * 64)
stroff = sh(shstr)[4]
def name(i):
    n = stroff + sh(i)[0]
    return d[n:d.index(b'\0', n)].decode()
for i in range(shnum):
    if name(i).startswith('.rela.text') or name(i).startswith('.rela.init.text'):
        off = sh(i)[4]
        info, = struct.unpack_from('<Q', d, off + 8)
        struct.pack_into('<Q', d, off + 8, (info & ~0xffffffff) | int(sys.argv[3]))
        break
else:
    sys.exit('no .rela.text section')
open(sys.argv[2], 'wb').write(d)
