import Foundation
import Glibc

/// Forwards TCP connections to 127.0.0.1:`port` to a Unix socket, byte for byte in both directions. The embedded
/// cluster listens on a Unix socket only; what a connection does over TCP is tested through this.
final class TCPForwarder: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let socketPath: String

    init(toUnixSocket socketPath: String) throws {
        self.socketPath = socketPath
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && listen(listener, 16) == 0
                    && getsockname(listener, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in
            while case let client = accept(listener, nil, nil), client >= 0 {
                let server = connectToSocket()
                guard server >= 0 else { Glibc.close(client); continue }
                Thread.detachNewThread { Self.pump(from: client, to: server) }
                Thread.detachNewThread { Self.pump(from: server, to: client) }
            }
        }
    }

    /// Stops accepting; forwarded connections go on until either side closes.
    func stop() { shutdown(listener, Int32(SHUT_RDWR)) }

    private func connectToSocket() -> Int32 {
        let server = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { path in
            for (index, byte) in socketPath.utf8.enumerated() where index < path.count - 1 { path[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(server, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
        if !connected { Glibc.close(server); return -1 }
        return server
    }

    private static func pump(from source: Int32, to target: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        reading: while case let count = read(source, &buffer, buffer.count), count > 0 {
            var written = 0
            while written < count {
                let step = buffer.withUnsafeBytes { write(target, $0.baseAddress! + written, count - written) }
                guard step > 0 else { break reading }
                written += step
            }
        }
        shutdown(target, Int32(SHUT_WR))
    }
}
