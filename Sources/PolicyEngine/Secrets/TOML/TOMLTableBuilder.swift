/// A mutable table used while parsing, frozen into a `TOMLTable` by `build()`.
///
/// Besides holding entries, it enforces TOML's rules on where a table may be defined or
/// extended:
/// - a table is defined by at most one `[header]`; a table that only exists because a longer
///   header passed through it (`[a.b]` creates `a`) may still get its own header later;
/// - a table created by dotted keys (`a.b = 1` creates `a`) cannot get a `[header]`, and
///   dotted keys can only extend it from the section that created it;
/// - dotted keys cannot reach into a table defined by a `[header]` or `[[header]]`;
/// - inline tables and static arrays are sealed: nothing may be added to them afterwards;
/// - `[[header]]` appends to an array of tables and `[x.y]` descends into its last element.
final class TOMLTableBuilder {
    /// How a table came into existence, which decides how it may be reopened.
    enum Origin {
        /// The document's root table.
        case root
        /// Created only as the parent of a longer header, e.g. `a` by `[a.b]`.
        case implicit
        /// Defined by its own `[header]`.
        case header
        /// An element appended by `[[header]]`.
        case arrayElement
        /// Created by a dotted key in the section (header or inline table) numbered `section`.
        case dotted(section: Int)
        /// The top of an inline table under construction.
        case inline
    }

    /// A violation of TOML's definition rules; `line` is where the existing entry was defined.
    enum Conflict: Error {
        case duplicateKey(line: Int)
        case tableAlreadyDefined(line: Int)
        case tableDefinedByDottedKeys(line: Int)
        case tableDefinedByHeader(line: Int)
        case inlineTableSealed(line: Int)
        case notATable(typeName: String, line: Int)
        case staticArray(line: Int)
        case arrayOfTables(line: Int)
        case notAnArrayOfTables(line: Int)
    }

    /// The elements of an array of tables, shared so appending does not copy.
    final class TableArray {
        var elements: [TOMLTableBuilder]

        init(first: TOMLTableBuilder) {
            elements = [first]
        }
    }

    /// What a key holds.
    enum Slot {
        case value(TOMLValue)
        case table(TOMLTableBuilder)
        case tableArray(TableArray)
    }

    private(set) var origin: Origin
    private(set) var line: Int
    private var names: [String] = []
    private var slots: [Slot] = []
    private var lines: [Int] = []
    private var positions: [String: Int] = [:]

    init(origin: Origin, line: Int) {
        self.origin = origin
        self.line = line
    }

    private func add(_ slot: Slot, forKey key: String, line: Int) {
        positions[key] = names.count
        names.append(key)
        slots.append(slot)
        lines.append(line)
    }

    /// The conflict for trying to treat a plain value as a table.
    private static func valueConflict(_ value: TOMLValue, line: Int) -> Conflict {
        if case .table = value {
            return .inlineTableSealed(line: line)
        }
        return .notATable(typeName: value.typeName, line: line)
    }

    /// Steps into `key` for a non-final component of a `[header]` or `[[header]]`, creating an
    /// implicit table if needed; for an array of tables this is its last element.
    func headerChild(_ key: String, line: Int) throws(Conflict) -> TOMLTableBuilder {
        guard let position = positions[key] else {
            let child = TOMLTableBuilder(origin: .implicit, line: line)
            add(.table(child), forKey: key, line: line)
            return child
        }
        switch slots[position] {
        case .table(let child):
            return child
        case .tableArray(let array):
            guard let last = array.elements.last else {
                throw .arrayOfTables(line: lines[position])
            }
            return last
        case .value(let value):
            throw Self.valueConflict(value, line: lines[position])
        }
    }

    /// Defines `key` as a table by its `[header]` on `line`.
    func defineTable(_ key: String, line: Int) throws(Conflict) -> TOMLTableBuilder {
        guard let position = positions[key] else {
            let child = TOMLTableBuilder(origin: .header, line: line)
            add(.table(child), forKey: key, line: line)
            return child
        }
        switch slots[position] {
        case .table(let child):
            switch child.origin {
            case .implicit:
                child.origin = .header
                child.line = line
                lines[position] = line
                return child
            case .dotted:
                throw .tableDefinedByDottedKeys(line: lines[position])
            case .inline:
                throw .inlineTableSealed(line: lines[position])
            case .root, .header, .arrayElement:
                throw .tableAlreadyDefined(line: lines[position])
            }
        case .tableArray:
            throw .arrayOfTables(line: lines[position])
        case .value(let value):
            throw Self.valueConflict(value, line: lines[position])
        }
    }

    /// Appends a new element to the array of tables `key` for its `[[header]]` on `line`.
    func appendArrayElement(_ key: String, line: Int) throws(Conflict) -> TOMLTableBuilder {
        let element = TOMLTableBuilder(origin: .arrayElement, line: line)
        guard let position = positions[key] else {
            add(.tableArray(TableArray(first: element)), forKey: key, line: line)
            return element
        }
        switch slots[position] {
        case .tableArray(let array):
            array.elements.append(element)
            return element
        case .table:
            throw .notAnArrayOfTables(line: lines[position])
        case .value(.array):
            throw .staticArray(line: lines[position])
        case .value(let value):
            throw Self.valueConflict(value, line: lines[position])
        }
    }

    /// Steps into `key` for a non-final component of a dotted key written in `section`,
    /// creating a dotted table if needed.
    func dottedChild(_ key: String, line: Int, section: Int) throws(Conflict) -> TOMLTableBuilder {
        guard let position = positions[key] else {
            let child = TOMLTableBuilder(origin: .dotted(section: section), line: line)
            add(.table(child), forKey: key, line: line)
            return child
        }
        switch slots[position] {
        case .table(let child):
            switch child.origin {
            case .dotted(let owner):
                guard owner == section else {
                    throw .tableDefinedByDottedKeys(line: lines[position])
                }
                return child
            case .implicit:
                // Only a parent of later headers so far: dotted keys may claim it, after which
                // it can no longer get its own header.
                child.origin = .dotted(section: section)
                return child
            case .inline:
                throw .inlineTableSealed(line: lines[position])
            case .root, .header, .arrayElement:
                throw .tableDefinedByHeader(line: lines[position])
            }
        case .tableArray:
            throw .arrayOfTables(line: lines[position])
        case .value(let value):
            throw Self.valueConflict(value, line: lines[position])
        }
    }

    /// Stores `value` under the new key `key`, defined on `line`.
    func setValue(_ value: TOMLValue, forKey key: String, line: Int) throws(Conflict) {
        if let position = positions[key] {
            throw .duplicateKey(line: lines[position])
        }
        add(.value(value), forKey: key, line: line)
    }

    /// The finished, immutable table.
    func build() -> TOMLTable {
        let values = slots.map { slot -> TOMLValue in
            switch slot {
            case .value(let value):
                value
            case .table(let child):
                .table(child.build())
            case .tableArray(let array):
                .array(array.elements.map { .table($0.build()) })
            }
        }
        return TOMLTable(line: line, keys: names, values: values, lines: lines, positions: positions)
    }
}
