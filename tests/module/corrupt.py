# SPDX-License-Identifier: MIT
# corrupt.py IN OUTDIR: damaged copies of a .ko, each one the loader must
# refuse (or load) without crashing: truncations, and section-table and
# symbol-table fields set to out-of-range values.
import os, struct, sys

src, out = sys.argv[1], sys.argv[2]
d = open(src, 'rb').read()
os.makedirs(out, exist_ok=True)
n = 0
def emit(name, data):
    global n
    open(os.path.join(out, '%03d-%s.ko' % (n, name)), 'wb').write(data)
    n += 1
shoff, = struct.unpack_from('<Q', d, 0x28)
shnum, shstr = struct.unpack_from('<HH', d, 0x3c)
for cut in [0, 16, 63, 64, shoff, shoff + 64, len(d) - 64, len(d) - 1] + list(range(100, len(d), len(d) // 23)):
    emit('trunc%d' % cut, d[:cut])
def sh_field(i, off, fmt, val, tag):
    b = bytearray(d)
    struct.pack_into(fmt, b, shoff + i * 64 + off, val)
    emit('sh%d-%s' % (i, tag), bytes(b))
for i in range(1, shnum):
    sh_field(i, 0x18, '<Q', 0x7fffffffffff, 'offset')      # sh_offset
    sh_field(i, 0x20, '<Q', 0x7fffffffffff, 'size')        # sh_size
    sh_field(i, 0x28, '<I', 0xffff, 'link')                # sh_link
    sh_field(i, 0x2c, '<I', 0xffff, 'info')                # sh_info
    sh_field(i, 0x30, '<Q', 1 << 20, 'align')              # sh_addralign
    sh_field(i, 0x00, '<I', 0xffffff, 'name')              # sh_name
for tag, off, fmt, val in [('shnum', 0x3c, '<H', 0xffff), ('shstrndx', 0x3e, '<H', 0xfff0),
                           ('machine', 0x12, '<H', 183), ('type', 0x10, '<H', 2)]:
    b = bytearray(d); struct.pack_into(fmt, b, off, val); emit(tag, bytes(b))
# symbols: every symbol's section index and name out of range
for i in range(1, shnum):
    t, = struct.unpack_from('<I', d, shoff + i * 64 + 4)
    if t == 2:
        so, ss = struct.unpack_from('<QQ', d, shoff + i * 64 + 0x18)
        for tag, off, fmt, val in [('shndx', 6, '<H', 0xfeee), ('stname', 0, '<I', 0xfffffff)]:
            b = bytearray(d)
            for k in range(1, ss // 24):
                struct.pack_into(fmt, b, so + k * 24 + off, val)
            emit('sym-' + tag, bytes(b))
