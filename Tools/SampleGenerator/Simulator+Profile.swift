extension Simulator {
    /// The profile written at signup: where the customer lives, who they are, how they came.
    func emitSignupProfile(_ c: inout Customer, number: Int, at time: Int64, sink: inout EventSink) {
        begin(.profileUpdated, source: catalog.profileSource, &c, number: number, at: time, sink: &sink)
        sink.key("attributes")
        sink.buffer.append(byte: UInt8(ascii: "{"))
        sink.resetFirstField()
        writeLocation(c, sink: &sink)
        if c.isBusiness {
            attribute("industry", catalog.industryJSON, c.industry, sink: &sink)
            attribute("size", catalog.sizeJSON, c.size, sink: &sink)
        } else {
            attribute("ageBand", catalog.ageBandJSON, c.ageBand, sink: &sink)
            attribute("gender", catalog.genderJSON, c.gender, sink: &sink)
            attribute("incomeBand", catalog.incomeJSON, c.incomeBand, sink: &sink)
        }
        attribute("acquisitionSource", catalog.acquisitionJSON, c.acquisition, sink: &sink)
        sink.buffer.append(byte: UInt8(ascii: "}"))
        sink.end(rng: &c.rng)
    }

    /// A later change: a move, a new income band or company size, a birthday into the next age
    /// band, or an attribute withdrawn (null).
    func profileChange(_ c: inout Customer, number: Int, at candidate: Int64, sink: inout EventSink) {
        guard c.status == .active else { return }
        c[timer: .profile] = candidate + nextGap(rate: 1.0 / 360.0, rng: &c.rng)
        let day = timeline.day(of: candidate)
        let time = self.time(onDay: day, hours: catalog.webHourTable, customer: &c)

        begin(.profileUpdated, source: catalog.profileSource, &c, number: number, at: time, sink: &sink)
        sink.key("attributes")
        sink.buffer.append(byte: UInt8(ascii: "{"))
        sink.resetFirstField()
        let u = c.rng.uniform()
        if u < 0.35 {
            move(&c)
            writeLocation(c, sink: &sink)
            if !c.isBusiness && c.rng.chance(0.2) {
                c.incomeBand = Int8(c.rng.pick(Catalog.incomeWeights))
                attribute("incomeBand", catalog.incomeJSON, c.incomeBand, sink: &sink)
            }
        } else if c.isBusiness {
            if u < 0.75 {
                let step = c.rng.chance(0.7) ? 1 : -1
                c.size = Int8(min(Catalog.sizes.count - 1, max(0, Int(c.size) + step)))
                attribute("size", catalog.sizeJSON, c.size, sink: &sink)
            } else if u < 0.88 {
                c.industry = Int8(c.rng.below(Catalog.industries.count))
                attribute("industry", catalog.industryJSON, c.industry, sink: &sink)
            } else {
                c.size = -1
                writeNull("size", sink: &sink)
            }
        } else if u < 0.62 || (u < 0.74 && c.ageBand >= 5) {
            if c.incomeBand < 0 {
                c.incomeBand = Int8(c.rng.pick(Catalog.incomeWeights))
            } else {
                let step = c.rng.chance(0.65) ? 1 : -1
                c.incomeBand = Int8(min(Catalog.incomeBands.count - 1, max(0, Int(c.incomeBand) + step)))
            }
            attribute("incomeBand", catalog.incomeJSON, c.incomeBand, sink: &sink)
        } else if u < 0.74 {
            c.ageBand += 1
            attribute("ageBand", catalog.ageBandJSON, c.ageBand, sink: &sink)
        } else if u < 0.86 && c.gender < 0 {
            c.gender = Int8(c.rng.pick(Catalog.genderWeights))
            attribute("gender", catalog.genderJSON, c.gender, sink: &sink)
        } else if c.incomeBand >= 0 {
            c.incomeBand = -1
            writeNull("incomeBand", sink: &sink)
        } else if c.gender >= 0 {
            c.gender = -1
            writeNull("gender", sink: &sink)
        } else {
            c.acquisition = Int8(c.rng.pick(Catalog.acquisitionWeights))
            attribute("acquisitionSource", catalog.acquisitionJSON, c.acquisition, sink: &sink)
        }
        sink.buffer.append(byte: UInt8(ascii: "}"))
        sink.markFieldWritten()
        sink.end(rng: &c.rng)
    }

    /// Moves within the region (new city) or to another region; the home store follows.
    private func move(_ c: inout Customer) {
        var region = Int(c.region)
        if c.rng.chance(0.3) {
            region = (region + 1 + c.rng.below(Catalog.regionNames.count - 1)) % Catalog.regionNames.count
        }
        var city = c.rng.pick(Catalog.cityWeights)
        if region == Int(c.region) && city == Int(c.city) {
            city = (city + 1 + c.rng.below(Catalog.cityNames[region].count - 1)) % Catalog.cityNames[region].count
        }
        c.region = Int8(region)
        c.city = Int8(city)
        c.storeNumber = Int8(Catalog.storeNumber(region: region, store: c.rng.below(Catalog.storesPerRegion)))
    }

    private func writeLocation(_ c: Customer, sink: inout EventSink) {
        sink.key("region")
        sink.buffer.append(catalog.regionJSON[Int(c.region)])
        sink.key("city")
        sink.buffer.append(catalog.cityJSON[Int(c.region)][Int(c.city)])
    }

    /// `"name":"value"` when the attribute is present (index ≥ 0).
    private func attribute(_ name: StaticString, _ values: [[UInt8]], _ index: Int8, sink: inout EventSink) {
        guard index >= 0 else { return }
        sink.key(name)
        sink.buffer.append(values[Int(index)])
    }

    private func writeNull(_ name: StaticString, sink: inout EventSink) {
        sink.key(name)
        sink.buffer.append("null")
    }
}
