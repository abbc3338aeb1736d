import EACPVectors
import Foundation

/// Runs scripts/interop/bench_codec.py, which times Python's protobuf package on the same vectors.
enum PythonBenchmark {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs one round of the script on `vectors` and returns its measurements and the protobuf backend it used
    /// (such as `upb`).
    static func run(spec: SpecDirectory, vectors: [String], options: Options) throws
        -> (measurements: [Measurement], implementation: String)
    {
        let root = spec.url.deletingLastPathComponent()
        let python = ProcessInfo.processInfo.environment["EACP_PYTHON"] ?? root.appendingPathComponent(".venv/bin/python").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [
            root.appendingPathComponent("scripts/interop/bench_codec.py").path, "--spec", spec.url.path,
            "--round-seconds", String(options.roundSeconds), "--rounds", "1",
        ] + vectors
        let output = Pipe()
        process.standardOutput = output
        do {
            try process.run()
        } catch {
            throw Failure(description: "cannot start \(python): \(error); set EACP_PYTHON or pass --no-python")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(python) bench_codec.py failed with status \(process.terminationStatus)")
        }

        var implementation = "unknown"
        let measurements = try String(decoding: data, as: UTF8.self).split(separator: "\n").map { line in
            let json = try JSONValue.parse(String(line))
            implementation = json["implementation"]?.stringValue ?? implementation
            guard let name = json["vector"]?.stringValue, let size = json["bytes"]?.integerValue,
                  let decode = json["decodePerSecond"].flatMap(rate), let encode = json["encodePerSecond"].flatMap(rate)
            else {
                throw Failure(description: "unexpected line from bench_codec.py: \(line)")
            }
            return Measurement(vector: name, size: Int(size), decode: decode, encode: encode)
        }
        return (measurements, implementation)
    }

    private static func rate(_ value: JSONValue) -> Throughput? {
        value.integerValue.map { Throughput(messagesPerSecond: Double($0)) }
    }
}
