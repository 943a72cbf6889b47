import Foundation
import Yams

/// Reads what the checkout tells the agent besides its settings: the `@path` imports of its memory
/// files (`CLAUDE.md`, `CLAUDE.local.md`, `.claude/CLAUDE.md`, `.claude/rules/*.md`, and `CLAUDE.md`
/// in sub-folders, loaded when the agent works there) and the frontmatter of `.claude/agents/*.md`.
struct AgentInstructionFiles {
    /// The checkout, standardized.
    let checkout: String

    /// Claude Code follows imports at most this many hops deep.
    static let maximumImportDepth = 5
    /// Folders never searched for memory files.
    static let skippedFolders: Set<String> = [".git", "node_modules"]

    /// The checkout's memory files, relative to the checkout, sorted.
    func memoryFiles() -> [String] {
        var found: [String] = []
        guard let walker = FileManager.default.enumerator(atPath: checkout) else { return [] }
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if Self.skippedFolders.contains(name) {
                walker.skipDescendants()
                continue
            }
            if ["CLAUDE.md", "CLAUDE.local.md"].contains(name)
                || (relative.hasPrefix(".claude/rules/") && name.hasSuffix(".md")) {
                found.append(relative)
            }
        }
        return found.sorted()
    }

    /// The `@` imports of every memory file of the checkout that reach outside it or into secrets.
    func checkoutImports() -> [MemoryImport] {
        var visited: Set<String> = []
        return memoryFiles().flatMap { relative -> [MemoryImport] in
            guard let text = try? String(contentsOfFile: checkout + "/" + relative, encoding: .utf8) else { return [] }
            return imports(in: text, shownAs: relative, folder: (checkout + "/" + relative as NSString).deletingLastPathComponent,
                           depth: 0, visited: &visited)
        }
    }

    /// The imports of one file's text, followed inside the checkout up to Claude Code's depth.
    /// - Parameter folder: The folder relative imports resolve against; `nil` when it is outside the
    ///   checkout (a file written to the home folder), so every import is.
    func imports(in text: String, shownAs shown: String, folder: String?, depth: Int, visited: inout Set<String>) -> [MemoryImport] {
        var result: [MemoryImport] = []
        for (target, line) in Self.importPaths(in: text) {
            func report(_ reason: String) { result.append(MemoryImport(file: shown, line: line, target: target, reason: reason)) }
            if let secret = SecretFilePath.isSecretFile(target, home: nil) {
                report(secret)
                continue
            }
            guard let folder, !target.hasPrefix("~"), !target.hasPrefix("$") else {
                report("outside the checkout")
                continue
            }
            let lexical = URL(fileURLWithPath: target.hasPrefix("/") ? target : folder + "/" + target).standardizedFileURL.path
            let onDisk = URL(fileURLWithPath: lexical).resolvingSymlinksInPath().path
            let root = URL(fileURLWithPath: checkout).resolvingSymlinksInPath().path
            guard lexical.hasPrefix(checkout + "/"), onDisk.hasPrefix(root + "/") else {
                report("outside the checkout")
                continue
            }
            if let secret = SecretFilePath.isSecretFile(onDisk, home: nil) {
                report(secret)
                continue
            }
            guard depth + 1 < Self.maximumImportDepth, visited.insert(onDisk).inserted,
                  let inner = try? String(contentsOfFile: onDisk, encoding: .utf8) else { continue }
            let relative = String(lexical.dropFirst(checkout.count + 1))
            result += imports(in: inner, shownAs: relative, folder: (lexical as NSString).deletingLastPathComponent,
                              depth: depth + 1, visited: &visited)
        }
        return result
    }

    /// The `@path` words of a markdown text with their lines, outside fenced code blocks and code spans.
    static func importPaths(in text: String) -> [(String, Int)] {
        var result: [(String, Int)] = []
        var fence: String?
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = rawLine.drop { $0 == " " }
            if let marker = ["```", "~~~"].first(where: { trimmed.hasPrefix($0) }) {
                fence = fence == nil ? marker : (fence == marker ? nil : fence)
                continue
            }
            guard fence == nil else { continue }
            // Drop code spans: text between backquotes.
            var line = ""
            var inSpan = false
            for character in rawLine {
                if character == "`" { inSpan.toggle(); continue }
                if !inSpan { line.append(character) }
            }
            var previous: Character = " "
            var rest = Substring(line)
            while let at = rest.firstIndex(of: "@") {
                let before = at == line.startIndex ? previous : line[line.index(before: at)]
                let word = rest[rest.index(after: at)...].prefix { !$0.isWhitespace && !"()[]<>,;\"'".contains($0) }
                if before.isWhitespace || before == "(" || at == line.startIndex, !word.isEmpty,
                   word.contains("/") || word.contains(".") || word.hasPrefix("~") {
                    result.append((String(word.hasSuffix(".") && !word.hasSuffix("..") ? word.dropLast() : word), index + 1))
                }
                rest = rest[rest.index(after: at)...]
                previous = " "
            }
        }
        return result
    }

    /// The checkout's subagents.
    func checkoutSubagents() throws(PreStageCollector.CollectError) -> [SubagentDefinition] {
        let folder = checkout + "/.claude/agents"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var result: [SubagentDefinition] = []
        for name in names.sorted() where name.hasSuffix(".md") {
            let relative = ".claude/agents/" + name
            guard let data = FileManager.default.contents(atPath: folder + "/" + name), let text = String(data: data, encoding: .utf8) else {
                throw PreStageCollector.CollectError(description: "\(relative): cannot read the subagent definition")
            }
            result.append(try Self.subagent(text, path: relative))
        }
        return result
    }

    /// Reads a subagent's frontmatter (the YAML between the leading `---` lines).
    static func subagent(_ text: String, path: String) throws(PreStageCollector.CollectError) -> SubagentDefinition {
        var definition = SubagentDefinition(path: path)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---",
              let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) else {
            return definition
        }
        let yaml = lines[1..<end].joined(separator: "\n")
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: yaml)
        } catch {
            throw PreStageCollector.CollectError(description: "\(path): the frontmatter is not YAML the gate can read, so what the subagent may do is unknown")
        }
        guard let fields = loaded as? [String: Any] else {
            if loaded == nil { return definition }
            throw PreStageCollector.CollectError(description: "\(path): the frontmatter is not a mapping")
        }
        if let mode = fields["permissionMode"] {
            guard let text = mode as? String else {
                throw PreStageCollector.CollectError(description: "\(path): permissionMode must be a string")
            }
            definition.permissionMode = text
        }
        if let tools = fields["tools"] as? String {
            definition.tools = tools.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        } else if let tools = fields["tools"] as? [Any] {
            definition.tools = tools.map { "\($0)" }
        }
        return definition
    }
}
