#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Replays WinSCP's SCP mode against any command that reads a shell channel on stdin/stdout.

WinSCP (SCP protocol, no pty) sends fixed command lines framed by echo markers and drives scp's
acknowledgement protocol on the same stream. This client sends exactly those lines, in WinSCP's order:
startup (end-of-file echo, return-variable detection, printenv LANG, unalias/unset, pwd, groups, listing),
then a working session in a fresh directory: mkdir, cd, upload with -p (T, C, D and E records), stat via
ls -la -d, download (file and directory), chmod (octal and symbolic), mv, ln -s, rm -f -r, cd home.
It checks every status, that files arrive intact with their modes and times, and can print a normalized
transcript (times and the home path masked) so runs against bash and against rssh can be compared.

    python3 winscp_replay.py -- bash --norc --noprofile
    python3 winscp_replay.py --transcript out.txt -- .build/debug/winscp-responder-probe
    python3 winscp_replay.py -- bash -c 'exec -a -rssh /usr/local/bin/rssh'
    python3 winscp_replay.py -- ssh -T alice@127.0.0.1

--restricted adds the refusals rssh must answer (uname, cp, chown, a second command, $(...)) and keeps
checking that the session survives them; do not use it against bash.
"""

import argparse
import os
import re
import select
import subprocess
import sys
import tempfile
import threading
import time

END = b"WinSCP: this is end-of-file:"
BEGIN = b"WinSCP: this is begin-of-file"
TIMEOUT = 30.0

# WinSCP's ClearAliases list (listing command first) and UnsetNationalVars list.
ALIASES = ["ls", "echo", "pwd", "cd", "ls", "groups", "scp", "rm", "mv", "mkdir", "chmod", "chgrp",
           "chown", "unset", "unalias", "ln", "cp", "printenv"]
NATIONAL = ["LANG", "LANGUAGE", "LC_CTYPE", "LC_COLLATE", "LC_MONETARY", "LC_NUMERIC", "LC_TIME",
            "LC_MESSAGES", "LC_ALL", "HUMAN_BLOCKS"]

FULL_TIME = re.compile(rb"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? [+-]\d{4}")
CLASSIC_TIME = re.compile(rb"[A-Z][a-z]{2} [ \d]\d (?:\d\d:\d\d|  ?\d{4})")
LS_LINE = re.compile(
    rb"^([-dlcbps?][-rwxsStT]{9}[+@.]?) +(\d+) +(\S+) +(\S+) +(\d+(?:, *\d+)?) +"
    rb"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? [+-]\d{4}|[A-Z][a-z]{2} [ \d]\d (?:\d\d:\d\d| \d{4})) (.*)$")


class ReplayError(Exception):
    """A step did not get the answer WinSCP needs."""


def delimit(name):
    """WinSCP's DelimitStr: backslash before $ \\ ` \" and ./ before a leading -."""
    out = re.sub(r'([$\\`"])', r"\\\1", name)
    return "./" + out if out.startswith("-") else out


class Session:
    """One shell channel: the child's stdin/stdout, stderr drained in the background."""

    def __init__(self, command, verbose=False):
        # sshd starts the login shell in the home directory; do the same for a local command.
        start = os.environ.get("HOME")
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, bufsize=0,
                                     cwd=start if start and os.path.isdir(start) else None)
        self.buffer = b""
        self.stderr = b""
        self.lock = threading.Lock()
        self.verbose = verbose
        self.return_var = "0"
        self.transcript = []
        self.masks = []
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _drain_stderr(self):
        while True:
            chunk = self.proc.stderr.read1(4096) if hasattr(self.proc.stderr, "read1") else \
                os.read(self.proc.stderr.fileno(), 4096)
            if not chunk:
                return
            with self.lock:
                self.stderr += chunk

    def take_stderr(self):
        time.sleep(0.05)
        with self.lock:
            text, self.stderr = self.stderr, b""
        return text

    def send(self, data):
        if self.verbose:
            sys.stderr.write(">> %r\n" % data)
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def _fill(self):
        ready, _, _ = select.select([self.proc.stdout], [], [], TIMEOUT)
        if not ready:
            raise ReplayError("timed out waiting for output (have %r)" % self.buffer[-200:])
        chunk = os.read(self.proc.stdout.fileno(), 65536)
        if not chunk:
            raise ReplayError("the session ended (stderr: %r)" % self.take_stderr())
        if self.verbose:
            sys.stderr.write("<< %r\n" % chunk)
        self.buffer += chunk

    def read_exact(self, count):
        while len(self.buffer) < count:
            self._fill()
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def read_line(self):
        while b"\n" not in self.buffer:
            self._fill()
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line

    def read_until_end(self):
        """Output lines up to WinSCP's end-of-file marker, and the status after it."""
        lines = []
        while True:
            line = self.read_line()
            at = line.find(END)
            if at >= 0 and re.fullmatch(rb"-?\d*", line[at + len(END):]):
                if at > 0:
                    lines.append(line[:at])
                value = line[at + len(END):]
                return lines, (int(value) if value else None)
            lines.append(line)

    def frame(self, command, interactive=False):
        prefix = 'echo "WinSCP: this is begin-of-file" ; ' if interactive else ""
        end = 'echo "WinSCP: this is end-of-file:%s"' % self.return_var
        return (prefix + (command + " ; " if command else "") + end + "\n").encode()

    def command(self, command, expect=0, note=None, ignored=False):
        """Sends one framed command; returns (stdout lines, status); checks the status.

        ignored: WinSCP ignores the status and stderr (unalias, unset), so the transcript does too.
        """
        self.send(self.frame(command))
        lines, status = self.read_until_end()
        errors = self.take_stderr()
        if ignored:
            self.record(command, lines, "<ignored>", b"", note)
        else:
            self.record(command, lines, status, errors, note)
        if expect is not None and status != expect:
            raise ReplayError("%s: status %r, expected %r (stderr: %r)" % (command, status, expect, errors))
        return lines, status

    def mask(self, text):
        for real, shown in self.masks:
            text = text.replace(real, shown)
        return text

    def record(self, command, lines, status, errors, note=None):
        self.transcript.append("$ " + self.mask(command))
        for line in lines:
            self.transcript.append("  " + self.mask(normalize(line, note)))
        if errors:
            self.transcript.append("  [stderr: %d line(s)]" % errors.count(b"\n"))
        self.transcript.append("  = %s" % status)

    def close(self):
        self.proc.stdin.close()
        try:
            return self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise ReplayError("the session did not end at end of input")


def normalize(line, note=None):
    """A listing line with its columns single-spaced and its time masked (the name kept as is)."""
    match = LS_LINE.match(line)
    if match:
        mode, links, owner, group, size, stamp, name = match.groups()
        if name in (b"..",):
            return ".. <parent>"
        size = re.sub(rb", *", b", ", size)
        shown = b"<time>"
        if note and stamp.startswith(note.encode()):
            shown = b"<preserved>"
        line = b" ".join([mode, links, owner, group, size, shown, name])
    if note == "lang":
        line = b"<LANG>"
    if note == "home" and line.startswith(b"total "):
        # Counts the blocks of .., the home's parent, which other users change.
        line = b"total <masked>"
    return line.decode("utf-8", "backslashreplace")


def ack(session, what):
    byte = session.read_exact(1)
    if byte != b"\0":
        rest = session.read_line()
        raise ReplayError("scp refused %s: %r" % (what, byte + rest))


def upload(session, target, items, preserve=True):
    """scp -r [-p] -d -t: items are (kind, name, mode, data or children, mtime)."""
    options = "-p" if preserve else ""
    command = "scp -r %s -d -t \"%s\"" % (options, delimit(target))
    session.send(session.frame(command, interactive=True))
    first = session.read_line()
    if first != BEGIN:
        raise ReplayError("expected the begin-of-file line, got %r" % first)
    events = []
    ack(session, "the start")

    def send_items(entries):
        for kind, name, mode, payload, mtime in entries:
            if preserve:
                session.send(b"T%d 0 %d 0\n" % (mtime, mtime))
                ack(session, "T for " + name)
            if kind == "file":
                session.send(b"C%04o %d %s\n" % (mode, len(payload), name.encode()))
                ack(session, "C for " + name)
                session.send(payload + b"\0")
                ack(session, "data of " + name)
                events.append("  upload file %r %04o %d bytes: acknowledged" % (name, mode, len(payload)))
            else:
                session.send(b"D%04o 0 %s\n" % (mode, name.encode()))
                ack(session, "D for " + name)
                events.append("  upload directory %r %04o: acknowledged" % (name, mode))
                send_items(payload)
                session.send(b"E\n")
                ack(session, "E for " + name)

    send_items(items)
    session.send(b"E\n")
    ack(session, "the final E")
    lines, status = session.read_until_end()
    errors = session.take_stderr()
    session.transcript.append("$ " + session.mask(command))
    session.transcript.extend(events)
    session.record_tail(lines, status, errors)
    if status != 0:
        raise ReplayError("%s: status %r (stderr %r)" % (command, status, errors))


def download(session, source, preserve=True):
    """scp -r [-p] -d -f: returns {relative path: (mode, data, mtime)} for files, directories as None."""
    options = "-p" if preserve else ""
    command = "scp -r %s -d -f \"%s\"" % (options, delimit(source))
    session.send(session.frame(command, interactive=True))
    first = session.read_line()
    if first != BEGIN:
        raise ReplayError("expected the begin-of-file line, got %r" % first)
    session.send(b"\0")
    received = {}
    events = []
    stack = []
    mtime = None
    while True:
        line = session.read_line()
        at = line.find(END)
        if at >= 0 and re.fullmatch(rb"-?\d*", line[at + len(END):]):
            value = line[at + len(END):]
            status = int(value) if value else None
            break
        kind = line[:1]
        if kind == b"T":
            mtime = int(line[1:].split()[0])
            session.send(b"\0")
        elif kind == b"C":
            mode, size, name = line[1:].split(b" ", 2)
            session.send(b"\0")
            data = session.read_exact(int(size))
            if session.read_exact(1) != b"\0":
                raise ReplayError("no status byte after the data of %r" % name)
            session.send(b"\0")
            path = "/".join(stack + [name.decode()])
            received[path] = (int(mode, 8), data, mtime)
            events.append("  download file %r %s %d bytes" % (path, mode.decode(), len(data)))
            mtime = None
        elif kind == b"D":
            mode, _, name = line[1:].split(b" ", 2)
            stack.append(name.decode())
            received["/".join(stack)] = None
            events.append("  download directory %r %s" % ("/".join(stack), mode.decode()))
            session.send(b"\0")
            mtime = None
        elif kind == b"E":
            stack.pop()
            session.send(b"\0")
        elif kind in (b"\x01", b"\x02"):
            raise ReplayError("scp error: %r" % line)
        else:
            raise ReplayError("unexpected scp record %r" % line)
    errors = session.take_stderr()
    session.transcript.append("$ " + session.mask(command))
    session.transcript.extend(events)
    session.record_tail([], status, errors)
    if status != 0:
        raise ReplayError("%s: status %r (stderr %r)" % (command, status, errors))
    return received


def record_tail(self, lines, status, errors):
    for line in lines:
        self.transcript.append("  " + self.mask(normalize(line)))
    if errors:
        self.transcript.append("  [stderr: %d line(s)]" % errors.count(b"\n"))
    self.transcript.append("  = %s" % status)


Session.record_tail = record_tail


def listing_names(lines):
    names = {}
    for line in lines:
        match = LS_LINE.match(line)
        if match:
            names[match.group(7).decode("utf-8", "backslashreplace")] = match
    return names


def startup(session):
    """WinSCP's TSCPFileSystem::DoStartup, then the first directory read."""
    session.command("", expect=None)
    session.return_var = "0"
    lines, _ = session.command('echo "$status"', expect=None)
    if len(lines) == 1 and re.fullmatch(rb"\d+", lines[0]) and int(lines[0]) <= 255:
        session.return_var = "$status"
    else:
        lines, _ = session.command('echo "$?"', expect=None)
        if not (len(lines) == 1 and re.fullmatch(rb"\d+", lines[0])):
            raise ReplayError("no return-code variable works: %r" % lines)
        session.return_var = "$?"
    session.command("printenv LANG", expect=None, note="lang")
    for alias in ALIASES:
        session.command('unalias "%s"' % alias, expect=None, ignored=True)
    for variable in NATIONAL:
        session.command('unset "%s"' % variable, expect=None, ignored=True)
    lines, _ = session.command("pwd")
    if len(lines) != 1 or not lines[0].startswith(b"/"):
        raise ReplayError("pwd did not print an absolute path: %r" % lines)
    home = lines[0].decode()
    session.masks.append((home, "<HOME>"))
    session.transcript[-2] = "  <HOME>"
    lines, _ = session.command("groups", expect=None)
    if not lines:
        raise ReplayError("groups printed nothing")
    lines, _ = session.command("ls -la --full-time", note="home")
    names = listing_names(lines)
    if "." not in names or ".." not in names:
        raise ReplayError("the home listing lacks . or ..: %r" % lines)
    return home


def session_steps(session, home, base, restricted):
    work = base + "/winscp replay"
    session.masks.insert(0, (base, "<BASE>"))
    session.command('rm -f -r "%s"' % delimit(work))
    session.command('mkdir "%s"' % delimit(work))
    session.command('cd "%s"' % delimit(work))
    lines, _ = session.command("pwd")
    if lines != [work.encode()]:
        raise ReplayError("pwd after cd: %r, expected %r" % (lines, work))
    session.command("ls -la --full-time")

    mtime = 1700000000  # 2023-11-14 22:13:20 UTC
    files = {
        "a file.txt": (0o644, b"hello, WinSCP\n"),
        " leading space.txt": (0o600, b"leading\n"),
        "-dash.txt": (0o640, b"dash\n"),
        'we$ird "name` \\.txt': (0o644, bytes(range(256)) * 40),
        "empty": (0o644, b""),
    }
    sub = {"inner.bin": (0o755, os.urandom(70000))}
    items = [("file", name, mode, data, mtime) for name, (mode, data) in files.items()]
    items.append(("dir", "sub dir", 0o755, [("file", n, m, d, mtime) for n, (m, d) in sub.items()], mtime))
    upload(session, work, items)

    lines, _ = session.command("ls -la --full-time", note="2023-11-14 22:13:20")
    names = listing_names(lines)
    for name, (mode, data) in files.items():
        if name not in names:
            raise ReplayError("uploaded %r is not listed: %r" % (name, lines))
        match = names[name]
        if int(match.group(5)) != len(data):
            raise ReplayError("%r has size %s, expected %d" % (name, match.group(5), len(data)))
        if not match.group(6).startswith(b"2023-11-14 22:13:20"):
            raise ReplayError("%r lost its time: %r" % (name, match.group(6)))
    lines, _ = session.command('ls -la -d --full-time "%s"' % delimit(work + "/a file.txt"),
                               note="2023-11-14 22:13:20")
    if len(lines) != 1 or not lines[0].startswith(b"-rw-r--r--"):
        raise ReplayError("stat of a file.txt: %r" % lines)
    session.command('ls -la --full-time "%s"' % delimit(work + "/sub dir"), note="2023-11-14 22:13:20")

    got = download(session, work + "/" + 'we$ird "name` \\.txt')
    [(path, (mode, data, when))] = got.items()
    if data != files['we$ird "name` \\.txt'][1] or mode != 0o644 or when != mtime:
        raise ReplayError("the download of the odd name differs (mode %o, time %r)" % (mode, when))
    got = download(session, work + "/sub dir")
    if got.get("sub dir/inner.bin", (0, b"", 0))[1] != sub["inner.bin"][1]:
        raise ReplayError("the directory download differs: %r" % sorted(got))

    # WinSCP's checksum batch (it opens a second shell session for it when SFTP has no check-file): the
    # output must be coreutils' own, its escaping of the backslash in the odd name included.
    batch = ["a file.txt", "-dash.txt", 'we$ird "name` \\.txt', "empty"]  # not inner.bin: random per run
    lines, _ = session.command("sha256sum " + " ".join('"%s"' % delimit(work + "/" + n) for n in batch))
    if len(lines) != len(batch) or not lines[2].startswith(b"\\"):
        raise ReplayError("the checksum batch: %r" % lines)
    session.command('md5sum "%s"' % delimit(work + "/a file.txt"))
    session.command('sha512sum "%s"' % delimit(work + "/no such file"), expect=1)

    session.command('chmod 0600 "%s"' % delimit(work + "/a file.txt"))
    session.command('chmod -R u+x,g-w,o-rwx "%s"' % delimit(work + "/sub dir"))
    lines, _ = session.command('ls -la -d "%s"' % delimit(work + "/a file.txt"))
    if not lines or not lines[0].startswith(b"-rw------- "):
        raise ReplayError("chmod 0600 did not take: %r" % lines)
    lines, _ = session.command('ls -la "%s"' % delimit(work + "/sub dir"))
    inner = listing_names(lines).get("inner.bin")
    if inner is None or inner.group(1) != b"-rwxr-x---":
        raise ReplayError("chmod -R did not take: %r" % lines)

    session.command('mv -f "%s" "%s"' % (delimit(work + "/a file.txt"), delimit(work + "/renamed file.txt")))
    session.command('ln -s "%s" "%s"' % (delimit("renamed file.txt"), delimit(work + "/link to it")))
    session.command('mkdir "%s"' % delimit(work + "/-new dir"))
    lines, _ = session.command("ls -la")
    names = listing_names(lines)
    link = names.get("link to it -> renamed file.txt")
    if link is None or not link.group(1).startswith(b"l"):
        raise ReplayError("the symbolic link is not listed: %r" % lines)
    if "a file.txt" in names or "renamed file.txt" not in names or "-new dir" not in names:
        raise ReplayError("mv or mkdir did not take: %r" % lines)
    # Failures WinSCP shows as errors and survives.
    session.command('mkdir "%s"' % delimit(work + "/-new dir"), expect=1)
    session.command('cd "%s"' % delimit(work + "/no such dir"), expect=1)
    session.command('ls -la --full-time "%s"' % delimit(work + "/no such file"), expect=2)

    if restricted:
        for line in ['uname -a', 'cp -p -r -f -T "a" "b"', 'chown  "root" "renamed file.txt"',
                     'chgrp  "root" "renamed file.txt"', 'md5 "renamed file.txt"', 'ls -la ; id',
                     'echo $(id)', 'ls -la "`id`"', 'ls -la *', 'scp -r -p -1 -d -t "."',
                     'scp -S /tmp/x -t "."', 'bash -i']:
            session.command(line, expect=127)
        session.command("pwd")

    session.command('rm -f -r "%s"' % delimit(work))
    session.command('ls -la -d "%s"' % delimit(work), expect=2)
    session.command("cd")
    lines, _ = session.command("pwd")
    if lines != [home.encode()]:
        raise ReplayError("cd did not go home: %r" % lines)
    session.command("")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--transcript", help="write the normalized transcript to this file ('-' for stdout)")
    parser.add_argument("--base", help="remote directory to work in (default: the home directory); "
                        "'winscp replay' is created in it and removed again")
    parser.add_argument("--restricted", action="store_true", help="also check rssh's refusals (127)")
    parser.add_argument("--verbose", action="store_true", help="show the raw bytes on stderr")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    command = options.command[1:] if options.command[:1] == ["--"] else options.command
    if not command:
        parser.error("give the command to talk to after --")
    session = Session(command, verbose=options.verbose)
    try:
        home = startup(session)
        session_steps(session, home, options.base or home, options.restricted)
        status = session.close()
        session.transcript.append("exit %d" % status)
    except ReplayError as error:
        sys.stderr.write("winscp_replay: FAILED: %s\n" % error)
        session.proc.kill()
        if options.transcript:
            write_transcript(session, options.transcript)
        return 1
    if options.transcript:
        write_transcript(session, options.transcript)
    sys.stderr.write("winscp_replay: OK (%d commands)\n" % sum(1 for l in session.transcript if l.startswith("$")))
    return 0


def write_transcript(session, target):
    text = "\n".join(session.transcript) + "\n"
    if target == "-":
        sys.stdout.write(text)
    else:
        with open(target, "w") as handle:
            handle.write(text)


if __name__ == "__main__":
    sys.exit(main())
