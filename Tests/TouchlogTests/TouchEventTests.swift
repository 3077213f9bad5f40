import Testing
import Touchlog

/// `TouchEvent` shares its fields among copies (one box): it must still behave as a value.
struct TouchEventTests {
    static let purchase = TouchEvent(
        id: "0123456789abcdef-long-enough-for-the-heap", source: "pos/store-042", subject: "cust-0000001",
        time: Timestamp(microseconds: 1_700_000_000_000_000),
        payload: .purchase(Purchase(orderId: "order-1", amount: 49.99, currency: "EUR", items: [
            LineItem(sku: "sku-1", category: "books", quantity: 2, unitPrice: 24.995),
        ], channel: .store))
    )

    /// Per field: a change of it, and whether two events agree on it.
    static let fields: [(name: String, change: @Sendable (inout TouchEvent) -> Void, same: @Sendable (TouchEvent, TouchEvent) -> Bool)] = [
        ("id", { $0.id = "other-id" }, { $0.id == $1.id }),
        ("source", { $0.source = "web/shop" }, { $0.source == $1.source }),
        ("subject", { $0.subject = "cust-0000002" }, { $0.subject == $1.subject }),
        ("time", { $0.time = Timestamp(microseconds: 1) }, { $0.time == $1.time }),
        ("payload", { $0.payload = .visit(Visit(channel: .web)) }, { $0.payload == $1.payload }),
    ]

    @Test func settingAFieldOfACopyChangesThatFieldOfTheCopyAlone() {
        for field in Self.fields {
            let original = Self.purchase
            var copy = original
            field.change(&copy)
            #expect(!field.same(copy, original), "\(field.name) was not set")
            #expect(copy != original, "\(field.name)")
            #expect(original == Self.purchase, "\(field.name): the original changed with its copy")
            for other in Self.fields where other.name != field.name {
                #expect(other.same(copy, original), "setting \(field.name) changed \(other.name)")
            }
        }
    }

    @Test func eventsBuiltApartFromEqualFieldsAreEqualAndShowTheirFields() {
        let again = TouchEvent(
            id: Self.purchase.id, source: Self.purchase.source, subject: Self.purchase.subject,
            time: Self.purchase.time, payload: Self.purchase.payload
        )
        #expect(again == Self.purchase)
        var changedBack = again
        changedBack.source = "elsewhere"
        changedBack.source = Self.purchase.source
        #expect(changedBack == Self.purchase)
        #expect(String(describing: again).hasPrefix("TouchEvent(id: \"0123456789abcdef-long-enough-for-the-heap\", source: \"pos/store-042\""))
    }
}
