/// Where a view stands, stored in the `checkpoints` database under the projector's name and
/// written in the same transaction as the view itself.
///
/// Each view has two physical databases (slots 0 and 1). The live slot is the one readers use; a
/// rebuild fills the other slot and then makes it live in one transaction.
struct ViewCheckpoint: Equatable {
    static let encodedSize = 26

    /// The slot readers use.
    var liveSlot: UInt8 = 0
    /// The projector version the live slot was built with.
    var version: UInt32 = 0
    /// The log position the live slot reflects.
    var position: UInt64 = 0
    /// A rebuild in progress into the other slot: its version and how far it got (0: none).
    var rebuildVersion: UInt32 = 0
    var rebuildPosition: UInt64 = 0
    var rebuilding: Bool = false

    init() {}

    init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count == Self.encodedSize else { return nil }
        var reader = ByteReader(bytes)
        do {
            liveSlot = try reader.read()
            version = try reader.read()
            position = try reader.read()
            rebuildVersion = try reader.read()
            rebuildPosition = try reader.read()
            rebuilding = try reader.read(UInt8.self) != 0
        } catch {
            return nil
        }
    }

    var encoded: [UInt8] {
        var writer = ByteWriter(capacity: Self.encodedSize)
        writer.write(liveSlot)
        writer.write(version)
        writer.write(position)
        writer.write(rebuildVersion)
        writer.write(rebuildPosition)
        writer.write(UInt8(rebuilding ? 1 : 0))
        return writer.bytes
    }
}
