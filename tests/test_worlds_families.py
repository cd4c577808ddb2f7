"""Families of one to three children: per-pair bonds, care that reaches one child, threats
that choose a child, observations of every other agent, and per-child statistics."""

import json
from dataclasses import replace

import numpy as np
import pytest
from typer.testing import CliRunner

from emotion_engine.affect import EVENTS, PRIMITIVES
from emotion_engine.cli import app
from emotion_engine.policies import make_policy
from emotion_engine.training.evaluate import evaluate, preference_shares
from emotion_engine.worlds import caretaking_v0, crisis_v0, vector_env
from emotion_engine.worlds.core import (
    COMFORT,
    DOWN,
    FEED,
    LEFT,
    OBS_FEATURES,
    RIGHT,
    SHIELD,
    STAY,
    WorldParams,
    reset,
    step,
)
from emotion_engine.worlds.family import (
    agent_names,
    any_other,
    first_choice,
    gather,
    mirror,
    others,
    reciprocal,
)
from emotion_engine.worlds.observation import observe
from emotion_engine.worlds.policies import CHILD_POLICIES, caring_parent, neediest
from emotion_engine.worlds.randomness import PREY_STREAM, uniform
from emotion_engine.worlds.render import ansi, rgb_array
from emotion_engine.worlds.spec import obs_dim, obs_features

ATTACHMENT = PRIMITIVES.index("attachment")
EV = {name: i for i, name in enumerate(EVENTS)}
TWO = WorldParams(n_children=2)
FAR_FOOD = [[0, 0], [0, 1], [0, 2]]
runner = CliRunner()


def family_world(params=TWO, pos=((4, 4), (4, 5), (4, 3)), hunger=None, **fields):
    """One world of ``params`` with its agents at ``pos`` and food far away."""
    state, _ = reset(params, [0])
    values = {"pos": np.array([pos]), "food": np.array([FAR_FOOD])}
    if hunger is not None:
        values["hunger"] = np.array([hunger], dtype=float)
    return replace(state, **values, **{k: np.asarray([v]) for k, v in fields.items()})


def test_agents_are_a_parent_and_its_children():
    assert agent_names(1) == ("parent_0", "child_0")
    assert agent_names(3) == ("parent_0", "child_0", "child_1", "child_2")
    assert others(3).tolist() == [[1, 2], [0, 2], [0, 1]]
    assert reciprocal(3).tolist() == [[0, 0], [0, 1], [1, 1]]
    pairs = np.arange(6).reshape(1, 3, 2)  # entry (i, k): i's towards its k-th other
    assert mirror(pairs)[0].tolist() == [[2, 4], [0, 5], [1, 3]]


@pytest.mark.parametrize("bad", [0, 4, 1.5, "two", True])
def test_n_children_is_checked_in_one_line(bad):
    with pytest.raises(ValueError, match=r"^n_children must be an integer from 1 to 3; got "):
        WorldParams(n_children=bad)
    with pytest.raises(ValueError, match="n_children must be an integer from 1 to 3"):
        crisis_v0.parallel_env(n_children=bad)


def test_strangers_are_checked():
    with pytest.raises(ValueError, match="strangers must be an integer from 0 to n_children − 1"):
        WorldParams(n_children=2, strangers=2)


def test_each_agent_is_bonded_per_pair_and_a_stranger_child_starts_unbonded():
    state, obs = reset(WorldParams(n_children=3), [0, 1])
    assert state.pos.shape == (2, 4, 2) and obs.shape == (2, 4, 109)
    bonds = state.affect.social[0, ..., ATTACHMENT]
    assert bonds.tolist() == [[0.3, 0.3, 0.3], [0.5, 0.0, 0.0], [0.5, 0.0, 0.0], [0.5, 0.0, 0.0]]
    assert state.identity[0].tolist() == [0, 1, 2, 3]
    assert (np.abs(state.pos[:, 1:] - state.pos[:, :1]) <= 2).all()  # near the parent
    met, _ = reset(WorldParams(n_children=2, strangers=1), [0])
    assert met.affect.social[0, ..., ATTACHMENT].tolist() == [[0.3, 0.0], [0.5, 0.0], [0.0, 0.0]]
    assert met.identity[0].tolist() == [0, 1, 4]  # an identity no own child has


def test_one_child_keeps_the_layout_of_before_families():
    assert obs_features(1) == OBS_FEATURES and obs_dim(1) == 51
    assert [obs_dim(n) for n in (1, 2, 3)] == [51, 80, 109]
    names = [f[0] for f in obs_features(2)]
    assert names[6:22:8] == ["other_drow@0", "other_drow@1"]
    assert "own_social_attachment@1" in names and names[-1] == "other_signature_3@1"


def test_each_agent_observes_every_other_in_agent_order():
    state = family_world(hunger=[0.1, 0.2, 0.7])
    obs = observe(TWO, state)[0]
    at = {name: i for i, (name, _, _) in enumerate(obs_features(2))}
    assert obs[0, [at["other_hunger@0"], at["other_hunger@1"]]].tolist() == pytest.approx(
        [0.2, 0.7]
    )
    assert obs[1, [at["other_hunger@0"], at["other_hunger@1"]]].tolist() == pytest.approx(
        [0.1, 0.7]
    )
    assert obs[2, [at["other_hunger@0"], at["other_hunger@1"]]].tolist() == pytest.approx(
        [0.1, 0.2]
    )
    assert obs[0, at["other_dcol@1"]] == pytest.approx(-1 / 8)  # child_1 one cell left
    assert obs[1, at["own_social_attachment@0"]] == pytest.approx(0.5)
    assert obs[1, at["own_social_attachment@1"]] == 0.0  # siblings start unbonded


def test_a_feed_goes_to_the_hungrier_adjacent_child_and_stills_its_hunger_only():
    state = family_world(hunger=[0.2, 0.4, 0.6], carrying=[True, False, False])
    new, *_, info = step(TWO, state, [[FEED, STAY, STAY]])
    assert new.hunger[0].tolist() == pytest.approx([0.204, 0.412, 0.112])
    assert not new.carrying[0, 0]
    assert info.pair_events[0, 2, :, EV["fed"]].tolist() == [1.0, 0.0]  # by the parent
    assert info.pair_events[0, 1, :, EV["fed"]].tolist() == [0.0, 0.0]
    assert info.events[0, 0, EV["cared"]] == 1.0
    tie = family_world(hunger=[0.2, 0.5, 0.5], carrying=[True, False, False])
    fed, *_ = step(TWO, tie, [[FEED, STAY, STAY]])
    assert fed.hunger[0].tolist() == pytest.approx([0.204, 0.012, 0.512])  # child_0 on a tie


def test_a_feed_reaches_only_an_adjacent_child():
    state = family_world(pos=((4, 4), (4, 6), (4, 3)), hunger=[0.2, 0.9, 0.3],
                         carrying=[True, False, False])  # fmt: skip
    new, *_ = step(TWO, state, [[FEED, STAY, STAY]])
    assert new.hunger[0].tolist() == pytest.approx([0.204, 0.912, 0.0])


def test_comfort_goes_to_the_lonelier_adjacent_child():
    state = family_world(loneliness=[0.0, 0.2, 0.4])
    new, *_, info = step(TWO, state, [[COMFORT, STAY, STAY]])
    assert new.loneliness[0, 1] == pytest.approx(0.203)  # near: 0.3 × 0.01
    assert new.loneliness[0, 2] == pytest.approx(0.103)  # comforted: −0.3
    assert info.pair_events[0, 2, 0, EV["comforted"]] == 1.0
    assert info.pair_events[0, 1, 0, EV["comforted"]] == 0.0


def _first_threat(params, seed):
    state, _ = reset(params, [seed])
    while state.threat_left[0] == 0:
        state, *_ = step(params, state, [[STAY] * params.n_agents])
    return state


def test_a_threat_goes_for_the_child_its_stream_draws():
    params = WorldParams(scenario="crisis", n_children=3, threat_period=5)
    seen = set()
    for seed in range(12):
        state = _first_threat(params, seed)
        u = uniform(state.key, np.array([5]), PREY_STREAM, 1)[0, 0]
        assert state.threat_prey[0] == 1 + int(u * 3)  # uniform among the 3 live children
        assert _first_threat(params, seed).threat_prey[0] == state.threat_prey[0]
        seen.add(int(state.threat_prey[0]))
    assert seen == {1, 2, 3}


def test_a_threat_strikes_its_prey_and_a_shield_guards_it():
    params = WorldParams(scenario="crisis", n_children=2, threat_period=5)
    state = family_world(params, threat=[4, 2], threat_left=3, threat_prey=2)
    struck, *_, info = step(params, state, [[STAY, STAY, STAY]])
    # a blow of 0.05 × vulnerability (child 2.0, parent 1.0), and each regenerates
    assert struck.health[0].tolist() == pytest.approx([1.0, 1.0, 0.902])
    shielded, *_, info = step(params, state, [[SHIELD, STAY, STAY]])
    assert shielded.health[0].tolist() == pytest.approx([0.956, 1.0, 0.992])
    assert info.pair_events[0, 0, :, EV["protected_other"]].tolist() == [0.0, 1.0]
    assert info.pair_events[0, 2, :, EV["was_protected"]].tolist() == [1.0, 0.0]
    assert shielded.stats[0, params.stats.index("shields_for_child_1")] == 1.0
    assert shielded.stats[0, params.stats.index("shields_for_child_0")] == 0.0


def test_the_threat_turns_to_the_first_live_child_when_its_prey_is_dead():
    params = WorldParams(scenario="crisis", n_children=2)
    state = family_world(params, pos=((0, 0), (8, 8), (4, 4)), threat=[8, 0], threat_left=3,
                         threat_prey=2, health=[1.0, 1.0, 0.0])  # fmt: skip
    new, *_ = step(params, state, [[STAY, STAY, STAY]])
    assert new.threat_prey[0] == 1 and new.threat[0].tolist() == [8, 1]


def test_episode_metrics_report_each_child():
    params = WorldParams(n_children=2, max_cycles=1)
    state = family_world(params, hunger=[0.2, 0.4, 0.6], carrying=[True, False, False],
                         health=[1.0, 1.0, 0.0])  # fmt: skip
    *_, info = step(params, state, [[FEED, STAY, STAY]])
    episode = {k: v[0].item() for k, v in info.episode.items()}
    assert episode["children_survived"] == 0.5 and episode["child_survived"] is True
    assert episode["child_1_survived"] is False and episode["child_0_survived"] is True
    assert episode["feeds_to_child_0"] == 1 and episode["feeds_to_child_1"] == 0  # child_1 dead
    assert episode["feeds"] == 1 and episode["health_auc_child_1"] == 0.0
    # the bond to the dead child holds (grief is felt through it); the fed one's grew
    assert episode["attachment_parent_child_1"] == pytest.approx(0.3, abs=1e-12)
    assert episode["attachment_parent_child_0"] > 0.3


def test_infos_name_every_other_agent():
    env = caretaking_v0.parallel_env(n_children=2)
    env.reset(seed=0)
    *_, infos = env.step(dict.fromkeys(env.agents, STAY))
    assert list(infos) == ["parent_0", "child_0", "child_1"]
    assert list(infos["child_1"]["attachment"]) == ["parent_0", "child_0"]
    assert infos["child_1"]["other_identity"] == {"parent_0": 0, "child_0": 1}
    assert infos["parent_0"]["attachment"]["child_1"] == pytest.approx(
        float(env.state.affect.social[0, 0, 1, ATTACHMENT])
    )


def test_render_draws_every_child():
    state = family_world(WorldParams(n_children=3), pos=((4, 4), (4, 5), (4, 3), (3, 4)))
    params = WorldParams(n_children=3)
    frame = rgb_array(state, params)
    assert frame.shape == (9 * 40 + 8 + 28 * 4, 9 * 40, 3)
    colours = {tuple(c) for c in frame.reshape(-1, 3)}
    assert {(240, 150, 30), (150, 60, 180), (30, 150, 140)} <= colours
    text = ansi(state, params)
    assert all(mark in text.splitlines()[4] for mark in "0P1") and "2" in text.splitlines()[3]
    assert "child_2: health" in text


# --- scripted policies and commands ----------------------------------------------------------


def test_the_caring_parent_tends_the_neediest_child():
    hungry_right = family_world(pos=((4, 4), (4, 1), (4, 7)), hunger=[0.2, 0.2, 0.6],
                                carrying=[True, False, False])  # fmt: skip
    assert neediest(hungry_right).tolist() == [2]
    assert caring_parent(hungry_right).tolist() == [RIGHT]
    tie = replace(hungry_right, hunger=np.array([[0.2, 0.6, 0.6]]))
    assert neediest(tie).tolist() == [1] and caring_parent(tie).tolist() == [LEFT]
    lonely = replace(hungry_right, loneliness=np.array([[0.0, 0.7, 0.0]]))
    assert neediest(lonely).tolist() == [1]
    threatened = replace(hungry_right, threat=np.array([[3, 1]]), threat_left=np.array([2]))
    assert neediest(threatened).tolist() == [1]  # a threat near comes first
    dead = replace(hungry_right, health=np.array([[1.0, 1.0, 0.0]]))
    assert neediest(dead).tolist() == [1]


def test_child_partners_and_the_scripted_children_act_for_every_child():
    state = family_world(WorldParams(n_children=3), pos=((4, 4), (4, 7), (1, 4), (4, 5)))
    assert CHILD_POLICIES["clingy"](TWO, 0)(state, None).tolist() == [[LEFT, DOWN, STAY]]
    assert CHILD_POLICIES["stationary"](TWO, 0)(state, None).tolist() == [[STAY] * 3]
    actions, _ = make_policy("scripted", WorldParams(n_children=3))(state, None)
    assert actions.shape == (1, 4) and actions[0, 1:].tolist() == [LEFT, DOWN, STAY]


def test_simulate_takes_the_number_of_children():
    out = runner.invoke(app, ["simulate", "--n-children", "2", "--steps", "50", "--json"])
    assert out.exit_code == 0, out.output
    result = json.loads(out.stdout)
    assert result["n_children"] == 2 and result["children_survived"] == 1.0
    assert result["feeds"] == result["feeds_to_child_0"] + result["feeds_to_child_1"]
    bad = runner.invoke(app, ["simulate", "--n-children", "4", "--steps", "5"])
    assert bad.exit_code == 2
    assert bad.stderr.strip() == "error: n_children must be an integer from 1 to 3; got 4"


def test_a_policy_trained_with_one_child_refuses_a_family_in_one_line():
    with pytest.raises(ValueError, match=r"^trained reads observations of 51 features \(a "
                       r"family of 1 child\); worlds of 2 children give 80: use a policy "
                       r"trained for the family \(train --n-children 2\)"):  # fmt: skip
        make_policy("trained", TWO)


# --- the preference evaluation ---------------------------------------------------------------


def care(own_feeds, stranger_feeds, own_comfort=0, stranger_shields=0):
    """Per-episode preference metrics of one episode with these care acts."""
    counts = {"feeds_to": (own_feeds, stranger_feeds), "comfort_to": (own_comfort, 0),
              "shields_for": (0, stranger_shields)}  # fmt: skip
    return {f"{act}_child_{c}": np.array([n[c]]) for act, n in counts.items() for c in (0, 1)}


def test_the_preference_is_the_share_of_care_acts_that_go_to_the_own_child():
    assert preference_shares(care(5, 0))["preference_share"].tolist() == [1.0]
    assert preference_shares(care(0, 4))["preference_share"].tolist() == [0.0]
    mixed = preference_shares(care(2, 1, own_comfort=1, stranger_shields=2))
    assert mixed["preference_share"].tolist() == [0.5]
    assert mixed["care_acts_own"].tolist() == [3.0] and mixed["care_acts_stranger"].tolist() == [
        3.0
    ]
    assert np.isnan(preference_shares(care(0, 0))["preference_share"]).all()


def test_the_preference_of_the_scripted_carer_is_near_even():
    result = evaluate("caretaking", policy="scripted", episodes=6, steps=150, preference=True)
    assert result["preference_episodes"] == 6
    assert 0.4 < result["preference_index"] < 0.6  # it tends the neediest, whoever it is
    low, high = result["preference_index_ci95"]
    assert low <= result["preference_index"] <= high
    assert result["care_acts_own_per_episode"] > 0 and result["care_acts_stranger_per_episode"] > 0


def test_evaluate_preference_on_the_command_line():
    out = runner.invoke(app, ["evaluate", "--policy", "scripted", "--preference", "--episodes",
                              "3", "--steps", "60", "--json"])  # fmt: skip
    assert out.exit_code == 0, out.output
    result = json.loads(out.stdout)
    assert 0.0 <= result["preference_index"] <= 1.0 and len(result["preference_index_ci95"]) == 2
    bad = runner.invoke(app, ["evaluate", "--preference", "--episodes", "3", "--steps", "20"])
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: trained reads observations of 51 features (a family of "
                                 "1 child); worlds of 2 children give 80")  # fmt: skip
    assert len(bad.stderr.strip().splitlines()) == 1


def test_the_vector_env_has_an_entry_for_every_agent_of_a_family():
    env = vector_env("crisis", 2, n_children=2, max_cycles=5)
    obs, _ = env.reset(seed=3)
    assert env.num_envs == 6 and obs.shape == (6, 80 + 2)
    assert obs[:, -2:].tolist() == [[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]] * 2  # parent, children
    world = reset(WorldParams(scenario="crisis", n_children=2, max_cycles=5), [3, 4])[1]
    np.testing.assert_array_equal(obs[:, :-2], world.reshape(6, -1))
    for _ in range(5):
        obs, rewards, terminated, truncated, _ = env.step(np.full(6, STAY))
    assert rewards.shape == (6,) and truncated.all() and not terminated.any()


def test_one_childs_views_hold_the_general_indexing_values():
    rng = np.random.default_rng(0)
    x = rng.random((5, 2, 3))
    np.testing.assert_array_equal(gather(x, 2), x[:, others(2)])
    agents_first = x.transpose(1, 0, 2)
    np.testing.assert_array_equal(gather(agents_first, 2, axis=0), agents_first[others(2)])
    pairs = rng.random((5, 2, 1, 4)) < 0.5
    np.testing.assert_array_equal(mirror(pairs), pairs[:, others(2), reciprocal(2)])
    np.testing.assert_array_equal(any_other(pairs[..., 0]), pairs[..., 0].any(-1))
    np.testing.assert_array_equal(first_choice(pairs[..., 0], rng.random((5, 2, 1))), pairs[..., 0])
    three = rng.random((5, 3, 2)) < 0.5
    assert any_other(three).tolist() == three.any(-1).tolist()
    assert gather(x[:, :1].repeat(3, 1), 3).shape == (5, 3, 2, 3)
