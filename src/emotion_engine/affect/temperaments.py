"""Temperament presets: named ModulatorParams for agents of different dispositions.

A temperament only changes layer 1's parameters (how fast each modulator rises, how fast it
settles and where it rests); everything downstream is shared. Give each agent of a batch its
own with :func:`population`.

| preset        | differs from ``balanced``                                              |
|---------------|------------------------------------------------------------------------|
| balanced      | the default                                                            |
| calm          | adrenaline, noradrenaline and cortisol rise slower and settle faster;  |
|               | higher resting serotonin, lower resting cortisol                       |
| anxious       | cortisol rises faster; cortisol and adrenaline settle slower and rest  |
|               | higher (adrenaline twice as high); lower resting serotonin             |
| affectionate  | oxytocin rises faster, settles slower and rests higher                 |
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from emotion_engine.affect.modulators import MODULATORS, ModulatorParams

#                      DA     5-HT   OXT    NA     ADR    CORT   END
_BALANCED = {
    "growth":   (0.80, 0.30, 0.50, 1.00, 1.00, 0.40, 1.50),
    "capacity": (1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00),
    "decay":    (0.20, 0.05, 0.10, 0.30, 0.30, 0.05, 0.20),
    "baseline": (0.20, 0.40, 0.15, 0.15, 0.10, 0.15, 0.10),
}  # fmt: skip

# Multiplicative changes to the balanced values, per field and modulator.
_CHANGES: dict[str, dict[str, dict[str, float]]] = {
    "balanced": {},
    "calm": {
        "growth": {"adrenaline": 0.6, "noradrenaline": 0.7, "cortisol": 0.6},
        "decay": {"adrenaline": 1.5, "noradrenaline": 1.3, "cortisol": 1.5},
        "baseline": {"serotonin": 1.25, "cortisol": 0.7},
    },
    "anxious": {
        "growth": {"cortisol": 1.8},
        "decay": {"cortisol": 0.6, "adrenaline": 0.7},
        "baseline": {"serotonin": 0.7, "cortisol": 1.6, "adrenaline": 2.0},
    },
    "affectionate": {
        "growth": {"oxytocin": 1.6},
        "decay": {"oxytocin": 0.6},
        "baseline": {"oxytocin": 1.6},
    },
}

TEMPERAMENTS: tuple[str, ...] = tuple(_CHANGES)


def temperament(name: str = "balanced") -> ModulatorParams:
    """The ModulatorParams of a named preset."""
    if name not in _CHANGES:
        raise ValueError(
            f"unknown temperament {name!r}; expected one of: {', '.join(TEMPERAMENTS)}"
        )
    values = {k: np.array(v, dtype=float) for k, v in _BALANCED.items()}
    for field, changes in _CHANGES[name].items():
        for modulator, factor in changes.items():
            values[field][MODULATORS.index(modulator)] *= factor
    return ModulatorParams(**values)


def population(names: Sequence[str]) -> ModulatorParams:
    """A batched ModulatorParams with one temperament per agent, shape (len(names), 7)."""
    return ModulatorParams.stack([temperament(n) for n in names])
