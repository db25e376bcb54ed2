import Testing

@testable import RsshCore

struct DecisionTests {
    @Test(arguments: [
        ("scp -t . res=success", "command=\"scp -t . res=success\""),
        ("a\"b", "command=\"a\\\"b\""),
        ("a\nfake line", "command=\"a\\x0afake line\""),
        ("%n%s%x", "command=\"%n%s%x\""),
        ("caf\u{E9}", "command=\"caf\\xc3\\xa9\""),
        ("back\\slash", "command=\"back\\\\slash\""),
    ])
    func logLineEscapesUserText(_ command: String, _ expected: String) {
        let decision = Decision(
            allowed: false,
            user: "alice",
            uid: 1001,
            address: "127.0.0.1",
            reason: "r",
            command: Array(command.utf8)
        )
        #expect(decision.logLine.hasSuffix(expected))
        #expect(!decision.logLine.contains("\n"))
    }

    @Test func bannerMatchesRssh() {
        #expect(
            Banner.text(allowing: [.scp, .sftp])
                == "\nThis account is restricted by rssh.\nAllowed commands: scp sftp\n\n"
                + "If you believe this is in error, please contact your system administrator.\n\n"
        )
        #expect(Banner.text(allowing: []).contains("This user is locked out."))
    }

    @Test func nonUTF8BytesAreEscaped() {
        #expect(Printable.text([0xFF, 0x41, 0x00]) == "\\xffA\\x00")
    }
}

struct SshdConfigCheckTests {
    let sftp = "/usr/lib/openssh/sftp-server"

    @Test func externalSubsystemAtTheCompiledPathIsFine() {
        let config = "Port 22\nSubsystem sftp /usr/lib/openssh/sftp-server -l INFO -f LOCAL5\n"
        let options = ["-f", "LOCAL5", "-l", "INFO"].map { Array($0.utf8) }
        #expect(SshdConfigCheck.warnings(config, sftpServer: sftp, sftpServerOptions: options).isEmpty)
        #expect(SshdConfigCheck.warnings("Subsystem sftp /usr/lib/openssh/sftp-server\n", sftpServer: sftp).isEmpty)
    }

    @Test func subsystemOptionsThatRsshConfDoesNotCarrySayWhatToAdd() {
        let config = "Subsystem sftp /usr/lib/openssh/sftp-server -l INFO\n"
        let warnings = SshdConfigCheck.warnings(config, sftpServer: sftp)
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("'sftpserveroptions = -l INFO'") == true, "\(warnings)")
    }

    @Test(arguments: [
        ("Subsystem sftp internal-sftp\n", "never run"),
        ("Subsystem\tsftp /usr/libexec/openssh/sftp-server\n", "will be refused"),
        (
            "Subsystem sftp \(String("/usr/lib/openssh/sftp-server"))\nMatch User x\n  ForceCommand internal-sftp\n",
            "bypasses"
        ),
        ("Subsystem sftp /usr/lib/openssh/sftp-server\nPermitUserEnvironment yes\n", "LD_PRELOAD"),
        ("Port 22\n", "no 'Subsystem sftp'"),
    ])
    func bypassesAreNamed(_ text: String, _ fragment: String) {
        let warnings = SshdConfigCheck.warnings(text, sftpServer: sftp)
        #expect(warnings.contains { $0.contains(fragment) }, "\(warnings)")
    }
}
