/// A value in a TOML document.
///
/// Equality is structural. Floats compare with IEEE semantics, so a document holding `nan`
/// is not equal to itself; tables compare as unordered key/value sets (see `TOMLTable`).
enum TOMLValue: Sendable, Equatable {
    /// A basic, literal, multi-line basic or multi-line literal string, escapes resolved.
    case string(String)
    /// A decimal, hexadecimal, octal or binary integer.
    case integer(Int64)
    /// A binary64 float, including `inf` and `nan`.
    case float(Double)
    /// `true` or `false`.
    case boolean(Bool)
    /// An offset date-time, local date-time, local date or local time, kept as written
    /// (validated, not interpreted).
    case dateTime(String)
    /// A static array (`[ ... ]`) or an array of tables (`[[ ... ]]`).
    case array([TOMLValue])
    /// A table: the root, a `[header]` table, an array-of-tables element or an inline table.
    case table(TOMLTable)

    /// The string payload, or `nil` if this is not a string.
    var stringValue: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// The integer payload, or `nil` if this is not an integer.
    var integerValue: Int64? {
        if case .integer(let value) = self { value } else { nil }
    }

    /// The float payload, or `nil` if this is not a float. Integers are not converted.
    var floatValue: Double? {
        if case .float(let value) = self { value } else { nil }
    }

    /// The boolean payload, or `nil` if this is not a boolean.
    var booleanValue: Bool? {
        if case .boolean(let value) = self { value } else { nil }
    }

    /// The raw date-time text, or `nil` if this is not a date-time.
    var dateTimeValue: String? {
        if case .dateTime(let value) = self { value } else { nil }
    }

    /// The elements, or `nil` if this is not an array.
    var arrayValue: [TOMLValue]? {
        if case .array(let value) = self { value } else { nil }
    }

    /// The table, or `nil` if this is not a table.
    var tableValue: TOMLTable? {
        if case .table(let value) = self { value } else { nil }
    }

    /// The TOML name of this value's type ("string", "integer", "float", "boolean",
    /// "date-time", "array" or "table"), for error messages.
    var typeName: String {
        switch self {
        case .string: "string"
        case .integer: "integer"
        case .float: "float"
        case .boolean: "boolean"
        case .dateTime: "date-time"
        case .array: "array"
        case .table: "table"
        }
    }
}
