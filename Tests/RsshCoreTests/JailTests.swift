import Glibc
import Testing

@testable import RsshCore
@testable import RsshJail

struct JailPathTests {
    static let directory = S_IFDIR | 0o755

    /// A fake file system: path → (owner, mode).
    func checker(_ table: [String: FileStatus]) -> (String) -> FileStatus? { { table[$0] } }

    let safe: [String: FileStatus] = [
        "/": FileStatus(owner: 0, mode: directory),
        "/srv": FileStatus(owner: 0, mode: directory),
        "/srv/jail": FileStatus(owner: 0, mode: directory),
    ]

    @Test func safeJailPasses() throws {
        try JailPath.check("/srv/jail", status: checker(safe))
        try JailPath.check("/srv//jail/", status: checker(safe))
    }

    @Test(arguments: [
        ("/srv", FileStatus(owner: 0, mode: S_IFDIR | 0o775), "writable"),
        ("/srv", FileStatus(owner: 0, mode: S_IFDIR | 0o757), "writable"),
        ("/srv/jail", FileStatus(owner: 1000, mode: directory), "not root"),
        ("/srv/jail", FileStatus(owner: 0, mode: S_IFLNK | 0o777), "symbolic link"),
        ("/srv/jail", FileStatus(owner: 0, mode: S_IFREG | 0o755), "not a directory"),
        ("/", FileStatus(owner: 0, mode: S_IFDIR | 0o777), "writable"),
    ])
    func unsafeComponentIsNamed(_ path: String, _ status: FileStatus, _ fragment: String) {
        var table = safe
        table[path] = status
        #expect {
            try JailPath.check("/srv/jail", status: checker(table))
        } throws: { error in
            let description = (error as? JailPath.Problem)?.description ?? ""
            return description.contains(fragment) && description.contains(path)
        }
    }

    @Test(arguments: ["relative/jail", "/srv/../etc", "/srv/./jail", ""])
    func nonCanonicalPathsAreRefused(_ path: String) {
        #expect(throws: JailPath.Problem.notCanonical(path)) { try JailPath.check(path, status: checker(safe)) }
    }

    /// Every component between two `/` bytes is checked, even one a combining mark follows (as Characters,
    /// `/\u{301}` is one, and `/srv/jail` would have been skipped).
    @Test func aCombiningMarkAfterASlashDoesNotHideAComponent() {
        #expect(JailPath.components(of: "/srv/jail/\u{301}x") == ["/", "/srv", "/srv/jail", "/srv/jail/\u{301}x"])
        var table = safe
        table["/srv/jail"] = FileStatus(owner: 1000, mode: Self.directory)
        table["/srv/jail/\u{301}x"] = FileStatus(owner: 0, mode: Self.directory)
        #expect(throws: JailPath.Problem.notOwnedByRoot("/srv/jail", owner: 1000)) {
            try JailPath.check("/srv/jail/\u{301}x", status: checker(table))
        }
    }

    @Test func missingComponentIsRefused() {
        #expect(throws: JailPath.Problem.missing("/srv/jail/x")) {
            try JailPath.check("/srv/jail/x", status: checker(safe))
        }
    }

    @Test(arguments: [
        ("/srv/jail", "/srv/jail/home/alice", "/home/alice"),
        ("/srv/jail/", "/srv/jail/home/alice", "/home/alice"),
        ("/srv/jail", "/srv/jail", "/"),
        ("/srv/jail", "/srv/jail/", "/"),
        ("/", "/home/alice", "/home/alice"),
    ])
    func homeInsideTheJail(_ jail: String, _ home: String, _ expected: String) {
        #expect(JailPath.homeInside(jail: jail, home: Array(home.utf8)) == Array(expected.utf8))
    }

    @Test(arguments: [("/srv/jail", "/home/alice"), ("/srv/jail", "/srv/jailbreak/alice"), ("/srv/jail", "/srv")])
    func homeOutsideTheJail(_ jail: String, _ home: String) {
        #expect(JailPath.homeInside(jail: jail, home: Array(home.utf8)) == nil)
    }
}

struct LibraryResolverTests {
    @Test func resolvesTheLoaderAndLibcOfARealProgram() throws {
        let closure = try LibraryResolver.system().closure(of: "/bin/ls")
        #expect(closure.contains { $0.hasSuffix("/ld-linux-x86-64.so.2") || $0.hasSuffix("/ld-linux-aarch64.so.1") })
        #expect(closure.contains { $0.hasSuffix("/libc.so.6") })
        #expect(Set(closure).count == closure.count)
    }

    @Test func aLibraryThatCannotBeFoundIsReported() {
        let resolver = LibraryResolver(searchDirectories: []) { path in
            path == "/bin/ls" ? try? FileSystem.read(path) : nil
        }
        #expect(throws: LibraryResolver.Failure.self) { try resolver.closure(of: "/bin/ls") }
    }

    @Test func elfHeadersAreReadWithoutRunningTheProgram() throws {
        let elf = try ElfFile(try FileSystem.read("/bin/ls"))
        #expect(elf.interpreter?.hasPrefix("/lib") == true)
        #expect(elf.needed.contains("libc.so.6"))
    }

    @Test func nonElfAndTruncatedFilesAreRejected() throws {
        #expect(throws: ElfFile.Failure.notElf) { try ElfFile(Array("#!/bin/sh\necho hi\n".utf8)) }
        let header = Array(try FileSystem.read("/bin/ls").prefix(64))
        #expect(throws: ElfFile.Failure.truncated) { try ElfFile(header) }
    }

    @Test func ldSoConfIncludesAreFollowed() throws {
        let directory = try TemporaryDirectory()
        try directory.create("main.conf", contents: "# comment\n/opt/a\ninclude conf.d/*.conf\n/opt/a\n")
        #expect(mkdir(directory.path + "/conf.d", 0o755) == 0)
        try directory.create("conf.d/x.conf", contents: "/opt/b # trailing\n")
        defer {
            unlink(directory.path + "/conf.d/x.conf")
            rmdir(directory.path + "/conf.d")
        }
        #expect(LdSoConf.directories(from: directory.path + "/main.conf") == ["/opt/a", "/opt/b"])
    }
}
