import Glibc

@testable import RsshCore

/// A scratch directory removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/rssh-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return nil }
            return String(cString: base)
        }
        guard let made else { throw SystemError(call: "mkdtemp", code: errno) }
        path = made
    }

    func create(_ name: String, contents: String = "", mode: mode_t = 0o644) throws {
        let fd = open(path + "/" + name, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw SystemError(call: "open", subject: name, code: errno) }
        defer { close(fd) }
        let bytes = Array(contents.utf8)
        guard bytes.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
            throw SystemError(call: "write", subject: name, code: errno)
        }
        _ = fchmod(fd, mode)
    }

    func makeDirectory(_ name: String) throws {
        guard mkdir(path + "/" + name, 0o755) == 0 else { throw SystemError(call: "mkdir", subject: name, code: errno) }
    }

    deinit {
        Self.remove(path)
    }

    /// Removes `directory` and everything below it (names made by the tests only; no shell involved).
    static func remove(_ directory: String) {
        if let handle = opendir(directory) {
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard name != "." && name != ".." else { continue }
                if unlink(directory + "/" + name) != 0 { remove(directory + "/" + name) }
            }
            closedir(handle)
        }
        rmdir(directory)
    }
}
