#!/usr/bin/env python3
"""Generates the parity vectors of ConfidentStrategy and EnsembleStrategy from numpy.

The reference function is copied literally from the DFDC winning solution's inference code; the
Java tests read the JSON this writes and never need Python. Run from the repository root:

    python3 core/src/test/python/confident_strategy_vectors.py

It rewrites core/src/test/resources/strategy/confident_strategy_vectors.json; the output only
changes when this script does (fixed seed).
"""
import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[1] / "resources" / "strategy" / \
    "confident_strategy_vectors.json"


def confident_strategy(pred, t=0.8):
    """The reference, literally."""
    pred = np.array(pred)
    sz = len(pred)
    fakes = np.count_nonzero(pred > t)
    # 11 frames are detected as fakes with high probability
    if fakes > sz // 2.5 and fakes > 11:
        return np.mean(pred[pred > t])
    elif np.count_nonzero(pred < 0.2) > 0.9 * sz:
        return np.mean(pred[pred < 0.2])
    else:
        return np.mean(pred)


def branch(pred, t=0.8):
    """Which branch the reference takes, by the same conditions."""
    pred = np.array(pred)
    sz = len(pred)
    fakes = np.count_nonzero(pred > t)
    if fakes > sz // 2.5 and fakes > 11:
        return "CONFIDENT_FAKE"
    elif np.count_nonzero(pred < 0.2) > 0.9 * sz:
        return "CONFIDENT_REAL"
    return "MEAN_OF_ALL"


def strategy_case(name, pred, t=0.8):
    pred = [float(p) for p in pred]
    return {"name": name, "t": t, "pred": pred,
            "expected": float(confident_strategy(pred, t)), "branch": branch(pred, t)}


def boundary_cases():
    cases = []
    for fakes in (11, 12, 13):
        cases.append(strategy_case(f"sz32-{fakes}-fakes", [0.95] * fakes + [0.5] * (32 - fakes)))
    # 30 // 2.5 == 12.0: 12 fakes are not more than that, 13 are.
    for fakes in (12, 13):
        cases.append(strategy_case(f"sz30-{fakes}-fakes", [0.9] * fakes + [0.3] * (30 - fakes)))
    for fakes in (14, 15):
        cases.append(strategy_case(f"sz35-{fakes}-fakes", [0.85] * fakes + [0.4] * (35 - fakes)))
    cases.append(strategy_case("sz32-13-at-t-not-fake", [0.8] * 13 + [0.5] * 19))
    cases.append(strategy_case("sz32-13-just-above-t", [np.nextafter(0.8, 1)] * 13 + [0.5] * 19))
    cases.append(strategy_case("sz12-all-fake-but-not-more-than-11", [0.99] * 11 + [0.5]))
    cases.append(strategy_case("sz12-all-fake", [0.99] * 12))
    cases.append(strategy_case("sz10-9-below", [0.1] * 9 + [0.6]))
    cases.append(strategy_case("sz10-10-below", [0.05] * 10))
    cases.append(strategy_case("sz20-18-below", [0.1] * 18 + [0.5] * 2))
    cases.append(strategy_case("sz20-19-below", [0.1] * 19 + [0.5]))
    cases.append(strategy_case("sz30-27-below", [0.15] * 27 + [0.5] * 3))
    cases.append(strategy_case("sz30-28-below", [0.15] * 28 + [0.5] * 2))
    cases.append(strategy_case("sz10-all-at-0.2-not-real", [0.2] * 10))
    cases.append(strategy_case("sz10-all-just-below-0.2", [np.nextafter(0.2, 0)] * 10))
    cases.append(strategy_case("one-face-real", [0.01]))
    cases.append(strategy_case("one-face-fake", [0.99]))
    cases.append(strategy_case("one-face-0.2", [0.2]))
    cases.append(strategy_case("zeros-and-ones", [0.0] * 3 + [1.0] * 14))
    cases.append(strategy_case("t0.7-13-at-0.75", [0.75] * 13 + [0.3] * 19, t=0.7))
    cases.append(strategy_case("t0.9-13-at-0.85", [0.85] * 13 + [0.3] * 19, t=0.9))
    cases.append(strategy_case("t0.5-at-t", [0.5] * 20, t=0.5))
    return cases


def random_cases(rng, count):
    cases = []
    kinds = ("uniform", "fake", "real", "mixed", "near-t", "near-0.2")
    for i in range(count):
        kind = kinds[i % len(kinds)]
        sz = int(rng.integers(1, 97))
        if kind == "uniform":
            pred = rng.random(sz)
        elif kind == "fake":
            pred = rng.beta(8, 1.2, sz)
        elif kind == "real":
            pred = rng.beta(0.6, 9, sz)
        elif kind == "mixed":
            pred = np.where(rng.random(sz) < 0.5, rng.beta(8, 1.2, sz), rng.beta(0.6, 9, sz))
        elif kind == "near-t":
            pred = rng.choice([0.8, np.nextafter(0.8, 1), np.nextafter(0.8, 0), 0.95, 0.5], sz)
        else:
            pred = rng.choice([0.2, np.nextafter(0.2, 0), np.nextafter(0.2, 1), 0.05, 0.5], sz)
        t = float(rng.choice([0.8, 0.8, 0.8, 0.7, 0.9]))
        cases.append(strategy_case(f"random-{i}-{kind}-sz{sz}", pred, t))
    return cases


def ensemble_cases(rng, count):
    """Three models, the reference ensemble rule: confident_strategy per model, then the mean."""
    cases = []
    for i in range(count):
        faces = int(rng.integers(1, 70))
        models = int(rng.integers(1, 5))
        fake = rng.random() < 0.5
        pred = rng.beta(8, 1.2, (faces, models)) if fake else rng.beta(0.8, 6, (faces, models))
        per_model = [confident_strategy(pred[:, m]) for m in range(models)]
        cases.append({"name": f"ensemble-{i}", "t": 0.8,
                      "models": [f"m{m}" for m in range(models)],
                      "faces": [[float(p) for p in row] for row in pred],
                      "per_model": [float(v) for v in per_model],
                      "branches": [branch(pred[:, m]) for m in range(models)],
                      "expected": float(np.mean(per_model))})
    return cases


def main():
    rng = np.random.default_rng(20261121)
    vectors = {
        "numpy": np.__version__,
        "floor_div_2_5": [[sz, float(sz // 2.5)] for sz in range(0, 1001)],
        "strategy": boundary_cases() + random_cases(rng, 300),
        "ensemble": ensemble_cases(rng, 60),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(vectors, indent=None, separators=(",", ":")) + "\n")
    print(f"wrote {OUT}: {len(vectors['strategy'])} strategy, {len(vectors['ensemble'])} ensemble")


if __name__ == "__main__":
    main()
