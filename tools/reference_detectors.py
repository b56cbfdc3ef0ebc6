#!/usr/bin/env python3
"""An independent implementation of the detectors OnnxCd runs beside CD, for its parity tests.

Written from the papers with numpy and scikit-learn (Debian python3-sklearn) on the PyTorch weights of
each shipped model, not from OnnxCd's C#: Spectral Signatures (per class, the squared projection of the
centred penultimate features on the top right singular vector from numpy's SVD, over the class mean),
Activation Clustering (per class, standardised features, scikit-learn PCA to 10 dimensions and KMeans(2);
score (1 - r) * d' / (d + d'), r the own cluster's share of the class, d and d' the distances to the own
and the other centre), STRIP (each image plus each of 100 overlays spread evenly over the scan set, at
positions floor(k * n / 100) as OnnxCd picks them, clipped to [0, 1]; minus the mean softmax entropy) and SCALE-UP (the share of the image
amplified by 3, 5, 7, 9 and 11, clipped, that keeps its predicted class). The definitions are OnnxCd's
(README, "Detectors beside CD"); the code, the libraries, k-means' random starts and the forward passes
are not, so parity is judged on AUROC (within 0.02, the issue's target) and, for the deterministic
detectors, on the scores themselves.

For each shipped scan set it writes OnnxCd.Tests/TestData/generated/reference-detectors/<set>.json:
each detector's AUROC and every sample's score, and the AUROC of the four fused as the combined detector
fuses them (the mean robust z-score; CD is not among them here). With --cache DIR (onnx-models/reference-detectors in
CI) the scores are kept under DIR/<set>/ with the SHA-256 of everything they depend on, and recomputed
only when that changes.

Usage: /usr/bin/python3 tools/reference_detectors.py [--sets badnets,blend,...] [--cache DIR]
"""

import argparse
import json
import os
import sys

import numpy as np
import torch
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from detection_lab import MODELS, scan_sets  # noqa: E402
from feature_split_study import network  # noqa: E402
from reference_cd import auroc, cache_key  # noqa: E402

OUT = os.path.join(HERE, "..", "OnnxCd.Tests", "TestData", "generated", "reference-detectors")
DETECTORS = ["ss", "ac", "strip", "scaleup"]
COMPONENTS = 10
OVERLAYS = 100
FACTORS = [3, 5, 7, 9, 11]


class DetectorCache:
    """One scan set's scores under DIR/<set>/: <detector>.npy, valid while key.txt holds the key of their inputs
    (reference_cd.cache_key); no folder caches nothing."""

    def __init__(self, folder, key):
        self.folder, self.key = folder, key
        key_file = os.path.join(folder, "key.txt") if folder else None
        self.valid = key_file is not None and os.path.exists(key_file) and open(key_file).read().strip() == key

    def load(self):
        """Every detector's scores, or None unless all are kept under this key."""
        paths = [os.path.join(self.folder, f"{d}.npy") for d in DETECTORS] if self.valid else []
        return {d: np.load(p) for d, p in zip(DETECTORS, paths)} if paths and all(map(os.path.exists, paths)) else None

    def store(self, scores):
        if not self.folder:
            return
        os.makedirs(self.folder, exist_ok=True)
        for d in DETECTORS:
            np.save(os.path.join(self.folder, f"{d}.npy"), scores[d])
        with open(os.path.join(self.folder, "key.txt"), "w") as f:
            f.write(self.key + "\n")


def penultimate(net, x):
    """The global-pooled penultimate features [n, d] of images x [n, 1, 28, 28] in [0, 1]."""
    with torch.no_grad():
        return torch.flatten(net.pool(net.features(x)), 1).numpy().astype(np.float64)


def probabilities(net, x, batch=1000):
    """Softmax of the logits of images x, in batches."""
    with torch.no_grad():
        return torch.cat([net(x[i:i + batch]).softmax(1) for i in range(0, len(x), batch)]).numpy()


def spectral_signatures(feats, labels):
    scores = np.zeros(len(feats))
    for c in np.unique(labels):
        idx = np.where(labels == c)[0]
        if len(idx) < 2:
            continue
        centred = feats[idx] - feats[idx].mean(0)
        top = np.linalg.svd(centred, full_matrices=False)[2][0]
        s = (centred @ top) ** 2
        scores[idx] = s / s.mean() if s.mean() > 0 else 0
    return scores


def activation_clustering(feats, labels):
    scores = np.zeros(len(feats))
    for c in np.unique(labels):
        idx = np.where(labels == c)[0]
        if len(idx) < 4:
            continue
        x = feats[idx]
        x = (x - x.mean(0)) / (x.std(0) + 1e-8)
        x = PCA(min(COMPONENTS, x.shape[1], len(idx)), random_state=0).fit_transform(x)
        km = KMeans(2, n_init=10, random_state=0).fit(x)
        share = np.bincount(km.labels_, minlength=2) / len(idx)
        own = km.labels_
        d = np.linalg.norm(x[:, None, :] - km.cluster_centers_[None], axis=2)
        near, far = d[np.arange(len(idx)), own], d[np.arange(len(idx)), 1 - own]
        scores[idx] = (1 - share[own]) * far / (near + far)
    return scores


def strip(net, x):
    count = min(OVERLAYS, len(x))
    overlays = x[np.arange(count) * len(x) // count]
    scores = np.zeros(len(x))
    for i in range(len(x)):
        p = probabilities(net, (x[i:i + 1] + overlays).clamp(0, 1))
        entropy = -(p * np.log(np.where(p > 0, p, 1))).sum(1)
        scores[i] = -entropy.mean()
    return scores


def scale_up(net, x):
    own = probabilities(net, x).argmax(1)
    kept = [probabilities(net, (x * f).clamp(0, 1)).argmax(1) == own for f in FACTORS]
    return np.mean(kept, axis=0)


def robust_z(s):
    """(s - median) / (1.4826 MAD), over the sample std where the MAD is 0 (the combined detector's terms)."""
    median = np.median(s)
    spread = 1.4826 * np.median(np.abs(s - median))
    spread = spread if spread > 0 else np.std(s, ddof=1)
    return (s - median) / spread if spread > 0 else np.zeros_like(s)


def score_set(name, images, labels):
    net = network(MODELS, name)
    x = torch.tensor(images, dtype=torch.float32)[:, None] / 255
    feats = penultimate(net, x)
    return {"ss": spectral_signatures(feats, labels), "ac": activation_clustering(feats, labels),
            "strip": strip(net, x), "scaleup": scale_up(net, x)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="", help="comma-separated scan sets (default: every shipped one)")
    parser.add_argument("--cache", help="keep and reuse each set's scores in CACHE/<set>/, keyed by the SHA-256 of their inputs")
    parser.add_argument("--out", default=OUT)
    args = parser.parse_args()
    chosen = [s for s in args.sets.split(",") if s]
    os.makedirs(args.out, exist_ok=True)
    for name, model, _ in scan_sets(MODELS):
        if chosen and name not in chosen:
            continue
        prefix = os.path.join(MODELS, "scansets", name)
        weights = os.path.join(MODELS, "pytorch", os.path.basename(model).replace(".onnx", ".pt"))
        key = cache_key([os.path.abspath(__file__), os.path.join(HERE, "train_fmnist_cnn.py"), os.path.join(HERE, "train_backdoor.py"),
                         weights, prefix + "-images.npy", prefix + "-labels.npy"])
        cache = DetectorCache(os.path.join(args.cache, name) if args.cache else None, key)
        scores = cache.load()
        source = f"cached, key {key[:12]}"
        if scores is None:
            source = "computed"
            scores = score_set(name, np.load(prefix + "-images.npy"), np.load(prefix + "-labels.npy"))
            cache.store(scores)
        poisoned = np.load(prefix + "-poison.npy").astype(bool)
        result = {"set": name, "auroc": {}, "scores": {}}
        for d in DETECTORS:
            result["scores"][d] = [float(v) for v in scores[d]]
            # reference_cd.auroc ranks by -score; the detectors' scores are suspicion (larger = more suspicious).
            result["auroc"][d] = auroc(-scores[d], poisoned) if poisoned.any() else None
        fused = np.mean([robust_z(scores[d]) for d in DETECTORS], axis=0)
        result["auroc"]["fused"] = auroc(-fused, poisoned) if poisoned.any() else None
        with open(os.path.join(args.out, f"{name}.json"), "w") as f:
            json.dump(result, f)
        print(f"{name}: " + "  ".join(f"{d} {v:.4f}" for d, v in result["auroc"].items() if v is not None) + f" ({source})", flush=True)


if __name__ == "__main__":
    main()
