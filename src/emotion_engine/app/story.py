"""What the page says about an episode in words: what to watch for, what just happened, the
live figures, and the summary set beside the same numbers of other agents.

Pure functions of the episode's records and summaries (no Gradio, no drawing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from emotion_engine.affect import name_feeling
from emotion_engine.app.episode import KINDS, WHO, StepRecord

WATCH_FOR: dict[str, str] = {
    "caretaking": "Watch the parent fetch food for the child, who fumbles food and grows "
    "lonely away from it: do feeds and comfort keep the child's hunger down?",
    "crisis": "Watch the red threats come for the child: does the parent step between "
    "them and take the blow, and does the child live to the end?",
}
"""Per scenario, one sentence on what to watch for."""
CAPTION_STEPS = 6
"""Steps back that the caption looks for what just happened."""


def caption(records: Sequence[StepRecord], window: int = CAPTION_STEPS) -> str:
    """What just happened at the last record: the most notable happening (death, then shield,
    then threat, comfort, feed; the latest of a kind) of the last ``window`` steps, else the last
    one before, else that nothing has yet."""
    now = records[-1].t
    recent = [(r.t, h) for r in records if now - r.t < window for h in r.happenings]
    if recent:
        t, h = max(recent, key=lambda th: (KINDS.index(th[1].kind), th[0]))
        when = "" if t == now else f" (step {t})"
        return f"Step {now}: {h.words}{when}."
    before = [(r.t, r.happenings[-1]) for r in records if r.happenings]
    if not before:
        return f"Step {now}: nothing has happened yet."
    t, h = before[-1]
    return f"Step {now}: quiet. Last: {h.words} at step {t}."


def live_markdown(records: Sequence[StepRecord], steps: int, counts: Mapping[str, int]) -> str:
    """The live figures of a running episode: the step, care counts, and per agent health,
    hunger, feeling, attachment and love for the other (learned agents)."""
    last = records[-1]
    cells = {"": WHO}
    cells["health"] = tuple(f"{h:.2f}" for h in last.health)
    cells["hunger"] = tuple(f"{h:.2f}" for h in last.hunger)
    cells["feeling"] = tuple(
        (f"{f.word} ({f.emotion})" if alive else "dead")
        for f, alive in zip((name_feeling(e) for e in last.emotions), last.alive, strict=True)
    )
    cells["attachment"] = tuple(f"{a:.2f}" for a in last.primitives[:, 0])
    if last.complex_emotions is not None:
        cells["love for the other"] = tuple(f"{c:.2f}" for c in last.complex_emotions[:, 0])
    rows = ["| " + " | ".join((k, *v)) + " |" for k, v in cells.items()]
    rows.insert(1, "|---|---|---|")
    head = f"**Step {last.t} of {steps}** · " + " · ".join(f"{k} {v}" for k, v in counts.items())
    return "\n".join([head, "", *rows])


def _figures(s: Mapping) -> tuple[str, ...]:
    love = s["maternal_love_final"]
    return (
        "yes" if s["child_survived"] else f"no (step {s['child_died_at']})",
        f"{s['attachment_final']:.2f}",
        "–" if love is None else f"{love:.2f}",
        str(s["shield_events"]),
        str(s["feeds"]),
    )


def summary_markdown(summary: Mapping, others: Mapping[str, Mapping]) -> str:
    """ "What happened": the narrative, then a table of this run's figures above those of
    ``others`` (policy → summary of the same scenario, seed and steps)."""
    head = "| agents | child lived | attachment | maternal love | shields | feeds |"
    rows = [head, "|---|---|---|---|---|---|"]
    runs = {summary["policy"]: summary, **others}
    for policy, s in runs.items():
        name = policy
        cells = _figures(s)
        if policy == summary["policy"]:
            name, cells = f"**{name} (this run)**", tuple(f"**{c}**" for c in cells)
        rows.append("| " + " | ".join((name, *cells)) + " |")
    context = (
        f"<small>Other rows: the same scenario, seed {summary['seed']} and "
        f"{summary['max_steps']} steps with other agents, run now for comparison. "
        "</small>"
        if others
        else ""
    )
    note = (
        "<small>Attachment: the parent's to the child at the end, 0 to 1; scripted: a "
        "hand-written caring rule.</small>"
    )
    return "\n".join([f"### What happened\n{summary['narrative']}", "", *rows, "", context, note])
