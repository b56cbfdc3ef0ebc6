#!/usr/bin/env python3
"""Measure detection on every shipped scan set, in every mode, and write the table into onnx-models/README.md.

For each scan set named in onnx-models/manifest.json (and the clean scan set, scanned with the clean
model), runs `onnxcd scan` once per mode:
  default   no --mode: what a user gets (probability mode, class-relative suspicion)
  logits    --mode logits: the paper's CD-L, ranked by −L1
  features  --mode features: the paper's CD-F, ranked by −L1
and scores a fourth row without another CD run: "probs −L1", the default run's masks ranked by −L1
(probability mode as it was before class-relative suspicion). For each it reports AUROC, AUPRC and
TPR at 5% FPR (computed here from scores.csv and checked against the scan's own summary.json), and for
the default run the flagging rule's precision and recall, the suspected target class against the true
one, and images/s against CD-L's.

Guard against tuning to the table: the default was chosen on the CHOSEN attacks only (the four first
shipped and Trojan); every other set is held out, and the table says which is which.

Scans are kept under --work and reused when their summary.json exists (--fresh to redo them).

Usage: /usr/bin/python3 tools/detection_lab.py [--modes default,logits,features] [--work lab-out]
       [--cli "dotnet OnnxCd.Cli/bin/Release/net10.0/onnxcd.dll"] [--write-readme]
"""
import argparse
import csv
import json
import os
import shlex
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
MODELS = os.path.join(ROOT, "onnx-models")
CHOSEN = ["badnets", "blend", "sig", "wanet", "trojan"]
BEGIN, END = "<!-- detection-lab:begin -->", "<!-- detection-lab:end -->"


def scan_sets():
    """(name, model file, true target or None for all-to-all/clean) for every shipped scan set."""
    manifest = json.load(open(os.path.join(MODELS, "manifest.json")))
    sets = []
    for model, entry in manifest.items():
        if "scan_set" not in entry:
            continue
        name = model[len("fmnist-"):-len(".onnx")]
        target = entry["target_class"] if isinstance(entry["target_class"], int) else None
        sets.append((name, model, target))
    if os.path.exists(os.path.join(MODELS, "scansets", "clean-images.npy")):
        sets.append(("clean", "fmnist-cnn-clean.onnx", None))
    order = {name: i for i, name in enumerate(CHOSEN)}
    return sorted(sets, key=lambda s: (s[0] not in order, order.get(s[0], 0), s[0] == "clean"))


def run_scan(cli, name, model, mode, work, fresh):
    out = os.path.join(work, name, mode)
    if os.path.exists(os.path.join(out, "summary.json")) and not fresh:
        return out
    prefix = os.path.join(MODELS, "scansets", name)
    command = shlex.split(cli) + ["scan", "--model", os.path.join(MODELS, model), "--data", f"{prefix}-images.npy",
                                  "--labels", f"{prefix}-labels.npy", "--truth", f"{prefix}-poison.npy",
                                  "--device", "cpu", "--out", out]
    if mode != "default":
        command += ["--mode", mode]
    if os.path.exists(out):
        subprocess.run(["rm", "-rf", out], check=True)
    print(f"{name} {mode}: scanning", flush=True)
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"onnxcd scan failed on {name} ({mode}), exit {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return out


def read_scores(folder):
    rows = list(csv.DictReader(open(os.path.join(folder, "scores.csv"))))
    l1 = np.array([float(r["l1"]) for r in rows])
    suspicion = np.array([float(r["suspicion"]) for r in rows])
    poisoned = np.array([r.get("poisoned") == "1" for r in rows])
    return l1, suspicion, poisoned


def metrics(suspicion, poisoned):
    """AUROC (ties half), average precision and TPR at 5% FPR, as OnnxCd's DetectionMetrics defines them."""
    if poisoned.all() or not poisoned.any():
        return None
    order = np.argsort(-suspicion, kind="stable")
    s, p = suspicion[order], poisoned[order]
    positives, negatives = p.sum(), (~p).sum()
    tp = fp = auroc = ap = 0.0
    best_tpr = 0.0
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        group_tp, group_fp = p[i:j].sum(), (~p[i:j]).sum()
        auroc += group_fp * (tp + group_tp / 2)
        tp += group_tp
        fp += group_fp
        ap += group_tp / positives * (tp / (tp + fp))
        if fp / negatives <= 0.05 + 1e-12:
            best_tpr = max(best_tpr, tp / positives)
        i = j
    return {"auroc": auroc / (positives * negatives), "auprc": ap, "tpr5": best_tpr}


def measure(sets, modes, work, cli, fresh):
    results = []
    for name, model, target in sets:
        entry = {"set": name, "role": "chosen" if name in CHOSEN else ("control" if name == "clean" else "held out"),
                 "target": target, "rows": {}}
        for mode in modes:
            folder = run_scan(cli, name, model, mode, work, fresh)
            summary = json.load(open(os.path.join(folder, "summary.json")))["summary"]
            l1, suspicion, poisoned = read_scores(folder)
            row = metrics(suspicion, poisoned)
            if row is not None and abs(row["auroc"] - summary["metrics"]["auroc"]) > 1e-9:
                sys.exit(f"{name} {mode}: AUROC {row['auroc']} here but {summary['metrics']['auroc']} in summary.json")
            run = summary["runs"][-1]
            entry["rows"][mode] = {**(row or {}), "images_per_s": run["scanned"] / run["seconds"]}
            if mode == "default":
                confusion = (summary.get("metrics") or {}).get("confusion")
                suspected = summary.get("suspectedTarget")
                entry["flagged"] = summary["flagged"]
                entry["suspected"] = None if suspected is None else suspected["class"]["class"]
                if confusion:
                    flagged = confusion["truePositives"] + confusion["falsePositives"]
                    entry["precision"] = confusion["truePositives"] / flagged if flagged else 0.0
                    entry["recall"] = confusion["truePositives"] / (confusion["truePositives"] + confusion["falseNegatives"])
                probs_l1 = metrics(-l1, poisoned)
                if probs_l1 is not None:
                    entry["rows"]["probs −L1"] = probs_l1
        results.append(entry)
        print(json.dumps(entry), flush=True)
    return results


def table(results, modes):
    columns = [m for m in ["default", "probs −L1", "logits", "features"] if m in modes or m == "probs −L1" and "default" in modes]
    names = {"default": "default (probs, class-relative)", "probs −L1": "probs, −L1", "logits": "CD-L (paper)", "features": "CD-F (paper)"}
    lines = ["| scan set | role | " + " | ".join(f"{names[c]} AUROC / AUPRC / TPR@5%" for c in columns)
             + " | default rule: precision / recall | suspected target (true) |",
             "|---|---|" + "---|" * len(columns) + "---|---|"]
    for e in results:
        cells = []
        for c in columns:
            r = e["rows"].get(c, {})
            cells.append(f"{r['auroc']:.3f} / {r['auprc']:.3f} / {r['tpr5']:.2f}" if "auroc" in r else "—")
        if "flagged" not in e:
            lines.append(f"| {e['set']} | {e['role']} | " + " | ".join(cells) + " | — | — |")
            continue
        rule = f"{e['precision']:.2f} / {e['recall']:.2f}" if "precision" in e else f"{e['flagged']} flagged, no poison"
        truth = "none" if e["target"] is None else e["target"]
        suspected = "none" if e["suspected"] is None else e["suspected"]
        mark = " ✓" if suspected == truth else " ✗"
        lines.append(f"| {e['set']} | {e['role']} | " + " | ".join(cells) + f" | {rule} | {suspected} ({truth}){mark} |")
    held = [e["rows"]["default"]["auroc"] for e in results if "auroc" in e["rows"].get("default", {})]
    all_to_one = [e for e in results if e["target"] is not None and "flagged" in e]
    clean = [e for e in results if e["set"] == "clean" and "flagged" in e]
    if held:
        lines.append("")
        lines.append(f"Default AUROC: ≥ 0.95 on {sum(a >= 0.95 for a in held)} of {len(held)} attack sets, ≥ 0.90 on "
                     f"{sum(a >= 0.90 for a in held)}, lowest {min(held):.3f}. Suspected target right on "
                     f"{sum(e['suspected'] == e['target'] for e in all_to_one)} of {len(all_to_one)} all-to-one sets"
                     + "".join(f"; the clean model's scan names {'no class' if e['suspected'] is None else 'class ' + str(e['suspected'])}"
                               for e in clean) + ".")
    speed = [(e["rows"]["default"]["images_per_s"], e["rows"]["logits"]["images_per_s"]) for e in results
             if "default" in e["rows"] and "logits" in e["rows"]]
    if speed:
        ratio = np.median([d / l for d, l in speed])
        lines.append(f"Speed in these scans: the default {np.median([d for d, _ in speed]):.1f} images/s, CD-L "
                     f"{np.median([l for _, l in speed]):.1f} (medians over the sets, ratio {ratio:.2f}; one scan after "
                     f"the other, so load on the machine moves them: compare modes with `onnxcd bench` side by side).")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modes", default="default,logits,features")
    parser.add_argument("--work", default=os.path.join(ROOT, "lab-out"))
    parser.add_argument("--cli", default="dotnet " + os.path.join(ROOT, "OnnxCd.Cli", "bin", "Release", "net10.0", "onnxcd.dll"))
    parser.add_argument("--sets", help="comma-separated subset of the scan sets")
    parser.add_argument("--fresh", action="store_true", help="rescan even where a finished scan exists")
    parser.add_argument("--write-readme", action="store_true", help="replace the table between the markers in onnx-models/README.md")
    args = parser.parse_args()
    modes = [m for m in args.modes.split(",") if m]
    sets = scan_sets()
    if args.sets:
        wanted = args.sets.split(",")
        sets = [s for s in sets if s[0] in wanted]
    results = measure(sets, modes, args.work, args.cli, args.fresh)
    text = table(results, modes)
    print(text)
    with open(os.path.join(args.work, "lab.json"), "w") as f:
        json.dump(results, f, indent=2)
    if args.write_readme:
        path = os.path.join(MODELS, "README.md")
        readme = open(path).read()
        if BEGIN not in readme or END not in readme:
            sys.exit(f"{path} has no {BEGIN} … {END} markers to write the table between")
        start, end = readme.index(BEGIN) + len(BEGIN), readme.index(END)
        open(path, "w").write(readme[:start] + "\n" + text + "\n" + readme[end:])
        print(f"wrote the table into {path}")


if __name__ == "__main__":
    main()
