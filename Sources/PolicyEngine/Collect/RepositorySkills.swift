import Foundation
import Yams

/// The repository's skills (`.claude/skills/NAME/SKILL.md`) and custom commands (`.claude/commands/**/*.md`),
/// read as settings: the `allowed-tools` of their front matter are allow rules while the skill runs, and
/// claude 2.1.332 applies them with nothing granted but `Read` when the prompt is `/NAME` (verified: a
/// skill allowing `Bash(python3 *)` ran python3; not under `--bare` or `--setting-sources user`). Their `hooks`
/// run too. Only skills that have either are
/// returned, so ``RepositorySettingsGrantsRule`` judges them like a settings file.
enum RepositorySkills {
    /// Front matter larger than this is not YAML a skill needs; it is refused rather than parsed.
    static let frontMatterLimit = 64 * 1024

    /// Reads every skill and command file of the repository that grants tools or defines hooks.
    /// - Throws: ``PreStageCollector/CollectError`` when a file's front matter cannot be read: it could grant anything.
    static func read(repository: String) throws -> [ClaudeSettings] {
        var found: [ClaudeSettings] = []
        for relative in files(repository: repository) {
            guard let data = FileManager.default.contents(atPath: repository + "/" + relative) else {
                throw PreStageCollector.CollectError(description: "\(relative): cannot read the file")
            }
            if let settings = try settings(of: String(decoding: data, as: UTF8.self), path: relative) {
                found.append(settings)
            }
        }
        return found
    }

    /// The skill and command files, relative to the repository, sorted.
    static func files(repository: String) -> [String] {
        let manager = FileManager.default
        var result: [String] = []
        let skills = ".claude/skills"
        for name in (try? manager.contentsOfDirectory(atPath: repository + "/" + skills)) ?? []
        where manager.fileExists(atPath: "\(repository)/\(skills)/\(name)/SKILL.md") {
            result.append("\(skills)/\(name)/SKILL.md")
        }
        let commands = ".claude/commands"
        if let walker = manager.enumerator(atPath: repository + "/" + commands) {
            for case let path as String in walker where path.hasSuffix(".md") {
                result.append("\(commands)/\(path)")
            }
        }
        return result.sorted()
    }

    /// The settings a skill file brings: `allowed-tools` (a list, or one string split like `--allowedTools`)
    /// as allow rules and `hooks` events as hooks; `nil` when it has neither.
    static func settings(of text: String, path: String) throws -> ClaudeSettings? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---",
              let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) else { return nil }
        let frontMatter = lines[1..<end].joined(separator: "\n")
        func refuse(_ reason: String) -> PreStageCollector.CollectError {
            PreStageCollector.CollectError(description: "\(path): \(reason); the gate cannot tell what the skill grants")
        }
        guard frontMatter.utf8.count <= frontMatterLimit else { throw refuse("the front matter is too large") }
        if let line = YAMLAliasKeys.firstLine(in: frontMatter) { throw refuse("line \(line + 1): \(YAMLAliasKeys.refusal)") }
        let root: Node?
        do { root = try Yams.compose(yaml: frontMatter) } catch { throw refuse("invalid front matter") }
        guard let mapping = root?.mapping else { return nil }
        var settings = ClaudeSettings(path: path)
        for (key, value) in mapping {
            guard let name = key.string else { continue }
            let line = (key.mark?.line ?? 1) + 1
            switch name {
            case "allowed-tools", "allowed_tools", "allowedTools":
                var texts: [String] = []
                if let items = value.sequence {
                    texts = items.compactMap { $0.string }.flatMap(PermissionRule.splitList)
                } else if let text = value.string {
                    texts = PermissionRule.splitList(text)
                }
                settings.allow += texts.map(PermissionRule.init)
                settings.keyLines["permissions.allow"] = line
            case "hooks":
                let events = value.mapping?.compactMap { $0.key.string } ?? ["(unreadable)"]
                settings.hooks += events.map { ClaudeSettings.Hook(event: $0, line: line) }
                settings.keyLines["hooks"] = line
            default:
                continue
            }
        }
        return settings.allow.isEmpty && settings.hooks.isEmpty ? nil : settings
    }
}
