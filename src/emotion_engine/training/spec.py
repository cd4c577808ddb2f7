"""What a training run is: :class:`RunSpec`, stored as JSON in every checkpoint.

A run is described by its scenario and world preset, reward mode, ablated intrinsic terms, whether the agents'
learning signals drive their emotions, the agents' sizes, the observation layout it was
trained on, whether the family starts with the birth bond, the child partners the parent
trains with (:mod:`~emotion_engine.training.partners`) and the number of children in its
family (``n_children``; all the parent's own); with a
:class:`~emotion_engine.training.config.PPOConfig` it defines the run, and both must match to
resume one. A stored spec without partners (from before them) was trained with its co-trained
child alone; one without ``n_children`` (from before families) with one child.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

from emotion_engine.agents.emotional import AgentConfig
from emotion_engine.agents.policy import PRIMITIVE_INDEX, primitive_index
from emotion_engine.text import clip
from emotion_engine.training.conditions import CONDITIONS, INTRINSIC_TERMS, Condition
from emotion_engine.training.config import known_fields
from emotion_engine.training.partners import (
    CO_TRAINED_ONLY,
    DEFAULT_PARTNERS,
    Partners,
    check_partners,
)
from emotion_engine.worlds.core import N_ACTIONS, OBS_DIM, WorldParams
from emotion_engine.worlds.family import MAX_CHILDREN
from emotion_engine.worlds.rewards import RewardWeights
from emotion_engine.worlds.spec import obs_dim


@dataclass(frozen=True)
class RunSpec:
    """One training run of the parent and child; ValueError for unknown names.

    ``ablate`` is kept sorted and without repeats, so equal runs compare equal;
    ``partners`` (name → weight pairs, see :func:`~emotion_engine.training.partners.check_partners`)
    is kept in canonical order without zero weights. ``n_children`` (1 to
    :data:`~emotion_engine.worlds.family.MAX_CHILDREN`) sets the observation layout: with
    more than one child, ``obs_dim`` and ``primitive_index`` left at their one-child defaults
    become the family's.
    """

    scenario: str
    reward_mode: str = "emotional"
    ablate: tuple[str, ...] = ()
    learning_signals: bool = True
    agent_config: AgentConfig = field(default_factory=AgentConfig)
    obs_dim: int = OBS_DIM
    n_actions: int = N_ACTIONS
    primitive_index: tuple[int, ...] = tuple(PRIMITIVE_INDEX)
    birth_bond: bool = True
    preset: str = "default"
    partners: Partners = DEFAULT_PARTNERS
    n_children: int = 1

    def __post_init__(self) -> None:
        if type(self.n_children) is not int or not 1 <= self.n_children <= MAX_CHILDREN:
            raise ValueError(
                f"n_children must be an integer from 1 to {MAX_CHILDREN}; "
                f"got {clip(repr(self.n_children))}"
            )
        if (self.obs_dim, tuple(self.primitive_index)) == (OBS_DIM, tuple(PRIMITIVE_INDEX)):
            object.__setattr__(self, "obs_dim", obs_dim(self.n_children))
            object.__setattr__(self, "primitive_index", primitive_index(self.n_children))
        unknown = sorted(set(self.ablate) - set(INTRINSIC_TERMS))
        if unknown:
            raise ValueError(
                f"cannot ablate {unknown}; the intrinsic terms are: {', '.join(INTRINSIC_TERMS)}"
            )
        self.world_params()  # checks the scenario, the preset and the reward mode
        object.__setattr__(self, "ablate", tuple(sorted(set(self.ablate))))
        object.__setattr__(self, "primitive_index", tuple(self.primitive_index))
        object.__setattr__(self, "partners", check_partners(dict(self.partners)))

    @classmethod
    def from_condition(
        cls,
        name: str,
        scenario: str,
        preset: str = "default",
        partners: Partners = DEFAULT_PARTNERS,
        n_children: int = 1,
    ) -> RunSpec:
        """The run of the named condition (see training/conditions.py) in ``scenario`` (of
        world preset ``preset``) with the child ``partners`` in families of ``n_children``."""
        if name not in CONDITIONS:
            raise ValueError(
                f"unknown condition {name!r}; expected one of: {', '.join(CONDITIONS)}"
            )
        c = CONDITIONS[name]
        return cls(scenario, c.reward_mode, c.ablate, c.learning_signals,
                   AgentConfig(composer=c.composer), birth_bond=c.birth_bond,
                   preset=preset, partners=partners, n_children=n_children)  # fmt: skip

    @property
    def condition(self) -> str | None:
        """The name of this run's condition; None when it is none of the named ones."""
        mine = Condition(self.reward_mode, self.ablate, self.learning_signals,
                         self.birth_bond, self.agent_config.composer)  # fmt: skip
        return next((name for name, c in CONDITIONS.items() if c == mine), None)

    def world_params(self) -> WorldParams:
        """The worlds of this run: its scenario of its preset and its reward mode, ablated
        terms weighted 0, attachment (0, 0) at reset without the birth bond, and its
        ``n_children`` (all the parent's own)."""
        weights = replace(RewardWeights(), **dict.fromkeys(self.ablate, 0.0))
        bond = {} if self.birth_bond else {"initial_attachment": (0.0, 0.0)}
        return WorldParams.preset(self.preset, self.scenario, reward_mode=self.reward_mode,
                                  rewards=weights, n_children=self.n_children, **bond)  # fmt: skip

    def to_dict(self) -> dict:
        """Plain dict for JSON metadata (the ``spec`` of every checkpoint); ``n_children``
        only where it is not 1 (so a one-child spec is what it was before families)."""
        d = asdict(self) | {"agent_config": self.agent_config.to_dict()}
        d |= {"ablate": list(self.ablate), "primitive_index": list(self.primitive_index),
              "partners": dict(self.partners)}  # fmt: skip
        return d if self.n_children != 1 else {k: v for k, v in d.items() if k != "n_children"}

    @classmethod
    def from_dict(cls, d: dict) -> RunSpec:
        """Inverse of :meth:`to_dict`; unknown keys, here or in ``agent_config``, are an error;
        without ``partners``, the co-trained child alone."""
        d = {"partners": dict(CO_TRAINED_ONLY)} | known_fields(cls, d)
        if not isinstance(d["partners"], dict):
            raise ValueError(
                f"a run's partners must be an object of weights; got {clip(repr(d['partners']))}"
            )
        d["partners"] = tuple(d["partners"].items())
        if "agent_config" in d:
            d = d | {"agent_config": AgentConfig(**known_fields(AgentConfig, d["agent_config"]))}
        return cls(**d)
