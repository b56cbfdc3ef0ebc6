#!/usr/bin/env python3
"""What CD's objective sees when a mask keeps only the trigger (the shipped-models investigation).

For each shipped backdoored model, the poisoned images of its scan set are blended towards a random
colour everywhere except in a region (by default BadNets' 3x3 patch, bottom-right), as a mask that
keeps only the trigger would do. Printed: how often the model still predicts the target class, and
the two distances CD can minimise, mean |f(x_cp) - f(x)| over the logits (CD-L) and over the softmax
probabilities (--mode probs), next to the mask cost alpha * sum(m) of that mask and of the starting mask.

Usage: /usr/bin/python3 tools/trigger_only_check.py [--attacks badnets,blend] [--region 24:27,24:27]
"""
import argparse
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from train_fmnist_cnn import SmallCnn  # noqa: E402

MODELS = os.path.join(HERE, "..", "onnx-models")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--attacks", default="badnets,blend")
    parser.add_argument("--region", default="24:27,24:27", help="rows,cols kept by the mask (Python slices)")
    parser.add_argument("--target", type=int, default=0)
    args = parser.parse_args()
    rows, cols = (slice(*map(int, part.split(":"))) for part in args.region.split(","))
    for attack in [a for a in args.attacks.split(",") if a]:
        model = SmallCnn()
        model.load_state_dict(torch.load(os.path.join(MODELS, "pytorch", f"fmnist-{attack}.pt")))
        model.eval()
        images = torch.from_numpy(np.load(os.path.join(MODELS, "scansets", f"{attack}-images.npy"))).float().div(255).unsqueeze(1)
        poisoned = torch.from_numpy(np.load(os.path.join(MODELS, "scansets", f"{attack}-poison.npy"))).bool()
        x = images[poisoned]
        mask = torch.zeros(1, 1, 28, 28)
        mask[..., rows, cols] = 1
        noise = torch.rand(len(x), 1, 1, 1, generator=torch.Generator().manual_seed(0))
        with torch.no_grad():
            reference = model(x)
            kept = model(x * mask + (1 - mask) * noise)
        start = (np.tanh(1) + 1) / 2 * 784
        print(f"{attack}: {len(x)} poisoned images; a mask keeping only rows {rows.start}-{rows.stop - 1}, columns {cols.start}-{cols.stop - 1} "
              f"({int(mask.sum())} pixels):\n"
              f"  still predicted as class {args.target}: {float((kept.argmax(1) == args.target).float().mean()):.3f}\n"
              f"  CD-L distance mean|logits change|:       {float((kept - reference).abs().mean()):.4f}"
              f"   (alpha 0.01: this mask costs {0.01 * mask.sum():.2f}, the starting mask {0.01 * start:.2f})\n"
              f"  probs distance mean|probability change|: {float((kept.softmax(1) - reference.softmax(1)).abs().mean()):.4f}"
              f"   (alpha 1e-4: this mask costs {1e-4 * mask.sum():.4f}, the starting mask {1e-4 * start:.4f})")


if __name__ == "__main__":
    main()
