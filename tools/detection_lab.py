#!/usr/bin/env python3
"""Measure detection on every shipped scan set, in every mode, and write the table into onnx-models/README.md.

For each scan set named in the models folder's manifest.json (and the clean scan set, scanned with the
clean model), runs `onnxcd scan` and reads its rows:
  default         no --mode: what a user gets (probability mode, mask-family suspicion, each class's
                  penultimate features split, the suspected target class lifted; the scan also runs CD-L for
                  the mask shapes, as a CD-L scan of its own in default/logits)
  reference       the default scan judged again with the shipped clean reference set (`--reference`, 100 test
                  images of each class; onnx-models/scansets/reference-*.npy): a CD run of the reference only
  no-split        `onnxcd merge DEFAULT --feature-split off`: the default without the feature split, no CD run
  unlifted        `onnxcd merge DEFAULT --target-lift off`: the default's ranking without the target lift
  size-shape      `onnxcd merge DEFAULT --score size-shape`: size and shape without the families (lifted), the
                  previous default, no CD run
  logits          the paper's CD-L, ranked by −L1: default/logits, no CD run of its own
  class-relative  `onnxcd merge DEFAULT --score class-relative --target-lift off`: the default's masks ranked as
                  an earlier default did (probability mode, class-relative), no CD run
  probs-l1        `onnxcd merge DEFAULT --score l1 --target-lift off`: the same masks ranked by −L1, no CD run
  features        --mode features: the paper's CD-F, ranked by −L1
For each it reports AUROC, AUPRC and TPR at 5% FPR from the scan's own summary.json, and for the default
the flagging rule's precision and recall, the suspected target class against the true one, and its cost
(both CD runs) in images/s against CD-L's.

Guard against tuning to the table: the default was developed on the shipped models (seed 0, every set
seen) and is confirmed on models retrained with another seed: `tools/train_backdoor.py --seed 1 --out
DIR` (and `--attacks clean` for a second clean scan set), then this script with `--models DIR
--confirm`, which writes its table between the confirmation markers instead.

Scans are kept under --work and reused when their summary.json exists (--fresh to redo them).
--rejudge re-finalises each finished default and reference scan with the build given (`onnxcd scan ... --resume`: every
sample is already scored, so no CD runs, only the judging: suspicion, flags, suspected target), for a
change in how scans are judged.

Usage: /usr/bin/python3 tools/detection_lab.py [--modes default,unlifted,size-shape,logits,class-relative,probs-l1,features]
       [--models onnx-models] [--confirm] [--work lab-out] [--cli "dotnet OnnxCd.Cli/bin/Release/net10.0/onnxcd.dll"]
       [--write-readme]
"""
import argparse
import json
import os
import shlex
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
MODELS = os.path.join(ROOT, "onnx-models")
FIRST = ["badnets", "blend", "sig", "wanet", "trojan"]
MARKERS = {False: "detection-lab", True: "detection-lab-confirm"}
JUDGED = {"unlifted": ["--target-lift", "off"], "size-shape": ["--score", "size-shape"], "no-split": ["--feature-split", "off"],
          "class-relative": ["--score", "class-relative", "--target-lift", "off"], "probs-l1": ["--score", "l1", "--target-lift", "off"]}


def scan_sets(models):
    """(name, model path, true target or None for all-to-all/clean) for every scan set of the models folder."""
    manifest = json.load(open(os.path.join(models, "manifest.json")))
    sets = []
    for model, entry in manifest.items():
        if "scan_set" not in entry:
            continue
        name = model[len("fmnist-"):-len(".onnx")]
        target = entry["target_class"] if isinstance(entry["target_class"], int) else None
        sets.append((name, os.path.join(models, model), target))
    if os.path.exists(os.path.join(models, "scansets", "clean-images.npy")):
        sets.append(("clean", os.path.join(MODELS, "fmnist-cnn-clean.onnx"), None))
    order = {name: i for i, name in enumerate(FIRST)}
    return sorted(sets, key=lambda s: (s[0] not in order, order.get(s[0], 0), s[0] == "clean"))


def onnxcd(cli, args, what):
    result = subprocess.run(shlex.split(cli) + args, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"onnxcd {args[0]} failed on {what}, exit {result.returncode}:\n{result.stdout}\n{result.stderr}")


REFERENCE = ["--reference", os.path.join(MODELS, "scansets", "reference-images.npy"), "--reference-labels", os.path.join(MODELS, "scansets", "reference-labels.npy")]


def scan_command(model, prefix, out):
    return ["scan", "--model", model, "--data", f"{prefix}-images.npy", "--labels", f"{prefix}-labels.npy",
            "--device", "cpu", "--out", out, "--truth", f"{prefix}-poison.npy"]


def run_scan(cli, models, name, model, mode, work, fresh, rejudge=False):
    """The scan folder of one set in one mode: a scan for default and features, the default's own CD-L
    scan for logits, and `onnxcd merge DEFAULT --score ...` for the rankings of the default's masks."""
    out = os.path.join(work, name, mode)
    if mode == "logits":
        return os.path.join(run_scan(cli, models, name, model, "default", work, fresh), "logits")
    prefix = os.path.join(models, "scansets", name)
    if os.path.exists(os.path.join(out, "summary.json")) and not fresh:
        if rejudge and mode in ("default", "reference"):
            print(f"{name} {mode}: judging again", flush=True)
            onnxcd(cli, scan_command(model, prefix, out) + ["--resume"] + (REFERENCE if mode == "reference" else []), f"{name} ({mode}, judged again)")
        return out
    if os.path.exists(out):
        subprocess.run(["rm", "-rf", out], check=True)
    print(f"{name} {mode}: scanning", flush=True)
    if mode == "reference":
        default = run_scan(cli, models, name, model, "default", work, False)
        subprocess.run(["cp", "-r", default, out], check=True)
        subprocess.run(["rm", "-rf", os.path.join(out, "reference")], check=True)
        onnxcd(cli, scan_command(model, prefix, out) + ["--resume"] + REFERENCE, f"{name} (with the clean reference)")
        return out
    if mode in JUDGED:
        default = run_scan(cli, models, name, model, "default", work, False)
        onnxcd(cli, ["merge", default, "--out", out, *JUDGED[mode], "--truth", f"{prefix}-poison.npy"], name)
        return out
    onnxcd(cli, scan_command(model, prefix, out) + ([] if mode == "default" else ["--mode", mode]), f"{name} ({mode})")
    return out


def seconds(summary, key="runs"):
    """The CD time of a scan: its runs that scored samples (a scan judged again adds a run of none)."""
    return sum(r["seconds"] for r in summary.get(key, []) if r["scanned"] > 0)


def named_target(summary):
    """The class a scan's summary names as the target (None for none): its targetClass, or, in scans judged
    before the feature split, its suspected target."""
    if "targetClass" in summary:
        return summary["targetClass"]
    suspected = summary.get("suspectedTarget")
    return None if suspected is None else suspected["class"]["class"]


def measure(sets, modes, models, work, cli, fresh, confirm, rejudge):
    results = []
    for name, model, target in sets:
        role = "control" if name == "clean" else ("confirmation" if confirm else "development")
        entry = {"set": name, "role": role, "target": target, "rows": {}}
        for mode in modes:
            summary = json.load(open(os.path.join(run_scan(cli, models, name, model, mode, work, fresh, rejudge), "summary.json")))["summary"]
            metrics = summary.get("metrics")
            row = {} if metrics is None else {"auroc": metrics["auroc"], "auprc": metrics["auprc"], "tpr5": metrics["tprAtFpr"]["5%"],
                                              "confusion": metrics["confusion"]}
            entry["rows"][mode] = {**row, "seconds": seconds(summary) + seconds(summary, "shapeRuns"), "scored": summary["scored"]}
            if mode == "reference":
                entry["reference_target"] = named_target(summary)
            if mode == "default":
                confusion = (metrics or {}).get("confusion")
                entry["flagged"] = summary["flagged"]
                entry["suspected"] = named_target(summary)
                if confusion:
                    flagged = confusion["truePositives"] + confusion["falsePositives"]
                    entry["precision"] = confusion["truePositives"] / flagged if flagged else 0.0
                    entry["recall"] = confusion["truePositives"] / (confusion["truePositives"] + confusion["falseNegatives"])
        results.append(entry)
        print(json.dumps(entry), flush=True)
    return results


def pooled(results, mode):
    """The default rule's precision / recall over every set with truth, counted together."""
    confusions = [e["rows"][mode]["confusion"] for e in results if "confusion" in e["rows"].get(mode, {})]
    tp, fp, fn = (sum(c[k] for c in confusions) for k in ("truePositives", "falsePositives", "falseNegatives"))
    return f"{tp / max(1, tp + fp):.3f} / {tp / max(1, tp + fn):.3f}"


def target_mark(suspected, truth):
    """A suspected target class against the true one (None: no class), as the tables show it: `0 (0) ✓`, `none (0) ✗`."""
    named = lambda c: "none" if c is None else c
    return f"{named(suspected)} ({named(truth)}) {'✓' if suspected == truth else '✗'}"


def table(results, modes):
    columns = [m for m in ["default", "reference", "no-split", "unlifted", "size-shape", "class-relative", "probs-l1", "logits", "features"] if m in modes]
    names = {"default": "default (mask families, feature split, target lifted)" if "no-split" in modes else "default (mask families, target lifted)",
             "reference": "default with a clean reference (--reference, 100 test images a class)",
             "no-split": "mask families, no feature split (--feature-split off, the previous default)", "unlifted": "mask families, not lifted (--target-lift off)", "size-shape": "size and shape, lifted (--score size-shape, an earlier default)" if "no-split" in modes else "size and shape, lifted (--score size-shape, the previous default)", "class-relative": "probs, class-relative (an earlier default)",
             "probs-l1": "probs, −L1", "logits": "CD-L (paper)", "features": "CD-F (paper)"}
    lines = ["| scan set | role | " + " | ".join(f"{names[c]} AUROC / AUPRC / TPR@5%" for c in columns)
             + " | default rule: precision / recall | suspected target (true) |" + (" with the reference (true) |" if "reference" in modes else ""),
             "|---|---|" + "---|" * len(columns) + "---|---|" + ("---|" if "reference" in modes else "")]
    with_reference = lambda e: f" {target_mark(e['reference_target'], e['target'])} |" if "reference" in modes else ""
    for e in results:
        cells = []
        for c in columns:
            r = e["rows"].get(c, {})
            cells.append(f"{r['auroc']:.3f} / {r['auprc']:.3f} / {r['tpr5']:.2f}" if "auroc" in r else "—")
        if "flagged" not in e:
            lines.append(f"| {e['set']} | {e['role']} | " + " | ".join(cells) + " | — | — |" + (" — |" if "reference" in modes else ""))
            continue
        rule = f"{e['precision']:.2f} / {e['recall']:.2f}" if "precision" in e else f"{e['flagged']} flagged, no poison"
        lines.append(f"| {e['set']} | {e['role']} | " + " | ".join(cells) + f" | {rule} | {target_mark(e['suspected'], e['target'])} |" + with_reference(e))
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
    if "reference" in modes:
        with_ref = [e["rows"]["reference"]["auroc"] for e in results if "auroc" in e["rows"].get("reference", {})]
        lines.append(f"With the clean reference AUROC: ≥ 0.95 on {sum(a >= 0.95 for a in with_ref)} of {len(with_ref)} attack sets, ≥ 0.90 on "
                     f"{sum(a >= 0.90 for a in with_ref)}, lowest {min(with_ref):.3f}, mean {np.mean(with_ref):.3f}. Target right on "
                     f"{sum(e['reference_target'] == e['target'] for e in all_to_one)} of {len(all_to_one)} all-to-one sets"
                     + "".join(f"; the clean model's scan names {'no class' if e['reference_target'] is None else 'class ' + str(e['reference_target'])}"
                               for e in clean) + ".")
    for mode, label in (("no-split", "Mask families without the feature split"), ("unlifted", "Mask families without the lift"), ("size-shape", "Size and shape, lifted")):
        aurocs = [e["rows"][mode]["auroc"] for e in results if "auroc" in e["rows"].get(mode, {})]
        if aurocs:
            lines.append(f"{label} AUROC: ≥ 0.95 on {sum(a >= 0.95 for a in aurocs)} of {len(aurocs)} attack sets, ≥ 0.90 on "
                         f"{sum(a >= 0.90 for a in aurocs)}, lowest {min(aurocs):.3f}, mean {np.mean(aurocs):.3f} (default: mean "
                         f"{np.mean(held):.3f}); default rule, all sets pooled: precision / recall {pooled(results, mode)} "
                         f"(default: {pooled(results, 'default')}).")
    speed = [(e["rows"]["default"]["seconds"], e["rows"]["logits"]["seconds"]) for e in results
             if "default" in e["rows"] and "logits" in e["rows"] and e["rows"]["logits"]["seconds"] > 0]
    if speed:
        ratio = np.median([d / l for d, l in speed])
        lines.append(f"Cost in these scans: the default (both CD runs) took {ratio:.2f} times as long as its CD-L run "
                     f"(median over the sets; run one after the other, so load on the machine moves it: compare modes "
                     f"with `onnxcd bench` side by side).")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modes", default="default,logits,class-relative,probs-l1,features")
    parser.add_argument("--models", default=MODELS, help="the folder of models, manifest.json and scansets/ (default: onnx-models)")
    parser.add_argument("--confirm", action="store_true", help="the models are retrained confirmation models: label them so, and write the confirmation table")
    parser.add_argument("--work", default=os.path.join(ROOT, "lab-out"))
    parser.add_argument("--cli", default="dotnet " + os.path.join(ROOT, "OnnxCd.Cli", "bin", "Release", "net10.0", "onnxcd.dll"))
    parser.add_argument("--sets", help="comma-separated subset of the scan sets")
    parser.add_argument("--fresh", action="store_true", help="rescan even where a finished scan exists")
    parser.add_argument("--table", help="the name of the README markers to write between (default: detection-lab, or detection-lab-confirm with --confirm)")
    parser.add_argument("--rejudge", action="store_true", help="judge finished default scans again with this build (no CD runs)")
    parser.add_argument("--write-readme", action="store_true", help="replace the table between the markers in onnx-models/README.md")
    args = parser.parse_args()
    modes = [m for m in args.modes.split(",") if m]
    sets = scan_sets(args.models)
    if args.sets:
        wanted = args.sets.split(",")
        sets = [s for s in sets if s[0] in wanted]
    results = measure(sets, modes, args.models, args.work, args.cli, args.fresh, args.confirm, args.rejudge)
    with open(os.path.join(args.work, "lab.json"), "w") as f:
        json.dump(results, f, indent=2)
    publish(table(results, modes), (args.table or MARKERS[args.confirm]) if args.write_readme else None)


def publish(text, markers):
    """Print a table, and with `markers` (a README marker name; None for none) write it into onnx-models/README.md."""
    print(text)
    if markers:
        write_readme_table(markers, text)


def write_readme_table(markers, text):
    """Replace what stands between the `<!-- markers:begin -->` and `<!-- markers:end -->` lines of onnx-models/README.md."""
    path = os.path.join(MODELS, "README.md")
    readme = open(path).read()
    begin, end = (f"<!-- {markers}:{edge} -->" for edge in ("begin", "end"))
    if begin not in readme or end not in readme:
        sys.exit(f"{path} has no {begin} … {end} markers to write the table between")
    start, stop = readme.index(begin) + len(begin), readme.index(end)
    open(path, "w").write(readme[:start] + "\n" + text + "\n" + readme[stop:])
    print(f"wrote the table into {path}")


if __name__ == "__main__":
    main()
