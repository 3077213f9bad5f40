"""Compares touchlog's loyalty views with lifetimes' summary of the same CDNOW file.

    python compare_lifetimes.py CDNOW_master.txt 1997-09-30 loyalty.ndjson

Prints one line per measure (customers compared, largest difference) and a final
'N passed, M failed' line; exits 1 on any mismatch beyond 1e-6.
"""
import json
import sys
import time

import pandas as pd
from lifetimes.utils import summary_data_from_transaction_data

data, as_of, loyalty_path = sys.argv[1:4]
frame = pd.read_csv(data, sep=r"\s+", header=None, skiprows=1, dtype={0: str},
                    names=["customer_id", "date", "cds", "dollar_value"])
frame["date"] = pd.to_datetime(frame["date"].astype(str), format="%Y%m%d")
started = time.time()
summary = summary_data_from_transaction_data(
    frame, "customer_id", "date", monetary_value_col="dollar_value",
    observation_period_end=as_of, freq="D")
print(f"lifetimes: summary of {len(summary)} customers in {time.time() - started:.2f} s")

ours = {}
with open(loyalty_path) as handle:
    for line in handle:
        row = json.loads(line)
        if row["frequency"] is not None:
            ours[row["customer"].removeprefix("cdnow-")] = row

passed = failed = 0
if set(ours) != set(summary.index):
    print(f"FAIL customers: touchlog {len(ours)}, lifetimes {len(summary)}")
    failed += 1
else:
    print(f"ok   customers: {len(ours)} in both")
    passed += 1
for ours_key, theirs_key in [("frequency", "frequency"), ("recency", "recency"), ("T", "T"), ("monetary", "monetary_value")]:
    worst = 0.0
    worst_customer = None
    for customer, row in ours.items():
        if customer not in summary.index:
            continue
        difference = abs(float(row[ours_key]) - float(summary.at[customer, theirs_key]))
        if difference > worst:
            worst, worst_customer = difference, customer
    # touchlog's JSON rounds monetary to cents.
    ok = worst <= (0.005 + 1e-9 if ours_key == "monetary" else 1e-6)
    print(f"{'ok  ' if ok else 'FAIL'} {ours_key}: largest difference {worst:.6g}" + (f" (customer {worst_customer})" if worst_customer else ""))
    passed, failed = (passed + 1, failed) if ok else (passed, failed + 1)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
