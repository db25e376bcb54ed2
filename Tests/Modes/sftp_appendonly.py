#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Why rssh refuses sftp to an appendonly user: the real OpenSSH sftp-server, speaking SFTP v3 on pipes.

sftp-server runs with the narrowest request allow-list an append-only account could use (-p: open, close,
read, write, the stat and directory-reading requests, mkdir, realpath, fsync, limits; no remove, rmdir,
rename, posix-rename, setstat, fsetstat, lsetstat, symlink, hardlink, copy-data). Then a client asks for
what the mode forbids. The claims this test holds (each one line, "ok" when the server behaved as stated):

- OPEN of an existing file with WRITE and no TRUNC succeeds, and a WRITE at offset 0 overwrites its bytes;
- OPEN of an existing file with WRITE|CREAT|TRUNC truncates it;
- OPEN with CREAT|EXCL refuses an existing name, but that is the client's choice, not the server's;
- the request list refuses REMOVE and RENAME (so the list does what it can).

If the first two ever fail (an sftp-server that can refuse them), rssh's refusal of sftp in appendonly mode
should be revisited: the test exits 1. Usage: sftp_appendonly.py [SFTP-SERVER]
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

ALLOWED = ('open,close,read,write,lstat,fstat,opendir,readdir,mkdir,realpath,stat,readlink,statvfs,fstatvfs,'
           'fsync,limits,expand-path,home-directory,users-groups-by-id')
READ, WRITE, CREAT, TRUNC, EXCL = 0x01, 0x02, 0x08, 0x10, 0x20


class Server:
    def __init__(self, program, root):
        self.process = subprocess.Popen([program, '-e', '-l', 'QUIET', '-p', ALLOWED, '-d', root],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.next_id = 0
        self.send(1, struct.pack('>I', 3), with_id=False)
        kind, _ = self.receive()
        assert kind == 2, 'no VERSION from sftp-server'

    def send(self, kind, payload, with_id=True):
        if with_id:
            self.next_id += 1
            payload = struct.pack('>I', self.next_id) + payload
        self.process.stdin.write(struct.pack('>IB', len(payload) + 1, kind) + payload)
        self.process.stdin.flush()

    def receive(self):
        length, kind = struct.unpack('>IB', self.process.stdout.read(5))
        return kind, self.process.stdout.read(length - 1)

    def request(self, kind, payload):
        self.send(kind, payload)
        answer, body = self.receive()
        if answer == 101:  # STATUS: id, code
            return 'status', struct.unpack('>I', body[4:8])[0]
        if answer == 102:  # HANDLE: id, string
            (size,) = struct.unpack('>I', body[4:8])
            return 'handle', body[8:8 + size]
        return 'other', answer

    def open(self, name, flags):
        return self.request(3, string(name) + struct.pack('>II', flags, 0))

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)


def string(value):
    data = value if isinstance(value, bytes) else value.encode()
    return struct.pack('>I', len(data)) + data


def main():
    program = sys.argv[1] if len(sys.argv) > 1 else '/usr/lib/openssh/sftp-server'
    root = tempfile.mkdtemp(prefix='sftp-appendonly-')
    original = b'backup made yesterday\n' * 10
    results = []
    try:
        def reset():
            with open(os.path.join(root, 'old.bin'), 'wb') as handle:
                handle.write(original)

        def content():
            with open(os.path.join(root, 'old.bin'), 'rb') as handle:
                return handle.read()

        reset()
        server = Server(program, root)
        kind, handle = server.open('old.bin', WRITE)
        if kind == 'handle':
            server.request(6, string(handle) + struct.pack('>Q', 0) + string(b'OVERWRITTEN'))
            server.request(4, string(handle))
        results.append(('open WRITE (no TRUNC) of an existing file overwrites it', content() != original))
        reset()
        kind, handle = server.open('old.bin', WRITE | CREAT | TRUNC)
        if kind == 'handle':
            server.request(4, string(handle))
        results.append(('open WRITE|CREAT|TRUNC of an existing file truncates it', content() == b''))
        reset()
        kind, _ = server.open('old.bin', WRITE | CREAT | EXCL)
        results.append(('open CREAT|EXCL refuses an existing name (if the client asks)', kind == 'status'))
        kind, _ = server.request(13, string('old.bin'))
        results.append(('REMOVE is refused by the request list', kind == 'status'))
        kind, _ = server.request(18, string('old.bin') + string('moved.bin'))
        results.append(('RENAME is refused by the request list', kind == 'status'))
        server.close()
        results.append(('old.bin is still there', os.path.exists(os.path.join(root, 'old.bin'))))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    failed = 0
    for claim, holds in results:
        print('%s - %s' % ('ok' if holds else 'FAIL', claim))
        failed += 0 if holds else 1
    print('sftp appendonly analysis: %d claims hold, %d do not' % (len(results) - failed, failed))
    sys.exit(1 if failed else 0)


main()
