import EACPTransport
import Foundation
import ReferenceServer

// The EACP reference server: `eacp-server [serve] [options]`, `eacp-server tokens [options]` and
// `eacp-server admin COMMAND [options]`.

let usage = """
    Usage: eacp-server [serve] [OPTIONS]
           eacp-server tokens [OPTIONS]
           eacp-server admin COMMAND [ARGUMENTS] [OPTIONS]

    serve (the default) starts the server. A first start creates the data folder with the database,
    a CA, a server certificate for localhost and 127.0.0.1, an administrator token and an enrollment
    token, and prints the tokens once. SIGTERM or SIGINT drains requests in flight and stops.
    tokens prints the administrator and enrollment tokens of the data folder.

    admin commands (HTTPS to the server named by --listen-host and --listen-port):
      agents                                   list agents
      agent ID                                 show one agent
      queue --agent ID[,ID…] --kind KIND [--parameters JSON] [--expires-in-seconds N]
                                               queue an action, e.g. --kind isolate-endpoint
      action ID                                show one action and its result
      cancel ID                                cancel an action not yet delivered
      revoke ID                                revoke an agent
      log-collection ID on|off|default         switch agent log collection for one agent
      events ID                                list an agent's security events
      publish-content REVISION FILE            publish a content revision
      upload-build VERSION FILE                store an agent build
      assign-upgrade VERSION [--agent ID]      assign an agent version to one agent or the fleet

    Options (each also read from EACP_SERVER_<NAME> and from the JSON file of --config; a flag wins
    over the environment, which wins over the file):
      --config FILE                            JSON file of settings, keys as below with '_' for '-'

    """

func printHelp() {
    var text = usage
    for definition in SettingDefinition.all {
        let name = "  \(definition.flag) VALUE"
        text += name.padding(toLength: max(43, name.count + 1), withPad: " ", startingAt: 0) + definition.help + "\n"
    }
    print(text, terminator: "")
}

func fail(_ message: String, status: Int32 = 2) -> Never {
    FileHandle.standardError.write(Data("eacp-server: \(message)\n".utf8))
    exit(status)
}

/// Splits the command line into positional words and `--name value` pairs for SettingsLoader,
/// keeping the admin command's own options apart.
func splitArguments(_ arguments: [String], ownOptions: Set<String>) -> (words: [String], settings: [String], own: [String: String]) {
    var words: [String] = []
    var settings: [String] = []
    var own: [String: String] = [:]
    var index = 0
    while index < arguments.count {
        let argument = arguments[index]
        if argument.hasPrefix("--") {
            let value = index + 1 < arguments.count ? arguments[index + 1] : ""
            if ownOptions.contains(argument) { own[argument] = value } else { settings += [argument, value] }
            index += 2
        } else {
            words.append(argument)
            index += 1
        }
    }
    return (words, settings, own)
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--help") || arguments.contains("-h") {
    printHelp()
    exit(0)
}
let adminOptions: Set<String> = ["--agent", "--kind", "--parameters", "--expires-in-seconds"]
let split = splitArguments(arguments, ownOptions: adminOptions)
let settings: ServerSettings
do {
    settings = try SettingsLoader.load(arguments: split.settings, environment: ProcessInfo.processInfo.environment)
} catch {
    fail("\(error)")
}

switch split.words.first ?? "serve" {
case "serve":
    try await Serve.run(settings: settings)
case "tokens":
    do {
        let tokens = try ServerTokens.read(from: DataFolder(path: settings.dataDirectory).tokensPath)
        print("admin token:      \(tokens.adminToken)\nenrollment token: \(tokens.enrollmentToken)")
    } catch {
        fail("cannot read the tokens of \(settings.dataDirectory): \(error). Start the server once to create them.")
    }
case "admin":
    await AdminCommand.run(words: Array(split.words.dropFirst()), options: split.own, settings: settings)
case let command:
    fail("unknown command \"\(command)\"; run eacp-server --help")
}
