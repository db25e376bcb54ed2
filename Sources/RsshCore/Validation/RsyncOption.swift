/// One option an rsync client can legitimately send to an rsync server.
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

    /// The long name without dashes, such as `delete`.
    var name: String
    /// What follows it.
    var value: Value

    /// The long options a client can put on the server's command line.
    ///
    /// Derived from rsync 3.2.7's `server_options()` (options.c): every long option a client sends to the
    /// server, and nothing a client only uses locally. Options that run programs,
    /// read configuration, or smuggle further options in (`--rsh`, `--daemon`, `--config`,
    /// `--remote-option`, `--protect-args`, `--rsync-path`, `--log-file`, batch reading) are absent.
    static let longOptions: [String: RsyncOption] = {
        let table: [RsyncOption] = [
            // Mode.
            .init(name: "sender", value: .none),
            .init(name: "list-only", value: .none),
            .init(name: "no-r", value: .none),
            // Deletion.
            .init(name: "delete", value: .none),
            .init(name: "delete-before", value: .none),
            .init(name: "delete-during", value: .none),
            .init(name: "delete-delay", value: .none),
            .init(name: "delete-after", value: .none),
            .init(name: "delete-excluded", value: .none),
            .init(name: "delete-missing-args", value: .none),
            .init(name: "ignore-missing-args", value: .none),
            .init(name: "force", value: .none),
            .init(name: "max-delete", value: .integer),
            .init(name: "ignore-errors", value: .none),
            // What is transferred.
            .init(name: "size-only", value: .none),
            .init(name: "min-size", value: .text),
            .init(name: "max-size", value: .text),
            .init(name: "existing", value: .none),
            .init(name: "ignore-existing", value: .none),
            .init(name: "remove-source-files", value: .none),
            .init(name: "remove-sent-files", value: .none),
            .init(name: "specials", value: .none),
            .init(name: "no-specials", value: .none),
            .init(name: "copy-devices", value: .none),
            .init(name: "write-devices", value: .none),
            .init(name: "copy-unsafe-links", value: .none),
            .init(name: "safe-links", value: .none),
            .init(name: "files-from", value: .text),
            .init(name: "from0", value: .none),
            .init(name: "no-relative", value: .none),
            .init(name: "no-implied-dirs", value: .none),
            .init(name: "mkpath", value: .none),
            // How it is written.
            .init(name: "partial", value: .none),
            .init(name: "partial-dir", value: .text),
            .init(name: "delay-updates", value: .none),
            .init(name: "inplace", value: .none),
            .init(name: "append", value: .none),
            .init(name: "no-W", value: .none),
            .init(name: "preallocate", value: .none),
            .init(name: "fsync", value: .none),
            .init(name: "temp-dir", value: .text),
            .init(name: "backup-dir", value: .text),
            .init(name: "suffix", value: .text),
            .init(name: "compare-dest", value: .text),
            .init(name: "copy-dest", value: .text),
            .init(name: "link-dest", value: .text),
            .init(name: "open-noatime", value: .none),
            .init(name: "super", value: .none),
            // Ownership and names.
            .init(name: "numeric-ids", value: .none),
            .init(name: "usermap", value: .text),
            .init(name: "groupmap", value: .text),
            .init(name: "iconv", value: .text),
            // Protocol tuning.
            .init(name: "timeout", value: .natural),
            .init(name: "bwlimit", value: .natural),
            .init(name: "modify-window", value: .integer),
            .init(name: "checksum-seed", value: .natural),
            .init(name: "checksum-choice", value: .text),
            .init(name: "compress-level", value: .natural),
            .init(name: "compress-choice", value: .text),
            .init(name: "new-compress", value: .none),
            .init(name: "old-compress", value: .none),
            .init(name: "skip-compress", value: .text),
            .init(name: "max-alloc", value: .text),
            .init(name: "use-qsort", value: .none),
            .init(name: "only-write-batch", value: .oneOf(["X"])),
            // Messages.
            .init(name: "log-format", value: .oneOf(["%i", "%i%I", "%o", "X"])),
            .init(name: "msgs2stderr", value: .none),
            .init(name: "no-msgs2stderr", value: .none),
            .init(name: "stats", value: .none),
            .init(name: "info", value: .text),
            .init(name: "debug", value: .text),
        ]
        return Dictionary(uniqueKeysWithValues: table.map { ($0.name, $0) })
    }()

    /// The single-letter flags `server_options()` can put in the leading cluster (before `e`).
    ///
    /// `s` (protect-args) is deliberately absent: with it, rsync reads further options from stdin, unchecked.
    static let clusterFlags: Set<UInt8> = Set("vqbunldKmOJyLkWHogDtUNpEAXrcCIRxSz".utf8)

    /// Long-option prefixes refused in any word, even after `--` or as another option's value, because rsync
    /// would run a program, read a config, or take options from elsewhere (CVE-2012-2251/2252, CVE-2019-3463).
    static let bannedPrefixes: [String] = [
        "--rsh", "--daemon", "--config", "--remote-option", "--protect-args", "--secluded-args", "--rsync-path",
        "--log-file", "--read-batch", "--write-batch", "--password-file", "--early-input",
    ]
}
