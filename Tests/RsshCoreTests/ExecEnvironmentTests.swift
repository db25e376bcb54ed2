import Testing

@testable import RsshCore

struct ExecEnvironmentTests {
    let account = alice

    func build(_ program: ServerProgram, _ inherited: [String]) -> [String] {
        ExecEnvironment.build(
            for: program,
            account: account,
            home: account.home,
            inherited: inherited.map { Array($0.utf8) }
        )
        .map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func onlyTheAllowListPasses() {
        let result = build(
            .scp,
            [
                "LD_PRELOAD=/tmp/evil.so", "LD_LIBRARY_PATH=/tmp", "PATH=/tmp", "HOME=/tmp", "USER=root", "IFS=x",
                "BASH_ENV=/tmp/x", "SSH_CONNECTION=127.0.0.1 5555 127.0.0.1 22", "SSH_CLIENT=127.0.0.1 5555 22",
                "LANG=en_US.UTF-8", "LC_ALL=C", "LC_CTYPE=$(id)", "TZ=Europe/Berlin", "TZ=../../etc/shadow",
                "SSH_TTY=/dev/pts/3", "SSH_ORIGINAL_COMMAND=id", "POPT_EXEC=x", "GCONV_PATH=/tmp",
            ]
        )
        #expect(
            result == [
                "HOME=/home/alice", "USER=alice", "LOGNAME=alice", "SHELL=/usr/local/bin/rssh", "PATH=/bin:/usr/bin",
                "SSH_CONNECTION=127.0.0.1 5555 127.0.0.1 22", "SSH_CLIENT=127.0.0.1 5555 22", "LANG=en_US.UTF-8",
                "LC_ALL=C", "TZ=Europe/Berlin", "SSH_TTY=/dev/pts/3",
            ]
        )
    }

    /// Names are compared as bytes: only `LANG` and `LC_` with ASCII capitals pass, never a look-alike.
    @Test(arguments: [
        ("LC_ALL=C", true), ("LC_MESSAGES=de_DE.UTF-8", true), ("LANG=C", true), ("LC_=C", false),
        ("LC_all=C", false), ("LC_\u{00C4}=C", false), ("LC_ALL_1=C", false), ("LANGUAGE=C", false),
        ("SSH_TTY=/dev/pts/0", true), ("SSH_TTY=/dev/../etc", false), ("ssh_tty=/dev/pts/0", false),
    ])
    func localeAndTerminalNames(_ entry: String, _ passes: Bool) {
        #expect(build(.scp, [entry]).contains(entry) == passes)
    }

    @Test func rsyncGetsNoHome() {
        #expect(!build(.rsync, ["HOME=/home/alice"]).contains { $0.hasPrefix("HOME=") })
    }

    @Test(arguments: [
        ("SSH_CONNECTION=192.0.2.7 50022 192.0.2.1 22", "192.0.2.7"),
        ("SSH_CONNECTION=2001:db8::1 50022 2001:db8::2 22", "2001:db8::1"),
        ("SSH_CLIENT=10.0.0.1 1 22", "10.0.0.1"),
    ])
    func clientAddress(_ entry: String, _ expected: String) {
        #expect(ExecEnvironment.clientAddress(from: [Array(entry.utf8)]) == expected)
    }

    @Test func forgedAddressIsIgnored() {
        #expect(ExecEnvironment.clientAddress(from: [Array("SSH_CONNECTION=x\"res=success 1 2 3".utf8)]) == nil)
    }
}
