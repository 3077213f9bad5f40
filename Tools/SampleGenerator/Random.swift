/// SplitMix64: a tiny 64-bit generator used only to expand a seed into xoshiro state and to derive
/// independent per-customer seeds.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A stateless mix of one value (the SplitMix64 finaliser), for hashing seeds and keys.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** (Blackman & Vigna): the generator behind every random draw of the sample data.
///
/// Every distribution here is built from integer arithmetic and IEEE-754 basic operations
/// (plus ``DetMath``), never from the platform's libm, so a seed gives the same numbers on every
/// machine.
struct Xoshiro256 {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    init(seed: UInt64) {
        var sm = SplitMix64(seed: seed)
        s0 = sm.next()
        s1 = sm.next()
        s2 = sm.next()
        s3 = sm.next()
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) <<< 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 <<< 45
        return result
    }

    /// Uniform in [0, 1).
    @inline(__always)
    mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform in (0, 1]: safe to take the logarithm of.
    @inline(__always)
    mutating func uniformPositive() -> Double {
        Double((next() >> 11) + 1) * 0x1p-53
    }

    /// Uniform integer in 0..<bound (bound > 0), by the multiply-high method.
    @inline(__always)
    mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// Uniform integer in the closed range.
    @inline(__always)
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// True with probability p.
    @inline(__always)
    mutating func chance(_ p: Double) -> Bool {
        uniform() < p
    }

    /// Exponentially distributed with the given mean.
    @inline(__always)
    mutating func exponential(mean: Double) -> Double {
        -DetMath.log(uniformPositive()) * mean
    }

    /// Standard normal, by Marsaglia's polar method (needs only log and sqrt).
    mutating func normal() -> Double {
        while true {
            let u = 2 * uniform() - 1
            let v = 2 * uniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * DetMath.log(s) / s).squareRoot()
            }
        }
    }

    mutating func normal(mean: Double, sd: Double) -> Double {
        mean + sd * normal()
    }

    /// Log-normal with the given median and log-scale standard deviation.
    mutating func logNormal(median: Double, sigma: Double) -> Double {
        median * DetMath.exp(sigma * normal())
    }

    /// Gamma(shape, scale), by Marsaglia & Tsang.
    mutating func gamma(shape: Double, scale: Double) -> Double {
        if shape < 1 {
            // Boost: Gamma(a) = Gamma(a + 1) * U^(1/a).
            let g = gamma(shape: shape + 1, scale: 1)
            return g * DetMath.exp(DetMath.log(uniformPositive()) / shape) * scale
        }
        let d = shape - 1.0 / 3.0
        let c = 1.0 / (9 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = uniformPositive()
            if u < 1 - 0.0331 * x * x * x * x {
                return d * v * scale
            }
            if DetMath.log(u) < 0.5 * x * x + d * (1 - v + DetMath.log(v)) {
                return d * v * scale
            }
        }
    }

    /// Beta(a, b) from two gamma draws.
    mutating func beta(_ a: Double, _ b: Double) -> Double {
        let x = gamma(shape: a, scale: 1)
        let y = gamma(shape: b, scale: 1)
        return x / (x + y)
    }

    /// Number of failures before the first success, success probability p (0 < p ≤ 1).
    mutating func geometric(p: Double) -> Int {
        if p >= 1 { return 0 }
        return Int(DetMath.log(uniformPositive()) / DetMath.log(1 - p))
    }

    /// Picks an index of `table` with probability proportional to its weight.
    @inline(__always)
    mutating func pick(_ table: WeightTable) -> Int {
        table.index(at: uniform())
    }
}

infix operator <<< : BitwiseShiftPrecedence

@inline(__always)
private func <<< (value: UInt64, amount: UInt64) -> UInt64 {
    (value << amount) | (value >> (64 - amount))
}

/// Cumulative weights for choosing among a few alternatives.
struct WeightTable: Sendable {
    private let cumulative: [Double]

    init(_ weights: [Double]) {
        precondition(!weights.isEmpty, "a weight table needs at least one weight")
        let total = weights.reduce(0, +)
        var running = 0.0
        var cumulative: [Double] = []
        cumulative.reserveCapacity(weights.count)
        for weight in weights {
            running += weight / total
            cumulative.append(running)
        }
        cumulative[cumulative.count - 1] = 1.0
        self.cumulative = cumulative
    }

    var count: Int { cumulative.count }

    @inline(__always)
    func index(at u: Double) -> Int {
        var i = 0
        let last = cumulative.count - 1
        while i < last && u >= cumulative[i] {
            i += 1
        }
        return i
    }
}
