extension CIJobExtractor {
    /// A job whose `artifacts:reports:dotenv` GitLab turns into variables of the agent's job.
    struct DotenvSource: Sendable, Hashable {
        var job: String
        var file: String
        var line: Int
    }

    /// The other jobs whose dotenv report can reach `jobName`: GitLab hands a job the dotenv reports of
    /// the jobs whose artifacts it takes: those `needs:` names (unless `artifacts: false`), else those
    /// of earlier stages, all of them or the ones `dependencies:` names. Those variables outrank the
    /// YAML's and only the running pipeline knows them.
    /// - Parameter environment: The gate's environment, for the other jobs' `rules: if:`: a job whose
    ///   rules surely leave it out of this pipeline hands nothing.
    func dotenvSources(for jobName: String, environment: [String: String] = [:]) -> [DotenvSource] {
        guard let entry = rootEntry(jobName), case .mapping(let fields, _) = entry.value else { return [] }
        let needs = Self.neededJobs(fields)
        let dependencies = Self.names(in: fields.first { $0.key == "dependencies" }?.value).map(Set.init)
        let stages = stageOrder()
        func stage(_ fields: [Entry]) -> Int {
            let name = Self.names(in: fields.first { $0.key == "stage" }?.value)?.first ?? "test"
            // A stage the list does not name: the gate cannot order it, so it may come first.
            return stages.firstIndex(of: name) ?? -1
        }
        let ownStage = stage(fields)
        return root.compactMap { other in
            guard other.key != jobName, !other.key.hasPrefix("."), !Self.reservedKeys.contains(other.key),
                  case .mapping(let otherFields, _) = other.value, Self.hasDotenvReport(otherFields),
                  Self.mayRun(otherFields, environment: environment) else { return nil }
            let reaches = needs.map { $0.contains(other.key) }
                ?? ((dependencies?.contains(other.key) ?? true) && (stage(otherFields) < ownStage || ownStage < 0))
            return reaches ? DotenvSource(job: other.key, file: other.origin.file, line: other.origin.line) : nil
        }
    }

    /// Whether a job's `rules:` may put it in the pipeline: `false` only when every rule's `if:` is
    /// surely false, or the first surely true one says `when: never`.
    static func mayRun(_ fields: [Entry], environment: [String: String]) -> Bool {
        guard case .sequence(let rules, _)? = fields.first(where: { $0.key == "rules" })?.value else { return true }
        let expression = CIRuleExpression(variables: environment, unsetIsKnown: environment["CI_PIPELINE_SOURCE"] != nil)
        for rule in rules {
            guard case .mapping(let parts, _) = rule else { return true }
            if parts.contains(where: { ["exists", "changes"].contains($0.key) }) { return true }
            var matches: Bool? = true
            if let condition = names(in: parts.first { $0.key == "if" }?.value)?.first {
                matches = expression.evaluate(condition)
            }
            switch matches {
            case nil: return true
            case true?: return names(in: parts.first { $0.key == "when" }?.value)?.first != "never"
            case false?: continue
            }
        }
        return false
    }

    /// `stages:`, with `.pre` first and `.post` last; GitLab's default list when absent.
    func stageOrder() -> [String] {
        let listed = Self.names(in: rootEntry("stages")?.value) ?? ["build", "test", "deploy"]
        return [".pre"] + listed.filter { $0 != ".pre" && $0 != ".post" } + [".post"]
    }

    /// A scalar or a list of scalars, as names.
    static func names(in value: Value?) -> [String]? {
        switch value {
        case .scalar(let text, _, _)?: return [text]
        case .sequence(let items, _)?:
            return items.flatMap { item -> [String] in
                if case .scalar(let text, _, _) = item { return [text] }
                return names(in: item) ?? []
            }
        default: return nil
        }
    }

    static func hasDotenvReport(_ fields: [Entry]) -> Bool {
        guard case .mapping(let artifacts, _)? = fields.first(where: { $0.key == "artifacts" })?.value,
              case .mapping(let reports, _)? = artifacts.first(where: { $0.key == "reports" })?.value else { return false }
        return reports.contains { $0.key == "dotenv" }
    }

    /// The jobs `needs:` takes artifacts from; `nil` without `needs:`.
    static func neededJobs(_ fields: [Entry]) -> Set<String>? {
        func name(_ value: Value?) -> String? {
            if case .scalar(let text, _, _)? = value { return text }
            return nil
        }
        guard case .sequence(let items, _)? = fields.first(where: { $0.key == "needs" })?.value else { return nil }
        var names: Set<String> = []
        for item in items {
            if let job = name(item) {
                names.insert(job)
            } else if case .mapping(let need, _) = item, let job = name(need.first { $0.key == "job" }?.value),
                      name(need.first { $0.key == "artifacts" }?.value) != "false" {
                names.insert(job)
            }
        }
        return names
    }
}
