"""What the README says of today's emotional reward, checked: attachment grows with the
parent's own care acts, and the bond term pays for that growth, so a feed earns the parent
reward through the bond even when the child is sated (care is rewarded as an act)."""

import pytest

from emotion_engine.worlds import WorldParams
from world_builder import FEED, STAY, act, one_world

EMOTIONAL = WorldParams(reward_mode="emotional")


def bond_term(action: int, child_hunger: float) -> float:
    state = one_world(EMOTIONAL, pos=[[4, 4], [4, 5]], carrying=[True, False],
                      hunger=[0.2, child_hunger])  # fmt: skip
    *_, info = act(EMOTIONAL, state, parent=action)
    return float(info.reward_terms["bond"][0, 0])


@pytest.mark.parametrize("child_hunger", [0.0, 0.4, 0.8])
def test_a_feed_earns_the_parent_bond_reward_whatever_the_childs_need(child_hunger):
    fed, idle = bond_term(FEED, child_hunger), bond_term(STAY, child_hunger)
    assert fed > 0.005 and abs(idle) < fed / 50  # the act pays; standing by barely does
    # and the same whatever the child's need: it is the act that pays, not the relief
    assert fed == bond_term(FEED, 0.0) and idle == bond_term(STAY, 0.0)
