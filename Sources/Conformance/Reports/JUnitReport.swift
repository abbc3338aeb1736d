import Foundation

/// The JUnit XML report, `conformance-junit.xml`, in the shape CI systems read: one `testsuite` per
/// role, one `testcase` per case, requirement ids as `property` elements, and the decoded transcript
/// of a failure in `system-out`.
public enum JUnitReport {
    public static func encode(_ report: RunReport) -> [UInt8] {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let failures = report.results.count { $0.failsRun(strict: report.options.strict) }
        let skipped = report.results.count { [.skipped, .notChecked, .knownFailure].contains($0.status) }
        xml += "<testsuites name=\"eacp-conformance\" tests=\"\(report.results.count)\" failures=\"\(failures)\""
        xml += " skipped=\"\(skipped)\" time=\(attribute(seconds(report.durationMs)))>\n"
        let groups = Dictionary(grouping: report.results) { String($0.id.prefix { $0 != "." }) }
        for name in groups.keys.sorted() {
            xml += suite(name: name, results: groups[name]!, strict: report.options.strict)
        }
        xml += "</testsuites>\n"
        return Array(xml.utf8)
    }

    static func suite(name: String, results: [CaseResult], strict: Bool) -> String {
        let failures = results.count { $0.failsRun(strict: strict) }
        let skipped = results.count { [.skipped, .notChecked, .knownFailure].contains($0.status) }
        let time = seconds(results.reduce(0) { $0 + $1.durationMs })
        var xml = "  <testsuite name=\(attribute(name)) tests=\"\(results.count)\" failures=\"\(failures)\""
        xml += " errors=\"0\" skipped=\"\(skipped)\" time=\(attribute(time))>\n"
        for result in results { xml += testCase(result, strict: strict) }
        return xml + "  </testsuite>\n"
    }

    static func testCase(_ result: CaseResult, strict: Bool) -> String {
        var xml = "    <testcase classname=\(attribute(result.id.split(separator: ".").dropLast().joined(separator: ".")))"
        xml += " name=\(attribute(result.id)) time=\(attribute(seconds(result.durationMs)))>\n"
        xml += "      <properties>\n"
        for requirement in result.requirements {
            xml += "        <property name=\"requirement\" value=\(attribute(requirement))/>\n"
        }
        xml += "        <property name=\"profile\" value=\(attribute(result.profile.rawValue))/>\n"
        xml += "        <property name=\"status\" value=\(attribute(result.status.rawValue))/>\n"
        xml += "      </properties>\n"
        switch result.status {
        case .failed:
            xml += failure(result)
        case .warning where strict:
            xml += failure(result)
        case .skipped, .notChecked:
            xml += "      <skipped message=\(attribute(result.message))/>\n"
        case .knownFailure:
            xml += "      <skipped message=\(attribute("known failure: " + (result.knownFailureReason ?? "")))/>\n"
        case .warning:
            xml += "      <system-out>\(escape("warning: " + result.message))</system-out>\n"
        case .passed:
            break
        }
        return xml + "    </testcase>\n"
    }

    static func failure(_ result: CaseResult) -> String {
        var xml = "      <failure message=\(attribute(result.message)) type=\(attribute(result.status.rawValue))/>\n"
        xml += "      <system-out>\(escape(TranscriptText.render(result.transcript)))</system-out>\n"
        return xml
    }

    static func seconds(_ milliseconds: Int64) -> String {
        String(format: "%.3f", Double(milliseconds) / 1_000)
    }

    static func attribute(_ text: String) -> String { "\"" + escape(text) + "\"" }

    /// Escapes the five XML special characters and drops control characters XML 1.0 forbids.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\n", "\t", "\r": escaped.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 { escaped.unicodeScalars.append(scalar) }
            }
        }
        return escaped
    }
}
