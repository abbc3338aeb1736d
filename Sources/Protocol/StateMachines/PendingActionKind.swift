// Stands in for the `ActionKind` generated from spec/eacp.proto until the generated file is checked
// in. The generated type replaces this file and has the same shape.

/// The kind of a server-initiated action. The numbers are fixed by spec/eacp.proto.
public enum ActionKind: Hashable, Sendable {
    case unspecified
    case quarantineFile
    case restoreFile
    case terminateProcess
    case isolateEndpoint
    case cancelIsolation
    case startLiveTerminal
    case setEndpointProxy
    case disableEndpointProxy
    case retrieveEndpointFiles
    case retrieveSecurityEventData
    case retrieveSupportFile
    case performHeartbeat
    /// A value not defined in this build's schema, kept as received.
    case unrecognized(Int32)

    public static let knownCases: [Self] = [
        .unspecified, .quarantineFile, .restoreFile, .terminateProcess, .isolateEndpoint, .cancelIsolation,
        .startLiveTerminal, .setEndpointProxy, .disableEndpointProxy, .retrieveEndpointFiles,
        .retrieveSecurityEventData, .retrieveSupportFile, .performHeartbeat,
    ]

    public init(rawValue: Int32) {
        switch rawValue {
        case 0: self = .unspecified
        case 1: self = .quarantineFile
        case 2: self = .restoreFile
        case 3: self = .terminateProcess
        case 4: self = .isolateEndpoint
        case 5: self = .cancelIsolation
        case 6: self = .startLiveTerminal
        case 7: self = .setEndpointProxy
        case 8: self = .disableEndpointProxy
        case 9: self = .retrieveEndpointFiles
        case 10: self = .retrieveSecurityEventData
        case 11: self = .retrieveSupportFile
        case 12: self = .performHeartbeat
        default: self = .unrecognized(rawValue)
        }
    }

    public var rawValue: Int32 {
        switch self {
        case .unspecified: 0
        case .quarantineFile: 1
        case .restoreFile: 2
        case .terminateProcess: 3
        case .isolateEndpoint: 4
        case .cancelIsolation: 5
        case .startLiveTerminal: 6
        case .setEndpointProxy: 7
        case .disableEndpointProxy: 8
        case .retrieveEndpointFiles: 9
        case .retrieveSecurityEventData: 10
        case .retrieveSupportFile: 11
        case .performHeartbeat: 12
        case .unrecognized(let value): value
        }
    }
}
