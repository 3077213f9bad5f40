extension Simulator {
    /// The customer's purchase process fires (seasonal Poisson): a purchase with its follow-ups
    /// (survey, complaint, dropout).
    func firePurchase(_ c: inout Customer, number: Int, at candidate: Int64, sink: inout EventSink) {
        guard c.status == .active else { return }
        let day = timeline.day(of: candidate)
        let forced = c.forcedPurchase
        c.forcedPurchase = false
        defer {
            if c.status == .active {
                c[timer: .purchase] = timeline.purchases.next(after: candidate, rate: c.purchaseRate, rng: &c.rng)
            }
        }

        // Channel: mostly the customer's own, otherwise the regional mix; stores keep hours.
        var channel = c.rng.chance(0.6) ? Int(c.primaryChannel) : c.rng.pick(Catalog.purchaseChannelMix[Int(c.region)])
        if channel == Simulator.channelStore && !timeline.storeOpen[day] {
            channel = c.rng.chance(0.4) ? Simulator.channelApp : Simulator.channelOnline
        }
        if channel == Simulator.channelPhone && timeline.weekday[day] == 6 { channel = Simulator.channelOnline }

        let time = forced
            ? min(candidate, Int64(day + 1) * Simulator.day - 1)
            : self.time(onDay: day, hours: purchaseHours(channel), customer: &c)
        channel = Simulator.channelOpen(channel, at: time)

        // Often a visit (web session, store check-in, app session, the call itself) just before.
        if c.rng.chance(Simulator.visitBeforePurchase[channel]) {
            let dayStart = Int64(day) * Simulator.day
            let visitTime = max(dayStart, c.signupAt + 1, time - 60 - Int64(c.rng.below(45 * 60)))
            emitVisit(&c, number: number, channel: Simulator.visitChannelOfPurchaseChannel[channel], at: visitTime, sink: &sink)
        }

        emitPurchase(&c, number: number, channel: channel, day: day, at: time, sink: &sink)
        afterPurchase(&c, channel: channel, day: day, at: time)
    }

    /// Hours of day for a purchase channel (or the visit channel with the same index).
    func purchaseHours(_ channel: Int) -> WeightTable {
        switch channel {
        case Simulator.channelStore: catalog.storeHourTable
        case Simulator.channelApp: catalog.appHourTable
        case Simulator.channelPhone: catalog.officeHourTable
        default: catalog.webHourTable
        }
    }

    private func emitPurchase(_ c: inout Customer, number: Int, channel: Int, day: Int, at time: Int64, sink: inout EventSink) {
        c.purchases += 1
        let source: [UInt8]
        switch channel {
        case Simulator.channelStore:
            // Mostly the home store, sometimes another store of the region.
            let store = c.rng.chance(0.85)
                ? Int(c.storeNumber)
                : Catalog.storeNumber(region: Int(c.region), store: c.rng.below(Catalog.storesPerRegion))
            source = catalog.posSource[store]
        case Simulator.channelApp: source = catalog.appSource[Int(c.device)]
        case Simulator.channelPhone: source = catalog.phoneOrderSource
        case Simulator.channelPartner: source = catalog.partnerSource[c.rng.below(catalog.partnerSource.count)]
        default: source = catalog.webShopSource
        }
        let currency = channel == Simulator.channelPartner && c.rng.chance(0.25) ? 1 + c.rng.below(Catalog.foreignCurrencies.count) : 0
        let itemChance = Simulator.itemDetailChance[channel]

        begin(.purchase, source: source, &c, number: number, at: time, sink: &sink)
        sink.key("orderId")
        sink.buffer.append("\"ORD-")
        sink.buffer.append(int: number, width: 7)
        sink.buffer.append(byte: UInt8(ascii: "-"))
        sink.buffer.append(int: Int(c.purchases), width: 4)
        sink.buffer.append(byte: UInt8(ascii: "\""))

        var subtotal = 0
        if c.rng.chance(itemChance) {
            sink.key("items")
            sink.buffer.append(byte: UInt8(ascii: "["))
            subtotal = writeItems(&c, day: day, sink: &sink)
            sink.buffer.append(byte: UInt8(ascii: "]"))
        } else {
            let category = Catalog.categories[Int(c.favouriteCategories.0)]
            subtotal = max(99, Int(c.rng.logNormal(median: category.medianCents * 2.5, sigma: 0.8)))
        }

        var discount = 0
        let discountChance = timeline.discountChance[day] * (c.isBusiness ? 1.25 : 1)
        if c.rng.chance(discountChance) {
            if c.rng.chance(0.6) {
                discount = subtotal * (5 * (1 + c.rng.below(6))) / 100  // 5-30 %
            } else {
                discount = min(subtotal, [500, 1000, 1500, 2000][c.rng.below(4)])  // voucher
            }
        }
        sink.key("amount")
        sink.buffer.append(cents: max(0, subtotal - discount))
        sink.key("currency")
        sink.buffer.append(catalog.currencyJSON[currency])
        if c.rng.chance(0.96) {
            sink.key("channel")
            sink.buffer.append(Simulator.purchaseChannelJSON[channel])
        }
        if discount > 0 {
            sink.key("discount")
            sink.buffer.append(cents: discount)
        } else if c.rng.chance(0.03) {
            sink.key("discount")
            sink.buffer.append("0")
        }
        sink.end(rng: &c.rng)
    }

    /// Chance of a visit just before a purchase, by purchase channel.
    static let visitBeforePurchase = [0.6, 0.3, 0.6, 0.25, 0.1]
    /// Chance that a purchase lists its items, by channel (partners often send totals only).
    static let itemDetailChance = [0.96, 0.93, 0.96, 0.7, 0.45]
    static let purchaseChannelJSON: [StaticString] = ["\"online\"", "\"store\"", "\"app\"", "\"phone\"", "\"partner\""]

    /// Writes the order lines (array content) and returns the subtotal in cents.
    private func writeItems(_ c: inout Customer, day: Int, sink: inout EventSink) -> Int {
        var subtotal = 0
        var first = true
        let categoryCount = c.rng.chance(0.25) ? 2 : 1
        for n in 0..<categoryCount {
            let category: Int
            let u = c.rng.uniform()
            if n == 0 && u < 0.55 {
                category = Int(c.favouriteCategories.0)
            } else if u < 0.8 {
                category = Int(c.favouriteCategories.1)
            } else {
                category = c.rng.pick(timeline.isQ4[day] ? Catalog.q4CategoryTable : Catalog.categoryTable)
            }
            let info = Catalog.categories[category]
            let span = info.lines.upperBound - info.lines.lowerBound
            let lines = info.lines.lowerBound + min(c.rng.below(span + 1), c.rng.below(span + 1))
            let prices = catalog.skuPrices[category]
            for _ in 0..<lines {
                // Popular SKUs sell more (skewed index).
                let u = c.rng.uniform()
                let sku = Int(Double(prices.count) * u * u * u)
                let quantity = min(info.maxQuantity, 1 + c.rng.geometric(p: 0.6))
                let price = prices[sku]
                subtotal += quantity * price
                if !first { sink.buffer.append(byte: UInt8(ascii: ",")) }
                first = false
                sink.buffer.append("{\"sku\":\"")
                sink.buffer.append(catalog.categoryCode[category])
                sink.buffer.append(byte: UInt8(ascii: "-"))
                sink.buffer.append(int: 10_000 + sku, width: 5)
                sink.buffer.append("\",\"category\":")
                sink.buffer.append(catalog.categoryJSON[category])
                sink.buffer.append(",\"quantity\":")
                sink.buffer.append(int: quantity)
                sink.buffer.append(",\"unitPrice\":")
                sink.buffer.append(cents: price)
                sink.buffer.append(byte: UInt8(ascii: "}"))
            }
        }
        if c.rng.chance(0.01) {
            // A free gift line: unit price 0.
            sink.buffer.append(",{\"sku\":\"PROMO-GIFT-")
            sink.buffer.append(int: 1 + c.rng.below(12), width: 2)
            sink.buffer.append("\",\"category\":\"promo\",\"quantity\":1,\"unitPrice\":0.00}")
        }
        return subtotal
    }

    /// Post-purchase survey, possible complaint, unboxing post, and the dropout draw.
    private func afterPurchase(_ c: inout Customer, channel: Int, day: Int, at time: Int64) {
        if c[timer: .csat] == Customer.never && c.rng.chance(0.27) {
            let surveyDay = day + 1 + c.rng.below(5)
            c[timer: .csat] = self.time(onDay: surveyDay, hours: catalog.webHourTable, customer: &c)
            c.csatChannel = Int8(channel)
        }

        let remote = channel != Simulator.channelStore
        var complaintChance = c.complaintProneness
        if remote && timeline.incident[day] { complaintChance *= 3 }
        if channel == Simulator.channelPartner { complaintChance *= 1.3 }
        if c.canOpenComplaint(at: time) && c.rng.chance(complaintChance) {
            let category: Int
            let u = c.rng.uniform()
            if remote {
                // delivery, product_quality, billing, service, returns, website
                let incident = timeline.incident[day]
                category = u < (incident ? 0.7 : 0.4) ? 0 : u < 0.78 ? 1 : u < 0.86 ? 4 : u < 0.93 ? 2 : u < 0.97 ? 5 : 3
            } else {
                category = u < 0.4 ? 1 : u < 0.72 ? 3 : u < 0.86 ? 2 : 4
            }
            c.pendingComplaintCategory = Int8(category)
            c.pendingComplaintChannel = Int8(remote ? [0, 3, 4, 5, 1][c.rng.below(5)] : (c.rng.chance(0.6) ? 2 : 1))
            let delay = 2 * 3600 + Int64(c.rng.exponential(mean: 3 * 86_400))
            c[timer: .complaintOpen] = time + delay
        }

        if c.socialRate > 0 && c[timer: .socialReaction] == Customer.never && c.rng.chance(0.05) {
            c.socialReactionMood = 0.5
            c[timer: .socialReaction] = time + 1800 + Int64(c.rng.exponential(mean: 20 * 3600))
        }

        var dropout = c.dropout
        if c.hasActiveComplaint(at: time) { dropout *= 2.5 }
        if c.lastResolutionSlow && c.lastResolvedAt != Customer.never && time - c.lastResolvedAt < 90 * Simulator.day {
            dropout *= 1.6
        }
        if c.rng.chance(min(0.9, dropout)) {
            lapse(&c, at: time)
        }
    }
}
