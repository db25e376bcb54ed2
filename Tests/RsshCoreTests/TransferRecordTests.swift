import Testing

@testable import RsshCore

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// The transfer log's line and audit formats, and its per-session cap.
struct TransferRecordTests {
    @Test(arguments: [
        (
            TransferRecord(.upload, path: bytes("/home/u/up.bin"), bytes: 5000),
            "transfer session=s1 op=upload path=\"/home/u/up.bin\" bytes=5000 result=ok"
        ),
        (
            TransferRecord(.download, path: bytes("a \"b\"\\c"), bytes: 12),
            "transfer session=s1 op=download path=\"a \\\"b\\\"\\\\c\" bytes=12 result=ok"
        ),
        (
            TransferRecord(.rename, path: bytes("/h/a"), target: bytes("/h/b")),
            "transfer session=s1 op=rename path=\"/h/a\" to=\"/h/b\" bytes=0 result=ok"
        ),
        (
            TransferRecord(.upload, path: bytes("x"), bytes: 7, result: .partial, reason: bytes("cut\noff")),
            "transfer session=s1 op=upload path=\"x\" bytes=7 result=partial reason=\"cut\\x0aoff\""
        ),
        (
            TransferRecord(.remove, path: [0x6E, 0x0A, 0xFF, 0x1B], result: .failed, reason: bytes("No such file")),
            "transfer session=s1 op=remove path=\"n\\x0a\\xff\\x1b\" bytes=0 result=failed reason=\"No such file\""
        ),
        (
            TransferRecord(.makeDirectory, path: bytes("d")),
            "transfer session=s1 op=mkdir path=\"d\" bytes=0 result=ok"
        ),
        (
            TransferRecord(.removeDirectory, path: bytes("d")),
            "transfer session=s1 op=rmdir path=\"d\" bytes=0 result=ok"
        ),
    ])
    func theLogLineEscapesEveryUntrustedByte(_ record: TransferRecord, _ line: String) {
        #expect(record.logLine(session: "s1") == line)
    }

    @Test func aForgedLineInANameStaysOneLineAndOneField() {
        let name = bytes("a\" bytes=9 result=ok\ntransfer session=s1 op=upload path=\"b")
        let line = TransferRecord(.upload, path: name, bytes: 1).logLine(session: "s1")
        #expect(!line.utf8.contains(0x0A))
        #expect(line.hasSuffix(" bytes=1 result=ok"))
        #expect(line.split(separator: " bytes=").count == 3)  // the name's own text is escaped, not a field
        #expect(line.contains("path=\"a\\\" bytes=9"))
    }

    @Test func aSessionIdCannotOpenAField() {
        let line = TransferRecord(.upload, path: bytes("x")).logLine(session: "s 1=\"x")
        #expect(line.hasPrefix("transfer session=s_1__x op=upload "))
    }

    @Test func aLongPathIsCutAndSaysSo() {
        let path = [UInt8](repeating: UInt8(ascii: "a"), count: TransferRecord.maximumLoggedPathBytes + 10)
        let line = TransferRecord(.download, path: path, bytes: 1).logLine(session: "s")
        #expect(line.contains(" path_truncated=yes bytes=1 result=ok"))
        #expect(line.utf8.count < TransferRecord.maximumLoggedPathBytes + 120)
    }

    @Test func theAuditTextEncodesEveryUntrustedValue() {
        let record = TransferRecord(
            .rename,
            path: bytes("x res=success"),
            target: bytes("plain"),
            result: .failed,
            reason: bytes("No such file")
        )
        let text = record.auditMessage(session: "s1")
        // libaudit hex-encodes a value with a space or `=`, and quotes a plain one.
        #expect(
            text == "op=rssh-transfer session=s1 transfer=rename path=78207265733D73756363657373 to=\"plain\" "
                + "bytes=0 result=failed reason=4E6F20737563682066696C65"
        )
        #expect(!record.succeeded)
        #expect(TransferRecord(.upload, path: bytes("a")).succeeded)
    }

    @Test func theCapWritesTheBudgetAndCountsTheRest() {
        var log = TransferLog(session: "s9", limit: 3)
        let record = TransferRecord(.upload, path: bytes("f"), bytes: 1)
        var lines: [String] = []
        for _ in 0..<5 { if let line = log.line(for: record) { lines.append(line) } }
        #expect(lines.count == 3)
        #expect(log.logged == 3 && log.notLogged == 2)
        #expect(log.closingLine == "transfer session=s9 op=cap 2 further transfers not logged (cap of 3 per session)")
        #expect(log.closingAuditMessage == "op=rssh-transfer session=s9 transfer=cap notlogged=2 cap=3")
    }

    @Test func anUncappedSessionHasNoClosingLine() {
        var log = TransferLog(session: "s")
        #expect(log.limit == RecordBudget.maximumRecords && TransferLog.maximumRecords == 1_000)
        let admitted = log.admit(TransferRecord(.download, path: bytes("f")))
        #expect(admitted)
        #expect(log.closingLine == nil && log.closingAuditMessage == nil)
    }
}
