import Foundation

/// Prints the measurements as a table: one row per vector and operation, Swift and Python side by side.
enum BenchmarkTable {
    static func print(
        swift: [Measurement], python: (measurements: [Measurement], implementation: String)?, options: Options
    ) {
        let pythonName = python.map { "Python protobuf (\($0.implementation))" } ?? "Python (not run)"
        Swift.print("Codec throughput, best of \(options.rounds) rounds of \(options.roundSeconds) s each, Swift and Python in turn.")
        Swift.print("Swift: this package's codec. \(pythonName). MB = 10^6 bytes of encoded message.")
        Swift.print("Ratio: Swift messages/s divided by Python messages/s.")
        Swift.print("")
        let header = [
            pad("vector", 38), pad("bytes", 6, right: true), pad("op", 7),
            pad("Swift msg/s", 12, right: true), pad("Swift MB/s", 11, right: true),
            pad("Python msg/s", 13, right: true), pad("Python MB/s", 12, right: true), pad("ratio", 7, right: true),
        ]
        Swift.print(header.joined(separator: " "))
        for measurement in swift {
            let other = python?.measurements.first { $0.vector == measurement.vector }
            row(measurement, other, operation: "decode", \.decode)
            row(measurement, other, operation: "encode", \.encode)
        }
    }

    private static func row(
        _ swift: Measurement, _ python: Measurement?, operation: String, _ rate: KeyPath<Measurement, Throughput>
    ) {
        let mine = swift[keyPath: rate]
        var cells = [
            pad(swift.vector, 38), pad(String(swift.size), 6, right: true), pad(operation, 7),
            pad(format(mine.messagesPerSecond, digits: 0), 12, right: true),
            pad(format(mine.megabytesPerSecond(messageSize: swift.size), digits: 1), 11, right: true),
        ]
        if let python {
            let theirs = python[keyPath: rate]
            cells += [
                pad(format(theirs.messagesPerSecond, digits: 0), 13, right: true),
                pad(format(theirs.megabytesPerSecond(messageSize: python.size), digits: 1), 12, right: true),
                pad(format(mine.messagesPerSecond / theirs.messagesPerSecond, digits: 2) + "x", 7, right: true),
            ]
        }
        Swift.print(cells.joined(separator: " "))
    }

    private static func format(_ value: Double, digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }

    private static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return right ? padding + text : text + padding
    }
}
