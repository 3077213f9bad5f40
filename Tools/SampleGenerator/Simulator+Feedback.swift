extension Simulator {
    // MARK: Surveys

    /// The start of a quarterly NPS campaign: the customer may be invited and answer within weeks.
    func npsCampaign(_ c: inout Customer, at time: Int64) {
        let index = Int(c.npsCampaign)
        let next = index + 1
        if next < timeline.campaigns.count {
            c.npsCampaign = Int16(next)
            c[timer: .npsCheck] = Int64(timeline.campaigns[next].day) * Simulator.day
        }
        let answers: Double
        switch c.status {
        case .active: answers = c.isBusiness ? 0.2 : 0.27
        case .lapsed: answers = time - c.lapsedAt < 365 * Simulator.day ? 0.08 : 0
        case .prospect: answers = 0
        }
        guard c.rng.chance(answers) else { return }
        let day = timeline.campaigns[index].day + min(20, Int(c.rng.exponential(mean: 3)))
        guard day < timeline.dayCount else { return }
        c.npsResponseCampaign = Int16(index)
        c[timer: .npsResponse] = self.time(onDay: day, hours: catalog.webHourTable, customer: &c)
    }

    func npsResponse(_ c: inout Customer, number: Int, at time: Int64, sink: inout EventSink) {
        let x = mood(c, at: time) + 0.8 * c.rng.normal()
        let score = min(10, max(0, Int((7.2 + 1.9 * x).rounded())))
        let campaign = timeline.campaigns[Int(c.npsResponseCampaign)]
        begin(.survey, source: campaign.source, &c, number: number, at: time, sink: &sink)
        sink.key("surveyId")
        sink.buffer.append(byte: UInt8(ascii: "\""))
        sink.buffer.append(campaign.surveyId)
        sink.buffer.append("\",\"metric\":\"nps\",\"score\":")
        sink.buffer.append(int: score)
        let band = score <= 6 ? 0 : score <= 8 ? 1 : 2
        writeComment(&c, pool: catalog.npsComments[band], chance: [0.45, 0.2, 0.3][band], sink: &sink)
        sink.end(rng: &c.rng)
    }

    /// The post-purchase satisfaction survey.
    func csatResponse(_ c: inout Customer, number: Int, at time: Int64, sink: inout EventSink) {
        var x = mood(c, at: time) + 0.7 * c.rng.normal()
        if c.csatChannel == Int8(Simulator.channelPartner) { x -= 0.3 }
        let score = min(5, max(1, Int((3.9 + 0.9 * x).rounded())))
        begin(.survey, source: catalog.csatSource, &c, number: number, at: time, sink: &sink)
        sink.key("surveyId")
        sink.buffer.append("\"csat-post-purchase\",\"metric\":\"csat\",\"score\":")
        sink.buffer.append(int: score)
        let band = score <= 2 ? 0 : score == 3 ? 1 : 2
        writeComment(&c, pool: catalog.npsComments[band], chance: [0.4, 0.15, 0.2][band], sink: &sink)
        sink.end(rng: &c.rng)
    }

    /// The effort survey after a complaint was resolved (7-point agreement with "it was easy":
    /// higher is better); slow resolutions feel hard.
    func cesResponse(_ c: inout Customer, number: Int, at time: Int64, sink: inout EventSink) {
        let x = 0.5 * mood(c, at: time) + (c.lastResolutionSlow ? -1.2 : 0.6) + 0.8 * c.rng.normal()
        let score = min(7, max(1, Int((4.8 + 1.3 * x).rounded())))
        begin(.survey, source: catalog.cesSource, &c, number: number, at: time, sink: &sink)
        sink.key("surveyId")
        sink.buffer.append("\"ces-support\",\"metric\":\"ces\",\"score\":")
        sink.buffer.append(int: score)
        writeComment(&c, pool: catalog.cesComments[score <= 3 ? 0 : 1], chance: 0.35, sink: &sink)
        sink.end(rng: &c.rng)
    }

    /// Optionally writes a `comment` field after the score: mostly a short sentence from `pool`,
    /// rarely empty, rarely a long multi-sentence text (up to ~3,900 bytes).
    private func writeComment(_ c: inout Customer, pool: [[UInt8]], chance: Double, sink: inout EventSink) {
        guard c.rng.chance(chance) else { return }
        sink.buffer.append(",\"comment\":\"")
        let kind = c.rng.uniform()
        if kind < 0.005 {
            // empty comment
        } else if kind < 0.015 {
            let target = 400 + c.rng.below(3_400)
            var length = 0
            while true {
                let sentence = pool[c.rng.below(pool.count)]
                if length + sentence.count + 1 > target { break }
                if length > 0 { sink.buffer.append(byte: UInt8(ascii: " ")) }
                sink.buffer.append(sentence)
                length += sentence.count + 1
            }
        } else {
            sink.buffer.append(pool[c.rng.below(pool.count)])
        }
        sink.buffer.append(byte: UInt8(ascii: "\""))
    }

    // MARK: Complaints

    func openComplaint(_ c: inout Customer, number: Int, at time: Int64, sink: inout EventSink) {
        guard c[timer: .complaintResolve] == Customer.never, !c.hasActiveComplaint(at: time) else { return }
        c.complaints += 1
        let category = Int(c.pendingComplaintCategory)
        var severity = c.rng.pick(Catalog.severityWeights)
        if category == 0 && timeline.incident[timeline.day(of: time)] && severity == 0 && c.rng.chance(0.5) {
            severity = 1
        }
        c.complaintSeverity = Int8(severity)
        c.complaintCategory = Int8(category)
        c.complaintChannel = c.pendingComplaintChannel
        c.complaintOpenSince = time

        begin(.complaint, source: catalog.complaintSource, &c, number: number, at: time, sink: &sink)
        writeComplaintID(&c, number: number, sink: &sink)
        sink.buffer.append(",\"status\":\"opened\"")
        if c.rng.chance(0.95) {
            sink.key("category")
            sink.buffer.append(catalog.complaintCategoryJSON[category])
        }
        if c.rng.chance(0.9) {
            sink.key("severity")
            sink.buffer.append(catalog.severityJSON[severity])
        }
        if c.rng.chance(0.85) {
            sink.key("channel")
            sink.buffer.append(catalog.complaintChannelJSON[Int(c.complaintChannel)])
        }
        sink.end(rng: &c.rng)

        // Most complaints get resolved; urgent ones faster. Some stay open for good.
        let resolves = [0.70, 0.82, 0.92][severity] * (c.status == .lapsed ? 0.9 : 1)
        if c.rng.chance(resolves) {
            let median = [90.0, 48.0, 20.0][severity] * 3600
            let delay = max(900, Int64(c.rng.logNormal(median: median, sigma: 0.9)))
            c[timer: .complaintResolve] = officeTime(time + delay)
        }
        let reacts = c.socialRate > 0 ? 0.35 : 0.06
        if c[timer: .socialReaction] == Customer.never && c.rng.chance(reacts) {
            c.socialReactionMood = -0.9
            c[timer: .socialReaction] = time + 600 + Int64(c.rng.exponential(mean: 8 * 3600))
        }
    }

    func resolveComplaint(_ c: inout Customer, number: Int, at time: Int64, sink: inout EventSink) {
        guard c.hasOpenComplaint else { return }
        begin(.complaint, source: catalog.complaintSource, &c, number: number, at: time, sink: &sink)
        writeComplaintID(&c, number: number, sink: &sink)
        sink.buffer.append(",\"status\":\"resolved\"")
        if c.rng.chance(0.7) {
            sink.key("category")
            sink.buffer.append(catalog.complaintCategoryJSON[Int(c.complaintCategory)])
        }
        if c.rng.chance(0.5) {
            sink.key("severity")
            sink.buffer.append(catalog.severityJSON[Int(c.complaintSeverity)])
        }
        if c.rng.chance(0.6) {
            sink.key("channel")
            sink.buffer.append(catalog.complaintChannelJSON[Int(c.complaintChannel)])
        }
        sink.end(rng: &c.rng)

        c.lastResolutionSlow = time - c.complaintOpenSince > 5 * Simulator.day
        c.lastResolvedAt = time
        c.complaintOpenSince = Customer.never
        if c.rng.chance(0.4) {
            c[timer: .ces] = time + 1800 + Int64(c.rng.exponential(mean: 18 * 3600))
        }
    }

    private func writeComplaintID(_ c: inout Customer, number: Int, sink: inout EventSink) {
        sink.key("complaintId")
        sink.buffer.append("\"CMP-")
        sink.buffer.append(int: number, width: 7)
        sink.buffer.append(byte: UInt8(ascii: "-"))
        sink.buffer.append(int: Int(c.complaints), width: 2)
        sink.buffer.append(byte: UInt8(ascii: "\""))
    }

    /// Moves a time at night (before 07:00 or from 21:00) to the next morning's office hours.
    private func officeTime(_ time: Int64) -> Int64 {
        let day = time / Simulator.day
        let second = time % Simulator.day
        if second < 7 * 3600 { return day * Simulator.day + 7 * 3600 + second % 7200 }
        if second >= 21 * 3600 { return (day + 1) * Simulator.day + 7 * 3600 + second % 7200 }
        return time
    }
}
