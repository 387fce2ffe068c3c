// swift-tools-version:6.0
// Termin: appointment and service-location scheduling engine. No package dependencies: the toolchain and libpq only.
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Termin",
    products: [
        .executable(name: "termin", targets: ["termin"]),
    ],
    targets: [
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
        .target(name: "TerminCore", swiftSettings: strict),
        .target(
            name: "TerminStore",
            dependencies: ["TerminCore", "CLibPQ", "CLinux"],
            resources: [.copy("Seed/munich")],
            swiftSettings: strict
        ),
        .target(name: "TerminHTTP", dependencies: ["CLinux"], swiftSettings: strict),
        .target(
            name: "TerminAPI",
            dependencies: ["TerminCore", "TerminStore", "TerminHTTP"],
            swiftSettings: strict
        ),
        .executableTarget(name: "termin", dependencies: ["TerminAPI", "TerminStore", "TerminCore"], swiftSettings: strict),
        // The load generator and its scenarios; see README.md, "Load tests".
        .executableTarget(
            name: "LoadTests",
            dependencies: ["TerminStore", "TerminCore", "TerminTestSupport"],
            path: "LoadTests",
            swiftSettings: strict
        ),
        // libFuzzer target over the request parser; see README.md, "Fuzzing".
        .executableTarget(name: "TerminFuzz", dependencies: ["TerminHTTP"], swiftSettings: strict),
        .target(
            name: "TerminTestSupport",
            dependencies: ["TerminStore", "TerminCore"],
            path: "Tests/TerminTestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "TerminCoreTests",
            dependencies: ["TerminCore"],
            resources: [.copy("Resources/closing-days.json")],
            swiftSettings: strict
        ),
        .testTarget(name: "TerminStoreTests", dependencies: ["TerminStore", "TerminTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "TerminHTTPTests",
            dependencies: ["TerminHTTP", "TerminTestSupport"],
            resources: [.copy("FuzzCorpus")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TerminAPITests",
            dependencies: ["TerminAPI", "TerminHTTP", "TerminStore", "TerminCore", "TerminTestSupport"],
            swiftSettings: strict
        ),
    ]
)
