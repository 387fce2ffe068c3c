import Glibc

/// An advisory lock (`flock`) on a file, shared or exclusive; the kernel drops it when the process ends, however it
/// ends, so a killed process never leaves it held.
final class LockFile: Sendable {
    enum Mode {
        case shared, exclusive
        var operation: Int32 { self == .shared ? LOCK_SH : LOCK_EX }
    }

    let path: String
    private let descriptor: Int32

    /// Opens (creating if needed) the lock file; takes no lock yet.
    init(path: String) throws(PostgresError) {
        self.path = path
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw PostgresError(.launchFailed, message: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Waits for the lock (a shared lock held converts to `mode`).
    func lock(_ mode: Mode) {
        while flock(descriptor, mode.operation) != 0 && errno == EINTR {}
    }

    /// Takes the lock if no other process holds a conflicting one; returns whether it did.
    func tryLock(_ mode: Mode) -> Bool {
        flock(descriptor, mode.operation | LOCK_NB) == 0
    }

    /// Releases the lock and the file.
    func close() {
        Glibc.close(descriptor)
    }
}
