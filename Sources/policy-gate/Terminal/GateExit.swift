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
        } catch let exit as ExitCode {
            code = exit
        } catch {
            StandardError.write("error: \(describe(error))")
            code = couldNotDecide
        }
        throw code
    }

    /// One line for an error: its own description when it has one, with any secret it quotes redacted.
    static func describe(_ error: any Error) -> String {
        let text = error is CocoaError ? error.localizedDescription : String(describing: error)
        return SecretRedaction.scrub(text.split(separator: "\n").joined(separator: " "))
    }
}
