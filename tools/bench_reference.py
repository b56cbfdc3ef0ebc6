#!/usr/bin/env python3
"""Time the PyTorch reference CD (tools/reference_cd.py) and, with --onnxcd, OnnxCd on the same network.

The same network runs in both: the shipped Fashion-MNIST SmallCnn (--model fmnist, weights from
onnx-models/pytorch/fmnist-cnn-clean.pt, ONNX onnx-models/fmnist-cnn-clean.onnx) or a torchvision
ResNet-18 with 10 classes at 32x32 and random weights (--model resnet18, exported to ONNX here).
For each batch size: one warm-up run, then --repeat timed runs of a full CD-L run over one batch of
random images (reference pass and --steps Adam steps); the median is reported. With --onnxcd, the
OnnxCd bench runs right after with the same batch sizes, steps and thread count, and the ratio of
images/s is printed: both measured in one run, on one machine.

Usage: /usr/bin/python3 tools/bench_reference.py --model fmnist|resnet18 [--batch-sizes 1,16,64]
       [--steps 100] [--threads 2] [--repeat 3] [--onnxcd "dotnet OnnxCd.Cli/bin/Release/net10.0/onnxcd.dll"] [--json]
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from reference_cd import cognitive_distillation  # noqa: E402
from train_fmnist_cnn import SmallCnn  # noqa: E402

MODELS = os.path.join(HERE, "..", "onnx-models")


def network(name, folder):
    """The PyTorch module, its input [C,H,W] and the ONNX file OnnxCd benches."""
    if name == "fmnist":
        model = SmallCnn()
        model.load_state_dict(torch.load(os.path.join(MODELS, "pytorch", "fmnist-cnn-clean.pt")))
        return model.eval(), (1, 28, 28), os.path.join(MODELS, "fmnist-cnn-clean.onnx")
    torch.manual_seed(0)
    model = torchvision.models.resnet18(num_classes=10).eval()
    path = os.path.join(folder, "resnet18-32.onnx")
    torch.onnx.export(model, torch.rand(2, 3, 32, 32), path, opset_version=17, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    return model, (3, 32, 32), path


def time_reference(model, image, batch, steps, repeat):
    # Only the mask needs a gradient: without this, autograd would also compute every weight's
    # gradient at each step, work OnnxCd does not do, and the reference would look slower than it is.
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    gen = torch.Generator().manual_seed(batch)
    images = torch.rand(batch, *image, generator=gen)
    noise = torch.rand(steps, batch, image[0], generator=gen)
    run = lambda: cognitive_distillation(lambda x: model(x), images, noise, steps, 0.1, 0.01, 1.0)  # noqa: E731
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=["fmnist", "resnet18"], default="fmnist")
    parser.add_argument("--batch-sizes", default="1,16,64")
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--onnxcd", help="command that runs onnxcd, to bench OnnxCd right after the reference")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    batches = [int(b) for b in args.batch_sizes.split(",") if b]
    with tempfile.TemporaryDirectory() as folder:
        model, image, onnx_path = network(args.model, folder)
        rows = []
        for batch in batches:
            seconds = time_reference(model, image, batch, args.steps, args.repeat)
            rows.append({"batch_size": batch, "reference_seconds": seconds, "reference_images_per_second": batch / seconds})
            print(f"reference: batch {batch}: {batch / seconds:.1f} images/s", file=sys.stderr, flush=True)
        if args.onnxcd:
            command = shlex.split(args.onnxcd) + ["bench", "--model", onnx_path, "--batch-sizes", args.batch_sizes, "--steps", str(args.steps),
                                                  "--threads", str(args.threads), "--repeat", str(args.repeat), "--device", "cpu", "--json"]
            ours = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
            for row, result in zip(rows, ours["results"]):
                row["onnxcd_images_per_second"] = result["imagesPerSecond"]
                row["onnxcd_gflops"] = result["gflops"]
                row["onnxcd_percent_of_peak"] = result["percentOfPeak"]
                row["ratio"] = result["imagesPerSecond"] / row["reference_images_per_second"]
    report = {"model": args.model, "torch": torch.__version__, "threads": args.threads, "steps": args.steps, "repeat": args.repeat,
              "matmul_peak_gflops": ours["matMulPeakGflops"] if args.onnxcd else None, "rows": rows}
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"{args.model}, CD-L, {args.steps} steps, {args.threads} threads, torch {torch.__version__}"
          + (f", ONNX Runtime MatMul peak {report['matmul_peak_gflops']:.1f} GFLOP/s" if args.onnxcd else ""))
    for row in rows:
        line = f"batch {row['batch_size']:>4}: reference {row['reference_images_per_second']:8.1f} images/s"
        if "ratio" in row:
            line += (f", OnnxCd {row['onnxcd_images_per_second']:8.1f} images/s ({row['onnxcd_gflops']:.1f} GFLOP/s,"
                     f" {row['onnxcd_percent_of_peak']:.0f}% of peak), ratio {row['ratio']:.2f}")
        print(line)


if __name__ == "__main__":
    main()
