#!/usr/bin/env python3
"""The table of detector × attack: every shipped scan set scanned with every detector beside CD.

For each scan set of the models folder (detection_lab.scan_sets), runs `onnxcd scan` at its defaults with
`--detectors cd,ss,ac,strip,scaleup,combined` into WORK/<set> (kept and reused when its summary.json
exists; `--reference` adds the shipped clean reference set, which also gives STRIP its overlays), and reads
each detector's AUROC, the rule's flags and its time from summary.json's "detectors". Prints the table and,
with --write-readme, writes it between the `detectors` markers of onnx-models/README.md.

Usage: /usr/bin/python3 tools/detector_table.py [--work lab-out/detectors] [--reference] [--sets a,b]
       [--cli "dotnet OnnxCd.Cli/bin/Release/net10.0/onnxcd.dll"] [--write-readme]
"""

import argparse
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from detection_lab import MODELS, REFERENCE, ROOT, onnxcd, publish, scan_command, scan_sets  # noqa: E402

DETECTORS = ["cd", "ss", "ac", "strip", "scaleup", "combined"]


def scan(cli, name, model, work, reference):
    """The summary of one scan set's scan with every detector, scanned when not yet there."""
    out = os.path.join(work, name)
    if not os.path.exists(os.path.join(out, "summary.json")):
        print(f"{name}: scanning with every detector", flush=True)
        prefix = os.path.join(MODELS, "scansets", name)
        onnxcd(cli, scan_command(model, prefix, out) + ["--detectors", ",".join(DETECTORS)] + (REFERENCE if reference else []), name)
    return json.load(open(os.path.join(out, "summary.json")))["summary"]


def table(rows):
    lines = ["| scan set | " + " | ".join(DETECTORS) + " | best |", "|---|" + "---|" * (len(DETECTORS) + 1)]
    aurocs = {d: [] for d in DETECTORS}
    seconds = {d: [] for d in DETECTORS}
    for name, summary in rows:
        results = {r["detector"]: r for r in summary["detectors"]["detectors"]}
        for d in DETECTORS:
            seconds[d].append(results[d]["seconds"] / summary["scored"])
        if results["cd"]["metrics"] is None:
            flagged = " | ".join(f"{results[d]['flagged']} flagged" for d in DETECTORS)
            lines.append(f"| {name} (no poison) | {flagged} | — |")
            continue
        values = {d: results[d]["metrics"]["auroc"] for d in DETECTORS}
        for d in DETECTORS:
            aurocs[d].append(values[d])
        best = max(values, key=values.get)
        lines.append(f"| {name} | " + " | ".join(f"**{values[d]:.3f}**" if d == best else f"{values[d]:.3f}" for d in DETECTORS) + f" | {best} |")
    lines.append("| mean | " + " | ".join(f"{np.mean(aurocs[d]):.3f}" for d in DETECTORS) + " | |")
    lines.append("| sets ≥ 0.90 | " + " | ".join(f"{sum(a >= 0.90 for a in aurocs[d])} of {len(aurocs[d])}" for d in DETECTORS) + " | |")
    lines.append("| ms per image (median) | " + " | ".join(f"{1000 * np.median(seconds[d]):.2f}" for d in DETECTORS) + " | |")
    combined_wins = sum(c >= max(aurocs["cd"][i], aurocs["strip"][i]) for i, c in enumerate(aurocs["combined"]))
    lines.append("")
    lines.append(f"Combined at least as good as the better of CD and STRIP on {combined_wins} of {len(aurocs['combined'])} attack sets. "
                 "Times are each detector's own work over the scored images (CD: both its runs; ss and ac: after the shared "
                 "feature pass), taken in scans run one after the other on a shared machine: compare within a row, not across tables.")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", default=os.path.join(ROOT, "lab-out", "detectors"))
    parser.add_argument("--cli", default="dotnet " + os.path.join(ROOT, "OnnxCd.Cli", "bin", "Release", "net10.0", "onnxcd.dll"))
    parser.add_argument("--sets", help="comma-separated subset of the scan sets")
    parser.add_argument("--reference", action="store_true", help="scan with the shipped clean reference set")
    parser.add_argument("--write-readme", action="store_true", help="replace the table between the detectors markers in onnx-models/README.md")
    args = parser.parse_args()
    wanted = args.sets.split(",") if args.sets else None
    rows = [(name, scan(args.cli, name, model, args.work, args.reference)) for name, model, _ in scan_sets(MODELS) if wanted is None or name in wanted]
    publish(table(rows), "detectors" if args.write_readme else None)


if __name__ == "__main__":
    main()
