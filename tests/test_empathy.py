"""Empathy sees need, and care is not rewarded as an act: what the README says of the
emotional reward, checked on hand-built worlds (the parent at (4, 4), the child beside it)."""

from dataclasses import replace

import numpy as np
import pytest

from emotion_engine.affect import MODULATORS, PRIMITIVES, AffectParams, SocialParams
from emotion_engine.worlds import WorldParams
from emotion_engine.worlds.core import OBS_INDEX
from emotion_engine.worlds.rewards import RewardWeights
from world_builder import CHILD, FAR_FOOD, FEED, PARENT, STAY, act, one_world

EMOTIONAL = WorldParams(reward_mode="emotional")
GRIEF = EMOTIONAL.rewards.grief
ATTACHMENT = PRIMITIVES.index("attachment")
EMOTIONAL_TERMS = ("own_valence", "empathic_joy", "empathic_distress", "bond", "grief")


def beside(params: WorldParams, child_hunger: float, carrying: bool = True):
    return one_world(params, pos=[[4, 4], [4, 5]], carrying=[carrying, False],
                     hunger=[0.2, child_hunger], food=FAR_FOOD)  # fmt: skip


def emotional_reward(params: WorldParams, first: int, child_hunger: float, steps: int = 20):
    """The parent's emotional reward over ``steps`` steps that start with ``first``."""
    state, total = beside(params, child_hunger), 0.0
    for t in range(steps):
        state, *_, info = act(params, state, parent=first if t == 0 else STAY)
        total += sum(float(info.reward_terms[k][0, PARENT]) for k in EMOTIONAL_TERMS)
    return total


def earned(params: WorldParams, child_hunger: float) -> float:
    """What one feed earns the parent over 20 steps, against standing by."""
    return emotional_reward(params, FEED, child_hunger) - emotional_reward(
        params, STAY, child_hunger
    )


def test_a_feed_earns_the_parent_more_the_hungrier_the_child():
    gains = [earned(EMOTIONAL, h) for h in (0.0, 0.4, 0.8)]
    assert 0.0 <= gains[0] < gains[1] < gains[2]
    assert gains[2] >= 5 * gains[0] and gains[2] > 0.1


def deaf(params: WorldParams) -> WorldParams:
    """The parent blind to the child's face (no contagion, no empathic terms), with a child
    that does not starve (so no harm to it reaches the parent either)."""
    weights = replace(params.rewards, empathic_joy=0.0, empathic_distress=0.0)
    silent = replace(params, rewards=weights, starve_damage=0.0)
    affect = AffectParams(modulators=silent.affect.modulators, social=SocialParams(openness=0.0))
    object.__setattr__(silent, "affect", affect)  # the cached property, replaced
    return silent


@pytest.mark.parametrize("child_hunger", [0.0, 0.4, 0.8])
def test_care_acts_are_not_rewarded_as_acts(child_hunger):
    # with the child's face hidden from the parent (and no harm to the child), a feed earns
    # the parent exactly nothing: all it earns comes through the child's change of state
    assert earned(deaf(EMOTIONAL), child_hunger) == 0.0


def test_the_parents_empathy_turns_negative_as_the_child_starves_before_it_dies():
    state, rows = beside(EMOTIONAL, 0.3, carrying=False), []
    while state.health[0, CHILD] > 0.0:
        state, *_, info = act(EMOTIONAL, state)  # still face: both stand still
        terms = info.reward_terms
        rows.append((state.hunger[0, CHILD], terms["empathic_joy"][0, PARENT]
                     + terms["empathic_distress"][0, PARENT]))  # fmt: skip
        assert terms["grief"][0, PARENT] == (
            0.0
            if state.health[0, CHILD] > 0.0
            else pytest.approx(-GRIEF * state.affect.social[0, PARENT, 0, ATTACHMENT])
        )  # grief only once it has died
    hunger, empathy = np.array(rows).T
    starving = int(np.argmax(hunger >= EMOTIONAL.hungry_at))
    negative = int(np.argmax(empathy < 0.0))
    assert empathy[0] > 0.0 and negative < starving + 30 < len(rows)  # before the child dies
    assert np.all(empathy[negative:-1] < 0.0)  # and stays negative while it starves
    assert empathy[-1] == 0.0  # the step it dies, its face goes blank


def test_a_dead_childs_face_shows_nothing_and_its_loss_is_felt_as_grief():
    state = one_world(EMOTIONAL, pos=[[4, 4], [4, 5]], health=[1.0, 0.01], hunger=[0.2, 1.0])
    state, obs, *_, info = act(EMOTIONAL, state)
    assert info.died[0, CHILD]
    bond = state.affect.social[0, PARENT, 0, ATTACHMENT]
    assert info.reward_terms["grief"][0, PARENT] == pytest.approx(
        -GRIEF * bond
    )  # from the step it dies
    for _ in range(5):
        state, obs, *_, info = act(EMOTIONAL, state)
        assert info.reward_terms["empathic_distress"][0, PARENT] == 0.0
        assert info.reward_terms["empathic_joy"][0, PARENT] == 0.0
        # the bond holds after death, and is felt as loss each step
        assert state.affect.social[0, PARENT, 0, ATTACHMENT] == pytest.approx(bond, abs=1e-12)
        assert info.reward_terms["grief"][0, PARENT] == pytest.approx(-GRIEF * bond)
        expressed = [v for k, v in OBS_INDEX.items() if k.startswith("other_expressed_")]
        assert np.all(obs[0, PARENT, expressed] == 0.0)
    # the dead feel nothing: its hunger no longer drives its stress, which relaxes to rest
    cortisol = MODULATORS.index("cortisol")
    before = state.affect.levels[0, CHILD, cortisol]
    state, *_ = act(EMOTIONAL, state)
    rest = EMOTIONAL.affect.modulators.baseline[CHILD, cortisol]
    assert rest < state.affect.levels[0, CHILD, cortisol] < before


def test_no_emotional_reward_without_the_emotional_mode():
    extrinsic = WorldParams(rewards=RewardWeights())
    *_, info = act(extrinsic, beside(extrinsic, 0.8), parent=FEED)
    assert not set(EMOTIONAL_TERMS) & set(info.reward_terms)


def test_openness_is_a_trait_of_each_agent():
    assert WorldParams(openness=(0.0, 0.7)).affect.social.openness.tolist() == [0.0, 0.7]
    with pytest.raises(ValueError, match=r"^openness must be two finite numbers >= 0"):
        WorldParams(openness=(-0.1, 0.3))
