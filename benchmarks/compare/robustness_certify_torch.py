#!/usr/bin/python3
"""Randomized-smoothing CERTIFY in PyTorch eager, the procedure of Cohen et al.'s reference code
(locuslab/smoothing, code/core.py: repeat the input, add torch.randn_like(batch) * sigma, argmax,
count; n0 selection draws, n estimation draws, Clopper-Pearson bound), on the same fixture MLP
and CNN and the same input as benchmarks/robustness_certify_bench.cpp: n0 = 100, n = 10000,
batches of 1024 and 4096 noisy copies, 1 and 2 threads. Reports model evaluations per second
(noisy copies drawn, classified and counted).

Needs python3-torch, python3-onnx, python3-numpy (Debian). Run:
  /usr/bin/python3 benchmarks/compare/robustness_certify_torch.py [--min-time 0.5] [--json out.json]
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_runtime  # noqa: E402  (loads the fixture weights into the torch architectures)

N0 = 100
N = 10000
SIGMA = 0.25


def sample_noise(model, x, num, batch_size, num_classes):
    """core.py Smooth._sample_noise: class counts of the model on `num` noisy copies of x."""
    with torch.no_grad():
        counts = np.zeros(num_classes, dtype=int)
        remaining = num
        while remaining > 0:
            this_batch = min(batch_size, remaining)
            remaining -= this_batch
            batch = x.repeat((this_batch,) + (1,) * (x.dim() - 1))
            noise = torch.randn_like(batch) * SIGMA
            predictions = model(batch + noise).argmax(1)
            counts += np.bincount(predictions.numpy(), minlength=num_classes)
        return counts


def certify(model, x, batch_size):
    counts0 = sample_noise(model, x, N0, batch_size, 10)
    c_hat = counts0.argmax()
    counts = sample_noise(model, x, N, batch_size, 10)
    return c_hat, counts[c_hat]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--min-time", type=float, default=0.5)
    parser.add_argument("--json")
    args = parser.parse_args()
    demo = np.load(os.path.join(torch_runtime.DATA, "demo_x.npy"))
    rows = []
    for name in ("mlp", "cnn"):
        model = torch_runtime.load(name)
        shape = (1, 64) if name == "mlp" else (1, 1, 8, 8)
        x = torch.from_numpy(demo[:1].reshape(shape).astype(np.float32).copy())
        for threads in (1, 2):
            torch.set_num_threads(threads)
            for batch in (1024, 4096):
                wall, cpu = torch_runtime.measure(lambda: certify(model, x, batch), args.min_time)
                evaluations = N0 + N
                rows.append({"model": name, "batch": batch, "threads": threads,
                             "evaluations_per_second": evaluations / wall,
                             "evaluations_per_cpu_second": evaluations / cpu})
                print(f"{name:4} batch {batch:5} threads {threads}: {evaluations / wall:12.0f} "
                      f"evaluations/s (wall) {evaluations / cpu:12.0f} evaluations/cpu-s",
                      flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=2)


if __name__ == "__main__":
    main()
