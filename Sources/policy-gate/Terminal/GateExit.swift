import ArgumentParser
import Foundation
import PolicyEngine

/// Maps outcomes to the gate's exit codes. Left alone, ArgumentParser turns any error into exit 1,
/// which would read as "blocked"; the gate must say 2 when it could not decide.
enum GateExit {
    static let pass = ExitCode(0)
    static let blocked = ExitCode(1)
    static let couldNotDecide = ExitCode(2)

    /// Runs `body`; any error that is not an `ExitCode` becomes one line on stderr and exit 2.
    static func guarded(_ body: () throws -> ExitCode) throws {
        let code: ExitCode
        do {
            code = try body()
        } catch {
            code = exitCode(for: error)
        }
        throw code
    }

    /// Runs `body`, which may wait for the network; errors map to exit codes as in `guarded(_:)`.
    static func guarded(_ body: () async throws -> ExitCode) async throws {
        let code: ExitCode
        do {
            code = try await body()
        } catch {
            code = exitCode(for: error)
        }
        throw code
    }

    /// The exit code for what `body` threw: an `ExitCode` as it is, anything else one line on stderr and 2.
    private static func exitCode(for error: any Error) -> ExitCode {
        if let exit = error as? ExitCode { return exit }
        StandardError.write("error: \(describe(error))")
        return couldNotDecide
    }

    /// One line for an error: its own description when it has one, with any secret it quotes redacted.
    static func describe(_ error: any Error) -> String {
        let text = error is CocoaError ? error.localizedDescription : String(describing: error)
        return SecretRedaction.scrub(text.split(separator: "\n").joined(separator: " "))
    }
}
