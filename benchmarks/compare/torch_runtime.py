#!/usr/bin/python3
"""PyTorch eager throughput (samples/s) on the same fixture MLP and CNN as
benchmarks/robustness_runtime_bench.cpp: forward (no_grad), and forward + input gradient of the
summed cross-entropy, at batch 1, 32, 256 with 1 and 2 threads. Weights are read from the
committed ONNX files into the architectures of tests/robustness/fixtures/make_models.py.

Needs python3-torch, python3-onnx, python3-numpy (Debian). Run:
  /usr/bin/python3 benchmarks/compare/torch_runtime.py [--min-time 0.5] [--json out.json]

With --rampart-json (the output of robustness_runtime_bench --benchmark_format=json) it also
prints the side-by-side table: rampart and PyTorch samples/s and their ratio, by wall clock and
by process CPU time (all threads; the fairer figure on a loaded machine).
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
    parser.add_argument("--repeat", type=int, default=1,
                        help="measure each case this many times and keep the fastest (a loaded "
                             "machine only ever slows a run down)")
    parser.add_argument("--rampart-json", help="robustness_runtime_bench JSON output to compare")
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
                    runs = [measure(fn, args.min_time) for _ in range(max(1, args.repeat))]
                    wall = min(r[0] for r in runs)
                    cpu = min(r[1] for r in runs)
                    rows.append({"model": name, "kind": kind, "batch": batch, "threads": threads,
                                 "samples_per_second": batch / wall,
                                 "samples_per_cpu_second": batch / cpu})
                    print(f"{name:4} {kind:8} batch {batch:4} threads {threads}: "
                          f"{batch / wall:12.0f} samples/s (wall) {batch / cpu:12.0f} "
                          f"samples/cpu-s", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=2)
    if args.rampart_json:
        print_ratios(rows, args.rampart_json)


def print_ratios(torch_rows, path):
    """Markdown table of rampart vs PyTorch from the benchmark's JSON (names like
    BM_CnnGradient/batch:32/threads:2/real_time)."""
    with open(path) as f:
        bench = json.load(f)
    ours = {}
    for b in bench["benchmarks"]:
        if b.get("run_type", "iteration") != "iteration":
            continue
        parts = b["name"].split("/")
        model = "mlp" if parts[0].startswith("BM_Mlp") else "cnn"
        kind = "gradient" if parts[0].endswith("Gradient") else "forward"
        batch = int(parts[1].split(":")[1])
        threads = int(parts[2].split(":")[1])
        # real_time and cpu_time are per iteration, in time_unit (ns by default).
        scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b.get("time_unit", "ns")]
        # With --benchmark_repetitions, keep the fastest run (as --repeat does for PyTorch).
        key = (model, kind, batch, threads)
        wall = batch / (b["real_time"] * scale)
        cpu = batch / (b["cpu_time"] * scale)
        if key in ours:
            wall = max(wall, ours[key][0])
            cpu = max(cpu, ours[key][1])
        ours[key] = (wall, cpu, b.get("label", ""))
    print()
    print("| model | pass | batch | threads | rampart | PyTorch | ratio (wall) | ratio (CPU) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in torch_rows:
        key = (r["model"], r["kind"], r["batch"], r["threads"])
        if key not in ours:
            continue
        wall, cpu, label = ours[key]
        cpu_ratio = f"{cpu / r['samples_per_cpu_second']:.2f}x"
        pass_name = "forward" if r["kind"] == "forward" else "+ input gradient"
        print(f"| {r['model'].upper()} | {pass_name} | {r['batch']} | {r['threads']} | "
              f"{wall / 1e3:.1f}k | {r['samples_per_second'] / 1e3:.1f}k | "
              f"{wall / r['samples_per_second']:.2f}x | {cpu_ratio} |")
    labels = sorted({v[2] for v in ours.values() if v[2]})
    if labels:
        print(f"\nrampart kernels: {', '.join(labels)}")


if __name__ == "__main__":
    main()
