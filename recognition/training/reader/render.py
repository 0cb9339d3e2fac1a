"""Rendered US-style plate rows for fine-tuning the character recogniser (training data only).

Every sample is drawn here from scratch: a plate with a state name, a serial in a condensed bold
TrueType font, a slogan, bolts, stickers, background art and a frame, warped by a small perspective,
shrunk to a real camera size (40-150 px wide), blurred, noised and JPEG-compressed, then the number
row is cropped with a random margin (as the reader's line detector would) and scaled to 48 px high.
Serials come from the project's format table (``recognition/plates/formats.toml``) plus vanity-style
strings rich in the look-alike pairs (O/0/Q/D, B/8, G/6, S/5, Z/2, I/1). No real image is used.

Fonts are read from Debian font packages (see :data:`FONT_FILES`); missing ones are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from recognition.plates.formats import FormatTable, load_table
from recognition.synth.plate_render import STATE_NAMES
from recognition.synth.states import SCHEMES
from recognition.training.reader import foreign_rows
from recognition.training.reader.fonts import (
    FONT_FILES,
    FOREIGN_FONT_FILES,
    SCENE_FONT_FILES,
    SMALL_FONT_FILES,
)
from recognition.training.reader.foreign_rows import ALPHANUM, FOREIGN_FORMATS

#: Characters that real plates print alike; vanity strings draw from them often.
LOOKALIKES = "O0QDB8G6S5Z2I1"
#: Relative frequency of O, I and Q against other characters in generated strings. Real serials use
#: them rarely (many states skip them) and plates print them like 0 and 1; with uniform letters the
#: first fine-tuned model read real zeros as O (notes/reader.md, Session 25).
RARE_LETTERS = {"O": 0.2, "I": 0.2, "Q": 0.3}
SLOGANS = (
    "LAND OF LINCOLN",
    "SUNSHINE STATE",
    "EXCELSIOR",
    "GARDEN STATE",
    "FIRST IN FLIGHT",
    "THE LONE STAR STATE",
    "GRAND CANYON STATE",
    "EVERGREEN STATE",
    "IN GOD WE TRUST",
    "PURE MICHIGAN",
    "dmv.ca.gov",
    "visitPA.com",
    "FAMOUS POTATOES",
    "LIVE FREE OR DIE",
    "WILD WONDERFUL",
    "GREAT LAKES",
    "SHOW ME STATE",
    "GREEN MOUNTAINS",
    "AMERICA'S DAIRYLAND",
    "10,000 LAKES",
    "THE SPIRIT OF AMERICA",
    "BIG SKY COUNTRY",
    "NATURAL STATE",
    "",
)
PAD_CAP = 512

#: Share of each sample kind: US plate rows, foreign (EU/Brazil) plate rows, scene-text rows.
DEFAULT_MIX = (0.68, 0.2, 0.12)


@dataclass(frozen=True, slots=True)
class Sample:
    """One training image: BGR uint8, 48 px high, and its text.

    Plate rows are labelled 0-9A-Z; scene-text rows keep their case and punctuation (spaces dropped),
    every character being one of the recogniser's own dictionary entries.
    """

    image: np.ndarray
    text: str
    kind: str = "us"  #: "us", "foreign" (EU/Brazil plate) or "scene" (text that is not a plate)
    soft: bool = False  #: given the heavy small-plate softening (:func:`soften_small`)
    cut: str = ""  #: the detector-like crop error of :func:`detector_cut` ("" when none was drawn)


#: Detector-like crop errors (session 29, ``cut_rows``), as fractions of the character height: the box
#: shifted up or down cuts one side into the characters by CUT_INTO and leaves the other loose by
#: CUT_LOOSE; a tight box cuts both sides by up to CUT_TIGHT; an end of the row is tight (0 to CUT_END
#: outside the first or last character, never inside) in a share CUT_END_P of the chosen rows.
CUT_INTO = (0.04, 0.2)
CUT_LOOSE = (0.1, 0.45)
CUT_TIGHT = 0.08
CUT_END = 0.03
CUT_END_P = 0.3


def detector_cut(
    quad: np.ndarray, rng: np.random.Generator, shape: tuple[int, ...]
) -> tuple[tuple[int, int, int, int], str]:
    """Crop box ``(x0, y0, x1, y1)`` of a detector's error on the serial ``quad``, and its kind.

    The kinds seen on real stills (notes/reader.md, session 28 lead): the box sits low or high on the
    plate ("down": the tops of the characters are cut, the bottom is loose; "up": the other way round)
    or hugs the row too tightly ("tight": both sides cut a little). Vertical margins are measured from
    the mean top and bottom lines of the quad, in its character height; across, the box keeps the
    usual loose margin or, with "+end", one end is tight against the quad's extreme corner. Characters
    are never cut away across, so the label stays true. ``shape`` is the image's, for clipping.
    """
    quad = np.asarray(quad, np.float64)
    char_h = max(2.0, 0.5 * (np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1])))
    top, bottom = 0.5 * (quad[0, 1] + quad[1, 1]), 0.5 * (quad[2, 1] + quad[3, 1])
    roll = rng.random()
    if roll < 0.65:
        kind = "down" if rng.random() < 0.5 else "up"
        into, loose = -rng.uniform(*CUT_INTO), rng.uniform(*CUT_LOOSE)
        m_top, m_bottom = (into, loose) if kind == "down" else (loose, into)
    else:
        kind = "tight"
        m_top, m_bottom = -rng.uniform(0.0, CUT_TIGHT), -rng.uniform(0.0, CUT_TIGHT)
    m_left, m_right = rng.uniform(0.0, 0.35), rng.uniform(0.0, 0.35)
    if rng.random() < CUT_END_P:
        kind += "+end"
        if rng.random() < 0.5:
            m_left = rng.uniform(0.0, CUT_END)
        else:
            m_right = rng.uniform(0.0, CUT_END)
    x0 = int(max(0, np.floor(quad[:, 0].min() - m_left * char_h)))
    x1 = int(min(shape[1], np.ceil(quad[:, 0].max() + m_right * char_h)))
    y0 = int(max(0, np.floor(top - m_top * char_h)))
    y1 = int(min(shape[0], np.ceil(bottom + m_bottom * char_h)))
    return (x0, y0, max(x0 + 1, x1), max(y0 + 2, y1)), kind


def soften_small(img: np.ndarray, quad: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Heavier loss of detail for a plate shrunk to a small camera size (float BGR, any range 0-255).

    Real plates 40-95 px wide read M as H, G as C and Q as O (notes/reader.md, sessions 25-26): the
    narrow gaps inside M/W, the bar of G and the tail of Q fill in or vanish. Three steps, all drawn
    from ``rng``: (1) in 60 % of them, stroke closing - the characters are thickened by a 2 px wide
    minimum (dark text) or maximum (light text) filter blended in at 25-65 %, so narrow gaps between
    strokes go grey rather than closing outright; (2) an anisotropic blur (sigma 0.2-0.6 across,
    0.2-0.5 down); (3) down and up again by a factor that leaves the characters at least ~9 px high
    (0.55-0.9 of the size), back up with linear or cubic interpolation. Strong enough to turn some
    M into H-like shapes, not so strong that a condensed serial becomes a grey bar (preview sheets,
    notes/reader.md session 27). ``quad`` (the serial, in ``img`` pixels) sets the text
    polarity and the character height.
    """
    x0, y0 = np.floor(quad.min(axis=0)).astype(int)
    x1, y1 = np.ceil(quad.max(axis=0)).astype(int)
    region = img[max(0, y0) : max(y0 + 1, y1), max(0, x0) : max(x0 + 1, x1)].mean(axis=2)
    char_h = float(max(1.0, y1 - y0))
    out = img
    if region.size and rng.random() < 0.6:
        lo, hi = np.percentile(region, (5, 95))
        dark_text = float(np.median(region)) > (lo + hi) / 2  # the background is the majority
        kernel = np.ones((1, 2), np.uint8)
        thick = cv2.erode(out, kernel) if dark_text else cv2.dilate(out, kernel)
        out = out + (thick - out) * np.float32(rng.uniform(0.25, 0.65))
    out = cv2.GaussianBlur(out, (0, 0), sigmaX=rng.uniform(0.2, 0.6), sigmaY=rng.uniform(0.2, 0.5))
    low = max(0.55, 9.0 / char_h)
    if low < 0.9:
        f = rng.uniform(low, 0.9)
        shape = (out.shape[1], out.shape[0])
        down = cv2.resize(out, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
        interp = cv2.INTER_CUBIC if rng.random() < 0.5 else cv2.INTER_LINEAR
        out = np.clip(cv2.resize(down, shape, interpolation=interp), 0, 255)
    return out.astype(np.float32)


class PlateRowRenderer:
    """Seeded generator of rendered plate rows (see the module docstring)."""

    def __init__(
        self,
        seed: int,
        table: FormatTable | None = None,
        bar_one: float = 0.4,
        mix: tuple[float, float, float] = (1.0, 0.0, 0.0),
        same_o: float = 0.0,
        soft_small: float = 0.0,
        br_lead_o: float = 0.0,
        eu_letter_o: float = 0.0,
        cut_rows: float = 0.0,
    ) -> None:
        if not 0.0 <= cut_rows <= 1.0:
            raise ValueError(f"cut_rows is a share of rows, 0 to 1, not {cut_rows}")
        self.rng = np.random.default_rng(seed)
        # plate rows (US, EU, Brazil) cropped with a detector's error (:func:`detector_cut`, session
        # 29); own stream, so every row not chosen is pixel-identical to the stream without it
        self.cut_rows = cut_rows
        self.cut_rng = np.random.default_rng([seed, 30])
        # Brazil rows whose first letter is set to O (session 28): Brazil's old and Mercosul serials
        # start with O often (the OAA-OZZ blocks of several states) while the uniform letters give it
        # 1/26; drawn from its own stream, so only the chosen rows' first letter changes
        self.br_lead_o = br_lead_o
        # EU rows (formats whose letters include O) with one letter place set to O, own stream too
        self.eu_letter_o = eu_letter_o
        self.eu_o_rng = np.random.default_rng([seed, 29])
        self.lead_o_rng = np.random.default_rng([seed, 28])
        # the softening draws from its own stream, so every other row is drawn as without it
        self.soft_small = soft_small
        self.soft_rng = np.random.default_rng([seed, 27])
        self.bar_one = bar_one
        self.same_o = same_o
        total = float(sum(mix))
        self.mix = tuple(m / total for m in mix)
        self.foreign_codes = list(FOREIGN_FORMATS)
        fw = np.array([FOREIGN_FORMATS[c][1] for c in self.foreign_codes])
        self.foreign_p = fw / fw.sum()
        self.foreign_fonts = [f for f in FOREIGN_FONT_FILES if Path(f).is_file()]
        self.scene_fonts = [f for f in SCENE_FONT_FILES if Path(f).is_file()]
        self.table = table or load_table()
        self.codes = [c for c, j in self.table.jurisdictions.items() if j.country == "US"] + [
            "ON",
            "QC",
            "BC",
        ]
        self.codes = [c for c in self.codes if c in self.table.jurisdictions]
        weights = np.array([self.table.jurisdictions[c].weight for c in self.codes], dtype=np.float64)
        self.code_p = (weights + weights.mean()) / (weights + weights.mean()).sum()
        self.fonts = [f for f in FONT_FILES if Path(f).is_file()]
        self.small_fonts = [f for f in SMALL_FONT_FILES if Path(f).is_file()]
        if not self.fonts:
            raise FileNotFoundError(
                "no TrueType font found; apt-get install fonts-dejavu-core fonts-liberation"
            )
        self._font_cache: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}

    # --- text -----------------------------------------------------------------------------------
    def serial(self) -> tuple[str, str]:
        """``(state code, text)``: a format-table serial, a vanity string or a look-alike-dense one."""
        rng = self.rng
        code = str(rng.choice(self.codes, p=self.code_p))
        roll = rng.random()
        if roll < 0.62:
            j = self.table.jurisdictions[code]
            w = np.array([f.weight for f in j.formats])
            fmt = j.formats[int(rng.choice(len(j.formats), p=w / w.sum()))]
            text = "".join(self._pick(allowed) for allowed in fmt.classes)
        elif roll < 0.82:
            n = int(rng.integers(2, 8))
            text = "".join(self._pick(ALPHANUM) for _ in range(n))
        else:
            n = int(rng.integers(4, 8))
            text = "".join(
                self._pick(LOOKALIKES) if rng.random() < 0.6 else self._pick(ALPHANUM) for _ in range(n)
            )
        return code, text

    def foreign_serial(self) -> tuple[str, str, str]:
        """``(country code, text, printed)`` of a European or Brazilian plate (:func:`foreign_rows.foreign_serial`)."""
        return foreign_rows.foreign_serial(self)

    def scene_text(self) -> str:
        """A badge / dealer / sticker string (:func:`foreign_rows.scene_text`)."""
        return foreign_rows.scene_text(self)

    def _pick(self, allowed: str) -> str:
        """One character of ``allowed``, O/I/Q down-weighted by :data:`RARE_LETTERS`."""
        w = np.array([RARE_LETTERS.get(c, 1.0) for c in allowed])
        return allowed[int(self.rng.choice(len(allowed), p=w / w.sum()))]

    # --- drawing --------------------------------------------------------------------------------
    def _font(self, path: str, size: int) -> ImageFont.FreeTypeFont:
        key = (path, size)
        if key not in self._font_cache:
            self._font_cache[key] = ImageFont.truetype(path, size)
        return self._font_cache[key]

    def _text_mask(self, text: str, font_path: str, size: int, stroke: int) -> np.ndarray:
        font = self._font(font_path, size)
        left, top, right, bottom = font.getbbox(text, stroke_width=stroke)
        img = Image.new("L", (right - left + 4, bottom - top + 4), 0)
        ImageDraw.Draw(img).text(
            (2 - left, 2 - top), text, font=font, fill=255, stroke_width=stroke, stroke_fill=255
        )
        mask = np.asarray(img)
        ys, xs = np.nonzero(mask > 40)
        if len(xs) == 0:
            return mask
        return mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]

    def _colours(self, code: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Background top/bottom, serial colour and state-name colour (float BGR)."""
        rng = self.rng
        scheme = SCHEMES.get(code)
        if scheme is None or rng.random() < 0.35:
            if rng.random() < 0.12:  # dark plate, light characters
                bg = rng.uniform(10, 90, 3)
                fg = rng.uniform(190, 255, 3)
            else:
                bg = rng.uniform(170, 255, 3)
                fg = rng.uniform(0, 110, 3)
            bottom = np.clip(bg + rng.uniform(-60, 30, 3), 0, 255)
            return bg, bottom, fg, np.clip(fg + rng.uniform(-40, 120, 3), 0, 255)
        return (
            np.array(scheme.background, float),
            np.array(scheme.background_bottom, float),
            np.array(scheme.text, float),
            np.array(scheme.state_text, float),
        )

    def _blend(self, canvas: np.ndarray, mask: np.ndarray, x: int, y: int, colour: np.ndarray) -> None:
        ys, xs = np.nonzero(mask)
        if len(xs) == 0:
            return
        mask = mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
        x, y = x + int(xs.min()), y + int(ys.min())
        h, w = mask.shape[:2]
        x0, y0 = max(0, x), max(0, y)
        x1, y1 = min(canvas.shape[1], x + w), min(canvas.shape[0], y + h)
        if x1 <= x0 or y1 <= y0:
            return
        a = mask[y0 - y : y1 - y, x0 - x : x1 - x, None].astype(np.float32) / 255.0
        roi = canvas[y0:y1, x0:x1]
        roi += (colour.astype(np.float32) - roi) * a

    def _small_line(
        self, canvas: np.ndarray, text: str, cy: float, height: float, colour: np.ndarray
    ) -> None:
        if not text:
            return
        font = str(self.rng.choice(self.small_fonts))
        mask = self._text_mask(text, font, 64, 0)
        pw = canvas.shape[1]
        h = max(4, int(height))
        w = int(mask.shape[1] * h / max(1, mask.shape[0]) * self.rng.uniform(0.7, 1.1))
        w = min(w, int(pw * 0.9))
        mask = cv2.resize(mask, (max(4, w), h), interpolation=cv2.INTER_AREA)
        self._blend(canvas, mask, (pw - w) // 2 + int(self.rng.integers(-20, 21)), int(cy - h / 2), colour)

    def _end_graphic(self, canvas: np.ndarray, x: int, y: int, char_h: int, colour: np.ndarray) -> int:
        """Draw a state symbol (cactus, tree, blob, stacked small letters) with its left edge at ``x``.

        Returns its width. It is not part of the plate text: real plates put such art right beside
        the serial, and the shipped reader reads it as a character.
        """
        rng = self.rng
        kind = int(rng.integers(4))
        h = int(char_h * rng.uniform(0.5, 1.0))
        w = int(char_h * rng.uniform(0.25, 0.6))
        top = y + int((char_h - h) * rng.uniform(0, 1))
        layer = np.zeros((char_h + 4, w + 4), np.uint8)
        oy = top - y
        if kind == 0:  # cactus: trunk and two arms
            t = max(2, w // 4)
            cv2.rectangle(layer, (w // 2 - t // 2, oy), (w // 2 + t // 2, oy + h), 255, -1)
            cv2.rectangle(layer, (0, oy + h // 3), (t, oy + h // 2), 255, -1)
            cv2.rectangle(layer, (w - t, oy + h // 4), (w, oy + h // 2), 255, -1)
            cv2.rectangle(layer, (0, oy + h // 2 - t), (w, oy + h // 2), 255, -1)
        elif kind == 1:  # tree / irregular polygon
            pts = np.stack([rng.uniform(0, w, 7), rng.uniform(oy, oy + h, 7)], axis=1).astype(np.int32)
            cv2.fillPoly(layer, [cv2.convexHull(pts)], 255)
        elif kind == 2:  # round seal
            cv2.circle(layer, (w // 2, oy + h // 2), max(2, min(w, h) // 2), 255, -1)
            colour = rng.uniform(0, 255, 3)
        else:  # two stacked small letters (Delaware "PC", Wyoming stacks): not part of the plate text
            for k in range(2):
                glyph = self._text_mask(str(rng.choice(list(ALPHANUM[10:]))), self.fonts[0], 64, 0)
                gh = max(3, char_h // 2 - 2)
                glyph = cv2.resize(glyph, (max(2, w), gh), interpolation=cv2.INTER_AREA)
                layer[k * (gh + 2) : k * (gh + 2) + gh, : glyph.shape[1]] = glyph
        self._blend(canvas, layer, x, y, np.asarray(colour, np.float32))
        return w

    def plate(self, code: str, text: str) -> tuple[np.ndarray, np.ndarray, tuple[int, int]]:
        """Full plate (float BGR, 300 px high), the serial's quad and the width of end art (left, right).

        The quad is 4x2, clockwise from top-left, around the serial characters only.
        """
        rng = self.rng
        ph, pw = 300, int(rng.uniform(560, 640))
        top, bottom, fg, state_fg = self._colours(code)
        ramp = np.linspace(0, 1, ph)[:, None, None] ** rng.uniform(0.5, 2.0)
        canvas = np.ascontiguousarray(
            np.broadcast_to((top * (1 - ramp) + bottom * ramp), (ph, pw, 3)), np.float32
        )
        # background art: a few soft blobs / mountains
        for _ in range(int(rng.integers(0, 4))):
            colour = np.clip(canvas[ph // 2, pw // 2] + rng.uniform(-90, 40, 3), 0, 255)
            layer = np.zeros((ph, pw), np.uint8)
            if rng.random() < 0.5:
                cv2.ellipse(
                    layer,
                    (int(rng.uniform(0, pw)), int(rng.uniform(0, ph))),
                    (int(rng.uniform(20, 200)), int(rng.uniform(15, 120))),
                    0,
                    0,
                    360,
                    255,
                    -1,
                )
            else:
                pts = np.array([[0, ph], [rng.uniform(0, pw), rng.uniform(ph * 0.3, ph)], [pw, ph]], np.int32)
                cv2.fillPoly(layer, [pts], 255)
            self._blend(canvas, (layer * rng.uniform(0.15, 0.6)).astype(np.uint8), 0, 0, colour)
        # band behind the state name
        if rng.random() < 0.2:
            canvas[: int(ph * rng.uniform(0.18, 0.28))] = np.clip(fg + rng.uniform(-20, 20, 3), 0, 255)
            state_fg = top
        name = STATE_NAMES.get(
            code, SCHEMES[code].name if code in SCHEMES else self.table.jurisdictions[code].name
        )
        if rng.random() < 0.5:
            name = name.upper()
        if rng.random() < 0.9:
            self._small_line(canvas, name, ph * rng.uniform(0.1, 0.17), ph * rng.uniform(0.1, 0.2), state_fg)
        if rng.random() < 0.7:
            slogan = str(rng.choice(SLOGANS))
            self._small_line(
                canvas, slogan, ph * rng.uniform(0.85, 0.92), ph * rng.uniform(0.07, 0.13), state_fg
            )
        # serial with optional gap, dash or small graphic
        printed = text
        graphic_at = -1
        if len(text) >= 4 and rng.random() < 0.55:
            cut = int(rng.integers(1, len(text)))
            sep = str(rng.choice([" ", "-", " ", "·"])) if rng.random() < 0.7 else "  "
            if rng.random() < 0.2:
                graphic_at, sep = cut, "   "
            printed = text[:cut] + sep + text[cut:]
        font = str(rng.choice(self.fonts))
        glyphs = printed
        if (
            self.bar_one > 0 and rng.random() < self.bar_one
        ):  # many plate fonts (and Brazil's) print 1 as a bar
            glyphs = printed.replace("1", "I")
        if self.same_o > 0 and rng.random() < self.same_o:  # plate fonts draw O and 0 alike
            glyphs = glyphs.translate(str.maketrans("O0", "0O"))
        mask = self._text_mask(glyphs, font, 160, int(rng.integers(0, 5)))
        char_h = int(ph * rng.uniform(0.38, 0.52))
        condense = rng.uniform(0.55, 1.0)
        width = int(mask.shape[1] * char_h / mask.shape[0] * condense)
        width = min(width, int(pw * rng.uniform(0.8, 0.94)))
        mask = cv2.resize(mask, (max(8, width), char_h), interpolation=cv2.INTER_AREA)
        x = (pw - width) // 2 + int(rng.integers(-15, 16))
        y = int(ph * rng.uniform(0.27, 0.36))
        if rng.random() < 0.35:  # emboss shadow
            self._blend(canvas, mask, x + int(rng.integers(1, 5)), y + int(rng.integers(1, 5)), fg * 0.4)
        self._blend(canvas, mask, x, y, fg)
        if graphic_at >= 0:  # a state symbol inside the gap
            gx = x + int(width * graphic_at / max(1, len(printed)) + width * 0.02)
            cv2.circle(
                canvas,
                (gx + 10, y + char_h // 2),
                int(char_h * rng.uniform(0.12, 0.25)),
                tuple(float(c) for c in rng.uniform(0, 255, 3)),
                -1,
            )
        # bolts, sticker, frame
        for bx in (pw * 0.22, pw * 0.78):
            for by in (ph * 0.08, ph * 0.92):
                if rng.random() < 0.4:
                    cv2.circle(
                        canvas,
                        (int(bx), int(by)),
                        int(rng.uniform(6, 13)),
                        tuple(float(c) for c in rng.uniform(60, 200, 3)),
                        -1,
                    )
        if rng.random() < 0.4:
            sx = int(rng.choice([rng.uniform(5, 80), rng.uniform(pw - 120, pw - 50)]))
            sy = int(rng.choice([rng.uniform(5, 40), rng.uniform(ph - 80, ph - 45)]))
            cv2.rectangle(
                canvas,
                (sx, sy),
                (sx + int(rng.uniform(40, 90)), sy + int(rng.uniform(30, 60))),
                tuple(float(c) for c in rng.uniform(0, 255, 3)),
                -1,
            )
        if rng.random() < 0.6:
            t = int(rng.uniform(6, 22))
            colour = tuple(float(c) for c in rng.uniform(0, 90, 3))
            cv2.rectangle(canvas, (0, 0), (pw - 1, ph - 1), colour, t)
            if rng.random() < 0.4:
                cv2.rectangle(canvas, (0, int(ph * rng.uniform(0.82, 0.9))), (pw, ph), colour, -1)
        ends = [0, 0]
        if rng.random() < 0.35:
            side = int(rng.integers(2))
            gap = int(char_h * rng.uniform(0.05, 0.3))
            if side == 0:
                probe = int(char_h * 0.6)
                colour = fg if rng.random() < 0.5 else rng.uniform(0, 200, 3)
                self._end_graphic(canvas, x - gap - probe, y, char_h, colour)
                ends[0] = gap + probe
            else:
                colour = fg if rng.random() < 0.5 else rng.uniform(0, 200, 3)
                ends[1] = gap + self._end_graphic(canvas, x + width + gap, y, char_h, colour)
        quad = np.array([[x, y], [x + width, y], [x + width, y + char_h], [x, y + char_h]], np.float32)
        return canvas, quad, (ends[0], ends[1])

    def foreign_plate(self, code: str, printed: str) -> tuple[np.ndarray, np.ndarray, tuple[int, int], float]:
        """European / Brazilian plate, serial quad, end widths, size factor (:func:`foreign_rows.draw_foreign_plate`)."""
        return foreign_rows.draw_foreign_plate(self, code, printed)

    def scene_plate(self, text: str) -> tuple[np.ndarray, np.ndarray, tuple[int, int], float]:
        """A row of scene text, returned like :meth:`foreign_plate` (:func:`foreign_rows.draw_scene_plate`)."""
        return foreign_rows.draw_scene_plate(self, text)

    def sample(self) -> Sample:
        """One degraded number-row crop, 48 px high (width follows the aspect, at most 512 px)."""
        rng = self.rng
        kind, factor = "us", 1.0
        roll = rng.random() if self.mix[0] < 1.0 else 0.0  # (1, 0, 0): the session 25 stream
        if roll < self.mix[0]:
            code, text = self.serial()
            plate, quad, ends = self.plate(code, text)
        elif roll < self.mix[0] + self.mix[1]:
            kind = "foreign"
            code, text, printed = self.foreign_serial()
            plate, quad, ends, factor = self.foreign_plate(code, printed)
        else:
            kind = "scene"
            raw = self.scene_text()
            plate, quad, ends, factor = self.scene_plate(raw)
            text = raw.replace(" ", "")
        # drawn at 300 px high for clean glyphs; 150 px is still finer than any camera size used here
        plate = cv2.resize(plate.astype(np.float32), None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
        quad = quad * 0.5
        ph, pw = plate.shape[:2]
        # place on a car-coloured surround and warp
        pad = 60
        car = rng.uniform(0, 255, 3).astype(np.float32)
        big = np.ones((ph + 2 * pad, pw + 2 * pad, 3), np.float32) * car
        big += rng.normal(0, rng.uniform(0, 12), big.shape).astype(np.float32)
        big[pad : pad + ph, pad : pad + pw] = plate
        src = np.array([[pad, pad], [pad + pw, pad], [pad + pw, pad + ph], [pad, pad + ph]], np.float32)
        jitter = rng.normal(0, 0.03, (4, 2)) * np.array([pw, ph])
        angle = np.deg2rad(rng.normal(0, 3.0))
        c, s = np.cos(angle), np.sin(angle)
        centre = src.mean(axis=0)
        dst = ((src - centre) @ np.array([[c, -s], [s, c]]).T + centre + jitter).astype(np.float32)
        m = cv2.getPerspectiveTransform(src, dst)
        big = cv2.warpPerspective(big, m, (big.shape[1], big.shape[0]), borderMode=cv2.BORDER_REPLICATE)
        quad = cv2.perspectiveTransform((quad + pad)[None], m)[0]
        # shrink to camera size
        small_plate = rng.random() < 0.6
        plate_px = (
            float(np.exp(rng.uniform(np.log(40), np.log(95)))) if small_plate else float(rng.uniform(95, 150))
        )
        scale = plate_px * factor / pw  # plate_px stays the US-equivalent size for the checks below
        small = cv2.resize(big, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        quad = quad * scale
        soft = plate_px < 95 and self.soft_small > 0 and self.soft_rng.random() < self.soft_small
        if soft:
            small = soften_small(small, quad, self.soft_rng)
        sigma = rng.uniform(0, 1.0 if plate_px > 80 else 0.7)
        if sigma > 0.25:
            small = cv2.GaussianBlur(small, (0, 0), sigma)
        if rng.random() < 0.2:  # motion blur
            k = int(rng.integers(2, 5))
            kernel = np.zeros((k, k), np.float32)
            kernel[k // 2] = 1.0 / k
            small = cv2.filter2D(small, -1, kernel)
        gain, bias, gamma = rng.uniform(0.5, 1.3), rng.uniform(-40, 40), rng.uniform(0.6, 1.6)
        small = np.clip(small * gain + bias, 0, 255)
        small = 255.0 * (small / 255.0) ** gamma
        if rng.random() < 0.25:
            small = np.repeat(small.mean(axis=2, keepdims=True), 3, axis=2)
        small = np.clip(small + rng.normal(0, rng.uniform(0, 8), small.shape), 0, 255).astype(np.uint8)
        if plate_px > 70 and rng.random() < 0.3:  # video-like loss of detail: down and up again
            f = rng.uniform(0.5, 0.85)
            shape = (small.shape[1], small.shape[0])
            small = cv2.resize(cv2.resize(small, None, fx=f, fy=f, interpolation=cv2.INTER_AREA), shape)
        if rng.random() < 0.85:
            ok, buf = cv2.imencode(
                ".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, int(rng.uniform(20 if plate_px > 70 else 35, 90))]
            )
            if ok:
                small = cv2.imdecode(buf, cv2.IMREAD_COLOR)
        # crop the number row with a detector-like margin
        x0, y0 = quad.min(axis=0)
        x1, y1 = quad.max(axis=0)
        h = max(2.0, y1 - y0)
        mx0, mx1 = rng.uniform(0.0, 0.35) * h, rng.uniform(0.0, 0.35) * h
        if ends[0] and rng.random() < 0.8:  # the line detector's box takes the art in
            mx0 += ends[0] * scale * 0.5
        if ends[1] and rng.random() < 0.8:
            mx1 += ends[1] * scale * 0.5
        my0, my1 = rng.uniform(-0.05, 0.3) * h, rng.uniform(-0.05, 0.3) * h
        if rng.random() < 0.1:  # loose crop reaching the small lines
            my0, my1 = rng.uniform(0.3, 0.7) * h, rng.uniform(0.3, 0.7) * h
        cx0, cy0 = int(max(0, np.floor(x0 - mx0))), int(max(0, np.floor(y0 - my0)))
        cx1 = int(min(small.shape[1], np.ceil(x1 + mx1)))
        cy1 = int(min(small.shape[0], np.ceil(y1 + my1)))
        cut = ""
        if self.cut_rows > 0 and kind != "scene" and self.cut_rng.random() < self.cut_rows:
            (cx0, cy0, cx1, cy1), cut = detector_cut(quad, self.cut_rng, small.shape)
        crop = small[cy0:cy1, cx0:cx1]
        width = int(min(PAD_CAP, max(16, np.ceil(48 * crop.shape[1] / max(1, crop.shape[0])))))
        row = cv2.resize(crop, (width, 48), interpolation=cv2.INTER_LINEAR)
        return Sample(row, text, kind, soft, cut)
