"""The face: a parametric 128x64 1-bit face that shows the emotion model's state.

``params`` (the face as a named vector), ``expressions`` (presets and blending from emotion
distributions), ``animation`` (spring follow, blinks, saccades, idle motion), ``renderer``
(the fast 1-bit renderer), ``bitexact`` (its powers, the same in C), ``ssd1306`` (the
display's byte layout), ``bus`` (a frame's time on I2C or SPI), ``display`` (real and
emulated displays), ``terminal`` (braille preview), ``export`` (files), ``schedule`` (the
animation the C library reproduces), ``c_export`` (the C99 library), ``live`` (the
real-time loop); for robots: ``mqtt`` (stimuli in, state out), ``framing`` and
``serial_display`` (frames down a serial line), ``ros`` (ROS4HRI's hri_msgs/Expression
fields) — paho-mqtt and pyserial (the ``robot`` extra) are imported only when a link opens.
See docs/face.md.
"""

from emotion_engine.face.animation import (
    AnimationParams,
    Animator,
    FaceState,
    animate_sequence,
    compose,
    initial_state,
    step,
)
from emotion_engine.face.display import DEVICES, DisplayError, open_display
from emotion_engine.face.expressions import (
    COMPLEX_PRESETS,
    EXPRESSIONS,
    PRESETS,
    blend,
    blend_vectors,
    emotion_weights,
    expression,
    face_from_emotions,
    face_from_levels,
    parse_blend,
)
from emotion_engine.face.params import NAMES, PARAMS, FaceParams
from emotion_engine.face.renderer import HEIGHT, WIDTH, render, upscale
from emotion_engine.face.ssd1306 import pack, unpack

__all__ = [
    "COMPLEX_PRESETS",
    "DEVICES",
    "EXPRESSIONS",
    "HEIGHT",
    "NAMES",
    "PARAMS",
    "PRESETS",
    "WIDTH",
    "AnimationParams",
    "Animator",
    "DisplayError",
    "FaceParams",
    "FaceState",
    "animate_sequence",
    "blend",
    "blend_vectors",
    "compose",
    "emotion_weights",
    "expression",
    "face_from_emotions",
    "face_from_levels",
    "initial_state",
    "open_display",
    "pack",
    "parse_blend",
    "render",
    "step",
    "unpack",
    "upscale",
]
