import Foundation

/// Writes the JUnit XML and JSON reports into the report folder, creating it when missing.
public enum ReportWriter {
    public static let junitFileName = "conformance-junit.xml"
    public static let jsonFileName = "conformance-report.json"

    /// Returns the paths written.
    public static func write(_ report: RunReport) throws(RunnerError) -> [String] {
        let folder = report.options.reportDirectory
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw RunnerError(.report, "cannot create the report folder \(folder): \(error.localizedDescription)")
        }
        let files = [(junitFileName, JUnitReport.encode(report)), (jsonFileName, JSONReport.encode(report))]
        var written: [String] = []
        for (name, bytes) in files {
            let path = (folder as NSString).appendingPathComponent(name)
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                throw RunnerError(.report, "cannot write the report \(path)")
            }
            written.append(path)
        }
        return written
    }
}
