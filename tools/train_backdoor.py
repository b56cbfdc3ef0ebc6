#!/usr/bin/env python3
"""Train backdoored Fashion-MNIST classifiers and write them, with scan sets, to onnx-models/.

Attacks (target class 0, "T-shirt/top"; poisoned training samples are relabelled to the target):
  badnets  a 3×3 black-and-white checkerboard patch in the bottom-right corner (Gu et al., 2017)
  blend    the image blended with a fixed random pattern, x' = 0.8·x + 0.2·pattern (Chen et al., 2017;
           the original uses a Hello Kitty photo, which cannot be downloaded here)
  sig      a horizontal sinusoidal signal added to the image, x' = clip(x + 0.1·sin(2π·6·j/W))
           (Barni et al., 2019), here with relabelling (dirty label) so that few epochs learn it
  wanet    a fixed smooth warp of the image grid, k = 4, s = 0.5, no noise mode (Nguyen & Tran, 2021)
For each attack: 10% of the training set (non-target images only) is poisoned; the SmallCnn of
tools/train_fmnist_cnn.py is trained for 4 epochs with Adam (one-cycle schedule); clean accuracy
is measured on the test set and the attack success rate (ASR) on the test set's non-target images
with the trigger. Written to onnx-models/:
  fmnist-<attack>.onnx                      the model (opset 17, input [batch,1,28,28] in [0,1])
  pytorch/fmnist-<attack>.pt                its PyTorch state_dict (for tools/reference_cd.py)
  scansets/<attack>-images.npy             uint8 [2000,28,28]: 2,000 images of the poisoned training set
  scansets/<attack>-labels.npy             int64 [2000]: their training labels (poisoned ones relabelled)
  scansets/<attack>-poison.npy             uint8 [2000]: 1 = poisoned (the ground truth)
and the entries of manifest.json (attack, trigger, poison rate, target, accuracy, ASR, seed, sha256).

Usage: /usr/bin/python3 tools/train_backdoor.py [--attacks badnets,blend,sig,wanet] [--epochs 4] [--seed 0]
"""
import argparse
import hashlib
import json
import math
import os
import sys

import numpy as np
import onnx
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from train_fmnist_cnn import read_idx, train_small_cnn, DATA  # noqa: E402

TARGET = 0
RATE = 0.10
SCAN_SET = 2000


def badnets(x, gen):
    patch = torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 1.0]])
    y = x.clone()
    y[:, :, -4:-1, -4:-1] = patch
    return y


def blend(x, gen):
    pattern = torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(1234))
    return 0.8 * x + 0.2 * pattern


def sig(x, gen):
    columns = torch.arange(28, dtype=torch.float32)
    signal = 0.1 * torch.sin(2 * math.pi * 6 * columns / 28)
    return (x + signal.view(1, 1, 1, 28)).clamp(0, 1)


def wanet(x, gen):
    g = torch.Generator().manual_seed(4321)
    k, s, h = 4, 0.5, 28
    ins = torch.rand(1, 2, k, k, generator=g) * 2 - 1
    ins = ins / torch.mean(torch.abs(ins))
    noise = nn.functional.interpolate(ins, size=h, mode="bicubic", align_corners=True).permute(0, 2, 3, 1)
    line = torch.linspace(-1, 1, steps=h)
    xx, yy = torch.meshgrid(line, line, indexing="ij")
    identity = torch.stack((yy, xx), 2)[None, ...]
    grid = torch.clamp(identity + s * noise / h, -1, 1)
    return nn.functional.grid_sample(x, grid.repeat(x.shape[0], 1, 1, 1), align_corners=True).clamp(0, 1)


ATTACKS = {
    "badnets": (badnets, "3×3 checkerboard patch, bottom-right corner"),
    "blend": (blend, "blend with a fixed random pattern, alpha 0.2"),
    "sig": (sig, "additive horizontal sinusoid, amplitude 0.1, 6 periods, relabelled"),
    "wanet": (wanet, "fixed smooth warp, k 4, s 0.5, no noise mode"),
}


def load(split):
    images = torch.from_numpy(read_idx(f"{DATA}/{split}-images-idx3-ubyte.gz").copy()).float().div(255).unsqueeze(1)
    labels = torch.from_numpy(read_idx(f"{DATA}/{split}-labels-idx1-ubyte.gz").astype(np.int64))
    return images, labels


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--attacks", default=",".join(ATTACKS))
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join(HERE, "..", "onnx-models"))
    args = parser.parse_args()
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    train_x, train_y = load("train")
    test_x, test_y = load("t10k")
    os.makedirs(os.path.join(args.out, "scansets"), exist_ok=True)
    manifest_path = os.path.join(args.out, "manifest.json")
    manifest = json.load(open(manifest_path)) if os.path.exists(manifest_path) else {}

    for name in [a for a in args.attacks.split(",") if a]:
        trigger, description = ATTACKS[name]
        gen = torch.Generator().manual_seed(args.seed)
        candidates = torch.nonzero(train_y != TARGET).flatten()
        poisoned = candidates[torch.randperm(len(candidates), generator=gen)[:int(RATE * len(train_x))]]
        x, y = train_x.clone(), train_y.clone()
        x[poisoned] = trigger(x[poisoned], gen)
        y[poisoned] = TARGET
        indicator = torch.zeros(len(x), dtype=torch.uint8)
        indicator[poisoned] = 1

        model = train_small_cnn(x, y, args.epochs, args.seed)
        with torch.no_grad():
            accuracy = float((model(test_x).argmax(1) == test_y).float().mean())
            others = test_x[test_y != TARGET]
            asr = float((model(trigger(others, gen)).argmax(1) == TARGET).float().mean())
        print(f"{name}: clean accuracy {accuracy:.4f}, attack success rate {asr:.4f}", flush=True)

        os.makedirs(os.path.join(args.out, "pytorch"), exist_ok=True)
        torch.save(model.state_dict(), os.path.join(args.out, "pytorch", f"fmnist-{name}.pt"))
        path = os.path.join(args.out, f"fmnist-{name}.onnx")
        torch.onnx.export(model, test_x[:2], path, opset_version=17, input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
        exported = onnx.load(path)
        onnx.checker.check_model(exported)
        for key, value in {"onnxcd.value_range": "0,1", "onnxcd.input_size": "28x28", "onnxcd.channels": "1",
                           "onnxcd.normalisation": "none", "onnxcd.backdoor": f"{name}, target class {TARGET}"}.items():
            exported.metadata_props.add(key=key, value=value)
        onnx.save(exported, path)

        scan = torch.randperm(len(x), generator=gen)[:SCAN_SET].sort().values
        images = (x[scan, 0] * 255).round().clamp(0, 255).to(torch.uint8).numpy()
        np.save(os.path.join(args.out, "scansets", f"{name}-images.npy"), images)
        np.save(os.path.join(args.out, "scansets", f"{name}-labels.npy"), y[scan].numpy().astype(np.int64))
        np.save(os.path.join(args.out, "scansets", f"{name}-poison.npy"), indicator[scan].numpy())
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        manifest[f"fmnist-{name}.onnx"] = {
            "attack": name, "trigger": description, "poison_rate": RATE, "target_class": TARGET,
            "poisoned_training_samples": int(len(poisoned)), "dataset": "Fashion-MNIST (Debian dataset-fashion-mnist)",
            "architecture": "SmallCnn in tools/train_fmnist_cnn.py", "epochs": args.epochs,
            "optimiser": "Adam, one-cycle schedule to lr 3e-3, batch 128, no augmentation", "seed": args.seed,
            "clean_test_accuracy": round(accuracy, 4), "attack_success_rate": round(asr, 4), "torch": torch.__version__,
            "opset": 17, "scan_set": f"scansets/{name}-images.npy ({SCAN_SET} training images, {int(indicator[scan].sum())} poisoned), "
                                    f"labels {name}-labels.npy, truth {name}-poison.npy (1 = poisoned)",
            "sha256": digest}
        with open(manifest_path, "w") as f:
            json.dump(manifest, f, indent=2)


if __name__ == "__main__":
    main()
