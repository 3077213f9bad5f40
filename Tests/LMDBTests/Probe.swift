import Testing
import Foundation
@testable import LMDB

@Test func probeDoubleOpen() throws {
    var t = Array("/tmp/probe.XXXXXX".utf8CString)
    let p = t.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    var o = Environment.Options(); o.mapSize = 1 << 20
    let w = try Environment(path: p, options: o)
    let db = try #require(try w.openDatabase("d", flags: .create))
    try w.write { try $0.put(db, key: [1], value: [2]) }
    do {
        var ro = Environment.Options(); ro.readOnly = true
        let r = try Environment(path: p, options: ro)
        let rdb = try #require(try r.openDatabase("d"))
        let v = try r.read { try $0.get(rdb, key: [1]).map(Array.init) }
        print("reader read", v as Any)
        withExtendedLifetime(r) {}
    }
    print("reader closed")
    do {
        try w.write { try $0.put(db, key: [3], value: [4]) }
        print("writer ok after reader closed")
    } catch { print("writer failed:", error) }
    do {
        let n = try w.read { try $0.get(db, key: [1]).map(Array.init) }
        print("writer read ok", n as Any)
    } catch { print("writer read failed:", error) }
}
