#!/usr/bin/env python3
"""Write ONNX's own operator test cases (onnx.backend.test.case.node, from the installed onnx
package) as models for OnnxCd's conformance test, each at the opset its case was written for.

For every case this writes, under OUT/<case name>/:
  model.onnx   the case's model with every input but the first frozen as an initializer holding the
               case's own value (so the first input is the one differentiated)
  input.pb     the case's first input, a TensorProto
  or skip.txt  why the case cannot be written that way (its first input is a sequence or optional)
The OnnxCd test (OnnxCd.Tests/Autodiff/OnnxConformanceTests.cs) only reads these files.

Usage: /usr/bin/python3 tools/onnx_node_cases.py [--out DIR]
"""
import argparse
import os
import shutil

import numpy as np

# onnx 1.12's case scripts use numpy aliases that numpy 1.24 removed; they meant the builtins.
for _alias, _builtin in (("float", float), ("int", int), ("bool", bool), ("object", object), ("str", str), ("complex", complex)):
    if _alias not in np.__dict__:
        setattr(np, _alias, _builtin)

import onnx  # noqa: E402
from onnx import numpy_helper  # noqa: E402
from onnx.backend.test.case import node  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "OnnxCd.Tests", "TestData", "generated", "onnx-node")


def is_tensor(value):
    """A numpy array or scalar (a case's tensor); sequences and optionals are lists, None or wrappers."""
    return isinstance(value, (np.ndarray, np.generic))


def freeze(model, inputs):
    """Turns graph inputs 1.. into initializers holding the case's values; None if one is not a tensor."""
    graph = model.graph
    for value_info, value in list(zip(graph.input, inputs))[1:]:
        if not is_tensor(value):
            return None
        graph.initializer.append(numpy_helper.from_array(np.asarray(value), value_info.name))
    kept = graph.input[:1]
    del graph.input[:]
    graph.input.extend(kept)
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args()
    out = os.path.abspath(args.out)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)

    cases = node.collect_testcases(None)
    written = 0
    for case in cases:
        folder = os.path.join(out, case.name)
        suffix = 1
        while os.path.exists(folder):  # onnx 1.12 names two ReduceSum cases alike
            suffix += 1
            folder = os.path.join(out, f"{case.name}_{suffix}")
        os.makedirs(folder)
        inputs = case.data_sets[0][0]
        model = onnx.ModelProto()
        model.CopyFrom(case.model)
        if len(inputs) == 0 or not is_tensor(inputs[0]):
            reason = "the case has no inputs" if len(inputs) == 0 else "its first input is a sequence or optional, not a tensor"
            with open(os.path.join(folder, "skip.txt"), "w") as f:
                f.write(reason + "\n")
            continue
        if freeze(model, inputs) is None:
            with open(os.path.join(folder, "skip.txt"), "w") as f:
                f.write("an input after the first is a sequence or optional, which cannot be frozen as an initializer\n")
            continue
        onnx.save(model, os.path.join(folder, "model.onnx"))
        with open(os.path.join(folder, "input.pb"), "wb") as f:
            f.write(numpy_helper.from_array(np.asarray(inputs[0]), model.graph.input[0].name).SerializeToString())
        written += 1
    print(f"wrote {written} of {len(cases)} ONNX node test cases to {out}")


if __name__ == "__main__":
    main()
