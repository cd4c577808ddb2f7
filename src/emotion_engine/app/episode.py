"""One episode as a stream: step one world with a policy and yield what the page shows.

:class:`Episode` steps a single world (the batched core with one env) and records, per step,
a :class:`StepRecord` of numbers — modulators, primary emotions, social primitives, complex
emotions (learned policies only), health, hunger — and the step's happenings (each a
kind, e.g. ``shield``, and its words). Pictures
(the world, both faces) are drawn on request, so a caller that streams every few steps pays
for drawing only then, and the API pays nothing for them. At the end, :meth:`Episode.summary`
gives the JSON summary (the world's episode metrics plus ``maternal_love_final``) and a
one-sentence :func:`narrative`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from emotion_engine.affect import EVENTS
from emotion_engine.affect.complex import COMPLEX_EMOTIONS
from emotion_engine.agents.policy import LearnedPolicy
from emotion_engine.app.faces import FacePair, picture
from emotion_engine.app.inputs import RunRequest
from emotion_engine.app.policies import load
from emotion_engine.worlds.core import (
    CHILD,
    COUNTS,
    PARENT,
    STATS,
    WorldParams,
    reset,
    step,
)
from emotion_engine.worlds.learning import signals_from
from emotion_engine.worlds.render import rgb_array
from emotion_engine.worlds.runner import ComplexMeans
from emotion_engine.worlds.runner import summary as episode_summary

FACE_SECONDS_PER_STEP = 0.1
"""Animation time of the faces per world step (blinks and glances, not the emotions)."""
_MATERNAL_LOVE = COMPLEX_EMOTIONS.index("maternal_love")
_EV = {name: i for i, name in enumerate(EVENTS)}
WHO = ("parent", "child")
KINDS = ("feed", "comfort", "threat", "shield", "death")
"""The kinds of happening that the page marks on its charts, least notable first."""
COMPLEX_NAMES: dict[str, tuple[str, ...]] = {
    "parent": ("maternal love", "compassion", "grief", "devotion"),
    "child": ("love for the parent", "compassion", "grief", "devotion"),
}
"""What each role's complex emotions (``COMPLEX_EMOTIONS`` order) are called on the page: the
first is attachment × the other's thriving, which for the child is love for its parent, not
maternal love; the others read the same from either side."""


class Happening(NamedTuple):
    """One notable event of a step: its kind (one of :data:`KINDS`) and its words."""

    kind: str
    words: str


@dataclass(frozen=True)
class StepRecord:
    """What one step left behind; arrays are (agent, ...) with the parent first.

    Attributes:
        t: steps taken (0 is the state after reset).
        modulators: (2, 7) modulator levels.
        emotions: (2, 7) primary-emotion distributions.
        primitives: (2, 10) social primitives towards the other.
        complex_emotions: (2, 4) complex emotions, or None for policies without them.
        health, hunger: (2,) in [0, 1].
        happenings: what happened in this step.
    """

    t: int
    modulators: NDArray[np.float64]
    emotions: NDArray[np.float64]
    primitives: NDArray[np.float64]
    complex_emotions: NDArray[np.float64] | None
    health: NDArray[np.float64]
    hunger: NDArray[np.float64]
    happenings: tuple[Happening, ...] = ()

    @property
    def events(self) -> tuple[str, ...]:
        """What happened in this step, in words."""
        return tuple(h.words for h in self.happenings)

    @property
    def alive(self) -> NDArray[np.bool_]:
        """(2,) whether each agent lives."""
        return self.health > 0.0


def describe_events(events: NDArray, died: NDArray) -> tuple[Happening, ...]:
    """The notable events of one step, from events (2, len(EVENTS)) and deaths (2,)."""
    out = []
    if events[:, _EV["novelty"]].any():
        out.append(Happening("threat", "a threat appeared"))
    for agent in (PARENT, CHILD):
        me, other = WHO[agent], WHO[1 - agent]
        if events[1 - agent, _EV["fed"]]:
            out.append(Happening("feed", f"the {me} fed the {other}"))
        if events[1 - agent, _EV["comforted"]]:
            out.append(Happening("comfort", f"the {me} comforted the {other}"))
        if events[agent, _EV["protected_other"]]:
            out.append(Happening("shield", f"the {me} took the blow for the {other}"))
    for agent in (PARENT, CHILD):
        if died[agent]:
            out.append(Happening("death", f"the {WHO[agent]} died"))
    return tuple(out)


class Episode:
    """One world, one policy, stepped to the end of the episode (iterate it).

    Raises :class:`~emotion_engine.app.policies.PolicyUnavailable` at construction when the
    policy cannot run (trained agents without a loadable checkpoint).
    """

    def __init__(self, request: RunRequest) -> None:
        self.request = request
        self.params = WorldParams(scenario=request.scenario, max_cycles=request.steps)
        self.policy = load(request.policy, self.params, request.seed)
        self.state, self.obs = reset(self.params, [request.seed])
        self._complex = ComplexMeans(1)
        self.records: list[StepRecord] = [self._record(None, ())]
        self.metrics: dict[str, NDArray] | None = None
        self.deaths: dict[str, int] = {}
        self._faces = FacePair(request.seed)
        self._faces_t = 0

    @property
    def done(self) -> bool:
        """Whether the episode has ended."""
        return self.metrics is not None

    @property
    def has_complex_emotions(self) -> bool:
        """Whether the policy composes complex emotions (the learned agents do)."""
        return isinstance(self.policy, LearnedPolicy)

    def stat(self, name: str) -> int | float:
        """An episode accumulator so far (one of the world's ``STATS``, e.g. ``feeds``)."""
        value = float(self.state.stats[0, STATS.index(name)])
        return int(value) if name in COUNTS else value

    def _record(
        self, complex_emotions: NDArray | None, happenings: tuple[Happening, ...]
    ) -> StepRecord:
        s = self.state
        return StepRecord(
            t=int(s.t[0]),
            modulators=s.affect.levels[0].copy(),
            emotions=s.affect.primary[0].copy(),
            primitives=s.affect.social[0, :, 0].copy(),  # towards the one other
            complex_emotions=None if complex_emotions is None else np.array(complex_emotions[0]),
            health=s.health[0].copy(),
            hunger=s.hunger[0].copy(),
            happenings=happenings,
        )

    def step(self) -> StepRecord:
        """Advance one step and return its record; RuntimeError once the episode is done."""
        if self.done:
            raise RuntimeError("the episode has ended")
        was_alive = self.state.health[0] > 0.0
        actions, extras = self.policy(self.state, self.obs)
        self._complex.add(extras)
        complex_emotions = extras.get("complex_emotions")
        self.state, self.obs, _, _, _, info = step(
            self.params, self.state, actions, signals_from(extras)
        )
        died = was_alive & (self.state.health[0] <= 0.0)
        for agent in np.flatnonzero(died):
            self.deaths[WHO[agent]] = int(self.state.t[0])
        record = self._record(complex_emotions, describe_events(info.events[0], died))
        self.records.append(record)
        if info.episode_envs.size:
            self.metrics = self._complex.metrics(info.episode, info.episode_envs)
        return record

    def __iter__(self) -> Iterator[StepRecord]:
        while not self.done:
            yield self.step()

    def run(self) -> dict[str, object]:
        """Step to the end and return :meth:`summary`."""
        for _ in self:
            pass
        return self.summary()

    def world_picture(self) -> NDArray[np.uint8]:
        """The world now, RGB (H, W, 3)."""
        return rgb_array(self.state, self.params)

    def face_pictures(self, true_pixels: bool = False) -> list[Image.Image]:
        """Both faces now (parent, child), animated up to the current step."""
        last = self.records[-1]
        dt = FACE_SECONDS_PER_STEP * max(last.t - self._faces_t, 1)
        self._faces_t = last.t
        faces = self._faces.update(last.emotions, last.complex_emotions, dt)
        return [
            picture(f, true_pixels, bool(alive)) for f, alive in zip(faces, last.alive, strict=True)
        ]

    def summary(self) -> dict[str, object]:
        """The episode's summary, JSON-ready; ValueError before the episode has ended."""
        if self.metrics is None:
            raise ValueError("the episode has not ended yet")
        last = self.records[-1].complex_emotions
        out: dict[str, object] = {
            "scenario": self.request.scenario,
            "policy": self.request.policy,
            "seed": self.request.seed,
            "max_steps": self.request.steps,
            **episode_summary(self.metrics),
            "maternal_love_final": None if last is None else float(last[PARENT, _MATERNAL_LOVE]),
            "child_died_at": self.deaths.get("child"),
            "parent_died_at": self.deaths.get("parent"),
        }
        out["narrative"] = narrative(out)
        return out


def times(n: object) -> str:
    """A count of times: "once", "twice", "5 times"."""
    return {1: "once", 2: "twice"}.get(int(n), f"{n} times")  # type: ignore[call-overload]


def narrative(s: dict) -> str:
    """One plain sentence on what happened in an episode, from its summary."""
    start = f"With {s['policy']} agents in the {s['scenario']} world"
    if s["child_survived"]:
        fate = f"the child lived through all {s['steps']} steps"
    else:
        causes = [
            cause
            for cause, present in (
                ("hunger", s["child_steps_hungry"] > 0),
                ("threats' blows", s["child_threat_damage"] > 0),
            )
            if present
        ]
        fate = f"the child died at step {s['child_died_at']} of {' and '.join(causes) or 'neglect'}"
    if s["parent_died_at"] is not None:
        fate += f" and the parent died at step {s['parent_died_at']}"
    care = f"the parent fed it {times(s['feeds'])}, comforted it {times(s['comfort_acts'])}"
    if s["scenario"] == "crisis":
        care += f", shielded it {times(s['shield_events'])}"
    feeling = f"its attachment ended at {s['attachment_final']:.2f}"
    if s["maternal_love_final"] is not None:
        feeling += f" and its maternal love at {s['maternal_love_final']:.2f}"
    return f"{start}, {fate}; {care}, and {feeling}."
