/// Programs whose server side is started with one fixed argument list and nothing else.
enum FixedArgumentsValidator {
    /// The only argument list each such program accepts after its name.
    static func expected(for program: ServerProgram) -> [[UInt8]]? {
        switch program {
        case .cvs: [Array("server".utf8)]
        case .rdist: [Array("-Server".utf8)]
        case .rdistd: [Array("-S".utf8)]
        case .svnserve: [Array("-t".utf8)]
        default: nil
        }
    }

    static func validate(_ program: ServerProgram, _ arguments: ArraySlice<[UInt8]>) throws(ArgumentRejection) {
        guard let expected = expected(for: program) else {
            throw ArgumentRejection(program, "no fixed argument list")
        }
        guard Array(arguments) == expected else {
            let wanted = expected.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
            throw ArgumentRejection(program, "only \"\(wanted)\" is allowed")
        }
    }
}
