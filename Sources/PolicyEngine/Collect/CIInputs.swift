import Foundation
import Yams

/// The `spec: inputs:` of a CI file with the values its `include:` gives, interpolated into the
/// file's strings and keys (`$[[ inputs.name ]]`) as GitLab does when it loads the file.
///
/// Functions: `posix_escape` (backslashes before every character a POSIX shell treats specially),
/// `truncate(offset,length)`; `expand_vars` leaves `$VAR` for the job's shell, which expands it
/// the same way. An input with neither a value nor a default is an error, as in GitLab.
struct CIInputs {
    var values: [String: String]
    var file: String

    init(header: Node, given: [String: String], file: String) throws(CIJobExtractorError) {
        self.file = file
        var values: [String: String] = [:]
        if let declared = header.mapping?["spec"]?.mapping?["inputs"]?.mapping {
            for (key, node) in declared {
                guard let name = key.string else { continue }
                if let value = node.mapping?["default"], let text = value.scalar?.string { values[name] = text }
            }
        }
        for (name, value) in given { values[name] = value }
        self.values = values
    }

    func interpolate(_ entry: CIJobExtractor.Entry) throws(CIJobExtractorError) -> CIJobExtractor.Entry {
        CIJobExtractor.Entry(key: try interpolate(entry.key, line: entry.origin.line), value: try interpolate(entry.value),
                             origin: entry.origin)
    }

    func interpolate(_ value: CIJobExtractor.Value) throws(CIJobExtractorError) -> CIJobExtractor.Value {
        switch value {
        case .scalar(let text, let isString, let origin):
            guard isString, text.contains("$[[") else { return value }
            return .scalar(try interpolate(text, line: origin.line), isString: true, origin: origin)
        case .sequence(let items, let origin):
            var result: [CIJobExtractor.Value] = []
            for item in items { result.append(try interpolate(item)) }
            return .sequence(result, origin: origin)
        case .mapping(let entries, let origin):
            var result: [CIJobExtractor.Entry] = []
            for entry in entries { result.append(try interpolate(entry)) }
            return .mapping(result, origin: origin)
        case .reference:
            return value
        }
    }

    func interpolate(_ text: String, line: Int) throws(CIJobExtractorError) -> String {
        guard text.contains("$[[") else { return text }
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "$[[") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "]]") else {
                throw CIJobExtractorError.invalidStructure(file: file, line: line, reason: "an unclosed $[[ … ]] block")
            }
            let parts = rest[open.upperBound..<close.lowerBound].split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let reference = parts.first, reference.hasPrefix("inputs.") else {
                throw CIJobExtractorError.invalidStructure(file: file, line: line, reason: "'$[[ \(parts.first ?? "") ]]' is not an input")
            }
            let name = String(reference.dropFirst("inputs.".count))
            guard var value = values[name] else {
                throw CIJobExtractorError.invalidStructure(file: file, line: line, reason: "input '\(name)' has no value and no default")
            }
            for function in parts.dropFirst() {
                value = try apply(function, to: value, line: line)
            }
            out += value
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    private func apply(_ function: String, to value: String, line: Int) throws(CIJobExtractorError) -> String {
        if function == "expand_vars" { return value }
        if function == "posix_escape" {
            var out = ""
            for character in value {
                if !(character.isLetter || character.isNumber || "_-./,:=@%+".contains(character)) { out.append("\\") }
                out.append(character)
            }
            return out
        }
        if function.hasPrefix("truncate(") && function.hasSuffix(")") {
            let numbers = function.dropFirst("truncate(".count).dropLast().split(separator: ",")
                .compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            if numbers.count == 2, numbers[0] >= 0, numbers[1] >= 0 {
                return String(value.dropFirst(numbers[0]).prefix(numbers[1]))
            }
        }
        throw CIJobExtractorError.invalidStructure(file: file, line: line, reason: "input function '\(function)' is not one GitLab has")
    }
}
