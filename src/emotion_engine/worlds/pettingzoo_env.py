"""The PettingZoo view of the batched core: one world behind ``ParallelEnv``'s dicts.

:class:`WorldEnv` holds a one-env :class:`~emotion_engine.worlds.core.WorldState` and calls
:func:`~emotion_engine.worlds.core.reset` / :func:`~emotion_engine.worlds.core.step`; it adds
only the dict interface, action validation and rendering. :class:`WorldAEC` is its AEC form.
``caretaking_v0`` and ``crisis_v0`` are two presets of it.

A refused action raises ValueError at the step that gives it and changes nothing: the next
valid step goes on as if the refused one had never been tried.
"""

from __future__ import annotations

import reprlib
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

import numpy as np
from gymnasium import spaces
from pettingzoo import AECEnv, ParallelEnv
from pettingzoo.utils.conversions import parallel_to_aec_wrapper
from pettingzoo.utils.wrappers import OrderEnforcingWrapper

from emotion_engine.worlds import core, render
from emotion_engine.worlds.core import (
    ACTIONS,
    N_ACTIONS,
    STAY,
    WorldParams,
)
from emotion_engine.worlds.infos import agent_infos
from emotion_engine.worlds.spec import AgentSignals, is_integer, obs_bounds

RENDER_MODES = ("human", "rgb_array", "ansi")


def observation_space(n_children: int = 1) -> spaces.Box:
    """The Box every observation of a world with ``n_children`` lies in (bounds per feature,
    see ``spec.obs_features``)."""
    return spaces.Box(*obs_bounds(n_children), dtype=np.float32)


class WorldEnv(ParallelEnv):
    """A parent and its children in one world (see :mod:`emotion_engine.worlds` for the
    tables): agents ``parent_0``, ``child_0`` … ``child_{n−1}``.

    Args:
        scenario: ``"caretaking"`` or ``"crisis"``.
        render_mode: ``None``, ``"rgb_array"``, ``"ansi"`` or ``"human"`` (prints ansi).
        max_cycles: steps before truncation.
        preset: ``"default"`` or ``"harsh"`` (care costs the carer; see
            :data:`~emotion_engine.worlds.spec.PRESETS`), the values the other keywords
            set over.
        **params: any other :class:`~emotion_engine.worlds.core.WorldParams` field, e.g.
            ``n_children`` (1 to 3).

    Raises:
        ValueError: an unknown render mode, preset or keyword, or a parameter of the wrong
            type or out of its range (see ``WorldParams``).
    """

    def __init__(
        self,
        scenario: str,
        render_mode: str | None = None,
        max_cycles: int = 500,
        preset: str = "default",
        **params: Any,
    ) -> None:
        if render_mode is not None and render_mode not in RENDER_MODES:
            raise ValueError(
                f"unknown render_mode {reprlib.repr(render_mode)}; expected one of: {', '.join(RENDER_MODES)}"
            )
        unknown = sorted(set(params) - {f.name for f in fields(WorldParams)})
        if unknown:
            raise ValueError(
                f"unknown keyword(s) {reprlib.repr(unknown)}; expected render_mode, max_cycles, "
                "preset or a WorldParams field"
            )
        self.params = WorldParams.preset(preset, scenario, max_cycles=max_cycles, **params)
        self.metadata = {
            "render_modes": list(RENDER_MODES),
            "name": f"{scenario}_v0",
            "is_parallelizable": True,
            "render_fps": 8,
        }
        self.render_mode = render_mode
        self.possible_agents = list(self.params.agents)
        self.agents: list[str] = []
        box = observation_space(self.params.n_children)
        self.observation_spaces = {a: box for a in self.possible_agents}
        self.action_spaces = {a: spaces.Discrete(N_ACTIONS) for a in self.possible_agents}
        self.state: core.WorldState | None = None
        self._seed: int | None = None

    def observation_space(self, agent: str) -> spaces.Box:
        """The observation space of ``agent`` (the same Box for all)."""
        return self.observation_spaces[agent]

    def action_space(self, agent: str) -> spaces.Discrete:
        """The action space of ``agent``: Discrete(10), see ``spec.ACTIONS``."""
        return self.action_spaces[agent]

    def reset(
        self, seed: int | None = None, options: dict | None = None
    ) -> tuple[dict[str, np.ndarray], dict[str, dict]]:
        """Start an episode; the same seed gives the same episode. Without a seed, the next
        episode of the last seeded one (or a random one if never seeded). ``options`` are
        ignored, as PettingZoo's API test expects of an env that has none."""
        if seed is not None:
            keys = core.seed_keys([seed])
        elif self.state is not None:
            keys = core.next_keys(self.state.key)
        else:
            keys = core.seed_keys(np.random.SeedSequence().generate_state(1, np.uint64) >> 1)
        self.state = core.initial(self.params, keys)
        self.agents = list(self.possible_agents)
        obs = core.observe(self.params, self.state)
        return self._split(obs), {a: {} for a in self.possible_agents}

    def step(
        self, actions: dict[str, Any], signals: AgentSignals | None = None
    ) -> tuple[dict, dict, dict, dict, dict]:
        """Advance one step; ``actions`` maps each live agent to an int in Discrete(10), and
        ``signals`` (optional, one world: value (1, A), complex emotions (1, A, 4)) are the
        learning agents' own, which drive their modulators
        (:mod:`~emotion_engine.worlds.learning`).

        Raises:
            ValueError: an unknown or missing agent, an action that is not an integer in
                range, or bad signals; the world is left unchanged.
        """
        if self.state is None:
            raise RuntimeError("call reset() before step()")
        if not self.agents:
            raise RuntimeError("the episode is over; call reset()")
        live = list(self.agents)
        chosen = np.array([self._validate(actions)])
        self.state, obs, rewards, terminated, truncated, info = core.step(
            self.params, self.state, chosen, signals
        )
        index = {a: i for i, a in enumerate(self.possible_agents)}
        terms = {a: bool(info.died[0, index[a]] or terminated[0]) for a in live}
        truncs = dict.fromkeys(live, bool(truncated[0]))
        every = agent_infos(self.state, info)
        infos = {agent: every[agent] for agent in live}
        if info.episode:
            for agent in live:
                infos[agent]["episode"] = {k: v[0].item() for k, v in info.episode.items()}
        split = self._split(obs)
        result = (
            {a: split[a] for a in live},
            {a: float(rewards[0, index[a]]) for a in live},
            terms,
            truncs,
            infos,
        )
        self.agents = [a for a in live if not (terms[a] or truncs[a])]
        if self.render_mode == "human":
            self.render()
        return result

    def _validate(self, actions: Mapping[str, Any]) -> list[int]:
        """The actions of every agent as ints, or ValueError naming the agent and space."""
        if not isinstance(actions, Mapping):
            raise ValueError(
                f"actions must be a dict mapping each live agent ({', '.join(self.agents)}) to "
                f"an integer in Discrete({N_ACTIONS}); got {type(actions).__name__}"
            )
        unknown = [str(a) for a in actions if a not in self.agents]
        if unknown:
            raise ValueError(
                f"unknown agent(s) {reprlib.repr(unknown)}; expected actions for {self.agents}, "
                f"each an integer in Discrete({N_ACTIONS})"
            )
        out = []
        for agent in self.possible_agents:
            if agent not in self.agents:
                out.append(STAY)  # the dead act no more
                continue
            if agent not in actions:
                raise ValueError(
                    f"missing action for {agent}; expected an integer in Discrete({N_ACTIONS})"
                )
            out.append(self.checked_action(agent, actions[agent]))
        return out

    def checked_action(self, agent: str, action: Any) -> int:
        """``action`` of ``agent`` as an int, or ValueError naming the agent and the space."""
        value = action.item() if isinstance(action, np.ndarray) and action.ndim == 0 else action
        if not is_integer(value) or not 0 <= value < N_ACTIONS:
            raise ValueError(
                f"invalid action {reprlib.repr(action)} for {agent}: expected an integer in "
                f"Discrete({N_ACTIONS}) (0..{N_ACTIONS - 1}: {', '.join(ACTIONS)})"
            )
        return int(value)

    def _split(self, obs: np.ndarray) -> dict[str, np.ndarray]:
        return {a: np.ascontiguousarray(obs[0, i]) for i, a in enumerate(self.possible_agents)}

    def render(self) -> np.ndarray | str | None:
        """The current picture in ``render_mode`` (``human`` prints the ansi picture)."""
        if self.state is None or self.render_mode is None:
            return None
        if self.render_mode == "rgb_array":
            return render.rgb_array(self.state, self.params)
        text = render.ansi(self.state, self.params)
        if self.render_mode == "human":
            print(text)
            return None
        return text

    def close(self) -> None:
        """Nothing to release."""


class WorldAEC(parallel_to_aec_wrapper):
    """PettingZoo's AEC form of a :class:`WorldEnv` that checks each action at the step that
    gives it (PettingZoo's own keeps it until the last agent's step, then fails on every step
    until ``reset()``)."""

    def step(self, action: Any) -> None:
        """Take the selected agent's action: an int in Discrete(10), or None once it is done.

        Raises:
            ValueError: an invalid action (or one for a done agent); nothing is changed.
        """
        agent = self.agent_selection
        if self.terminations[agent] or self.truncations[agent]:
            if action is not None:
                raise ValueError(f"{agent} is done: step(None), not {reprlib.repr(action)}")
            super().step(None)
        else:
            super().step(self.env.checked_action(agent, action))


def make_aec(scenario: str, **kwargs: Any) -> AECEnv:
    """The AEC form of ``scenario``: a :class:`WorldAEC`, in PettingZoo's order checks (as
    ``parallel_to_aec`` gives)."""
    return OrderEnforcingWrapper(WorldAEC(WorldEnv(scenario, **kwargs)))
