import CRsshLibc

extension WinSCPResponder {
    /// `ls -la [-d] [--full-time] ["path"]`, from lstat, readdir and readlink.
    ///
    /// As GNU ls with `-l`: an operand that is a symbolic link is shown, not followed; a file operand (or any
    /// operand with `-d`) is one line named as given; a directory is listed with `.`, `..` and a total.
    /// Exit status 2 when the operand cannot be read, 1 when an entry vanished or could not be examined.
    mutating func list(path: [UInt8]?, directoryItself: Bool, fullTime: Bool) -> Int32 {
        let operand = path ?? [UInt8(ascii: ".")]
        let now = system_time()
        guard let info = Self.status(of: operand, in: AT_FDCWD) else {
            writeError("ls: cannot access \(Self.quoted(operand)): \(Self.reason(system_errno()))\n")
            return 2
        }
        if directoryItself || !Self.isDirectory(info) {
            let entry = listingEntry(name: operand, info: info, directory: AT_FDCWD, lookup: operand)
            writeOutput(WinSCPListing.render([entry], fullTime: fullTime, total: false, now: now))
            return 0
        }
        let fd = CBytes.withCString(operand) { system_openat(AT_FDCWD, $0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard fd >= 0, let names = Self.names(in: fd, includingDots: true) else {
            writeError("ls: cannot open directory \(Self.quoted(operand)): \(Self.reason(system_errno()))\n")
            if fd >= 0 { _ = system_close(fd) }
            return 2
        }
        defer { _ = system_close(fd) }
        var entries: [WinSCPListing.Entry] = []
        var status: Int32 = 0
        // An upload-only user sees every folder empty: the drop box never shows what others delivered.
        let shown =
            configuration.access == .uploadOnly
            ? names.filter { $0 == Array(".".utf8) || $0 == Array("..".utf8) } : names
        for name in shown {
            guard let child = Self.status(of: name, in: fd) else {
                let shown = operand + [UInt8(ascii: "/")] + name
                writeError("ls: cannot access \(Self.quoted(shown)): \(Self.reason(system_errno()))\n")
                status = 1
                continue
            }
            entries.append(listingEntry(name: name, info: child, directory: fd, lookup: name))
        }
        writeOutput(WinSCPListing.render(entries, fullTime: fullTime, total: true, now: now))
        return status
    }

    /// The listing facts of one entry; `lookup` is its path relative to `directory`, for readlinkat.
    mutating func listingEntry(name: [UInt8], info: stat, directory: Int32, lookup: [UInt8]) -> WinSCPListing.Entry {
        WinSCPListing.Entry(
            name: name,
            mode: UInt32(info.st_mode),
            linkCount: UInt64(info.st_nlink),
            owner: names.user(info.st_uid),
            group: names.group(info.st_gid),
            size: Int64(info.st_size),
            device: (UInt32(CRsshLibc_major(info.st_rdev)), UInt32(CRsshLibc_minor(info.st_rdev))),
            blocks: Int64(info.st_blocks),
            modified: (Int64(info.st_mtim.tv_sec), Int64(info.st_mtim.tv_nsec)),
            // A drop box shows no link targets (sftp-server's upload-only -P list has readlink too).
            linkTarget: Self.isSymbolicLink(info) && configuration.access != .uploadOnly
                ? Self.linkTarget(lookup, in: directory) : nil
        )
    }

    /// readlinkat(2) of `path`; empty when it cannot be read.
    static func linkTarget(_ path: [UInt8], in directory: Int32) -> [UInt8] {
        let size = 4096
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
        defer { buffer.deallocate() }
        let length = CBytes.withCString(path) { system_readlinkat(directory, $0, buffer, size) }
        guard length > 0 else { return [] }
        return buffer.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
        }
    }
}
