/// Reads the tables of a gitleaks TOML file into a `GitleaksConfig`, checking types and required keys.
/// Keys gitleaks does not know are ignored, as gitleaks ignores them, so existing files load unchanged.
struct GitleaksConfigParser {
    let file: String

    func parse(_ text: String) throws(SecretRulesError) -> GitleaksConfig {
        let root: TOMLTable
        do {
            root = try TOMLParser.parse(text)
        } catch {
            throw SecretRulesError(file: file, line: error.line, reason: "invalid TOML: \(error.reason)")
        }
        var config = GitleaksConfig(file: file)
        config.title = try string(root, "title") ?? ""
        if case .table(let extend)? = root["extend"] {
            config.extend = GitleaksConfig.Extend(
                useDefault: try bool(extend, "useDefault") ?? false,
                path: try string(extend, "path"),
                disabledRules: try strings(extend, "disabledRules"))
            if config.extend?.useDefault == true, config.extend?.path != nil {
                throw SecretRulesError(file: file, line: extend.line, reason: "[extend] cannot set both useDefault and path")
            }
        }
        if root["allowlist"] != nil, root["allowlists"] != nil {
            throw SecretRulesError(file: file, line: root.line(of: "allowlist"),
                                   reason: "[allowlist] and [[allowlists]] cannot be used together")
        }
        config.allowlists = try allowlists(root, singular: "allowlist", plural: "allowlists", isGlobal: true)
        for table in try tables(root, "rules") {
            config.rules.append(try rule(table))
        }
        var seen = Set<String>()
        for rule in config.rules where !seen.insert(rule.id).inserted {
            throw SecretRulesError(file: file, line: rule.line, reason: "rule id '\(rule.id)' is defined twice")
        }
        return config
    }

    // MARK: - Tables

    private func rule(_ table: TOMLTable) throws(SecretRulesError) -> GitleaksConfig.Rule {
        guard let id = try string(table, "id"), !id.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw SecretRulesError(file: file, line: table.line, reason: "rule without an id")
        }
        var rule = GitleaksConfig.Rule(id: id, line: table.line)
        rule.description = try string(table, "description") ?? ""
        rule.regex = try string(table, "regex")
        rule.path = try string(table, "path")
        rule.secretGroup = Int(try integer(table, "secretGroup") ?? 0)
        rule.entropy = try number(table, "entropy") ?? 0
        rule.keywords = try strings(table, "keywords").map { $0.lowercased() }
        rule.tags = try strings(table, "tags")
        rule.skipReport = try bool(table, "skipReport") ?? false
        rule.truePositives = try strings(table, "truePositives")
        rule.falsePositives = try strings(table, "falsePositives")
        if table["allowlist"] != nil, table["allowlists"] != nil {
            throw SecretRulesError(file: file, line: table.line,
                                   reason: "rule '\(id)': [rules.allowlist] and [[rules.allowlists]] cannot be used together")
        }
        rule.allowlists = try allowlists(table, singular: "allowlist", plural: "allowlists", isGlobal: false)
        for requirement in try tables(table, "required") {
            guard let other = try string(requirement, "id") else {
                throw SecretRulesError(file: file, line: requirement.line, reason: "rule '\(id)': required entry without an id")
            }
            rule.required.append(SecretRule.Requirement(
                ruleID: other,
                withinLines: try integer(requirement, "withinLines").map(Int.init),
                withinColumns: try integer(requirement, "withinColumns").map(Int.init)))
        }
        return rule
    }

    private func allowlists(_ table: TOMLTable, singular: String, plural: String,
                            isGlobal: Bool) throws(SecretRulesError) -> [GitleaksConfig.Allowlist] {
        var found: [TOMLTable] = []
        if case .table(let single)? = table[singular] {
            found.append(single)
        }
        found += try tables(table, plural)
        var result: [GitleaksConfig.Allowlist] = []
        for entry in found {
            var allowlist = GitleaksConfig.Allowlist(line: entry.line)
            allowlist.description = try string(entry, "description") ?? ""
            switch (try string(entry, "condition") ?? "OR").uppercased() {
            case "OR", "||", "": allowlist.condition = .or
            case "AND", "&&": allowlist.condition = .and
            case let other:
                throw SecretRulesError(file: file, line: entry.line(of: "condition"), reason: "unknown allowlist condition '\(other)'")
            }
            allowlist.commits = try strings(entry, "commits").map { $0.lowercased() }
            allowlist.paths = try strings(entry, "paths")
            switch try string(entry, "regexTarget") ?? "secret" {
            case "secret", "": allowlist.regexTarget = .secret
            case "match": allowlist.regexTarget = .match
            case "line": allowlist.regexTarget = .line
            case let other:
                throw SecretRulesError(file: file, line: entry.line(of: "regexTarget"), reason: "unknown regexTarget '\(other)'")
            }
            allowlist.regexes = try strings(entry, "regexes")
            allowlist.stopwords = try strings(entry, "stopwords").map { $0.lowercased() }
            allowlist.targetRules = try strings(entry, "targetRules")
            if !isGlobal, !allowlist.targetRules.isEmpty {
                throw SecretRulesError(file: file, line: entry.line, reason: "targetRules is only allowed in global allowlists")
            }
            if allowlist.commits.isEmpty, allowlist.paths.isEmpty, allowlist.regexes.isEmpty, allowlist.stopwords.isEmpty {
                throw SecretRulesError(file: file, line: entry.line,
                                       reason: "allowlist has none of commits, paths, regexes or stopwords")
            }
            result.append(allowlist)
        }
        return result
    }

    // MARK: - Typed access

    private func tables(_ table: TOMLTable, _ key: String) throws(SecretRulesError) -> [TOMLTable] {
        guard let value = table[key] else { return [] }
        guard case .array(let items) = value else {
            throw typeError(table, key, expected: "an array of tables", got: value)
        }
        var result: [TOMLTable] = []
        for item in items {
            guard case .table(let entry) = item else { throw typeError(table, key, expected: "an array of tables", got: item) }
            result.append(entry)
        }
        return result
    }

    private func string(_ table: TOMLTable, _ key: String) throws(SecretRulesError) -> String? {
        guard let value = table[key] else { return nil }
        guard case .string(let text) = value else { throw typeError(table, key, expected: "a string", got: value) }
        return text
    }

    private func strings(_ table: TOMLTable, _ key: String) throws(SecretRulesError) -> [String] {
        guard let value = table[key] else { return [] }
        guard case .array(let items) = value else { throw typeError(table, key, expected: "an array of strings", got: value) }
        var result: [String] = []
        for item in items {
            guard case .string(let text) = item else { throw typeError(table, key, expected: "an array of strings", got: item) }
            result.append(text)
        }
        return result
    }

    private func integer(_ table: TOMLTable, _ key: String) throws(SecretRulesError) -> Int64? {
        guard let value = table[key] else { return nil }
        guard case .integer(let number) = value else {
            throw typeError(table, key, expected: "a small non-negative integer", got: value)
        }
        guard number >= 0, number < 1_000_000 else {
            throw SecretRulesError(file: file, line: table.line(of: key) ?? table.line,
                                   reason: "'\(key)' must be a small non-negative integer, not \(number)")
        }
        return number
    }

    private func number(_ table: TOMLTable, _ key: String) throws(SecretRulesError) -> Double? {
        switch table[key] {
        case nil: return nil
        case .integer(let number)?: return Double(number)
        case .float(let number)? where number.isFinite: return number
        case .float(let number)?:
            throw SecretRulesError(file: file, line: table.line(of: key) ?? table.line, reason: "'\(key)' must be a finite number, not \(number)")
        case let value?: throw typeError(table, key, expected: "a number", got: value)
        }
    }

    private func bool(_ table: TOMLTable, _ key: String) throws(SecretRulesError) -> Bool? {
        guard let value = table[key] else { return nil }
        guard case .boolean(let flag) = value else { throw typeError(table, key, expected: "true or false", got: value) }
        return flag
    }

    private func typeError(_ table: TOMLTable, _ key: String, expected: String, got: TOMLValue) -> SecretRulesError {
        SecretRulesError(file: file, line: table.line(of: key) ?? table.line,
                         reason: "'\(key)' must be \(expected), not \(got.typeName)")
    }
}

import Foundation
