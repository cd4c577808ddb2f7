"""Where a sweep's files lie (free of torch, so the report reads them quickly).

Layout of a sweep's ``OUT/`` (``docs/RESULTS.md`` is generated from it):

| path                                 | what                                                |
|--------------------------------------|-----------------------------------------------------|
| ``sweep.json``                       | the settings and one row per finished trial         |
|                                      | (rewritten atomically as trials finish)             |
| ``<condition>/seed_<k>/``            | the trial's training run (see training/run.py)      |
| ``<condition>/seed_<k>/eval.json``   | the evaluation of its policy                        |
| ``<condition>/seed_<k>/status.json`` | ``{"status", "attempts", "error", "env_steps"}``    |
| ``<condition>/seed_<k>.lock``        | locked by the sweep that runs the trial             |

A training run's folder holds its last checkpoint (``state.safetensors``) and one JSON line
per PPO update (``metrics.jsonl``), among others.
"""

from __future__ import annotations

from pathlib import Path

SWEEP_FILE, EVAL_FILE, STATUS_FILE = "sweep.json", "eval.json", "status.json"
STATE_FILE, METRICS_FILE = "state.safetensors", "metrics.jsonl"
LAST_POLICY_FILE = "last_policy.safetensors"
"""The policy of the last checkpoint of a partial trial (what its eval.json evaluates)."""


def trial_dir(out: str | Path, condition: str, seed: int) -> Path:
    """The folder of one trial."""
    return Path(out) / condition / f"seed_{seed}"


def trial_lock(out: str | Path, condition: str, seed: int) -> Path:
    """The lock file of one trial (beside its folder, which a trial may remove and rebuild)."""
    return Path(out) / condition / f"seed_{seed}.lock"
