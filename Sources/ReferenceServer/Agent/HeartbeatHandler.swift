import EACPProtocol

/// POST /eacp/v1/heartbeat: records the agent's state and answers with the server's clock, the
/// next interval, content and upgrade offers, the actions waiting for the heartbeat path and the
/// agent's settings.
struct HeartbeatHandler {
    let context: ServerContext
    let delivery: ActionDelivery
    let packages: UpgradePackages

    func handle(_ request: ServerRequest) throws(ProtocolFailure) -> ServerResponse {
        let authenticated = try context.authenticate(request)
        let heartbeat = try request.decodeBody(Heartbeat.self)
        let agent = BrokenVariant.claimedAgent(in: heartbeat, context: context) ?? authenticated
        try BrokenVariant.checkStrictDecoding(heartbeat)
        let version = try validateVersion(heartbeat.agentVersion)
        guard heartbeat.sequenceNumber != 0 || BrokenVariant.isActive(.acceptsSequenceZero) else {
            throw ProtocolFailure(.badRequest, "sequence_number must be 1 or more")
        }
        if let violation = FieldLimits.violation(in: heartbeat), !BrokenVariant.isActive(.acceptsLongHeartbeatFields) {
            throw violation.failure
        }

        let now = context.now
        var current = agent
        if heartbeat.sequenceNumber > lastRecordedSequence(agent) || BrokenVariant.isActive(.recordsOlderHeartbeats) {
            try context.stored("record heartbeat") { () throws(ServerStoreError) in
                try context.store.recordHeartbeat(
                    agentID: agent.agentID, agentVersion: version.description, heartbeat: request.body, receivedUnixMs: now)
            }
            current.agentVersion = version.description
        }
        context.metrics.heartbeats.add(1)
        context.log.debug("heartbeat.received", ["agent": agent.agentID, "sequence": heartbeat.sequenceNumber])

        var reply = HeartbeatReply()
        reply.serverTimeUnixMs = BrokenVariant.isActive(.omitsServerTime) ? 0 : now
        reply.nextHeartbeatIntervalMs = context.settings.heartbeatIntervalMs
        reply.heartbeatJitterMs = min(context.settings.heartbeatJitterMs, context.settings.heartbeatIntervalMs)
        reply.contentOffer = try contentOffer(agentContent: heartbeat.contentVersion)
        reply.upgradeOffer = try packages.offer(for: current, reportedVersion: version)
        reply.pendingActions = try delivery.heartbeatPending(agent: current)
        reply.settings = settings(for: current)
        if BrokenVariant.isActive(.dropsOffersWithActions), !reply.pendingActions.isEmpty {
            reply.contentOffer = nil
            reply.upgradeOffer = nil
        }
        return .message(reply)
    }

    private func lastRecordedSequence(_ agent: AgentRecord) -> UInt64 {
        guard let bytes = agent.lastHeartbeat, let last = try? Heartbeat(wireBytes: bytes) else { return 0 }
        return last.sequenceNumber
    }

    /// Applies the content offer rule to the current revision; a revision the administrator
    /// published with `downgrade` may go back.
    private func contentOffer(agentContent: ContentVersion?) throws(ProtocolFailure) -> ContentOffer? {
        let current = try context.stored("current content") { () throws(ServerStoreError) in
            try context.store.currentContentRevision()
        }
        guard let current, let server = try? ValidatedContentVersion(revision: UInt64(current.revision), sha256: current.sha256)
        else { return nil }

        var agent: ValidatedContentVersion?
        if let agentContent, agentContent.revision != 0 {
            // An agent that reports an invalid digest is offered the content again, as if it had none.
            agent = try? ValidatedContentVersion(revision: agentContent.revision, sha256: agentContent.sha256)
        }
        let decision = ContentOfferDecision(server: server, agent: agent, downgradeAllowed: current.downgrade || BrokenVariant.isActive(.offersOlderContent))
        switch decision {
        case .upToDate, .withheld:
            return nil
        case .offer, .offerDowngrade:
            var offer = ContentOffer()
            var version = ContentVersion()
            version.revision = server.revision
            version.sha256 = server.sha256
            offer.version = version
            offer.sizeBytes = UInt64(current.sizeBytes)
            offer.downgrade = decision == .offerDowngrade || BrokenVariant.isActive(.marksEveryOfferDowngrade)
            return offer
        }
    }

    private func settings(for agent: AgentRecord) -> AgentSettings {
        var settings = AgentSettings()
        let collect = agent.logCollectionOverride ?? context.settings.logCollection
        settings.logCollection = collect ? .enabled : .disabled
        settings.statusReportIntervalMs = context.settings.statusReportIntervalMs
        settings.pushPingIntervalMs = context.settings.pushPingIntervalMs
        settings.pushMissedPongLimit = context.settings.pushMissedPongLimit
        settings.pushAckTimeoutMs = context.settings.pushAckTimeoutMs
        return settings
    }
}
