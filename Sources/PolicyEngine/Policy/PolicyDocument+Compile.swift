extension PolicyDocument {
    /// Compiles the document: parses permission rules and modes, compiles globs, checks values.
    func compile(origin: PolicyOrigin, sha256: String) throws(PolicyError) -> Policy {
        let source = origin.description
        var modes: [PermissionMode] = []
        for mode in permissionModes {
            let parsed = PermissionMode(parsing: mode.value)
            guard parsed.isKnown else {
                throw PolicyError(file: source, line: mode.line,
                                  reason: "unknown permission mode '\(mode.value)'" + Suggestion.didYouMean(mode.value, in: PermissionMode.knownModes.map(\.name)))
            }
            modes.append(parsed)
        }
        return Policy(
            origin: origin, sha256: sha256, version: version,
            agent: .init(permissionModes: modes, allow: try rules(allow, "agent.tools.allow", source),
                         deny: try rules(deny, "agent.tools.deny", source)),
            workspace: .init(writable: try globs(writable, "workspace.writable", source),
                             protected: try globs(protected, "workspace.protected", source, caseInsensitive: true),
                             maxChangedFiles: maxChangedFiles, maxChangedLines: maxChangedLines),
            protectedBranches: protectedBranches.map { ProtectedBranchPattern($0.value) },
            secrets: .init(rules: secretRules, ignore: secretIgnore, honourInlineAllow: honourInlineAllow),
            transcript: .init(allowedHosts: allowedHosts.map(\.value)),
            ruleActions: ruleActions)
    }

    private func rules(_ texts: [Located<String>], _ path: String, _ source: String) throws(PolicyError) -> [PermissionRule] {
        var result: [PermissionRule] = []
        for text in texts {
            let rule = PermissionRule(text.value)
            if case .invalid(let reason) = rule.kind {
                throw PolicyError(file: source, line: text.line, reason: "\(path): '\(text.value)' is not a permission rule: \(reason)")
            }
            result.append(rule)
        }
        return result
    }

    private func globs(_ texts: [Located<String>], _ path: String, _ source: String,
                       caseInsensitive: Bool = false) throws(PolicyError) -> WorkspaceGlobList {
        var result: [WorkspaceGlob] = []
        for text in texts {
            do {
                result.append(try WorkspaceGlob(text.value, caseInsensitive: caseInsensitive))
            } catch {
                throw PolicyError(file: source, line: text.line, reason: "\(path): '\(text.value)' is not a valid glob: \(error.message)")
            }
        }
        return WorkspaceGlobList(result)
    }
}
