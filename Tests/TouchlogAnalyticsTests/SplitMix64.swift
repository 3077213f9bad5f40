/// A small seeded generator (SplitMix64) so that property tests are reproducible: a failing case
/// names its seed, and the same seed draws the same values on every machine.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The seeds every property test runs with.
let propertySeeds: [UInt64] = [1, 2, 3, 42, 1_234_567, 0xDEAD_BEEF, 20_260_301, 987_654_321]
