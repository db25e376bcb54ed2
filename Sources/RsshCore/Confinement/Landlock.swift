import CRsshBuildConfig
import CRsshLibc

/// Linux Landlock: the unprivileged confinement the login shell applies to a program before exec.
public enum Landlock {
    /// Access rights and scopes, by the kernel's numbering (linux/landlock.h, defined here because Debian
    /// 12's header stops at ABI 2).
    public enum Access {
        /// LANDLOCK_ACCESS_FS_EXECUTE.
        public static let execute: UInt64 = 1 << 0
        /// LANDLOCK_ACCESS_FS_WRITE_FILE.
        public static let writeFile: UInt64 = 1 << 1
        /// LANDLOCK_ACCESS_FS_READ_FILE.
        public static let readFile: UInt64 = 1 << 2
        /// LANDLOCK_ACCESS_FS_READ_DIR.
        public static let readDir: UInt64 = 1 << 3
        /// LANDLOCK_ACCESS_FS_REMOVE_DIR.
        public static let removeDir: UInt64 = 1 << 4
        /// LANDLOCK_ACCESS_FS_REMOVE_FILE (also needed by rename(2), which removes the old name).
        public static let removeFile: UInt64 = 1 << 5
        /// LANDLOCK_ACCESS_FS_MAKE_CHAR.
        public static let makeChar: UInt64 = 1 << 6
        /// LANDLOCK_ACCESS_FS_MAKE_BLOCK.
        public static let makeBlock: UInt64 = 1 << 11
        /// LANDLOCK_ACCESS_FS_REFER (ABI 2): renames and links across directories.
        public static let refer: UInt64 = 1 << 13
        /// LANDLOCK_ACCESS_FS_TRUNCATE (ABI 3).
        public static let truncate: UInt64 = 1 << 14
        /// LANDLOCK_ACCESS_FS_IOCTL_DEV (ABI 5).
        public static let ioctlDev: UInt64 = 1 << 15
        /// LANDLOCK_ACCESS_NET_BIND_TCP (ABI 4).
        public static let bindTCP: UInt64 = 1 << 0
        /// LANDLOCK_ACCESS_NET_CONNECT_TCP (ABI 4).
        public static let connectTCP: UInt64 = 1 << 1
        /// LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (ABI 6).
        public static let scopeAbstractUnixSocket: UInt64 = 1 << 0
        /// LANDLOCK_SCOPE_SIGNAL (ABI 6).
        public static let scopeSignal: UInt64 = 1 << 1

        /// Every filesystem right ABI `abi` knows (ABI 1: bits 0-12; 2: REFER; 3: TRUNCATE; 5: IOCTL_DEV).
        public static func filesystem(abi: Int32) -> UInt64 {
            var rights: UInt64 = (1 << 13) - 1
            if abi >= 2 { rights |= refer }
            if abi >= 3 { rights |= truncate }
            if abi >= 5 { rights |= ioctlDev }
            return rights
        }
    }

    /// LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON (ABI 7): the kernel logs denials after exec too.
    public static let logNewExecOn: UInt32 = 1 << 1

    /// The running kernel's ABI (> 0), or -errno when Landlock is missing or disabled.
    public static func abi() -> Int32 {
        let simulation = CRsshBuildConfig_landlock_simulation_path()
        if let simulation, simulation.pointee != 0, system_access_path(simulation, F_OK) == 0 { return -ENOSYS }
        return system_landlock_abi()
    }

    /// Why a session cannot be confined on a kernel that answered `abi`, or nil when it can.
    public static func problem(abi: Int32) -> String? {
        if abi <= 0 {
            let reason = SystemError(call: "landlock_create_ruleset", code: -abi).reason
            return "Landlock is not available on this kernel (\(reason))"
        }
        if abi < LandlockPlan.minimumABI {
            return
                "Landlock ABI \(abi) is too old (ABI \(LandlockPlan.minimumABI) is needed for renames across directories)"
        }
        return nil
    }
}

extension LandlockPlan {
    /// Applies the plan to this process: create the ruleset, add every rule, restrict.
    ///
    /// no_new_privs must already be set. Any failure leaves the process unconfined and is returned; the
    /// caller then refuses instead of exec'ing (never a fallback to more access).
    public func apply() -> SystemError? {
        let ruleset = system_landlock_create(handledFilesystem, handledNetwork, scoped, abi)
        guard ruleset >= 0 else { return SystemError(call: "landlock_create_ruleset", code: -ruleset) }
        defer { _ = system_close(ruleset) }
        for rule in rules {
            var fd = CBytes.withCString(rule.path) { system_open_path($0) }
            guard fd >= 0 else {
                let error = SystemError.current("open", Printable.text(rule.path))
                if rule.required || error.code != ENOENT { return error }
                continue
            }
            // A root= below the home: each component a real directory, never a link the user planted.
            for part in rule.beneath {
                let next = CBytes.withCString(part) { system_open_path_beneath(fd, $0) }
                let error = SystemError.current("open", Printable.text(rule.displayPath))
                _ = system_close(fd)
                guard next >= 0 else { return error }
                fd = next
            }
            if rule.entered, system_fchdir(fd) != 0 {
                let error = SystemError.current("fchdir", Printable.text(rule.displayPath))
                _ = system_close(fd)
                return error
            }
            let status = system_landlock_allow_beneath(ruleset, fd, rule.access)
            _ = system_close(fd)
            guard status == 0 else {
                return SystemError(call: "landlock_add_rule", subject: Printable.text(rule.displayPath), code: -status)
            }
        }
        let status = system_landlock_restrict(ruleset, restrictFlags)
        guard status == 0 else { return SystemError(call: "landlock_restrict_self", code: -status) }
        return nil
    }
}
