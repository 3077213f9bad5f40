import ArgumentParser
import Foundation
import TouchlogServer

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage the API keys file of `touchlog serve`.",
        subcommands: [KeysAdd.self]
    )
}

struct KeysAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Make a new API key, append its hash to the keys file, and print the key.",
        discussion: """
        The file keeps only the key's SHA-256, its scopes and its name; the key itself is printed \
        once, on standard output. The file is created with mode 600 if it does not exist.
        """
    )

    @Argument(help: ArgumentHelp("The keys file.", valueName: "file"))
    var file: String

    @Option(help: "Comma-separated scopes: read, append, admin.")
    var scopes: String

    @Option(help: "A name for the key, shown in logs.")
    var name: String?

    func validate() throws {
        do {
            _ = try Scope.list(scopes)
        } catch {
            throw ValidationError(error.description)
        }
        if let name, name.contains(where: { $0 == "\n" || $0 == "#" }) { throw ValidationError("--name must be one line without #") }
    }

    func run() throws {
        let key = APIKeys.generateKey()
        let line = APIKeys.line(forKey: key, scopes: (try? Scope.list(scopes)) ?? [], name: name)
        if !FileManager.default.fileExists(atPath: file) {
            guard FileManager.default.createFile(atPath: file, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                fail("cannot create \(file)", status: 3)
            }
        }
        guard let handle = FileHandle(forWritingAtPath: file) else { fail("cannot write \(file)", status: 3) }
        handle.seekToEndOfFile()
        handle.write(Data((line + "\n").utf8))
        handle.closeFile()
        print(key)
    }
}
