#if canImport(Glibc)
import Glibc
#endif

/// A Unix stream socket, for the live hook and the runner that answers it: one request per connection,
/// the client shutting down its sending side to mark the end.
public enum UnixSocket {
    /// Largest message read either way.
    public static let maxMessage = 64 << 20

    /// A listening socket at `path` (replacing nothing: the path must not exist), owned by root with
    /// the group `gid`, mode 0660: only root and that group can connect.
    public static func listen(at path: String, group gid: UInt32) -> Int32? {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        guard withAddress(path, { bind(descriptor, $0, $1) }) == 0, chown(path, 0, gid) == 0, chmod(path, 0o660) == 0,
              Glibc.listen(descriptor, 64) == 0 else {
            close(descriptor)
            return nil
        }
        return descriptor
    }

    /// The next connection, with `seconds` to send and to receive; nil once the socket is shut down.
    public static func accept(_ descriptor: Int32, seconds: Int) -> Int32? {
        var connection: Int32
        repeat {
            connection = Glibc.accept(descriptor, nil, nil)
        } while connection < 0 && (errno == EINTR || errno == ECONNABORTED)
        guard connection >= 0 else { return nil }
        _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
        var limit = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        return connection
    }

    /// Wakes a thread blocked in `accept` and stops the socket.
    public static func shutDown(_ descriptor: Int32) {
        shutdown(descriptor, Int32(SHUT_RDWR))
    }

    public static func close(_ descriptor: Int32) {
        _ = Glibc.close(descriptor)
    }

    /// Sends `request` to the socket at `path` and returns the whole answer; nil when it cannot.
    public static func exchange(path: String, request: [UInt8]) -> [UInt8]? {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        guard withAddress(path, { connect(descriptor, $0, $1) }) == 0, send(descriptor, request) else { return nil }
        shutdown(descriptor, Int32(SHUT_WR))
        return receive(descriptor)
    }

    /// Everything up to the end of the peer's sending side; nil on an error or an oversized message.
    public static func receive(_ descriptor: Int32) -> [UInt8]? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            bytes += chunk[0..<count]
            if bytes.count > maxMessage { return nil }
        }
    }

    /// Sends all of `bytes`.
    public static func send(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += count
        }
        return true
    }

    /// Calls `body` with a `sockaddr_un` for `path`; -1 when the path is too long.
    private static func withAddress(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return -1 }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }
}
