#!/usr/bin/env python3
"""Study: within the class a clean reference names, does distance from the clean images rank the poisons?

The clean-reference rule (tools/feature_split_study.py --reference) names the target class and lifts all its
samples alike, so within that class the CD suspicion alone orders poisons against the class's clean samples;
where their masks look alike (Smooth, Adaptive-Blend, clean label, WaNet, SIG on MobileCnn) that order is
what keeps AUROC below 0.95. The reference images of the named class are clean by construction, so a sample
of that class far from all of them is unlike a clean one.

Per scan set, for the class the reference rule names (nothing changes where it names none, or where every
class splits), in the class's split space (standardised features, first 10 principal components, as the
rule fits them):
  d_i        mean Euclidean distance from sample i to its 5 nearest reference images of the class
  z(v)       robust z within the class: (v − median) / (1.4826 · MAD)
and each variant adds a term to the reference rule's lifted suspicion of the class's samples, in units of
the lift sd(U):
  distance ×w      w · z(d)                              (w = 0.5, 1, 2)
  ratio ×w         w · z(ln(d / d_scan)), d_scan the mean distance to the 5 nearest other scanned samples of
                   the class (a local-density ratio: poisons have poison neighbours but no clean ones)
  rank             the class's samples re-spread over their range of U by the mean of their ranks in U and d

Every seed given is judged (--models and --work in pairs, each --work a tools/detection_lab.py folder with
default and unlifted scans); prints the per-set AUROC of every variant and a summary per seed, and with
--write-readme writes the summary table and the per-set table of --chosen between the `--table` markers.

Usage: /usr/bin/python3 tools/reference_distance_study.py --models DIR --work LAB [--models DIR --work LAB ...]
       [--chosen "distance ×0.5"] [--table NAME --write-readme]
"""
import argparse
import os
import sys

import numpy as np
from scipy.stats import rankdata

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from detection_lab import MODELS, publish, scan_sets  # noqa: E402
from feature_split_study import auroc, clean_reference, judge  # noqa: E402

NEAREST = 5
WEIGHTS = (0.5, 1, 2)
VARIANTS = [f"{kind} ×{w:g}" for kind in ("distance", "ratio") for w in WEIGHTS] + ["rank"]
REFERENCE_PER_CLASS = 100


def nearest_mean(points, others, k, same=False):
    """Mean distance from each of `points` to its k nearest `others` (itself left out when `same`)."""
    d = np.sort(np.linalg.norm(points[:, None, :] - others[None], axis=2), axis=1)
    return d[:, 1:k + 1].mean(1) if same else d[:, :k].mean(1)


def robust_z(v):
    median = np.median(v)
    return (v - median) / (1.4826 * np.median(np.abs(v - median)) + 1e-12)


def variants(j, reference):
    """Each variant's suspicion for one judged set (`j`: feature_split_study.judge with the reference, whose
    features and split spaces it reuses)."""
    base = j["reference_rule"]
    target = j["reference_target"]
    out = {"reference rule": base}
    if target is None:
        return {**out, **{n: base for n in VARIANTS}}
    labels, unlifted = j["labels"], j["unlifted"]
    idx = np.where(labels == target)[0]
    mean, std, pca = j["spaces"][target]
    scanned, clean = j["features"][idx], j["reference_features"][reference[1] == target]
    x, r = pca.transform((scanned - mean) / std), pca.transform((clean - mean) / std)
    d = nearest_mean(x, r, NEAREST)
    ratio = np.log(d / nearest_mean(x, x, NEAREST, same=True))
    lift = unlifted.std(ddof=1)
    for kind, v in (("distance", d), ("ratio", ratio)):
        for w in WEIGHTS:
            s = base.copy()
            s[idx] += w * lift * robust_z(v)
            out[f"{kind} ×{w:g}"] = s
    s = base.copy()
    u = unlifted[idx]
    s[idx] = u.min() + lift + (rankdata(u) + rankdata(d)) / (2 * len(idx)) * (u.max() - u.min())
    out["rank"] = s
    return out


def summary(aurocs):
    a = np.array(aurocs)
    return f"{a.mean():.3f} / {a.min():.3f} / {(a >= 0.95).sum()} / {(a >= 0.90).sum()}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", action="append", required=True, help="a models folder (manifest.json, pytorch/, scansets/); one per --work")
    parser.add_argument("--work", action="append", required=True, help="its detection_lab.py folder, with default and unlifted scans")
    parser.add_argument("--chosen", default="distance ×0.5", help="the variant whose per-set AUROC the README table lists")
    parser.add_argument("--table", help="the README markers to write between; needed with --write-readme")
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args()
    if len(args.models) != len(args.work):
        parser.error("give --models and --work in pairs")
    if args.write_readme and not args.table:
        parser.error("--write-readme needs --table, the name of the README markers to write between")
    reference = clean_reference(REFERENCE_PER_CLASS)
    per_seed, per_set = [], {}
    for models, work in zip(args.models, args.work):
        seed = os.path.basename(os.path.normpath(models))
        seed = "seed 0 (shipped)" if os.path.samefile(models, MODELS) else seed
        scores = {}
        for name, _, true in scan_sets(models):
            j = judge(work, models, name, reference)
            if auroc(j["truth"], j["reference_rule"]) is None:  # the clean scan: no poison to rank
                continue
            v = variants(j, reference)
            scores[name] = {k: auroc(j["truth"], s) for k, s in v.items()}
            print(f"{seed} {name:12s} target {j['reference_target']} (true {true}) " + " ".join(f"{k} {a:.3f}" for k, a in scores[name].items()), flush=True)
            per_set.setdefault(name, []).append((scores[name]["reference rule"], scores[name][args.chosen]))
        per_seed.append((seed, scores))
    kinds = list(next(iter(per_seed[0][1].values())))
    lines = ["| seed (models) | " + " | ".join(kinds) + " |", "|---|" + "---|" * len(kinds)]
    for seed, scores in per_seed:
        lines.append(f"| {seed} | " + " | ".join(summary([s[k] for s in scores.values()]) for k in kinds) + " |")
    lines += ["", "Each cell: mean AUROC / lowest / sets ≥ 0.95 / sets ≥ 0.90, over the seed's attack sets.", "",
              f"| scan set | {args.chosen}: AUROC on each seed (reference rule) |", "|---|---|"]
    for name, pairs in per_set.items():
        lines.append(f"| {name} | " + ", ".join(f"{c:.3f} ({r:.3f})" for r, c in pairs) + " |")
    publish("\n".join(lines), args.table if args.write_readme else None)


if __name__ == "__main__":
    main()
