import Testing
@_spi(Fuzzing) @testable import PolicyEngine

/// Which folder the transcript's paths are judged against when post runs in another job's checkout.
@Suite struct AgentWorkspaceRootTests {
    static let postCheckout = "/builds/r1/2/acme/shop"

    @Test(arguments: [
        // The agent job's checkout on another runner slot: its cwd is the agent's root.
        ("/builds/r1/0/acme/shop", "/builds/r1/0/acme/shop"),
        ("/builds/r1/0/acme/shop/", "/builds/r1/0/acme/shop"),
        // The same checkout (post in the agent's own job, as with `run`).
        (postCheckout, postCheckout),
        // Anything that is not another checkout of the same project keeps this checkout as the root.
        ("/", postCheckout),
        ("relative/shop", postCheckout),
        ("/builds/r1/0/acme/shop/src", postCheckout),
        ("/builds/r1/0/acme/other", postCheckout),
        ("/builds/r1/0/acme/shop/src/..", "/builds/r1/0/acme/shop"),
        ("/shop/..", postCheckout),
    ])
    func theTranscriptsCwdIsTheRootOnlyForACheckoutOfTheSameProject(cwd: String, expected: String) {
        #expect(PostStageCollector.agentWorkspaceRoot(repository: Self.postCheckout, transcriptCWD: cwd) == expected)
    }

    @Test func noTranscriptKeepsTheRepository() {
        #expect(PostStageCollector.agentWorkspaceRoot(repository: Self.postCheckout, transcriptCWD: nil) == Self.postCheckout)
    }
}
