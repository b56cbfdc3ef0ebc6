#!/usr/bin/env python3
"""What ONNX Runtime's traces (onnxcd bench --profile PREFIX) say about where a CD run's time goes.

  profile_summary.py PREFIX [--out FILE.json]

For each session's trace (PREFIX-NNN_*.json): its runs (model_run events), the node runs per
provider with their summed time, the copies ONNX Runtime inserted into the graph between devices
(MemcpyToHost / MemcpyFromHost nodes: a node the GPU provider has no kernel for, run on the CPU in
the middle of a step), and the share of each run's time spent outside any node (inputs bound in
host memory are copied to the device there, and kernels are launched). A step session on CUDA with
no Memcpy node and no CPU-provider node keeps every step's work on the GPU.
"""
import argparse
import glob
import json
from collections import defaultdict


def summarise(path):
    with open(path) as f:
        events = json.load(f)
    runs = [e for e in events if e.get("cat") == "Session" and e.get("name") == "model_run"]
    nodes = [e for e in events if e.get("cat") == "Node" and e.get("name", "").endswith("_kernel_time")]
    per_provider = defaultdict(lambda: {"node_runs": 0, "microseconds": 0})
    memcpy = defaultdict(int)
    for node in nodes:
        args = node.get("args", {})
        provider = per_provider[args.get("provider", "unknown")]
        provider["node_runs"] += 1
        provider["microseconds"] += node.get("dur", 0)
        if args.get("op_name", "").startswith("Memcpy"):
            memcpy[args["op_name"]] += 1
    run_us = sum(r.get("dur", 0) for r in runs)
    node_us = sum(n.get("dur", 0) for n in nodes)
    # The step graph's backward nodes are named after the forward node they differentiate, with "_Grad".
    kind = "CD step" if any("_Grad" in n.get("name", "") for n in nodes) else "forward"
    return {"file": path, "session": kind, "runs": len(runs), "run_microseconds": run_us, "node_microseconds": node_us,
            "outside_nodes_share": (run_us - node_us) / run_us if run_us else None,
            "providers": dict(per_provider), "memcpy_node_runs": dict(memcpy),
            "memcpy_node_runs_per_run": {k: v / len(runs) for k, v in memcpy.items()} if runs else {}}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("prefix")
    parser.add_argument("--out")
    args = parser.parse_args()
    paths = sorted(glob.glob(f"{args.prefix}-[0-9][0-9][0-9]_*.json"))
    if not paths:
        raise SystemExit(f"profile_summary: no trace matches {args.prefix}-NNN_*.json; run onnxcd bench --profile {args.prefix} first")
    sessions = [summarise(p) for p in paths]
    if args.out:
        with open(args.out, "w") as f:
            json.dump(sessions, f, indent=2)
    for s in sessions:
        providers = ", ".join(f"{k} {v['node_runs']} node runs {v['microseconds'] / 1000:.1f} ms" for k, v in s["providers"].items())
        memcpy = ", ".join(f"{k} {v:.1f}/run" for k, v in s["memcpy_node_runs_per_run"].items()) or "no Memcpy nodes"
        outside = f"{100 * s['outside_nodes_share']:.0f}% of run time outside nodes" if s["outside_nodes_share"] is not None else "no runs"
        print(f"profile {s['file'].rsplit('/', 1)[-1]} ({s['session']}): {s['runs']} runs; {providers}; {memcpy}; {outside}")


if __name__ == "__main__":
    main()
