#!/usr/bin/env python3
"""Export torchvision classifiers with random weights and their PyTorch input gradients.

For every architecture this writes, under OUT/<name>/:
  model.onnx      opset 17, input 'input' [batch,3,S,S], output 'logits' [batch,K], dynamic batch
  model-opsetN.onnx  the same network exported at each older opset N of --opsets (7, 9, 11, 13), or
  model-opsetN.failed.txt  the exporter's message where torch cannot export it at N
  input.npy       float32 [N,3,S,S], uniform in [0,1]
  cotangent.npy   float32 [N,K], standard normal
  grad.npy        float32 [N,3,S,S], J(x)^T c computed by torch.autograd in float64
  meta.json       torch/torchvision versions, seed, what was changed for export
The OnnxCd tests (OnnxCd.Tests/Autodiff/TorchvisionParityTests.cs) only read these files.

Usage: /usr/bin/python3 tools/make_torchvision_fixtures.py [--out DIR] [--only a,b] [--size 32]
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torchvision


class ReplicateOneByOne(torch.nn.Module):
    """AdaptiveAvgPool2d(out) applied to a 1x1 map is a replication; torch 1.13 cannot export
    adaptive pooling when the output size is not a factor of the input size."""

    def __init__(self, out):
        super().__init__()
        self.out = out

    def forward(self, x):
        assert x.shape[-2:] == (1, 1), "replication is exact only for a 1x1 map"
        return x.expand(-1, -1, self.out, self.out)


def build(name, num_classes, size):
    """Returns (model, note) with random weights; note says what was adapted for the input size."""
    note = ""
    kwargs = {"weights": None, "num_classes": num_classes}
    if name == "googlenet":
        kwargs.update(aux_logits=False, init_weights=True)
    if name.startswith("vit_"):
        kwargs["image_size"] = size
    model = getattr(torchvision.models, name)(**kwargs)
    if name.startswith("vgg") and size == 32:
        model.avgpool = ReplicateOneByOne(7)
        note = "avgpool: AdaptiveAvgPool2d(7) on the 1x1 map replaced by the equivalent expand"
    return model, note


def randomise_batchnorm(model, gen):
    """Non-trivial running statistics and affine parameters, so the BN gradient is tested."""
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            c = m.num_features
            m.running_mean.copy_(torch.randn(c, generator=gen) * 0.1)
            m.running_var.copy_(torch.rand(c, generator=gen) + 0.5)
            if m.affine:
                m.weight.data.copy_(torch.rand(c, generator=gen) + 0.5)
                m.bias.data.copy_(torch.randn(c, generator=gen) * 0.1)


def redraw_zero_weights(model, gen):
    """Some architectures zero-initialise their classifier (ViT's head); with it the logits are
    constant and every input gradient is zero, which would test nothing."""
    for m in model.modules():
        if isinstance(m, torch.nn.Linear) and not m.weight.any():
            m.weight.data.copy_(torch.randn(m.weight.shape, generator=gen) * 0.02)


def export(model, x, path, opset):
    torch.onnx.export(
        model, x, path, opset_version=opset,
        input_names=["input"], output_names=["logits"],
        dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
        do_constant_folding=True)


def make(name, out_dir, size, batch, num_classes, seed, opsets):
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    model, note = build(name, num_classes, size)
    with torch.no_grad():
        randomise_batchnorm(model, gen)
        redraw_zero_weights(model, gen)
    model.eval()
    x = torch.rand(batch, 3, size, size, generator=gen)
    path = os.path.join(out_dir, name)
    os.makedirs(path, exist_ok=True)
    export(model, x, os.path.join(path, "model.onnx"), 17)
    for opset in (o for o in opsets if o != 17):
        failed = os.path.join(path, f"model-opset{opset}.failed.txt")
        target = os.path.join(path, f"model-opset{opset}.onnx")
        try:
            export(model, x, target, opset)
        except Exception as e:  # torch cannot export every op at every opset; the test names it
            if os.path.exists(target):  # written before the exporter's own checker refused it
                os.remove(target)
            with open(failed, "w") as f:
                f.write(f"{type(e).__name__}: {str(e).splitlines()[0]}\n")
    with torch.no_grad():
        logits = model(x)
    c = torch.randn(logits.shape, generator=gen)
    model64 = model.double()
    x64 = x.double().requires_grad_(True)
    (grad,) = torch.autograd.grad(model64(x64), x64, grad_outputs=c.double())
    np.save(os.path.join(path, "input.npy"), x.numpy().astype(np.float32))
    np.save(os.path.join(path, "cotangent.npy"), c.numpy().astype(np.float32))
    np.save(os.path.join(path, "grad.npy"), grad.numpy().astype(np.float32))
    meta = {"architecture": name, "torch": torch.__version__, "torchvision": torchvision.__version__,
            "seed": seed, "input_size": size, "batch": batch, "num_classes": num_classes,
            "opsets": opsets, "reference": "torch.autograd.grad in float64 on the same weights",
            "export_note": note}
    with open(os.path.join(path, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)


# The four the parity requirement names first, then more architectures that export at opset 17.
REQUIRED = ["resnet18", "vgg11_bn", "mobilenet_v2", "densenet121"]
EXTRA = ["squeezenet1_1", "shufflenet_v2_x0_5", "mnasnet0_5", "mobilenet_v3_small", "efficientnet_b0",
         "regnet_y_400mf", "googlenet", "resnext50_32x4d", "convnext_tiny", "vit_b_16"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--out", default=os.path.join(here, "..", "OnnxCd.Tests", "TestData", "generated", "torchvision"))
    parser.add_argument("--only", default="", help="comma-separated architecture names")
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--num-classes", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--opsets", default="7,9,11,13,17", help="comma-separated opsets to export at (17 is always written)")
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n] or REQUIRED + EXTRA
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    failed = []
    for name in names:
        try:
            make(name, args.out, args.size, args.batch, args.num_classes, args.seed, [int(o) for o in args.opsets.split(",") if o])
            print(f"{name}: ok", flush=True)
        except Exception as e:  # report every architecture, then fail at the end
            failed.append(name)
            print(f"{name}: FAILED: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
    if failed:
        sys.exit(f"export failed for: {', '.join(failed)}")


if __name__ == "__main__":
    main()
