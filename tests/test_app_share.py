"""Sharing a run: the link's settings, and the episode as JSON and as GIF frames."""

import json

import numpy as np
from PIL import Image

from emotion_engine.app.episode import Episode
from emotion_engine.app.inputs import validate
from emotion_engine.app.share import (
    episode_json,
    file_stem,
    film_frame,
    ignored_notice,
    settings_from_query,
    write_film,
)

DEFAULTS = {"scenario": "crisis", "steps": 100, "seed": 0, "policy": "untrained"}


def test_a_link_fills_the_settings():
    query = {"scenario": "caretaking", "steps": "120", "seed": "7", "policy": "scripted"}
    values, ignored = settings_from_query(query, DEFAULTS)
    assert values == {"scenario": "caretaking", "steps": 120, "seed": 7, "policy": "scripted"}
    assert ignored == [] and ignored_notice(ignored) == ""
    assert settings_from_query({"__theme": "dark"}, DEFAULTS) == (DEFAULTS, [])


def test_bad_link_values_keep_the_defaults_and_are_named():
    query = {"scenario": "mars", "steps": "9000", "seed": "-1", "policy": "Trained agents"}
    values, ignored = settings_from_query(query, DEFAULTS)
    assert values == {**DEFAULTS, "policy": "trained"}  # a label is read as its key
    assert ignored == [
        "scenario=mars (unknown scenario 'mars'; expected one of: caretaking, crisis)",
        "steps=9000 (steps must be from 50 to 500; got 9000)",
        "seed=-1 (seed must be from 0 to 2147483647; got -1)",
    ]
    notice = ignored_notice(ignored[1:2])
    assert notice == (
        "Ignored from the link, kept the default: steps=9000 (steps must be from 50 to 500; "
        "got 9000)"
    )
    assert "\n" not in ignored_notice(ignored)


def test_the_episode_as_json_holds_every_step_by_name(no_checkpoints):
    episode = Episode(validate("crisis", 50, 2, "untrained"))
    summary = episode.run()
    data = json.loads(json.dumps(episode_json(summary, episode.records)))
    assert data["summary"] == json.loads(json.dumps(summary))
    assert [r["t"] for r in data["records"]] == list(range(51))
    last, r = data["records"][-1], episode.records[-1]
    assert last["health"] == {"parent": float(r.health[0]), "child": float(r.health[1])}
    assert last["modulators"]["child"]["cortisol"] == float(r.modulators[1, 5])
    assert last["complex_emotions"]["parent"]["maternal_love"] == summary["maternal_love_final"]
    kinds = [h["kind"] for rec in data["records"] for h in rec["happenings"]]
    assert kinds.count("shield") == summary["shield_events"]
    assert file_stem(summary) == "emotion-engine-crisis-50-steps-seed-2-untrained"


def test_a_gif_frame_is_the_world_beside_both_faces(tmp_path):
    world = np.zeros((424, 360, 3), np.uint8)
    world[:, :, 1] = 200
    faces = [Image.new("P", (512, 256), 1), Image.new("P", (512, 256), 0)]
    for face in faces:
        face.putpalette([0, 0, 0, 255, 255, 255])
    frame = film_frame(world, faces)
    assert frame.size == (360 + 8 + 416, 424)  # faces scaled to (424 - 8) / 2 = 208 high
    assert frame.getpixel((10, 10)) == (0, 200, 0)
    assert frame.getpixel((400, 100)) == (255, 255, 255)  # the parent's face, lit
    assert frame.getpixel((400, 300)) == (0, 0, 0)
    path = write_film([(world, faces), (world, faces[::-1])], tmp_path / "a.gif")
    assert Image.open(path).n_frames == 2


def test_the_page_run_ends_with_its_frames_and_the_gif_is_written_after():
    from emotion_engine.app import ui

    *_, last = ui.run_simulation("crisis", 50, 0, "scripted", False, False)
    finished = last[-1]
    assert len(finished.frames) == 26  # the start, every 2 steps to 48, the end
    assert len(finished.records) == 51 and not finished.complex_available
    assert finished.gif.endswith("emotion-engine-crisis-50-steps-seed-0-scripted.gif")
    modulators, primitives, gif = ui.after_run(finished)
    assert modulators.layout.title.text == "Neuromodulators (layer 1)"
    assert primitives.layout.title.text == "Social primitives (layer 3)"
    assert len(primitives.data[0].y) == 51
    assert gif["value"] == finished.gif and gif["interactive"] is True
    with Image.open(finished.gif) as image:
        assert image.size == (360 + 8 + 416, 424) and image.n_frames == 26
    assert ui.after_run(None) == ({"__type__": "update"},) * 3


def test_a_long_slow_run_keeps_a_bounded_film():
    from emotion_engine.app import ui

    reel = ui.Reel(Episode(validate("crisis", 500, 0, "scripted")), False, stride=2)
    assert reel.keep == 5  # 252 frames drawn, every 5th kept
    for _ in range(11):
        reel.stage()
    assert len(reel.frames) == 3 and reel.drawn == 11
    assert ui.Reel(reel.episode, False, stride=2, film=False).keep == 0
