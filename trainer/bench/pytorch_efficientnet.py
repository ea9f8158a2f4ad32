"""PyTorch peer benchmark for the DFDC DeepFakeClassifier (tf_efficientnet B0 / B7 encoder).

Times DeepFakeClassifier(tf_efficientnet_<model>) with random weights on CPU in float32, eval
mode under torch.no_grad(), at a square input (380 by default), for each model and batch size,
and prints one JSON line per case:

    {"engine": "pytorch", "torch": "1.13.0a0", "threads": 2, "model": "b7", "input": 380,
     "batch": 8, "faces_per_s": ..., "median_batch_s": ..., "reps": 5, "min_batch_s": ...,
     "max_batch_s": ...}

faces_per_s is batch / median_batch_s.

--malloc tuned sets glibc's malloc (mallopt, before any tensor exists) to keep freed memory:
a fixed 32 MiB mmap threshold, no trimming, 256 MiB top pad. PyTorch has no caching allocator
on the CPU, so by default every large activation is a fresh mmap whose pages fault in on each
forward pass; on a 2-core VM that cost about half the time at batch 8 for B0. The JSON line
says which was used ("malloc": "default" or "tuned"). Threads default to the CPUs the process may use, not to
torch's own default: Debian's torch 1.13 starts with 1 thread, and single-threaded it runs the
1x1 convolutions through its generic-BLAS THNN path instead of oneDNN, several times slower.

Run with Debian's Python (torch 1.13, no timm needed), from the repository root:

    /usr/bin/python3 trainer/bench/pytorch_efficientnet.py --models b0,b7 --batches 1,8

--save-legacy PATH writes a B7 DeepFakeClassifier checkpoint of the real shape (random weights,
~266 MB) in torch's legacy (pre-zip) format with the DFDC training script's wrapper
{'epoch', 'state_dict' with 'module.' keys, 'bce_best'}, for the Java half of the benchmark.
Write it outside the repository, e.g. /tmp/deepfake-b7-legacy.pth.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'scripts' / 'fixtures'))
from tf_efficientnet import DeepFakeClassifier, init_like_tf, tf_efficientnet  # noqa: E402

SEED = 7


M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3


def tune_malloc():
    import ctypes
    libc = ctypes.CDLL('libc.so.6')
    ok = (libc.mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1
          and libc.mallopt(M_TRIM_THRESHOLD, (1 << 31) - 1) == 1
          and libc.mallopt(M_TOP_PAD, 256 << 20) == 1)
    if not ok:
        raise SystemExit('mallopt refused the settings')


def random_model(variant):
    """Random weights with batch-norm statistics from one small train-mode pass, so that the
    activations stay in a realistic range (no inf/NaN/denormal detours)."""
    gen = torch.Generator().manual_seed(SEED)
    model = DeepFakeClassifier(tf_efficientnet(variant))
    init_like_tf(model, gen)
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    with torch.no_grad():
        model.train()
        for m in bns:
            m.momentum = None
            m.reset_running_stats()
        model(torch.randn(4, 3, 128, 128, generator=gen))
        for m in bns:
            m.momentum = 0.1
        model.fc.weight.mul_(0.1)
    return model.eval()


def time_case(model, size, batch, reps, warmup):
    gen = torch.Generator().manual_seed(SEED + batch)
    x = torch.randn(batch, 3, size, size, generator=gen)
    times = []
    with torch.no_grad():
        for i in range(warmup + reps):
            t0 = time.perf_counter()
            y = model(x)
            dt = time.perf_counter() - t0
            if i >= warmup:
                times.append(dt)
    assert y.shape == (batch, 1) and torch.isfinite(y).all(), y
    return times


def save_legacy(path, variant='b7'):
    model = random_model(variant)
    state = nn.DataParallel(model).state_dict()  # on CPU it only adds the 'module.' prefix
    checkpoint = {'epoch': 1, 'state_dict': state, 'bce_best': np.float64(0.25)}
    torch.save(checkpoint, path, _use_new_zipfile_serialization=False)
    back = torch.load(path, map_location='cpu')['state_dict']
    assert list(back) == list(state) and all(torch.equal(back[k], v) for k, v in state.items())
    n = sum(v.numel() for k, v in state.items() if not k.endswith('num_batches_tracked'))
    print(json.dumps({'saved': str(path), 'model': variant, 'keys': len(state),
                      'float_values': n, 'bytes': Path(path).stat().st_size}), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--models', default='b0,b7', help='comma-separated, from b0..b7')
    p.add_argument('--batches', default='1,8', help='comma-separated batch sizes')
    p.add_argument('--input', type=int, default=380, help='square input side')
    p.add_argument('--reps', type=int, default=0,
                   help='timed repetitions per case (default: 20 for b0-b3; for b4-b7 10 at '
                        'batch 1, 5 at larger batches)')
    p.add_argument('--warmup', type=int, default=1, help='untimed passes per case')
    p.add_argument('--threads', type=int, default=len(os.sched_getaffinity(0)),
                   help='torch.set_num_threads (default: the CPUs this process may use, %(default)s;'
                        ' 0 keeps torch\'s own default, which is 1 with some builds)')
    p.add_argument('--malloc', choices=('default', 'tuned'), default='default',
                   help='glibc malloc as it comes, or tuned to reuse freed memory (see above)')
    p.add_argument('--save-legacy', metavar='PATH',
                   help='also write a random-weight B7 DeepFakeClassifier legacy checkpoint')
    args = p.parse_args()
    if args.malloc == 'tuned':
        tune_malloc()
    if args.threads > 0:
        torch.set_num_threads(args.threads)

    if args.save_legacy:
        save_legacy(args.save_legacy)

    for variant in [m.strip() for m in args.models.split(',') if m.strip()]:
        model = random_model(variant)
        for batch in [int(b) for b in args.batches.split(',') if b.strip()]:
            reps = args.reps or (20 if variant in ('b0', 'b1', 'b2', 'b3')
                                 else 10 if batch == 1 else 5)
            times = time_case(model, args.input, batch, reps, args.warmup)
            median = statistics.median(times)
            print(json.dumps({
                'engine': 'pytorch', 'torch': torch.__version__,
                'threads': torch.get_num_threads(), 'model': variant, 'input': args.input,
                'batch': batch, 'faces_per_s': round(batch / median, 3),
                'median_batch_s': round(median, 4), 'reps': reps,
                'min_batch_s': round(min(times), 4), 'max_batch_s': round(max(times), 4),
                'malloc': args.malloc,
            }), flush=True)
        del model


if __name__ == '__main__':
    main()
