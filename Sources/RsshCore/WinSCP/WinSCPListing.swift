/// Renders `ls -la` output, byte for byte in the shape WinSCP's `TRemoteFile::SetListingStr` parses.
///
/// Pure: the responder gathers the facts (lstat, readlink, owner and group names) and this lays them out
/// as GNU ls does in the C locale: an optional `total N` line, then for each entry the type and nine rights
/// characters, the link count, owner, group, size (`major, minor` for devices), the date, the name and, for
/// a symbolic link, ` -> target`. Columns are padded to a common width like ls (WinSCP accepts any number of
/// spaces). Times are always UTC (`+0000`): the responder may run in a jail without /etc/localtime.
public enum WinSCPListing {
    /// What `ls -l` shows of one directory entry.
    public struct Entry: Equatable, Sendable {
        /// The name as printed: the entry's name, or the operand as given for `ls -d` and for files.
        public var name: [UInt8]
        /// `st_mode`: file type and permission bits.
        public var mode: UInt32
        /// `st_nlink`.
        public var linkCount: UInt64
        /// The owner's name, or the uid in decimal when it has none.
        public var owner: [UInt8]
        /// The group's name, or the gid in decimal when it has none.
        public var group: [UInt8]
        /// `st_size`.
        public var size: Int64
        /// The device's major and minor numbers (`st_rdev`), for character and block devices.
        public var device: (major: UInt32, minor: UInt32)
        /// `st_blocks`, in 512-byte units (for the `total` line).
        public var blocks: Int64
        /// `st_mtim`: seconds since the epoch and nanoseconds.
        public var modified: (seconds: Int64, nanoseconds: Int64)
        /// The target of a symbolic link (readlink), nil for anything else.
        public var linkTarget: [UInt8]?

        /// Creates an entry.
        public init(
            name: [UInt8],
            mode: UInt32,
            linkCount: UInt64,
            owner: [UInt8],
            group: [UInt8],
            size: Int64,
            device: (major: UInt32, minor: UInt32) = (0, 0),
            blocks: Int64 = 0,
            modified: (seconds: Int64, nanoseconds: Int64),
            linkTarget: [UInt8]? = nil
        ) {
            self.name = name
            self.mode = mode
            self.linkCount = linkCount
            self.owner = owner
            self.group = group
            self.size = size
            self.device = device
            self.blocks = blocks
            self.modified = modified
            self.linkTarget = linkTarget
        }

        /// Entries are equal when every shown field is.
        public static func == (left: Entry, right: Entry) -> Bool {
            left.name == right.name && left.mode == right.mode && left.linkCount == right.linkCount
                && left.owner == right.owner && left.group == right.group && left.size == right.size
                && left.device == right.device && left.blocks == right.blocks && left.modified == right.modified
                && left.linkTarget == right.linkTarget
        }
    }

    static let typeMask: UInt32 = 0o170000

    /// The listing of `entries`, one line each, in byte order of their names (ls in the C locale).
    /// - Parameters:
    ///   - entries: the entries to show (for a directory: including `.` and `..`).
    ///   - fullTime: `--full-time`'s `YYYY-MM-DD HH:MM:SS.nnnnnnnnn +0000` instead of `Mon dd HH:MM`.
    ///   - total: whether to start with `total N` (ls does for a directory, not for file operands).
    ///   - now: the current time in seconds, which decides between the classic time and year forms.
    /// - Returns: the text, every line ending in a newline.
    public static func render(_ entries: [Entry], fullTime: Bool, total: Bool, now: Int64) -> [UInt8] {
        let sorted = entries.sorted { $0.name.lexicographicallyPrecedes($1.name) }
        var linkWidth = 0
        var ownerWidth = 0
        var groupWidth = 0
        var majorWidth = 0
        var minorWidth = 0
        var sizeWidth = 0
        var blocks: Int64 = 0
        for entry in sorted {
            linkWidth = max(linkWidth, String(entry.linkCount).utf8.count)
            ownerWidth = max(ownerWidth, entry.owner.count)
            groupWidth = max(groupWidth, entry.group.count)
            if isDevice(entry.mode) {
                majorWidth = max(majorWidth, String(entry.device.major).utf8.count)
                minorWidth = max(minorWidth, String(entry.device.minor).utf8.count)
            } else {
                sizeWidth = max(sizeWidth, String(entry.size).utf8.count)
            }
            blocks += max(entry.blocks, 0)
        }
        if majorWidth > 0 { sizeWidth = max(sizeWidth, majorWidth + 2 + minorWidth) }
        var output: [UInt8] = []
        if total {
            // ls counts 1024-byte blocks, rounding the sum up.
            output += Array("total \((blocks + 1) / 2)\n".utf8)
        }
        for entry in sorted {
            output += rights(entry.mode)
            output.append(UInt8(ascii: " "))
            output += padded(Array(String(entry.linkCount).utf8), to: linkWidth, left: true)
            output.append(UInt8(ascii: " "))
            output += padded(entry.owner, to: ownerWidth, left: false)
            output.append(UInt8(ascii: " "))
            output += padded(entry.group, to: groupWidth, left: false)
            output.append(UInt8(ascii: " "))
            let size: [UInt8]
            if isDevice(entry.mode) {
                size =
                    padded(Array(String(entry.device.major).utf8), to: majorWidth, left: true) + Array(", ".utf8)
                    + padded(Array(String(entry.device.minor).utf8), to: minorWidth, left: true)
            } else {
                size = Array(String(entry.size).utf8)
            }
            output += padded(size, to: sizeWidth, left: true)
            output.append(UInt8(ascii: " "))
            output += fullTime ? fullTimeStamp(entry.modified) : classicTimeStamp(entry.modified.seconds, now: now)
            output.append(UInt8(ascii: " "))
            output += printableName(entry.name)
            if entry.mode & typeMask == 0o120000 {
                output += Array(" -> ".utf8) + printableName(entry.linkTarget ?? [])
            }
            output.append(UInt8(ascii: "\n"))
        }
        return output
    }

    static func isDevice(_ mode: UInt32) -> Bool {
        let type = mode & typeMask
        return type == 0o020000 || type == 0o060000
    }

    /// The ten characters `drwxr-xr-x` for `mode`, with `s S t T` for the special bits.
    public static func rights(_ mode: UInt32) -> [UInt8] {
        let type: Character =
            switch mode & typeMask {
            case 0o040000: "d"
            case 0o120000: "l"
            case 0o020000: "c"
            case 0o060000: "b"
            case 0o010000: "p"
            case 0o140000: "s"
            case 0o100000: "-"
            default: "?"
            }
        var text: [UInt8] = [UInt8(ascii: type.unicodeScalars.first ?? "?")]
        let special: [(UInt32, UInt8)] = [
            (0o4000, UInt8(ascii: "s")), (0o2000, UInt8(ascii: "s")), (0o1000, UInt8(ascii: "t")),
        ]
        for group in 0..<3 {
            let shift = UInt32(6 - 3 * group)
            let bits = (mode >> shift) & 7
            text.append(bits & 4 != 0 ? UInt8(ascii: "r") : UInt8(ascii: "-"))
            text.append(bits & 2 != 0 ? UInt8(ascii: "w") : UInt8(ascii: "-"))
            let (specialBit, letter) = special[group]
            let execute = bits & 1 != 0
            if mode & specialBit != 0 {
                // Lower case when the execute bit is also set, upper case when it is not.
                text.append(execute ? letter : letter - 0x20)
            } else {
                text.append(execute ? UInt8(ascii: "x") : UInt8(ascii: "-"))
            }
        }
        return text
    }

    /// A name with control characters shown as `?`, as `ls -q` does: a newline in a file name must not
    /// start a line that WinSCP would read as another entry or as its end-of-file marker.
    static func printableName(_ name: [UInt8]) -> [UInt8] {
        name.map { $0 < 0x20 || $0 == 0x7F ? UInt8(ascii: "?") : $0 }
    }

    static func padded(_ text: [UInt8], to width: Int, left: Bool) -> [UInt8] {
        guard text.count < width else { return text }
        let fill = [UInt8](repeating: UInt8(ascii: " "), count: width - text.count)
        return left ? fill + text : text + fill
    }

    /// `YYYY-MM-DD HH:MM:SS.nnnnnnnnn +0000`.
    static func fullTimeStamp(_ time: (seconds: Int64, nanoseconds: Int64)) -> [UInt8] {
        let date = UTCDate(seconds: time.seconds)
        let nanoseconds = Int(min(max(time.nanoseconds, 0), 999_999_999))
        let text =
            "\(digits(date.year, 4))-\(digits(date.month, 2))-\(digits(date.day, 2)) "
            + "\(digits(date.hour, 2)):\(digits(date.minute, 2)):\(digits(date.second, 2)).\(digits(nanoseconds, 9)) +0000"
        return Array(text.utf8)
    }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Mon dd HH:MM` for times in the past six months, `Mon dd  YYYY` otherwise (GNU ls's rule).
    static func classicTimeStamp(_ seconds: Int64, now: Int64) -> [UInt8] {
        let date = UTCDate(seconds: seconds)
        let sixMonths: Int64 = 31_556_952 / 2
        let recent = seconds > now - sixMonths && seconds <= now
        let day = date.day < 10 ? " \(date.day)" : "\(date.day)"
        let tail = recent ? "\(digits(date.hour, 2)):\(digits(date.minute, 2))" : " \(date.year)"
        return Array("\(monthNames[date.month - 1]) \(day) \(tail)".utf8)
    }

    static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.utf8.count >= width ? text : String(repeating: "0", count: width - text.utf8.count) + text
    }
}
