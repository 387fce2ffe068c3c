// swift-tools-version:6.0
// Termin: appointment and service-location scheduling engine. No package dependencies: the toolchain and libpq only.
//
// Modules and the one direction their dependencies point (README.md, "Layout"):
//   termin → TerminAPI → TerminEngine → TerminStore → TerminPostgres
//   TerminAPI → TerminHTTP;  TerminEngine → TerminSolver (release rounds);
//   TerminEngine, TerminStore, TerminSolver, TerminForecast → TerminCore;  TerminEngine → TerminMail (notifications)
//   every module that speaks JSON → TerminJSON
// TerminCore, TerminJSON and TerminPostgres import no other Termin module; TerminHTTP only TerminJSON. TerminEngine
// imports no driver (TerminPostgres: only the store writes SQL) and TerminAPI no store. Each module imports only what
// is declared for it here (.ci/check-imports, in CI).
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Termin",
    products: [
        .executable(name: "termin", targets: ["termin"]),
    ],
    targets: [
        // System libraries: libpq, and the Linux calls Glibc leaves out (epoll, eventfd, closefrom).
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
        // The domain, pure: calendar, catalogue, appointments, channels, day layouts, scheduler, ledger. No I/O.
        .target(name: "TerminCore", swiftSettings: strict),
        // The one strict JSON reader and writer (RFC 8259), and Codable over them. No Foundation.
        .target(name: "TerminJSON", swiftSettings: strict),
        // Allocation of many requests at once (construction, then large-neighbourhood search; an upper bound). Pure.
        .target(name: "TerminSolver", dependencies: ["TerminCore"], swiftSettings: strict),
        // Demand forecasts (models chosen by backtest), queueing formulas (Erlang C/A), staffing and lead times. Pure.
        .target(name: "TerminForecast", dependencies: ["TerminCore"], swiftSettings: strict),
        // The libpq driver: connection, pool, listener, migrator, embedded cluster. Knows no appointments.
        .target(name: "TerminPostgres", dependencies: ["CLibPQ", "CLinux"], swiftSettings: strict),
        // Repositories and the group-commit writer; Munich's seed data, staffing model and seeder in Munich/.
        .target(
            name: "TerminStore",
            dependencies: ["TerminCore", "TerminPostgres"],
            resources: [.copy("Munich/data")],
            swiftSettings: strict
        ),
        // The application layer: holds, bookings, requests and release rounds, idempotency, ledger sync, housekeeping.
        .target(name: "TerminEngine", dependencies: ["TerminCore", "TerminStore", "TerminSolver", "TerminJSON", "TerminMail"],
                swiftSettings: strict),
        // Mail: RFC 5322 and MIME messages, an SMTP client to a relay. Knows nothing of appointments.
        .target(name: "TerminMail", swiftSettings: strict),
        // The HTTP/1.1 server only; knows nothing of appointments.
        .target(name: "TerminHTTP", dependencies: ["CLinux", "TerminJSON"], swiftSettings: strict),
        // The REST facade: routes, bodies, problem mapping, OpenAPI.
        .target(name: "TerminAPI", dependencies: ["TerminCore", "TerminEngine", "TerminHTTP", "TerminJSON"],
                swiftSettings: strict),
        // The CLI and composition root: the only place that starts the engine's threads.
        .executableTarget(
            name: "termin",
            dependencies: ["TerminAPI", "TerminEngine", "TerminStore", "TerminPostgres", "TerminHTTP", "TerminSolver",
                           "TerminForecast", "TerminCore", "TerminMail"],
            // The public allocation instances and CP-SAT's figures on them, for `termin bench solver`.
            resources: [.copy("Bench/SolverInstances")],
            swiftSettings: strict
        ),
        // The load generator and its scenarios; see README.md, "Load tests".
        .executableTarget(
            name: "LoadTests",
            dependencies: ["TerminAPI", "TerminEngine", "TerminStore", "TerminPostgres", "TerminCore", "TerminTestSupport"],
            path: "LoadTests",
            swiftSettings: strict
        ),
        // libFuzzer target over the request parser; see README.md, "Fuzzing".
        .executableTarget(name: "TerminFuzz", dependencies: ["TerminHTTP"], swiftSettings: strict),
        // Test doubles and harnesses shared by the tests and LoadTests: ManualClock, the HTTP client, test databases.
        .target(
            name: "TerminTestSupport",
            dependencies: ["TerminStore", "TerminPostgres", "TerminCore", "TerminJSON"],
            path: "Tests/TerminTestSupport",
            exclude: ["Services"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TerminCoreTests",
            dependencies: ["TerminCore", "TerminTestSupport"],
            resources: [.copy("Resources/closing-days.json")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TerminSolverTests",
            dependencies: ["TerminSolver", "TerminCore"],
            resources: [.copy("Resources")],
            swiftSettings: strict
        ),
        .testTarget(name: "TerminJSONTests", dependencies: ["TerminJSON", "TerminCore", "TerminTestSupport"], swiftSettings: strict),
        .testTarget(name: "TerminForecastTests", dependencies: ["TerminForecast", "TerminCore"], swiftSettings: strict),
        .testTarget(name: "TerminPostgresTests", dependencies: ["TerminPostgres", "TerminTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "TerminStoreTests",
            dependencies: ["TerminStore", "TerminPostgres", "TerminCore", "TerminTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TerminEngineTests",
            dependencies: ["TerminEngine", "TerminStore", "TerminPostgres", "TerminCore", "TerminTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TerminHTTPTests",
            dependencies: ["TerminHTTP", "TerminTestSupport"],
            resources: [.copy("FuzzCorpus")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TerminAPITests",
            dependencies: ["TerminAPI", "TerminEngine", "TerminHTTP", "TerminJSON", "TerminStore", "TerminPostgres", "TerminCore",
                           "TerminMail", "TerminTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "terminTests",
            dependencies: ["termin", "TerminSolver", "TerminForecast", "TerminStore", "TerminPostgres", "TerminCore", "TerminTestSupport"],
            swiftSettings: strict
        ),
    ]
)
