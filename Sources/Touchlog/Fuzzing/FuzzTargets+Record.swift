extension FuzzTargets {
    /// One stored record's bytes through ``RecordCodec``, twice: as given (so the checksum
    /// decides, as it does for a damaged data file), and with its checksum corrected, so that
    /// random bytes get past the checksum to the header, string, block and payload decoding
    /// behind it.
    ///
    /// Properties: a record that decodes as given carries the checksum of its bytes; the header,
    /// identity and full decodes agree; decoding without the JSON gives the same event; and the
    /// record written back from what was decoded decodes again and writes back to the same bytes
    /// (a fixed point after one round: bytes the encoder never writes, such as the reserved
    /// field or invalid UTF-8 in a string, may be normalised once, never changed again).
    static func checkRecord(_ input: UnsafeRawBufferPointer, _ problems: inout Problems) {
        if let stored = try? RecordCodec.decode(input, position: 1) {
            let storedChecksum = input.loadUnaligned(fromByteOffset: RecordCodec.checksumOffset, as: UInt64.self)
            let actual = XXHash64.hash(UnsafeRawBufferPointer(rebasing: input[RecordCodec.checksummedFrom...]))
            problems.expect(UInt64(littleEndian: storedChecksum) == actual, "a record with a wrong checksum decoded")
            _ = stored
        }
        guard input.count >= RecordCodec.checksummedFrom else {
            problems.expect((try? RecordCodec.header(of: input)) == nil, "a record shorter than its checksum decoded")
            return
        }
        var patched = Array(input)
        let checksum = patched.withUnsafeBytes {
            XXHash64.hash(UnsafeRawBufferPointer(rebasing: $0[RecordCodec.checksummedFrom...]))
        }
        withUnsafeBytes(of: checksum.littleEndian) { raw in
            for i in 0..<8 { patched[RecordCodec.checksumOffset + i] = raw[i] }
        }
        patched.withUnsafeBytes { bytes in checkChecksummedRecord(bytes, &problems) }
    }

    /// The properties of a record whose checksum is right.
    private static func checkChecksummedRecord(_ bytes: UnsafeRawBufferPointer, _ problems: inout Problems) {
        let stored: StoredEvent
        let header: RecordHeader
        do {
            header = try RecordCodec.header(of: bytes)
            stored = try RecordCodec.decode(bytes, position: 42)
        } catch {
            problems.expect(!error.reason.isEmpty, "record damage without a reason")
            return
        }
        problems.expect(stored.position == 42, "the decoded record has another position")
        problems.expect(stored.event.type == header.type, "the header and the payload disagree on the type")
        problems.expect(stored.event.time == header.time, "the header and the event disagree on the time")
        do {
            let identity = try RecordCodec.identity(of: bytes)
            problems.expect(
                identity.subject == stored.event.subject && identity.source == stored.event.source && identity.id == stored.event.id,
                "the identity read and the full decode disagree"
            )
            let withoutJSON = try RecordCodec.decode(bytes, position: 42, includingJSON: false)
            problems.expect(withoutJSON.json.isEmpty, "a decode without the JSON returned JSON")
            problems.expect(sameEncoding(withoutJSON.event, stored.event), "a decode without the JSON gives another event")
        } catch {
            problems.list.append("a record that decodes fails a partial decode: \(error)")
        }

        let once = RecordCodec.encode(
            DecodedEvent(event: stored.event, json: stored.json), recordedAt: header.recordedAt,
            previousOfCustomer: header.previousOfCustomer
        )
        once.withUnsafeBytes { onceBytes in
            do {
                let again = try RecordCodec.decode(onceBytes, position: 42)
                let twice = RecordCodec.encode(
                    DecodedEvent(event: again.event, json: again.json), recordedAt: again.recordedAt,
                    previousOfCustomer: try RecordCodec.header(of: onceBytes).previousOfCustomer
                )
                problems.expect(twice == once, "re-encoding a decoded record is not a fixed point")
            } catch {
                problems.list.append("the record written back from a decoded record does not decode: \(error)")
            }
        }
    }

    /// Events compared by their stored form, which compares doubles by their bits (a record may
    /// hold NaN, which `==` never equals).
    private static func sameEncoding(_ a: TouchEvent, _ b: TouchEvent) -> Bool {
        PayloadCodec.encode(a.payload).bytes == PayloadCodec.encode(b.payload).bytes
            && a.id == b.id && a.source == b.source && a.subject == b.subject && a.time == b.time
    }
}
