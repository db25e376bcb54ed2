/// Builds the environment a transfer program gets: an allow-list, never the inherited environment.
///
/// HOME, USER, LOGNAME and SHELL come from passwd, PATH is fixed, and only a few inherited variables pass,
/// each only with a plain value: SSH_CLIENT, SSH_CONNECTION, SSH_TTY, TZ, LANG and LC_*, and GIT_PROTOCOL for git
/// (with `GIT_CONFIG_NOSYSTEM` and `GIT_CONFIG_GLOBAL=/dev/null`; `PYTHONNOUSERSITE` for borg). Everything else,
/// `LD_*` above all, is dropped. rsync gets no HOME, so popt cannot read an uploaded `~/.popt`
/// (CVE-2019-3464).
public enum ExecEnvironment {
    /// The fixed PATH.
    public static let path = "/bin:/usr/bin"

    /// The environment for `program`, run by `account` with home directory `home`.
    /// - Parameters:
    ///   - inherited: the shell's own environment as `NAME=value` byte strings.
    public static func build(
        for program: ServerProgram,
        account: Account,
        home: [UInt8],
        inherited: [[UInt8]]
    ) -> [[UInt8]] {
        var result: [[UInt8]] = []
        if program != .rsync { result.append(Array("HOME=".utf8) + home) }
        result.append(Array("USER=\(account.name)".utf8))
        result.append(Array("LOGNAME=\(account.name)".utf8))
        result.append(Array("SHELL=".utf8) + account.shell)
        result.append(Array("PATH=\(path)".utf8))
        if program.isGit {
            // No configuration outside the repository but rssh's own -c settings (the user can upload a
            // ~/.gitconfig, which git trusts like the system's: uploadpack.packObjectsHook).
            result.append(Array("GIT_CONFIG_NOSYSTEM=1".utf8))
            result.append(Array("GIT_CONFIG_GLOBAL=/dev/null".utf8))
        }
        // Python would import from ~/.local/lib/python3.*/site-packages, which the user can upload.
        if program == .borg { result.append(Array("PYTHONNOUSERSITE=1".utf8)) }
        // The names passed so far, a handful at most: a later duplicate is dropped.
        var passed: [ArraySlice<UInt8>] = []
        for entry in inherited {
            guard let equals = entry.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = entry[..<equals]
            let value = entry[(equals + 1)...]
            let gitProtocol = program.isGit && ByteScan.equals(name, "GIT_PROTOCOL") && isGitProtocol(value)
            guard gitProtocol || passes(name: name, value: value),
                !passed.contains(where: { $0.elementsEqual(name) })
            else { continue }
            passed.append(name)
            result.append(entry)
        }
        return result
    }

    /// Whether an inherited variable may pass.
    ///
    /// Compared as bytes: a variable name is not text to normalise (and String comparison would bring
    /// Unicode's tables into every session's start).
    static func passes(name: ArraySlice<UInt8>, value: ArraySlice<UInt8>) -> Bool {
        guard value.count <= 256 else { return false }
        if ByteScan.equals(name, "SSH_CLIENT") || ByteScan.equals(name, "SSH_CONNECTION") {
            return value.allSatisfy { isHex($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ":") || $0 == 0x20 }
        }
        if ByteScan.equals(name, "SSH_TTY") {
            return value.starts(with: "/dev/".utf8) && !contains(value, "..") && value.allSatisfy(isPathByte)
        }
        if ByteScan.equals(name, "TZ") {
            return !value.isEmpty && !contains(value, "..")
                && value.allSatisfy { isPathByte($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ",") }
        }
        let locale =
            ByteScan.equals(name, "LANG")
            || (ByteScan.hasPrefix(name, "LC_") && name.count > 3
                && name.dropFirst(3).allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") })
        guard locale else { return false }
        return !value.isEmpty && value.count <= 64
            && value.allSatisfy {
                isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "@")
                    || $0 == UInt8(ascii: "-")
            }
    }

    /// git's protocol request as sshd accepted it (`AcceptEnv GIT_PROTOCOL`): `version=2`, colon-separated
    /// `key=value` words of letters, digits, `.`, `_` and `-`, at most 64 bytes.
    static func isGitProtocol(_ value: ArraySlice<UInt8>) -> Bool {
        !value.isEmpty && value.count <= 64
            && value.allSatisfy {
                isAlphanumeric($0) || $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".")
                    || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
            }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x66)
    }

    private static func isPathByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
    }

    private static func contains(_ value: ArraySlice<UInt8>, _ needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard value.count >= pattern.count else { return false }
        var index = value.startIndex
        while index + pattern.count <= value.endIndex {
            if value[index..<(index + pattern.count)].elementsEqual(pattern) { return true }
            index += 1
        }
        return false
    }

    /// The client address: the first field of SSH_CONNECTION (or SSH_CLIENT), if it looks like an address.
    public static func clientAddress(from inherited: [[UInt8]]) -> String? {
        for key in ["SSH_CONNECTION=", "SSH_CLIENT="] {
            let prefix = Array(key.utf8)
            guard let entry = inherited.first(where: { $0.starts(with: prefix) }) else { continue }
            let value = entry[prefix.count...]
            let field = value.prefix { $0 != 0x20 }
            guard !field.isEmpty, field.count <= 64,
                field.allSatisfy({ isHex($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ":") })
            else { continue }
            return String(decoding: field, as: UTF8.self)
        }
        return nil
    }
}
