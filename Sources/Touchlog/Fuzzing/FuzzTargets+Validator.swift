extension FuzzTargets {
    /// One event's bytes through the parser and the validator.
    ///
    /// Properties: a document the parser accepts writes out compactly to bytes that parse to an
    /// equal value, and canonically to bytes whose canonical form is the same; an event the
    /// validator accepts is accepted the same by ``EventDecoder``, validates to the same event
    /// from its canonical form, and survives its stored record unchanged.
    static func checkValidator(_ input: UnsafeRawBufferPointer, _ problems: inout Problems) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(input)
        } catch {
            problems.expect(error.offset >= 0 && error.offset <= input.count, "syntax error offset \(error.offset) is outside the input")
            problems.expect(!error.message.isEmpty, "syntax error without a message")
            return
        }
        let canonical = value.canonicalBytes()
        var canonicalValue: JSONValue?
        do {
            let reparsed = try JSONParser.parse(canonical)
            canonicalValue = reparsed
            // Objects compare in document order and the canonical form sorts keys: compare canonical bytes.
            problems.expect(reparsed.canonicalBytes() == canonical, "the canonical form is not a fixed point")
        } catch {
            problems.list.append("the canonical form of an accepted document does not parse: \(error)")
        }
        do {
            problems.expect(try JSONParser.parse(value.serialized()) == value, "the compact form parses to a different value")
        } catch {
            problems.list.append("the compact form of an accepted document does not parse: \(error)")
        }

        let event: TouchEvent
        do {
            event = try EventValidator.validate(value, latestAllowedTime: now.adding(seconds: 900))
        } catch {
            problems.expect(!error.rule.isEmpty, "a validation failure without a rule")
            return
        }
        let decoder = EventDecoder(maxEventBytes: .max)
        do {
            let decoded = try decoder.decode(input, location: "input", now: now)
            problems.expect(decoded.event == event, "EventDecoder and EventValidator disagree on the event")
            problems.expect(decoded.json.elementsEqual(input), "EventDecoder did not keep the event's bytes verbatim")
            checkAccepted(decoded, &problems, context: "validated event")
        } catch {
            problems.list.append("EventValidator accepts what EventDecoder rejects: \(error)")
        }
        if let canonicalValue {
            do {
                let again = try EventValidator.validate(canonicalValue, latestAllowedTime: now.adding(seconds: 900))
                problems.expect(
                    attributesSorted(again) == attributesSorted(event), "the canonical form validates to a different event"
                )
            } catch {
                problems.list.append("the canonical form of a valid event is rejected: \(error)")
            }
        }
    }

    /// The event with a profile update's attributes in canonical (UTF-8 byte) order: the
    /// canonical form sorts keys, and the order of distinct attributes in one update carries
    /// no meaning.
    private static func attributesSorted(_ event: TouchEvent) -> TouchEvent {
        guard case .profileUpdated(let update) = event.payload else { return event }
        var sorted = event
        sorted.payload = .profileUpdated(ProfileUpdate(
            attributes: update.attributes.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        ))
        return sorted
    }
}
