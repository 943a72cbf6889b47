import Foundation

/// Decides how permission rules relate: whether a granted rule is covered by an allowed one, and
/// whether a granted rule meets a deny rule.
///
/// Both answers lean to the safe side for a gate:
/// - ``isCovered(_:by:context:)`` says `true` only when it can prove that everything the granted rule
///   permits is also permitted by the allowed rule; when unsure it says `false`.
/// - ``meets(_:deny:context:)`` says `false` only when it can prove that no call the granted rule
///   permits could match the deny rule; when unsure it says `true`.
///
/// Tool relations: `*` covers every rule; `mcp__server` and `mcp__server__*` cover that server's tools;
/// an `Edit(…)` rule covers the other edit tools (`Write`, `MultiEdit`, `NotebookEdit`) and `Read`,
/// since an Edit allow also grants Read; `Task` is the old name of `Agent`. For deny rules, a `Read(…)`
/// deny also blocks the edit tools on that path and an `Edit(…)` deny blocks every edit tool.
enum PermissionCoverage {
    // MARK: - Coverage

    /// Whether everything `granted` permits is also permitted by `allowed`.
    ///
    /// Examples: `Bash(git status:*)` ⊆ `Bash(git:*)` ⊆ `Bash`; `Bash` and `Bash(*)` are covered only by
    /// `Bash`, `Bash(*)` or `*`; `Bash(gitk *)` is not covered by `Bash(git *)` (word boundary) but is by
    /// `Bash(git*)`; `Edit(src/a/**)` ⊆ `Edit(src/**)` ⊆ `Edit`; `mcp__gitlab__get_issue` ⊆ `mcp__gitlab`;
    /// `WebFetch(domain:api.x.com)` ⊆ `WebFetch(domain:*.x.com)` ⊆ `WebFetch`, while
    /// `WebFetch(domain:x.com)` is not covered by `WebFetch(domain:*.x.com)`.
    /// - Parameters:
    ///   - granted: The rule the agent is given.
    ///   - allowed: A rule the policy allows.
    ///   - context: Directories for resolving path anchors; without it, rules with different anchors
    ///     are not proven to cover each other.
    /// - Returns: `true` only when coverage is proven.
    static func isCovered(
        _ granted: PermissionRule, by allowed: PermissionRule, context: PermissionRule.PathContext? = nil
    ) -> Bool {
        guard granted.isValid, allowed.isValid else { return false }
        if allowed.kind == .allTools { return true }
        if granted.kind == .allTools { return false }
        if granted.isMCP || allowed.isMCP {
            return mcpCovers(granted: granted.kind, allowed: allowed.kind)
        }
        guard toolCovers(granted: granted.toolName, allowed: allowed.toolName) else { return false }
        if allowed.kind == .tool { return true }
        switch (granted.kind, allowed.kind) {
        case (.tool, _):
            return isEverything(allowed)
        case (.command(let grantedPattern), .command(let allowedPattern)):
            let allowedGlobs = PermissionRule.commandGlobs(allowedPattern)
            return PermissionRule.commandGlobs(grantedPattern).allSatisfy { grantedGlob in
                allowedGlobs.contains { $0.covers(grantedGlob) }
            }
        case (.path(let grantedPath), .path(let allowedPath)):
            guard let grantedGlobs = PermissionRule.pathGlobs(grantedPath, role: .allow, context: context),
                  let allowedGlobs = PermissionRule.pathGlobs(allowedPath, role: .allow, context: context) else {
                return false
            }
            return grantedGlobs.allSatisfy { grantedGlob in allowedGlobs.contains { $0.covers(grantedGlob) } }
        case (.domain(let grantedHost), .domain(let allowedHost)):
            return domainCovers(granted: grantedHost, allowed: allowedHost)
        case (.parameter(let grantedName, let grantedValue), .parameter(let allowedName, let allowedValue)):
            return grantedName == allowedName
                && RuleGlob(command: allowedValue).covers(RuleGlob(command: grantedValue))
        case (.other(let grantedText), .other(let allowedText)):
            return RuleGlob(command: allowedText).covers(RuleGlob(command: grantedText))
        default:
            return isEverything(allowed)
        }
    }

    /// Whether `granted` is covered by at least one of `allowed`.
    /// - Parameters:
    ///   - granted: The rule the agent is given.
    ///   - allowed: The rules the policy allows.
    ///   - context: Directories for resolving path anchors.
    /// - Returns: `true` when some allowed rule provably covers the grant.
    static func isCovered(
        _ granted: PermissionRule, byAnyOf allowed: [PermissionRule], context: PermissionRule.PathContext? = nil
    ) -> Bool {
        allowed.contains { isCovered(granted, by: $0, context: context) }
    }

    // MARK: - Deny

    /// Whether some call that `granted` permits could match `deny`.
    ///
    /// Examples: `Bash(curl:*)` meets `Bash(curl -s https://x)`; `Bash` meets `Bash(curl:*)`;
    /// `Bash(git push:*)` meets `Bash(git push --force:*)`; `Bash(git status)` does not meet
    /// `Bash(curl:*)`; `WebFetch` meets `WebFetch`. Leading `VAR=value` words and the wrappers Claude
    /// Code strips (`timeout`, `nice`, …) are ignored on the granted side, as deny rules match past them.
    /// - Parameters:
    ///   - granted: The rule the agent is given.
    ///   - deny: A rule the policy denies.
    ///   - context: Directories for resolving path anchors; without it, rules with different anchors
    ///     are assumed to meet.
    /// - Returns: `false` only when it is proven that no permitted call matches the deny rule.
    static func meets(
        _ granted: PermissionRule, deny: PermissionRule, context: PermissionRule.PathContext? = nil
    ) -> Bool {
        guard granted.isValid, deny.isValid else { return true }
        if granted.kind == .allTools || deny.kind == .allTools { return true }
        if granted.isMCP || deny.isMCP {
            return mcpMeets(granted: granted.kind, deny: deny.kind)
        }
        let permittedTools = toolsPermitted(by: granted)
        guard permittedTools.contains(where: { deny.appliesTo(tool: $0, role: .deny) }) else { return false }
        switch (granted.kind, deny.kind) {
        case (.tool, _), (_, .tool):
            return true
        case (.command(let grantedPattern), .command(let deniedPattern)):
            var grantedGlobs = PermissionRule.commandGlobs(grantedPattern)
            let stripped = PermissionRule.stripLeading(grantedPattern, assignments: true)
            if stripped != grantedPattern, !stripped.isEmpty {
                grantedGlobs += PermissionRule.commandGlobs(stripped)
            }
            let deniedGlobs = PermissionRule.commandGlobs(deniedPattern)
            return grantedGlobs.contains { grantedGlob in deniedGlobs.contains { $0.intersects(grantedGlob) } }
        case (.path(let grantedPath), .path(let deniedPath)):
            let grantedBase = PermissionRule.base(for: grantedPath.anchor, context: context)
            let deniedBase = PermissionRule.base(for: deniedPath.anchor, context: context)
            if grantedBase != deniedBase && (isSymbolic(grantedBase) || isSymbolic(deniedBase)) { return true }
            guard let grantedGlobs = PermissionRule.pathGlobs(grantedPath, role: .allow, context: context),
                  let deniedGlobs = PermissionRule.pathGlobs(deniedPath, role: .deny, context: context) else {
                return true
            }
            return grantedGlobs.contains { grantedGlob in deniedGlobs.contains { $0.intersects(grantedGlob) } }
        case (.domain(let grantedHost), .domain(let deniedHost)):
            return domainsMeet(grantedHost, deniedHost)
        case (.parameter(let grantedName, let grantedValue), .parameter(let deniedName, let deniedValue)):
            return grantedName != deniedName
                || RuleGlob(command: grantedValue).intersects(RuleGlob(command: deniedValue))
        case (.other(let grantedText), .other(let deniedText)):
            return RuleGlob(command: grantedText).intersects(RuleGlob(command: deniedText))
        default:
            return true
        }
    }

    /// The deny rules that `granted` meets, in their original order.
    /// - Parameters:
    ///   - granted: The rule the agent is given.
    ///   - denies: The rules the policy denies.
    ///   - context: Directories for resolving path anchors.
    /// - Returns: Every deny rule for which ``meets(_:deny:context:)`` is `true`.
    static func deniesMet(
        by granted: PermissionRule, in denies: [PermissionRule], context: PermissionRule.PathContext? = nil
    ) -> [PermissionRule] {
        denies.filter { meets(granted, deny: $0, context: context) }
    }

    // MARK: - Tools

    static func toolCovers(granted: String, allowed: String) -> Bool {
        let grantedTool = PermissionRule.canonicalToolName(granted)
        let allowedTool = PermissionRule.canonicalToolName(allowed)
        if grantedTool == allowedTool { return true }
        return allowedTool == "Edit" && (PermissionRule.editFamily.contains(grantedTool) || grantedTool == "Read")
    }

    static func toolsPermitted(by rule: PermissionRule) -> [String] {
        let tool = PermissionRule.canonicalToolName(rule.toolName)
        if tool == "Edit" { return ["Edit", "Write", "MultiEdit", "NotebookEdit", "Read"] }
        if tool == "Read" { return ["Read", "Glob", "Grep", "LS", "NotebookRead"] }
        return [tool]
    }

    /// Whether a rule with a specifier still permits every call of its tool.
    static func isEverything(_ rule: PermissionRule) -> Bool {
        switch rule.kind {
        case .tool, .allTools:
            return true
        case .command(let pattern):
            return pattern.allSatisfy { $0 == "*" }
        case .path(let pattern):
            let body = PermissionRule.PathPattern.trimmingTrailingSlashes(pattern.pattern)
            return pattern.anchor == .filesystemRoot && (body.isEmpty || body.allSatisfy { $0 == "*" || $0 == "/" } && body.contains("**"))
        case .domain(let host):
            return host == "*"
        default:
            return false
        }
    }

    static func isSymbolic(_ base: String) -> Bool {
        base.contains("\u{1}")
    }

    // MARK: - MCP

    static func mcpCovers(granted: PermissionRule.Kind, allowed: PermissionRule.Kind) -> Bool {
        guard case .mcp(let grantedServer, let grantedTool) = granted,
              case .mcp(let allowedServer, let allowedTool) = allowed else { return false }
        guard RuleGlob(command: allowedServer).covers(RuleGlob(command: grantedServer)) else { return false }
        guard let allowedTool, allowedTool != "*" else { return true }
        guard let grantedTool else { return false }
        return RuleGlob(command: allowedTool).covers(RuleGlob(command: grantedTool))
    }

    static func mcpMeets(granted: PermissionRule.Kind, deny: PermissionRule.Kind) -> Bool {
        guard case .mcp(let grantedServer, let grantedTool) = granted,
              case .mcp(let deniedServer, let deniedTool) = deny else { return false }
        guard RuleGlob(command: grantedServer).intersects(RuleGlob(command: deniedServer)) else { return false }
        guard let grantedTool, let deniedTool else { return true }
        return RuleGlob(command: grantedTool).intersects(RuleGlob(command: deniedTool))
    }

    // MARK: - Domains

    static func domainCovers(granted: String, allowed: String) -> Bool {
        if allowed == "*" { return true }
        if granted == "*" { return false }
        if allowed.hasPrefix("*.") {
            let suffix = allowed.dropFirst()
            if granted.hasPrefix("*.") { return granted.dropFirst().hasSuffix(suffix) }
            return granted.hasSuffix(suffix) && granted.count > suffix.count
        }
        return granted == allowed
    }

    static func domainsMeet(_ lhs: String, _ rhs: String) -> Bool {
        if lhs == "*" || rhs == "*" { return true }
        switch (lhs.hasPrefix("*."), rhs.hasPrefix("*.")) {
        case (false, false):
            return lhs == rhs
        case (true, false):
            return PermissionRule.hostMatches(pattern: lhs, host: rhs)
        case (false, true):
            return PermissionRule.hostMatches(pattern: rhs, host: lhs)
        case (true, true):
            let left = lhs.dropFirst()
            let right = rhs.dropFirst()
            return left.hasSuffix(right) || right.hasSuffix(left)
        }
    }
}
