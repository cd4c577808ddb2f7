"""One streamed episode: records, pictures, summary and narrative, against the world's runner."""

import numpy as np
import pytest

from emotion_engine.app.episode import KINDS, Episode, narrative, times
from emotion_engine.app.inputs import validate
from emotion_engine.app.policies import PolicyUnavailable, all_trained_status, status_markdown
from emotion_engine.worlds.runner import simulate


def test_records_cover_every_step_with_the_right_shapes():
    episode = Episode(validate("crisis", 60, 3, "scripted"))
    records = [episode.records[0], *episode]
    assert [r.t for r in records] == list(range(61))
    r = records[-1]
    assert r.modulators.shape == r.emotions.shape == (2, 7)
    assert r.primitives.shape == (2, 10) and r.health.shape == r.hunger.shape == (2,)
    assert np.allclose(r.emotions.sum(-1), 1.0)
    assert r.complex_emotions is None and not episode.has_complex_emotions
    with pytest.raises(RuntimeError, match="ended"):
        episode.step()


@pytest.mark.parametrize(("scenario", "policy"), [("crisis", "scripted"), ("caretaking", "random")])
def test_summary_agrees_with_the_worlds_runner(scenario, policy):
    summary = Episode(validate(scenario, 120, 5, policy)).run()
    expected = simulate(scenario, 120, 5, policy)
    for key, value in expected.items():
        assert summary[key] == value, key
    assert summary["maternal_love_final"] is None
    assert (summary["scenario"], summary["policy"], summary["seed"]) == (scenario, policy, 5)


def test_events_in_words_match_the_counts():
    episode = Episode(validate("crisis", 200, 0, "scripted"))
    summary = episode.run()
    happenings = [h for r in episode.records for h in r.happenings]
    shields = [h for h in happenings if h.kind == "shield"]
    feeds = [h for h in happenings if h.kind == "feed"]
    assert len(shields) == summary["shield_events"] > 0
    assert {h.words for h in shields} == {"the parent took the blow for the child"}
    assert len(feeds) == summary["feeds"] == episode.stat("feeds") > 0
    assert {h.words for h in feeds} == {"the parent fed the child"}
    assert any("a threat appeared" in r.events for r in episode.records)
    assert {h.kind for h in happenings} <= set(KINDS)


def test_a_death_is_recorded_at_its_step():
    episode = Episode(validate("caretaking", 300, 0, "random"))
    summary = episode.run()
    assert not summary["child_survived"]
    first_dead = next(r.t for r in episode.records if r.health[1] <= 0)
    assert summary["child_died_at"] == first_dead
    assert "the child died" in episode.records[first_dead].events
    assert f"the child died at step {first_dead}" in summary["narrative"]


def test_learned_agents_record_complex_emotions(no_checkpoints):
    episode = Episode(validate("crisis", 50, 2, "untrained"))
    summary = episode.run()
    assert episode.has_complex_emotions
    last = episode.records[-1].complex_emotions
    assert last.shape == (2, 4) and np.all((last >= 0) & (last <= 1))
    assert summary["maternal_love_final"] == pytest.approx(float(last[0, 0]))
    assert "maternal love at" in summary["narrative"]


def test_trained_is_refused_without_a_checkpoint(no_checkpoints):
    with pytest.raises(
        PolicyUnavailable, match=r"trained agents for crisis are not available.*untrained"
    ):
        Episode(validate("crisis", 50, 0, "trained"))
    statuses = all_trained_status()
    assert [s.loaded for s in statuses] == [False, False]
    assert "Trained agents not loaded" in status_markdown(statuses)


def test_trained_runs_when_its_checkpoint_loads(fake_checkpoints):
    summary = Episode(validate("crisis", 50, 0, "trained")).run()
    assert summary["policy"] == "trained" and summary["maternal_love_final"] is not None
    assert [s.loaded for s in all_trained_status()] == [False, True]  # caretaking has none


def test_face_pictures_are_oled_style_and_dim_when_dead():
    episode = Episode(validate("caretaking", 300, 0, "random"))
    alive = episode.face_pictures()
    episode.run()
    dead = episode.face_pictures(true_pixels=True)
    assert all(p.size == (512, 256) and p.mode == "P" for p in alive + dead)
    lit = [np.asarray(p.convert("RGB")).max(axis=(0, 1)).tolist() for p in (alive[1], dead[1])]
    assert lit == [[190, 230, 255], [66, 80, 89]]  # ON, and ON dimmed to 35%
    assert episode.world_picture().shape[2] == 3


def test_narrative_is_one_plain_sentence():
    summary = Episode(validate("crisis", 100, 1, "scripted")).run()
    text = narrative(summary)
    assert text.startswith("With scripted agents in the crisis world, the child lived through")
    assert text.endswith(".") and text.count(".") == 2  # the attachment's decimal point
    assert [times(n) for n in (0, 1, 2, 7)] == ["0 times", "once", "twice", "7 times"]
