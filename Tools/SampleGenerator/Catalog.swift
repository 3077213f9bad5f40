/// The fixed vocabulary of the sample world: regions, cities, stores, channels, product categories
/// and their SKU price lists, attribute values, survey comments and social texts.
///
/// Every string that reaches the output is escaped once, here, into ready-to-write JSON bytes.
struct Catalog {
    // MARK: Regions, cities, stores

    static let regionNames = ["north", "south", "east", "west", "central"]
    static let regionWeights = WeightTable([0.22, 0.24, 0.18, 0.22, 0.14])
    static let cityNames: [[String]] = [
        ["Hamburg", "Bremen", "Kiel", "Lübeck"],
        ["München", "Stuttgart", "Freiburg", "Nürnberg"],
        ["Berlin", "Dresden", "Leipzig", "Rostock"],
        ["Köln", "Düsseldorf", "Münster", "Aachen"],
        ["Frankfurt", "Kassel", "Erfurt", "Würzburg"],
    ]
    static let cityWeights = WeightTable([0.45, 0.25, 0.18, 0.12])
    static let storesPerRegion = 8

    /// Store number (1...99) of store `k` in region `r`: north 001-008, south 011-018, ...
    static func storeNumber(region: Int, store: Int) -> Int {
        region * 10 + store + 1
    }

    /// Purchase channel mix per region: online, store, app, phone, partner.
    static let purchaseChannelMix: [WeightTable] = [
        WeightTable([0.36, 0.38, 0.16, 0.04, 0.06]),  // north
        WeightTable([0.26, 0.48, 0.16, 0.05, 0.05]),  // south
        WeightTable([0.44, 0.24, 0.24, 0.03, 0.05]),  // east
        WeightTable([0.34, 0.34, 0.22, 0.04, 0.06]),  // west
        WeightTable([0.30, 0.42, 0.17, 0.07, 0.04]),  // central
    ]

    // MARK: Customer attributes

    static let ageBands = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
    static let ageBandWeights = WeightTable([0.12, 0.22, 0.21, 0.18, 0.15, 0.12])
    static let genders = ["female", "male", "diverse"]
    static let genderWeights = WeightTable([0.52, 0.46, 0.02])
    static let incomeBands = ["low", "lower-middle", "middle", "upper-middle", "high"]
    static let incomeWeights = WeightTable([0.15, 0.25, 0.30, 0.20, 0.10])
    static let industries = [
        "retail", "hospitality", "construction", "healthcare", "education", "it-services",
        "manufacturing", "logistics",
    ]
    static let sizes = ["1-9", "10-49", "50-249", "250+"]
    static let sizeWeights = WeightTable([0.55, 0.28, 0.12, 0.05])
    static let acquisitionSources = [
        "organic", "paid-search", "social", "referral", "store", "partner", "email", "tv-campaign",
    ]
    static let acquisitionWeights = WeightTable([0.24, 0.20, 0.14, 0.10, 0.17, 0.06, 0.05, 0.04])

    // MARK: Products

    struct Category {
        let name: String
        let code: String
        let medianCents: Double
        let sigma: Double
        let lines: ClosedRange<Int>
        let maxQuantity: Int
        /// Extra weight in November and December (toys, electronics).
        let q4Boost: Double
    }

    static let categories: [Category] = [
        Category(name: "groceries", code: "GRO", medianCents: 399, sigma: 0.7, lines: 2...10, maxQuantity: 4, q4Boost: 1.0),
        Category(name: "apparel", code: "APP", medianCents: 3990, sigma: 0.5, lines: 1...3, maxQuantity: 2, q4Boost: 1.1),
        Category(name: "electronics", code: "ELE", medianCents: 8900, sigma: 1.0, lines: 1...2, maxQuantity: 1, q4Boost: 1.8),
        Category(name: "home", code: "HOM", medianCents: 2990, sigma: 0.8, lines: 1...3, maxQuantity: 2, q4Boost: 1.2),
        Category(name: "beauty", code: "BEA", medianCents: 1290, sigma: 0.5, lines: 1...4, maxQuantity: 3, q4Boost: 1.3),
        Category(name: "books", code: "BOO", medianCents: 1490, sigma: 0.35, lines: 1...3, maxQuantity: 2, q4Boost: 1.4),
        Category(name: "toys", code: "TOY", medianCents: 2490, sigma: 0.6, lines: 1...3, maxQuantity: 2, q4Boost: 2.5),
        Category(name: "sports", code: "SPO", medianCents: 3990, sigma: 0.7, lines: 1...2, maxQuantity: 2, q4Boost: 0.9),
    ]
    static let categoryWeights: [Double] = [0.25, 0.17, 0.10, 0.12, 0.12, 0.09, 0.07, 0.08]
    static let categoryTable = WeightTable(categoryWeights)
    static let categoryPaths: [StaticString] = [
        "groceries", "apparel", "electronics", "home", "beauty", "books", "toys", "sports",
    ]
    static let q4CategoryTable = WeightTable(zip(categoryWeights, categories).map { $0 * $1.q4Boost })
    static let skusPerCategory = 1500

    // MARK: Complaints, social, partners

    static let complaintCategories = [
        "delivery", "product_quality", "billing", "service", "returns", "website",
    ]
    static let complaintChannels = ["email", "phone", "store", "chat", "social", "web-form"]
    static let severities = ["low", "medium", "high"]
    static let severityWeights = WeightTable([0.45, 0.40, 0.15])
    static let platforms = ["twitter", "instagram", "facebook", "reddit", "tiktok"]
    static let platformWeights = WeightTable([0.30, 0.30, 0.20, 0.10, 0.10])
    static let partners = ["partner/amazon-marketplace", "partner/zalando", "partner/otto"]
    static let foreignCurrencies = ["CHF", "GBP", "USD", "PLN"]

    // MARK: Texts

    static let npsDetractorComments = [
        "Delivery took far too long.",
        "Customer service never called back.",
        "Prices went up again, not worth it anymore.",
        "Product broke after two weeks. Très déçu.",
        "Waited 40 minutes on the hotline 😡",
        "They said \"next day delivery\" — it took a week.",
        "Return process is a nightmare.\nStill waiting for my refund.",
        "Der Kundenservice war unfreundlich.",
        "App keeps crashing at checkout",
        "Wrong size delivered twice.",
        "Nobody at the store could answer a simple question.",
    ]
    static let npsPassiveComments = [
        "Okay overall, nothing special.",
        "Good prices, but the website is slow.",
        "Fine. Delivery could be faster.",
        "Decent selection; the store in my area is often crowded.",
        "Ça va. Not bad, not great.",
        "Mostly happy, the app could be better.",
        "Quality is fine\tprices are average.",
    ]
    static let npsPromoterComments = [
        "Great service, fast delivery!",
        "Love the new app 👍",
        "Staff in the store were super helpful — danke!",
        "Always find what I need. Top!",
        "Best prices in town 🎉",
        "Schnelle Lieferung, alles bestens.",
        "Excellent quality, très bien.",
        "Recommended it to all my friends 😊",
        "5/5 would \"shop\" again",
    ]
    static let cesHardComments = [
        "Had to call three times to get this sorted.",
        "Too many forms to fill in.",
        "I had to explain my issue to 4 different agents.",
        "Path Account \\ Orders \\ Returns is impossible to find.",
        "Chatbot loop… never reached a human 🙄",
    ]
    static let cesEasyComments = [
        "Resolved in one call, thanks!",
        "Quick and easy 👍",
        "Chat agent fixed it in minutes.",
        "Refund arrived the next day. Parfait.",
    ]
    /// Social texts by sentiment bucket: very negative ... very positive.
    static let socialTexts: [[String]] = [
        [
            "Worst customer service ever @touchshop 😡 #fail",
            "Still no refund after 3 weeks. Avoid!",
            "@touchshop my order arrived broken. Again.",
            "Never again. \"Express\" delivery my foot.",
        ],
        [
            "Delivery delayed again @touchshop…",
            "Not impressed with the new prices.",
            "Long queues at the store today 😒",
            "Website down during the sale, great timing @touchshop",
        ],
        [
            "Anyone tried the new app from @touchshop?",
            "Picked up an order at the store today.",
            "Sale starts Friday, apparently.",
            "@touchshop do you ship to Österreich?",
        ],
        [
            "Nice haul from @touchshop today",
            "Fast delivery, well packed 📦",
            "Good deals this week #shopping",
            "New store in town looks nice",
        ],
        [
            "Absolutely love @touchshop ❤️ best service!",
            "Customer service sorted everything in 5 min. Chapeau! 🎉",
            "Ordered at 9, delivered by 5. Unglaublich! 🚀",
            "Best shopping experience this year #happy",
        ],
    ]

    // MARK: Times of day (weights per hour 0...23)

    static let storeHours: [Double] = [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 7, 9, 10, 9, 8, 8, 9, 10, 9, 6, 0, 0, 0, 0,
    ]
    static let webHours: [Double] = [
        3, 1.5, 1, 0.5, 0.5, 1, 2, 4, 5, 6, 6, 6, 7, 7, 6, 6, 6, 7, 8, 9, 11, 11, 8, 5,
    ]
    static let appHours: [Double] = [
        2, 1, 0.5, 0.3, 0.3, 1, 3, 7, 8, 5, 4, 5, 8, 7, 5, 5, 6, 8, 8, 7, 8, 9, 7, 4,
    ]
    static let officeHours: [Double] = [
        0, 0, 0, 0, 0, 0, 0, 0, 6, 9, 10, 10, 7, 8, 9, 9, 8, 6, 2, 0, 0, 0, 0, 0,
    ]
    static let socialHours: [Double] = [
        4, 2, 1, 0.5, 0.5, 0.5, 1, 3, 4, 4, 5, 5, 7, 6, 5, 5, 6, 7, 8, 9, 10, 11, 9, 6,
    ]

    // MARK: Pre-escaped JSON bytes (built once)

    let regionJSON: [[UInt8]]
    let cityJSON: [[[UInt8]]]
    let ageBandJSON: [[UInt8]]
    let genderJSON: [[UInt8]]
    let incomeJSON: [[UInt8]]
    let industryJSON: [[UInt8]]
    let sizeJSON: [[UInt8]]
    let acquisitionJSON: [[UInt8]]
    let categoryJSON: [[UInt8]]
    let categoryCode: [[UInt8]]
    let complaintCategoryJSON: [[UInt8]]
    let complaintChannelJSON: [[UInt8]]
    let severityJSON: [[UInt8]]
    let platformJSON: [[UInt8]]
    let currencyJSON: [[UInt8]]
    let npsComments: [[[UInt8]]]  // detractor, passive, promoter (content, no quotes)
    let cesComments: [[[UInt8]]]  // hard, easy
    let socialTextJSON: [[[UInt8]]]
    /// SKU unit prices in cents, per category, fixed for a seed.
    let skuPrices: [[Int]]

    // Sources (JSON string content).
    let posSource: [[UInt8]]  // by store number
    let footfallSource: [[UInt8]]
    let partnerSource: [[UInt8]]
    let webShopSource = Array("web/shop".utf8)
    let webAnalyticsSource = Array("web/analytics".utf8)
    let appSource = [Array("app/ios".utf8), Array("app/android".utf8)]
    let phoneOrderSource = Array("callcenter/orders".utf8)
    let ivrSource = Array("callcenter/ivr".utf8)
    let csatSource = Array("survey/csat-post-purchase".utf8)
    let cesSource = Array("survey/ces-support".utf8)
    let complaintSource = Array("crm/complaints".utf8)
    let socialSource = Array("social/listener".utf8)
    let profileSource = Array("crm/profile".utf8)

    let storeHourTable = WeightTable(Catalog.storeHours)
    let webHourTable = WeightTable(Catalog.webHours)
    let appHourTable = WeightTable(Catalog.appHours)
    let officeHourTable = WeightTable(Catalog.officeHours)
    let socialHourTable = WeightTable(Catalog.socialHours)

    init(seed: UInt64) {
        let quoted = { (list: [String]) in list.map(ByteBuffer.jsonString) }
        let content = { (list: [String]) in list.map(ByteBuffer.jsonContent) }
        regionJSON = quoted(Catalog.regionNames)
        cityJSON = Catalog.cityNames.map(quoted)
        ageBandJSON = quoted(Catalog.ageBands)
        genderJSON = quoted(Catalog.genders)
        incomeJSON = quoted(Catalog.incomeBands)
        industryJSON = quoted(Catalog.industries)
        sizeJSON = quoted(Catalog.sizes)
        acquisitionJSON = quoted(Catalog.acquisitionSources)
        categoryJSON = quoted(Catalog.categories.map(\.name))
        categoryCode = Catalog.categories.map { Array($0.code.utf8) }
        complaintCategoryJSON = quoted(Catalog.complaintCategories)
        complaintChannelJSON = quoted(Catalog.complaintChannels)
        severityJSON = quoted(Catalog.severities)
        platformJSON = quoted(Catalog.platforms)
        currencyJSON = quoted(["EUR"] + Catalog.foreignCurrencies)
        npsComments = [
            content(Catalog.npsDetractorComments), content(Catalog.npsPassiveComments),
            content(Catalog.npsPromoterComments),
        ]
        cesComments = [content(Catalog.cesHardComments), content(Catalog.cesEasyComments)]
        socialTextJSON = Catalog.socialTexts.map(quoted)

        var storeSources = [[UInt8]](repeating: [], count: 100)
        var footfall = [[UInt8]](repeating: [], count: 100)
        for region in 0..<Catalog.regionNames.count {
            for store in 0..<Catalog.storesPerRegion {
                let number = Catalog.storeNumber(region: region, store: store)
                var name = ByteBuffer(capacity: 16)
                name.append(int: number, width: 3)
                storeSources[number] = Array("pos/store-".utf8) + name.array
                footfall[number] = Array("footfall/store-".utf8) + name.array
            }
        }
        posSource = storeSources
        footfallSource = footfall
        partnerSource = Catalog.partners.map { Array($0.utf8) }

        var rng = Xoshiro256(seed: SplitMix64.mix(seed ^ 0x5EED_CA7A_1060_0001))
        let endings = [99, 49, 95, 90, 99, 0]
        skuPrices = Catalog.categories.map { category in
            (0..<Catalog.skusPerCategory).map { _ in
                let euros = rng.logNormal(median: category.medianCents, sigma: category.sigma) / 100
                let whole = Int(euros)
                let ending = endings[rng.below(endings.count)]
                return whole == 0 ? max(19, Int(euros * 100) / 10 * 10 + 9) : whole * 100 + ending
            }
        }
    }
}
