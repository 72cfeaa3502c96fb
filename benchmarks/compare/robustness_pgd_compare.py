#!/usr/bin/python3
"""rampart's FGSM and PGD-L-inf against an independent PyTorch implementation with torchattacks
semantics, sample by sample, and the PGD-L-inf-40 timing table (rampart vs PyTorch, 1 and 2
threads).

PyTorch side (written here, not torchattacks itself, which is not packaged for Debian):
  FGSM:  x_adv = clamp(x + eps * sign(grad CE(x, y)), 0, 1)                (torchattacks.FGSM)
  PGD:   no random start; 40 times: x = x + alpha * sign(grad CE(x, y));
         delta = clamp(x - x0, -eps, eps); x = clamp(x0 + delta, 0, 1);
         the final iterate is returned (no early stop)                    (torchattacks.PGD)
  CE is nn.CrossEntropyLoss (mean over the batch; the scale does not change a sign).
rampart side: `rampart robustness audit --attack fgsm,pgd --no-random-start --no-early-stop
  --steps 40 --step-size alpha --per-sample FILE`, which attacks the clean-correct samples; the
  class each sample ends in under attack is compared on those samples.
Data: the 50-sample fixture test set (tests/testdata/robustness/demo_x.npy, demo_y.npy) on the
fixture MLP and CNN (weights read from the committed ONNX files into the architectures of
tests/robustness/fixtures/make_models.py).

Timing: PGD-L-inf, 40 steps, eps 0.15, over the 50 samples as one batch; best of --repeats
on both sides: PyTorch runs timed here, rampart from build/default/benchmarks/robustness_pgd_bench
(Google Benchmark, same settings, --repeats repetitions of at least 0.2 s each). Wall clock and
CPU time of the whole process (all threads) are reported: on a shared machine the CPU-time ratio
is the stable one, and the wall-clock 2-thread figures mostly measure who got the second core.

Needs python3-torch, python3-onnx, python3-numpy (Debian). Run from the repository root:
  /usr/bin/python3 benchmarks/compare/robustness_pgd_compare.py \
      --rampart build/default/cli/rampart --bench build/default/benchmarks/robustness_pgd_bench
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
import torch
from onnx import numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "robustness", "fixtures"))
import make_models  # noqa: E402

DATA = os.path.join(ROOT, "tests", "testdata", "robustness")
STEPS = 40


def load(name):
    model = {"mlp": make_models.Mlp, "cnn": make_models.Cnn}[name]()
    proto = onnx.load(os.path.join(DATA, name + ".onnx"))
    state = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy())
             for t in proto.graph.initializer}
    model.load_state_dict(state)
    return model.eval()


def shaped(name, x):
    return x.reshape(-1, 1, 8, 8) if name == "cnn" else x.reshape(-1, 64)


def fgsm(model, x, y, eps):
    x = x.clone().requires_grad_(True)
    loss = torch.nn.CrossEntropyLoss()(model(x), y)
    grad, = torch.autograd.grad(loss, x)
    return torch.clamp(x.detach() + eps * grad.sign(), 0, 1)


def pgd(model, x0, y, eps, alpha, steps=STEPS):
    x = x0.clone()
    loss_fn = torch.nn.CrossEntropyLoss()
    for _ in range(steps):
        x.requires_grad_(True)
        loss = loss_fn(model(x), y)
        grad, = torch.autograd.grad(loss, x)
        x = x.detach() + alpha * grad.sign()
        delta = torch.clamp(x - x0, min=-eps, max=eps)
        x = torch.clamp(x0 + delta, min=0, max=1).detach()
    return x


def rampart_per_sample(exe, name, eps, alpha):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "per_sample.csv")
        subprocess.run(
            [exe, "robustness", "audit", "--model", os.path.join(DATA, name + ".onnx"),
             "--data", os.path.join(DATA, "demo_x.npy"), "--labels",
             os.path.join(DATA, "demo_y.npy"), "--attack", "fgsm,pgd", "--eps", repr(eps),
             "--steps", str(STEPS), "--step-size", repr(alpha), "--no-random-start",
             "--no-early-stop", "--per-sample", out, "--format", "json", "--output",
             os.path.join(tmp, "report.json")], check=True)
        with open(out) as f:
            return list(csv.DictReader(f))


def best_time(fn, repeats):
    """Best wall-clock and best process CPU time (all threads) of `repeats` runs, in seconds."""
    fn()
    best_wall = best_cpu = float("inf")
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        best_wall = min(best_wall, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
    return best_wall, best_cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rampart", default=os.path.join(ROOT, "build/default/cli/rampart"))
    parser.add_argument("--bench",
                        default=os.path.join(ROOT, "build/default/benchmarks/robustness_pgd_bench"))
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    x_all = torch.from_numpy(np.load(os.path.join(DATA, "demo_x.npy")))
    y_all = torch.from_numpy(np.load(os.path.join(DATA, "demo_y.npy"))).long()

    print("## Sample-by-sample agreement (class under attack, clean-correct samples)\n")
    print("| model | eps | attack | samples | same class | same success | broken rampart | "
          "broken torch | same class as torch fp64 |")
    print("|---|---|---|---|---|---|---|---|---|")
    torch.set_num_threads(1)
    for name in ("mlp", "cnn"):
        model = load(name)
        x = shaped(name, x_all)
        for eps in (0.1, 0.15, 0.25):
            alpha = 2.5 * eps / STEPS
            rows = rampart_per_sample(args.rampart, name, eps, alpha)
            with torch.no_grad():
                clean = model(x).argmax(1)
            adv = {"fgsm": fgsm(model, x, y_all, eps), "pgd": pgd(model, x, y_all, eps, alpha)}
            # The same attacks in float64: PyTorch's float32 CE backward (softmax - onehot) loses
            # the true-class term once p_y rounds to 1, which rampart's CE gradient does not.
            model64 = load(name).double()
            x64 = x.double()
            adv64 = {"fgsm": fgsm(model64, x64, y_all, eps),
                     "pgd": pgd(model64, x64, y_all, eps, alpha)}
            for attack, x_adv in adv.items():
                with torch.no_grad():
                    pred = model(x_adv).argmax(1)
                    pred64 = model64(adv64[attack]).argmax(1)
                key = f"{attack}_linf_{eps}"
                n = same = same_success = broken_r = broken_t = same64 = 0
                for i, row in enumerate(rows):
                    if clean[i].item() != y_all[i].item():
                        continue
                    n += 1
                    r_pred = int(row[key])
                    t_pred = pred[i].item()
                    label = y_all[i].item()
                    same += r_pred == t_pred
                    same64 += r_pred == pred64[i].item()
                    same_success += (r_pred != label) == (t_pred != label)
                    broken_r += r_pred != label
                    broken_t += t_pred != label
                print(f"| {name} | {eps} | {attack} | {n} | {100 * same / n:.1f}% | "
                      f"{100 * same_success / n:.1f}% | {broken_r} | {broken_t} | "
                      f"{100 * same64 / n:.1f}% |")

    print("\n## PGD-L-inf, 40 steps, 50 samples (one batch), eps 0.15\n")
    rampart_ms = {}
    if os.path.exists(args.bench):
        result = subprocess.run([args.bench, "--benchmark_format=json",
                                 "--benchmark_min_time=0.2",
                                 f"--benchmark_repetitions={args.repeats}"], check=True,
                                capture_output=True, text=True)
        for b in json.loads(result.stdout)["benchmarks"]:
            if b.get("run_type", "iteration") != "iteration":
                continue  # the aggregates (mean, median, ...) of the repetitions
            model = "mlp" if "Mlp" in b["name"] else "cnn"
            threads = int(b["name"].split("threads:")[1].split("/")[0])
            wall, cpu = rampart_ms.get((model, threads), (float("inf"), float("inf")))
            rampart_ms[(model, threads)] = (min(wall, b["real_time"]), min(cpu, b["cpu_time"]))
    print("| model | threads | PyTorch wall (ms) | rampart wall (ms) | speed-up (wall) | "
          "PyTorch CPU (ms) | rampart CPU (ms) | speed-up (CPU) |")
    print("|---|---|---|---|---|---|---|---|")
    for name in ("mlp", "cnn"):
        model = load(name)
        x = shaped(name, x_all)
        for threads in (1, 2):
            torch.set_num_threads(threads)
            wall, cpu = best_time(lambda: pgd(model, x, y_all, 0.15, 2.5 * 0.15 / STEPS),
                                  args.repeats)
            r = rampart_ms.get((name, threads))
            cells = []
            for torch_s, index in ((wall, 0), (cpu, 1)):
                if r:
                    cells += [f"{torch_s * 1e3:.2f}", f"{r[index]:.2f}",
                              f"{torch_s * 1e3 / r[index]:.1f}x"]
                else:
                    cells += [f"{torch_s * 1e3:.2f}", "-", "-"]
            print(f"| {name} | {threads} | " + " | ".join(cells) + " |")

if __name__ == "__main__":
    main()
