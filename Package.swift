// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Cohort",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "cohort", targets: ["cohort"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // The only C boundary: ncursesw through a module map. Only the terminal front end imports it.
        .systemLibrary(name: "CNCurses", path: "Sources/CNCurses", providers: [.apt(["libncurses-dev"])]),
        // Pure domain: protocols, schedules, windows, scales, scoring, flags, day lists, summaries. No I/O.
        .target(name: "CohortDomain"),
        // Scale definitions and protocol templates shipped as data (the top-level Resources/ folder).
        .target(name: "CohortResources", dependencies: ["CohortDomain"], path: "Resources",
                resources: [.copy("scales"), .copy("measures"), .copy("protocols")]),
        // People's keys: Ed25519 key pairs sealed by a passphrase-derived key outside the store, signatures, sessions.
        .target(name: "CohortIdentity", dependencies: ["CohortDomain", .product(name: "Crypto", package: "swift-crypto"),
                                                       .product(name: "_CryptoExtras", package: "swift-crypto")]),
        // The store's core: the `ParticipantStore` protocol, the in-memory store, the audit vocabulary
        // (records, JSON values and patches, store errors). No files, no hashing.
        .target(name: "CohortStore", dependencies: ["CohortDomain"]),
        // The JSON-file store: durable saves, checksums, SHA-256, locking, the hash-chained audit trail on
        // disk, the ledger, the review cache, migration and verify.
        .target(name: "CohortFileStore", dependencies: ["CohortDomain", "CohortStore", "CohortIdentity", .product(name: "Crypto", package: "swift-crypto")]),
        // Domain → documents: plain-text, Markdown, JSON, CSV and SDTM renderings shared by the CLI and the screens.
        .target(name: "CohortReports", dependencies: ["CohortDomain", "CohortSDTM"]),
        // SDTM datasets as values and their writers: SAS Transport v5 (XPT), Dataset-JSON 1.1, Define-XML 2.1. Bytes out, no I/O.
        .target(name: "CohortSDTM"),
        // Pure view models: state + action → new state + effects; the key table.
        .target(name: "CohortViewModels", dependencies: ["CohortDomain", "CohortStore", "CohortReports"]),
        // Pure screens: view state → cell grid; widgets, layout, display width.
        .target(name: "CohortScreens", dependencies: ["CohortDomain", "CohortReports", "CohortViewModels"]),
        // The only importer of CNCurses: flushes cell grids, decodes keys; plus a fake terminal for tests.
        .target(name: "CohortTerminal", dependencies: ["CNCurses", "CohortScreens", "CohortViewModels"]),
        // A realistic, seeded demo site, made through the same engine as real edits.
        .target(name: "CohortDemo", dependencies: ["CohortDomain", "CohortResources", "CohortStore", "CohortFileStore", "CohortIdentity"]),
        .executableTarget(name: "cohort", dependencies: [
            "CohortDomain", "CohortResources", "CohortStore", "CohortFileStore", "CohortIdentity", "CohortDemo", "CohortReports", "CohortSDTM",
            "CohortViewModels", "CohortScreens", "CohortTerminal",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Benchmark: `swift run -c release cohort-bench` prints a table of medians per store size and each goal's ratio; `--check` for CI.
        .executableTarget(name: "cohort-bench", dependencies: ["CohortDomain", "CohortResources", "CohortStore", "CohortFileStore", "CohortDemo",
                                                             "CohortReports", "CohortViewModels", "CohortScreens", "CohortIdentity"]),
        // Test tool for the store attack suite: read-modify-write loops to kill and to race.
        .executableTarget(name: "cohort-stress", dependencies: ["CohortDomain", "CohortResources", "CohortStore", "CohortFileStore"]),
        // What the test targets share (the bundled scales and protocols, the tests' today): not a test target.
        .target(name: "CohortTestSupport", dependencies: ["CohortDomain", "CohortResources"], path: "Tests/CohortTestSupport"),
        .testTarget(name: "CohortDomainTests", dependencies: ["CohortDomain", "CohortResources", "CohortReports", "CohortSDTM", "CohortTestSupport"]),
        .testTarget(name: "CohortStoreTests", dependencies: ["CohortDomain", "CohortResources", "CohortStore", "CohortFileStore", "CohortIdentity", "CohortDemo", "CohortTestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "CohortViewModelsTests", dependencies: ["CohortViewModels", "CohortStore", "CohortResources", "CohortDomain", "CohortTestSupport"]),
        .testTarget(name: "CohortScreensTests", dependencies: ["CohortScreens", "CohortTerminal", "CohortViewModels", "CohortStore", "CohortFileStore", "CohortResources", "CohortDomain", "CohortDemo", "CohortTestSupport"],
                    exclude: ["Snapshots"]),
        .testTarget(name: "CohortReportsTests", dependencies: ["CohortReports", "CohortDemo", "CohortStore", "CohortFileStore", "CohortDomain", "CohortTestSupport"]),
        .testTarget(name: "CohortDemoTests", dependencies: ["CohortDemo", "CohortStore", "CohortFileStore", "CohortIdentity", "CohortDomain", "CohortTestSupport"]),
        .testTarget(name: "CohortSDTMTests", dependencies: ["CohortSDTM", "CohortTestSupport"]),
        .testTarget(name: "CohortCLITests", dependencies: ["cohort", "cohort-stress", "CohortStore", "CohortFileStore", "CohortIdentity", "CohortResources", "CohortDomain", "CohortTestSupport"]),
    ]
)
