import Testing
@_spi(Fuzzing) @testable import PolicyEngine

/// A path and whether it names a credential file.
struct SecretPathCase: Sendable, CustomTestStringConvertible {
    let path: String
    let isSecret: Bool
    init(_ path: String, _ isSecret: Bool) {
        self.path = path
        self.isSecret = isSecret
    }
    var testDescription: String { path }
}

@Suite("SecretFilePath and PathScope")
struct PathTests {
    static let secretCases: [SecretPathCase] = [
        SecretPathCase(".env", true),
        SecretPathCase("/builds/acme/web/.env", true),
        SecretPathCase("config/.env.production", true),
        SecretPathCase(".env.local", true),
        SecretPathCase(".env.example", false),
        SecretPathCase(".env.sample", false),
        SecretPathCase("/w/.env.template", false),
        SecretPathCase(".environment.ts", false),
        SecretPathCase("~/.ssh/id_rsa", true),
        SecretPathCase("~/.ssh/known_hosts", true),
        SecretPathCase("/root/.ssh/authorized_keys", true),
        SecretPathCase("$HOME/.ssh/config", true),
        SecretPathCase("keys/id_ed25519", true),
        SecretPathCase("keys/id_ed25519.pub", false),
        SecretPathCase("/proc/self/environ", true),
        SecretPathCase("/proc/1/environ", true),
        SecretPathCase("/proc/self/status", false),
        SecretPathCase("~/.aws/credentials", true),
        SecretPathCase("/root/.config/gcloud/application_default_credentials.json", true),
        SecretPathCase("~/.azure/accessTokens.json", true),
        SecretPathCase("~/.kube/config", true),
        SecretPathCase("/home/ci/.docker/config.json", true),
        SecretPathCase("~/.netrc", true),
        SecretPathCase("~/.npmrc", true),
        SecretPathCase("/root/.pypirc", true),
        SecretPathCase("/builds/acme/web/.npmrc", false),
        SecretPathCase("~/.git-credentials", true),
        SecretPathCase("certs/server.pem", true),
        SecretPathCase("tls/server.key", true),
        SecretPathCase("signing.p12", true),
        SecretPathCase("store.pfx", true),
        SecretPathCase("~/.claude/.credentials.json", true),
        SecretPathCase("/var/run/secrets/kubernetes.io/serviceaccount/token", true),
        SecretPathCase("/run/secrets/db_password", true),
        SecretPathCase("/builds/acme/web/.git/config", true),
        SecretPathCase("/builds/acme/web/src/cart/total.ts", false),
        SecretPathCase("README.md", false),
        SecretPathCase("keyboard.ts", false),
        SecretPathCase("", false),
    ]

    @Test("secret files", arguments: secretCases)
    func secretFile(_ testCase: SecretPathCase) {
        let reason = SecretFilePath.isSecretFile(testCase.path, home: "/root")
        #expect((reason != nil) == testCase.isSecret, "\(reason ?? "not secret")")
    }

    @Test("home-only files need a home", arguments: [("/home/u/.npmrc", true), ("/srv/app/.npmrc", false), ("/opt/.pypirc", false)])
    func homeOnly(_ path: String, _ isSecret: Bool) {
        #expect((SecretFilePath.isSecretFile(path, home: nil) != nil) == isSecret)
    }

    static let resolveCases: [(path: String, cwd: String, expected: String)] = [
        ("src/a.ts", "/builds/acme/web", "/builds/acme/web/src/a.ts"),
        ("./src/../lib//b.ts", "/builds/acme/web", "/builds/acme/web/lib/b.ts"),
        ("../../other", "/builds/acme/web", "/builds/other"),
        ("../../../../..", "/builds/acme/web", "/"),
        ("/etc/./hosts", "/w", "/etc/hosts"),
        ("//etc//hosts/", "/w", "/etc/hosts"),
        ("~/.ssh/id_rsa", "/w", "/root/.ssh/id_rsa"),
        ("$HOME/x", "/w", "/root/x"),
        ("${HOME}", "/w", "/root"),
        ("~bob/x", "/w", "~bob/x"),
        ("$TMPDIR/x", "/w", "$TMPDIR/x"),
        ("", "/w/a/", "/w/a"),
    ]

    @Test("lexical resolution", arguments: resolveCases)
    func resolve(_ testCase: (path: String, cwd: String, expected: String)) {
        #expect(PathScope.resolve(testCase.path, cwd: testCase.cwd, home: "/root") == testCase.expected)
    }

    @Test("~ without a known home stays unresolved and is never inside")
    func homeUnknown() {
        let resolved = PathScope.resolve("~/../x/./y", cwd: "/w")
        #expect(resolved == "~/x/y")
        #expect(!PathScope.isInside(resolved, root: "/"))
    }

    static let insideCases: [(path: String, root: String, inside: Bool)] = [
        ("/builds/acme/web/src/a.ts", "/builds/acme/web", true),
        ("/builds/acme/web", "/builds/acme/web/", true),
        ("/builds/acme/web-evil/x", "/builds/acme/web", false),
        ("/builds/acme/web/../other", "/builds/acme/web", false),
        ("/etc/hosts", "/builds/acme/web", false),
        ("relative/path", "/builds/acme/web", false),
        ("/anything", "/", true),
    ]

    @Test("inside the root", arguments: insideCases)
    func inside(_ testCase: (path: String, root: String, inside: Bool)) {
        #expect(PathScope.isInside(testCase.path, root: testCase.root) == testCase.inside)
    }
}
