import Foundation
import Testing
import TouchlogAnalytics

@Suite("Special functions: digamma and ₂F₁")
struct SpecialFunctionsTests {
    @Test("Digamma at known points: ψ(1) = −γ, ψ(1/2) = −γ − 2 ln 2, ψ(x + 1) = ψ(x) + 1/x")
    func digamma() {
        let gamma = 0.577_215_664_901_532_9
        #expect(isClose(SpecialFunctions.digamma(1), -gamma, 1e-14))
        #expect(isClose(SpecialFunctions.digamma(0.5), -gamma - 2 * log(2.0), 1e-14))
        for x in [0.01, 0.3, 2.5, 7.0, 40.0, 1234.5] {
            #expect(isClose(SpecialFunctions.digamma(x + 1), SpecialFunctions.digamma(x) + 1 / x, 1e-13))
        }
        #expect(SpecialFunctions.digamma(0).isNaN)
        #expect(SpecialFunctions.digamma(-1).isNaN)
    }

    @Test("Digamma is the derivative of ln Γ", arguments: [0.05, 0.7, 3.0, 25.0])
    func digammaDerivative(x: Double) {
        let h = 1e-5 * x
        let numeric = (SpecialFunctions.logGamma(x + h) - SpecialFunctions.logGamma(x - h)) / (2 * h)
        #expect(isClose(SpecialFunctions.digamma(x), numeric, 1e-7))
    }

    @Test("₂F₁ against closed forms, with and without Euler's transformation")
    func hypergeometric() {
        for z in [0.0, 0.1, 0.5, 0.9, 0.99] {
            // ₂F₁(1, 1; 2; z) = −ln(1 − z)/z (c − a − b = 0).
            let expected = z == 0 ? 1 : -log1p(-z) / z
            #expect(isClose(SpecialFunctions.hypergeometric2F1(1, 1, 2, z), expected, 1e-12))
            // ₂F₁(a, b; b; z) = (1 − z)^−a (c − a − b = −a < 0: the transformed series).
            #expect(isClose(SpecialFunctions.hypergeometric2F1(2.5, 3, 3, z), pow(1 - z, -2.5), 1e-12))
            #expect(isClose(SpecialFunctions.logHypergeometric2F1(2.5, 3, 3, z), -2.5 * log1p(-z), 1e-12))
            // ₂F₁(1/2, 1/2; 3/2; z²) = arcsin(z)/z.
            let arcsine = z == 0 ? 1 : asin(z) / z
            #expect(isClose(SpecialFunctions.hypergeometric2F1(0.5, 0.5, 1.5, z * z), arcsine, 1e-12))
        }
        // scipy.special.hyp2f1(2.2426, 4.4258, 4.2186, 39/(4.4135 + 38.86 + 39)) = 4.574526539490183.
        #expect(isClose(SpecialFunctions.hypergeometric2F1(2.2426, 4.4258, 4.2186, 39 / (4.4135 + 38.86 + 39)), 4.574526539490183, 1e-13))
        #expect(SpecialFunctions.hypergeometric2F1(1, 1, 2, 1).isNaN)
        #expect(SpecialFunctions.hypergeometric2F1(1, 1, -2, 0.5).isNaN)
    }
}
