import CRsshLibc

// The commands that change nothing but the working directory, and those that change the file system. Each
// is one or a few system calls; recursive ones walk with openat/fstatat/unlinkat and never follow a
// symbolic link, so a link planted inside a tree cannot carry rm -r or chmod -R outside it.

extension WinSCPResponder {
    /// How deep rm -r and chmod -R descend (one descriptor per level).
    static let maximumDepth = 256

    /// `groups`: the real group, the effective group and the supplementary groups, by name.
    mutating func printGroups() -> Int32 {
        var ids: [gid_t] = [system_getgid()]
        let effective = system_getegid()
        if !ids.contains(effective) { ids.append(effective) }
        let count = system_getgroups(0, nil)
        if count > 0 {
            var list = [gid_t](repeating: 0, count: Int(count))
            let got = list.withUnsafeMutableBufferPointer { system_getgroups(count, $0.baseAddress) }
            for id in list.prefix(Int(max(got, 0))) where !ids.contains(id) { ids.append(id) }
        }
        var line: [UInt8] = []
        for id in ids {
            if !line.isEmpty { line.append(UInt8(ascii: " ")) }
            line += names.group(id)
        }
        writeOutput(line + [UInt8(ascii: "\n")])
        return 0
    }

    /// `pwd`: the physical working directory.
    func printWorkingDirectory() -> Int32 {
        var size = 4096
        while size <= 1 << 16 {
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
            defer { buffer.deallocate() }
            if system_getcwd(buffer, size) != nil {
                writeOutput(CBytes.copy(buffer) + [UInt8(ascii: "\n")])
                return 0
            }
            guard system_errno() == ERANGE else { break }
            size *= 4
        }
        writeError("rssh: pwd: \(Self.reason(system_errno()))\n")
        return 1
    }

    /// `cd`, `cd ~…`, `cd "dir"`.
    func changeDirectory(_ directory: WinSCPCommand.Directory) -> Int32 {
        let path: [UInt8]
        switch directory {
        case .home(let suffix):
            path = (configuration.homeDirectory.isEmpty ? [UInt8(ascii: "/")] : configuration.homeDirectory) + suffix
        case .path(let given): path = given
        }
        guard CBytes.withCString(path, { system_chdir($0) }) == 0 else {
            writeError("rssh: cd: \(Printable.text(path)): \(Self.reason(system_errno()))\n")
            return 1
        }
        return 0
    }

    /// `mkdir "path"`, with mode 0777 less the process umask.
    func makeDirectory(_ path: [UInt8]) -> Int32 {
        guard CBytes.withCString(path, { system_mkdir($0, 0o777) }) == 0 else {
            writeError("mkdir: cannot create directory \(Self.quoted(path)): \(Self.reason(system_errno()))\n")
            return 1
        }
        return 0
    }

    /// `rm -f -r "path"`: a missing path is no error; a directory is emptied depth first without
    /// following symbolic links, then removed.
    func remove(_ path: [UInt8]) -> Int32 {
        let last = Self.lastComponent(path)
        if last == Array(".".utf8) || last == Array("..".utf8) {
            writeError("rm: refusing to remove '.' or '..' directory: skipping \(Self.quoted(path))\n")
            return 1
        }
        if path.allSatisfy({ $0 == UInt8(ascii: "/") }) {
            writeError("rm: it is dangerous to operate recursively on '/'\n")
            return 1
        }
        guard let info = Self.status(of: path, in: AT_FDCWD) else {
            let code = system_errno()
            if code == ENOENT { return 0 }
            writeError("rm: cannot remove \(Self.quoted(path)): \(Self.reason(code))\n")
            return 1
        }
        if Self.isDirectory(info) {
            let fd = CBytes.withCString(path) {
                system_openat(AT_FDCWD, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            }
            guard fd >= 0 else {
                writeError("rm: cannot remove \(Self.quoted(path)): \(Self.reason(system_errno()))\n")
                return 1
            }
            let emptied = removeContents(of: fd, shown: path, depth: 1)
            _ = system_close(fd)
            guard emptied else { return 1 }
        }
        let flags = Self.isDirectory(info) ? AT_REMOVEDIR : 0
        guard CBytes.withCString(path, { system_unlinkat(AT_FDCWD, $0, flags) }) == 0 else {
            writeError("rm: cannot remove \(Self.quoted(path)): \(Self.reason(system_errno()))\n")
            return 1
        }
        return 0
    }

    /// Removes everything in the open directory `fd`; false after any failure (it goes on with the rest).
    func removeContents(of fd: Int32, shown: [UInt8], depth: Int) -> Bool {
        guard let entries = Self.names(in: fd) else {
            writeError("rm: cannot remove \(Self.quoted(shown)): \(Self.reason(system_errno()))\n")
            return false
        }
        var succeeded = true
        for name in entries {
            let child = shown + [UInt8(ascii: "/")] + name
            guard let info = Self.status(of: name, in: fd) else {
                if system_errno() == ENOENT { continue }
                writeError("rm: cannot remove \(Self.quoted(child)): \(Self.reason(system_errno()))\n")
                succeeded = false
                continue
            }
            if Self.isDirectory(info) {
                guard depth < Self.maximumDepth else {
                    writeError("rm: cannot remove \(Self.quoted(child)): too deeply nested\n")
                    succeeded = false
                    continue
                }
                let inner = CBytes.withCString(name) {
                    system_openat(fd, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                }
                guard inner >= 0 else {
                    writeError("rm: cannot remove \(Self.quoted(child)): \(Self.reason(system_errno()))\n")
                    succeeded = false
                    continue
                }
                let emptied = removeContents(of: inner, shown: child, depth: depth + 1)
                _ = system_close(inner)
                guard emptied else {
                    succeeded = false
                    continue
                }
            }
            let flags = Self.isDirectory(info) ? AT_REMOVEDIR : 0
            if CBytes.withCString(name, { system_unlinkat(fd, $0, flags) }) != 0 {
                writeError("rm: cannot remove \(Self.quoted(child)): \(Self.reason(system_errno()))\n")
                succeeded = false
            }
        }
        return succeeded
    }

    /// `mv -f "from" "to"`: rename(2); into `to` when it is a directory (not a link to one), as mv does.
    func move(from: [UInt8], to: [UInt8]) -> Int32 {
        var target = to
        if let info = Self.status(of: to, in: AT_FDCWD), Self.isDirectory(info) {
            target = to + [UInt8(ascii: "/")] + Self.lastComponent(from)
        }
        let result = CBytes.withCString(from) { source in
            CBytes.withCString(target) { system_rename(source, $0) }
        }
        guard result == 0 else {
            writeError(
                "mv: cannot move \(Self.quoted(from)) to \(Self.quoted(target)): \(Self.reason(system_errno()))\n"
            )
            return 1
        }
        return 0
    }

    /// `chmod [-R] MODE "path"`, never through a symbolic link.
    ///
    /// A link as the operand is refused; links met while recursing are skipped (as chmod -R does).
    func changeMode(_ change: WinSCPModeChange, recursive: Bool, path: [UInt8]) -> Int32 {
        guard let info = Self.status(of: path, in: AT_FDCWD) else {
            writeError("chmod: cannot access \(Self.quoted(path)): \(Self.reason(system_errno()))\n")
            return 1
        }
        if Self.isSymbolicLink(info) {
            writeError("chmod: \(Self.quoted(path)) is a symbolic link: not changed\n")
            return 1
        }
        let mode = change.apply(to: UInt32(info.st_mode), isDirectory: Self.isDirectory(info))
        guard CBytes.withCString(path, { system_fchmodat(AT_FDCWD, $0, mode_t(mode)) }) == 0 else {
            writeError("chmod: changing permissions of \(Self.quoted(path)): \(Self.reason(system_errno()))\n")
            return 1
        }
        guard recursive, Self.isDirectory(info) else { return 0 }
        let fd = CBytes.withCString(path) {
            system_openat(AT_FDCWD, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        }
        guard fd >= 0 else {
            writeError("chmod: cannot read directory \(Self.quoted(path)): \(Self.reason(system_errno()))\n")
            return 1
        }
        defer { _ = system_close(fd) }
        return changeModeOfContents(of: fd, change, shown: path, depth: 1) ? 0 : 1
    }

    /// Applies `change` to everything in the open directory `fd`, parents before their contents.
    func changeModeOfContents(of fd: Int32, _ change: WinSCPModeChange, shown: [UInt8], depth: Int) -> Bool {
        guard let entries = Self.names(in: fd) else {
            writeError("chmod: cannot read directory \(Self.quoted(shown)): \(Self.reason(system_errno()))\n")
            return false
        }
        var succeeded = true
        for name in entries {
            let child = shown + [UInt8(ascii: "/")] + name
            guard let info = Self.status(of: name, in: fd) else {
                writeError("chmod: cannot access \(Self.quoted(child)): \(Self.reason(system_errno()))\n")
                succeeded = false
                continue
            }
            if Self.isSymbolicLink(info) { continue }
            let mode = change.apply(to: UInt32(info.st_mode), isDirectory: Self.isDirectory(info))
            if CBytes.withCString(name, { system_fchmodat(fd, $0, mode_t(mode)) }) != 0 {
                writeError("chmod: changing permissions of \(Self.quoted(child)): \(Self.reason(system_errno()))\n")
                succeeded = false
                continue
            }
            guard Self.isDirectory(info) else { continue }
            guard depth < Self.maximumDepth else {
                writeError("chmod: \(Self.quoted(child)): too deeply nested\n")
                succeeded = false
                continue
            }
            let inner = CBytes.withCString(name) {
                system_openat(fd, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            }
            guard inner >= 0 else {
                writeError("chmod: cannot read directory \(Self.quoted(child)): \(Self.reason(system_errno()))\n")
                succeeded = false
                continue
            }
            succeeded = changeModeOfContents(of: inner, change, shown: child, depth: depth + 1) && succeeded
            _ = system_close(inner)
        }
        return succeeded
    }

    /// `ln [-s] "target" "name"`.
    func link(target: [UInt8], name: [UInt8], symbolic: Bool) -> Int32 {
        let result = CBytes.withCString(target) { to in
            CBytes.withCString(name) { symbolic ? system_symlink(to, $0) : system_link(to, $0) }
        }
        guard result == 0 else {
            let kind = symbolic ? "symbolic link" : "hard link"
            writeError("ln: failed to create \(kind) \(Self.quoted(name)): \(Self.reason(system_errno()))\n")
            return 1
        }
        return 0
    }

    // MARK: - Helpers

    /// lstat-like: fstatat(`directory`, `path`, AT_SYMLINK_NOFOLLOW); nil with errno set on failure.
    static func status(of path: [UInt8], in directory: Int32) -> stat? {
        var info = stat()
        let result = CBytes.withCString(path) { system_fstatat(directory, $0, &info, AT_SYMLINK_NOFOLLOW) }
        return result == 0 ? info : nil
    }

    static func isDirectory(_ info: stat) -> Bool { info.st_mode & CRsshLibc_S_IFMT == CRsshLibc_S_IFDIR }

    static func isSymbolicLink(_ info: stat) -> Bool { info.st_mode & CRsshLibc_S_IFMT == CRsshLibc_S_IFLNK }

    /// The names in the open directory `fd`, without `.` and `..` unless asked; nil with errno set.
    static func names(in fd: Int32, includingDots: Bool = false) -> [[UInt8]]? {
        // fdopendir takes over its descriptor: give it its own, so the caller's stays usable for *at calls.
        let own = system_openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard own >= 0 else { return nil }
        guard let stream = system_fdopendir(own) else {
            let code = system_errno()
            _ = system_close(own)
            CRsshLibc_set_errno(code)
            return nil
        }
        defer { system_closedir(stream) }
        var result: [[UInt8]] = []
        while let entry = system_readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if !includingDots && (name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")]) {
                continue
            }
            result.append(name)
        }
        return result
    }

    /// The last component of `path`, trailing slashes ignored (`/` itself for the root).
    static func lastComponent(_ path: [UInt8]) -> [UInt8] {
        let (parent, last) = split(path)
        return Array(last.isEmpty ? parent : last)
    }

    /// `path` without its trailing slashes (a lone `/` kept).
    static func trimmingSlashes(_ path: [UInt8]) -> ArraySlice<UInt8> {
        var trimmed = path[...]
        while trimmed.count > 1, trimmed.last == UInt8(ascii: "/") { trimmed = trimmed.dropLast() }
        return trimmed
    }

    /// `path`, trailing slashes ignored, split at its last slash: the directory holding the last component
    /// (empty without a slash, `/` in the root) and the component (empty for `/` itself).
    static func split(_ path: [UInt8]) -> (parent: ArraySlice<UInt8>, last: ArraySlice<UInt8>) {
        let trimmed = trimmingSlashes(path)
        guard let slash = trimmed.lastIndex(of: UInt8(ascii: "/")) else { return ([], trimmed) }
        let parent = slash == trimmed.startIndex ? trimmed[...slash] : trimmed[..<slash]
        return (parent, trimmed[(slash + 1)...])
    }

    /// `'path'` for messages, escaped so no byte reaches WinSCP's console as a control sequence.
    static func quoted(_ path: [UInt8]) -> String { "'" + Printable.text(path) + "'" }

    /// The C library's text for an errno value.
    static func reason(_ code: Int32) -> String { SystemError(call: "", code: code).reason }
}
