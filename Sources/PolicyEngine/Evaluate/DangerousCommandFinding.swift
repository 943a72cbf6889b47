import Foundation

/// One dangerous thing a shell command does, found by `BashCommandAnalyzer`.
///
/// The snippet is the command text as the agent wrote it and may hold secrets (a token in a
/// header, say): pass it through the secret redaction before it reaches any report.
public struct DangerousCommandFinding: Sendable, Hashable, CustomStringConvertible {
    /// What kind of danger, with stable identifiers for reports.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Sends to or fetches from a host outside the allowed hosts (`curl`, `wget`, `nc`,
        /// `ssh`, `scp`, `rsync host:`, `/dev/tcp/…`, interpreter one-liners with sockets or HTTP).
        case networkAccess = "network-access"
        /// Uploads a local file or stdin (`curl -d @file`, `-F f=@file`, `-T`, `wget --post-file`,
        /// `scp file host:`).
        case fileUpload = "file-upload"
        /// Runs code fetched from the network (`curl … | sh`, `bash <(curl …)`, `sh -c "$(curl …)"`).
        case fetchAndExecute = "fetch-and-execute"
        /// Runs decoded or escaped payloads (`echo … | base64 -d | sh`, `eval "$(… | base64 -d)"`).
        case obfuscatedExecution = "obfuscated-execution"
        /// `git push` to a remote other than `origin`, or to a URL or path.
        case gitPushToOtherRemote = "git-push-other-remote"
        /// `git push --force`, `-f`, `--force-with-lease`, `--mirror`, `+refspec`, or a remote
        /// branch deletion.
        case gitForcePush = "git-force-push"
        /// `git remote add|set-url|rename`, or git config that redirects remotes.
        case gitRemoteChange = "git-remote-change"
        /// `rm -r`/`find -delete` on paths outside the workspace, in a home directory, or at an
        /// unknown location.
        case destructiveDelete = "destructive-delete"
        /// Prints the environment (`env`, `printenv`, `set`, `export -p`, `/proc/*/environ`).
        case environmentDump = "environment-dump"
        /// Names a credential file (`cat .env`, `cp ~/.ssh/id_rsa …`).
        case secretFileAccess = "secret-file-access"
        /// Writes to `~/.ssh`, `/etc`, system directories, shell start-up files, git hooks or
        /// user-level tool settings.
        case sensitiveWrite = "sensitive-write"
        /// Sets the setuid or setgid bit (`chmod +s`, `chmod 4755`).
        case setuid = "setuid"
        /// Schedules jobs that outlive the run (`crontab`, `at`).
        case persistence = "persistence"
        /// Installs packages from a URL, a git repository or a non-allowed index.
        case remoteInstall = "remote-install"
        /// What runs cannot be told: the program name, or an argument deciding what runs, comes
        /// from a variable, a substitution or `eval` that cannot be resolved within the command.
        case cannotTellWhatRuns = "cannot-tell-what-runs"
        /// An environment variable, git configuration key or option makes a program run other code
        /// (`GIT_SSH_COMMAND`, `git -c core.fsmonitor=…`, `tar --to-command`, `LD_PRELOAD`).
        case codeRunningKnob = "code-running-knob"
        /// A path argument or redirection outside the repository (or of unknown location), or a
        /// write into the repository's `.git/` or the gate's own files; reported by
        /// `transcript.path-outside-workspace`.
        case pathOutsideWorkspace = "path-outside-workspace"
        /// The command could not be parsed (an unterminated quote, too deep nesting); it is
        /// reported rather than guessed at (fail closed).
        case unparseable = "unparseable"
    }

    /// The longest snippet kept, in characters.
    static let maxSnippetLength = 200

    /// What kind of danger.
    public var kind: Kind
    /// Why it is dangerous, in words (hosts and paths, never the whole command).
    var reason: String
    /// The simple command (or pipeline) it was found in, cut to `maxSnippetLength` characters.
    var snippet: String

    /// Creates a finding; the snippet is cut to `maxSnippetLength` characters.
    /// - Parameters:
    ///   - kind: the kind of danger.
    ///   - reason: why it is dangerous.
    ///   - snippet: the command text it was found in.
    public init(kind: Kind, reason: String, snippet: String) {
        self.kind = kind
        self.reason = reason
        if snippet.count > Self.maxSnippetLength {
            self.snippet = String(snippet.prefix(Self.maxSnippetLength - 1)) + "…"
        } else {
            self.snippet = snippet
        }
    }

    /// `[kind] reason: snippet`.
    public var description: String {
        "[\(kind.rawValue)] \(reason): \(snippet)"
    }
}
