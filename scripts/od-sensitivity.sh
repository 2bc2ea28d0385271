#!/bin/sh
# How much the cross-ward flows and the money between wards depend on the
# destinations' distance decay (docs/validation.md, "Destinations against
# the evidence"): for each decay, the model's expected cross-ward share
# overall and by renting ward and its mean ride length (bssim calibrate od
# --decay: exact, from the destination tables of scenarios/tokyo4_full.json),
# and a simulated day of scenarios/tokyo4_settlement.json (20 replications):
# cross-ward trips, the gross settlement (yen a day owed between wards,
# every pair) and each ward's net settlement with its 95 % interval.
#   scripts/od-sensitivity.sh [path/to/bssim]   (DECAYS="300 700 ..." to change)
# Writes docs/od_sensitivity.csv and prints it as a Markdown table.
set -eu
BSSIM=${1:-build/bssim}
DECAYS=${DECAYS:-300 400 700 1000 1080 1500 2500}
OUTCSV=docs/od_sensitivity.csv
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bssim-od-sens.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

for d in $DECAYS; do
	"$BSSIM" calibrate od scenarios/tokyo4_full.json --decay "$d" \
		-o "$tmp/fit-$d.json" -q
	"$BSSIM" run scenarios/tokyo4_settlement.json --set demand.decay_m="$d" \
		-o "$tmp/run-$d" -q
done

python3 - "$tmp" "$OUTCSV" $DECAYS <<'EOF'
import csv, json, sys
tmp, out, decays = sys.argv[1], sys.argv[2], sys.argv[3:]
wards = ["Chiyoda", "Chuo", "Minato", "Koto"]
rows = []
for d in decays:
    fit = json.load(open(f"{tmp}/fit-{d}.json"))
    run = json.load(open(f"{tmp}/run-{d}/summary.json"))
    m = fit["model"]
    row = {"decay_m": d, "cross_share": m["cross_share"],
           "mean_length_m": m["mean_length_m"],
           "balance_residual": m["balance_residual"]}
    for w in wards:
        row[f"cross_{w}"] = m["wards"][w]["cross_share"]
    cw = run["metrics"]["cross_ward_trips"]
    tc = run["metrics"]["trips_completed"]
    row["sim_cross_ward_trips"] = cw["mean"]
    row["sim_cross_share"] = cw["mean"] / tc["mean"]
    s = run["settlement_yen"]
    row["settlement_gross_yen"] = sum(s[a][b] for a in s for b in s[a] if a != b)
    for w in wards:
        n = run["wards"][w]["metrics"]["settlement_net_yen"]
        row[f"net_{w}"] = n["mean"]
        row[f"net_{w}_ci"] = (n["ci95_high"] - n["ci95_low"]) / 2
    rows.append(row)
with open(out, "w", newline="") as f:
    wr = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
    wr.writeheader()
    for r in rows:
        wr.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in r.items()})
print("| decay (m) | cross-ward (exact) | Chiyoda | Chuo | Minato | Koto | mean length (m) "
      "| cross-ward (simulated) | settlement, gross (yen/day) | net Chiyoda | net Chuo | net Minato | net Koto |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    nets = " | ".join(f"{r[f'net_{w}']:+,.0f} ± {r[f'net_{w}_ci']:,.0f}" for w in wards)
    print(f"| {r['decay_m']} | {100*r['cross_share']:.1f} % | "
          + " | ".join(f"{100*r[f'cross_{w}']:.1f} %" for w in wards)
          + f" | {r['mean_length_m']:,.0f} | {100*r['sim_cross_share']:.1f} % "
          f"| {r['settlement_gross_yen']:,.0f} | {nets} |")
EOF
