"""The web app (``emotion-engine demo``): simulation, neuromodulator lab, run comparison.

Modules, one concept each: :mod:`.inputs` (validation shared by the page and the API),
:mod:`.policies` (which policies load, checkpoint status), :mod:`.episode` (one episode as a
stream of per-step records, its summary and narrative), :mod:`.story` (what the page says of
an episode: captions, live figures, the summary), :mod:`.baselines` (the same episode with
other agents), :mod:`.share` (links, JSON and GIF downloads), :mod:`.faces` (OLED-style face
pictures), :mod:`.stage` (the world and faces as HTML), :mod:`.charts` (Plotly figures),
:mod:`.lab` (the neuromodulator lab),
:mod:`.compare` (many seeds of two policies), :mod:`.ui` (the Gradio page and API) and
:mod:`.server` (launching it). Only :mod:`.ui` and :mod:`.server` need Gradio, and only
:mod:`.charts` needs Plotly (the ``demo`` extra).
"""
