#if canImport(Glibc)
import Glibc
#endif

/// Keeps the resident size flat while large diffs stream through: glibc otherwise raises its mmap
/// threshold after the first large free and serves later large buffers (blobs, fragments) from
/// per-thread heaps that it rarely gives back. A fixed threshold returns them at once.
enum MemoryTuning {
    static func apply() {
        #if canImport(Glibc)
        _ = mallopt(M_MMAP_THRESHOLD, 256 * 1024)
        _ = mallopt(-8, 4)  // M_ARENA_MAX, which Glibc does not export to Swift
        #endif
    }
}
