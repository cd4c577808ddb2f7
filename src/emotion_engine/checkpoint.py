"""Checkpoints: safetensors files with JSON metadata, written atomically, never unpickled.

A checkpoint is one ``.safetensors`` file. Its header carries the metadata as JSON under the
key ``emotion_engine`` (format version, kind, config, versions, step, metrics, …), so tensors
and metadata are replaced together by a single ``os.replace``; a ``.json`` copy of the
metadata sits beside it for people and tools. A file cut short, edited, or written by
something else is refused with a :class:`CheckpointError` that says what is wrong.

:func:`atomic_write` is the project's one way to replace a file so that readers never see
half of it (checkpoints here, a sweep's JSON files elsewhere).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save
from torch import nn

from emotion_engine import __version__
from emotion_engine.text import clip

FORMAT_VERSION = 1
_META_KEY = "emotion_engine"


class CheckpointError(ValueError):
    """A checkpoint that cannot be used: missing, corrupt, or made for something else."""


def save_checkpoint(
    path: str | Path, tensors: dict[str, torch.Tensor | np.ndarray], meta: dict
) -> Path:
    """Write ``tensors`` and ``meta`` to ``path`` (.safetensors) atomically, plus a .json copy.

    Returns the path written. ``meta`` must be JSON-serialisable; ``format``, ``package`` and
    ``torch`` versions are added.
    """
    path = Path(path)
    full_meta = {
        "format": FORMAT_VERSION,
        "package": __version__,
        "torch": torch.__version__,
        **meta,
    }
    header = {_META_KEY: json.dumps(full_meta)}
    # own copies: arrays that share memory (a view and its base) cannot be saved together
    flat = {k: torch.as_tensor(v).clone().contiguous() for k, v in tensors.items()}
    # bytes written by atomic_write: save_file would replace the file through a private temporary
    data = save(flat, metadata=header)
    atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))
    atomic_write_text(path.with_suffix(".json"), json.dumps(full_meta, indent=2) + "\n")
    return path


def load_checkpoint(
    path: str | Path, kind: str | None = None
) -> tuple[dict[str, torch.Tensor], dict]:
    """Read a checkpoint; check its format (and ``kind`` if given). Returns (tensors, meta)."""
    path = Path(path)
    try:
        found = path.is_file()
    except OSError as e:  # e.g. a name too long for the file system
        raise CheckpointError(f"no checkpoint at {clip(str(path))}: {e.strerror}") from None
    if not found:
        raise CheckpointError(f"no checkpoint at {clip(str(path))}")
    try:
        with safe_open(str(path), framework="pt") as f:
            header = f.metadata() or {}
            tensors = {k: f.get_tensor(k) for k in f.keys()}
    except (SafetensorError, OSError, RuntimeError) as e:
        raise CheckpointError(
            f"{path} is not a readable safetensors file (corrupt or truncated?): {e}"
        ) from None
    if _META_KEY not in header:
        raise CheckpointError(
            f"{path} has no emotion_engine metadata; it was not written by this project"
        )
    try:
        meta = json.loads(header[_META_KEY])
    except json.JSONDecodeError as e:
        raise CheckpointError(f"{path}: metadata is not valid JSON ({e})") from None
    if not isinstance(meta, dict):
        raise CheckpointError(f"{path}: metadata is a JSON {type(meta).__name__}, not an object")
    if meta.get("format") != FORMAT_VERSION:
        raise CheckpointError(
            f"{path}: checkpoint format {shown(meta.get('format'))}, "
            f"this version reads {FORMAT_VERSION}"
        )
    if kind is not None and meta.get("kind") != kind:
        raise CheckpointError(
            f"{path} is a {shown(meta.get('kind'))} checkpoint, expected {kind!r}"
        )
    return tensors, meta


def shown(value: object) -> str:
    """``repr(value)`` cut to :data:`~emotion_engine.text.MAX_ECHO` characters, to quote a
    file's value in a message."""
    return clip(repr(value))


def check_tensors(
    tensors: dict[str, torch.Tensor], expected: dict[str, torch.Tensor], source: str
) -> None:
    """Refuse ``tensors`` unless they have exactly the names, shapes and dtypes of
    ``expected`` (which may be meta tensors: only their shapes and dtypes are read) and
    every value is finite."""
    missing = sorted(set(expected) - set(tensors))
    extra = sorted(set(tensors) - set(expected))
    common = [k for k in expected if k in tensors]
    shapes = [f"{k}: {tuple(tensors[k].shape)} vs {tuple(expected[k].shape)}"
              for k in common if tensors[k].shape != expected[k].shape]  # fmt: skip
    dtypes = [f"{k}: {tensors[k].dtype} vs {expected[k].dtype}"
              for k in common if tensors[k].dtype != expected[k].dtype]  # fmt: skip
    detail = "; ".join(
        f"{what} {shown(items[:5])}"
        for what, items in (("missing", missing), ("unexpected", extra),
                            ("shape mismatch", shapes), ("dtype mismatch", dtypes))
        if items
    )  # fmt: skip
    if detail:
        raise CheckpointError(f"{source} does not match the network: {detail}")
    bad = [k for k in common if not torch.isfinite(tensors[k]).all()]
    if bad:
        raise CheckpointError(f"{source} holds NaN or infinite values in {shown(bad[:5])}")


def load_module_state(
    module: nn.Module, tensors: dict[str, torch.Tensor], prefix: str, source: str = "checkpoint"
) -> None:
    """Load the tensors under ``prefix`` into ``module``; refuse them unless they pass
    :func:`check_tensors` against its state and its buffers are equal to the module's own
    (buffers here are constants of the code, such as indices, never learnt)."""
    given = {k[len(prefix) :]: v for k, v in tensors.items() if k.startswith(prefix)}
    check_tensors(given, module.state_dict(), f"{source} ({prefix}*)")
    changed = [k for k, b in module.named_buffers() if not torch.equal(given[k], b)]
    if changed:
        raise CheckpointError(
            f"{source} ({prefix}*) changes the constant buffers {shown(changed[:5])}; "
            "they must equal the network's own"
        )
    module.load_state_dict(given)


def module_tensors(module: nn.Module, prefix: str) -> dict[str, torch.Tensor]:
    """A module's state dict with ``prefix`` on every key."""
    return {prefix + k: v.detach().clone() for k, v in module.state_dict().items()}


def optimizer_tensors(
    opt: torch.optim.Optimizer, prefix: str
) -> tuple[dict[str, torch.Tensor], dict]:
    """An optimizer's state as flat tensors plus a JSON-able remainder (param groups)."""
    sd = opt.state_dict()
    tensors = {}
    for pid, state in sd["state"].items():
        for name, value in state.items():
            tensors[f"{prefix}{pid}.{name}"] = torch.as_tensor(value).clone()
    return tensors, {"param_groups": sd["param_groups"]}


def load_optimizer(
    opt: torch.optim.Optimizer, tensors: dict[str, torch.Tensor], prefix: str, extra: dict
) -> None:
    """Inverse of :func:`optimizer_tensors`."""
    state: dict[int, dict[str, torch.Tensor]] = {}
    for key, value in tensors.items():
        if key.startswith(prefix):
            pid, name = key[len(prefix) :].split(".", 1)
            state.setdefault(int(pid), {})[name] = value
    opt.load_state_dict({"state": state, "param_groups": extra["param_groups"]})


_TEMPORARY = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")
"""The name of :func:`atomic_write`'s temporary file (``.<name>.<8 random characters>.tmp``)."""


def atomic_write(path: str | Path, write: Callable[[str], object]) -> None:
    """Replace ``path`` atomically: ``write(tmp)`` fills a temporary file in the same folder
    (created with the parents if needed), which gets a normal file's mode (0666 less the
    umask), is fsynced, then renamed over ``path``. The temporary is removed if anything
    fails; one left by a killed process is removed by :func:`remove_temporaries`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # after write: mkstemp makes it private (0600)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def atomic_write_text(path: str | Path, text: str) -> None:
    """Replace the text file ``path`` with ``text`` atomically (see :func:`atomic_write`)."""
    atomic_write(path, lambda tmp: Path(tmp).write_text(text))


def remove_temporaries(folder: str | Path) -> list[Path]:
    """Remove the temporary files that :func:`atomic_write` left in ``folder`` (not below it)
    when its process was killed mid-write; returns those removed. Call it only while no
    other process writes into ``folder``."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    stale = [p for p in folder.iterdir() if _TEMPORARY.fullmatch(p.name) and p.is_file()]
    for p in stale:
        p.unlink()
    return stale


def _umask() -> int:
    mask = os.umask(0)  # the only way to read it is to set it
    os.umask(mask)
    return mask
