import FlyingFox
import FlyingSocks
import Foundation
#if canImport(Glibc)
import Glibc
#endif
@_spi(Fuzzing) @testable import PolicyEngine
import TestSupport

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
    /// The server and `body` run on threads of their own, so a busy cooperative pool cannot make a reply late.
    static func with<Result: Sendable>(token: String, _ body: (FakeGitLab) async throws -> Result) async throws -> Result {
        let executor = DedicatedThreadsExecutor(threads: 2)
        return try await withTaskExecutorPreference(executor) {
            try await run(token: token, executor: executor, body)
        }
    }

    private static func run<Result: Sendable>(token: String, executor: DedicatedThreadsExecutor,
                                              _ body: (FakeGitLab) async throws -> Result) async throws -> Result {
        let gitlab = try await start(token: token, executor: executor)
        do {
            let result = try await body(gitlab)
            await gitlab.stop()
            return result
        } catch {
            await gitlab.stop()
            throw error
        }
    }

    static func start(token: String, executor: DedicatedThreadsExecutor) async throws -> FakeGitLab {
        let state = FakeGitLabState(token: token)
        let (server, task, port) = try await listen(on: executor) { request in await state.handle(request) }
        await state.setOrigin("http://127.0.0.1:\(port)")
        return FakeGitLab(state: state, port: port, server: server, task: task)
    }

    /// Starts a FlyingFox server on 127.0.0.1 and a free port in front of `handler`, its tasks on `executor`.
    static func listen(on executor: DedicatedThreadsExecutor,
                       _ handler: @escaping @Sendable (HTTPRequest) async -> HTTPResponse) async throws
        -> (server: HTTPServer, task: Task<Void, any Error>, port: UInt16) {
        let config = HTTPServer.Configuration(address: try sockaddr_in.inet(ip4: "127.0.0.1", port: 0), timeout: 30,
                                              pool: NoDelayPool(HTTPServer.defaultPool()), logger: .disabled)
        let server = HTTPServer(config: config, handler: ClosureHTTPHandler(handler))
        let task = Task(executorPreference: executor) { try await server.run() }
        try await server.waitUntilListening(timeout: 10)
        guard case .ip4(_, let port)? = await server.listeningAddress else {
            task.cancel()
            throw StartError()
        }
        return (server, task, port)
    }

    func stop() async {
        await server.stop(timeout: 1)
        task.cancel()
    }

    struct StartError: Error, CustomStringConvertible {
        var description: String { "the fake GitLab did not start listening" }
    }
}

/// The server's socket pool with Nagle's algorithm off on every socket it waits on. FlyingFox writes a
/// reply's header and body separately; with Nagle on, the body waits for the client's delayed ACK
/// (40 ms on Linux), which would make every request of a long test cost that much.
struct NoDelayPool: AsyncSocketPool {
    private let pool: any AsyncSocketPool

    init(_ pool: any AsyncSocketPool) {
        self.pool = pool
    }

    func prepare() async throws { try await pool.prepare() }

    func run() async throws { try await pool.run() }

    func suspendSocket(_ socket: Socket, untilReadyFor events: Socket.Events) async throws {
        var on: Int32 = 1
        _ = setsockopt(socket.file.rawValue, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        try await pool.suspendSocket(socket, untilReadyFor: events)
    }
}
