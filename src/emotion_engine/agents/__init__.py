"""Torch networks: observation encoder, emotion composer, policy and value heads."""

import torch


def configure_torch(threads: int = 1) -> None:
    """Use ``threads`` intra-op threads (1 by default: 2 threads measured 3–20x slower here).

    A process-wide setting, so only entry points call it (the command line, the app server,
    the benchmarks, sweep workers, the tests' set-up); library code leaves it alone.
    """
    torch.set_num_threads(threads)
