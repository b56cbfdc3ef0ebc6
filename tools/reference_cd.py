#!/usr/bin/env python3
"""OnnxCd's PyTorch reference implementation of Cognitive Distillation, and its parity fixtures.

cognitive_distillation() follows the published algorithm as the original code implements it
(../shared/docs/cd-algorithm.md, section 1): m = (tanh θ + 1)/2 with θ starting at 1,
x_cp = x·m + (1 − m)·δ with one colour δ per image and channel per step, per-sample loss
mean|f(x_cp) − f(x)| + α·Σm + β·TV(m) with squared-difference TV over H·W, Adam with betas
(0.1, 0.1). The noise is an argument ([steps, N, C]) so OnnxCd can replay it exactly.

One difference from the original is a parameter: the original differentiates the batch *mean* of
the per-sample losses; OnnxCd differentiates their *sum* (each sample then evolves as it would
alone, whatever the batch size). `reduction` selects either; the fixtures use 'sum'.

Fixtures (read by OnnxCd.Tests/Distillation/ReferenceParityTests.cs), written under
OUT/<model>/ for a small CNN and a small ResNet trained briefly on Fashion-MNIST: model.onnx
(outputs 'logits' and 'features'), images.npy float32 [N,C,H,W] (64 test images, dithered),
noise.npy float32 [100,N,C], and for mode in (logits, features) and steps in (10, 100):
masks_<mode>_<steps>.npy float32 [N,1,H,W] and l1_<mode>_<steps>.npy float32 [N].

With --scansets, it instead runs the reference on the scan sets of the shipped backdoored models
(onnx-models/scansets, weights from onnx-models/pytorch) and writes, under OUT/<attack>/, the noise
(noise.npy float32 [100,N,1], seed 0) and for each mode the scores (l1_<mode>.npy) and AUROC
(auroc.json); OnnxCd.Tests/Scanning/ShippedModelsTests.cs replays the noise and compares AUROCs.
With --cache DIR (onnx-models/reference-scans in CI), the scores of each scan set are kept in
DIR/<attack>/ under a key, the SHA-256 of everything they depend on (this script, the network's
definition, the weights, the images and PyTorch's version): a later run with the same key reads them
back instead of spending ~4 minutes a scan set, and any change to those inputs recomputes them.

Usage: /usr/bin/python3 tools/reference_cd.py [--out DIR] [--seed 0] [--compare-reduction]
       /usr/bin/python3 tools/reference_cd.py --scansets [--attacks blend,badnets,sig,wanet] [--modes logits,features,probs] [--cache DIR]
"""
import argparse
import hashlib
import json
import os
import sys

import numpy as np
import torch
import torchvision
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from train_fmnist_cnn import SmallCnn, read_idx  # noqa: E402

DEFAULTS = {"logits": {"lr": 0.1, "alpha": 0.01, "beta": 1.0}, "features": {"lr": 0.05, "alpha": 0.001, "beta": 10.0}}


def total_variation(mask):
    """Squared-difference total variation per sample, divided by c·h·w (the original's formula)."""
    _, c, h, w = mask.shape
    tv_h = torch.pow(mask[:, :, 1:, :] - mask[:, :, :-1, :], 2).sum(dim=[1, 2, 3])
    tv_w = torch.pow(mask[:, :, :, 1:] - mask[:, :, :, :-1], 2).sum(dim=[1, 2, 3])
    return (tv_h + tv_w) / (c * h * w)


def cognitive_distillation(forward, images, noise, steps, lr, alpha, beta, betas=(0.1, 0.1), eps=1e-8, reduction="sum"):
    """Returns the masks [N,1,H,W] after `steps` Adam steps; forward(x) gives the tensor to keep."""
    b, c, h, w = images.shape
    theta = torch.ones(b, 1, h, w, requires_grad=True)
    optimiser = torch.optim.Adam([theta], lr=lr, betas=betas, eps=eps)
    with torch.no_grad():
        target = forward(images).detach()
    for t in range(steps):
        optimiser.zero_grad()
        mask = (torch.tanh(theta) + 1) / 2
        blended = images * mask + (1 - mask) * noise[t].view(b, c, 1, 1)
        distance = (forward(blended) - target).abs().flatten(1).mean(1)
        loss = distance + alpha * mask.abs().sum(dim=[1, 2, 3]) + beta * total_variation(mask)
        (loss.sum() if reduction == "sum" else loss.mean()).backward()
        optimiser.step()
    return ((torch.tanh(theta) + 1) / 2).detach()


class WithFeatures(nn.Module):
    """Returns (logits, features): features is the map before global pooling."""

    def __init__(self, stem, head):
        super().__init__()
        self.stem, self.head = stem, head

    def forward(self, x):
        features = self.stem(x)
        return self.head(features), features


def small_cnn():
    model = SmallCnn()
    return WithFeatures(model.features, nn.Sequential(model.pool, nn.Flatten(1), model.classifier))


def small_resnet():
    """A ResNet-style classifier from torchvision's BasicBlock: 16, 32 and 64 channels, two stride-2 stages."""
    block = torchvision.models.resnet.BasicBlock

    def down(cin, cout):
        return nn.Sequential(nn.Conv2d(cin, cout, 1, stride=2, bias=False), nn.BatchNorm2d(cout))

    stem = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
                         block(16, 16), block(16, 32, stride=2, downsample=down(16, 32)), block(32, 64, stride=2, downsample=down(32, 64)))
    return WithFeatures(stem, nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(1), nn.Linear(64, 10)))


def train(model, images, labels, samples, gen):
    """One quick epoch on a Fashion-MNIST subset: CD on an untrained model has nothing to keep and every mask collapses."""
    optimiser = torch.optim.Adam(model.parameters(), lr=2e-3)
    order = torch.randperm(len(images), generator=gen)[:samples]
    model.train()
    for start in range(0, samples, 128):
        idx = order[start:start + 128]
        loss = nn.functional.cross_entropy(model(images[idx])[0], labels[idx])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return model.eval()


def fmnist(split, count=None):
    images = read_idx(f"/usr/share/datasets/fashion-mnist/{split}-images-idx3-ubyte.gz")[:count].astype(np.float32) / 255
    labels = read_idx(f"/usr/share/datasets/fashion-mnist/{split}-labels-idx1-ubyte.gz")[:count].astype(np.int64)
    return torch.from_numpy(images).unsqueeze(1).contiguous(), torch.from_numpy(labels)


def make(name, model, images, out_dir, gen, compare_reduction):
    path = os.path.join(out_dir, name)
    os.makedirs(path, exist_ok=True)
    n, c = images.shape[:2]
    noise = torch.rand(100, n, c, generator=gen)
    torch.onnx.export(model, images[:2], os.path.join(path, "model.onnx"), opset_version=17,
                      input_names=["input"], output_names=["logits", "features"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}, "features": {0: "batch"}})
    np.save(os.path.join(path, "images.npy"), images.numpy())
    np.save(os.path.join(path, "noise.npy"), noise.numpy())
    meta = {"model": name, "torch": torch.__version__, "images": list(images.shape), "reduction": "sum",
            "training": "one pass over 20,000 Fashion-MNIST training images, Adam lr 2e-3", "runs": {}}
    for mode, pick in (("logits", 0), ("features", 1)):
        forward = (lambda x, pick=pick: model(x)[pick])
        for steps in (10, 100):
            hp = DEFAULTS[mode]
            masks = cognitive_distillation(forward, images, noise, steps, hp["lr"], hp["alpha"], hp["beta"])
            np.save(os.path.join(path, f"masks_{mode}_{steps}.npy"), masks.numpy())
            np.save(os.path.join(path, f"l1_{mode}_{steps}.npy"), masks.sum(dim=[1, 2, 3]).numpy())
            meta["runs"][f"{mode}_{steps}"] = dict(hp, steps=steps)
            if compare_reduction and steps == 100:
                mean_masks = cognitive_distillation(forward, images, noise, steps, hp["lr"], hp["alpha"], hp["beta"], reduction="mean")
                l1_sum, l1_mean = masks.sum(dim=[1, 2, 3]), mean_masks.sum(dim=[1, 2, 3])
                rel = ((l1_mean - l1_sum).abs() / l1_sum).numpy()
                print(f"{name} {mode}: batch-mean vs sum reduction over {n} samples: median relative L1 difference "
                      f"{np.median(rel):.2e}, worst {rel.max():.2e}", flush=True)
    with open(os.path.join(path, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
    print(f"{name}: ok", flush=True)


def auroc(scores, poisoned):
    """AUROC with suspicion = −score (ties count half), as OnnxCd computes it."""
    order = np.argsort(scores, kind="stable")
    s, p = scores[order], poisoned[order].astype(bool)
    positives, negatives = p.sum(), (~p).sum()
    area, tp, i = 0.0, 0.0, 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        group_tp, group_fp = p[i:j].sum(), (~p[i:j]).sum()
        area += group_fp * (tp + group_tp / 2)
        tp += group_tp
        i = j
    return float(area / (positives * negatives))


PROBS_ALPHA = 1e-4


def cache_key(paths):
    """SHA-256 over the files' contents and PyTorch's version: what a scan set's reference scores depend on."""
    digest = hashlib.sha256(torch.__version__.encode())
    for path in paths:
        with open(path, "rb") as f:
            digest.update(hashlib.sha256(f.read()).digest())
    return digest.hexdigest()


class ScoreCache:
    """One scan set's reference scores kept under DIR/<attack>/: key.txt and l1_<mode>.npy; a missing folder caches nothing."""

    def __init__(self, folder, key):
        self.folder, self.key = folder, key
        key_file = os.path.join(folder, "key.txt") if folder else None
        self.valid = key_file is not None and os.path.exists(key_file) and open(key_file).read().strip() == key

    def load(self, mode):
        path = os.path.join(self.folder, f"l1_{mode}.npy") if self.valid else None
        return np.load(path) if path and os.path.exists(path) else None

    def store(self, mode, l1):
        if not self.folder:
            return
        os.makedirs(self.folder, exist_ok=True)
        if not self.valid:
            for name in os.listdir(self.folder):
                os.remove(os.path.join(self.folder, name))
            with open(os.path.join(self.folder, "key.txt"), "w") as f:
                f.write(self.key + "\n")
            self.valid = True
        np.save(os.path.join(self.folder, f"l1_{mode}.npy"), l1)


def scan_sets(args):
    """The reference on each shipped scan set, with the noise it used, for OnnxCd to replay."""
    models = os.path.join(HERE, "..", "onnx-models")
    out = args.out if args.out != DEFAULT_OUT else os.path.join(HERE, "..", "OnnxCd.Tests", "TestData", "generated", "reference-scans")
    for attack in [a for a in args.attacks.split(",") if a]:
        weights = os.path.join(models, "pytorch", f"fmnist-{attack}.pt")
        images_path = os.path.join(models, "scansets", f"{attack}-images.npy")
        model = SmallCnn()
        model.load_state_dict(torch.load(weights))
        model.eval()
        images = torch.from_numpy(np.load(images_path)).float().div(255).unsqueeze(1)
        poisoned = np.load(os.path.join(models, "scansets", f"{attack}-poison.npy"))
        noise = torch.rand(100, len(images), 1, generator=torch.Generator().manual_seed(0))
        folder = os.path.join(out, attack)
        os.makedirs(folder, exist_ok=True)
        np.save(os.path.join(folder, "noise.npy"), noise.numpy())
        key = cache_key([os.path.abspath(__file__), os.path.join(HERE, "train_fmnist_cnn.py"), weights, images_path])
        cache = ScoreCache(os.path.join(args.cache, attack) if args.cache else None, key)
        results = {}
        for mode in [m for m in args.modes.split(",") if m]:
            hp = dict(DEFAULTS["features" if mode == "features" else "logits"])
            if mode == "probs":
                hp["alpha"] = PROBS_ALPHA
            forward = {"logits": lambda x: model(x), "probs": lambda x: model(x).softmax(1), "features": lambda x: model.features(x)}[mode]
            l1 = cache.load(mode)
            source = f"cached, key {key[:12]}"
            if l1 is None:
                source = "computed"
                l1 = []
                for start in range(0, len(images), 250):
                    batch = slice(start, start + 250)
                    masks = cognitive_distillation(forward, images[batch], noise[:, batch], 100, hp["lr"], hp["alpha"], hp["beta"])
                    l1.append(masks.sum(dim=[1, 2, 3]).numpy())
                l1 = np.concatenate(l1)
                cache.store(mode, l1)
            np.save(os.path.join(folder, f"l1_{mode}.npy"), l1)
            results[mode] = {"auroc": auroc(l1, poisoned), **hp}
            print(f"{attack} {mode}: reference AUROC {results[mode]['auroc']:.4f} ({source})", flush=True)
        with open(os.path.join(folder, "auroc.json"), "w") as f:
            json.dump(results, f, indent=2)


DEFAULT_OUT = os.path.join(HERE, "..", "OnnxCd.Tests", "TestData", "generated", "cd")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=DEFAULT_OUT)
    parser.add_argument("--scansets", action="store_true", help="run the reference on the shipped models' scan sets instead")
    parser.add_argument("--attacks", default="blend,badnets,sig,wanet")
    parser.add_argument("--modes", default="logits,features,probs")
    parser.add_argument("--cache", help="with --scansets: keep and reuse each scan set's scores in CACHE/<attack>/, keyed by the SHA-256 of their inputs")
    parser.add_argument("--seed", type=int, default=0, help="seed of training, dither and noise")
    parser.add_argument("--compare-reduction", action="store_true", help="also run the original batch-mean form and print how far it is from the sum")
    args = parser.parse_args()
    if args.scansets:
        torch.set_num_threads(max(1, os.cpu_count() or 1))
        scan_sets(args)
        return
    # One thread: the trained weights, and so the fixtures, are then the same on every machine.
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(args.seed)
    torch.manual_seed(args.seed)
    train_images, train_labels = fmnist("train")
    test_images, _ = fmnist("t10k", 64)
    # Dither below one grey level: Fashion-MNIST's black backgrounds make exact ties inside max
    # pooling, where the gradient goes to whichever tied element an implementation's rounding
    # favours; PyTorch and ONNX Runtime then diverge for reasons that have nothing to do with CD.
    test_images = test_images * (254 / 255) + torch.rand(test_images.shape, generator=gen) / 255
    for name, build in (("small_cnn", small_cnn), ("small_resnet", small_resnet)):
        model = train(build(), train_images, train_labels, 20000, gen)
        make(name, model, test_images, args.out, gen, args.compare_reduction)


if __name__ == "__main__":
    main()
