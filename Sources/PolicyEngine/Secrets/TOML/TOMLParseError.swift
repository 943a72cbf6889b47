/// Why a TOML document was rejected, and where.
///
/// `description` reads `line 12, column 5: <reason>`, ready to be prefixed with a file name.
struct TOMLParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based line of the offending text.
    let line: Int
    /// The 1-based column of the offending text, counted in Unicode scalars.
    let column: Int
    /// A human-readable explanation, without position.
    let reason: String

    /// Creates an error at `line`/`column` (both 1-based).
    init(line: Int, column: Int, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    /// `line <line>, column <column>: <reason>`.
    var description: String {
        "line \(line), column \(column): \(reason)"
    }
}
