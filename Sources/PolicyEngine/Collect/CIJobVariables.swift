import Foundation

extension CIJobExtractor {
    /// Predefined variables whose text the merge request's author (or whoever triggers the agent)
    /// writes: never taken from the gate's environment.
    static let authorControlled: Set<String> = [
        "CI_MERGE_REQUEST_TITLE", "CI_MERGE_REQUEST_DESCRIPTION", "CI_MERGE_REQUEST_DESCRIPTION_IS_TRUNCATED",
        "CI_MERGE_REQUEST_LABELS", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "CI_COMMIT_MESSAGE", "CI_COMMIT_TITLE",
        "CI_COMMIT_DESCRIPTION", "CI_COMMIT_TAG_MESSAGE", "CI_COMMIT_BRANCH", "CI_COMMIT_REF_NAME", "CI_COMMIT_REF_SLUG",
        "CI_COMMIT_AUTHOR", "CI_COMMIT_TAG", "AI_FLOW_INPUT", "AI_FLOW_CONTEXT", "AI_FLOW_EVENT",
    ]

    /// The names among a job's variables (global ones included) written with `expand: false`.
    func literalVariables(job: String, own: Value?, inherit: Value?) throws(CIJobExtractorError) -> Set<String> {
        var result: Set<String> = []
        func scan(_ entries: [Entry], filtered: Bool) throws(CIJobExtractorError) {
            for entry in entries {
                if filtered, !(try inherits(entry.key, from: inherit, kind: "variables", job: job)) { continue }
                guard case .mapping(let fields, _) = entry.value,
                      case .scalar(let expand, _, _)? = fields.first(where: { $0.key == "expand" })?.value else {
                    result.remove(entry.key)
                    continue
                }
                if expand == "false" { result.insert(entry.key) } else { result.remove(entry.key) }
            }
        }
        if case .mapping(let globals, _)? = rootIndex["variables"].map({ root[$0].value }) {
            try scan(globals, filtered: true)
        }
        if case .mapping(let entries, _)? = own { try scan(entries, filtered: false) }
        return result
    }

    /// The combinations of `parallel: matrix:`, each a set of variable values, in GitLab's order;
    /// empty when the job has no matrix.
    func matrixCombinations(_ parallel: Value?, job: String) throws(CIJobExtractorError) -> [[String: String]] {
        guard case .mapping(let fields, _)? = parallel, let matrix = fields.first(where: { $0.key == "matrix" })?.value else {
            return []
        }
        guard case .sequence(let rows, _) = matrix else {
            throw CIJobExtractorError.invalidStructure(file: matrix.origin.file, line: matrix.origin.line,
                                                       reason: "'parallel:matrix' of job '\(job)' must be a list")
        }
        var result: [[String: String]] = []
        for row in rows {
            guard case .mapping(let entries, _) = row else {
                throw CIJobExtractorError.invalidStructure(file: row.origin.file, line: row.origin.line,
                                                           reason: "each 'parallel:matrix' entry of job '\(job)' must be a mapping")
            }
            var combinations: [[String: String]] = [[:]]
            for entry in entries {
                var values: [String] = []
                switch entry.value {
                case .scalar(let text, _, _): values = [text]
                case .sequence(let items, _):
                    for item in items {
                        guard case .scalar(let text, _, _) = item else {
                            throw CIJobExtractorError.invalidVariable(file: item.origin.file, line: item.origin.line, name: entry.key,
                                                                      reason: "matrix values must be strings")
                        }
                        values.append(text)
                    }
                default:
                    throw CIJobExtractorError.invalidVariable(file: entry.origin.file, line: entry.origin.line, name: entry.key,
                                                              reason: "matrix values must be a string or a list of strings")
                }
                combinations = combinations.flatMap { partial in values.map { partial.merging([entry.key: $0]) { _, new in new } } }
                guard combinations.count <= 200 else {
                    throw CIJobExtractorError.invalidStructure(file: entry.origin.file, line: entry.origin.line,
                                                               reason: "'parallel:matrix' of job '\(job)' makes more than 200 jobs")
                }
            }
            result += combinations
        }
        return result
    }

    /// The job once per `parallel:matrix` combination (named `job: [a, b]` as GitLab does), with the
    /// combination's values among its variables; the job itself when it has no matrix.
    /// - Parameter name: The job's name.
    /// - Throws: As ``job(named:)``.
    func jobs(named name: String) throws(CIJobExtractorError) -> [Job] {
        let job = try job(named: name)
        guard !job.matrix.isEmpty else { return [job] }
        return job.matrix.map { combination in
            var copy = job
            copy.name = "\(name): [" + combination.keys.sorted().compactMap { combination[$0] }.joined(separator: ", ") + "]"
            copy.variables.merge(combination) { _, new in new }
            copy.literalVariables.subtract(combination.keys)
            copy.matrix = []
            return copy
        }
    }
}

extension CIJobExtractor.Job {
    /// The values the job's shell sees for its variables: each expanded as GitLab and the runner do
    /// (`$OTHER` replaced, `$$` made `$`), except those with `expand: false`. A value that refers to
    /// a variable the gate cannot know is `nil`.
    ///
    /// `environment` is the gate's own (in a pipeline, `pre`'s job environment): a variable the YAML
    /// does not define takes its value from there, since project, group and pipeline variables are
    /// the same for every job of a pipeline; one the YAML defines but the environment holds with
    /// another value may be overridden by a project variable, so it is unknown. Text the merge
    /// request's author writes (title, description, commit message, branch name) is always unknown.
    func knownValues(repository: String?, environment: [String: String] = [:]) -> [String: String?] {
        var result = CIJobExtractor.predefinedValues(repository: repository)
        var resolving: Set<String> = []
        func value(_ name: String) -> String?? {
            if let done = result[name] { return done }
            guard let raw = variables[name] else { return nil }
            guard !literalVariables.contains(name), raw.contains("$") else { return .some(raw) }
            guard resolving.insert(name).inserted else { return .some(nil) }
            defer { resolving.remove(name) }
            let characters = Array(raw)
            var out = ""
            var index = 0
            while index < characters.count {
                if characters[index] == "$", index + 1 < characters.count {
                    if characters[index + 1] == "$" {
                        out.append("$")
                        index += 2
                        continue
                    }
                    if let (reference, length) = ShellVariableSubstitution.reference(in: characters, at: index) {
                        guard reference.operation == nil, case .some(.some(let known)) = value(reference.name) else { return .some(nil) }
                        out += known
                        index += length
                        continue
                    }
                }
                out.append(characters[index])
                index += 1
            }
            return .some(out)
        }
        for name in variables.keys {
            result[name] = value(name) ?? .some(nil)
        }
        for (name, value) in environment where !CIJobExtractor.authorControlled.contains(name) {
            if let yaml = result[name] {
                if yaml != value { result[name] = .some(nil) }
            } else {
                result[name] = value
            }
        }
        for name in CIJobExtractor.authorControlled { result[name] = .some(nil) }
        result.merge(CIJobExtractor.predefinedValues(repository: repository)) { _, new in new }
        return result
    }
}
