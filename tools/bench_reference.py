#!/usr/bin/env python3
"""Time the PyTorch reference CD (tools/reference_cd.py) and, with --onnxcd, OnnxCd on the same network.

The same network runs in both: the shipped Fashion-MNIST SmallCnn (--model fmnist, weights from
onnx-models/pytorch/fmnist-cnn-clean.pt, ONNX onnx-models/fmnist-cnn-clean.onnx) or a torchvision
ResNet-18 with 10 classes at 32x32 and random weights (--model resnet18, exported to ONNX here).
For each batch size: one warm-up run, then --repeat timed runs of a full CD-L run over one batch of
random images (reference pass and --steps Adam steps); the median is reported. With --onnxcd, the
OnnxCd bench runs right after with the same batch sizes, steps, thread count, device and GPU
settings, and the ratio of images/s is printed: both measured in one run, on one machine.

On a GPU (--device cuda) both run there. --tf32 allows TF32 in both (PyTorch's cuDNN and matmul
flags; OnnxCd's --tf32); without it both compute in plain float32. --cudnn-search exhaustive (the
default) lets both time convolution algorithms per shape (PyTorch's cudnn.benchmark); heuristic and
default leave PyTorch to its heuristics. PyTorch's timer waits for the GPU before reading the clock.

Usage: /usr/bin/python3 tools/bench_reference.py --model fmnist|resnet18 [--batch-sizes 1,16,64]
       [--steps 100] [--threads 2] [--repeat 3] [--device cpu|cuda] [--tf32]
       [--cudnn-search exhaustive|heuristic|default] [--peak-size 1024]
       [--onnxcd "dotnet OnnxCd.Cli/bin/Release/net10.0/onnxcd.dll"] [--json]
"""
import argparse
import contextlib
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
from onnx_exporter import torchscript_exporter  # noqa: E402
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
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, **torchscript_exporter())
    return model, (3, 32, 32), path


def on_device(device):
    """The reference creates its mask without naming a device: on a GPU, tensors made without one must land there too."""
    return torch.device(device) if device != "cpu" else contextlib.nullcontext()


def time_reference(model, image, batch, steps, repeat, device):
    # Only the mask needs a gradient: without this, autograd would also compute every weight's
    # gradient at each step, work OnnxCd does not do, and the reference would look slower than it is.
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    gen = torch.Generator().manual_seed(batch)
    images = torch.rand(batch, *image, generator=gen).to(device)
    noise = torch.rand(steps, batch, image[0], generator=gen).to(device)

    def run():
        with on_device(device):
            cognitive_distillation(lambda x: model(x), images, noise, steps, 0.1, 0.01, 1.0)
        if device != "cpu":
            torch.cuda.synchronize()

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
    parser.add_argument("--device", default="cpu", help="cpu, cuda or cuda:<index>: where both run")
    parser.add_argument("--tf32", action="store_true", help="allow TF32 in both (GPU only)")
    parser.add_argument("--cudnn-search", choices=["exhaustive", "heuristic", "default"], default="exhaustive")
    parser.add_argument("--peak-size", type=int, default=1024, help="n of OnnxCd's n x n MatMul peak")
    parser.add_argument("--onnxcd", help="command that runs onnxcd, to bench OnnxCd right after the reference")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.device != "cpu":
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = args.tf32
        torch.backends.cudnn.benchmark = args.cudnn_search == "exhaustive"
    batches = [int(b) for b in args.batch_sizes.split(",") if b]
    with tempfile.TemporaryDirectory() as folder:
        model, image, onnx_path = network(args.model, folder)
        model = model.to(args.device)
        rows = []
        for batch in batches:
            seconds = time_reference(model, image, batch, args.steps, args.repeat, args.device)
            rows.append({"batch_size": batch, "reference_seconds": seconds, "reference_images_per_second": batch / seconds})
            print(f"reference: batch {batch}: {batch / seconds:.1f} images/s", file=sys.stderr, flush=True)
        if args.onnxcd:
            command = shlex.split(args.onnxcd) + ["bench", "--model", onnx_path, "--batch-sizes", args.batch_sizes, "--steps", str(args.steps),
                                                  "--threads", str(args.threads), "--repeat", str(args.repeat), "--device", args.device,
                                                  "--cudnn-search", args.cudnn_search, "--peak-size", str(args.peak_size), "--json"]
            command += ["--tf32"] if args.tf32 else []
            ours = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
            for row, result in zip(rows, ours["results"]):
                row["onnxcd_images_per_second"] = result["imagesPerSecond"]
                row["onnxcd_gflops"] = result["gflops"]
                row["onnxcd_percent_of_peak"] = result["percentOfPeak"]
                row["ratio"] = result["imagesPerSecond"] / row["reference_images_per_second"]
    report = {"model": args.model, "torch": torch.__version__, "device": args.device,
              "gpu": torch.cuda.get_device_name(torch.device(args.device)) if args.device != "cpu" else None,
              "tf32": args.tf32, "cudnn_search": args.cudnn_search, "threads": args.threads, "steps": args.steps, "repeat": args.repeat,
              "onnxcd": ours if args.onnxcd else None,
              "matmul_peak_gflops": ours["matMulPeakGflops"] if args.onnxcd else None, "rows": rows}
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"{args.model}, CD-L, {args.steps} steps, {args.device}, {args.threads} threads, torch {torch.__version__}"
          + (f", ONNX Runtime MatMul peak {report['matmul_peak_gflops']:.1f} GFLOP/s" if args.onnxcd else ""))
    for row in rows:
        line = f"batch {row['batch_size']:>4}: reference {row['reference_images_per_second']:8.1f} images/s"
        if "ratio" in row:
            line += (f", OnnxCd {row['onnxcd_images_per_second']:8.1f} images/s ({row['onnxcd_gflops']:.1f} GFLOP/s,"
                     f" {row['onnxcd_percent_of_peak']:.0f}% of peak), ratio {row['ratio']:.2f}")
        print(line)


if __name__ == "__main__":
    main()
