import CRsshLibc

/// Why a profile cannot apply to a line: it would widen it, or it contradicts it.
public enum ProfileConflict: Error, Sendable, Equatable, CustomStringConvertible {
    /// The profile allows programs the line does not.
    case programs([String])
    /// The profile has options that grant something the line does not have.
    case options(String)
    /// The profile's access mode is another than the line's.
    case accessMode(line: AccessMode, profile: AccessMode)
    /// The profile chroots a landlocked line, or landlocks a jailed one.
    case confinement(String)
    /// The profile names another jail than the line's.
    case jail(line: String, profile: String)
    /// The profile has `root=` and neither it nor the line has a confinement that enforces it.
    case rootWithoutConfinement

    /// The message, naming what the profile would add.
    public var description: String {
        switch self {
        case .programs(let names):
            "it allows \(names.joined(separator: ", ")), which the line does not (a profile only narrows)"
        case .options(let names): "its options \(names) grant what the line does not (a profile only narrows)"
        case .accessMode(let line, let profile):
            "its access mode \(profile) contradicts the line's \(line) (one access mode per session)"
        case .confinement(let what): what
        case .jail(let line, let profile): "its chroot path \(profile) is not the line's jail \(line)"
        case .rootWithoutConfinement:
            "root= needs landlock or a chroot path on the profile or its line (never a path check alone)"
        }
    }
}

extension UserPolicy {
    /// Options a profile may add and never drop: each only takes away (a confinement, an access mode) or
    /// watches (`supervised`, which `maxsessions` needs: a profile dropping it would lift the account's limit).
    public static let narrowingOptions: UserOptions = [.landlock, .readOnly, .uploadOnly, .appendOnly, .supervised]

    /// This policy narrowed by `profile`, or why the profile cannot apply to it.
    ///
    /// Programs (and the options that allow programs or interactive use: `checksums`, `borg`, `git`, `winscp`,
    /// `unconfinedexec`) are the profile's own, which must be among the line's; `landlock` and the access
    /// mode are the line's plus the profile's; the umask is the line's with the profile's bits added; the
    /// jail is the line's (a profile may name the same one, or add one to a line without confinement); the
    /// root is the profile's beneath the line's; `supervised` is the line's plus the profile's, and the session
    /// limit the lower of the two (a profile's `maxsessions=N` caps the account's open sessions when a session
    /// under it starts: the slots are the account's).
    public func narrowed(by profile: UserEntry) -> Result<UserPolicy, ProfileConflict> {
        let extra = profile.programs.programs.filter { !programs.allows($0) }.map { $0.name }
        if !extra.isEmpty { return .failure(.programs(extra)) }
        let granting = profile.options.subtracting(Self.narrowingOptions)
        let widening = granting.subtracting(options)
        if !widening.isEmpty { return .failure(.options(widening.names)) }
        let lineMode = accessMode
        let profileMode = profile.options.accessMode
        if lineMode != .readWrite, profileMode != .readWrite, lineMode != profileMode {
            return .failure(.accessMode(line: lineMode, profile: profileMode))
        }
        if let profileJail = profile.chrootPath {
            if options.contains(.landlock) {
                return .failure(.confinement("its chroot path \(profileJail) would replace the line's landlock"))
            }
            if let chrootPath, chrootPath != profileJail {
                return .failure(.jail(line: chrootPath, profile: profileJail))
            }
        }
        if profile.options.contains(.landlock), let chrootPath {
            return .failure(.confinement("its landlock would replace the line's jail \(chrootPath)"))
        }
        var result = self
        result.programs = profile.programs
        result.options = options.intersection(Self.narrowingOptions).union(profile.options)
        result.umask = umask | profile.umask
        result.maxSessions = [maxSessions, profile.maxSessions].compactMap { $0 }.min()
        result.chrootPath = chrootPath ?? profile.chrootPath
        if let inner = profile.root { result.root = root.map { $0.appending(inner) } ?? inner }
        result.profile = profile.name
        if result.root != nil, result.chrootPath == nil, !result.options.contains(.landlock) {
            return .failure(.rootWithoutConfinement)
        }
        if result.options.contains(.borg), result.chrootPath != nil {
            return .failure(.confinement("its chroot path would jail borg (a Python program; a jail has no Python)"))
        }
        return .success(result)
    }
}
