"""Drawing a face to a 128x64 1-bit image, fast.

Every feature of the face is *column-convex*: a column of pixels crosses it in at most one
run. An eye is a rounded rectangle (or a heart) cut by its two lids and sheared; a brow is a
thick curve; the mouth is the band between two lip curves. So a frame is drawn by computing,
for each of the five features and each column, the top and bottom of its run at the column's
centre — about a hundred and thirty numpy operations on arrays of at most 128 × 14 — and
lighting every pixel whose centre lies inside a run. Its powers come from :mod:`.bitexact`,
so that the exported C renderer (:mod:`.c_export`) draws the same pixels. At the display's
size a column of 64 pixels is one 64-bit word, so the runs become bit masks OR-ed together;
the words read as bytes are already the SSD1306's page layout. The geometry is exact to a fraction of a pixel, so features move smoothly by single
pixels as parameters change.

Sampling the exact shape at pixel centres gives what anti-aliasing with a box filter and
thresholding at one half gives wherever an edge is straight across a pixel. With
``supersample=n`` the renderer computes the anti-aliased coverage itself (n x n samples a
pixel) and then thresholds it, or dithers it with a 4x4 Bayer matrix (``dither=True``).
``scale`` draws the same face at a higher resolution (e.g. 512x256 for the web), and
:func:`upscale` enlarges a 1-bit frame with visible pixels, as the OLED shows it.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray
from PIL import Image

from emotion_engine.face.bitexact import power
from emotion_engine.face.params import N_EYE, NAMES, SIDES, FaceParams, clip

WIDTH, HEIGHT = 128, 64
"""The display's size in pixels (SSD1306)."""

EYE_SPACING = 28.0
"""Horizontal distance of each eye's home centre from the middle of the display, px."""
EYE_Y = 26.0
"""Home y of the eyes' centres, px."""
BROW_GAP = 4.5
"""Distance of the brow's centre line above the top of the (open, unlidded) eye, px."""
BROW_OVERHANG = 2.0
"""How far a brow reaches beyond its eye on each side, px."""
MOUTH_Y = 51.0
"""Home y of the mouth, px."""
CLOSED_LINE = 1.5
"""Thickness of a closed eye (``eye_open`` 0), px."""
N_FEATURES = 5
"""Left eye, right eye, left brow, right brow, mouth."""

_HEARTS = [NAMES.index(f"eye_heart_{side}") for side in SIDES]
_BAYER4 = (
    np.array([[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]], dtype=float) + 0.5
) / 16.0
# _RUN_BITS[i] has the low i bits set: the run of rows [a, b) of a column is
# _RUN_BITS[b] & ~_RUN_BITS[a].
_RUN_BITS = np.array([(1 << i) - 1 for i in range(HEIGHT + 1)], dtype="<u8")


def _vector(face: FaceParams | ArrayLike) -> NDArray[np.float64]:
    values = face.values if isinstance(face, FaceParams) else np.asarray(face, dtype=float)
    if values.shape != (len(NAMES),):
        raise ValueError(f"a face has {len(NAMES)} parameters; got shape {values.shape}")
    return clip(values)


def _roundness_exponent(roundness: float) -> float:
    """Superellipse exponent of a corner: roundness 1 → 2 (elliptical), 0 → 20 (square)."""
    square = (1.0 - roundness) * (1.0 - roundness)
    return 2.0 + 18.0 * square


NO_LID = (1e9, 0.0, 0.0)
"""The lid polynomial of an edge that has no lid."""


def _rows(v: NDArray[np.float64], with_hearts: bool) -> tuple[NDArray[np.float64], ...]:
    """The coefficients of a face's ten edges, for :func:`_edges`.

    Each of the five features has a top and a bottom edge, in feature order. An edge is
    written in its feature's coordinate T (−1 at the inner or left end, +1 at the outer or
    right end; T = x·k − c) *signed* (−y for a top edge, +y for a bottom one, so that both
    grow outward) as a centre line plus a profile, clipped by a lid:

        min(a0 + a1·T + a2·T² + amp·(1 − |T|ⁿ)ᵖ·sqrt(1 + (d0 + d1·T)²),  l0 + l1·T + l2·T²)

    with exponents n, p from (n_in, p_in) for T < 0 and (n_out, p_out) for T ≥ 0, and the
    square root thickening strokes where they slope. Beyond |T| = 1 the profile is 0, so
    the run there is empty. An eye's openness (a squash towards a line) and slant (a shear)
    are affine in y and are folded into its coefficients.

    Returns the fields, shape (15, 10, 1), and if ``with_hearts`` also the first 12 fields
    of the eyes' four edges drawn as hearts, shape (12, 4, 1).
    """
    face_x, face_y, *rest = v.tolist()
    eye_rows: list[tuple[float, ...]] = []
    brow_rows: list[tuple[float, ...]] = []
    heart_rows: list[tuple[float, ...]] = []
    for side, mirror in enumerate((-1.0, 1.0)):
        (ex, ey, ew, eh, opening, slant, _heart, rui, ruo, rli, rlo,
         lu, lu_angle, lu_bend, ll, ll_angle, ll_bend,
         brow_y, brow_angle, brow_bend, brow_w) = rest[side * N_EYE : (side + 1) * N_EYE]  # fmt: skip
        hw, hh = ew / 2.0, eh / 2.0
        cx = WIDTH / 2.0 + mirror * (EYE_SPACING + ex) + face_x
        cy = EYE_Y + ey + face_y
        k = mirror / hw
        # Openness squashes y towards a pivot a little below the centre; slant shears it.
        pivot = cy + 0.2 * hh
        gain = opening + (1.0 - opening) * min(1.0, CLOSED_LINE / eh)
        y0 = pivot * (1.0 - gain)
        shear = -slant * hw
        n_ui, n_uo, n_li, n_lo = (_roundness_exponent(r) for r in (rui, ruo, rli, rlo))
        # Centre line and lids as y(T) = b0 + b1·T + b2·T², squashed and sheared.
        centre = (y0 + cy * gain, shear, 0.0)
        upper = (
            y0 + (cy - hh + lu * eh + lu_bend) * gain,
            shear - lu_angle * hw * gain,
            -lu_bend * gain,
        )
        lower = (
            y0 + (cy + hh - ll * eh - ll_bend) * gain,
            shear + ll_angle * hw * gain,
            ll_bend * gain,
        )
        top = (cx * k, k, *(-b for b in centre))
        bottom = (cx * k, k, *centre)
        eye_rows.append(
            (*top, hh * gain, n_ui, n_uo, 1 / n_ui, 1 / n_uo, 0.0, 0.0, *(-b for b in upper))
        )
        eye_rows.append((*bottom, hh * gain, n_li, n_lo, 1 / n_li, 1 / n_lo, 0.0, 0.0, *lower))
        if with_hearts:
            # Two round lobes on top (T folded, see _edges), a convex V below.
            lobe_h = min(hw / 2.0, 0.6 * hh)
            dip = (y0 + (cy - hh + lobe_h) * gain, shear, 0.0)
            heart_rows.append(
                (cx * k, k, *(-b for b in dip), lobe_h * gain, 2.0, 2.0, 0.5, 0.5, 0.0, 0.0)
            )
            heart_rows.append(
                (cx * k, k, *dip, (2 * hh - lobe_h) * gain, 1.0, 1.0, 0.8, 0.8, 0.0, 0.0)
            )
        hb = hw + BROW_OVERHANG
        kb = mirror / hb
        line = (cy - hh - BROW_GAP - brow_y - brow_bend, -brow_angle * hb, brow_bend)
        slope = (line[1] * kb, 2.0 * line[2] * kb)
        for sgn in (-1.0, 1.0):
            brow_rows.append(
                (
                    cx * kb,
                    kb,
                    *(sgn * b for b in line),
                    brow_w / 2.0,
                    6.0,
                    6.0,
                    0.5,
                    0.5,
                    *slope,
                    *NO_LID,
                )
            )
    mx, my, mw, curve, opening, tilt, thick = rest[2 * N_EYE :]
    km = 2.0 / mw
    line = (MOUTH_Y + my + face_y + 0.5 * curve - 0.25 * tilt, -0.5 * tilt, -curve - 0.25 * tilt)
    slope = (line[1] * km, 2.0 * line[2] * km)
    cap = 2.0 + 6.0 * thick / (thick + opening)  # rounded line ends when closed, round when open
    mouth_rows = [
        ((WIDTH / 2.0 + mx + face_x) * km, km, *(sgn * b for b in line), thick / 2.0 + share * opening,
         cap, cap, 0.5, 0.5, *slope, *NO_LID)
        for sgn, share in ((-1.0, 0.3), (1.0, 0.7))
    ]  # fmt: skip
    rows = np.array(eye_rows + brow_rows + mouth_rows).T[:, :, None]
    if not with_hearts:
        return (rows,)
    return rows, np.array(heart_rows).T[:, :, None]


def _edges(
    xs: NDArray[np.float64], rows: NDArray[np.float64], folded: slice | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Signed edges before lids, shape (edges, columns), and T (see :func:`_rows`).

    The profile of the ``folded`` edges is taken of |2·|T| − 1|: a bump on each half (a
    heart's lobes).
    """
    c, k, a0, a1, a2 = rows[:5]
    t = xs * k - c
    at = np.abs(t)
    if folded is not None:
        at[folded] = np.abs(2.0 * at[folded] - 1.0)
    # The profile is 0 where |T| >= 1 (as 1 − 1ⁿ would give): compute it only inside.
    inside = np.nonzero(at < 1.0)
    amp, n_in, n_out, p_in, p_out, d0, d1 = rows[5:12, inside[0], 0]
    t_in = t[inside]
    neg = t_in < 0.0
    base = 1.0 - power(at[inside], np.where(neg, n_in, n_out))
    slope = d0 + d1 * t_in
    stroke = np.zeros_like(t)
    stroke[inside] = amp * power(base, np.where(neg, p_in, p_out)) * np.sqrt(1.0 + slope * slope)
    return a0 + t * (a1 + a2 * t) + stroke, t


def _signed_edges(face: FaceParams | ArrayLike, xs: NDArray[np.float64]) -> NDArray[np.float64]:
    """The ten signed edges (−top, +bottom per feature), shape (10, len(xs)), lids applied."""
    v = _vector(face)
    hearts = v[_HEARTS]
    with_hearts = bool(hearts.any())
    rows, *heart_rows = _rows(v, with_hearts)
    if with_hearts:  # the hearts' four edges after the ten, their tops folded
        both, t = _edges(xs, np.concatenate([rows[:12], heart_rows[0]], axis=1), slice(10, 14, 2))
        edge, heart_edge, t = both[:10], both[10:], t[:10]
        eyes = edge[:4]
        eyes += hearts.repeat(2)[:, None] * (heart_edge - eyes)
    else:
        edge, t = _edges(xs, rows)
    l0, l1, l2 = rows[12:]
    return np.minimum(edge, l0 + t * (l1 + l2 * t))


def feature_runs(
    face: FaceParams | ArrayLike, xs: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Top and bottom (px) of each feature's run in the columns whose centres are ``xs``.

    Returns two arrays of shape (5, len(xs)): left eye, right eye, left brow, right brow,
    mouth. A pixel of a column is lit when its centre lies in [top, bottom); where a column
    misses a feature, top ≥ bottom.
    """
    edge = _signed_edges(face, xs)
    return -edge[0::2], edge[1::2]


@lru_cache(maxsize=8)
def _grid(scale: int) -> tuple[NDArray[np.float64], NDArray[np.int32]]:
    """Column centres in face pixels, and row numbers, for a frame ``scale`` times larger."""
    xs = (np.arange(WIDTH * scale) + 0.5) / scale
    rows = np.arange(HEIGHT * scale, dtype=np.int32)[:, None]
    xs.flags.writeable = False
    rows.flags.writeable = False
    return xs, rows


def render_columns(face: FaceParams | ArrayLike) -> NDArray[np.uint64]:
    """The 128 columns of a 128x64 frame as little-endian 64-bit words, bit y = row y.

    Read as bytes, column x's byte j holds rows 8j to 8j + 7, least significant bit on top:
    the SSD1306's page layout, one column at a time.
    """
    xs, _ = _grid(1)
    edge = _signed_edges(face, xs)
    # Rows whose centres j + 0.5 lie in [top, bottom): first = ceil(top − ½), stop likewise;
    # take(mode="clip") clamps them to the frame: below 0 → no bits, above 64 → all bits.
    first = np.ceil(-0.5 - edge[0::2]).astype(np.intp)
    stop = np.ceil(edge[1::2] - 0.5).astype(np.intp)
    runs = _RUN_BITS.take(stop, mode="clip") & ~_RUN_BITS.take(first, mode="clip")
    return np.bitwise_or.reduce(runs, axis=0)


def columns_to_image(columns: NDArray[np.uint64]) -> Image.Image:
    """The 128x64 mode "1" image of :func:`render_columns`' words."""
    # Each word is a row of the transposed image, pixels in least-significant-bit order.
    data = columns.astype("<u8", copy=False).tobytes()
    return Image.frombytes("1", (HEIGHT, WIDTH), data, "raw", "1;R").transpose(
        Image.Transpose.TRANSPOSE
    )


def render_mask(face: FaceParams | ArrayLike, scale: int = 1) -> NDArray[np.bool_]:
    """The lit pixels of a face, shape (64·scale, 128·scale), by sampling pixel centres."""
    if not (isinstance(scale, int | np.integer) and 1 <= scale <= 16):
        raise ValueError(f"scale must be an integer from 1 to 16; got {scale!r}")
    xs, rows = _grid(scale)
    tops, bottoms = feature_runs(face, xs)
    centres = (rows + 0.5) / scale
    mask = np.zeros((HEIGHT * scale, WIDTH * scale), dtype=bool)
    for k in range(N_FEATURES):
        mask |= (centres >= tops[k]) & (centres < bottoms[k])
    return mask


def coverage(face: FaceParams | ArrayLike, supersample: int = 4) -> NDArray[np.float64]:
    """Anti-aliased image: the fraction of each pixel covered, shape (64, 128), from
    ``supersample`` x ``supersample`` samples a pixel."""
    s = supersample
    return render_mask(face, s).reshape(HEIGHT, s, WIDTH, s).mean(axis=(1, 3))


def to_image(mask: NDArray[np.bool_]) -> Image.Image:
    """A mode "1" image from a boolean array (rows, columns)."""
    h, w = mask.shape
    return Image.frombytes("1", (w, h), np.packbits(mask, axis=1).tobytes())


def render(
    face: FaceParams | ArrayLike, scale: int = 1, supersample: int = 1, dither: bool = False
) -> Image.Image:
    """A face drawn to a mode "1" image of 128x64 (times ``scale``).

    Args:
        face: the face parameters (a :class:`FaceParams` or a vector in :data:`NAMES` order).
        scale: draw at this many times the display's resolution (same shapes, finer pixels).
        supersample: 1 samples pixel centres (fast); n > 1 computes the anti-aliased coverage
            from n x n samples a pixel and then thresholds it at 1/2 or dithers it.
        dither: with ``supersample`` > 1, ordered (4x4 Bayer) dithering of the coverage
            instead of a threshold: soft edges at the cost of speckle.
    """
    if not (isinstance(supersample, int) and 1 <= supersample <= 8):
        raise ValueError(f"supersample must be an integer from 1 to 8; got {supersample!r}")
    if supersample == 1:
        if scale == 1:
            return columns_to_image(render_columns(face))
        return to_image(render_mask(face, scale))
    h, w, s = HEIGHT * scale, WIDTH * scale, supersample
    cover = render_mask(face, scale * s).reshape(h, s, w, s).mean(axis=(1, 3))
    if dither:
        return to_image(cover > np.tile(_BAYER4, (h // 4, w // 4)))
    return to_image(cover >= 0.5)


def upscale(image: Image.Image, factor: int = 4) -> Image.Image:
    """A frame enlarged ``factor`` times with square pixels, as the OLED shows it."""
    if not (isinstance(factor, int) and factor >= 1):
        raise ValueError(f"upscale factor must be an integer >= 1; got {factor!r}")
    return image.resize((image.width * factor, image.height * factor), Image.Resampling.NEAREST)
