"""What the page says about an episode: captions, the live figures, the summary with the same
seed's other agents, and the example runs."""

import numpy as np

from emotion_engine.app.baselines import baseline_summaries, context_policies
from emotion_engine.app.episode import COMPLEX_NAMES, Episode, Happening, StepRecord
from emotion_engine.app.inputs import validate
from emotion_engine.app.policies import CheckpointStatus
from emotion_engine.app.story import WATCH_FOR, caption, live_markdown, summary_markdown
from emotion_engine.app.ui import example_runs, pair_policies

FED = Happening("feed", "the parent fed the child")
THREAT = Happening("threat", "a threat appeared")
SHIELD = Happening("shield", "the parent took the blow for the child")


def record(t: int, *happenings: Happening, health=(1.0, 1.0)) -> StepRecord:
    zeros = np.zeros((2, 10))
    return StepRecord(
        t=t,
        modulators=np.zeros((2, 7)),
        emotions=np.tile(np.eye(7)[2], (2, 1)),  # joy
        primitives=zeros + 0.25,
        complex_emotions=np.full((2, 4), 0.5),
        health=np.asarray(health),
        hunger=np.asarray([0.1, 0.4]),
        happenings=happenings,
    )


def test_the_caption_names_the_most_notable_recent_happening():
    assert caption([record(0)]) == "Step 0: nothing has happened yet."
    records = [record(0), record(1, FED), record(2, THREAT), record(3)]
    assert caption(records) == "Step 3: a threat appeared (step 2)."  # a threat outranks a feed
    records.append(record(4, SHIELD, FED))
    assert caption(records) == "Step 4: the parent took the blow for the child."
    quiet = [*records, *(record(t) for t in range(5, 12))]
    assert caption(quiet) == "Step 11: quiet. Last: the parent fed the child at step 4."
    assert caption(quiet, window=8) == "Step 11: the parent took the blow for the child (step 4)."


def test_live_figures_name_both_agents_and_their_love_for_the_other():
    text = live_markdown([record(0), record(7)], 100, {"feeds": 2, "shields": 1})
    assert text.splitlines()[0] == "**Step 7 of 100** · feeds 2 · shields 1"
    assert "| hunger | 0.10 | 0.40 |" in text
    assert "| attachment | 0.25 | 0.25 |" in text
    assert "| love for the other | 0.50 | 0.50 |" in text
    assert "maternal" not in text


def test_the_child_has_no_maternal_love():
    assert COMPLEX_NAMES["parent"][0] == "maternal love"
    assert COMPLEX_NAMES["child"] == ("love for the parent", "compassion", "grief", "devotion")


def test_the_summary_sets_the_run_beside_the_same_seed_with_other_agents(no_checkpoints):
    request = validate("crisis", 60, 4, "untrained")
    summary = Episode(request).run()
    assert context_policies("untrained", trained_loaded=False) == ("scripted",)
    assert context_policies("untrained", trained_loaded=True) == ("trained", "scripted")
    assert context_policies("random", trained_loaded=True) == ("trained", "untrained", "scripted")
    others = baseline_summaries(request, ("scripted",))
    assert others["scripted"] == Episode(validate("crisis", 60, 4, "scripted")).run()
    text = summary_markdown(summary, others)
    lines = text.splitlines()
    assert lines[0] == "### What happened" and lines[1] == summary["narrative"]
    s = others["scripted"]
    scripted = (
        f"| scripted | {'yes' if s['child_survived'] else 'no'} | {s['attachment_final']:.2f} | – "
        f"| {s['shield_events']} | {s['feeds']} |"
    )
    assert scripted in lines
    assert lines[5].startswith("| **untrained (this run)** | **")
    assert "the same scenario, seed 4 and 60 steps with other agents" in text
    alone = summary_markdown(summary, {})
    assert "other agents" not in alone and alone.count("\n| ") == 2  # the header row, this run


def test_what_to_watch_and_the_examples():
    assert set(WATCH_FOR) == {"caretaking", "crisis"}
    assert all(text.endswith("?") and text.startswith("Watch") for text in WATCH_FOR.values())
    none = [CheckpointStatus("caretaking", False, "x"), CheckpointStatus("crisis", False, "x")]
    both = [CheckpointStatus("caretaking", True, "loaded"), CheckpointStatus("crisis", True, "")]
    assert example_runs(both) == [
        ("Crisis · 100 steps · trained", ("crisis", 100, 0, "trained")),
        ("The same seed · untrained", ("crisis", 100, 0, "untrained")),
        ("Caretaking · 200 steps · trained", ("caretaking", 200, 1, "trained")),
    ]
    assert [values for _, values in example_runs(none)] == [
        ("crisis", 100, 0, "untrained"),
        ("crisis", 100, 0, "scripted"),
        ("caretaking", 200, 1, "untrained"),
    ]
    assert pair_policies(True) == ("trained", "untrained")
    assert pair_policies(False) == ("scripted", "untrained")
