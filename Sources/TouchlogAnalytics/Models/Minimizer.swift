/// Where a minimisation ended and how it got there.
public struct MinimizationResult: Sendable, Equatable {
    /// The best point found.
    public var point: [Double]
    /// The objective there.
    public var value: Double
    /// The largest absolute component of the gradient there (∞-norm).
    public var gradientNorm: Double
    /// Iterations of the methods that ran, summed over restarts.
    public var iterations: Int
    /// Objective evaluations, summed over restarts.
    public var evaluations: Int
    /// Whether the gradient norm fell below the tolerance.
    public var converged: Bool
    /// How the search ended, in words (for reports).
    public var status: String
}

/// Unconstrained minimisation of a smooth function of a few variables: BFGS with a
/// backtracking/extrapolating line search, restarted with Nelder–Mead when BFGS stalls, from
/// several starting points. The models minimise their mean negative log-likelihood over
/// log-parameters, so every point of ℝⁿ is a valid parameter vector.
///
/// Converged means that the ∞-norm of the gradient is at most ``gradientTolerance``.
public struct Minimizer: Sendable {
    /// The objective: value and gradient at a point. Non-finite values are treated as +∞.
    public typealias Objective = ([Double]) -> (value: Double, gradient: [Double])

    /// Largest ∞-norm of the gradient at a converged point.
    public var gradientTolerance = 1e-8
    /// Iterations allowed to one BFGS run.
    public var maximumIterations = 1_000

    public init(gradientTolerance: Double = 1e-8, maximumIterations: Int = 1_000) {
        self.gradientTolerance = gradientTolerance
        self.maximumIterations = maximumIterations
    }

    /// Minimises `objective` from each start in turn, stopping at the first converged run; a
    /// stalled BFGS run is continued by Nelder–Mead from its best point and polished by BFGS
    /// again. Returns the converged result with the lowest value, else the best one found.
    public func minimize(_ objective: Objective, starts: [[Double]]) -> MinimizationResult {
        var best: MinimizationResult?
        var iterations = 0, evaluations = 0
        for start in starts {
            var result = bfgs(objective, from: start)
            if !result.converged {
                let simplex = nelderMead({ objective($0).value }, from: result.value.isFinite ? result.point : start)
                let polished = bfgs(objective, from: simplex.point)
                result = MinimizationResult(
                    point: polished.point, value: polished.value, gradientNorm: polished.gradientNorm,
                    iterations: result.iterations + simplex.iterations + polished.iterations,
                    evaluations: result.evaluations + simplex.evaluations + polished.evaluations,
                    converged: polished.converged, status: "Nelder–Mead then BFGS: " + polished.status
                )
            }
            iterations += result.iterations
            evaluations += result.evaluations
            if let current = best, !Self.isBetter(result, than: current) { continue }
            best = result
            if result.converged { break }
        }
        guard var result = best else {
            return MinimizationResult(point: [], value: .nan, gradientNorm: .nan, iterations: 0, evaluations: 0, converged: false, status: "no starting point")
        }
        result.iterations = iterations
        result.evaluations = evaluations
        return result
    }

    /// A converged result beats one that is not; then the lower value wins.
    private static func isBetter(_ a: MinimizationResult, than b: MinimizationResult) -> Bool {
        a.converged != b.converged ? a.converged : a.value < b.value
    }

    /// BFGS on the inverse Hessian from one start.
    package func bfgs(_ objective: Objective, from start: [Double]) -> MinimizationResult {
        let n = start.count
        var evaluations = 0
        func evaluate(_ x: [Double]) -> (value: Double, gradient: [Double]) {
            evaluations += 1
            let result = objective(x)
            guard result.value.isFinite, result.gradient.allSatisfy(\.isFinite) else { return (.infinity, result.gradient) }
            return result
        }
        var x = start
        var (f, g) = evaluate(x)
        guard f.isFinite else {
            return MinimizationResult(point: x, value: f, gradientNorm: .infinity, iterations: 0, evaluations: evaluations, converged: false, status: "the objective is not finite at the start")
        }
        var inverse = identity(n)
        var status = "iteration limit reached"
        var iteration = 0
        while iteration < maximumIterations {
            if infinityNorm(g) <= gradientTolerance {
                status = "gradient below \(gradientTolerance)"
                break
            }
            iteration += 1
            var direction = multiply(inverse, g).map { -$0 }
            var slope = dot(direction, g)
            if !(slope < 0) {
                inverse = identity(n)
                direction = g.map { -$0 }
                slope = dot(direction, g)
            }
            // Backtracking with Armijo's condition; while the slope is still steep at a step that
            // decreased f, try doubling it (a cheap stand-in for the strong Wolfe search).
            var step = 1.0
            var accepted: (x: [Double], f: Double, g: [Double])?
            for _ in 0..<60 {
                let candidate = zip(x, direction).map { $0 + step * $1 }
                let (fc, gc) = evaluate(candidate)
                if fc <= f + 1e-4 * step * slope {
                    accepted = (candidate, fc, gc)
                    if dot(direction, gc) < 0.9 * slope, step < 64 {
                        step *= 2
                        let further = zip(x, direction).map { $0 + step * $1 }
                        let (ff, gf) = evaluate(further)
                        if ff < fc { accepted = (further, ff, gf) }
                    }
                    break
                }
                step *= fc.isFinite ? 0.5 : 0.1
            }
            guard let next = accepted else {
                status = "the line search made no progress"
                break
            }
            let s = zip(next.x, x).map { $0 - $1 }
            let y = zip(next.g, g).map { $0 - $1 }
            let sy = dot(s, y)
            if sy > 1e-12 * (dot(s, s).squareRoot() * dot(y, y).squareRoot()) {
                if iteration == 1 { inverse = scaled(identity(n), by: sy / dot(y, y)) }
                let hy = multiply(inverse, y)
                let yhy = dot(y, hy)
                for i in 0..<n {
                    for j in 0..<n {
                        inverse[i][j] += ((sy + yhy) * s[i] * s[j]) / (sy * sy) - (hy[i] * s[j] + s[i] * hy[j]) / sy
                    }
                }
            }
            let previous = f
            (x, f, g) = next
            if previous - f <= 1e-15 * max(1, abs(f)) && infinityNorm(g) > gradientTolerance && iteration > 1 {
                // No measurable decrease: the search is at the limit of double precision.
                status = "no further decrease at double precision"
                break
            }
        }
        let norm = infinityNorm(g)
        let converged = norm <= gradientTolerance
        return MinimizationResult(point: x, value: f, gradientNorm: norm, iterations: iteration, evaluations: evaluations, converged: converged, status: converged ? "gradient below \(gradientTolerance)" : status)
    }

    /// Nelder–Mead (adaptive coefficients of Gao & Han 2012) from a start, with initial steps of
    /// 0.5 along each axis; stops when the simplex's values agree to 1e-12.
    package func nelderMead(_ f: ([Double]) -> Double, from start: [Double], maximumIterations: Int = 5_000) -> MinimizationResult {
        let n = start.count
        let dimension = Double(n)
        let (reflect, expand) = (1.0, 1 + 2 / dimension)
        let (contract, shrink) = (0.75 - 1 / (2 * dimension), 1 - 1 / dimension)
        var evaluations = 0
        func value(_ x: [Double]) -> Double {
            evaluations += 1
            let v = f(x)
            return v.isFinite ? v : .infinity
        }
        var simplex: [(x: [Double], f: Double)] = [(start, value(start))]
        for i in 0..<n {
            var vertex = start
            vertex[i] += 0.5
            simplex.append((vertex, value(vertex)))
        }
        var iteration = 0
        while iteration < maximumIterations {
            simplex.sort { $0.f < $1.f }
            let spread = simplex[n].f - simplex[0].f
            if spread.isFinite, spread <= 1e-12 * max(1, abs(simplex[0].f)) { break }
            iteration += 1
            var centroid = [Double](repeating: 0, count: n)
            for vertex in simplex.dropLast() { for i in 0..<n { centroid[i] += vertex.x[i] / dimension } }
            func along(_ t: Double) -> [Double] { (0..<n).map { centroid[$0] + t * (centroid[$0] - simplex[n].x[$0]) } }
            let reflected = along(reflect)
            let fr = value(reflected)
            if fr < simplex[0].f {
                let expanded = along(expand)
                let fe = value(expanded)
                simplex[n] = fe < fr ? (expanded, fe) : (reflected, fr)
            } else if fr < simplex[n - 1].f {
                simplex[n] = (reflected, fr)
            } else {
                let inside = fr >= simplex[n].f
                let contracted = along(inside ? -contract : contract * reflect)
                let fc = value(contracted)
                if fc < min(fr, simplex[n].f) {
                    simplex[n] = (contracted, fc)
                } else {
                    for k in 1...n {
                        let x = (0..<n).map { simplex[0].x[$0] + shrink * (simplex[k].x[$0] - simplex[0].x[$0]) }
                        simplex[k] = (x, value(x))
                    }
                }
            }
        }
        simplex.sort { $0.f < $1.f }
        return MinimizationResult(point: simplex[0].x, value: simplex[0].f, gradientNorm: .nan, iterations: iteration, evaluations: evaluations, converged: false, status: "Nelder–Mead")
    }
}

private func identity(_ n: Int) -> [[Double]] {
    (0..<n).map { i in (0..<n).map { $0 == i ? 1 : 0 } }
}

private func scaled(_ matrix: [[Double]], by factor: Double) -> [[Double]] {
    matrix.map { $0.map { $0 * factor } }
}

private func multiply(_ matrix: [[Double]], _ vector: [Double]) -> [Double] {
    matrix.map { dot($0, vector) }
}

private func dot(_ u: [Double], _ v: [Double]) -> Double {
    zip(u, v).reduce(0) { $0 + $1.0 * $1.1 }
}

private func infinityNorm(_ v: [Double]) -> Double {
    v.reduce(0) { max($0, abs($1)) }
}
