import Foundation

/// Escaping and number formatting for the page.
enum HTML {
    /// `text` with `& < > " '` replaced by entities: safe in element content and quoted attributes.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }
}

/// How numbers read on the page.
enum Format {
    /// A fixed number of decimals: `fixed(3.14159, 2)` is `3.14`.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "–" }
        let text = String(format: "%.\(digits)f", value)
        return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
    }

    /// An integer with thousands separators: `12,345`.
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return value < 0 ? "−" + result : result
    }

    /// A count given as a number, rounded: `1,235`; `–` when it is not finite.
    static func count(_ value: Double) -> String {
        value.isFinite && abs(value) < 1e18 ? count(Int(value.rounded())) : "–"
    }

    /// An amount, shortened: `950`, `12.3 k`, `4.56 M`, `1.2 B`.
    static func amount(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        let magnitude = abs(value), sign = value < 0 ? "−" : ""
        switch magnitude {
        case 1e9...: return sign + short(magnitude / 1e9) + " B"
        case 1e6...: return sign + short(magnitude / 1e6) + " M"
        case 1e4...: return sign + short(magnitude / 1e3) + " k"
        case 100...: return sign + count(Int(magnitude.rounded()))
        default: return sign + (magnitude == magnitude.rounded() ? fixed(magnitude, 0) : fixed(magnitude, 2))
        }
    }

    /// A count with its noun, singular for 1: `1 customer`, `2,000 customers`.
    static func counted(_ value: Int, _ noun: String) -> String { "\(count(value)) \(noun)\(value == 1 ? "" : "s")" }

    /// At most three significant digits for 1 ≤ value < 1000, without trailing zeros: `50`, `3.3`.
    private static func short(_ value: Double) -> String {
        var text = fixed(value, value >= 100 ? 0 : value >= 10 ? 1 : 2)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// A share 0–1 as a percentage: `61%`, or `0.4%` below 1%.
    static func percent(_ share: Double) -> String {
        guard share.isFinite else { return "–" }
        let value = share * 100
        return (abs(value) < 1 && value != 0 ? fixed(value, 1) : fixed(value, 0)) + "%"
    }

    /// A signed number: `+12`, `−3.5`, `0`.
    static func signed(_ value: Double, _ digits: Int = 0) -> String {
        let text = fixed(abs(value), digits)
        guard Double(text) != 0 else { return text }
        return (value < 0 ? "−" : "+") + text
    }
}
