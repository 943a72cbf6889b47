/// A TOML table: string keys mapped to values, in the order they first appeared in the
/// source, each remembering the 1-based line on which it was defined.
///
/// Equality compares contents only: two tables are equal when they hold the same keys with
/// equal values, regardless of key order and source lines (as TOML tables are unordered).
struct TOMLTable: Sendable, Equatable {
    /// The keys, in source order.
    let keys: [String]

    /// The 1-based line where this table started: its `[header]` or `[[header]]`, the `{` of
    /// an inline table, the key that implicitly created it, or 1 for the root table.
    let line: Int

    private let values: [TOMLValue]
    private let lines: [Int]
    private let positions: [String: Int]

    /// Creates an empty table starting on line 1.
    init() {
        self.init(line: 1, keys: [], values: [], lines: [], positions: [:])
    }

    /// The number of keys.
    var count: Int {
        keys.count
    }

    /// Whether the table has no keys.
    var isEmpty: Bool {
        keys.isEmpty
    }

    /// The value stored under `key`, or `nil` if there is none.
    subscript(key: String) -> TOMLValue? {
        positions[key].map { values[$0] }
    }

    /// The 1-based source line on which `key` was defined, or `nil` if there is no such key.
    ///
    /// For a sub-table this is the line of the header (or dotted key) that defined it; for an
    /// array of tables, the line of its first `[[header]]`.
    func line(of key: String) -> Int? {
        positions[key].map { lines[$0] }
    }

    /// Creates a table from parallel arrays in source order; `positions` maps each key to its
    /// index. Used by the parser, which already holds exactly this index.
    init(line: Int, keys: [String], values: [TOMLValue], lines: [Int], positions: [String: Int]) {
        self.line = line
        self.keys = keys
        self.values = values
        self.lines = lines
        self.positions = positions
    }

    /// Tables are equal when they hold the same keys with equal values; key order and source
    /// lines are ignored.
    static func == (lhs: TOMLTable, rhs: TOMLTable) -> Bool {
        guard lhs.keys.count == rhs.keys.count else { return false }
        for (position, key) in lhs.keys.enumerated() {
            guard let other = rhs[key], other == lhs.values[position] else { return false }
        }
        return true
    }
}
