import CLibPQ
import Foundation
import Glibc

/// One libpq connection. Not thread-safe: the pool hands it to one caller at a time.
///
/// Every statement with parameters is prepared on first use and executed by name afterwards; values always travel
/// as parameters, never inside the SQL text.
public final class PostgresConnection {
    let handle: OpaquePointer
    /// Prepared statement names by SQL text.
    private var prepared: [String: String] = [:]
    /// Most distinct statements prepared on one connection before the cache is cleared.
    public static let preparedStatementsMax = 256

    /// What a connection over TCP sets unless `conninfo` says otherwise, so that a server whose host is lost (powered
    /// off, cut off by the network) is noticed within about half a minute instead of the kernel's two hours of an idle
    /// connection, or its quarter of an hour of retransmissions: the commit writer and the ledger's notifications
    /// would otherwise wait on it that long before they reconnect to a new primary. A connection attempt gives up
    /// after `connect_timeout` seconds; an idle connection is probed after `keepalives_idle` seconds of silence, every
    /// `keepalives_interval` seconds, and dropped after `keepalives_count` unanswered probes; data the server has not
    /// acknowledged for `tcp_user_timeout` milliseconds drops it too. Unix sockets (the embedded cluster) ignore all but
    /// `connect_timeout`. None applies where a service file may set them (a `service` in `conninfo`, or `PGSERVICE`),
    /// nor `connect_timeout` under `PGCONNECT_TIMEOUT`: libpq fills a setting from those only while it is unset.
    public static let tcpDefaults: KeyValuePairs<String, String> = [
        "connect_timeout": "10", "keepalives": "1", "keepalives_idle": "10", "keepalives_interval": "5",
        "keepalives_count": "3", "tcp_user_timeout": "30000",
    ]

    /// The `tcpDefaults` that apply to `conninfo` in `environment`.
    static func defaults(for conninfo: String, environment: [String: String]) -> [(key: String, value: String)] {
        var named: Set<String> = []
        if let options = PQconninfoParse(conninfo, nil) {
            defer { PQconninfoFree(options) }
            var option = options
            while let keyword = option.pointee.keyword {
                if option.pointee.val != nil { named.insert(String(cString: keyword)) }
                option += 1
            }
        }
        guard !named.contains("service"), environment["PGSERVICE"] == nil else { return [] }
        return tcpDefaults.filter { $0.key != "connect_timeout" || environment["PGCONNECT_TIMEOUT"] == nil }
    }

    /// Opens a connection; `conninfo` is a libpq connection string or URI, whose settings win over `tcpDefaults`.
    /// `applicationName` names the connection in `pg_stat_activity` and in the ledger notifications (an instance
    /// recognises its own by it).
    public init(conninfo: String, applicationName: String = "termin") throws(PostgresError) {
        // `dbname` last and expanded: the settings of `conninfo` override the defaults before it.
        let defaults = Self.defaults(for: conninfo, environment: ProcessInfo.processInfo.environment)
        let keywords = defaults.map(\.key) + ["dbname"], values = defaults.map(\.value) + [conninfo]
        let connected = withCStrings(keywords) { keywords in
            withCStrings(values) { values in PQconnectdbParams(keywords, values, 1) }
        }
        guard let handle = connected else {
            throw PostgresError(.connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(handle))
            PQfinish(handle)
            throw PostgresError(.connectionFailed, message: message.trimmingTrailingNewlines)
        }
        self.handle = handle
        // Notices (e.g. "already exists, skipping") would go to stderr through libpq's default printer.
        _ = try? execute("SET TIME ZONE 'Europe/Berlin'; SET client_min_messages = warning")
        _ = try? query("SELECT set_config('application_name', $1, false)", [applicationName])
    }

    deinit { PQfinish(handle) }

    /// Whether the connection is still usable, as far as libpq has seen.
    public var isHealthy: Bool { PQstatus(handle) == CONNECTION_OK }

    /// Whether an idle connection is still open: what the server sent unasked is read first, without waiting. A
    /// server that ended the connection (restarted, failed over, or `pg_terminate_backend`) has sent its farewell and
    /// closed, so a connection kept for later is found dead here, not by the first statement given to it.
    public var isOpen: Bool {
        for _ in 0..<4 {   // the farewell, then the end of the stream
            guard isHealthy else { return false }
            var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 0) > 0 else { return true }
            guard PQconsumeInput(handle) == 1 else { return false }
        }
        return isHealthy
    }

    /// Runs SQL text without parameters; it may hold several statements (migrations).
    @discardableResult
    public func execute(_ sql: String) throws(PostgresError) -> PostgresRows {
        try consume(PQexec(handle, sql), query: sql)
    }

    /// Runs one statement with text parameters (`$1`, `$2`, …), prepared on first use.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) throws(PostgresError) -> PostgresRows {
        let name: String
        if let known = prepared[sql] {
            name = known
        } else {
            if prepared.count >= Self.preparedStatementsMax {
                _ = try execute("DEALLOCATE ALL")
                prepared.removeAll()
            }
            name = "termin_\(prepared.count)"
            _ = try consume(PQprepare(handle, name, sql, Int32(parameters.count), nil), query: sql)
            prepared[sql] = name
        }
        let cStrings: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { cStrings.forEach { free($0) } }
        // A C string ends at U+0000, which text cannot hold anyway: such a value is refused, never sent cut short.
        for (index, value) in parameters.enumerated() where value.map({ strlen(cStrings[index]!) != $0.utf8.count }) == true {
            throw PostgresError(.queryFailed, message: "parameter $\(index + 1) holds U+0000, which PostgreSQL text cannot hold",
                                sqlState: "22021", query: sql)
        }
        let result = cStrings.map { UnsafePointer($0) }.withUnsafeBufferPointer { values in
            PQexecPrepared(handle, name, Int32(parameters.count), values.baseAddress, nil, nil, 0)
        }
        return try consume(result, query: sql)
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let value = try body(self)
            try execute("COMMIT")
            return value
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    private func consume(_ result: OpaquePointer?, query: String) throws(PostgresError) -> PostgresRows {
        guard let result else {
            throw PostgresError(.connectionFailed, message: String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines,
                                query: query)
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let message = String(cString: PQresultErrorMessage(result)).trimmingTrailingNewlines
            let code: PostgresError.Code = isHealthy ? .queryFailed : .connectionFailed
            throw PostgresError(code, message: message, sqlState: sqlState, query: query)
        }
        let columnCount = Int(PQnfields(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        var rows: [[String?]] = []
        let rowCount = Int(PQntuples(result))
        rows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            rows.append((0..<columnCount).map { column in
                PQgetisnull(result, Int32(row), Int32(column)) == 1
                    ? nil : String(cString: PQgetvalue(result, Int32(row), Int32(column)))
            })
        }
        return PostgresRows(columns: columns, rows: rows)
    }
}

/// Calls `body` with `strings` as a NULL-terminated array of C strings, valid during the call.
private func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    return (copies.map { UnsafePointer($0) } + [nil]).withUnsafeBufferPointer { body($0.baseAddress!) }
}

extension String {
    var trimmingTrailingNewlines: String {
        var text = self
        while text.last == "\n" { text.removeLast() }
        return text
    }
}
