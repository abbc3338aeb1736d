import EACPProtocol
import Synchronization

/// The sending side of one agent's push channel, as the network layer provides it.
public protocol PushConnection: AnyObject, Sendable {
    /// Queues one binary WebSocket message. Returns false when the connection is already closed.
    func send(_ message: [UInt8]) -> Bool
    /// Sends a close frame with `code` and closes the connection.
    func close(code: UInt16, reason: String)
}

/// The push channels connected to this server process, one per agent. A newer connection of the
/// same agent replaces the older one, which is closed.
public final class PushChannelRegistry: Sendable {
    private let channels = Mutex<[String: any PushConnection]>([:])

    public init() {}

    /// Adds the agent's connection and returns the one it replaced.
    @discardableResult
    func register(agentID: String, connection: any PushConnection) -> (any PushConnection)? {
        channels.withLock { channels in
            let previous = channels[agentID]
            channels[agentID] = connection
            return previous
        }
    }

    /// Removes the agent's connection only if it is still `connection`. Returns whether it was.
    @discardableResult
    func remove(agentID: String, connection: any PushConnection) -> Bool {
        channels.withLock { channels in
            guard let current = channels[agentID], current === connection else { return false }
            channels[agentID] = nil
            return true
        }
    }

    public func connection(agentID: String) -> (any PushConnection)? {
        channels.withLock { $0[agentID] }
    }

    public var connectedCount: Int { channels.withLock { $0.count } }

    public var connectedAgentIDs: [String] { channels.withLock { Array($0.keys) } }

    /// Sends one server push to the agent. Returns false when the agent has no open push channel.
    func send(_ payload: PushMessage.ServerPush.Payload, to agentID: String) -> Bool {
        guard let connection = connection(agentID: agentID) else { return false }
        var push = PushMessage.ServerPush()
        push.payload = payload
        var message = PushMessage()
        message.direction = .serverPush(push)
        return connection.send(message.wireBytes())
    }
}
