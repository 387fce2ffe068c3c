import Dispatch
import Foundation
import Glibc
import TerminAPI
import TerminCore
import TerminEngine
import TerminHTTP
import TerminMail
import TerminPostgres
import TerminStore

/// `termin serve`: the composition root of the running engine.
enum ServeCommand: Command {
    static let name = "serve"
    static let summary = "serve the REST API (migrates, and seeds an empty database)"
    static let host = Option.text("host", value: "HOST", help: "address to listen on", default: "127.0.0.1")
    static let port = Option.integer("port", value: "PORT", help: "TCP port (0: a free one)", default: 8080, range: 0...65535)
    static let workers = Option.integer("workers", value: "N",
                                        help: "threads running request handlers; a handler waits for its booking's batch to commit",
                                        default: 64, range: 1...1024)
    static let quiet = Option.flag("quiet", help: "no access log (by default one JSON line per request on stderr)")
    static let rateLimit = Option.toggle("rate-limit", help: "per-address request budgets (429 beyond them)", default: true)
    static let readsPerMinute = Option.integer("reads-per-minute", value: "N", help: "reads (GET) per client address a minute",
                                               default: 600, range: 1...1_000_000)
    static let writesPerMinute = Option.integer("writes-per-minute", value: "N",
                                                help: "writes (holds, bookings, requests…) per client address a minute",
                                                default: 30, range: 1...1_000_000)
    static let trustedProxies = Option.text("trusted-proxy", value: "ADDR[,ADDR…]",
                                            help: "peers whose X-Forwarded-For names the client (the portal's proxies)")
    static let proofOfWork = Option.toggle("proof-of-work", help: "require an ALTCHA solution (GET /v1/challenge) on online writes",
                                           default: false)
    static let powKey = Option.secret("pow-key", environment: "TERMIN_POW_KEY", value: "TEXT",
                                      help: "proof of work: the HMAC key string shared by the instances and the portal's ALTCHA, "
                                        + "used as given like ALTCHA's libraries do (at least 32 characters; unset: a random one "
                                        + "per process)")
    static let powMaxNumber = Option.integer("pow-max-number", value: "N",
                                             help: "the quiet-time difficulty: the largest number a challenge hides",
                                             default: 50_000, range: 100...10_000_000)
    static let identityCaps = Option.toggle("identity-caps", help: "cap online bookings per citizen (pseudonym or contact e-mail)",
                                            default: true)
    static let identityKey = Option.secret("identity-key", environment: "TERMIN_IDENTITY_KEY", value: "HEX",
                                           help: "identity caps: the HMAC key of the citizens' hashes (at least 32 hex digits; "
                                             + "unset: a key kept in the database)")
    static let bookingsPerCitizen = Option.integer("bookings-per-citizen", value: "N",
                                                   help: "live online bookings one citizen may hold", default: 3, range: 1...100)
    static let cancelCooldownMinutes = Option.integer("cancel-cooldown-minutes", value: "M",
                                                      help: "after a cancellation, minutes before the citizen books that service again",
                                                      default: 60, range: 0...43_200)
    static let smtpURL = Option.text("smtp-url", value: "URL", help: "mail to citizens through this relay (smtp://HOST[:PORT]); "
                                       + "unset: messages wait in the outbox", environment: "TERMIN_SMTP_URL")
    static let mailFrom = Option.text("mail-from", value: "ADDRESS", help: "the sender of mails to citizens",
                                      default: "termine@localhost")
    static let portalURL = Option.text("portal-url", value: "URL",
                                       help: "the portal's page for a booking, linked in mails with ?booking=ID",
                                       default: "http://127.0.0.1:8080/")
    static let reminderHours = Option.integer("reminder-hours", value: "H",
                                              help: "mail a reminder this many hours before a booking's start (none for a booking made within them)",
                                              default: 24, range: 1...336)
    static let options: [any OptionDeclaration] = [host, port, workers, quiet, rateLimit, readsPerMinute, writesPerMinute,
                                                   trustedProxies, proofOfWork, powMaxNumber, powKey, identityCaps,
                                                   bookingsPerCitizen, cancelCooldownMinutes, identityKey, smtpURL, mailFrom,
                                                   portalURL, reminderHours] + Database.options
    static let details: String? = """
        Stops on SIGINT or SIGTERM: in-flight requests finish, then the embedded cluster stops unless another termin
        command still uses it. While serving, the engine probes its database every second (GET /readyz, /metrics) and
        starts the embedded cluster again if it stops.
        Rate limits: token buckets per client address (IPv4 /32, IPv6 /64), bursts of a fifth of a minute's budget
        (at least 1); behind a portal, name its proxies with --trusted-proxy or all its citizens share one budget.
        Proof of work: with --proof-of-work on, online holds, bookings and requests carry an Altcha header (ALTCHA's v1
        protocol); instances behind one portal, and the portal's own ALTCHA library, share the key string in
        TERMIN_POW_KEY, so each accepts the others' challenges.
        Identity caps: online bookings and requests name their citizen (contact.email, or the Citizen-Pseudonym header
        from a --trusted-proxy); each citizen holds at most --bookings-per-citizen live bookings and one open round
        request per service, and waits --cancel-cooldown-minutes after cancelling. Citizens are stored as HMAC-SHA-256
        hashes under TERMIN_IDENTITY_KEY.
        Staff routes and the staff and walk_in channels take Authorization: Bearer TOKEN of an account made with
        termin staff add (the first admin too). The pages: /kiosk?office=ID, /counter, /display?office=ID.
        """

    static func run(_ options: ParsedOptions) throws -> Int32 {
        var configuration = HTTPServer.Configuration()
        configuration.host = options[host]
        configuration.port = options[port]
        configuration.workerThreads = options[workers]
        var proxies: Set<ClientAddress> = []
        for (index, text) in (options.optional(trustedProxies) ?? "").split(separator: ",").enumerated() {
            guard let address = ClientAddress(text: String(text)) else {
                throw ParsedOptions.UsageError(description: "--trusted-proxy: entry \(index + 1), \(text), is not an IP address")
            }
            proxies.insert(address)
        }
        if options[rateLimit] {
            var limits = RateLimiter.Configuration()
            limits.reads = .init(perMinute: options[readsPerMinute], burst: max(1, options[readsPerMinute] / 5))
            limits.writes = .init(perMinute: options[writesPerMinute], burst: max(1, options[writesPerMinute] / 5))
            limits.trustedProxies = proxies
            configuration.rateLimiter = RateLimiter(configuration: limits)
        }
        var engineConfiguration = BookingEngine.Configuration()
        if options[identityCaps] {
            engineConfiguration.identityLimits = IdentityLimits(liveBookingsMax: options[bookingsPerCitizen],
                                                                cancelCooldownSeconds: Int64(options[cancelCooldownMinutes]) * 60)
            engineConfiguration.identityKey = try key(options, identityKey)
        }

        // Signals are taken from here on, so that a Ctrl-C during start-up still stops the cluster.
        let stopRequested = DispatchSemaphore(value: 0)
        let signalQueue = DispatchQueue(label: "termin.signals")
        var sources: [DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: signalQueue)
            source.setEventHandler { stopRequested.signal() }
            source.resume()
            sources.append(source)
        }

        let database = try Database.open(options)
        defer { database.close() }
        let applied = try database.migrate()
        if !applied.isEmpty { log("applied migrations: \(applied.joined(separator: ", "))") }
        let connection = try PostgresConnection(conninfo: database.conninfo)
        if try CatalogRepository.isEmpty(connection) { log("seeded \(try Seeder.seed(connection))") }

        let pool = ConnectionPool(conninfo: database.conninfo, size: min(configuration.workerThreads, ConnectionPool.sizeDefault * 2))
        let assembly = try EngineAssembly(pool: pool, clock: SystemClock(), configuration: engineConfiguration, log: log)
        Threads.start(assembly.loops)
        var protection = Protection(trustedProxies: proxies)
        if options[proofOfWork] {
            var powConfiguration = try powKeyString(options).map(ProofOfWork.Configuration.init(keyString:))
                ?? ProofOfWork.Configuration(key: (0..<32).map { _ in UInt8.random(in: 0...255) })
            powConfiguration.baseMaxNumber = options[powMaxNumber]
            powConfiguration.maxNumberCeiling = max(powConfiguration.maxNumberCeiling, 40 * options[powMaxNumber])
            protection.proofOfWork = ProofOfWork(configuration: powConfiguration)
        }
        let supervisor = DatabaseSupervisor(conninfo: database.conninfo, cluster: database.embedded?.cluster, report: logDatabaseEvent)
        Threads.start(supervisor.loops)
        let api = TerminAPI(assembly: assembly, protection: protection, databaseReachable: { supervisor.isReachable })
        registerMetrics(of: supervisor, in: api.metrics)
        let delivery = try outboxDelivery(options, pool: pool, catalogs: assembly.engine.catalogs, codes: assembly.engine.codes)
        if let delivery {
            Threads.start(delivery.loops)
            registerMetrics(of: delivery, in: api.metrics)
        }
        let webhooks = WebhookDelivery(pool: pool, clock: SystemClock(), log: log)
        Threads.start(webhooks.loops)
        registerMetrics(of: webhooks, in: api.metrics)
        configuration.metrics = api.metrics
        configuration.accessLog = options[quiet] ? nil : AccessLog.toStandardError
        let server = try HTTPServer(configuration: configuration, router: api.router())
        Threads.start(server.loops)
        // Unbuffered, so whoever waits for this line (a script, a test) sees it at once.
        FileHandle.standardOutput.write(Data("Termin listening on http://\(configuration.host):\(server.port) (\(database.description))\n".utf8))

        stopRequested.wait()
        log("stopping: finishing in-flight requests")
        server.stop()
        assembly.stop()
        delivery?.stop()
        webhooks.stop()
        supervisor.stop()
        _ = sources
        return ExitCode.success
    }

    /// One log line per change the database supervisor sees, as `event=… key=value` pairs (logfmt).
    @Sendable static func logDatabaseEvent(_ event: DatabaseSupervisor.Event) {
        switch event {
        case .lost(let reason): log("event=database_lost reason=\(quoted(reason))")
        case .restored(let seconds): log("event=database_restored outage_seconds=\(String(format: "%.2f", seconds))")
        case .clusterRestarted: log("event=cluster_restarted")
        case .clusterRestartFailed(let reason): log("event=cluster_restart_failed reason=\(quoted(reason))")
        case .serverChanged(let server): log("event=database_server_changed server=\(quoted(server))")
        }
    }

    /// A logfmt value: quoted, with quotes and line breaks escaped.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    /// The mail delivery of the outbox, when a relay is configured.
    static func outboxDelivery(_ options: ParsedOptions, pool: ConnectionPool, catalogs: LiveCatalog, codes: BookingCodes) throws
        -> OutboxDelivery? {
        guard let url = options.optional(smtpURL) else { return nil }
        guard let client = SMTPClient(url: url) else {
            throw ParsedOptions.UsageError(description: "--smtp-url: smtp://HOST[:PORT], not '\(url)'")
        }
        guard options[mailFrom].contains("@") else {
            throw ParsedOptions.UsageError(description: "--mail-from: an e-mail address, not '\(options[mailFrom])'")
        }
        let sender = BookingMail.Sender(from: MailAddress(options[mailFrom]), portalURL: options[portalURL], codes: codes)
        var configuration = OutboxDelivery.Configuration()
        configuration.reminderHours = options[reminderHours]
        return OutboxDelivery(pool: pool, catalogs: catalogs, sender: sender,
                              transport: { messages throws(SMTPClient.Failure) in try client.send(messages) },
                              clock: SystemClock(), configuration: configuration, log: log)
    }

    static func registerMetrics(of delivery: OutboxDelivery, in metrics: HTTPMetrics) {
        metrics.register("termin_outbox_sent_total", help: "Mails the relay accepted.", type: "counter") {
            Double(delivery.statistics.sent)
        }
        metrics.register("termin_outbox_dead_total", help: "Mails given up after their last try, or refused for good.",
                         type: "counter") { Double(delivery.statistics.dead) }
        metrics.register("termin_outbox_stale_total", help: "Messages a later change superseded, not sent.", type: "counter") {
            Double(delivery.statistics.stale)
        }
        metrics.register("termin_outbox_failed_tries_total", help: "Tries that failed and wait for another.", type: "counter") {
            Double(delivery.statistics.failedTries)
        }
        metrics.register("termin_outbox_postponed_total", help: "Mails not tried because the relay was away or refused the sender.",
                         type: "counter") { Double(delivery.statistics.postponed) }
    }

    static func registerMetrics(of webhooks: WebhookDelivery, in metrics: HTTPMetrics) {
        metrics.register("termin_webhooks_sent_total", help: "Webhook events a receiver accepted (2xx).", type: "counter") {
            Double(webhooks.statistics.sent)
        }
        metrics.register("termin_webhooks_dead_total", help: "Webhook events given up after their last try.", type: "counter") {
            Double(webhooks.statistics.dead)
        }
        metrics.register("termin_webhooks_failed_tries_total", help: "Webhook tries that failed and wait for another.",
                         type: "counter") { Double(webhooks.statistics.failedTries) }
    }

    static func registerMetrics(of supervisor: DatabaseSupervisor, in metrics: HTTPMetrics) {
        metrics.register("termin_database_up", help: "1 while the engine reaches its database, else 0.") {
            supervisor.isReachable ? 1 : 0
        }
        metrics.register("termin_database_outages_total", help: "Times the engine lost its database.", type: "counter") {
            Double(supervisor.outageCount)
        }
        metrics.register("termin_database_cluster_restarts_total",
                         help: "Times the engine started its embedded cluster again after it stopped.", type: "counter") {
            Double(supervisor.clusterRestartCount)
        }
        metrics.register("termin_database_server_changes_total",
                         help: "Times the database server the engine reaches changed or restarted (failovers, restarts).",
                         type: "counter") { Double(supervisor.serverChangeCount) }
        metrics.register("termin_database_replication_lag_seconds",
                         help: "The largest replay lag of the primary's standbys at the last probe (0 without standbys).") {
            supervisor.replicationLagSeconds
        }
    }

    /// Shortest `TERMIN_POW_KEY`, in UTF-8 bytes: 32 characters, as many as the hex key it replaces had digits.
    static let powKeyBytesMin = 32

    /// The proof of work's key string as given (ALTCHA's libraries use it so: its UTF-8 bytes are the HMAC key);
    /// `nil` when unset.
    private static func powKeyString(_ options: ParsedOptions) throws -> String? {
        guard let text = options.optional(powKey) else { return nil }
        guard text.utf8.count >= powKeyBytesMin else {
            throw ParsedOptions.UsageError(description: "TERMIN_POW_KEY: at least \(powKeyBytesMin) characters")
        }
        return text
    }

    /// A key set as hex digits (at least 16 bytes) in the secret's environment variable; `nil` when unset.
    private static func key(_ options: ParsedOptions, _ secret: Option<String>) throws -> [UInt8]? {
        guard let text = options.optional(secret) else { return nil }
        guard let key = Hex.decode(text), key.count >= IdentityHasher.keyBytesMin else {
            throw ParsedOptions.UsageError(description: "\(secret.environment!): at least \(2 * IdentityHasher.keyBytesMin) hex digits")
        }
        return key
    }
}

func log(_ message: String) {
    FileHandle.standardError.write(Data(("termin: " + message + "\n").utf8))
}
