/// Deterministic elementary functions.
///
/// libm implementations may differ in the last bit between platforms and versions, and one bit is
/// enough to flip a random threshold and change the whole sample. These use only IEEE-754 basic
/// operations (correctly rounded everywhere), so results are bit-identical on every machine.
/// Accuracy is ~1e-15 relative, far more than sampling needs.
enum DetMath {
    private static let ln2Hi = 6.931_471_803_691_238_164_90e-01
    private static let ln2Lo = 1.908_214_929_270_587_700_02e-10
    private static let ln2 = 0.693_147_180_559_945_309_417_232_121_458
    private static let sqrt2 = 1.414_213_562_373_095_048_801_688_724_209_698

    /// Natural logarithm for positive finite x (returns -inf for 0, NaN below).
    static func log(_ x: Double) -> Double {
        if !(x > 0) { return x == 0 ? -.infinity : .nan }
        if x == .infinity { return x }
        var bits = x.bitPattern
        var e = 0.0
        if bits >> 52 == 0 {
            // Subnormal: scale into the normal range first.
            bits = (x * 0x1p54).bitPattern
            e = -54
        }
        e += Double(Int((bits >> 52) & 0x7FF) - 1023)
        var m = Double(bitPattern: (bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000)  // [1, 2)
        if m > sqrt2 {
            m *= 0.5
            e += 1
        }
        let s = (m - 1) / (m + 1)  // |s| <= 0.1716
        let s2 = s * s
        // 2 * atanh(s) = 2 (s + s^3/3 + s^5/5 + ...)
        var p = 1.0 / 19.0
        p = p * s2 + 1.0 / 17.0
        p = p * s2 + 1.0 / 15.0
        p = p * s2 + 1.0 / 13.0
        p = p * s2 + 1.0 / 11.0
        p = p * s2 + 1.0 / 9.0
        p = p * s2 + 1.0 / 7.0
        p = p * s2 + 1.0 / 5.0
        p = p * s2 + 1.0 / 3.0
        p = p * s2 + 1.0
        return (e * ln2Hi) + (2 * s * p + e * ln2Lo)
    }

    /// e^x.
    static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x > 709.7 { return .infinity }
        if x < -745 { return 0 }
        let k = (x / ln2).rounded()
        let r = (x - k * ln2Hi) - k * ln2Lo  // |r| <= 0.35
        var p = 1.0 / 6_227_020_800.0  // 1/13!
        p = p * r + 1.0 / 479_001_600.0
        p = p * r + 1.0 / 39_916_800.0
        p = p * r + 1.0 / 3_628_800.0
        p = p * r + 1.0 / 362_880.0
        p = p * r + 1.0 / 40_320.0
        p = p * r + 1.0 / 5_040.0
        p = p * r + 1.0 / 720.0
        p = p * r + 1.0 / 120.0
        p = p * r + 1.0 / 24.0
        p = p * r + 1.0 / 6.0
        p = p * r + 0.5
        p = p * r + 1.0
        p = p * r + 1.0
        let ki = Int(k)
        if ki > 1023 { return p * 2 * pow2(1023) }
        if ki < -1022 { return p * pow2(ki + 60) * 0x1p-60 }
        return p * pow2(ki)
    }

    /// 2^k for -1022 ≤ k ≤ 1023, built from its bits.
    @inline(__always)
    private static func pow2(_ k: Int) -> Double {
        Double(bitPattern: UInt64(k + 1023) << 52)
    }

    /// Hyperbolic tangent.
    static func tanh(_ x: Double) -> Double {
        if x > 20 { return 1 }
        if x < -20 { return -1 }
        let e2 = exp(2 * x)
        return (e2 - 1) / (e2 + 1)
    }
}
