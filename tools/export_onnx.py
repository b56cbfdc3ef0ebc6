#!/usr/bin/env python3
"""Export a PyTorch image classifier to ONNX the way OnnxCd expects it.

  --torchvision NAME [--num-classes K] [--input-size S] --out FILE      a torchvision model by name
  --module pkg.mod:Class [--checkpoint FILE] --input-size S --out FILE  your own nn.Module

The model is put in eval mode and exported at opset 17 with a dynamic batch axis, input `input`
[batch,C,S,S] and output `logits` [batch,K]; `--features` adds the CD-F feature map (the input of the
last global pooling, or the last 4-D map, found with forward hooks) as a second output `features`. The input size,
channel count, value range and the normalisation (`--mean/--std`, or none) go into the model's
metadata_props (onnxcd.input_size, onnxcd.channels, onnxcd.value_range, onnxcd.mean, onnxcd.std),
which `onnxcd distill` and `scan` read, so the normalisation runs inside OnnxCd's graph and masks act
on [0,1] pixels. The export is refused when it holds BatchNormalization or Dropout in training mode.
Last, ONNX Runtime's logits are compared with PyTorch's on a random batch and the maximum difference
is printed (with the `onnxruntime` Python package, or with `onnxcd predict` given by --onnxcd or the
ONNXCD environment variable, e.g. "dotnet OnnxCd.Cli/bin/Release/net10.0/onnxcd.dll").

Tried with PyTorch 1.13 and torchvision 0.14 (Debian's python3-torch, python3-torchvision).

Usage: /usr/bin/python3 tools/export_onnx.py --torchvision resnet18 --num-classes 10 --input-size 32 --out resnet18.onnx
"""
import argparse
import importlib
import os
import shlex
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import torch
from torch import nn

from onnx_exporter import torchscript_exporter


class WithFeatures(nn.Module):
    """Returns (logits, features): the input of the last global pooling module or, when the model
    pools functionally (as torchvision's MobileNetV2), the last 4-D output of a leaf module."""

    def __init__(self, model):
        super().__init__()
        self.model = model
        self.captured = None
        pools = [m for m in model.modules() if isinstance(m, (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d))]
        if pools:
            pools[-1].register_forward_hook(lambda module, inputs, output: setattr(self, "captured", inputs[0]))
            return
        for module in model.modules():
            if not list(module.children()):
                module.register_forward_hook(lambda module, inputs, output: setattr(self, "captured", output) if torch.is_tensor(output) and output.dim() == 4 else None)

    def forward(self, x):
        logits = self.model(x)
        if self.captured is None:
            sys.exit("export_onnx: --features found no 4-D feature map in the model.")
        return logits, self.captured


def build(args):
    if args.torchvision:
        import torchvision
        kwargs = {"weights": None}
        if args.num_classes:
            kwargs["num_classes"] = args.num_classes
        if args.torchvision == "googlenet":
            kwargs.update(aux_logits=False, init_weights=True)
        return getattr(torchvision.models, args.torchvision)(**kwargs)
    module_name, _, class_name = args.module.partition(":")
    if not class_name:
        sys.exit(f"export_onnx: --module '{args.module}' must be package.module:Class")
    model = getattr(importlib.import_module(module_name), class_name)()
    if args.checkpoint:
        state = torch.load(args.checkpoint, map_location="cpu")
        model.load_state_dict(state.get("state_dict", state) if isinstance(state, dict) else state)
    return model


def refuse_training_mode(model):
    problems = []
    for node in model.graph.node:
        if node.op_type == "BatchNormalization" and any(a.name == "training_mode" and a.i == 1 for a in node.attribute):
            problems.append(f"{node.name} (BatchNormalization, training_mode=1)")
        if node.op_type == "Dropout" and len(node.input) > 2 and node.input[2]:
            problems.append(f"{node.name} (Dropout with a training_mode input)")
    if problems:
        sys.exit("export_onnx: the export holds layers in training mode; call model.eval() and remove forced training: " + ", ".join(problems))


def onnxruntime_logits(path, x, onnxcd):
    try:
        import onnxruntime
        session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
        return session.run(["logits"], {"input": x})[0], "onnxruntime (Python)"
    except ImportError:
        pass
    command = onnxcd or os.environ.get("ONNXCD")
    if not command:
        return None, "no ONNX Runtime: install the onnxruntime Python package, or pass --onnxcd (see --help)"
    with tempfile.TemporaryDirectory() as folder:
        np.save(os.path.join(folder, "x.npy"), x)
        result = subprocess.run(shlex.split(command) + ["predict", "--model", path, "--input", os.path.join(folder, "x.npy"),
                                                       "--out", os.path.join(folder, "y.npy"), "--output", "logits"], capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"export_onnx: onnxcd predict failed: {result.stderr.strip()}")
        return np.load(os.path.join(folder, "y.npy")), "onnxcd predict (ONNX Runtime, C#)"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--torchvision", help="a torchvision classification model name, e.g. resnet18")
    source.add_argument("--module", help="your nn.Module as package.module:Class (importable from the current folder)")
    parser.add_argument("--checkpoint", help="state_dict for --module (a file saved with torch.save)")
    parser.add_argument("--num-classes", type=int)
    parser.add_argument("--input-size", type=int, default=224)
    parser.add_argument("--channels", type=int, default=3)
    parser.add_argument("--mean", help="per-channel mean the model expects, e.g. 0.485,0.456,0.406")
    parser.add_argument("--std", help="per-channel std the model expects, e.g. 0.229,0.224,0.225")
    parser.add_argument("--features", action="store_true", help="also output the CD-F feature map as 'features'")
    parser.add_argument("--opset", type=int, default=17)
    parser.add_argument("--onnxcd", help='command that runs onnxcd, e.g. "dotnet OnnxCd.Cli/bin/Release/net10.0/onnxcd.dll"')
    parser.add_argument("--save-check", help="folder to write the check batch (input.npy) and PyTorch's logits (logits.npy)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if (args.mean is None) != (args.std is None):
        sys.exit("export_onnx: --mean and --std go together")

    torch.manual_seed(0)
    model = build(args).eval()
    exported = WithFeatures(model).eval() if args.features else model
    x = torch.rand(2, args.channels, args.input_size, args.input_size)
    outputs = ["logits", "features"] if args.features else ["logits"]
    torch.onnx.export(exported, x, args.out, opset_version=args.opset, input_names=["input"], output_names=outputs,
                      dynamic_axes={name: {0: "batch"} for name in ["input"] + outputs}, do_constant_folding=True,
                      **torchscript_exporter())
    onnx_model = onnx.load(args.out)
    onnx.checker.check_model(onnx_model)
    refuse_training_mode(onnx_model)
    metadata = {"onnxcd.input_size": f"{args.input_size}x{args.input_size}", "onnxcd.channels": str(args.channels),
                "onnxcd.value_range": "0,1", "onnxcd.exporter": f"tools/export_onnx.py, torch {torch.__version__}"}
    if args.mean:
        metadata.update({"onnxcd.mean": args.mean, "onnxcd.std": args.std})
    else:
        metadata["onnxcd.normalisation"] = "none"
    if args.features:
        metadata["onnxcd.feature"] = "features"
    for key, value in metadata.items():
        onnx_model.metadata_props.add(key=key, value=value)
    onnx.save(onnx_model, args.out)

    with torch.no_grad():
        expected = model(x).numpy()
    if args.save_check:
        os.makedirs(args.save_check, exist_ok=True)
        np.save(os.path.join(args.save_check, "input.npy"), x.numpy())
        np.save(os.path.join(args.save_check, "logits.npy"), expected)
    actual, runtime = onnxruntime_logits(args.out, x.numpy(), args.onnxcd)
    print(f"exported {args.out}: opset {args.opset}, input [batch,{args.channels},{args.input_size},{args.input_size}], outputs {outputs}")
    if actual is None:
        print(f"check skipped: {runtime}")
    else:
        print(f"max |ONNX Runtime − PyTorch| logits difference on a random batch of 2: {np.abs(actual - expected).max():.3g} ({runtime})")


if __name__ == "__main__":
    main()
