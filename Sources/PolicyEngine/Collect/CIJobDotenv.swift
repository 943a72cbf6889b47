extension CIJobExtractor {
    /// A job whose `artifacts:reports:dotenv` GitLab turns into variables of the agent's job.
    public struct DotenvSource: Sendable, Hashable {
        public var job: String
        public var file: String
        public var line: Int
    }

    /// The other jobs whose dotenv report can reach `jobName`: GitLab hands a job the dotenv reports of
    /// the jobs whose artifacts it takes, all earlier ones unless `dependencies:` or `needs:` narrows
    /// them. Stages are not compared, so any other job may come first. Those variables outrank the
    /// YAML's and only the running pipeline knows them.
    public func dotenvSources(for jobName: String) -> [DotenvSource] {
        guard let entry = rootEntry(jobName), case .mapping(let fields, _) = entry.value else { return [] }
        let takes = Self.artifactSources(fields)
        return root.compactMap { other in
            guard other.key != jobName, !other.key.hasPrefix("."), !Self.reservedKeys.contains(other.key),
                  case .mapping(let otherFields, _) = other.value, Self.hasDotenvReport(otherFields),
                  takes?.contains(other.key) ?? true else { return nil }
            return DotenvSource(job: other.key, file: other.origin.file, line: other.origin.line)
        }
    }

    static func hasDotenvReport(_ fields: [Entry]) -> Bool {
        guard case .mapping(let artifacts, _)? = fields.first(where: { $0.key == "artifacts" })?.value,
              case .mapping(let reports, _)? = artifacts.first(where: { $0.key == "reports" })?.value else { return false }
        return reports.contains { $0.key == "dotenv" }
    }

    /// The jobs whose artifacts a job takes; `nil` for all earlier ones.
    static func artifactSources(_ fields: [Entry]) -> Set<String>? {
        func name(_ value: Value?) -> String? {
            if case .scalar(let text, _, _)? = value { return text }
            return nil
        }
        if case .sequence(let items, _)? = fields.first(where: { $0.key == "dependencies" })?.value {
            return Set(items.compactMap { name($0) })
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
