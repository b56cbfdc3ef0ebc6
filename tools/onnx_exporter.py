"""The arguments of torch.onnx.export that choose the TorchScript exporter on every PyTorch version.

PyTorch 2.9 made the torch.export-based ("dynamo") exporter the default; it exports at opset 18 or
newer and reads dynamic_axes only in part. The tools here trace with the TorchScript exporter, whose
output OnnxCd's tests were written against, so they ask for it by name where the argument exists
(PyTorch 2.5 and newer) and get it by default before.
"""
import inspect

import torch


def torchscript_exporter():
    """Keyword arguments for torch.onnx.export: {"dynamo": False} where PyTorch has the choice, else none."""
    return {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
