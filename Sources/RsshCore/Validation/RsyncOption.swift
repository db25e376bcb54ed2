/// One entry of rsync's own option table, and the access modes in which a client may send it to the server.
///
/// Every long name and alias in rsync's `long_options[]` (options.c) has an entry, allowed or refused: an
/// option rsync adds later is refused until someone classifies it (a test reads the table out of the installed
/// rsync binary and holds this one to it). Allowed entries follow what a real client's `server_options()`
/// puts on the server's command line, and in which direction: an option only a receiver gets is not allowed
/// to a `readonly` user, whose server is always the sender. A mode is its own allow-list, never a subtraction.
struct RsyncOption {
    /// What follows the option.
    enum Value: Equatable {
        /// A plain flag; `--flag=x` is refused.
        case none
        /// A decimal integer of at most 10 digits.
        ///
        /// Two payload-free cases rather than `integer(negative: Bool)`: a static table of an enum with both a
        /// `Bool` and a `[String]` payload crashes the Embedded compiler at -O (swiftc 6.3.1).
        case natural
        /// A decimal integer that may start with `-`.
        case integer
        /// One of a fixed set of strings.
        case oneOf([String])
        /// Free text or a path (passed to rsync as data, never to a shell).
        case text
    }

    /// Why an option is refused in every mode.
    enum Refusal: Equatable {
        /// Runs a program, reads a configuration, or takes further options from elsewhere.
        case dangerous
        /// Clients send the one-letter form (or another spelling) instead.
        case otherSpelling
        /// Acts on the client side only: no client sends it to a server.
        case clientSide
        /// An option of rsync's daemon or of the network connection.
        case daemon
        /// No client sends it, and its effect on a server is not classified as safe.
        case unclassified

        /// The reason, as `rssh -v` and the refusal print it.
        var text: String {
            switch self {
            case .dangerous: "it would run a program, read a configuration or take options from elsewhere"
            case .otherSpelling: "clients send another spelling"
            case .clientSide: "a client-side option that clients do not send to a server"
            case .daemon: "a daemon or connection option"
            case .unclassified: "clients do not send it to a server"
            }
        }
    }

    /// The long name without dashes, such as `delete`.
    var name: String
    /// What follows it.
    var value: Value
    /// The access modes in which a client may send it; empty when it is refused in every mode.
    var modes: AccessModeSet
    /// Why it is refused everywhere (only when `modes` is empty).
    var refusal: Refusal?

    private static func allow(_ name: String, _ value: Value, _ modes: AccessModeSet) -> RsyncOption {
        RsyncOption(name: name, value: value, modes: modes, refusal: nil)
    }

    private static func refuse(_ name: String, _ why: Refusal) -> RsyncOption {
        RsyncOption(name: name, value: .none, modes: [], refusal: why)
    }

    private static let all = AccessModeSet.every
    /// Sent to a server that sends (a download) and to one that receives, and harmless to an append-only
    /// receiver (whose server may also send).
    private static let download: AccessModeSet = [.readWrite, .readOnly, .appendOnly]
    /// Sent to a server that sends, but not harmless to an append-only receiver.
    private static let senderSide: AccessModeSet = [.readWrite, .readOnly]
    /// Sent only to a server that receives (an upload), and harmless in a drop box and an append-only target.
    private static let upload: AccessModeSet = [.readWrite, .uploadOnly, .appendOnly]
    /// Harmless in a drop box, whose server never sends, but not in an append-only target, whose server may
    /// send (and would then delete what it sent) or leaves a partial file under a name it never replaces.
    private static let dropBox: AccessModeSet = [.readWrite, .uploadOnly]
    private static let readWrite: AccessModeSet = [.readWrite]

    /// Every long option in rsync's table (rsync 3.2.7 to 3.5.0), in its order, classified per access mode.
    static let table: [RsyncOption] = [
        refuse("help", .clientSide), refuse("version", .clientSide),
        refuse("verbose", .otherSpelling), refuse("no-verbose", .clientSide), refuse("no-v", .clientSide),
        allow("info", .text, download), allow("debug", .text, download),
        refuse("stderr", .clientSide),
        allow("msgs2stderr", .none, all), allow("no-msgs2stderr", .none, all),
        refuse("quiet", .otherSpelling), refuse("motd", .daemon), refuse("no-motd", .daemon),
        allow("stats", .none, all),
        refuse("human-readable", .clientSide), refuse("no-human-readable", .clientSide), refuse("no-h", .clientSide),
        refuse("dry-run", .otherSpelling), refuse("archive", .otherSpelling),
        refuse("recursive", .otherSpelling), refuse("no-recursive", .otherSpelling), allow("no-r", .none, all),
        refuse("inc-recursive", .otherSpelling), refuse("no-inc-recursive", .otherSpelling),
        refuse("i-r", .otherSpelling), refuse("no-i-r", .otherSpelling),
        refuse("dirs", .otherSpelling), refuse("no-dirs", .clientSide), refuse("no-d", .clientSide),
        refuse("old-dirs", .clientSide), refuse("old-d", .clientSide),
        refuse("perms", .otherSpelling), refuse("no-perms", .clientSide), refuse("no-p", .clientSide),
        refuse("executability", .otherSpelling),
        refuse("acls", .otherSpelling), refuse("no-acls", .clientSide), refuse("no-A", .clientSide),
        refuse("xattrs", .otherSpelling), refuse("no-xattrs", .clientSide), refuse("no-X", .clientSide),
        refuse("times", .otherSpelling), refuse("no-times", .clientSide), refuse("no-t", .clientSide),
        refuse("atimes", .otherSpelling), refuse("no-atimes", .clientSide), refuse("no-U", .clientSide),
        allow("open-noatime", .none, download), refuse("no-open-noatime", .clientSide),
        refuse("crtimes", .otherSpelling), refuse("no-crtimes", .clientSide), refuse("no-N", .clientSide),
        refuse("omit-dir-times", .otherSpelling), refuse("no-omit-dir-times", .clientSide),
        refuse("no-O", .clientSide),
        refuse("omit-link-times", .otherSpelling), refuse("no-omit-link-times", .clientSide),
        refuse("no-J", .clientSide),
        allow("modify-window", .integer, all),
        allow("super", .none, readWrite), refuse("no-super", .clientSide), refuse("fake-super", .unclassified),
        refuse("owner", .otherSpelling), refuse("no-owner", .clientSide), refuse("no-o", .clientSide),
        refuse("group", .otherSpelling), refuse("no-group", .clientSide), refuse("no-g", .clientSide),
        refuse("no-D", .clientSide), refuse("devices", .otherSpelling), refuse("no-devices", .clientSide),
        allow("copy-devices", .none, readWrite), allow("write-devices", .none, readWrite),
        refuse("no-write-devices", .clientSide),
        allow("specials", .none, download), allow("no-specials", .none, all),
        refuse("drop-D", .unclassified), refuse("no-drop-D", .unclassified), refuse("confine-root", .unclassified),
        refuse("links", .otherSpelling), refuse("no-links", .clientSide), refuse("no-l", .clientSide),
        refuse("copy-links", .otherSpelling), allow("copy-unsafe-links", .none, download),
        allow("safe-links", .none, all),
        refuse("insecure-links", .unclassified), refuse("no-insecure-links", .unclassified),
        refuse("munge-links", .unclassified), refuse("no-munge-links", .unclassified),
        refuse("copy-dirlinks", .otherSpelling), refuse("keep-dirlinks", .otherSpelling),
        refuse("hard-links", .otherSpelling), refuse("no-hard-links", .clientSide), refuse("no-H", .clientSide),
        refuse("relative", .otherSpelling), allow("no-relative", .none, all), refuse("no-R", .otherSpelling),
        refuse("implied-dirs", .clientSide), allow("no-implied-dirs", .none, all),
        refuse("i-d", .clientSide), refuse("no-i-d", .otherSpelling),
        refuse("chmod", .clientSide),
        refuse("ignore-times", .otherSpelling), allow("size-only", .none, all),
        refuse("one-file-system", .otherSpelling), refuse("no-one-file-system", .clientSide),
        refuse("no-x", .clientSide),
        refuse("update", .otherSpelling), allow("existing", .none, upload),
        refuse("ignore-non-existing", .otherSpelling), allow("ignore-existing", .none, upload),
        allow("max-size", .text, upload), allow("min-size", .text, upload), allow("max-alloc", .text, all),
        refuse("sparse", .otherSpelling), refuse("no-sparse", .clientSide), refuse("no-S", .clientSide),
        // Not in appendonly: the receiver opens the final name without O_EXCL and follows a symbolic link
        // planted there after its check, so a client's --inplace could write into any existing file.
        allow("preallocate", .none, upload), allow("inplace", .none, [.readWrite, .readOnly, .uploadOnly]),
        refuse("no-inplace", .clientSide),
        allow("append", .none, senderSide), refuse("append-verify", .otherSpelling), refuse("no-append", .clientSide),
        refuse("del", .otherSpelling),
        allow("delete", .none, readWrite), allow("delete-before", .none, readWrite),
        allow("delete-during", .none, readWrite), allow("delete-delay", .none, readWrite),
        allow("delete-after", .none, readWrite), allow("delete-excluded", .none, readWrite),
        allow("delete-missing-args", .none, readWrite), allow("ignore-missing-args", .none, download),
        // The sender deletes what it sent; a receiver only reports success, so an upload may carry them, but
        // an append-only server may be the sender.
        allow("remove-sent-files", .none, dropBox), allow("remove-source-files", .none, dropBox),
        allow("force", .none, readWrite), refuse("no-force", .clientSide),
        allow("ignore-errors", .none, all), refuse("no-ignore-errors", .clientSide),
        allow("max-delete", .integer, readWrite),
        refuse("filter", .clientSide), refuse("exclude", .clientSide), refuse("include", .clientSide),
        refuse("exclude-from", .clientSide), refuse("include-from", .clientSide),
        refuse("cvs-exclude", .otherSpelling),
        refuse("whole-file", .otherSpelling), refuse("no-whole-file", .otherSpelling),
        allow("no-W", .none, readWrite),
        refuse("checksum", .otherSpelling), refuse("no-checksum", .clientSide), refuse("no-c", .clientSide),
        allow("checksum-choice", .text, all), refuse("cc", .otherSpelling),
        refuse("block-size", .otherSpelling),
        allow("compare-dest", .text, readWrite), allow("copy-dest", .text, readWrite),
        allow("link-dest", .text, readWrite),
        refuse("fuzzy", .otherSpelling), refuse("no-fuzzy", .clientSide), refuse("no-y", .clientSide),
        refuse("compress", .otherSpelling), allow("old-compress", .none, all), allow("new-compress", .none, all),
        refuse("no-compress", .clientSide), refuse("no-z", .clientSide),
        allow("compress-choice", .text, all), refuse("zc", .otherSpelling),
        allow("skip-compress", .text, all),
        allow("compress-level", .natural, all), refuse("zl", .otherSpelling),
        refuse("compress-threads", .unclassified), refuse("zt", .unclassified),
        refuse("progress", .clientSide), refuse("no-progress", .clientSide),
        allow("partial", .none, dropBox), refuse("no-partial", .clientSide),
        allow("partial-dir", .text, readWrite),
        allow("delay-updates", .none, dropBox), refuse("no-delay-updates", .clientSide),
        refuse("prune-empty-dirs", .otherSpelling), refuse("no-prune-empty-dirs", .clientSide),
        refuse("no-m", .clientSide),
        refuse("log-file", .dangerous), refuse("log-file-format", .dangerous), refuse("out-format", .otherSpelling),
        allow("log-format", .oneOf(["%i", "%i%I", "%o", "X"]), all),
        refuse("itemize-changes", .otherSpelling), refuse("no-itemize-changes", .clientSide),
        refuse("no-i", .clientSide),
        allow("bwlimit", .natural, all), refuse("no-bwlimit", .clientSide),
        refuse("backup", .otherSpelling), refuse("no-backup", .clientSide),
        allow("backup-dir", .text, readWrite), allow("suffix", .text, readWrite),
        allow("list-only", .none, download),
        refuse("read-batch", .dangerous), refuse("write-batch", .dangerous),
        allow("only-write-batch", .oneOf(["X"]), readWrite),
        allow("files-from", .text, download), allow("from0", .none, download), refuse("no-from0", .clientSide),
        refuse("old-args", .clientSide), refuse("no-old-args", .clientSide),
        refuse("secluded-args", .dangerous), refuse("no-secluded-args", .clientSide),
        refuse("protect-args", .dangerous), refuse("no-protect-args", .clientSide), refuse("no-s", .clientSide),
        refuse("trust-sender", .clientSide),
        allow("numeric-ids", .none, all), refuse("no-numeric-ids", .clientSide),
        allow("usermap", .text, readWrite), allow("groupmap", .text, readWrite), refuse("chown", .otherSpelling),
        allow("timeout", .natural, all), refuse("no-timeout", .clientSide),
        refuse("contimeout", .daemon), refuse("no-contimeout", .daemon),
        allow("fsync", .none, upload),
        refuse("stop-after", .clientSide), refuse("time-limit", .clientSide), refuse("stop-at", .clientSide),
        refuse("rsh", .dangerous), refuse("rsync-path", .dangerous),
        allow("temp-dir", .text, readWrite),
        allow("iconv", .text, all), refuse("no-iconv", .clientSide),
        refuse("ipv4", .daemon), refuse("ipv6", .daemon),
        refuse("8-bit-output", .clientSide), refuse("no-8-bit-output", .clientSide), refuse("no-8", .clientSide),
        allow("mkpath", .none, upload), refuse("no-mkpath", .clientSide),
        // Clients send --use-qsort for it, which rsync's own server does not accept.
        refuse("qsort", .unclassified),
        refuse("copy-as", .clientSide),
        refuse("address", .daemon), refuse("port", .daemon), refuse("sockopts", .daemon),
        refuse("password-file", .dangerous), refuse("early-input", .dangerous),
        refuse("blocking-io", .clientSide), refuse("no-blocking-io", .clientSide), refuse("outbuf", .clientSide),
        refuse("remote-option", .dangerous), refuse("protocol", .clientSide),
        allow("checksum-seed", .natural, all),
        refuse("server", .otherSpelling),  // only as the first word, checked before the options
        allow("sender", .none, download),
        refuse("config", .dangerous), refuse("daemon", .dangerous), refuse("dparam", .dangerous),
        refuse("detach", .daemon), refuse("no-detach", .daemon),
    ]

    /// The table by long name.
    static let longOptions: [String: RsyncOption] = Dictionary(uniqueKeysWithValues: table.map { ($0.name, $0) })

    /// One single-letter flag of rsync's table, and the modes in which it may stand in the leading cluster.
    struct Flag {
        /// The letter.
        var letter: UInt8
        /// The long name it stands for (for the report).
        var meaning: String
        /// The modes in which a client may send it; empty when refused in every mode.
        var modes: AccessModeSet
    }

    private static func flag(_ letter: Unicode.Scalar, _ meaning: String, _ modes: AccessModeSet) -> Flag {
        Flag(letter: UInt8(ascii: letter), meaning: meaning, modes: modes)
    }

    /// Every single letter in rsync's table.
    ///
    /// `B` and `@` take a value; `e` carries protocol information.
    static let flags: [Flag] = [
        flag("v", "verbose", all), flag("q", "quiet", all), flag("b", "backup", readWrite),
        flag("u", "update", all), flag("n", "dry-run", all), flag("l", "links", download),
        flag("d", "dirs", all), flag("K", "keep-dirlinks", readWrite), flag("m", "prune-empty-dirs", upload),
        flag("O", "omit-dir-times", upload), flag("J", "omit-link-times", upload), flag("y", "fuzzy", readWrite),
        flag("L", "copy-links", download), flag("k", "copy-dirlinks", download), flag("W", "whole-file", all),
        flag("H", "hard-links", senderSide), flag("o", "owner", all), flag("g", "group", all),
        flag("D", "devices and specials", download), flag("t", "times", all), flag("U", "atimes", all),
        flag("N", "crtimes", all), flag("p", "perms", all), flag("E", "executability", upload),
        flag("A", "acls", download), flag("X", "xattrs", download), flag("r", "recursive", all),
        flag("c", "checksum", download), flag("C", "cvs-exclude", all), flag("I", "ignore-times", all),
        flag("R", "relative", all), flag("x", "one-file-system", all), flag("S", "sparse", all),
        flag("z", "compress", all), flag("B", "block-size", download), flag("@", "modify-window", all),
        flag("e", "protocol information (never a remote shell)", all),
        flag("V", "version", []), flag("h", "human-readable", []), flag("a", "archive", []),
        flag("i", "itemize-changes", []), flag("F", "filter", []), flag("f", "filter", []),
        flag("P", "progress", []), flag("0", "from0", []), flag("s", "secluded-args", []),
        flag("T", "temp-dir", []), flag("4", "ipv4", []), flag("6", "ipv6", []), flag("8", "8-bit-output", []),
        flag("M", "remote-option", []),
    ]

    /// The flags by letter.
    static let flagsByLetter: [UInt8: Flag] = Dictionary(uniqueKeysWithValues: flags.map { ($0.letter, $0) })

    /// The compatibility letters a client may send after `-e.` (rsync's compat.c), all harmless in every mode.
    static let capabilities: [(letter: UInt8, meaning: String)] = [
        (UInt8(ascii: "i"), "incremental recursion"), (UInt8(ascii: "L"), "symlink times"),
        (UInt8(ascii: "s"), "symlink iconv"), (UInt8(ascii: "f"), "safe file list"),
        (UInt8(ascii: "x"), "no xattr optimisation"), (UInt8(ascii: "C"), "checksum seed fix"),
        (UInt8(ascii: "I"), "inplace partial dir"), (UInt8(ascii: "v"), "varint flist flags"),
        (UInt8(ascii: "u"), "uid 0 and gid 0 names"),
    ]

    /// What rssh adds to the server's command line in `mode`, for a `landlocked` user or not, as a
    /// receiver or as a `sender`, whatever the client sent.
    static func forced(in mode: AccessMode, landlocked: Bool = false, sender: Bool = false) -> [String] {
        switch mode {
        case .readWrite, .readOnly: return []
        // What exists already is never overwritten, and with whole files the receiver picks no basis file
        // and sends no block checksums (the review's read-back channel).
        case .uploadOnly: return sender ? [] : ["--ignore-existing", "--whole-file"]
        case .appendOnly:
            // The generator skips every name that exists. The receiver then writes a temporary file and
            // renames it onto the name: rename(2) never follows a symbolic link, so the one thing it can
            // replace is a name another session created in the window between the check and the rename (no
            // file that existed when the transfer looked at it). A landlocked user's kernel refuses that
            // rename (it needs REMOVE_FILE, which the appendonly ruleset drops), so there rsync writes in
            // place instead: a new file is opened O_WRONLY|O_CREAT under its final name, following a
            // symbolic link another session planted there in the window. --munge-links makes every link
            // rsync stores point below /rsyncd-munged/, which does not exist and is outside the ruleset, so
            // such a link leads nowhere; no other program of the mode creates links. The same option on a
            // landlocked sender gives the links back as they were sent. rsync's closing ftruncate(2) on a
            // new file is why that ruleset keeps TRUNCATE. --inplace and --munge-links stay out of the
            // client's allow-list (see their entries).
            guard landlocked else { return sender ? [] : ["--ignore-existing"] }
            return sender ? ["--munge-links"] : ["--ignore-existing", "--inplace", "--munge-links"]
        }
    }

    /// Long-option prefixes refused in any word, even after `--` or as another option's value, because rsync
    /// would run a program, read a config, or take options from elsewhere (CVE-2012-2251/2252, CVE-2019-3463).
    static let bannedPrefixes: [String] = [
        "--rsh", "--daemon", "--config", "--remote-option", "--protect-args", "--secluded-args", "--rsync-path",
        "--log-file", "--read-batch", "--write-batch", "--password-file", "--early-input",
    ]
}
