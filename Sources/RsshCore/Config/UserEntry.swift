import CRsshLibc

/// A parsed `user=name:umask:bits[:chroot[:options]]` line, or a `group=` or `profile=` line with the same
/// fields (then `name` is the group's or the profile's name).
public struct UserEntry: Sendable, Equatable {
    /// The account (or, on a group line, the group) name the line applies to.
    public var name: String
    /// The umask for this user's sessions.
    public var umask: mode_t
    /// The programs the bits allow.
    public var programs: ProgramSet
    /// The jail, or nil: an omitted path means "not chrooted" (it does not inherit `chrootpath`).
    public var chrootPath: String?
    /// The line the entry came from.
    public var line: Int
    /// 5 (upstream order) or 6 (Debian order, with svnserve) bits.
    public var bitCount: Int
    /// The fifth field's options (none on a classic four-field line).
    public var options: UserOptions
    /// `maxsessions=N`: the most concurrent sessions of one account (nil: no limit).
    public var maxSessions: Int?
    /// The options' `root=SUBDIR`, if any.
    public var root: SessionRoot?

    /// Creates an entry.
    public init(
        name: String,
        umask: mode_t,
        programs: ProgramSet,
        chrootPath: String?,
        line: Int,
        bitCount: Int,
        options: UserOptions = [],
        maxSessions: Int? = nil,
        root: SessionRoot? = nil
    ) {
        self.name = name
        self.umask = umask
        self.programs = programs
        self.chrootPath = chrootPath
        self.line = line
        self.bitCount = bitCount
        self.options = options
        self.maxSessions = maxSessions
        self.root = root
    }
}
