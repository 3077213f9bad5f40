extension Simulator {
    static let visitChannelJSON: [StaticString] = ["\"web\"", "\"store\"", "\"app\"", "\"call\""]
    static let webPages: [StaticString] = [
        "\"/\"", "\"/search\"", "\"/account/orders\"", "\"/help/returns\"", "\"/offers\"", "\"/basket\"",
    ]
    static let appScreens: [StaticString] = [
        "\"home\"", "\"search\"", "\"product\"", "\"basket\"", "\"orders\"", "\"loyalty-card\"",
    ]

    /// The browsing-visit process fires (seasonal Poisson); visits fade out after lapsing.
    func fireVisit(_ c: inout Customer, number: Int, at candidate: Int64, sink: inout EventSink) {
        var accept = 1.0
        if c.status == .lapsed {
            guard candidate - c.lapsedAt < 45 * Simulator.day else { return }  // no more visits
            accept = 0.2
        }
        c[timer: .visit] = timeline.visits.next(after: candidate, rate: c.visitRate, rng: &c.rng)
        let day = timeline.day(of: candidate)
        guard c.rng.chance(accept) else { return }

        let purchaseChannel = c.rng.chance(0.6)
            ? Int(c.primaryChannel) : c.rng.pick(Catalog.purchaseChannelMix[Int(c.region)])
        var channel = Simulator.visitChannelOfPurchaseChannel[purchaseChannel]
        if channel == 1 && !timeline.storeOpen[day] { channel = 0 }
        if channel == 3 && timeline.weekday[day] == 6 { channel = 0 }
        let time = self.time(onDay: day, hours: purchaseHours(channel), customer: &c)
        // Visit channels web, store, app, call share indices with purchase channels 0-3.
        channel = Simulator.channelOpen(channel, at: time)
        emitVisit(&c, number: number, channel: channel, at: time, sink: &sink)

        // Some calls are complaints.
        if channel == 3 && c.canOpenComplaint(at: time) && c.rng.chance(0.12) {
            c.pendingComplaintCategory = c.rng.chance(0.5) ? 3 : 2  // service or billing
            c.pendingComplaintChannel = 1  // phone
            c[timer: .complaintOpen] = time + 60 + Int64(c.rng.below(600))
        }
    }

    /// Writes a `touch.visit` (channel index: web, store, app, call).
    func emitVisit(_ c: inout Customer, number: Int, channel: Int, at time: Int64, sink: inout EventSink) {
        let source: [UInt8]
        let store = Int(c.storeNumber)
        switch channel {
        case 1: source = catalog.footfallSource[store]
        case 2: source = catalog.appSource[Int(c.device)]
        case 3: source = catalog.ivrSource
        default: source = catalog.webAnalyticsSource
        }
        begin(.visit, source: source, &c, number: number, at: time, sink: &sink)
        sink.key("channel")
        sink.buffer.append(Simulator.visitChannelJSON[channel])
        if channel != 3 && c.rng.chance(0.9) {
            sink.key("location")
            switch channel {
            case 1:
                sink.buffer.append("\"store-")
                sink.buffer.append(int: store, width: 3)
                sink.buffer.append(byte: UInt8(ascii: "\""))
            case 2:
                sink.buffer.append(Simulator.appScreens[c.rng.below(Simulator.appScreens.count)])
            default:
                if c.rng.chance(0.5) {
                    sink.buffer.append("\"/c/")
                    sink.buffer.append(Catalog.categoryPaths[Int(c.favouriteCategories.0)])
                    sink.buffer.append(byte: UInt8(ascii: "\""))
                } else {
                    sink.buffer.append(Simulator.webPages[c.rng.below(Simulator.webPages.count)])
                }
            }
        }
        if c.rng.chance(0.85) {
            let median = [180.0, 1200.0, 120.0, 300.0][channel]
            let sigma = [1.0, 0.6, 0.9, 0.7][channel]
            sink.key("durationSeconds")
            sink.buffer.append(int: Int(c.rng.logNormal(median: median, sigma: sigma)))
        }
        sink.end(rng: &c.rng)
    }

    // MARK: Social mentions

    /// The customer's own posting process fires; posting fades out after lapsing.
    func fireSocial(_ c: inout Customer, number: Int, at candidate: Int64, sink: inout EventSink) {
        if c.status == .lapsed {
            guard candidate - c.lapsedAt < 90 * Simulator.day else { return }
        }
        c[timer: .social] = candidate + nextGap(rate: c.socialRate, rng: &c.rng)
        if c.status == .lapsed && !c.rng.chance(0.25) { return }
        let day = timeline.day(of: candidate)
        let time = self.time(onDay: day, hours: catalog.socialHourTable, customer: &c)
        emitMention(&c, number: number, shift: 0, at: time, sink: &sink)
    }

    /// A mention provoked by a purchase (unboxing) or a complaint.
    func socialReaction(_ c: inout Customer, number: Int, at time: Int64, sink: inout EventSink) {
        emitMention(&c, number: number, shift: c.socialReactionMood, at: time, sink: &sink)
    }

    private func emitMention(_ c: inout Customer, number: Int, shift: Double, at time: Int64, sink: inout EventSink) {
        let platform = c.rng.chance(0.8) ? Int(c.platform) : c.rng.pick(Catalog.platformWeights)
        var sentiment = DetMath.tanh(0.8 * mood(c, at: time) + shift + 0.45 * c.rng.normal())
        sentiment = min(1, max(-1, sentiment))
        let hundredths = Int((sentiment * 100).rounded())
        let bucket = hundredths < -60 ? 0 : hundredths < -20 ? 1 : hundredths < 20 ? 2 : hundredths < 60 ? 3 : 4

        begin(.socialMention, source: catalog.socialSource, &c, number: number, at: time, sink: &sink)
        sink.key("platform")
        sink.buffer.append(catalog.platformJSON[platform])
        if c.rng.chance(0.92) {
            sink.key("text")
            let texts = catalog.socialTextJSON[bucket]
            sink.buffer.append(texts[c.rng.below(texts.count)])
        }
        if c.rng.chance(0.85) {
            sink.key("sentiment")
            sink.buffer.append(cents: hundredths == 0 ? 0 : hundredths)
        }
        if c.rng.chance(0.8) {
            sink.key("reach")
            let reach = c.rng.chance(0.01)
                ? c.rng.logNormal(median: 80_000, sigma: 1.0)
                : c.rng.logNormal(median: 180, sigma: 1.3)
            sink.buffer.append(int: Int(reach))
        }
        if c.rng.chance(0.7) {
            sink.key("url")
            writeURL(&c, number: number, platform: platform, sink: &sink)
        }
        sink.end(rng: &c.rng)
    }

    private func writeURL(_ c: inout Customer, number: Int, platform: Int, sink: inout EventSink) {
        let postID = Int(c.rng.next() >> 4) % 1_000_000_000_000_000_000
        let handle = Int(SplitMix64.mix(UInt64(number) ^ seed) % 100_000_000)
        switch platform {
        case 0:
            sink.buffer.append("\"https://twitter.com/user")
            sink.buffer.append(int: handle)
            sink.buffer.append("/status/")
            sink.buffer.append(int: postID)
        case 1:
            sink.buffer.append("\"https://www.instagram.com/p/")
            sink.buffer.append(hex: UInt64(postID))
            sink.buffer.append(byte: UInt8(ascii: "/"))
        case 2:
            sink.buffer.append("\"https://www.facebook.com/permalink.php?story_fbid=")
            sink.buffer.append(int: postID)
            sink.buffer.append("&id=")
            sink.buffer.append(int: handle)
        case 3:
            sink.buffer.append("\"https://www.reddit.com/r/germany/comments/")
            sink.buffer.append(int: postID % 1_000_000_000)
            sink.buffer.append("/touchshop/")
        default:
            sink.buffer.append("\"https://www.tiktok.com/@user")
            sink.buffer.append(int: handle)
            sink.buffer.append("/video/")
            sink.buffer.append(int: postID)
        }
        sink.buffer.append(byte: UInt8(ascii: "\""))
    }
}
