import ArgumentParser

/// `touchlog model …`: the predictive purchase and spend models.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Fit the BG/NBD purchase and Gamma-Gamma spend models and store them, or show the stored ones.",
        subcommands: [ModelFitCommand.self, ModelShowCommand.self]
    )
}
