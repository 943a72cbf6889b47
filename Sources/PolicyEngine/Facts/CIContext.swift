/// What the pipeline says about itself, read once from GitLab's predefined variables.
/// Rules read this value, never the environment.
public struct CIContext: Sendable, Equatable, Codable {
    /// Whether the gate runs inside GitLab CI.
    public var isGitLabCI = false
    /// `CI_PIPELINE_SOURCE`: `merge_request_event`, `push`, `web`, …
    public var pipelineSource: String?
    /// `CI_COMMIT_BRANCH` (branch pipelines only).
    public var commitBranch: String?
    /// `CI_COMMIT_REF_NAME`.
    public var refName: String?
    /// `CI_COMMIT_REF_PROTECTED`.
    public var refIsProtected = false
    /// `CI_COMMIT_SHA`.
    public var commitSHA: String?
    /// `CI_DEFAULT_BRANCH`.
    public var defaultBranch: String?
    /// `CI_MERGE_REQUEST_IID`.
    public var mergeRequestIID: String?
    /// `CI_MERGE_REQUEST_PROJECT_ID`, else `CI_PROJECT_ID`.
    public var projectID: String?
    /// `CI_PROJECT_PATH`.
    public var projectPath: String?
    /// `CI_MERGE_REQUEST_SOURCE_BRANCH_NAME`.
    public var sourceBranch: String?
    /// `CI_MERGE_REQUEST_TARGET_BRANCH_NAME`.
    public var targetBranch: String?
    /// `CI_MERGE_REQUEST_TARGET_BRANCH_PROTECTED`.
    public var targetBranchIsProtected = false
    /// `CI_MERGE_REQUEST_DIFF_BASE_SHA`.
    public var diffBaseSHA: String?
    /// `CI_MERGE_REQUEST_SOURCE_BRANCH_SHA` (merged-results pipelines only).
    public var sourceBranchSHA: String?
    /// `CI_API_V4_URL`.
    public var apiURL: String?
    /// `CI_SERVER_URL`.
    public var serverURL: String?
    /// `CI_PIPELINE_ID`.
    public var pipelineID: String?
    /// `CI_JOB_ID`.
    public var jobID: String?
    /// `CI_JOB_URL`.
    public var jobURL: String?
    /// `CI_PROJECT_DIR`.
    public var projectDirectory: String?

    /// A context outside CI.
    public init() {}

    /// Reads the context from an environment dictionary.
    public init(environment: [String: String]) {
        func value(_ key: String) -> String? {
            guard let text = environment[key], !text.isEmpty else { return nil }
            return text
        }
        isGitLabCI = value("GITLAB_CI") == "true"
        pipelineSource = value("CI_PIPELINE_SOURCE")
        commitBranch = value("CI_COMMIT_BRANCH")
        refName = value("CI_COMMIT_REF_NAME")
        refIsProtected = value("CI_COMMIT_REF_PROTECTED") == "true"
        commitSHA = value("CI_COMMIT_SHA")
        defaultBranch = value("CI_DEFAULT_BRANCH")
        mergeRequestIID = value("CI_MERGE_REQUEST_IID")
        projectID = value("CI_MERGE_REQUEST_PROJECT_ID") ?? value("CI_PROJECT_ID")
        projectPath = value("CI_MERGE_REQUEST_PROJECT_PATH") ?? value("CI_PROJECT_PATH")
        sourceBranch = value("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME")
        targetBranch = value("CI_MERGE_REQUEST_TARGET_BRANCH_NAME")
        targetBranchIsProtected = value("CI_MERGE_REQUEST_TARGET_BRANCH_PROTECTED") == "true"
        diffBaseSHA = value("CI_MERGE_REQUEST_DIFF_BASE_SHA")
        sourceBranchSHA = value("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA")
        apiURL = value("CI_API_V4_URL")
        serverURL = value("CI_SERVER_URL")
        pipelineID = value("CI_PIPELINE_ID")
        jobID = value("CI_JOB_ID")
        jobURL = value("CI_JOB_URL")
        projectDirectory = value("CI_PROJECT_DIR")
    }

    /// Whether this is a merge-request pipeline.
    public var isMergeRequestPipeline: Bool {
        pipelineSource == "merge_request_event" || mergeRequestIID != nil
    }

    /// The branch the job works on directly when it is not a merge-request pipeline.
    public var workingBranch: String? {
        isMergeRequestPipeline ? nil : (commitBranch ?? refName)
    }

    /// The commit a status belongs on: the source head in merged-results pipelines, else the built commit.
    public var statusSHA: String? {
        sourceBranchSHA ?? commitSHA
    }
}
