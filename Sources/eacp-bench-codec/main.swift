import EACPProtocol
import EACPVectors
import Foundation

let usage = """
    Usage: swift run -c release eacp-bench-codec [--round-seconds SECONDS] [--rounds COUNT] [--no-python]
           swift run -c release eacp-bench-codec --repeat COUNT VECTOR decode|encode

    Times the package's codec and Python's protobuf package on the same three vectors from spec/vectors
    (a full heartbeat, a heartbeat reply with three pending actions, a batch of 64 security events) and
    prints decode and encode rates side by side with their ratio. Each rate is the best of COUNT rounds
    (default 5) of at least SECONDS seconds (default 0.5). Swift and Python take turns round by round, so
    that load from other processes reaches both alike.

    Python is $EACP_PYTHON, or .venv/bin/python under the package root.

    --repeat runs one operation COUNT times on VECTOR with no timing, no Python and no output, for
    instruction counters such as valgrind --tool=callgrind. Two runs with different counts give the
    instructions of one operation as the difference of their totals divided by the difference of COUNT.
    """

let benchmarkVectors = ["heartbeat-full", "heartbeat-reply-three-pending-actions", "security-event-batch-64"]

struct Options {
    var roundSeconds = 0.5
    var rounds = 5
    var python = true

    /// Set by `--repeat`: run one operation on one vector this many times instead of timing.
    var repeated: (count: Int, vector: String, operation: String)?
}

func exitWithError(_ message: String) -> Never {
    FileHandle.standardError.write(Data("eacp-bench-codec: \(message)\n".utf8))
    exit(2)
}

func parseOptions(_ arguments: [String]) -> Options {
    var options = Options()
    var remaining = arguments[...]
    while let argument = remaining.popFirst() {
        switch argument {
        case "--round-seconds":
            guard let value = remaining.popFirst().flatMap(Double.init), value > 0 else {
                exitWithError("--round-seconds needs a positive number of seconds")
            }
            options.roundSeconds = value
        case "--rounds":
            guard let value = remaining.popFirst().flatMap(Int.init), value > 0 else {
                exitWithError("--rounds needs a positive whole number")
            }
            options.rounds = value
        case "--no-python": options.python = false
        case "--repeat":
            guard let count = remaining.popFirst().flatMap(Int.init), count > 0,
                  let vector = remaining.popFirst(), let operation = remaining.popFirst(),
                  operation == "decode" || operation == "encode"
            else {
                exitWithError("--repeat needs a positive COUNT, a vector name and decode or encode")
            }
            options.repeated = (count, vector, operation)
        case "--help", "-h":
            print(usage)
            exit(0)
        default: exitWithError("unknown argument \(argument)\n\n\(usage)")
        }
    }
    return options
}

/// Decode and encode rates of one vector, for one implementation.
struct Measurement {
    var vector: String
    var size: Int
    var decode: Throughput
    var encode: Throughput

    /// Returns the higher rate of `self` and `other`, operation by operation.
    func fastest(_ other: Measurement?) -> Measurement {
        guard let other else { return self }
        var best = self
        best.decode.messagesPerSecond = max(decode.messagesPerSecond, other.decode.messagesPerSecond)
        best.encode.messagesPerSecond = max(encode.messagesPerSecond, other.encode.messagesPerSecond)
        return best
    }
}

/// Measures one round of decoding and encoding `vector` with the package's codec.
func measureSwift(_ vector: TestVector, schema: ProtoSchema, options: Options) throws -> Measurement {
    guard let type = MessageRegistry.messageTypes[schema.localName(vector.message)] else {
        exitWithError("no generated type for \(vector.message)")
    }
    let bytes = vector.bytes
    let message = try type.init(wireBytes: bytes, limits: .default)
    let decode = Throughput.measure(roundSeconds: options.roundSeconds, rounds: 1) {
        consume(try? type.init(wireBytes: bytes, limits: .default))
    }
    let encode = Throughput.measure(roundSeconds: options.roundSeconds, rounds: 1) {
        consume(message.wireBytes())
    }
    return Measurement(vector: vector.name, size: bytes.count, decode: decode, encode: encode)
}

/// Runs `operation` on `vector` `count` times, with nothing else in the loop, for instruction counters.
func repeatOperation(_ vector: TestVector, schema: ProtoSchema, operation: String, count: Int) throws {
    guard let type = MessageRegistry.messageTypes[schema.localName(vector.message)] else {
        exitWithError("no generated type for \(vector.message)")
    }
    let bytes = vector.bytes
    let message = try type.init(wireBytes: bytes, limits: .default)
    for _ in 0..<count {
        if operation == "decode" {
            consume(try type.init(wireBytes: bytes, limits: .default))
        } else {
            consume(message.wireBytes())
        }
    }
}

let options = parseOptions(Array(CommandLine.arguments.dropFirst()))
guard let spec = SpecDirectory.find(from: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) else {
    exitWithError("spec/eacp.proto not found in the current folder or any parent folder")
}
let schema: ProtoSchema
let vectors: [TestVector]
do {
    schema = try spec.loadSchema()
    let all = try spec.loadGroups().flatMap(\.vectors)
    let names = options.repeated.map { [$0.vector] } ?? benchmarkVectors
    vectors = names.map { name in
        guard let vector = all.first(where: { $0.name == name }) else {
            exitWithError("spec/vectors has no vector named \(name); run `swift run eacp-vectors write`")
        }
        return vector
    }
} catch {
    exitWithError("cannot read the vectors: \(error)")
}

if let repeated = options.repeated {
    do {
        try repeatOperation(vectors[0], schema: schema, operation: repeated.operation, count: repeated.count)
        exit(0)
    } catch {
        exitWithError("\(error)")
    }
}

do {
    var swift: [Measurement] = []
    var python: (measurements: [Measurement], implementation: String)?
    for _ in 0..<options.rounds {
        let swiftRound = try vectors.map { try measureSwift($0, schema: schema, options: options) }
        swift = swiftRound.map { round in round.fastest(swift.first { $0.vector == round.vector }) }
        if options.python {
            let pythonRound = try PythonBenchmark.run(spec: spec, vectors: benchmarkVectors, options: options)
            let best = pythonRound.measurements.map { round in
                round.fastest(python?.measurements.first { $0.vector == round.vector })
            }
            python = (best, pythonRound.implementation)
        }
    }
    BenchmarkTable.print(swift: swift, python: python, options: options)
} catch {
    exitWithError("\(error)")
}
