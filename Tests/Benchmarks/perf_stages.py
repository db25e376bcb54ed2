#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Where each process of a chain spends its time, from `perf script -F comm,ip,sym,dso` on stdin.

`make profile` samples whole-system (perf record -a -g, cpu-clock) while a chain runs CHAINS times. Each sample
is put in one class by its stack: a page fault (asm_exc_page_fault anywhere in it), the kernel (a kernel
leaf), or the image its leaf is in (the process's own image, ld.so, libc, another). Prints, for each process
name of the chain, the sampled microseconds per chain in each class: sampling inflates them, alike for the
chains it compares.

usage: perf script ... | perf_stages.py CHAINS MICROSECONDS_PER_SAMPLE
"""
import collections
import os
import re
import sys

COMMS = ("rssh", "rssh_chroot_hel", "sftp-server")
OWN = {"rssh": "rssh", "rssh_chroot_hel": "rssh_chroot_helper", "sftp-server": "sftp-server"}
FRAME = re.compile(r"^\s*[0-9a-f]+ (.*) \((.*)\)$")


def classify(comm, frames):
    if any(symbol.startswith("asm_exc_page_fault") for symbol, _ in frames):
        return "faults"
    dso = frames[0][1]
    if dso.startswith("[kernel"):
        return "kernel"
    name = os.path.basename(dso)
    if name == OWN[comm]:
        return "own image"
    if name.startswith("ld-linux"):
        return "ld.so"
    if name.startswith("libc.so"):
        return "libc"
    return "other"


def main():
    chains, per_sample = int(sys.argv[1]), float(sys.argv[2])
    counts = collections.defaultdict(collections.Counter)
    comm, frames = None, []

    def flush():
        if comm in COMMS and frames:
            counts[comm][classify(comm, frames)] += 1

    for line in sys.stdin:
        if not line.strip():
            flush()
            comm, frames = None, []
        elif not line[0].isspace():
            comm, frames = line.split()[0], []
        else:
            match = FRAME.match(line.rstrip("\n"))
            if match:
                frames.append((match.group(1), match.group(2)))
    flush()
    classes = ("own image", "ld.so", "libc", "kernel", "faults", "other")
    print("  %-16s %7s  %s" % ("process", "total", "  ".join("%9s" % c for c in classes)))
    for name in COMMS:
        counter = counts.get(name, collections.Counter())
        us = lambda n: n * per_sample / chains  # noqa: E731
        print("  %-16s %7.0f  %s" % (name, us(sum(counter.values())),
                                     "  ".join("%9.0f" % us(counter[c]) for c in classes)))


if __name__ == "__main__":
    main()
