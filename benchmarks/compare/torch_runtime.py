#!/usr/bin/python3
"""PyTorch eager throughput (samples/s) on the same fixture MLP and CNN as
benchmarks/robustness_runtime_bench.cpp: forward (no_grad), and forward + input gradient of the
summed cross-entropy, at batch 1, 32, 256 with 1 and 2 threads. Weights are read from the
committed ONNX files into the architectures of tests/robustness/fixtures/make_models.py.

Needs python3-torch, python3-onnx, python3-numpy (Debian). Run:
  /usr/bin/python3 benchmarks/compare/torch_runtime.py [--min-time 0.5] [--json out.json]
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import onnx
import torch
from onnx import numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "robustness", "fixtures"))
import make_models  # noqa: E402

DATA = os.path.join(ROOT, "tests", "testdata", "robustness")


def load(name):
    model = {"mlp": make_models.Mlp, "cnn": make_models.Cnn}[name]()
    proto = onnx.load(os.path.join(DATA, name + ".onnx"))
    state = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in proto.graph.initializer}
    model.load_state_dict(state)
    return model.eval()


def measure(fn, min_time):
    """Seconds per call: (wall clock, process CPU time). On a shared, overloaded machine the CPU
    time of a 1-thread run is the fair figure; with 2 threads it sums both threads."""
    fn()  # warm up (allocations, thread pool)
    runs, start, cpu_start = 0, time.perf_counter(), time.process_time()
    while True:
        fn()
        runs += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_time and runs >= 3:
            return elapsed / runs, (time.process_time() - cpu_start) / runs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--min-time", type=float, default=0.5)
    parser.add_argument("--json")
    args = parser.parse_args()
    rows = []
    for name in ("mlp", "cnn"):
        model = load(name)
        for threads in (1, 2):
            torch.set_num_threads(threads)
            for batch in (1, 32, 256):
                shape = (batch, 64) if name == "mlp" else (batch, 1, 8, 8)
                # The same inputs as the C++ benchmark: the demo data, tiled.
                demo = np.load(os.path.join(DATA, "demo_x.npy"))
                x = torch.from_numpy(np.resize(demo, (batch, 64)).reshape(shape).copy())
                y = torch.arange(batch) % 10

                def forward():
                    with torch.no_grad():
                        model(x)

                def gradient():
                    xg = x.clone().requires_grad_(True)
                    loss = torch.nn.functional.cross_entropy(model(xg), y, reduction="sum")
                    torch.autograd.grad(loss, xg)

                for kind, fn in (("forward", forward), ("gradient", gradient)):
                    wall, cpu = measure(fn, args.min_time)
                    rows.append({"model": name, "kind": kind, "batch": batch, "threads": threads,
                                 "samples_per_second": batch / wall,
                                 "samples_per_cpu_second": batch / cpu})
                    print(f"{name:4} {kind:8} batch {batch:4} threads {threads}: "
                          f"{batch / wall:12.0f} samples/s (wall) {batch / cpu:12.0f} "
                          f"samples/cpu-s", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=2)


if __name__ == "__main__":
    main()
