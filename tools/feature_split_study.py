#!/usr/bin/env python3
"""Study: does a split of each class's penultimate features fix what the default scan misses?

Reads the finished default and unlifted scans that tools/detection_lab.py left under --work, computes each
scan set's penultimate features (the global-average-pool output) with the models' PyTorch weights, and
judges every set again by the feature-split rule below, against the default as it was. Nothing is scanned.

The rule, per class (by training label): standardise the class's features, project them on their first
10 principal components, split them in 2 by k-means (scikit-learn, 10 starts, seed 0) and measure the
split's silhouette s_c. Then, for the scan:
  every class splits   the median s_c is at least EVERY (0.35): an all-to-all pattern, where each class
                       holds poisons drawn from another. No target class is named (the default's lift is
                       undone), and the suspicion becomes U/sd(U) + m/sd(m): U the default's unlifted
                       suspicion, m each sample's margin towards the smaller cluster of its class (distance
                       to the larger centre minus distance to the smaller, over its class's spread).
  one class splits     only when the default names no target: the class with the largest s_c is named
                       when its robust z among the classes (median, 1.4826·MAD) is at least Z (3), and its
                       samples' suspicion is lifted by sd(U), as the default's lift does.
  otherwise            the default, unchanged.

Writes a markdown table (AUROC of the default and of the rule per set, the target each names) and, with
--write-readme, puts it between the `--table` markers of onnx-models/README.md.

Usage: /usr/bin/python3 tools/feature_split_study.py --models DIR --work LABDIR [--table NAME --write-readme]
"""
import argparse
import csv
import json
import os
import sys

import numpy as np
import torch
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import roc_auc_score, silhouette_score

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from detection_lab import MODELS, scan_sets, target_mark, write_readme_table  # noqa: E402
from train_backdoor import ATTACKS, MobileCnn  # noqa: E402
from train_fmnist_cnn import SmallCnn  # noqa: E402

COMPONENTS = 10
EVERY = 0.35
Z = 3.0


def features(models, name):
    """Penultimate features [n, d] of a scan set's images under the PyTorch weights of its model."""
    onnx_name = "fmnist-cnn-clean" if name == "clean" else f"fmnist-{name}"
    weights = os.path.join(models, "pytorch", onnx_name + ".pt")
    if not os.path.exists(weights):  # retrained seeds scan their new clean images with the shipped clean model
        weights = os.path.join(MODELS, "pytorch", onnx_name + ".pt")
    net = MobileCnn() if name in ATTACKS and ATTACKS[name].architecture == "mobile" else SmallCnn()
    net.load_state_dict(torch.load(weights))
    net.eval()
    images = np.load(os.path.join(models, "scansets", f"{name}-images.npy"))
    x = torch.tensor(images, dtype=torch.float32)[:, None] / 255
    with torch.no_grad():
        return torch.flatten(net.pool(net.features(x)), 1).numpy().astype(np.float64)


def class_splits(feats, labels):
    """Per class: its 2-means silhouette; per sample: its margin towards its class's smaller cluster."""
    classes = np.unique(labels)
    silhouette = {}
    margin = np.zeros(len(feats))
    for c in classes:
        idx = np.where(labels == c)[0]
        x = feats[idx]
        x = (x - x.mean(0)) / (x.std(0) + 1e-8)
        x = PCA(min(COMPONENTS, x.shape[1], len(idx)), random_state=0).fit_transform(x)
        km = KMeans(2, n_init=10, random_state=0).fit(x)
        silhouette[int(c)] = silhouette_score(x, km.labels_)
        small = np.argmin(np.bincount(km.labels_, minlength=2))
        dist = np.linalg.norm(x[:, None, :] - km.cluster_centers_[None], axis=2)
        m = dist[:, 1 - small] - dist[:, small]
        margin[idx] = m / (m.std() + 1e-12)
    return silhouette, margin


def rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def judge(work, models, name):
    """The default's and the rule's suspicion, targets and the split statistics of one scan set."""
    default_rows = rows(os.path.join(work, name, "default", "scores.csv"))
    unlifted = np.array([float(r["suspicion"]) for r in rows(os.path.join(work, name, "unlifted", "scores.csv"))])
    default = np.array([float(r["suspicion"]) for r in default_rows])
    labels = np.array([int(r["label"]) for r in default_rows])
    truth = np.array([int(r["poisoned"]) for r in default_rows]) if "poisoned" in default_rows[0] else None
    summary = json.load(open(os.path.join(work, name, "default", "summary.json")))["summary"]
    named = (summary.get("suspectedTarget") or {}).get("class", {}).get("class")
    silhouette, margin = class_splits(features(models, name), labels)
    s = np.array(list(silhouette.values()))
    median = np.median(s)
    mad = 1.4826 * np.median(np.abs(s - median))
    top = max(silhouette, key=silhouette.get)
    z = (silhouette[top] - median) / mad if mad > 0 else np.inf
    if median >= EVERY:
        rule, target, regime = unlifted / unlifted.std(ddof=1) + margin / margin.std(ddof=1), None, "every class splits"
    elif named is None and z >= Z:
        rule, target, regime = unlifted + unlifted.std(ddof=1) * (labels == top), top, "one class splits"
    else:
        rule, target, regime = default, named, "default"
    return dict(default=default, rule=rule, truth=truth, named=named, target=target, regime=regime,
                median=median, top=top, z=z)


def auroc(truth, score):
    return roc_auc_score(truth, score) if truth is not None and 0 < truth.sum() < len(truth) else None


def summary_line(what, values):
    a = np.array(values)
    return f"{what}: mean {a.mean():.3f}, lowest {a.min():.3f}, ≥ 0.95 on {(a >= 0.95).sum()} of {len(a)}, ≥ 0.90 on {(a >= 0.90).sum()}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default=MODELS, help="the models folder (manifest.json, pytorch/, scansets/)")
    parser.add_argument("--work", required=True, help="detection_lab.py's --work folder, with default and unlifted scans")
    parser.add_argument("--table", help="the README markers to write between (feature-split-seedN); needed with --write-readme")
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args()
    if args.write_readme and not args.table:
        parser.error("--write-readme needs --table, the name of the README markers to write between")
    lines = ["| scan set | median split silhouette | largest (class, robust z) | regime | default AUROC | feature split AUROC | default target (true) | feature split target (true) |",
             "|---|---|---|---|---|---|---|---|"]
    sets = scan_sets(args.models)
    before, after, right_before, right_after = [], [], 0, 0
    fmt = lambda a: "—" if a is None else f"{a:.3f}"
    for name, _, true in sets:
        j = judge(args.work, args.models, name)
        a0, a1 = auroc(j["truth"], j["default"]), auroc(j["truth"], j["rule"])
        if a0 is not None:
            before.append(a0)
            after.append(a1)
        right_before += j["named"] == true
        right_after += j["target"] == true
        lines.append(f"| {name} | {j['median']:.2f} | {j['top']}, {j['z']:+.1f} | {j['regime']} | {fmt(a0)} | {fmt(a1)} | "
                     f"{target_mark(j['named'], true)} | {target_mark(j['target'], true)} |")
    lines += ["", summary_line("Default AUROC", before) + ".", summary_line("Feature split AUROC", after) + ".",
              f"Target right (none on all-to-all and the clean model): default {right_before} of {len(sets)}, feature split {right_after} of {len(sets)}."]
    text = "\n".join(lines)
    print(text)
    if args.write_readme:
        write_readme_table(args.table, text)


if __name__ == "__main__":
    main()
