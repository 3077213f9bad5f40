import Testing
import TouchlogAnalytics

@Suite("Exponential-smoothing forecasts")
struct ForecastTests {
    static let season: [Double] = [5, -3, 0, 2, 8, -6, 1, -1, 4, -4, -2, -4]  // sums to 0

    @Test("A straight line: Holt continues it exactly, error 0")
    func linear() throws {
        let series = (0..<12).map { 10 + 2 * Double($0) }
        let forecast = try Forecast(series: series, holdout: 3, horizon: 2)
        #expect(forecast.method == .holt)
        #expect(forecast.parameters.gamma == nil)
        #expect(forecast.parameters.phi == 1)
        #expect(forecast.holdoutActual == [28, 30, 32])
        #expect(zip(forecast.holdoutForecast, [28.0, 30, 32]).allSatisfy { abs($0 - $1) < 1e-9 })
        #expect(forecast.mae < 1e-9)
        #expect(forecast.mape! < 1e-9)
        #expect(zip(forecast.forecast, [34.0, 36]).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    @Test("A level with a fixed season: Holt-Winters repeats the season, in phase", arguments: [48, 50])
    func seasonal(length: Int) throws {
        let series = (0..<length).map { 100 + Self.season[$0 % 12] }
        let forecast = try Forecast(series: series, holdout: 12, horizon: 3)
        #expect(forecast.method == .holtWinters)
        #expect(forecast.mae < 1e-9)
        let expected = (length..<(length + 3)).map { 100 + Self.season[$0 % 12] }
        #expect(zip(forecast.forecast, expected).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    @Test("A line plus a fixed season: reproduced exactly")
    func trendAndSeason() throws {
        let series = (0..<48).map { 100 + 2 * Double($0) + Self.season[$0 % 12] }
        let forecast = try Forecast(series: series, holdout: 6, horizon: 12)
        #expect(forecast.method == .holtWinters)
        #expect(forecast.parameters.phi == 1)
        #expect(forecast.mape! < 1e-9)
        let expected = (48..<60).map { 100 + 2 * Double($0) + Self.season[$0 % 12] }
        #expect(zip(forecast.forecast, expected).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    @Test("Noise around a season: a forecast error that is reported, not zero")
    func noisy() throws {
        var generator = SplitMix64(seed: 7)
        var series: [Double] = []
        for t in 0..<60 {
            let noise = Double(generator.next() % 1000) / 100 - 5
            series.append(200 + Self.season[t % 12] * 3 + noise)
        }
        let forecast = try Forecast(series: series, holdout: 12, horizon: 12)
        #expect(forecast.method == .holtWinters)
        #expect(forecast.mae > 0 && forecast.mae < 10)
        #expect(forecast.mape! < 0.05)
        #expect(forecast.holdoutForecast.count == 12)
    }

    @Test("Two seasons before the holdout choose Holt-Winters; fewer choose Holt")
    func methodChoice() throws {
        let short = (0..<26).map { 100 + Self.season[$0 % 12] }
        #expect(try Forecast(series: short, holdout: 3, horizon: 1).method == .holt)
        let long = (0..<27).map { 100 + Self.season[$0 % 12] }
        #expect(try Forecast(series: long, holdout: 3, horizon: 1).method == .holtWinters)
    }

    @Test("Too short, non-finite or nonsensical settings: an error")
    func badInput() {
        #expect(throws: AnalysisError.self) { try Forecast(series: [1, 2, 3], holdout: 1, horizon: 1) }
        #expect(throws: AnalysisError.self) { try Forecast(series: [1, 2, .nan, 4, 5], holdout: 1, horizon: 1) }
        #expect(throws: AnalysisError.self) { try Forecast(series: [1, 2, 3, 4, 5], holdout: 0, horizon: 1) }
        #expect(throws: AnalysisError.self) { try Forecast(series: [1, 2, 3, 4, 5], holdout: 1, horizon: -1) }
    }
}
