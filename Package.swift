// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "eacp",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "EACPProtocol", targets: ["EACPProtocol"]),
        .library(name: "EACPTransport", targets: ["EACPTransport"]),
        .executable(name: "eacp-protogen", targets: ["eacp-protogen"]),
    ],
    targets: [
        // Message types generated from spec/eacp.proto, the wire codec, versions, limits and the
        // protocol's state machines. No I/O.
        .target(name: "EACPProtocol", path: "Sources/Protocol"),

        // Reads spec/eacp.proto and writes the Swift message types into Sources/Protocol/Generated.
        .target(name: "ProtoGen", path: "Sources/ProtoGen"),
        .executableTarget(name: "eacp-protogen", dependencies: ["ProtoGen"], path: "Sources/eacp-protogen"),

        // The protocol documentation in spec/docs and the HTML site, generated from the schema, the requirements,
        // the state machines, the action gating table and the spec text; `eacp-docs` writes and checks them.
        .target(name: "EACPDocs", dependencies: ["EACPProtocol", "ProtoGen"], path: "Sources/Docs"),
        .executableTarget(
            name: "eacp-docs", dependencies: ["EACPDocs", "EACPConformance", "EACPVectors"], path: "Sources/eacp-docs"),

        // Test vectors in spec/vectors: their Swift definitions, the schema-driven proto3 JSON mapping and the
        // checks of the codec against them; `eacp-vectors` writes and decodes them, `eacp-bench-codec` times
        // the codec on them.
        .target(name: "EACPVectors", dependencies: ["EACPProtocol", "ProtoGen"], path: "Sources/Vectors"),
        .executableTarget(name: "eacp-vectors", dependencies: ["EACPVectors"], path: "Sources/eacp-vectors"),
        .executableTarget(
            name: "eacp-bench-codec", dependencies: ["EACPVectors", "EACPProtocol"], path: "Sources/eacp-bench-codec"),
        // Compares the transport with nginx on loopback; scripts/bench-transport runs it.
        .executableTarget(
            name: "eacp-bench-transport", dependencies: ["EACPTransport", "CEACPLinux"],
            path: "Sources/eacp-bench-transport"),

        // The conformance suite: peers that play server or agent, TLS probes, cases and reports; the
        // runner executable `eacp-conformance` beside it.
        .target(
            name: "EACPConformance", dependencies: ["EACPProtocol", "EACPTransport", "CEACPOpenSSL", "EACPVectors"],
            path: "Sources/Conformance"),
        .executableTarget(name: "eacp-conformance", dependencies: ["EACPConformance"], path: "Sources/eacp-conformance"),

        // OpenSSL 3 calls that Swift cannot import directly (macros, pointer-type fixes).
        .target(
            name: "CEACPOpenSSL",
            path: "Sources/CEACPOpenSSL",
            linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]
        ),

        // epoll, eventfd and accept4, which Swift's Glibc module does not export.
        .target(name: "CEACPLinux", path: "Sources/CEACPLinux"),

        // TLS 1.2 sessions, the epoll event loop, HTTP/1.1, WebSocket and the CONNECT proxy client.
        .target(name: "EACPTransport", dependencies: ["CEACPOpenSSL", "CEACPLinux"], path: "Sources/Transport"),

        // Debian's libsqlite3 and a small Swift wrapper over it: connections, statements, transactions, migrations.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .target(name: "EACPSQLite", dependencies: ["CSQLite"], path: "Sources/SQLite"),

        // The reference server and the reference agent as libraries; their executables sit beside them.
        .target(
            name: "ReferenceServer", dependencies: ["EACPProtocol", "EACPTransport", "EACPSQLite", "CEACPOpenSSL"],
            path: "Sources/ReferenceServer"),
        .executableTarget(name: "eacp-server", dependencies: ["ReferenceServer"], path: "Sources/eacp-server"),
        // Measures eacp-server with simulated agents on loopback; results are in benchmarks/server.md.
        .executableTarget(
            name: "eacp-bench-server", dependencies: ["ReferenceServer", "EACPProtocol", "EACPTransport"],
            path: "Sources/eacp-bench-server"),
        .target(
            name: "ReferenceAgent", dependencies: ["EACPProtocol", "EACPTransport", "EACPSQLite", "CEACPOpenSSL"],
            path: "Sources/ReferenceAgent"),
        .executableTarget(name: "eacp-agent", dependencies: ["ReferenceAgent"], path: "Sources/eacp-agent"),
        .executableTarget(
            name: "eacp-bench-agent", dependencies: ["ReferenceAgent", "ReferenceServer", "EACPProtocol"],
            path: "Sources/eacp-bench-agent"),
        // Writes to a store until killed; the storage tests use it to check what survives SIGKILL.
        .executableTarget(
            name: "eacp-storage-crashtest", dependencies: ["ReferenceServer", "ReferenceAgent"],
            path: "Sources/eacp-storage-crashtest"),

        .testTarget(name: "ProtocolTests", dependencies: ["EACPProtocol", "EACPVectors"], path: "Tests/ProtocolTests"),
        .testTarget(
            name: "ProtoGenTests", dependencies: ["ProtoGen", "EACPProtocol"], path: "Tests/ProtoGenTests",
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "TransportTests", dependencies: ["EACPTransport"], path: "Tests/TransportTests",
            exclude: ["Peers"]),
        .testTarget(name: "SQLiteTests", dependencies: ["EACPSQLite"], path: "Tests/SQLiteTests"),
        .testTarget(
            name: "DocsTests", dependencies: ["EACPDocs", "EACPConformance", "EACPVectors"], path: "Tests/DocsTests"),
        .testTarget(
            name: "ReferenceServerTests",
            dependencies: ["ReferenceServer", "EACPSQLite", "EACPProtocol", "EACPTransport"],
            path: "Tests/ReferenceServerTests"),
        .testTarget(name: "ConformanceTests", dependencies: ["EACPConformance"], path: "Tests/Conformance"),
        .testTarget(
            name: "ReferenceAgentTests",
            dependencies: ["ReferenceAgent", "EACPSQLite", "ReferenceServer", "EACPProtocol", "EACPTransport"],
            path: "Tests/ReferenceAgentTests"),
    ]
)
