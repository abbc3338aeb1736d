import Foundation

/// Builds `ServerSettings` from a JSON file, the environment and flags: a flag overrides the
/// environment, which overrides the file. The first unknown or invalid setting stops the load.
public enum SettingsLoader {
    /// The flag that names the JSON file. It is not itself a setting.
    public static let configFlag = "--config"
    public static let configEnvironmentName = "EACP_SERVER_CONFIG"

    /// Loads settings. `arguments` holds only `--name value` pairs (the subcommand already removed).
    public static func load(arguments: [String], environment: [String: String]) throws(SettingsError)
        -> ServerSettings
    {
        let flags = try parseFlags(arguments)
        var settings = ServerSettings()

        let configPath = flags.first { $0.flag == configFlag }?.value ?? environment[configEnvironmentName]
        if let configPath {
            try applyFile(configPath, to: &settings)
        }

        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix("EACP_SERVER_") {
            guard name != configEnvironmentName else { continue }
            guard let definition = SettingDefinition.named(environmentName: name) else {
                throw SettingsError(code: .unknownSetting, source: .environment(name), message: "no setting has this name")
            }
            try apply(definition, value, source: .environment(name), to: &settings)
        }

        for (flag, value) in flags where flag != configFlag {
            guard let definition = SettingDefinition.named(flag: flag) else {
                throw SettingsError(code: .unknownSetting, source: .flag(flag), message: "no setting has this name")
            }
            try apply(definition, value, source: .flag(flag), to: &settings)
        }
        return settings
    }

    private static func parseFlags(_ arguments: [String]) throws(SettingsError) -> [(flag: String, value: String)] {
        var pairs: [(flag: String, value: String)] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            guard argument.hasPrefix("--") else {
                throw SettingsError(code: .unknownSetting, source: .flag(argument), message: "expected an option starting with --")
            }
            if let equals = argument.firstIndex(of: "=") {
                pairs.append((String(argument[..<equals]), String(argument[argument.index(after: equals)...])))
                index += 1
                continue
            }
            guard index + 1 < arguments.count else {
                throw SettingsError(code: .missingValue, source: .flag(argument), message: "the option needs a value")
            }
            pairs.append((argument, arguments[index + 1]))
            index += 2
        }
        return pairs
    }

    private static func applyFile(_ path: String, to settings: inout ServerSettings) throws(SettingsError) {
        let object: [String: JSONScalar]
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            object = try JSONDecoder().decode([String: JSONScalar].self, from: data)
        } catch {
            throw SettingsError(
                code: .unreadableFile, source: .file(path),
                message: "expected a JSON object of strings, numbers and booleans: \(error)")
        }

        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            guard let definition = SettingDefinition.named(key: key) else {
                throw SettingsError(code: .unknownSetting, source: .file(path), message: "\"\(key)\" is not a setting")
            }
            try apply(definition, value.text, source: .file(path), to: &settings, key: key)
        }
    }

    private static func apply(
        _ definition: SettingDefinition, _ text: String, source: SettingsError.Source,
        to settings: inout ServerSettings, key: String? = nil
    ) throws(SettingsError) {
        if let reason = definition.apply(text, to: &settings) {
            let name = key.map { "\"\($0)\": " } ?? ""
            throw SettingsError(code: .invalidValue, source: source, message: "\(name)\"\(text)\" is invalid: \(reason)")
        }
    }
}

/// A JSON value of a configuration file, in the text form the flags use.
private struct JSONScalar: Decodable {
    let text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            text = flag ? "true" : "false"
        } else if let number = try? container.decode(Int64.self) {
            text = String(number)
        } else {
            text = try container.decode(String.self)
        }
    }
}
