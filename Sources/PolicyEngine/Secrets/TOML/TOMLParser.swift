/// Parser for TOML 1.0 documents.
///
/// Supports the whole TOML 1.0 grammar: bare, quoted and dotted keys; `[tables]` and
/// `[[arrays of tables]]`; inline tables; all four string kinds and escapes; decimal,
/// hexadecimal, octal and binary integers; floats including `inf` and `nan`; booleans;
/// offset/local date-times, local dates and local times (validated, kept as raw text);
/// comments; LF and CRLF line endings. A leading byte-order mark is skipped.
///
/// Arrays and inline tables may nest at most 128 levels deep, and a key may have at most 128
/// dotted components; deeper input is rejected with an error rather than exhausting the stack.
enum TOMLParser {
    /// Parses `text` as a TOML document and returns its root table.
    ///
    /// - Throws: `TOMLParseError` with the line and column of the first problem found.
    static func parse(_ text: String) throws(TOMLParseError) -> TOMLTable {
        var reader = TOMLReader(text)
        return try reader.parseDocument()
    }
}
