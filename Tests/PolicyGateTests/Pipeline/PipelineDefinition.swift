import Foundation
@_spi(Fuzzing) @testable import PolicyEngine
import TestSupport
import Yams

/// A GitLab CI configuration read the way GitLab builds a merge-request pipeline from it: includes
/// (local files and this repository's component, with its inputs interpolated), `extends`, stages,
/// `needs`, `rules`, artifacts and the scripts. Only what the example pipelines use is modelled; anything
/// else is an error, so the tests cannot silently run a different pipeline than the one written.
struct PipelineDefinition {
    struct Need: Equatable {
        var job: String
        var artifacts: Bool
    }

    struct Job {
        var name: String
        var stage: String
        /// `nil`: no `needs:`, so the job waits for every earlier stage and takes all their artifacts.
        var needs: [Need]?
        /// The `when:` of the rule that put the job in a merge-request pipeline.
        var when: String
        var beforeScript: [String]
        var script: [String]
        var afterScript: [String]
        var variables: [String: String]
        var artifactPaths: [String]
        var artifactsWhen: String
        var artifactReports: [String: String]
    }

    struct DefinitionError: Error, CustomStringConvertible {
        var description: String
    }

    /// Jobs in the order GitLab starts them: by stage, then in file order.
    var jobs: [Job]

    /// The component this repository publishes: an `include: component:` whose name is `policy-gate`.
    static let componentFile = "templates/policy-gate.yml"

    /// Reads `mainFile` (relative to `repository`) and what it includes.
    static func load(repository: String, mainFile: String = ".gitlab-ci.yml") throws -> PipelineDefinition {
        var included: [CIJobExtractor.SourceFile] = []
        let mainText = try read(repository + "/" + mainFile)
        try collectIncludes(of: .init(name: mainFile, text: mainText), repository: repository, into: &included)
        let extractor = try CIJobExtractor(yaml: mainText, fileName: mainFile, includedFiles: included)

        // The merged top level, for the keywords the extractor does not model (included files beneath).
        var topLevel: [String: Any] = [:]
        for file in included + [.init(name: mainFile, text: mainText)] {
            topLevel = deepMerge(topLevel, try lastDocument(file.text))
        }
        let declaredStages = topLevel["stages"] as? [String] ?? ["build", "test", "deploy"]
        let stages = [".pre"] + declaredStages.filter { $0 != ".pre" && $0 != ".post" } + [".post"]

        var jobs: [Job] = []
        for name in extractor.jobNames where !name.hasPrefix(".") {
            let resolved = try extractor.job(named: name)
            var merged: [String: Any] = [:]
            for ancestor in resolved.extendsChain + [name] {
                merged = deepMerge(merged, topLevel[ancestor] as? [String: Any] ?? [:])
            }
            guard let when = try mergeRequestWhen(merged["rules"], job: name) else { continue }
            let stage = merged["stage"] as? String ?? "test"
            guard stages.contains(stage) else { throw DefinitionError(description: "job \(name): unknown stage '\(stage)'") }
            let artifacts = merged["artifacts"] as? [String: Any] ?? [:]
            jobs.append(Job(
                name: name, stage: stage, needs: try needs(merged["needs"], job: name), when: when,
                beforeScript: resolved.beforeScript.map(\.text), script: resolved.script.map(\.text),
                afterScript: resolved.afterScript.map(\.text), variables: resolved.variables,
                artifactPaths: artifacts["paths"] as? [String] ?? [], artifactsWhen: artifacts["when"] as? String ?? "on_success",
                artifactReports: artifacts["reports"] as? [String: String] ?? [:]))
        }
        jobs = stages.flatMap { stage in jobs.filter { $0.stage == stage } }
        return PipelineDefinition(jobs: jobs)
    }

    static func read(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw DefinitionError(description: "cannot read \(path)")
        }
        return text
    }

    /// Local includes and this repository's component, depth first, each file beneath the one including it.
    private static func collectIncludes(of file: CIJobExtractor.SourceFile, repository: String,
                                        into included: inout [CIJobExtractor.SourceFile]) throws {
        for include in try CIJobExtractor.includes(in: file) {
            let source: CIJobExtractor.SourceFile
            switch include {
            case .local(let path, _, _):
                let relative = path.hasPrefix("/") ? String(path.dropFirst()) : path
                source = .init(name: relative, text: try read(repository + "/" + relative))
            case .component where include.componentName == "policy-gate":
                source = .init(name: componentFile, text: try component(inputs: try componentInputs(file.text)))
            default:
                throw DefinitionError(description: "\(file.name): the pipeline tests cannot follow \(include)")
            }
            try collectIncludes(of: source, repository: repository, into: &included)
            included.append(source)
        }
    }

    /// The `inputs:` given to the policy-gate component in `text`.
    private static func componentInputs(_ text: String) throws -> [String: Any] {
        let includes = try lastDocument(text)["include"] as? [[String: Any]] ?? []
        let entry = includes.first { ($0["component"] as? String)?.contains("/policy-gate@") == true }
        return entry?["inputs"] as? [String: Any] ?? [:]
    }

    /// The component's jobs with `$[[ inputs.NAME ]]` replaced by the given inputs or the spec's defaults,
    /// as GitLab does when it includes a component.
    static func component(inputs: [String: Any]) throws -> String {
        let parts = try read(PackagePaths.root + "/" + componentFile).components(separatedBy: "\n---\n")
        guard parts.count == 2,
              let spec = (try lastDocument(parts[0])["spec"] as? [String: Any])?["inputs"] as? [String: [String: Any]] else {
            throw DefinitionError(description: "\(componentFile): no spec:inputs header")
        }
        if let unknown = inputs.keys.first(where: { spec[$0] == nil }) {
            throw DefinitionError(description: "the component has no input '\(unknown)'")
        }
        var text = parts[1]
        for (name, declaration) in spec {
            guard let value = inputs[name] ?? declaration["default"] else {
                throw DefinitionError(description: "input '\(name)' has no value")
            }
            text = text.replacingOccurrences(of: "$[[ inputs.\(name) ]]", with: "\(value)")
        }
        if let left = text.range(of: "$[[") {
            throw DefinitionError(description: "uninterpolated input: \(text[left.lowerBound...].prefix(40))")
        }
        return text
    }

    private static func lastDocument(_ text: String) throws -> [String: Any] {
        var last: Any?
        for document in try Yams.load_all(yaml: text) { last = document }
        return last as? [String: Any] ?? [:]
    }

    /// GitLab's `extends` merge: mappings merge key by key, anything else is replaced.
    private static func deepMerge(_ base: [String: Any], _ overlay: [String: Any]) -> [String: Any] {
        var result = base
        for (key, value) in overlay {
            if let old = result[key] as? [String: Any], let new = value as? [String: Any] {
                result[key] = deepMerge(old, new)
            } else {
                result[key] = value
            }
        }
        return result
    }

    /// The `when:` of the first rule that matches a merge-request pipeline, `nil` when none does.
    /// The examples' conditions are `$CI_PIPELINE_SOURCE == "…"` comparisons joined by `||`.
    private static func mergeRequestWhen(_ rules: Any?, job: String) throws -> String? {
        guard let rules else { return "on_success" }
        guard let list = rules as? [[String: Any]] else { throw DefinitionError(description: "job \(job): rules is not a list") }
        for rule in list {
            guard let condition = rule["if"] as? String else { return rule["when"] as? String ?? "on_success" }
            let alternatives = condition.components(separatedBy: "||").map { $0.trimmingCharacters(in: .whitespaces) }
            for alternative in alternatives {
                let sides = alternative.components(separatedBy: "==").map { $0.trimmingCharacters(in: .whitespaces) }
                guard sides.count == 2, sides[0] == "$CI_PIPELINE_SOURCE" else {
                    throw DefinitionError(description: "job \(job): the tests cannot evaluate the rule '\(condition)'")
                }
                if sides[1] == "\"merge_request_event\"" { return rule["when"] as? String ?? "on_success" }
            }
        }
        return nil
    }

    private static func needs(_ value: Any?, job: String) throws -> [Need]? {
        guard let value else { return nil }
        guard let list = value as? [Any] else { throw DefinitionError(description: "job \(job): needs is not a list") }
        return try list.map { item in
            if let name = item as? String { return Need(job: name, artifacts: true) }
            guard let entry = item as? [String: Any], let name = entry["job"] as? String else {
                throw DefinitionError(description: "job \(job): a needs entry the tests cannot read")
            }
            return Need(job: name, artifacts: entry["artifacts"] as? Bool ?? true)
        }
    }
}
