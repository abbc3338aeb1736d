import Foundation
import ReferenceAgent

let status = await AgentCommandLine.main(
    arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
exit(status)
