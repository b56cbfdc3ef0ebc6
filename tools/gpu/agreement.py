#!/usr/bin/env python3
"""Inputs, PyTorch references and the agreement figures of the GPU check (tools/gpu/device-check.sh).

  prepare --model fmnist|resnet18 --work DIR --torch-device cuda|cpu [--batch 64] [--steps 10,100]
      Writes DIR/model.txt (the ONNX file OnnxCd runs), x.npy (random images), c.npy (a random
      cotangent of the logits), noise_S.npy ([S,N,C], one per step count), and PyTorch's answers
      on the same network and weights: vjp_torch.npy (autograd in float32 on --torch-device),
      vjp_torch64.npy (float64 on the CPU, the ground truth) and masks_torch_S.npy (the reference
      CD, tools/reference_cd.py, on --torch-device with the same noise, S steps).
  compare --work DIR --runs cpu,device --out FILE.json
      Reads OnnxCd's answers (vjp_RUN.npy, distill_RUN_S/masks.npy; RUN names where OnnxCd ran:
      cpu, and device, the GPU or in a dry run the CPU again; where present also the device's other
      settings: device-heuristic, device-default, device-tf32, auto, and device-features against
      cpu-features) and writes how far each
      is from the others: the input gradient as ||a - b|| / ||b||, the masks after the fewest steps
      per sample (max |dm|: at most 10 in 64 samples over 1e-4 and a median under 1e-5, as
      CudaPathTests and ReferenceParityTests require), the L1 scores after the most steps (median
      relative difference, rank correlation).
  scans --cpu DIR --device DIR --out FILE.json
      Two scans of one scan set, on the CPU and on the device: each one's AUROC and flagged count, and per sample the largest
      L1 and suspicion differences, their rank correlation and how many flags differ.
  tied --work DIR  /  tied --work DIR --check --out FILE.json
      A max-pooling window with two equal maxima, [[1, 5], [5, 0]]: writes DIR/tied.onnx (MaxPool
      2x2), x.npy and c.npy; with --check reads OnnxCd's input gradients (vjp_cpu.npy and
      vjp_device.npy) and requires both to send dy to the first maximum in row order, (0,1), as the
      CPU and PyTorch do (OnnxCd builds CUDA's backward for the order its kernel scans).
  summary FILE.json...
      One line per figure (of these verdicts and of tools/bench_reference.py --json reports), for the
      end of the device's output.

compare and scans exit with 1 when a figure misses its bound (the constants below, each with why).
"""
import argparse
import csv
import json
import os
import sys

import numpy as np
import torch
from scipy.stats import spearmanr

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from bench_reference import network, on_device  # noqa: E402
from reference_cd import cognitive_distillation  # noqa: E402

# The agreement rule of the CUDA and parity tests: per-sample max |dm| over 1e-4 in at most this
# many of 64 samples, and a median under 1e-5 (OnnxCd.Tests ReferenceParityTests.DivergedPer64);
# after the most steps, L1 scores within a median relative 1e-3 and ranked alike (>= 0.99), as
# ReferenceParityTests.L1After100Steps requires of OnnxCd against PyTorch.
DIVERGED = 1e-4
DIVERGED_PER_64 = 10
MEDIAN = 1e-5
L1_MEDIAN_RELATIVE = 1e-3
RANK_CORRELATION = 0.99
# Input gradients in float32 land near 1e-6 of float64 (measured on the CPU: 2e-7 to 5e-7); cuDNN's
# algorithms (FFT, Winograd) round differently but stay within float32's reach, far under 1e-4.
VJP_RELATIVE = 1e-4
# TF32 rounds convolution and product inputs to 10 mantissa bits (relative 2^-11, about 4.9e-4):
# masks leave the float32 path, scores must stay within a median relative 1e-2 of it (twenty times
# one product's rounding), as CudaPathTests.Tf32_StaysCloseToFloat32 requires.
TF32_L1_MEDIAN_RELATIVE = 1e-2
# Two scans of one set: AUROC within 0.01 and the suspicion ranked alike.
AUROC_DIFFERENCE = 0.01


def prepare(args):
    os.makedirs(args.work, exist_ok=True)
    model, image, onnx_path = network(args.model, args.work)
    with open(os.path.join(args.work, "model.txt"), "w") as f:
        f.write(os.path.abspath(onnx_path))
    gen = torch.Generator().manual_seed(7)
    x = torch.rand(args.batch, *image, generator=gen)
    with torch.no_grad():
        logits = model(x[:1])
    c = torch.randn(args.batch, *logits.shape[1:], generator=gen)
    np.save(os.path.join(args.work, "x.npy"), x.numpy())
    np.save(os.path.join(args.work, "c.npy"), c.numpy())

    if args.torch_device != "cpu":
        # Plain float32, as OnnxCd computes without --tf32 (PyTorch lets cuDNN use TF32 by default).
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    for dtype, device, name in [(torch.float32, args.torch_device, "vjp_torch.npy"), (torch.float64, "cpu", "vjp_torch64.npy")]:
        net = model.to(device=device, dtype=dtype)
        xd = x.detach().to(device=device, dtype=dtype).requires_grad_(True)
        (net(xd) * c.to(device=device, dtype=dtype)).sum().backward()
        np.save(os.path.join(args.work, name), xd.grad.double().cpu().numpy())
    model = model.to(device=args.torch_device, dtype=torch.float32)

    for steps in [int(s) for s in args.steps.split(",")]:
        noise = torch.rand(steps, args.batch, image[0], generator=gen)
        np.save(os.path.join(args.work, f"noise_{steps}.npy"), noise.numpy())
        with on_device(args.torch_device):
            masks = cognitive_distillation(lambda v: model(v), x.to(args.torch_device), noise.to(args.torch_device), steps, 0.1, 0.01, 1.0)
        np.save(os.path.join(args.work, f"masks_torch_{steps}.npy"), masks.cpu().numpy())
    print(f"agreement: prepared {args.model} in {args.work} (torch {torch.__version__} on {args.torch_device})", file=sys.stderr)


def relative(a, b):
    return float(np.linalg.norm((a - b).ravel()) / max(np.linalg.norm(b.ravel()), 1e-30))


def rank_correlation(a, b):
    return float(spearmanr(a, b).correlation)


def masks_agree(a, b):
    worst = np.abs(a - b).reshape(len(a), -1).max(axis=1)
    diverged = int((worst > DIVERGED).sum())
    median = float(np.median(worst))
    return {"samples": len(worst), "diverged_over_1e-4": diverged, "median_max_abs": median, "worst": float(worst.max()),
            "pass": diverged * 64 <= len(worst) * DIVERGED_PER_64 and median <= MEDIAN}


def l1_agree(a, b):
    la, lb = a.reshape(len(a), -1).sum(axis=1, dtype=np.float64), b.reshape(len(b), -1).sum(axis=1, dtype=np.float64)
    median, rank = float(np.median(np.abs(la - lb) / np.maximum(np.abs(lb), 1e-12))), rank_correlation(la, lb)
    return {"median_relative": median, "rank_correlation": rank, "pass": median <= L1_MEDIAN_RELATIVE and rank >= RANK_CORRELATION}


def compare(args):
    work = args.work
    load = lambda name: np.load(os.path.join(work, name))  # noqa: E731
    devices = [d for d in args.runs.split(",") if d]
    steps = sorted(int(f[len("noise_"):-len(".npy")]) for f in os.listdir(work) if f.startswith("noise_"))
    answers = {"torch": {"vjp": load("vjp_torch.npy"), **{s: load(f"masks_torch_{s}.npy") for s in steps}}}
    for device in devices:
        answers[device] = {"vjp": load(f"vjp_{device}.npy").astype(np.float64),
                           **{s: np.load(os.path.join(work, f"distill_{device}_{s}", "masks.npy")) for s in steps}}
    truth = load("vjp_torch64.npy")
    pairs = [(d, "torch") for d in devices] + [(a, b) for i, a in enumerate(devices) for b in devices[i + 1:]]
    report = {"model": open(os.path.join(work, "model.txt")).read(), "vjp_against_float64": {k: relative(v["vjp"], truth) for k, v in answers.items()},
              "pairs": {}}
    for a, b in pairs:
        report["pairs"][f"{a} vs {b}"] = {"vjp_relative": relative(answers[a]["vjp"], answers[b]["vjp"]),
                                          f"masks_{steps[0]}_steps": masks_agree(answers[a][steps[0]], answers[b][steps[0]]),
                                          f"l1_{steps[-1]}_steps": l1_agree(answers[a][steps[-1]], answers[b][steps[-1]])}
    report["variants"] = variants(work, steps, answers)
    report["pass"] = all(v <= VJP_RELATIVE for v in report["vjp_against_float64"].values()) and all(
        r["vjp_relative"] <= VJP_RELATIVE and all(c["pass"] for c in r.values() if isinstance(c, dict)) for r in report["pairs"].values()) and all(
        v["pass"] for v in report["variants"].values())
    with open(args.out, "w") as f:
        json.dump(report, f, indent=2)
    return 0 if report["pass"] else 1


def variants(work, steps, answers):
    """The device's other settings, where the check ran them: each cuDNN search and CD-F (feature
    mode) against the CPU (the mask rule, fewest steps), TF32 against float32 on the device (L1,
    most steps), and --device auto, which must pick the provider an explicit --device picked.
    answers holds the masks of the cpu and device runs, already read."""
    fewest, most = steps[0], steps[-1]
    ran = lambda run, s: os.path.isdir(os.path.join(work, f"distill_{run}_{s}"))  # noqa: E731
    masks = lambda run, s: np.load(os.path.join(work, f"distill_{run}_{s}", "masks.npy"))  # noqa: E731
    found = {}
    for search in ["heuristic", "default"]:
        if ran(f"device-{search}", fewest):
            found[f"cudnn {search} vs cpu, {fewest} steps"] = masks_agree(masks(f"device-{search}", fewest), answers["cpu"][fewest])
    if ran("device-features", fewest):
        found[f"CD-F device vs cpu, {fewest} steps"] = masks_agree(masks("device-features", fewest), masks("cpu-features", fewest))
    if ran("device-tf32", most):
        l1 = l1_agree(masks("device-tf32", most), answers["device"][most])
        found[f"tf32 vs float32, {most} steps"] = {**l1, "pass": l1["median_relative"] <= TF32_L1_MEDIAN_RELATIVE}
    if ran("auto", fewest):
        auto, explicit = (json.load(open(os.path.join(work, f"distill_{run}_{fewest}", "distill.json")))["provider"] for run in ["auto", "device"])
        found["--device auto"] = {"provider": auto, "explicit": explicit, "pass": auto == explicit}
    return found


def read_scan(folder):
    with open(os.path.join(folder, "scores.csv")) as f:
        rows = sorted(csv.DictReader(f), key=lambda r: int(r["index"]))
    with open(os.path.join(folder, "summary.json")) as f:
        summary = json.load(f)["summary"]
    return rows, summary


def scans(args):
    (cpu_rows, cpu), (device_rows, device) = read_scan(args.cpu), read_scan(args.device)
    if [r["index"] for r in cpu_rows] != [r["index"] for r in device_rows]:
        sys.exit(f"agreement: the scans in {args.cpu} and {args.device} scored different samples")
    column = lambda rows, name: np.array([float(r[name]) for r in rows])  # noqa: E731
    report = {"samples": len(cpu_rows), "auroc": {"cpu": (cpu.get("metrics") or {}).get("auroc"), "device": (device.get("metrics") or {}).get("auroc")},
              "flagged": {"cpu": cpu["flagged"], "device": device["flagged"]},
              "suspected_target": {"cpu": cpu.get("suspectedTarget"), "device": device.get("suspectedTarget")},
              "flags_differing": sum(a["flagged"] != b["flagged"] for a, b in zip(cpu_rows, device_rows))}
    for name in ["l1", "suspicion"]:
        a, b = column(device_rows, name), column(cpu_rows, name)
        report[name] = {"max_abs_difference": float(np.abs(a - b).max()), "rank_correlation": rank_correlation(a, b)}
    aurocs = list(report["auroc"].values())
    report["pass"] = report["suspicion"]["rank_correlation"] >= RANK_CORRELATION and (
        None in aurocs or abs(aurocs[0] - aurocs[1]) <= AUROC_DIFFERENCE)
    with open(args.out, "w") as f:
        json.dump(report, f, indent=2)
    return 0 if report["pass"] else 1


def tied(args):
    if not args.check:
        import onnx
        from onnx import TensorProto, helper
        os.makedirs(args.work, exist_ok=True)
        graph = helper.make_graph([helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[2, 2], strides=[2, 2])], "tied",
                                  [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 2, 2])],
                                  [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1, 1, 1])])
        onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), os.path.join(args.work, "tied.onnx"))
        np.save(os.path.join(args.work, "x.npy"), np.array([1, 5, 5, 0], dtype=np.float32).reshape(1, 1, 2, 2))
        np.save(os.path.join(args.work, "c.npy"), np.ones((1, 1, 1, 1), dtype=np.float32))
        return 0
    expected = [0.0, 1.0, 0.0, 0.0]
    report = {run: np.load(os.path.join(args.work, f"vjp_{run}.npy")).ravel().tolist() for run in ["cpu", "device"]}
    report["expected"] = expected
    report["pass"] = report["cpu"] == expected and report["device"] == expected
    with open(args.out, "w") as f:
        json.dump(report, f, indent=2)
    return 0 if report["pass"] else 1


def summary(args):
    for path in args.files:
        with open(path) as f:
            report = json.load(f)
        name = os.path.basename(path)
        if "rows" in report:
            tag = name[len("bench-"):-len(".json")]
            for row in report["rows"]:
                print(f"bench {tag:28} batch {row['batch_size']:>5}: torch {row['reference_images_per_second']:9.1f} img/s, onnxcd {row['onnxcd_images_per_second']:9.1f} img/s,"
                      f" ratio {row['ratio']:5.2f}, {row['onnxcd_percent_of_peak']:5.1f}% of MatMul peak")
            continue
        verdict = "PASS" if report["pass"] else "FAIL"
        if "expected" in report:
            print(f"{name}: {verdict}; tied max-pooling window's gradient: cpu {report['cpu']}, device {report['device']}, expected {report['expected']}")
        elif "pairs" in report:
            print(f"{name}: {verdict}; input gradient against float64: " + ", ".join(f"{k} {v:.1e}" for k, v in report["vjp_against_float64"].items()))
            for pair, r in report["pairs"].items():
                masks = next(v for k, v in r.items() if k.startswith("masks_"))
                l1 = next(v for k, v in r.items() if k.startswith("l1_"))
                print(f"{name}: {pair}: vjp {r['vjp_relative']:.1e}; masks {'agree' if masks['pass'] else 'DISAGREE'} ({masks['diverged_over_1e-4']}/{masks['samples']}"
                      f" over 1e-4, median {masks['median_max_abs']:.1e}); L1 median rel {l1['median_relative']:.1e}, rank corr {l1['rank_correlation']:.4f}")
            for variant, v in report.get("variants", {}).items():
                mark = "agrees" if v["pass"] else "DISAGREES"
                detail = (f"provider {v['provider']} (explicit: {v['explicit']})" if "provider" in v else
                          f"{v['diverged_over_1e-4']}/{v['samples']} masks over 1e-4, median {v['median_max_abs']:.1e}" if "samples" in v else
                          f"L1 median rel {v['median_relative']:.1e}, rank corr {v['rank_correlation']:.4f}")
                print(f"{name}: {variant}: {mark}; {detail}")
        else:
            print(f"{name}: {verdict}; {report['samples']} samples: AUROC cpu {report['auroc']['cpu']} device {report['auroc']['device']}; flagged {report['flagged']['cpu']}/{report['flagged']['device']}"
                  f" ({report['flags_differing']} differ); suspicion max |d| {report['suspicion']['max_abs_difference']:.1e}, rank corr {report['suspicion']['rank_correlation']:.4f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    verbs = parser.add_subparsers(dest="verb", required=True)
    p = verbs.add_parser("prepare")
    p.add_argument("--model", choices=["fmnist", "resnet18"], required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--torch-device", default="cpu")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--steps", default="10,100", help="step counts of the reference CD runs; the fewest compare masks, the most L1 scores")
    p = verbs.add_parser("compare")
    p.add_argument("--work", required=True)
    p.add_argument("--runs", default="cpu,device")
    p.add_argument("--out", required=True)
    p = verbs.add_parser("scans")
    p.add_argument("--cpu", required=True)
    p.add_argument("--device", required=True)
    p.add_argument("--out", required=True)
    p = verbs.add_parser("tied")
    p.add_argument("--work", required=True)
    p.add_argument("--check", action="store_true")
    p.add_argument("--out")
    p = verbs.add_parser("summary")
    p.add_argument("files", nargs="+")
    args = parser.parse_args()
    sys.exit({"prepare": prepare, "compare": compare, "scans": scans, "tied": tied, "summary": summary}[args.verb](args))


if __name__ == "__main__":
    main()
