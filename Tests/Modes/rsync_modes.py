#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Property test of rssh's rsync access modes against the real rsync binary.

For seeded random client option sets (the stock client's options, and server options smuggled in with
-M, drawn from every long option in rsync's own table), the stock rsync client runs against the real rsync
server behind rssh's decision (the rsync-mode-gate program, an -e transport that vets the remote command
as rssh would and execs the argument vector rssh builds):

- readonly: whatever rssh accepts, no file in the served tree changes (type, mode, size, content, times).
- uploadonly: no byte of the planted marker reaches the client (its stdout, stderr, debug output or any
  file it writes), nothing but regular files and directories is created, and what existed is unchanged
  (a directory's own times and mode may follow the upload, as with any receiver).
- appendonly, and appendonly,landlock (the gate then confines the server rsync with the append-only
  Landlock ruleset, the served tree as its home): downloads and uploads both run, uploads go over names
  that exist (report.txt, a.txt), and every path that existed is still there, unchanged (a directory's
  own times and mode may follow the upload).
- then the append-only Landlock ruleset alone, with rssh's decision skipped: deleting, moving-source,
  replacing and backup transfers remove or rename nothing; an in-place overwrite (kept out by the
  allow-list, not by the kernel) goes through.

Usage: rsync_modes.py GATE [CASES] [SEED]. Prints one line per failure and ends with
"rsync modes: N passed, N failed"; exits 1 on a failure or when too few cases were accepted to mean anything.
"""
import hashlib
import os
import random
import shutil
import stat
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MODES = ('readonly', 'uploadonly', 'appendonly', 'appendonly,landlock')
MARKER = b'MARKER-7f3a9c1e-never-leaves-the-drop-box'

CLIENT_OPTIONS = [
    '-r', '-t', '-p', '-v', '-vv', '-vvvv', '-z', '-c', '-y', '-l', '-D', '-H', '-a', '-u', '-n', '-i', '-I',
    '-W', '--no-W', '-S', '-R', '-d', '-m', '-O', '-J', '-E', '-b', '--suffix=.bak', '--backup-dir=bk',
    '--partial', '--partial-dir=.p', '--inplace', '--append', '--append-verify', '--delete', '--delete-after',
    '--remove-source-files', '--existing', '--ignore-existing', '--size-only', '--max-size=1M', '--stats',
    '--mkpath', '--fsync', '--preallocate', '--numeric-ids', '--checksum-choice=md5', '--compress-level=3',
    '--info=skip2', '--debug=deltasum3', '--debug=fuzzy2', '-B1', '--compare-dest=../inbox',
    '--copy-dest=../inbox', '--link-dest=../inbox', '--delay-updates', '--temp-dir=/tmp', '--progress',
    '--specials', '--safe-links', '--copy-unsafe-links', '--ignore-errors', '--timeout=30',
]


def rsync_table():
    out = subprocess.run([sys.executable, os.path.join(HERE, '..', 'Tables', 'rsync_options.py'), '/usr/bin/rsync'],
                         check=True, capture_output=True, text=True).stdout
    return [line.split('\t') for line in out.splitlines()]


def smuggled_options(table):
    """-M options: every long option of rsync's table, with a value where it takes one."""
    result = []
    for name, _short, arginfo in table:
        if not name or name in ('server', 'daemon', 'config', 'rsh', 'rsync-path', 'remote-option'):
            continue
        kind = int(arginfo) & 0xffff
        if kind == 0 or kind == 7:  # POPT_ARG_NONE, POPT_ARG_VAL
            result.append('-M--' + name)
        elif kind in (2, 3):  # int, long
            result.append('-M--%s=1' % name)
        else:
            for value in ('../inbox', '/etc', 'DELTASUM3', '%i'):
                result.append('-M--%s=%s' % (name, value))
    return result + ['-M-B1', '-M-y', '-M-vvvv', '-M-l', '-M-D', '-M-c', '-M-K', '-M-b']


def snapshot(root):
    """Everything about a tree that a write, delete, rename or attribute change would alter."""
    state = {}
    for directory, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(directory, name)
            info = os.lstat(path)
            entry = (stat.S_IFMT(info.st_mode), stat.S_IMODE(info.st_mode), info.st_size, info.st_mtime_ns)
            if stat.S_ISREG(info.st_mode):
                with open(path, 'rb') as handle:
                    entry += (hashlib.sha256(handle.read()).hexdigest(),)
            elif stat.S_ISLNK(info.st_mode):
                entry += (os.readlink(path),)
            state[os.path.relpath(path, root)] = entry
    return state


def build(work):
    server = os.path.join(work, 'server')
    for sub in ('pub/sub', 'inbox', 'drop'):
        os.makedirs(os.path.join(server, sub))
    with open(os.path.join(server, 'pub', 'a.txt'), 'wb') as handle:
        handle.write(b'public data\n' * 100)
    with open(os.path.join(server, 'pub', 'sub', 'b.bin'), 'wb') as handle:
        handle.write(os.urandom(70000))
    for name in ('inbox/report.txt', 'drop/report.txt'):
        with open(os.path.join(server, name), 'wb') as handle:
            handle.write(MARKER + b'\n' + MARKER)
    os.symlink('a.txt', os.path.join(server, 'pub', 'link'))
    client = os.path.join(work, 'client')
    os.makedirs(os.path.join(client, 'sub'))
    with open(os.path.join(client, 'report.txt'), 'wb') as handle:
        handle.write(b'x' * 67)
    with open(os.path.join(client, 'a.txt'), 'wb') as handle:
        handle.write(b'would overwrite pub/a.txt\n')
    with open(os.path.join(client, 'new.txt'), 'wb') as handle:
        handle.write(b'a new upload\n')
    with open(os.path.join(client, 'sub', 'deep.txt'), 'wb') as handle:
        handle.write(b'deep\n')
    os.symlink('/etc/passwd', os.path.join(client, 'planted-link'))
    os.mkfifo(os.path.join(client, 'planted-fifo'))
    return server, client


def kernel_backing(gate):
    """The append-only Landlock ruleset alone, under rsync commands rssh would refuse (the gate runs them
    unvetted): nothing that existed is removed or renamed. An in-place overwrite still goes through: that
    gap is the allow-list's to close (rssh.conf(5)), and the last case shows it is real."""
    cases = [
        (['-r', '--delete'], 'EMPTY/', 'host:pub/', 'kept'),
        (['-r', '--delete', '--force'], 'EMPTY/', 'host:.', 'kept'),
        (['--remove-source-files'], 'host:pub/a.txt', 'OUT/', 'kept'),
        (['-r', '-I'], 'CLIENT/', 'host:inbox/', 'kept'),
        (['-r', '-I', '-b', '--backup-dir=bk'], 'CLIENT/', 'host:pub/', 'kept'),
        (['-r', '-I', '--inplace'], 'CLIENT/', 'host:inbox/', 'overwritten'),
    ]
    failures = []
    for options, src, dst, expected in cases:
        work = tempfile.mkdtemp(prefix='rsync-kernel-')
        try:
            server, client = build(work)
            os.makedirs(os.path.join(work, 'empty'))
            os.makedirs(os.path.join(work, 'out'))
            places = {'EMPTY/': os.path.join(work, 'empty') + '/', 'CLIENT/': client + '/',
                      'OUT/': os.path.join(work, 'out') + '/'}
            before = snapshot(server)
            command = ['rsync'] + options + ['-e', '%s appendonly,landlock' % gate, places.get(src, src),
                                             places.get(dst, dst)]
            subprocess.run(command, cwd=server, capture_output=True, timeout=60,
                           env=dict(os.environ, RSYNC_GATE_HOME=server, RSYNC_GATE_UNVETTED='1'))
            after = snapshot(server)
            gone = sorted(set(before) - set(after))
            changed = sorted(p for p in before if p in after and after[p] != before[p]
                             and not stat.S_ISDIR(before[p][0]))
            outcome = 'overwritten' if changed and not gone else 'kept' if not gone and not changed else 'removed'
            line = 'kernel: %s -> %s (removed %s, changed %s)' % (' '.join(options), outcome, gone[:3], changed[:3])
            print(('ok - ' if outcome == expected else 'FAIL - ') + line)
            if outcome != expected:
                failures.append(line)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return failures


def main():
    gate = os.path.abspath(sys.argv[1])
    cases = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 20261206)
    smuggled = smuggled_options(rsync_table())
    passed = failed = accepted = 0
    per_mode, uploaded = {}, {}
    failures = []
    work = tempfile.mkdtemp(prefix='rsync-modes-')
    try:
        server, client = build(work)
        before = snapshot(server)
        for case in range(cases):
            mode = MODES[case % len(MODES)]
            options = rng.sample(CLIENT_OPTIONS, rng.randint(0, 4)) + rng.sample(smuggled, rng.randint(0, 2))
            out = os.path.join(work, 'out-%d' % case)
            os.makedirs(out)
            transport = '%s %s' % (gate, mode)
            if case < 2 * len(MODES):  # the plain transfer each mode is for, first over a name that exists
                options = ['-rt']
                if mode == 'readonly':
                    src, dst = 'host:pub/', out + '/'
                else:
                    src, dst = client + '/', 'host:' + ('inbox/' if case < len(MODES) else 'drop/new/')
            elif mode.startswith('appendonly'):  # both directions; every upload meets names that exist
                if rng.random() < 0.5:
                    src, dst = 'host:%s' % rng.choice(['pub/', 'pub/a.txt', 'inbox/']), out + '/'
                else:
                    src, dst = client + '/', 'host:%s' % rng.choice(['drop/', 'inbox/', 'pub/', 'drop/new/'])
            elif rng.random() < 0.8:  # the direction the mode allows
                if mode == 'readonly':
                    src, dst = 'host:%s' % rng.choice(['pub/', 'pub/a.txt', 'pub', 'inbox/']), out + '/'
                else:
                    src, dst = client + '/', 'host:%s' % rng.choice(['drop/', 'inbox/', 'drop/new/'])
            elif mode == 'readonly':
                src, dst = client + '/', 'host:pub/'
            else:
                src, dst = 'host:%s' % rng.choice(['inbox/', 'inbox/report.txt', 'drop/']), out + '/'
            command = ['rsync'] + options + ['-e', transport, src, dst]
            run = subprocess.run(command, cwd=server, capture_output=True, timeout=60,
                                 env=dict(os.environ, RSYNC_GATE_HOME=server))
            if run.returncode == 0:
                accepted += 1
                per_mode[mode] = per_mode.get(mode, 0) + 1
                if dst.startswith('host:') and any(p.endswith('new.txt') for p in snapshot(server)):
                    uploaded[mode] = uploaded.get(mode, 0) + 1
            problems = []
            after = snapshot(server)
            if mode == 'readonly' and after != before:
                changed = sorted(set(after.items()) ^ set(before.items()))
                problems.append('the served tree changed: %s' % changed[:4])
            if mode.startswith('appendonly'):
                for path, entry in before.items():
                    if path not in after:
                        problems.append('%s was removed or renamed' % path)
                    elif after[path] != entry and not (stat.S_ISDIR(entry[0]) and after[path][0] == entry[0]):
                        problems.append('%s changed' % path)
            if mode == 'uploadonly':
                leaked = MARKER in run.stdout or MARKER in run.stderr
                for directory, _dirs, files in os.walk(out):
                    for name in files:
                        with open(os.path.join(directory, name), 'rb') as handle:
                            leaked = leaked or MARKER in handle.read()
                if leaked:
                    problems.append('the marker reached the client')
                for path, entry in after.items():
                    if path in before:
                        # A directory's times and mode may follow the upload's; its entries may not change.
                        if entry != before[path] and not (stat.S_ISDIR(entry[0]) and entry[0] == before[path][0]):
                            problems.append('%s changed' % path)
                    elif not (stat.S_ISREG(entry[0]) or stat.S_ISDIR(entry[0])):
                        problems.append('%s was created and is not a file or directory' % path)
            if problems:
                failed += 1
                failures.append('case %d (%s): %s: %s' % (case, mode, ' '.join(command[1:]), '; '.join(problems)))
            else:
                passed += 1
            # Undo what an accepted upload created, so every case starts from the same tree.
            for path in sorted(set(after) - set(before), key=len, reverse=True):
                full = os.path.join(server, path)
                if os.path.isdir(full) and not os.path.islink(full):
                    shutil.rmtree(full, ignore_errors=True)
                elif os.path.lexists(full):
                    os.unlink(full)
            shutil.rmtree(out)
            before = snapshot(server)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for line in failures:
        print('FAIL - ' + line)
    kernel = kernel_backing(gate)
    failed += len(kernel)
    print('rsync modes: %d cases, %d accepted by rssh and completed by rsync' % (cases, accepted))
    if accepted < cases // 10:
        print('FAIL - too few accepted cases to mean anything')
        failed += 1
    for mode in MODES:
        print('rsync modes: %s: %d accepted, %d uploads that created new.txt'
              % (mode, per_mode.get(mode, 0), uploaded.get(mode, 0)))
        if per_mode.get(mode, 0) < cases // len(MODES) // 10:
            print('FAIL - too few accepted %s cases to mean anything' % mode)
            failed += 1
        if mode != 'readonly' and not uploaded.get(mode):
            print('FAIL - no %s upload created a new file' % mode)
            failed += 1
    print('rsync modes: %d passed, %d failed' % (passed, failed))
    sys.exit(1 if failed else 0)


main()
