import EACPProtocol

extension FieldLimits {
    /// Checks an `ActionAck`: its action id is an identifier.
    static func violation(in ack: ActionAck) -> FieldLimitViolation? {
        var checker = FieldLimitChecker()
        checker.bytes(ack.actionId, "action_id", in: identifierBytes)
        return checker.violation
    }

    /// Checks the payload of an agent's push message. An `ActionResult` is checked with the rest of
    /// its rules when it is recorded, the same way on both paths.
    static func violation(in payload: PushMessage.AgentPush.Payload) -> FieldLimitViolation? {
        var checker = FieldLimitChecker()
        switch payload {
        case .actionAck(let ack):
            return violation(in: ack).map { prefixed($0, "action_ack") }
        case .actionResult:
            return nil
        case .terminalOpen(let open):
            checker.bytes(open.sessionId, "terminal_open.session_id", in: identifierBytes)
        case .terminalData(let data):
            checker.bytes(data.sessionId, "terminal_data.session_id", in: identifierBytes)
            checker.bytes(data.chunk, "terminal_data.chunk", in: 1...65_536)
        case .terminalClose(let close):
            checker.bytes(close.sessionId, "terminal_close.session_id", in: identifierBytes)
            checker.bytes(close.detail, "terminal_close.detail", max: 1_024)
        case .error(let reply):
            checker.bytes(reply.message, "error.message", max: 1_024)
        }
        return checker.violation
    }

    private static func prefixed(_ violation: FieldLimitViolation, _ parent: String) -> FieldLimitViolation {
        FieldLimitViolation(
            field: "\(parent).\(violation.field)", minimum: violation.minimum, maximum: violation.maximum, unit: violation.unit,
            actual: violation.actual)
    }
}
