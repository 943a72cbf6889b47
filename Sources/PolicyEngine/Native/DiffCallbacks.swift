internal import CLibGit2
import Foundation

/// State shared with the C callbacks of `git_diff_foreach` through its payload pointer.
final class DiffCallbackBox {
    let visitor: any DiffVisitor
    unowned let repository: GitRepository
    let workingDirectory: String?
    let headIsWorkingTree: Bool
    var error: (any Error)?
    var fileIsOpen = false
    var currentIsBinary = false

    init(visitor: any DiffVisitor, repository: GitRepository, workingDirectory: String?, headIsWorkingTree: Bool) {
        self.visitor = visitor
        self.repository = repository
        self.workingDirectory = workingDirectory
        self.headIsWorkingTree = headIsWorkingTree
    }

    func finishFile() throws {
        guard fileIsOpen else { return }
        fileIsOpen = false
        try visitor.endFile(isBinary: currentIsBinary)
    }

    /// Runs a visitor call, parking any error so the C side can be told to stop.
    func run(_ body: () throws -> Void) -> Int32 {
        do {
            try body()
            return 0
        } catch {
            self.error = error
            return GIT_EUSER.rawValue
        }
    }

    func changedFile(from delta: UnsafePointer<git_diff_delta>) -> ChangedFile {
        let entry = delta.pointee
        let newPath = entry.new_file.path.map { String(cString: $0) } ?? ""
        let oldPath = entry.old_file.path.map { String(cString: $0) } ?? newPath
        let status: ChangedFile.Status
        switch entry.status {
        case GIT_DELTA_ADDED, GIT_DELTA_UNTRACKED: status = .added
        case GIT_DELTA_DELETED: status = .deleted
        case GIT_DELTA_RENAMED: status = .renamed
        case GIT_DELTA_COPIED: status = .copied
        case GIT_DELTA_TYPECHANGE: status = .typeChanged
        default: status = .modified
        }
        let newMode = ChangedFile.Mode(gitMode: Int(entry.new_file.mode))
        var file = ChangedFile(
            path: status == .deleted ? oldPath : newPath,
            oldPath: (status == .renamed || status == .copied) && oldPath != newPath ? oldPath : nil,
            status: status,
            oldMode: ChangedFile.Mode(gitMode: Int(entry.old_file.mode)),
            newMode: status == .deleted ? .absent : newMode,
            isBinary: entry.flags & GIT_DIFF_FLAG_BINARY.rawValue != 0
        )
        if newMode == .symlink, status != .deleted {
            file.symlinkTarget = symlinkTarget(path: newPath, id: delta)
        }
        return file
    }

    private func symlinkTarget(path: String, id delta: UnsafePointer<git_diff_delta>) -> String? {
        if headIsWorkingTree, let workingDirectory,
           let target = try? FileManager.default.destinationOfSymbolicLink(atPath: workingDirectory + path) {
            return target
        }
        var oid = delta.pointee.new_file.id
        return repository.blobBytes(&oid).map { String(decoding: $0, as: UTF8.self) }
    }
}

// MARK: - C callbacks (no captures; all state goes through the payload)

let diffFileCallback: git_diff_file_cb = { delta, _, payload in
    guard let delta, let payload else { return -1 }
    let box = Unmanaged<DiffCallbackBox>.fromOpaque(payload).takeUnretainedValue()
    return box.run {
        try box.finishFile()
        let file = box.changedFile(from: delta)
        box.fileIsOpen = true
        box.currentIsBinary = file.isBinary
        try box.visitor.beginFile(file)
    }
}

let diffBinaryCallback: git_diff_binary_cb = { _, _, payload in
    guard let payload else { return -1 }
    let box = Unmanaged<DiffCallbackBox>.fromOpaque(payload).takeUnretainedValue()
    box.currentIsBinary = true
    return 0
}

let diffHunkCallback: git_diff_hunk_cb = { _, _, payload in
    guard let payload else { return -1 }
    let box = Unmanaged<DiffCallbackBox>.fromOpaque(payload).takeUnretainedValue()
    return box.run { try box.visitor.beginHunk() }
}

let diffLineCallback: git_diff_line_cb = { _, _, line, payload in
    guard let line, let payload else { return -1 }
    let box = Unmanaged<DiffCallbackBox>.fromOpaque(payload).takeUnretainedValue()
    let origin = UInt8(bitPattern: line.pointee.origin)
    switch origin {
    case UInt8(ascii: "+"):
        var length = line.pointee.content_len
        let raw = UnsafeRawPointer(line.pointee.content)
        let bytes = raw.map { UnsafeBufferPointer(start: $0.assumingMemoryBound(to: UInt8.self), count: length) }
            ?? UnsafeBufferPointer(start: nil, count: 0)
        // Drop the line ending: LF, or CRLF.
        if length > 0, bytes[length - 1] == 0x0A { length -= 1 }
        if length > 0, bytes[length - 1] == 0x0D { length -= 1 }
        let content = UnsafeBufferPointer(rebasing: bytes[0..<length])
        let number = Int(line.pointee.new_lineno)
        return box.run { try box.visitor.addedLine(content, lineNumber: number) }
    case UInt8(ascii: "-"):
        return box.run { try box.visitor.removedLine() }
    default:
        return 0
    }
}
