/// A value written as one string in JSON (`"Bash(npm test:*)"`, `"release/*"`): decoded with `init(_:)`
/// and encoded as `codingText`.
protocol TextCodable: Codable {
    /// Creates the value from its text.
    init(_ text: String)
    /// The text it is written as.
    var codingText: String { get }
}

extension TextCodable {
    /// Decodes the value from a single string.
    /// - Throws: a `DecodingError` when the value is not a string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.init(try container.decode(String.self))
    }

    /// Encodes the value as its text.
    /// - Throws: an `EncodingError` from the encoder.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(codingText)
    }
}
