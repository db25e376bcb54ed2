extension RsyncOption {
    /// The rsync allow-list of `mode` as text: what `rssh -v` prints and rssh.conf(5) repeats word for word.
    public static func allowList(for mode: AccessMode) -> [String] {
        let long = table.filter { $0.modes.allows(mode) }.map { "--" + $0.name }
        let letters = flags.filter { $0.modes.allows(mode) }.map { Character(Unicode.Scalar($0.letter)) }
        var added = forced(in: mode).joined(separator: " ")
        let landlocked = forced(in: mode, landlocked: true).joined(separator: " ")
        let landlockedSender = forced(in: mode, landlocked: true, sender: true).joined(separator: " ")
        if landlocked != added {
            added +=
                " (a landlocked user: \(landlocked)"
                + (landlockedSender.isEmpty ? "" : "; as sender: \(landlockedSender)") + ")"
        }
        var lines = ["rsync in \(mode) mode, \(role(in: mode)):"]
        lines += wrapped(long, prefix: "  options: ")
        lines.append("  flags: -" + String(letters) + (mode == .uploadOnly ? " (at most one -v)" : ""))
        lines.append("  added by rssh: " + (added.isEmpty ? "nothing" : added))
        return lines
    }

    private static func role(in mode: AccessMode) -> String {
        switch mode {
        case .readWrite: "sender or receiver"
        case .readOnly: "sender only (--sender required)"
        case .uploadOnly: "receiver only"
        case .appendOnly: "sender or receiver; a receiver skips every existing name"
        }
    }

    /// `words` after `prefix`, broken into lines of at most 76 characters.
    private static func wrapped(_ words: [String], prefix: String) -> [String] {
        var lines: [String] = []
        var line = prefix
        for word in words {
            if line.count + word.count + 1 > 76, line != prefix {
                lines.append(line)
                line = String(repeating: " ", count: prefix.count)
            }
            line += (line.last == " " ? "" : " ") + word
        }
        lines.append(line)
        return lines
    }
}
