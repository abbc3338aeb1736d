import EACPProtocol

/// POST /eacp/v1/actions/ack and /actions/result: the agent's ack and result for an action sent
/// by either path.
struct ActionReplyHandlers {
    let context: ServerContext
    let delivery: ActionDelivery

    func ack(_ request: ServerRequest) throws(ProtocolFailure) -> ServerResponse {
        let agent = try context.authenticate(request)
        let ack = try request.decodeBody(ActionAck.self)
        try delivery.acknowledge(ack, agentID: agent.agentID, overPush: false)
        return .message(Self.receipt(actionID: ack.actionId, subject: .ack))
    }

    func result(_ request: ServerRequest) throws(ProtocolFailure) -> ServerResponse {
        let agent = try context.authenticate(request)
        let result = try request.decodeBody(ActionResult.self)
        try delivery.recordResult(result, agentID: agent.agentID)
        let subject: ActionReceipt.Subject = BrokenVariant.isActive(.receiptNamesAck) ? .ack : .result
        return .message(Self.receipt(actionID: result.actionId, subject: subject))
    }

    static func receipt(actionID: String, subject: ActionReceipt.Subject) -> ActionReceipt {
        var receipt = ActionReceipt()
        receipt.actionId = actionID
        receipt.subject = subject
        return receipt
    }
}
