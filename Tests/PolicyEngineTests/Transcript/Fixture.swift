import Foundation
import Testing
import TestSupport

/// Test fixtures copied into the test bundle.
enum Fixture {
    /// The bytes of `Fixtures/<name>`.
    static func data(_ name: String) throws -> Data {
        let url = URL(fileURLWithPath: PackagePaths.fixtures + "/" + name)
        return try Data(contentsOf: url)
    }

    /// The lines of `Fixtures/<name>`, without the final empty line.
    static func lines(_ name: String) throws -> [String] {
        let text = String(decoding: try data(name), as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }
}
