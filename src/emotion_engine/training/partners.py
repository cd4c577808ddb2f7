"""The child partners of training: a population the parent is trained with.

In every env the child's actions come either from the co-learning child network
(``co-trained``) or from one of the scripted children of
:data:`~emotion_engine.worlds.policies.CHILD_POLICIES` (``stationary``, ``random``,
``forager``, ``clingy``), so that the parent's care cannot rest on a convention with one
partner. A run gives each partner a weight (``co-trained=0.25,stationary=0.25,…``); the envs
are apportioned to the partners by those weights (:func:`assign`, largest remainders, fixed
per env index for the whole run), so the assignment depends on nothing but the weights and
the number of envs. The scripted children act on the world's state
(:func:`scripted_actions`); their randomness (the ``random`` child's) is drawn afresh each
step from a generator seeded by (run seed, step), so a resumed run draws the same actions.

:data:`DEFAULT_PARTNERS` gives a quarter of the envs to the co-learning child, a quarter
each to the two children that do nothing for themselves (``stationary``, ``random``: the
parent must go to them, and a child that dies early leaves few steps to learn from) and an
eighth each to ``forager`` and ``clingy``: 16, 16, 16, 8 and 8 of the 64 envs of the default
config. With half the envs for the co-learning child and an eighth for each scripted one
(and the model of before: no distance in the observation, bonds that faded apart, no
grief), the parent never learnt to keep a stationary or random child alive (0% of held-out
episodes after 1M steps in caretaking, 2M in crisis); the README's "Child partners" says what changed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from emotion_engine.policies import CO_TRAINED
from emotion_engine.text import clip
from emotion_engine.worlds.policies import CHILD_POLICIES
from emotion_engine.worlds.spec import WorldParams, WorldState

PARTNER_NAMES: tuple[str, ...] = (CO_TRAINED, *CHILD_POLICIES)
"""The child partners a run can train with, in their canonical order."""
Partners = tuple[tuple[str, float], ...]
"""A population: (partner name, weight > 0) in the order of :data:`PARTNER_NAMES`."""
DEFAULT_PARTNERS: Partners = (
    (CO_TRAINED, 0.25),
    ("stationary", 0.25),
    ("random", 0.25),
    ("forager", 0.125),
    ("clingy", 0.125),
)
"""A quarter of the envs each with the co-learning, stationary and random children, an
eighth each with the forager and the clingy child."""
CO_TRAINED_ONLY: Partners = ((CO_TRAINED, 1.0),)
"""Every env with the co-learning child: plain co-training."""
PARTNER_STEP_STREAM = 2
"""Mixed into the seed of the scripted children's generator of each step."""


def check_partners(weights: dict[str, float]) -> Partners:
    """``weights`` (name → weight) as :data:`Partners`: zero weights dropped, canonical
    order; ValueError for an unknown name, a weight that is not a finite number >= 0, or
    weights that are all zero."""
    for name, weight in weights.items():
        if name not in PARTNER_NAMES:
            raise ValueError(
                f"unknown child partner {clip(name)!r} in the partners; expected some of: "
                f"{', '.join(PARTNER_NAMES)}"
            )
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            raise ValueError(
                f"the weight of partner {name!r} must be a number; got {clip(repr(weight))}"
            )
        if not (np.isfinite(weight) and weight >= 0):
            raise ValueError(
                f"the weight of partner {name!r} must be a finite number >= 0; got {weight}"
            )
    if not any(w > 0 for w in weights.values()):
        raise ValueError("the partners' weights are all zero; give at least one a weight > 0")
    return tuple((n, float(weights[n])) for n in PARTNER_NAMES if weights.get(n, 0) > 0)


def parse_partners(text: str) -> Partners:
    """``name=weight,…`` (e.g. ``co-trained=0.5,stationary=0.5``) as :data:`Partners`;
    ValueError naming the bad item (see :func:`check_partners`)."""
    weights: dict[str, float] = {}
    for item in text.split(","):
        name, sep, value = (part.strip() for part in item.partition("="))
        if not sep or not name:
            raise ValueError(
                f"partners are name=weight items separated by commas (e.g. "
                f"{format_partners(DEFAULT_PARTNERS)}); got {clip(item.strip())!r}"
            )
        if name in weights:
            raise ValueError(f"partner {clip(name)!r} is given twice in the partners")
        try:
            weights[name] = float(value)
        except ValueError:
            raise ValueError(
                f"the weight of partner {clip(name)!r} must be a number; got {clip(value)!r}"
            ) from None
    return check_partners(weights)


def format_partners(partners: Partners) -> str:
    """The ``name=weight,…`` text of ``partners`` (what :func:`parse_partners` reads)."""
    return ",".join(f"{name}={weight:g}" for name, weight in partners)


def assign(partners: Partners, n_envs: int) -> tuple[str, ...]:
    """The partner of each of ``n_envs`` envs: each partner gets its share of the envs
    rounded down, the envs left over go to the largest remainders (the earlier partner on a
    tie); envs are laid out in blocks in the partners' order. A partner whose share is under
    one env may get none."""
    names = [name for name, _ in partners]
    weights = np.array([w for _, w in partners], dtype=np.float64)
    quota = weights / weights.sum() * n_envs
    counts = np.floor(quota).astype(np.int64)
    left = n_envs - int(counts.sum())
    order = sorted(range(len(names)), key=lambda i: (-(quota[i] - counts[i]), i))
    counts[order[:left]] += 1
    return tuple(name for name, count in zip(names, counts, strict=True) for _ in range(count))


def scripted_envs(partners: Sequence[str]) -> dict[str, NDArray[np.bool_]]:
    """Each scripted child among ``partners`` (one name per env) → the envs it acts in."""
    each = np.asarray(partners)
    return {name: each == name for name in CHILD_POLICIES if name in partners}


def scripted_actions(
    envs: dict[str, NDArray[np.bool_]],
    params: WorldParams,
    state: WorldState,
    obs: NDArray[np.float32],
    seed: int,
    step: int,
) -> NDArray[np.int64]:
    """The children's actions (n_envs, n_children) of the scripted partners in the envs they act in
    (``envs``, see :func:`scripted_envs`; -1 elsewhere), at the run's ``step`` with the run's
    ``seed``."""
    out = np.full((state.n_envs, state.n_agents - 1), -1, dtype=np.int64)
    step_seed = int(np.random.SeedSequence([seed, PARTNER_STEP_STREAM, step]).generate_state(1)[0])
    for name, where in envs.items():
        np.copyto(out, CHILD_POLICIES[name](params, step_seed)(state, obs), where=where[:, None])
    return out
