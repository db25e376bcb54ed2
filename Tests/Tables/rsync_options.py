#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Prints rsync's own popt option table (long_options[]), read from the rsync binary (x86-64 PIE ELF).

One line per entry: LONG<TAB>SHORT<TAB>ARGINFO (either name may be empty). Pointers in a PIE binary are
R_X86_64_RELATIVE relocations, so the table is found as the run of 48-byte poptOption records around the
one named "server", walked backwards and forwards until a record is not an option.
"""
import struct
import sys

RECORD = 48
NAME_BYTES = set(b'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-')


def sections(data):
    shoff, = struct.unpack_from('<Q', data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 0x3a)
    raw = [struct.unpack_from('<IIQQQQIIQQ', data, shoff + i * shentsize) for i in range(shnum)]
    names = raw[shstrndx][4]
    result = {}
    for r in raw:
        start = names + r[0]
        result[data[start:data.index(b'\0', start)].decode()] = r
    return result


def main(path):
    data = open(path, 'rb').read()
    if data[:4] != b'\x7fELF' or data[4] != 2 or data[5] != 1:
        sys.exit('%s: not a 64-bit little-endian ELF file' % path)
    secs = sections(data)
    relocs = {}
    rela = secs['.rela.dyn']
    for i in range(rela[5] // 24):
        off, info, addend = struct.unpack_from('<QQq', data, rela[4] + i * 24)
        if info & 0xffffffff == 8:  # R_X86_64_RELATIVE
            relocs[off] = addend
    rodata = secs['.rodata']

    def cstring(addr):
        if not rodata[3] <= addr < rodata[3] + rodata[5]:
            return None
        start = rodata[4] + addr - rodata[3]
        return data[start:data.index(b'\0', start)]

    def record(section, addr):
        """(long, short, arginfo) when the record at addr is an option, else None."""
        base, size, fileoff = section[3], section[5], section[4]
        if not base <= addr <= base + size - RECORD:
            return None
        at = fileoff + addr - base
        short = data[at + 8]
        arginfo, = struct.unpack_from('<i', data, at + 12)
        name = cstring(relocs[addr]) if addr in relocs else None
        if name is not None and not (name and set(name) <= NAME_BYTES):
            return None
        if name is None and (data[at:at + 8] != bytes(8) or short == 0):
            return None
        if short and not 0x21 <= short < 0x7f:
            return None
        return ((name or b'').decode(), chr(short) if short else '', arginfo)

    for section_name in ('.data', '.data.rel.ro'):
        section = secs.get(section_name)
        if not section:
            continue
        for addr in range(section[3], section[3] + section[5], 8):
            if addr in relocs and cstring(relocs[addr]) == b'server' and record(section, addr):
                start = addr
                while record(section, start - RECORD):
                    start -= RECORD
                end = addr
                while record(section, end + RECORD):
                    end += RECORD
                for at in range(start, end + RECORD, RECORD):
                    print('%s\t%s\t%d' % record(section, at))
                return
    sys.exit('%s: rsync option table not found' % path)


main(sys.argv[1] if len(sys.argv) > 1 else '/usr/bin/rsync')
