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

With --reference N, a second rule also uses a trusted clean reference set: N images of each class drawn
from the Fashion-MNIST test set (never trained on; numpy RandomState(0), one permutation per class). Each
class's reference images are standardised and projected as the class's scanned samples were, and go to
the nearer of its two cluster centres. A cluster the reference avoids holds samples unlike clean ones:
  avoidance r_c   the smaller of the two ratios (reference share in cluster k)/(scan share in cluster k)
  excess e_c      how many scanned samples that avoided cluster holds beyond the reference's share of it
Then:
  every class splits   as above (no target; U/sd(U) + m/sd(m)).
  otherwise            the avoided classes are those with r_c < AVOID (0.4); the one with the largest e_c is
                       named (none when no class is avoided, whatever the default named), and its samples'
                       unlifted suspicion U is lifted by sd(U).

Writes a markdown table (AUROC of the default and of the rule per set, the target each names) and, with
--write-readme, puts it between the `--table` markers of onnx-models/README.md.

Usage: /usr/bin/python3 tools/feature_split_study.py --models DIR --work LABDIR [--reference N] [--table NAME --write-readme]
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
from detection_lab import MODELS, publish, scan_sets, target_mark  # noqa: E402
from train_backdoor import ATTACKS, MobileCnn, load, reference_set  # noqa: E402
from train_fmnist_cnn import SmallCnn  # noqa: E402

COMPONENTS = 10
EVERY = 0.35
Z = 3.0
AVOID = 0.4


def network(models, name):
    """The PyTorch network of a scan set's model, in eval mode."""
    onnx_name = "fmnist-cnn-clean" if name == "clean" else f"fmnist-{name}"
    weights = os.path.join(models, "pytorch", onnx_name + ".pt")
    if not os.path.exists(weights):  # retrained seeds scan their new clean images with the shipped clean model
        weights = os.path.join(MODELS, "pytorch", onnx_name + ".pt")
    net = MobileCnn() if name in ATTACKS and ATTACKS[name].architecture == "mobile" else SmallCnn()
    net.load_state_dict(torch.load(weights))
    net.eval()
    return net


def features(models, name, images=None):
    """Penultimate features [n, d] of a scan set's images (or of `images`, uint8 [n, 28, 28]) under the PyTorch weights of its model."""
    net = network(models, name)
    if images is None:
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


def clean_reference(per_class):
    """The trusted clean reference (train_backdoor.reference_set) with `per_class` test images of each class."""
    x, y = load("t10k")
    return reference_set(x, y, per_class)


def avoidance(feats, labels, ref_feats, ref_labels):
    """Per class: the avoidance r_c and excess e_c of its 2-means split against the clean reference, and the
    split's space (feature mean, feature std and the fitted PCA)."""
    ratio, excess, spaces = {}, {}, {}
    for c in np.unique(labels):
        x = feats[labels == c]
        mean, std = x.mean(0), x.std(0) + 1e-8
        pca = PCA(min(COMPONENTS, x.shape[1], len(x)), random_state=0).fit((x - mean) / std)
        km = KMeans(2, n_init=10, random_state=0).fit(pca.transform((x - mean) / std))
        ref = ref_feats[ref_labels == c]
        scan_share = np.bincount(km.labels_, minlength=2) / len(x)
        ref_share = np.bincount(km.predict(pca.transform((ref - mean) / std)), minlength=2) / max(len(ref), 1)
        k = int(np.argmin(ref_share / scan_share))
        ratio[int(c)] = ref_share[k] / scan_share[k]
        excess[int(c)] = len(x) * (scan_share[k] - ref_share[k])
        spaces[int(c)] = (mean, std, pca)
    return ratio, excess, spaces


def rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def judge(work, models, name, reference=None):
    """The default's and the rule's suspicion, targets and the split statistics of one scan set; with the
    reference rule's suspicion and target when a reference set (images, labels) is given."""
    default_rows = rows(os.path.join(work, name, "default", "scores.csv"))
    unlifted = np.array([float(r["suspicion"]) for r in rows(os.path.join(work, name, "unlifted", "scores.csv"))])
    default = np.array([float(r["suspicion"]) for r in default_rows])
    labels = np.array([int(r["label"]) for r in default_rows])
    truth = np.array([int(r["poisoned"]) for r in default_rows]) if "poisoned" in default_rows[0] else None
    summary = json.load(open(os.path.join(work, name, "default", "summary.json")))["summary"]
    named = (summary.get("suspectedTarget") or {}).get("class", {}).get("class")
    feats = features(models, name)
    silhouette, margin = class_splits(feats, labels)
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
    result = dict(default=default, rule=rule, truth=truth, labels=labels, unlifted=unlifted, named=named, target=target, regime=regime,
                  median=median, top=top, z=z)
    if reference is not None:
        if median >= EVERY:
            result.update(reference_rule=rule, reference_target=None, avoided="every class splits")
        else:
            reference_feats = features(models, name, reference[0])
            ratio, excess, spaces = avoidance(feats, labels, reference_feats, reference[1])
            avoided = [c for c in ratio if ratio[c] < AVOID]
            named_by_reference = max(avoided, key=lambda c: excess[c]) if avoided else None
            lifted = unlifted + unlifted.std(ddof=1) * (labels == named_by_reference) if avoided else unlifted
            result.update(reference_rule=lifted, reference_target=named_by_reference, features=feats,
                          reference_features=reference_feats, spaces=spaces,
                          avoided=", ".join(f"{c} ({ratio[c]:.2f}, {excess[c]:.0f})" for c in sorted(avoided, key=lambda c: -excess[c])) or "none")
    return result


def auroc(truth, score):
    return roc_auc_score(truth, score) if truth is not None and 0 < truth.sum() < len(truth) else None


def summary_line(what, values):
    a = np.array(values)
    return f"{what}: mean {a.mean():.3f}, lowest {a.min():.3f}, ≥ 0.95 on {(a >= 0.95).sum()} of {len(a)}, ≥ 0.90 on {(a >= 0.90).sum()}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default=MODELS, help="the models folder (manifest.json, pytorch/, scansets/)")
    parser.add_argument("--work", required=True, help="detection_lab.py's --work folder, with default and unlifted scans")
    parser.add_argument("--reference", type=int, metavar="N", help="also judge by the reference rule, with N clean test images of each class")
    parser.add_argument("--table", help="the README markers to write between (feature-split-seedN); needed with --write-readme")
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args()
    if args.write_readme and not args.table:
        parser.error("--write-readme needs --table, the name of the README markers to write between")
    reference = clean_reference(args.reference) if args.reference else None
    with_reference = " | avoided classes (class, r, e) | reference rule AUROC | reference rule target (true)" if reference else ""
    lines = ["| scan set | median split silhouette | largest (class, robust z) | regime | default AUROC | feature split AUROC | default target (true) | feature split target (true)" + with_reference + " |",
             "|---|---|---|---|---|---|---|---|" + ("---|---|---|" if reference else "")]
    sets = scan_sets(args.models)
    aurocs = {"default": [], "rule": [], "reference_rule": []}
    right = {"named": 0, "target": 0, "reference_target": 0}
    fmt = lambda a: "—" if a is None else f"{a:.3f}"
    for name, _, true in sets:
        j = judge(args.work, args.models, name, reference)
        scored = {k: auroc(j["truth"], j[k]) for k in aurocs if k in j}
        if scored["default"] is not None:
            for k, a in scored.items():
                aurocs[k].append(a)
        for k in right:
            right[k] += k in j and j[k] == true
        line = (f"| {name} | {j['median']:.2f} | {j['top']}, {j['z']:+.1f} | {j['regime']} | {fmt(scored['default'])} | {fmt(scored['rule'])} | "
                f"{target_mark(j['named'], true)} | {target_mark(j['target'], true)} |")
        if reference:
            line += f" {j['avoided']} | {fmt(scored['reference_rule'])} | {target_mark(j['reference_target'], true)} |"
        lines.append(line)
    lines += ["", summary_line("Default AUROC", aurocs["default"]) + ".", summary_line("Feature split AUROC", aurocs["rule"]) + "."]
    if reference:
        lines.append(summary_line(f"Reference rule AUROC ({args.reference} clean images a class)", aurocs["reference_rule"]) + ".")
    lines.append(f"Target right (none on all-to-all and the clean model): default {right['named']} of {len(sets)}, feature split {right['target']} of {len(sets)}"
                 + (f", reference rule {right['reference_target']} of {len(sets)}." if reference else "."))
    publish("\n".join(lines), args.table if args.write_readme else None)


if __name__ == "__main__":
    main()
