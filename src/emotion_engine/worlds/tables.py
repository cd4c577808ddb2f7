"""The documentation tables of the worlds, built from the constants they describe.

:func:`world_doc` is appended to the docstrings of ``caretaking_v0`` and ``crisis_v0``, and
:func:`rules_table` to the package's, so the tables cannot drift from the code.
"""

from __future__ import annotations

from emotion_engine.affect import EVENTS
from emotion_engine.worlds.core import ACTIONS, OBS_FEATURES, WorldParams
from emotion_engine.worlds.family import MAX_CHILDREN
from emotion_engine.worlds.rewards import reward_table
from emotion_engine.worlds.rules import WELL_BELOW
from emotion_engine.worlds.spec import PER_OTHER, PRESETS, obs_dim

ACTION_DOCS: dict[str, str] = {
    "stay": "do nothing",
    "up": "move one cell up (walls stop moves)",
    "down": "move one cell down",
    "left": "move one cell left",
    "right": "move one cell right",
    "pick": "pick up the food on my cell (only the parent can carry, one item; free hands also pick up without it)",
    "eat": "eat the food I carry, else the food on my cell (the child often fumbles)",
    "feed": "give the food I carry to the other, if adjacent (Chebyshev distance ≤ 1); "
    "with several adjacent, to the hungriest (the first in agent order on a tie)",
    "comfort": "comfort the other, if adjacent: its loneliness falls, its health rises; with "
    "several adjacent, the loneliest (the first in agent order on a tie)",
    "shield": "guard the other, if adjacent: a blow aimed at it this step hits me instead "
    "(with several adjacent, whichever the threat strikes)",
}

OBS_DOCS: dict[str, str] = {
    "own_row": "my row / (size − 1)",
    "own_col": "my column / (size − 1)",
    "own_health": "my health (0 dead … 1 well)",
    "own_hunger": "my hunger (0 sated … 1 starving)",
    "own_loneliness": "my loneliness (the child's need for closeness and comfort)",
    "own_carrying": "1 if I carry food",
    "other_drow": "the other's row minus mine, / (size − 1)",
    "other_dcol": "the other's column minus mine, / (size − 1)",
    "other_distance": "how far the other is: cells apart (Chebyshev), / (size − 1)",
    "other_in_reach": "1 while the other lives within one cell: a care act reaches it",
    "other_health": "the other's health",
    "other_hunger": "the other's hunger",
    "other_loneliness": "the other's loneliness",
    "other_carrying": "1 if the other carries food",
    "food_drow": "nearest food's row minus mine, / (size − 1) (0 while every item is away)",
    "food_dcol": "nearest food's column minus mine, / (size − 1) (0 while every item is away)",
    "on_food": "1 if food lies on my cell",
    "threat_drow": "the threat's row minus mine, / (size − 1) (0 if none)",
    "threat_dcol": "the threat's column minus mine, / (size − 1) (0 if none)",
    "threat_present": "1 while a threat is out (crisis)",
    "time": "steps taken / max_cycles",
}

EVENT_DOCS: dict[str, str] = {
    "fed": "the hunger the other's feeding stilled, in meals (≤ 1)",
    "ate": "the hunger my own eating stilled, in meals (≤ 1)",
    "comforted": "1 when the other comforted me",
    "cared": "1 when I fed or comforted the other",
    "harmed": "my health lost to threats, hunger and loneliness / harm_scale, ≤ 1",
    "other_harmed": "the other's `harmed`",
    "threatened": "threat nearness: 1 adjacent, falling to 0 beyond threat_radius",
    "other_threatened": "the other's `threatened`",
    "separated": "1 while farther apart than separation_radius",
    "reunited": "1 on the step we come back within separation_radius",
    "close": "1 while adjacent",
    "other_distress": "negative part of the valence the other's face showed, / 0.5 (0 if dead)",
    "other_joy": "positive part of the valence the other's face showed, / 0.5 (0 if dead)",
    "protected_other": "1 when I shielded the other from a blow and took it",
    "was_protected": "1 when the other shielded me",
    "novelty": "1 when a threat appears",
    "danger_passed": "1 on the threat's last strike (it leaves)",
    "loss": "1 when the other dies",
}


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def observation_table() -> str:
    """Index, name, bounds and meaning of each observation feature of a one-child world; the
    features about the other (or towards it) are marked "× each other agent": a family of
    several children repeats their block per other agent (:func:`family_note`)."""
    rows = []
    for i, (name, low, high) in enumerate(OBS_FEATURES):
        if name in OBS_DOCS:
            meaning = OBS_DOCS[name]
        elif name.startswith("other_expressed_"):
            meaning = "the other's expressed primary emotion (what its face shows)"
        elif name.startswith("other_signature_"):
            meaning = "the other's identity signature (fixed per identity; a stranger's differs)"
        elif name.startswith("own_mood_"):
            meaning = "my mood (slow integral of my emotions)"
        elif name.removeprefix("own_") in (
            "fear",
            "mad",
            "joy",
            "love",
            "sad",
            "surprise",
            "power",
        ):
            meaning = "my primary-emotion distribution (layer 2)"
        else:
            meaning = "my social primitive towards the other (layer 3)"
        if name in PER_OTHER:
            meaning += " (× each other agent)"
        rows.append((str(i), f"`{name}`", f"[{low:g}, {high:g}]", meaning))
    return _table(("index", "feature", "bounds", "meaning"), rows)


def family_note() -> str:
    """How the observation grows with the family (``n_children``), with its size per n."""
    sizes = ", ".join(f"{obs_dim(n)} with {n}" for n in range(1, MAX_CHILDREN + 1))
    return (
        f"With ``n_children`` children (1 to {MAX_CHILDREN}) each agent has n others, and each "
        "block of features marked × each other agent (the other's position and condition, my "
        "social primitives towards it, its face, its signature) holds one entry per other, in "
        "agent order (the parent first, then the children by index, myself left out), named "
        f"``feature@k`` for the k-th other; the shape is ({sizes} children)."
    )


def action_table() -> str:
    """Index, name and effect of each action."""
    return _table(
        ("action", "name", "effect"),
        [(str(i), f"`{a}`", ACTION_DOCS[a]) for i, a in enumerate(ACTIONS)],
    )


def event_table() -> str:
    """What in the world raises each typed event (each agent's own point of view)."""
    return _table(("event", "intensity in [0, 1]"), [(f"`{e}`", EVENT_DOCS[e]) for e in EVENTS])


def rules_table(p: WorldParams | None = None) -> str:
    """The phases of a step and their rules, with the numbers of ``p`` (the defaults)."""
    p = p or WorldParams()
    (hunger_p, hunger_c), (vuln_p, vuln_c), (regen_p, regen_c) = (
        p.hunger_rate,
        p.vulnerability,
        p.regen,
    )
    lonely = p.loneliness_rate[1]
    rows = [
        ("family", f"a parent and ``n_children`` children (1 to {MAX_CHILDREN}, default "
         f"{p.n_children}): agents ``parent_0``, ``child_0`` …; every child has the child's "
         "values below; each agent's attachment and social state is per other agent"),
        ("start", f"each child within {p.start_radius} cells of the parent, which holds one food "
         "item; food at random cells; the parent (identity 0) and its own children (1, 2, …) "
         f"start with the birth bond, attachment {p.initial_attachment[0]:g} / "
         f"{p.initial_attachment[1]:g}; siblings, and ``strangers`` (the last children, not "
         "the parent's own: identity + n_children), start at 0"),
        ("care", "``feed`` goes to the hungriest adjacent other and ``comfort`` to the "
         "loneliest (the first in agent order on a tie: the parent, then the children by "
         "index); ``shield`` guards whichever adjacent other the threat strikes"),
        ("move", "moves of one cell; walls stop them; agents may share a cell"),
        ("food", "``eat``/``feed`` (see the action table); the parent picks up the food it "
         "stands on whenever its hands are free and it does not eat it there (``pick`` does "
         "the same); the child cannot carry and eats from the ground only "
         f"{p.eat_success[1]:.0%} of tries; an item taken reappears at a random cell "
         + (f"{p.food_respawn_delay} steps later" if p.food_respawn_delay else "at once")
         + " (``food_respawn_delay``; the harsh preset keeps it away for a while)"),
        ("hunger", f"rises {hunger_p:g} (parent) / {hunger_c:g} (child) per step; a meal "
         f"removes {p.food_value:g}; above {p.hungry_at:g} the agent starves (health "
         f"−{p.starve_damage:g} per step at hunger 1)"),
        ("loneliness", f"the child's rises {lonely:g} per step when farther than "
         f"{p.near_radius} cells, {p.near_loneliness * lonely:g} when near; only ``comfort`` "
         f"lowers it (up to −{p.comfort_relief:g}, felt as much as it relieves); above "
         f"{p.lonely_at:g} health falls (−{p.lonely_damage:g} at 1)"),
        ("threats", f"crisis only: every {p.threat_period} steps a threat appears on the "
         "border, goes for a child (one of the live children drawn at random; it turns to the "
         "first live child if that one dies, then to the parent), walks to it and strikes "
         f"{p.threat_strikes} times (whoever it reaches: its child first, then the other "
         f"children in order, then the parent): {p.threat_damage:g} × vulnerability (parent "
         f"{vuln_p:g}, child {vuln_c:g}); ``shield`` by the adjacent other stops {p.shield_block:.0%} of "
         "a blow to the child and the shielder takes the full blow itself"),
        ("health", f"regenerates {regen_p:g} / {regen_c:g} per step while hunger and "
         f"loneliness are below {WELL_BELOW:g}; ``comfort`` heals {p.comfort_heal:g}"),
        ("emotions", "each agent's affect (layers 1–3) steps on the typed events of the step "
         "and on its own signals, if it gives them: the TD error of its last step "
         f"(γ {p.td_discount:g}) and its value drive its modulators (÷ {p.learning_scale:g}), "
         "and so do its complex emotions"),
        ("death", "an agent at health 0 is dead: it acts no more, nothing reaches it, it gets "
         "no reward; the others live on, feel the ``loss`` and the lasting absence "
         "(``separated``), grieve it in the emotional reward (``grief``), and threats turn "
         "to the parent once the children are gone"),
        ("end", "the episode terminates when both agents are dead (every agent, in a family), "
         "truncates after "
         f"``max_cycles`` ({p.max_cycles})"),
    ]  # fmt: skip
    return _table(("phase", "rule"), rows)


def preset_line(scenario: str) -> str:
    """Each preset's values in ``scenario``, in one line."""
    return "; ".join(
        f"``{name}`` "
        + (", ".join(f"{k}={v}" for k, v in by[scenario].items()) or "(the defaults)")
        for name, by in PRESETS.items()
    )


def world_doc(scenario: str) -> str:
    """The tables for a scenario's module docstring."""
    p = WorldParams(scenario=scenario)
    return f"""
Defaults: {p.size}×{p.size} grid, {p.n_food} food items, max_cycles {p.max_cycles}, dt {p.dt} s.

Presets (``preset=``; the other keywords set over them): {preset_line(scenario)}.

Observation (``Box``, float32, shape ({len(OBS_FEATURES)},) with one child, the same layout for
every agent):

{observation_table()}

{family_note()}

Action (``Discrete({len(ACTIONS)})``, every agent):

{action_table()}

Rewards (``reward_mode``; weights in ``WorldParams.rewards``):

{reward_table()}
Events (typed events of :mod:`emotion_engine.affect.social`, each step, per agent and per
other agent: ``info.pair_events``; ``info.events`` holds each event's strongest over the
agent's pairs, and so does the drive the modulators feel); besides
them, hunger and loneliness drive cortisol (interoception), and a learning agent's own
signals drive its modulators (:mod:`emotion_engine.worlds.learning`):

{event_table()}
"""
