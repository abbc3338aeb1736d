import EACPProtocol
import Foundation

/// This build of the agent and the endpoint it runs on.
public enum AgentIdentity {
    /// The agent's version. 1.4 is the lowest version that carries out and receives by push every
    /// action kind (see spec/versions.md, the action gating table).
    public static let version = "1.4.0"

    static var hostName: String {
        let name = ProcessInfo.processInfo.hostName
        return name.isEmpty ? "localhost" : name.truncated(toUTF8Bytes: 255)
    }

    static var platform: Platform {
        var platform = Platform()
        platform.osFamily = .linux
        platform.osVersion = ProcessInfo.processInfo.operatingSystemVersionString.truncated(toUTF8Bytes: 256)
        #if arch(x86_64)
        platform.architecture = "x86_64"
        #elseif arch(arm64)
        platform.architecture = "arm64"
        #endif
        return platform
    }
}

/// The wall clock in Unix milliseconds.
public enum AgentClock {
    public static func nowUnixMs() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1_000).rounded())
    }
}
