/// The text rssh prints when it refuses a login, kept word for word so users and admins recognise it.
public enum Banner {
    /// The banner for a user allowed `programs` (empty means locked out).
    public static func text(allowing programs: ProgramSet) -> String {
        let line =
            programs.isEmpty
            ? "This user is locked out."
            : "Allowed commands: " + programs.programs.map { $0.name }.joined(separator: " ")
        return "\nThis account is restricted by rssh.\n\(line)\n\n"
            + "If you believe this is in error, please contact your system administrator.\n\n"
    }
}
