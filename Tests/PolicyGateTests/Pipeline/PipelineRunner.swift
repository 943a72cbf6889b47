import Foundation
import TestSupport

/// Runs a `PipelineDefinition` on this machine the way a GitLab runner with the shell executor would:
/// each job in a fresh fetch of the project (detached at `CI_COMMIT_SHA`, no local branches), with the
/// artifacts of the jobs it needs, `before_script` and `script` in one `bash -eo pipefail`, then
/// `after_script` in a shell of its own, and its artifacts kept when its `artifacts:when` says so.
struct PipelineRunner {
    struct JobRun {
        var name: String
        /// The exit status of the job's script; `nil` when the job was skipped.
        var status: Int32?
        var output: String
        /// Where the job's artifacts were kept.
        var artifacts: String

        var succeeded: Bool { status == 0 }
    }

    /// The bare repository the jobs fetch from (`origin`).
    var origin: String
    /// Folder for job checkouts and artifacts.
    var workspace: String
    /// Predefined variables shared by all jobs (`CI_COMMIT_SHA`, `CI_PIPELINE_SOURCE`, `PATH`, …).
    var environment: [String: String]

    func run(_ pipeline: PipelineDefinition) throws -> [JobRun] {
        var runs: [JobRun] = []
        for (index, job) in pipeline.jobs.enumerated() {
            let earlier = runs.filter { run in
                job.needs.map { needs in needs.contains { $0.job == run.name } }
                    ?? (pipeline.jobs.first { $0.name == run.name }!.stage != job.stage)
            }
            let artifactsDir = workspace + "/artifacts/" + job.name
            let upstreamOK = earlier.allSatisfy(\.succeeded)
            guard upstreamOK || job.when == "always" else {
                runs.append(JobRun(name: job.name, status: nil, output: "skipped", artifacts: artifactsDir))
                continue
            }
            runs.append(try run(job, jobID: 5000 + index, restoring: earlier.filter { run in
                job.needs?.first { $0.job == run.name }?.artifacts ?? true
            }, artifactsDir: artifactsDir))
        }
        return runs
    }

    private func run(_ job: PipelineDefinition.Job, jobID: Int, restoring upstream: [JobRun],
                     artifactsDir: String) throws -> JobRun {
        // A runner's checkout folder: `<builds>/<runner>/<concurrency slot>/<group>/<project>`; each job
        // gets another slot here, as jobs on different runners or slots do.
        let directory = workspace + "/builds/runner-a/\(jobID % 100)/acme/shop"
        try checkout(into: directory)
        for run in upstream where FileManager.default.fileExists(atPath: run.artifacts) {
            try copyTree(from: run.artifacts, to: directory)
        }
        var variables = environment
        variables.merge(job.variables) { _, own in own }
        variables.merge([
            "CI_PROJECT_DIR": directory, "CI_BUILDS_DIR": workspace + "/builds", "CI_JOB_ID": String(jobID),
            "CI_JOB_NAME": job.name, "CI_JOB_STAGE": job.stage,
            "CI_JOB_URL": "https://gitlab.example.com/acme/shop/-/jobs/\(jobID)",
        ]) { _, predefined in predefined }

        let main = try shell(job.beforeScript + job.script, in: directory, environment: variables)
        var output = main.stdout + main.stderr
        if !job.afterScript.isEmpty {
            variables["CI_JOB_STATUS"] = main.status == 0 ? "success" : "failed"
            let after = try shell(job.afterScript, in: directory, environment: variables)
            output += after.stdout + after.stderr
        }
        if job.artifactsWhen == "always" || (job.artifactsWhen == "on_success" && main.status == 0) {
            try keepArtifacts(job.artifactPaths, from: directory, to: artifactsDir)
        }
        return JobRun(name: job.name, status: main.status, output: output, artifacts: artifactsDir)
    }

    /// A fetch of every branch into remote-tracking refs and a detached checkout, as the runner does.
    private func checkout(into directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let git = GitCLI(directory: directory)
        try git.run("init", "-q")
        try git.run("remote", "add", "origin", origin)
        try git.run("fetch", "-q", "origin", "+refs/heads/*:refs/remotes/origin/*")
        try git.run("checkout", "-q", "--detach", environment["CI_COMMIT_SHA"] ?? "HEAD")
    }

    private func shell(_ lines: [String], in directory: String, environment: [String: String]) throws -> GateProcess.Outcome {
        let script = (["set -eo pipefail"] + lines).joined(separator: "\n") + "\n"
        return try GateProcess.run(["-c", script], environment: environment, directory: directory, timeout: 180,
                                   executable: URL(fileURLWithPath: "/bin/bash"))
    }

    /// Copies what `paths` match (a folder with a trailing `/`, a file, or a `*` pattern in the last segment).
    private func keepArtifacts(_ paths: [String], from directory: String, to destination: String) throws {
        let files = FileManager.default
        for pattern in paths {
            let trimmed = pattern.hasSuffix("/") ? String(pattern.dropLast()) : pattern
            let parent = (trimmed as NSString).deletingLastPathComponent
            let last = (trimmed as NSString).lastPathComponent
            let names = last.contains("*")
                ? ((try? files.contentsOfDirectory(atPath: directory + "/" + parent)) ?? []).filter { fnmatch(last, $0, 0) == 0 }
                : [last]
            for name in names {
                let relative = parent.isEmpty ? name : parent + "/" + name
                guard files.fileExists(atPath: directory + "/" + relative) else { continue }
                try files.createDirectory(atPath: destination + "/" + parent, withIntermediateDirectories: true)
                try? files.removeItem(atPath: destination + "/" + relative)
                try files.copyItem(atPath: directory + "/" + relative, toPath: destination + "/" + relative)
            }
        }
    }

    private func copyTree(from source: String, to destination: String) throws {
        let files = FileManager.default
        guard let enumerator = files.enumerator(atPath: source) else { return }
        while let relative = enumerator.nextObject() as? String {
            var isFolder: ObjCBool = false
            _ = files.fileExists(atPath: source + "/" + relative, isDirectory: &isFolder)
            if isFolder.boolValue {
                try files.createDirectory(atPath: destination + "/" + relative, withIntermediateDirectories: true)
            } else {
                try? files.removeItem(atPath: destination + "/" + relative)
                try files.copyItem(atPath: source + "/" + relative, toPath: destination + "/" + relative)
            }
        }
    }
}
