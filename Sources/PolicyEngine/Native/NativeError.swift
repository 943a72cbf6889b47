/// An error reported by a C library (libgit2 or PCRE2), carrying the library's own words.
public struct NativeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which library reported the error.
    public enum Library: String, Sendable {
        case libgit2
        case pcre2
    }

    /// The library that failed.
    let library: Library
    /// The C function that failed, e.g. `git_repository_open_ext`.
    let function: String
    /// The library's numeric error code.
    let code: Int
    /// The library's message.
    let message: String
    /// For a PCRE2 compile error: the byte offset in the pattern where compilation failed. For a PCRE2
    /// match error from a windowed search: the byte offset in the subject where the failed search began.
    let offset: Int?

    /// Creates an error value.
    public init(library: Library, function: String, code: Int, message: String, offset: Int? = nil) {
        self.library = library
        self.function = function
        self.code = code
        self.message = message
        self.offset = offset
    }

    public var description: String {
        if let offset {
            return "\(message) (at offset \(offset))"
        }
        return "\(function): \(message)"
    }
}
