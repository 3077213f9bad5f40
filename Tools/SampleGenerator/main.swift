/// touchlog-sample — deterministic sample data for Touchlog.
///
/// ## Usage
/// ```
/// touchlog-sample --customers N --seed S [--start 2024-01-01] [--end 2025-12-31] [--out FILE]
///                 [--late-rate 0.02] [--resend-rate 0.003]
///
/// swift build --product touchlog-sample -c release
/// .build/release/touchlog-sample --customers 1000 --seed 42 > sample.ndjson
/// .build/release/touchlog-sample --customers 100000 --seed 7 --out big.ndjson   # ~3.5M events
/// ```
/// Writes NDJSON, one CloudEvents 1.0 event per line (the envelope of DESIGN.md, "Events"), to
/// standard output or `--out`, and a one-line summary (events, customers, late events, re-sends)
/// to standard error. The same arguments give byte-identical output on any machine: all randomness
/// comes from xoshiro256** seeded by `--seed` (one stream per customer), with no libm, clock,
/// locale or system RNG involved.
///
/// ## What the data looks like
/// - Customers (`cust-0000001`, numbered in sign-up order) sign up over the window, more early
///   on. Each has a latent purchase rate (gamma heterogeneity) and a dropout probability (beta);
///   after each purchase they may lapse for good (BG/NBD), after which their touches fade out.
/// - Mix: ~35% purchases, ~35% visits, ~12% surveys (quarterly NPS campaigns, post-purchase CSAT,
///   CES after complaint resolution), ~8% social mentions, ~5% complaints (opened, mostly resolved
///   later with the same `complaintId`), ~5% profile updates (one at sign-up, then moves, income
///   changes, withdrawn attributes as `null`).
/// - Seasonality (November-December peak with Black Friday, summer dip), weekday pattern, stores
///   closed on Sundays and holidays, per-channel times of day; five regions with different channel
///   mixes; eight product categories with their own price levels; discounts and vouchers.
/// - Satisfaction is latent and correlates with behaviour: open complaints and slow resolutions
///   lower NPS/CSAT/sentiment; customers likely to lapse are more often detractors; a delivery
///   incident in the second summer raises complaints and lowers scores.
/// - Arrival order: events come out in event-time order, except ~2% delivered 1-30 days late and
///   ~0.3% sent twice (identical bytes, seconds to hours later).
///
/// The generator works day by day over per-customer state, so memory stays bounded (about
/// 300 bytes per customer plus one day of events) however many events are written.
import ArgumentParser

SampleCommand.main()
