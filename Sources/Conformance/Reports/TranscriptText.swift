/// The transcript of a case as indented text for a person: one line per entry, its decoded message
/// below it.
public enum TranscriptText {
    public static func render(_ entries: [Transcript.Entry]) -> String {
        var text = ""
        for entry in entries {
            text += "\(String(format: "%7d", entry.offsetMs)) ms  \(entry.direction)  \(entry.summary)\n"
            if !entry.detail.isEmpty {
                for line in entry.detail.split(separator: "\n", omittingEmptySubsequences: false) {
                    text += "                " + line + "\n"
                }
            }
        }
        return text
    }
}
