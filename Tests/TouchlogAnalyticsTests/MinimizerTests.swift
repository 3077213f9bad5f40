import Testing
import TouchlogAnalytics

@Suite("Minimizer: BFGS with Nelder–Mead restarts")
struct MinimizerTests {
    /// Rosenbrock's banana, minimum 0 at (1, 1).
    static func rosenbrock(_ x: [Double]) -> (value: Double, gradient: [Double]) {
        let (u, v) = (x[0], x[1])
        let value = (1 - u) * (1 - u) + 100 * (v - u * u) * (v - u * u)
        return (value, [-2 * (1 - u) - 400 * u * (v - u * u), 200 * (v - u * u)])
    }

    @Test("BFGS finds the minimum of Rosenbrock's function from the classic start")
    func rosenbrockMinimum() {
        let result = Minimizer().minimize(Self.rosenbrock, starts: [[-1.2, 1]])
        #expect(result.converged)
        #expect(abs(result.point[0] - 1) < 1e-6 && abs(result.point[1] - 1) < 1e-6)
        #expect(result.gradientNorm <= 1e-8)
        #expect(result.iterations > 0 && result.evaluations >= result.iterations)
    }

    @Test("Nelder–Mead alone gets close to the minimum of a quadratic")
    func nelderMead() {
        let result = Minimizer().nelderMead({ x in (x[0] - 3) * (x[0] - 3) + 2 * (x[1] + 1) * (x[1] + 1) }, from: [0, 0])
        #expect(abs(result.point[0] - 3) < 1e-4 && abs(result.point[1] + 1) < 1e-4)
    }

    @Test("A function without a minimum is reported as not converged")
    func unbounded() {
        let result = Minimizer(maximumIterations: 50).minimize({ x in (x[0], [1]) }, starts: [[0]])
        #expect(!result.converged)
    }

    @Test("A start where the objective is not finite is skipped for the next one")
    func nonFiniteStart() {
        let objective: Minimizer.Objective = { x in
            x[0] < 0 ? (.nan, [.nan]) : ((x[0] - 2) * (x[0] - 2), [2 * (x[0] - 2)])
        }
        let result = Minimizer().minimize(objective, starts: [[-1], [5]])
        #expect(result.converged)
        #expect(abs(result.point[0] - 2) < 1e-8)
    }
}
