"""Side by side: touchlog's BG/NBD and Gamma-Gamma fits against lifetimes 0.11.3 on CDNOW.

    python compare_models.py CDNOW_master.txt CAL_END HOLDOUT_END fit.json customers.ndjson [fit.json ...]

fit.json is `touchlog model fit --json` output (one or more runs: the median fit time counts),
customers.ndjson its --customers file. lifetimes gets the same weekly summaries (freq='W',
transactions up to CAL_END, observation_period_end=CAL_END; the holdout counts and length are
checked against calibration_and_holdout_data), fits BetaGeoFitter and
GammaGammaFitter (median time of three fits each), and predicts per customer. Criteria:
parameters within 1%, per-customer P(alive) and expected purchases within 1e-3, the BG/NBD
fit at least 10 times faster. Prints a table; exits 1 if a criterion fails.
"""
import json
import statistics
import sys
import time
import warnings

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import calibration_and_holdout_data, summary_data_from_transaction_data

warnings.simplefilter("ignore")
data, cal_end, holdout_end, customers_path = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[5]
fits = [json.load(open(path)) for path in [sys.argv[4]] + sys.argv[6:]]
fit = fits[0]

frame = pd.read_csv(data, sep=r"\s+", header=None, skiprows=1, dtype={0: str},
                    names=["customer_id", "date", "cds", "dollar_value"])
frame["date"] = pd.to_datetime(frame["date"].astype(str), format="%Y%m%d")
calibration = frame[frame["date"] <= pd.Timestamp(cal_end)]
summary = summary_data_from_transaction_data(
    calibration, "customer_id", "date", monetary_value_col="dollar_value",
    observation_period_end=cal_end, freq="W")

ours = pd.DataFrame([json.loads(line) for line in open(customers_path)])
ours["customer_id"] = ours["customer"].str.removeprefix("cdnow-")
ours = ours.set_index("customer_id").loc[summary.index]

rows, failed = [], 0


def row(measure, touchlog, lifetimes, difference, criterion, ok):
    global failed
    rows.append((measure, touchlog, lifetimes, difference, criterion, "ok" if ok else "FAIL"))
    failed += 0 if ok else 1


same = all(np.array_equal(ours[a].to_numpy(float), summary[b].to_numpy(float)) for a, b in
           [("frequency", "frequency"), ("recency", "recency"), ("T", "T")])
worst_m = float(np.max(np.abs(ours["monetary"].to_numpy(float) - summary["monetary_value"].to_numpy(float))))
row("customers; same x, t_x, T, m", f"{len(ours)}", f"{len(summary)}", f"m {worst_m:.1e}", "identical", same and worst_m < 1e-9)


def timed(make):
    times, fitted = [], None
    for _ in range(3):
        started = time.perf_counter()
        fitted = make()
        times.append(time.perf_counter() - started)
    return fitted, statistics.median(times)


bgf, bgf_time = timed(lambda: BetaGeoFitter(penalizer_coef=0.0).fit(summary["frequency"], summary["recency"], summary["T"]))
repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
ggf, ggf_time = timed(lambda: GammaGammaFitter(penalizer_coef=0.0).fit(repeat["frequency"], repeat["monetary_value"]))

for name in ["r", "alpha", "a", "b"]:
    mine, theirs = fit["bgnbd"][name], bgf.params_[name]
    relative = abs(mine - theirs) / abs(theirs)
    row(f"BG/NBD {name}", f"{mine:.6f}", f"{theirs:.6f}", f"{relative:.1e} rel", "≤ 1%", relative <= 0.01)
for name in ["p", "q", "v"]:
    mine, theirs = fit["gammaGamma"][name], ggf.params_[name]
    relative = abs(mine - theirs) / abs(theirs)
    row(f"Gamma-Gamma {name}", f"{mine:.6f}", f"{theirs:.6f}", f"{relative:.1e} rel", "≤ 1%", relative <= 0.01)

x, tx, T = summary["frequency"], summary["recency"], summary["T"]
alive = bgf.conditional_probability_alive(x, tx, T)
worst = float(np.max(np.abs(ours["pAlive"].to_numpy(float) - alive)))
row("P(alive), every customer", f"mean {ours['pAlive'].mean():.6f}", f"mean {alive.mean():.6f}", f"max {worst:.1e}", "≤ 1e-3", worst <= 1e-3)

periods = fit["predictionPeriods"]
expected = bgf.conditional_expected_number_of_purchases_up_to_time(periods, x, tx, T).to_numpy(float)
worst = float(np.max(np.abs(ours["expectedPurchases"].to_numpy(float) - expected)))
row(f"E[purchases next {periods:g} weeks]", f"sum {ours['expectedPurchases'].sum():.2f}", f"sum {expected.sum():.2f}",
    f"max {worst:.1e}", "≤ 1e-3", worst <= 1e-3)

clv = ggf.customer_lifetime_value(bgf, x, tx, T, summary["monetary_value"], time=12, discount_rate=0.01, freq="W").to_numpy(float)
relative = float(np.max(np.abs(ours["clv"].to_numpy(float) - clv) / np.maximum(1.0, np.abs(clv))))
row("CLV 12 months at 1%", f"sum {ours['clv'].sum():.0f}", f"sum {clv.sum():.0f}", f"max {relative:.1e} rel", "(shown)", True)

# Holdout as lifetimes' calibration_and_holdout_data splits it (weekly).
split = calibration_and_holdout_data(frame, "customer_id", "date", calibration_period_end=cal_end,
                                     observation_period_end=holdout_end, freq="W").loc[summary.index]
actual = split["frequency_holdout"].to_numpy(int)
same_holdout = (np.array_equal(actual, ours["holdoutPurchases"].to_numpy(int))
                and np.array_equal(split["frequency_cal"].to_numpy(float), x.to_numpy(float))
                and np.array_equal(split["T_cal"].to_numpy(float), T.to_numpy(float))
                and float(split["duration_holdout"].iloc[0]) == fit["holdout"]["periods"])
row("holdout repeat purchases", f"{int(ours['holdoutPurchases'].sum())}", f"{int(actual.sum())}",
    "per customer" if same_holdout else "differ", "identical", same_holdout)
row("holdout predicted", f"{fit['holdout']['predicted']:.1f}", f"{expected.sum():.1f}", f"{abs(fit['holdout']['predicted'] - expected.sum()):.1e}",
    "(shown)", True)

ours_time = statistics.median(f["bgnbd"]["optimization"]["seconds"] for f in fits)
ours_gg = statistics.median(f["gammaGamma"]["optimization"]["seconds"] for f in fits)
row("BG/NBD fit time (s)", f"{ours_time:.4f}", f"{bgf_time:.4f}", f"{bgf_time / ours_time:.0f}× faster", "≥ 10×", bgf_time / ours_time >= 10)
row("Gamma-Gamma fit time (s)", f"{ours_gg:.4f}", f"{ggf_time:.4f}", f"{ggf_time / ours_gg:.0f}× faster", "(shown)", True)
summary_time = statistics.median(f["summarySeconds"] for f in fits)
row("touchlog summaries from LMDB (s)", f"{summary_time:.4f}", "-", "", "(shown)", True)

widths = [max(len(str(r[i])) for r in rows + [("MEASURE", "TOUCHLOG", "LIFETIMES", "DIFFERENCE", "CRITERION", "")]) for i in range(6)]
print("  ".join(h.ljust(w) for h, w in zip(("MEASURE", "TOUCHLOG", "LIFETIMES", "DIFFERENCE", "CRITERION", ""), widths)))
for r in rows:
    print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))
print(f"{len(rows) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
