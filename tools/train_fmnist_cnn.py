#!/usr/bin/env python3
"""Train the small clean Fashion-MNIST CNN shipped as onnx-models/fmnist-cnn-clean.onnx.

Reads Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist/*.gz, IDX format), trains
on the CPU, exports ONNX (opset 17, input 'input' [batch,1,28,28] in [0,1], output 'logits'
[batch,10], dynamic batch), validates the file with the ONNX checker, and writes
onnx-models/manifest.json, the PyTorch state_dict (pytorch/fmnist-cnn-clean.pt) and a 16-image sample:
  onnx-models/samples/fmnist-test-16.npy      uint8 [16,28,28]  (first 16 test images)
  onnx-models/samples/fmnist-test-16-onehot.npy float32 [16,10] (one-hot of their labels)
  onnx-models/samples/fmnist-test-16-saliency.npy float32 [16,1,28,28] (torch.autograd gradient of
      the true-class logit with respect to the input, in float64: the reference for `onnxcd vjp`)

Usage: /usr/bin/python3 tools/train_fmnist_cnn.py [--epochs 4] [--seed 0]
"""
import argparse
import gzip
import hashlib
import json
import os

import numpy as np
import onnx
import torch
from torch import nn

DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


class SmallCnn(nn.Module):
    """Two conv blocks and a linear classifier: about 20k parameters."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(32, 10)

    def forward(self, x):
        return self.classifier(torch.flatten(self.pool(self.features(x)), 1))


def train_small_cnn(images, labels, epochs, seed, after_epoch=None):
    """Adam with a one-cycle schedule to lr 3e-3, batch 128, no augmentation; returns the model in eval mode."""
    torch.manual_seed(seed)
    model = SmallCnn()
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=3e-3, total_steps=epochs * ((len(images) + 127) // 128))
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(images))
        for start in range(0, len(order), 128):
            idx = order[start:start + 128]
            loss = nn.functional.cross_entropy(model(images[idx]), labels[idx])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
        model.eval()
        if after_epoch is not None:
            after_epoch(epoch, model)
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--out", default=os.path.join(here, "..", "onnx-models"))
    args = parser.parse_args()
    torch.set_num_threads(max(1, os.cpu_count() or 1))

    x_train = torch.from_numpy(read_idx(f"{DATA}/train-images-idx3-ubyte.gz").copy()).float().div(255).unsqueeze(1)
    y_train = torch.from_numpy(read_idx(f"{DATA}/train-labels-idx1-ubyte.gz").astype(np.int64))
    test_images = read_idx(f"{DATA}/t10k-images-idx3-ubyte.gz")
    test_labels = read_idx(f"{DATA}/t10k-labels-idx1-ubyte.gz").astype(np.int64)
    x_test = torch.from_numpy(test_images.copy()).float().div(255).unsqueeze(1)

    accuracy = 0.0

    def report(epoch, model):
        nonlocal accuracy
        with torch.no_grad():
            accuracy = float((model(x_test).argmax(1).numpy() == test_labels).mean())
        print(f"epoch {epoch + 1}: test accuracy {accuracy:.4f}", flush=True)

    model = train_small_cnn(x_train, y_train, args.epochs, args.seed, report)

    os.makedirs(os.path.join(args.out, "samples"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "pytorch"), exist_ok=True)
    torch.save(model.state_dict(), os.path.join(args.out, "pytorch", "fmnist-cnn-clean.pt"))
    path = os.path.join(args.out, "fmnist-cnn-clean.onnx")
    torch.onnx.export(model, x_test[:2], path, opset_version=17, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    exported = onnx.load(path)
    onnx.checker.check_model(exported)
    for key, value in {"onnxcd.value_range": "0,1", "onnxcd.input_size": "28x28", "onnxcd.channels": "1",
                       "onnxcd.normalisation": "none"}.items():
        exported.metadata_props.add(key=key, value=value)
    onnx.save(exported, path)

    np.save(os.path.join(args.out, "samples", "fmnist-test-16.npy"), test_images[:16])
    onehot = np.eye(10, dtype=np.float32)[test_labels[:16]]
    np.save(os.path.join(args.out, "samples", "fmnist-test-16-onehot.npy"), onehot)
    model64 = model.double()
    x64 = x_test[:16].double().requires_grad_(True)
    (saliency,) = torch.autograd.grad(model64(x64), x64, torch.from_numpy(onehot).double())
    np.save(os.path.join(args.out, "samples", "fmnist-test-16-saliency.npy"), saliency.numpy().astype(np.float32))
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    manifest_path = os.path.join(args.out, "manifest.json")
    manifest = json.load(open(manifest_path)) if os.path.exists(manifest_path) else {}
    manifest["fmnist-cnn-clean.onnx"] = {
        "attack": "none (clean control)", "dataset": "Fashion-MNIST (Debian dataset-fashion-mnist)",
        "architecture": "SmallCnn in tools/train_fmnist_cnn.py", "epochs": args.epochs, "optimiser": "Adam, one-cycle schedule to lr 3e-3, batch 128",
        "seed": args.seed, "clean_test_accuracy": round(accuracy, 4), "torch": torch.__version__, "opset": 17,
        "input": "input [batch,1,28,28] float32 in [0,1], no normalisation", "output": "logits [batch,10]",
        "sha256": digest}
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2)
    print(f"wrote {path} ({os.path.getsize(path)} bytes), sha256 {digest}")


if __name__ == "__main__":
    main()
