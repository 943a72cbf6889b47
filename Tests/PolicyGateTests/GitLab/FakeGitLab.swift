import FlyingFox
import Foundation
import PolicyEngine

/// A fake GitLab on 127.0.0.1 and a free port: a real HTTP server (FlyingFox) in front of
/// `FakeGitLabState`. Use `FakeGitLab.with(token:) { gitlab in … }`, which always stops it.
struct FakeGitLab: Sendable {
    let state: FakeGitLabState
    let port: UInt16
    private let server: HTTPServer
    private let task: Task<Void, any Error>

    /// `http://127.0.0.1:<port>/api/v4`.
    var apiURL: String { "http://127.0.0.1:\(port)/api/v4" }

    /// Starts a server, runs `body` with it, and stops it, also when `body` throws.
    static func with<Result: Sendable>(token: String, _ body: (FakeGitLab) async throws -> Result) async throws -> Result {
        let gitlab = try await start(token: token)
        do {
            let result = try await body(gitlab)
            await gitlab.stop()
            return result
        } catch {
            await gitlab.stop()
            throw error
        }
    }

    static func start(token: String) async throws -> FakeGitLab {
        let state = FakeGitLabState(token: token)
        let server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: 0), timeout: 30, logger: .disabled,
                                handler: ClosureHTTPHandler { request in await state.handle(request) })
        let task = Task { try await server.run() }
        try await server.waitUntilListening(timeout: 10)
        guard case .ip4(_, let port)? = await server.listeningAddress else {
            task.cancel()
            throw StartError()
        }
        await state.setOrigin("http://127.0.0.1:\(port)")
        return FakeGitLab(state: state, port: port, server: server, task: task)
    }

    func stop() async {
        await server.stop(timeout: 1)
        task.cancel()
    }

    struct StartError: Error, CustomStringConvertible {
        var description: String { "the fake GitLab did not start listening" }
    }
}
