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
        for (key, value) in [("agent.isolation", isolation), ("agent.handoff_authentication", handoffAuthentication)]
        where !["required", "none"].contains(value) {
            throw PolicyError(file: source, line: nil, reason: "\(key): '\(value)' is not one of required, none")
        }
        guard ["required", "preferred"].contains(liveEnforcement) else {
            throw PolicyError(file: source, line: nil, reason: "agent.live_enforcement: '\(liveEnforcement)' is not one of required, preferred")
        }
        // `required` makes a run without the live hook a block, unless the rule's action is set explicitly.
        var actions = ruleActions
        if liveEnforcement == "required", actions[LiveEnforcementRule.description.id] == nil {
            actions[LiveEnforcementRule.description.id] = .block
        }
        for name in agentEnvironment where name.value.hasPrefix("POLICY_GATE_") || name.value.isEmpty {
            throw PolicyError(file: source, line: name.line,
                              reason: "agent.environment: '\(name.value)' cannot be passed to the agent (the gate's own variables never are)")
        }
        if !agentUser.isEmpty {
            do { _ = try AgentUser.parse(agentUser) } catch {
                throw PolicyError(file: source, line: nil, reason: "agent.user: \(error.description)")
            }
        }
        return Policy(
            origin: origin, sha256: sha256, version: version,
            agent: .init(permissionModes: modes, allow: try rules(allow, "agent.tools.allow", source),
                         deny: try rules(deny, "agent.tools.deny", source), isolationRequired: isolation == "required",
                         user: agentUser.isEmpty ? nil : agentUser, environment: agentEnvironment.map(\.value),
                         handoffAuthentication: handoffAuthentication == "required",
                         liveEnforcementRequired: liveEnforcement == "required",
                         extraOptions: try options(extraOptions, source)),
            workspace: .init(writable: try globs(writable, "workspace.writable", source),
                             protected: try globs(protected, "workspace.protected", source, caseInsensitive: true),
                             maxChangedFiles: maxChangedFiles, maxChangedLines: maxChangedLines),
            protectedBranches: protectedBranches.map { ProtectedBranchPattern($0.value) },
            secrets: .init(rules: secretRules, ignore: secretIgnore, honourInlineAllow: honourInlineAllow),
            transcript: .init(allowedHosts: allowedHosts.map(\.value)),
            ruleActions: actions)
    }

    /// `agent.extra_options` entries in commander's spelling: `--name` (a switch), `--name <value>`,
    /// `--name [value]`, `--name <values...>`. An option the pinned CLI has must be given its real arity:
    /// the policy cannot change how claude reads it.
    private func options(_ texts: [Located<String>], _ source: String) throws(PolicyError) -> [String: ClaudeArgumentParser.Arity] {
        var result: [String: ClaudeArgumentParser.Arity] = [:]
        for text in texts {
            let words = text.value.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            let name = words.first ?? ""
            let body = name.hasPrefix("--") ? name.dropFirst(2) : name.hasPrefix("-") ? name.dropFirst() : ""
            let nameIsValid = !body.isEmpty && body.first != "-" && (name.hasPrefix("--") || body.count == 1)
                && body.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            var arity: ClaudeArgumentParser.Arity?
            switch words.count {
            case 1: arity = .flag
            case 2:
                let value = words[1]
                let variadic = value.hasSuffix("...>") || value.hasSuffix("...]")
                if value.hasPrefix("<"), value.hasSuffix(">"), value.count > 2 { arity = variadic ? .variadic : .value }
                if value.hasPrefix("["), value.hasSuffix("]"), value.count > 2 { arity = variadic ? .optionalVariadic : .optionalValue }
            default: break
            }
            guard nameIsValid, let arity else {
                throw PolicyError(file: source, line: text.line,
                                  reason: "agent.extra_options: '\(text.value)' is not an option spec such as '--name', '--name <value>', '--name [value]' or '--name <values...>'")
            }
            if let pinned = ClaudeArgumentParser.optionTable[name], pinned != arity {
                throw PolicyError(file: source, line: text.line,
                                  reason: "agent.extra_options: '\(name)' of claude \(ClaudeArgumentParser.pinnedVersion) takes \(pinned.spelling), not \(arity.spelling)")
            }
            result[name] = arity
        }
        return result
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
