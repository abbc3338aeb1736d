/// A group of optional protocol features that an implementation declares with `--profiles`.
///
/// `core` is always required. A case of an optional profile runs only when the implementation
/// declares that profile; otherwise it is skipped and the report says why.
public enum Profile: String, CaseIterable, Hashable, Sendable, Comparable {
    case core
    case pushChannel = "push-channel"
    case liveTerminal = "live-terminal"
    case uploads
    case upgrades
    case proxy

    /// Parses a comma-separated list such as `core,push-channel`. `all` names every profile.
    public static func parseList(_ text: String) throws(RunnerError) -> Set<Profile> {
        var profiles: Set<Profile> = [.core]
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            if name == "all" { return Set(allCases) }
            guard let profile = Profile(rawValue: name) else {
                let known = allCases.map(\.rawValue).joined(separator: ", ")
                throw RunnerError(.usage, "unknown profile \"\(name)\"; expected all or a list of: \(known)")
            }
            profiles.insert(profile)
        }
        return profiles
    }

    public static func < (lhs: Profile, rhs: Profile) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
