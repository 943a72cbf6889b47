/// Every governance rule, sorted by id. A flat literal list: nothing is discovered or registered at run time.
public enum RuleRegistry {
    /// The rule types.
    public static let all: [any PolicyRule.Type] = [
        RepositorySettingsGrantsRule.self,
        ProtectedBranchTargetRule.self,
        ConfigurationSecretRule.self,
        DebugLoggingRule.self,
        AmbiguousArgumentsRule.self,
        WideningOptionRule.self,
        UnpinnedAgentRule.self,
        EnvironmentNotAllowedRule.self,
        MemoryImportRule.self,
        SubagentPermissionModeRule.self,
        PermissionModeForbiddenRule.self,
        ToolsDeniedRule.self,
        ToolsNotAllowedRule.self,
        ToolsUnscopedRule.self,
        ProtectedPathRule.self,
        OutsideScopeRule.self,
        SymlinkEscapeRule.self,
        GitTamperRule.self,
        LingeringProcessRule.self,
        LiveEnforcementRule.self,
        SubmoduleRule.self,
        DiffTooLargeRule.self,
        SecretLeakRule.self,
        SecretUnscannedRule.self,
        TranscriptToolNotAllowedRule.self,
        TranscriptDangerousCommandRule.self,
        TranscriptPathOutsideWorkspaceRule.self,
        TranscriptPreventedRule.self,
        TranscriptRunnerAfterChangeRule.self,
        TranscriptSecretExposureRule.self,
        TranscriptIncompleteRule.self,
        TranscriptPluginLoadedRule.self,
    ].sorted { $0.description.id < $1.description.id }

    /// Every rule id.
    public static let ids: [String] = all.map { $0.description.id }

    /// The rule with this id.
    public static func rule(id: String) -> (any PolicyRule.Type)? {
        all.first { $0.description.id == id }
    }

    /// The rules that run in a stage.
    public static func rules(for stage: Facts.Stage) -> [any PolicyRule.Type] {
        all.filter { $0.description.stages.contains(stage) }
    }
}
