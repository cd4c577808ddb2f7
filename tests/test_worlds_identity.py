"""Identities: the signature each agent shows the other, and a stranger in an agent's place."""

from dataclasses import replace

import numpy as np
import pytest

from emotion_engine.worlds import BatchedWorld, WorldParams
from emotion_engine.worlds.core import obs_span, observe, reset
from emotion_engine.worlds.identity import (
    CHILD_ID,
    PARENT_ID,
    fresh_identity,
    meet_stranger,
    signature,
    signatures,
)
from world_builder import CHILD, FAR_FOOD, PARENT, act, one_world

SIGNATURE = obs_span("other_signature_0", "other_signature_3")
PARAMS = WorldParams()


def test_distinct_identities_have_distinct_signatures():
    ids = np.arange(10_000)
    signatures = signature(ids)
    assert signatures.shape == (10_000, 4) and signatures.dtype == np.float64
    assert np.unique(signatures, axis=0).shape[0] == 10_000
    assert ((signatures >= 0.0) & (signatures < 1.0)).all()
    # spread evenly over [0, 1)
    assert signatures.mean() == pytest.approx(0.5, abs=0.01)


def test_the_same_identity_has_the_same_signature():
    np.testing.assert_array_equal(signature([3, 3, 7]), signature(np.array([[3], [3], [7]]))[:, 0])
    np.testing.assert_array_equal(signature(3), signature([3])[0])
    assert signature(np.int32(5)).tolist() == signature(5).tolist()


@pytest.mark.parametrize("bad", [-1, 1.5, "a", [0, -2]])
def test_a_signature_needs_non_negative_integer_identities(bad):
    with pytest.raises(ValueError, match="identities must be non-negative integers"):
        signature(bad)


def test_reset_gives_the_parent_and_its_own_child():
    state, obs = reset(PARAMS, [0, 1, 2])
    assert (PARENT_ID, CHILD_ID) == (0, 1)
    assert state.identity.tolist() == [[0, 1]] * 3 and state.identity.dtype == np.int64
    # each observes the other's signature
    np.testing.assert_array_equal(obs[:, PARENT, SIGNATURE], np.float32(signature([1] * 3)))
    np.testing.assert_array_equal(obs[:, CHILD, SIGNATURE], np.float32(signature([0] * 3)))


def test_identities_last_the_episode_and_come_back_at_reset():
    world = BatchedWorld(2, WorldParams(max_cycles=2))
    world.state = replace(world.state, identity=np.array([[0, 5], [0, 1]]))
    world.step(np.zeros((2, 2), dtype=np.int64))
    assert world.state.identity.tolist() == [[0, 5], [0, 1]]
    world.step(np.zeros((2, 2), dtype=np.int64))  # the episode ends: a new family
    assert world.state.identity.tolist() == [[0, 1], [0, 1]]


def test_a_stranger_gets_an_identity_never_used_in_its_world():
    assert fresh_identity(np.array([[0, 1], [0, 2], [4, 3]])).tolist() == [2, 3, 5]


def test_the_observed_signature_is_the_others_identitys():
    state = one_world(pos=[[4, 4], [4, 5]], food=FAR_FOOD, identity=[0, 9])
    obs = observe(PARAMS, state)[0]
    np.testing.assert_array_equal(obs[PARENT, SIGNATURE], np.float32(signature(9)))
    np.testing.assert_array_equal(obs[CHILD, SIGNATURE], np.float32(signature(0)))


def bonded_world():
    """A world after some care, its child hungry and lonely, the parent's affect moved."""
    state = one_world(pos=[[4, 4], [4, 5]], food=FAR_FOOD, hunger=[0.4, 0.7],
                      loneliness=[0.0, 0.5], health=[0.9, 0.6])  # fmt: skip
    for _ in range(5):
        state, *_ = act(PARAMS, state, parent=8)  # comfort
    return state


def test_a_stranger_takes_the_childs_place_with_a_fresh_body_and_no_bond():
    before = bonded_world()
    assert (before.affect.attachment > 0.1).all()
    met = meet_stranger(PARAMS, before, CHILD)
    assert met.identity.tolist() == [[0, 2]]
    assert met.pos.tolist() == before.pos.tolist()  # in the child's cell
    assert met.health.tolist() == [[before.health[0, PARENT], 1.0]]
    assert met.hunger.tolist() == [[before.hunger[0, PARENT], 0.3]]
    assert met.loneliness.tolist() == [[0.0, 0.0]]
    assert met.carrying.tolist() == before.carrying.tolist()
    assert met.affect.attachment.tolist() == [[[0.0], [0.0]]]  # one pair each
    rest = one_world().affect  # affect at rest (the newcomer's primitives all 0)
    for name in ("levels", "primary", "mood"):
        np.testing.assert_array_equal(getattr(met.affect, name)[0, CHILD],
                                      getattr(rest, name)[0, CHILD])  # fmt: skip
        np.testing.assert_array_equal(getattr(met.affect, name)[0, PARENT],
                                      getattr(before.affect, name)[0, PARENT])  # fmt: skip
    assert not met.affect.social[0, CHILD].any()
    # the parent's other social primitives carry on; only its bond is keyed to the child
    np.testing.assert_array_equal(met.affect.social[0, PARENT, :, 1:],
                                  before.affect.social[0, PARENT, :, 1:])  # fmt: skip
    assert met.stats.tolist() == before.stats.tolist() and met.t.tolist() == before.t.tolist()


def test_the_parent_sees_a_stranger_and_nothing_of_the_old_bond():
    before = bonded_world()
    met = meet_stranger(PARAMS, before, CHILD)
    seen, now = observe(PARAMS, before)[0, PARENT], observe(PARAMS, met)[0, PARENT]
    assert (seen[SIGNATURE] != now[SIGNATURE]).all()
    attachment = obs_span("own_social_attachment")
    assert seen[attachment] > 0.1 and now[attachment] == 0.0
    # a step later the bond is still the stranger's own, from 0, not the child's
    after, *_ = act(PARAMS, met, parent=8)
    assert (
        0.0 <= after.affect.attachment[0, PARENT, 0] < 0.1 * before.affect.attachment[0, PARENT, 0]
    )
    assert after.identity.tolist() == [[0, 2]]


def test_a_second_stranger_is_new_again():
    twice = meet_stranger(PARAMS, meet_stranger(PARAMS, bonded_world(), CHILD), CHILD)
    assert twice.identity.tolist() == [[0, 3]]
    parent_replaced = meet_stranger(PARAMS, twice, PARENT)
    assert parent_replaced.identity.tolist() == [[4, 3]]
    assert parent_replaced.carrying[0, PARENT] == PARAMS.start_carrying[PARENT]


def test_tabled_signatures_are_the_hashed_ones():
    ids = np.array([[0, 1, 63], [64, 65, 2]])
    np.testing.assert_array_equal(signatures(ids), signature(ids))
    np.testing.assert_array_equal(signatures(ids[:1]), signature(ids[:1]))
