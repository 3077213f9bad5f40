/// Finds the byte ranges of the elements of a top-level JSON array (the CloudEvents batch format)
/// without parsing them, so that each element keeps its original bytes and is decoded, and
/// rejected, on its own.
package enum JSONArraySplitter {
    package struct Malformed: Error, CustomStringConvertible {
        let offset: Int
        let message: String
        package var description: String { "\(message) at byte \(offset)" }
    }

    package static func elements(of bytes: UnsafeRawBufferPointer) throws(Malformed) -> [Range<Int>] {
        var i = 0
        func skipSpace() {
            while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
        }
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else { throw Malformed(offset: i, message: "expected '['") }
        i += 1
        var ranges: [Range<Int>] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
            i += 1
            skipSpace()
            guard i == bytes.count else { throw Malformed(offset: i, message: "trailing characters after the array") }
            return ranges
        }
        while true {
            skipSpace()
            let elementStart = i
            var depth = 0
            var inString = false
            scan: while i < bytes.count {
                let byte = bytes[i]
                if inString {
                    if byte == UInt8(ascii: "\\") { i += 1 } else if byte == UInt8(ascii: "\"") { inString = false }
                } else {
                    switch byte {
                    case UInt8(ascii: "\""): inString = true
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        if depth == 0 { break scan }
                        depth -= 1
                    case UInt8(ascii: ","):
                        if depth == 0 { break scan }
                    default: break
                    }
                }
                i += 1
            }
            guard i < bytes.count else { throw Malformed(offset: i, message: "unterminated array") }
            var elementEnd = i
            while elementEnd > elementStart, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[elementEnd - 1]) { elementEnd -= 1 }
            guard elementEnd > elementStart else { throw Malformed(offset: i, message: "empty array element") }
            ranges.append(elementStart..<elementEnd)
            if bytes[i] == UInt8(ascii: "]") {
                i += 1
                skipSpace()
                guard i == bytes.count else { throw Malformed(offset: i, message: "trailing characters after the array") }
                return ranges
            }
            i += 1  // the comma
        }
    }
}
