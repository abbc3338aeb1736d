import EACPProtocol

extension FieldLimits {
    /// Checks the payload of an agent's push message. An `ActionAck` states no limit of its own, and
    /// an `ActionResult` is checked with the rest of its rules when it is recorded, the same way on
    /// both paths.
    static func violation(in payload: PushMessage.AgentPush.Payload) -> FieldLimitViolation? {
        var checker = FieldLimitChecker()
        switch payload {
        case .actionAck, .actionResult, .terminalOpen:
            return nil
        case .terminalData(let data):
            checker.bytes(data.chunk, "terminal_data.chunk", in: 1...65_536)
        case .terminalClose(let close):
            checker.bytes(close.detail, "terminal_close.detail", max: 1_024)
        case .error(let reply):
            checker.bytes(reply.message, "error.message", max: 1_024)
        }
        return checker.violation
    }
}
