extension VersionReport {
    /// The most conflicts listed for one profile; the rest are counted.
    static let profileConflictsShown = 5

    /// The profiles section of `rssh -v`: each profile's own fields, then every (line, profile) pair the file
    /// shows where the profile would widen or contradict the line, so a key of such an account that selects
    /// it is refused.
    ///
    /// Which account's keys select which profile is in authorized_keys, not here: a conflict is a warning
    /// about a pair that may never be used, and the session refuses it with the same reason if it is.
    static func profileLines(_ config: Configuration) -> String {
        var out = "\nProfiles (selected by a key's command=\"rssh-profile NAME\"; a profile only narrows the "
        out += "account's own line)\n"
        for profile in config.profiles {
            var fields = UserPolicy(
                programs: profile.programs,
                umask: profile.umask,
                chrootPath: profile.chrootPath,
                source: .global,
                options: profile.options
            )
            fields.root = profile.root
            out += policyLine("profile \(profile.name) (line \(profile.line))", fields)
        }
        var lines: [(who: String, policy: UserPolicy)] = policies(config)
        lines.removeAll { $0.who.hasPrefix("default") && config.errors.contains { $0.scope == .global } }
        var any = false
        for profile in config.profiles {
            var conflicts: [String] = []
            for (who, policy) in lines {
                guard case .failure(let conflict) = policy.narrowed(by: profile) else { continue }
                conflicts.append(
                    "  warning: profile \(profile.name) (line \(profile.line)) cannot apply to \(who): \(conflict); "
                        + "a key of such an account that selects it is refused"
                )
            }
            for conflict in conflicts.prefix(profileConflictsShown) { out += conflict + "\n" }
            if conflicts.count > profileConflictsShown {
                out +=
                    "  … and \(conflicts.count - profileConflictsShown) more lines profile \(profile.name) cannot narrow\n"
            }
            any = any || !conflicts.isEmpty
        }
        if !any { out += "  every profile narrows every line it could be used with\n" }
        return out
    }
}
