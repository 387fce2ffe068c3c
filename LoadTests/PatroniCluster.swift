import Foundation
import TerminPostgres
import TerminTestSupport

/// Two PostgreSQL nodes managed by Patroni, with one etcd member as its store, all on loopback: the deployment
/// README's "Failover" section describes, made small for the `failover` scenario. Synchronous replication that never
/// falls back to asynchronous (`synchronous_mode_strict`), a crashed primary is failed over at once
/// (`master_start_timeout: 0`) rather than restarted in place, and rejoins as the new standby through `pg_rewind`
/// (with two nodes and strict mode, the new primary takes no writes until it has a synchronous standby again: a
/// killed primary's last WAL, never acknowledged, must be rewound away first). As root, etcd and Patroni run as
/// `postgres`.
final class PatroniCluster {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Seconds the leader key lives in etcd without being renewed.
    static let ttlSeconds = 10
    /// Longest wait for the cluster to come up, or for a new primary.
    static let waitSecondsMax = 90.0

    let directory: String
    let etcdClientPort: Int, etcdPeerPort: Int
    let restPorts: [Int]
    let postgresPorts: [Int]
    private var processes: [Process] = []

    /// Writes the configurations in `directory` and starts etcd and both nodes; returns once one node is the primary
    /// and the other streams to it as its synchronous standby.
    init(directory: String) throws {
        self.directory = directory
        var ports = try (0..<6).map { _ in try Self.freePort() }
        etcdClientPort = ports.removeFirst()
        etcdPeerPort = ports.removeFirst()
        restPorts = [ports[0], ports[1]]
        postgresPorts = [ports[2], ports[3]]
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let binDirectory = try EmbeddedPostgres.locateBinaries()
        for node in 0..<2 {
            try config(node: node, binDirectory: binDirectory).write(toFile: "\(directory)/node\(node + 1).yml", atomically: true,
                                                                      encoding: .utf8)
        }
        if geteuid() == 0 { _ = try ChildProcess.run("/bin/chown", ["-R", "postgres:postgres", directory]) }
        chmod(directory, 0o700)
        try start("etcd", log: "etcd.log", [
            "--name", "etcd1", "--data-dir", "\(directory)/etcd",
            "--listen-client-urls", "http://127.0.0.1:\(etcdClientPort)", "--advertise-client-urls", "http://127.0.0.1:\(etcdClientPort)",
            "--listen-peer-urls", "http://127.0.0.1:\(etcdPeerPort)", "--initial-advertise-peer-urls", "http://127.0.0.1:\(etcdPeerPort)",
            "--initial-cluster", "etcd1=http://127.0.0.1:\(etcdPeerPort)", "--initial-cluster-state", "new", "--log-level", "error",
        ])
        do {
            try start("patroni", log: "node1.log", ["\(directory)/node1.yml"])
            try waitFor("node 1 to become the primary") { self.role(of: 0) == "primary" }
            try start("patroni", log: "node2.log", ["\(directory)/node2.yml"])
            try waitFor("node 2 to stream as the synchronous standby") { self.isSynchronousStandby(1) }
        } catch {
            stop()
            throw error
        }
    }

    /// A libpq conninfo naming both nodes, connecting to whichever is the primary.
    func conninfo(database: String) -> String {
        "host=127.0.0.1,127.0.0.1 port=\(postgresPorts[0]),\(postgresPorts[1]) user=postgres dbname=\(database) "
            + "target_session_attrs=read-write connect_timeout=2"
    }

    /// The node (0 or 1) whose REST API says it is the primary, if one does.
    func primary() -> Int? { (0..<2).first { role(of: $0) == "primary" } }

    /// SIGKILLs the primary's postmaster (its backends die with it); returns the node.
    func killPrimaryPostgres() throws -> Int {
        guard let node = primary() else { throw Failure(description: "no primary to kill") }
        let pidFile = try String(contentsOfFile: "\(directory)/data\(node + 1)/postmaster.pid", encoding: .utf8)
        guard let pid = pidFile.split(separator: "\n").first.flatMap({ Int32($0) }) else {
            throw Failure(description: "no postmaster pid in data\(node + 1)")
        }
        kill(pid, SIGKILL)
        return node
    }

    /// Waits until node `node` is the primary; returns the seconds waited.
    @discardableResult
    func waitForPrimary(_ node: Int) throws -> Double {
        let began = Date()
        try waitFor("node \(node + 1) to be promoted") { self.role(of: node) == "primary" }
        return Date().timeIntervalSince(began)
    }

    func stop() {
        for process in processes.reversed() where process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        // Patroni stops its PostgreSQL when it stops; a postmaster left behind by a killed Patroni is stopped here.
        for node in 1...2 {
            if let text = try? String(contentsOfFile: "\(directory)/data\(node)/postmaster.pid", encoding: .utf8),
               let pid = text.split(separator: "\n").first.flatMap({ Int32($0) }) {
                kill(pid, SIGQUIT)
            }
        }
    }

    // MARK: Internals

    private func config(node: Int, binDirectory: String) -> String {
        """
        scope: termin-failover
        name: node\(node + 1)
        restapi:
          listen: 127.0.0.1:\(restPorts[node])
          connect_address: 127.0.0.1:\(restPorts[node])
        etcd3:
          hosts: 127.0.0.1:\(etcdClientPort)
        bootstrap:
          dcs:
            ttl: \(Self.ttlSeconds)
            loop_wait: 1
            retry_timeout: 4
            master_start_timeout: 0
            synchronous_mode: true
            synchronous_mode_strict: true
            postgresql:
              use_pg_rewind: true
              remove_data_directory_on_rewind_failure: true
              parameters:
                max_connections: 200
                wal_level: replica
                hot_standby: 'on'
                max_wal_senders: 10
                max_replication_slots: 10
                wal_log_hints: 'on'
          initdb:
            - encoding: UTF8
            - locale: C.UTF-8
          pg_hba:
            - local all all trust
            - host all all 127.0.0.1/32 trust
            - host replication all 127.0.0.1/32 trust
        postgresql:
          listen: 127.0.0.1:\(postgresPorts[node])
          connect_address: 127.0.0.1:\(postgresPorts[node])
          data_dir: \(directory)/data\(node + 1)
          bin_dir: \(binDirectory)
          pgpass: \(directory)/pgpass\(node + 1)
          authentication:
            superuser:
              username: postgres
            replication:
              username: postgres
            rewind:
              username: postgres
          parameters:
            unix_socket_directories: \(directory)

        """
    }

    private func start(_ program: String, log: String, _ arguments: [String]) throws {
        let process = Process()
        guard let path = ["/usr/bin/\(program)", "/usr/local/bin/\(program)"].first(where: FileManager.default.isExecutableFile) else {
            throw Failure(description: "\(program) is not installed (apt-get install -y patroni etcd-server)")
        }
        if geteuid() == 0 {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            process.arguments = ["-u", "postgres", "--", path] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
        }
        _ = FileManager.default.createFile(atPath: "\(directory)/\(log)", contents: nil)
        let handle = FileHandle(forWritingAtPath: "\(directory)/\(log)")
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        processes.append(process)
    }

    private func waitFor(_ what: String, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(Self.waitSecondsMax)
        while Date() < deadline {
            if condition() { return }
            usleep(100_000)
        }
        throw Failure(description: "timed out after \(Int(Self.waitSecondsMax)) s waiting for \(what); logs in \(directory)")
    }

    /// `primary` or `replica` as node `node`'s REST API answers, `nil` when it does not.
    private func role(of node: Int) -> String? {
        guard let status = restStatus(node) else { return nil }
        return status == "master" || status == "primary" ? "primary" : status
    }

    private func restStatus(_ node: Int) -> String? {
        guard let status = Self.status(port: restPorts[node]), status["state"] as? String == "running" else { return nil }
        return status["role"] as? String
    }

    private func isSynchronousStandby(_ node: Int) -> Bool {
        guard let primary = primary(), primary != node,
              let replication = Self.status(port: restPorts[primary])?["replication"] as? [[String: Any]] else { return false }
        return replication.contains { $0["application_name"] as? String == "node\(node + 1)" && $0["sync_state"] as? String == "sync" }
    }

    /// `GET /patroni` of the REST API on `port`, as JSON. The API answers HTTP/1.0 without a length: the body is what
    /// comes until it closes the connection.
    static func status(port: Int) -> [String: Any]? {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return nil }
        defer { close(socket) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        let request = Array("GET /patroni HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        guard connected, send(socket, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else { return nil }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            received += buffer[0..<count]
        }
        let text = String(decoding: received, as: UTF8.self)
        guard text.hasPrefix("HTTP/1.0 200") || text.hasPrefix("HTTP/1.1 200"), let body = text.range(of: "\r\n\r\n") else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(text[body.upperBound...].utf8))) as? [String: Any]
    }

    /// A TCP port on loopback nobody listens on now.
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "no socket for a free port") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw Failure(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
