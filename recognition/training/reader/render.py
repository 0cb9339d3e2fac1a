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

#: Bold / condensed sans fonts (Debian packages and licences in the module docstring of train.py).
FONT_FILES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Bold.ttf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Medium.ttf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Bold.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSansBold.ttf",
)
#: Fonts for the small lines (state name, slogan); italic/serif variety.
SMALL_FONT_FILES: tuple[str, ...] = (
    *FONT_FILES,
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-BoldItalic.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerifCondensed-BoldItalic.ttf",
)

#: Characters that real plates print alike; vanity strings draw from them often.
LOOKALIKES = "O0QDB8G6S5Z2I1"
ALPHANUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
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

#: Fixed-width / DIN-like bold fonts for European and Brazilian rows (same Debian packages as above).
FOREIGN_FONT_FILES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Bold.ttf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Bold.ttf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Medium.ttf",
    "/usr/share/fonts/truetype/freefont/FreeMonoBold.ttf",
)
#: Any weight/style, for scene text (badges, dealer frames, stickers) that is not a plate.
SCENE_FONT_FILES: tuple[str, ...] = (
    *SMALL_FONT_FILES,
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-BoldOblique.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Italic.ttf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Black.ttf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Regular.ttf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-BoldItalic.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSerifBold.ttf",
)

#: Non-US plate layouts from public format descriptions. ``L`` a letter, ``D`` a digit, ``S`` a letter
#: or a digit, ``|`` the place of a seal/emblem (not printed text), space/``-`` a printed gap. Each
#: entry: (style, weight, patterns). Styles: ``br`` Mercosul (white, blue top band "BRASIL"), ``br_old``
#: grey pre-2018 Brazil (city line on top), ``eu`` white/yellow with the blue EU band on the left.
FOREIGN_FORMATS: dict[str, tuple[str, float, tuple[str, ...]]] = {
    "BR": ("br", 0.22, ("LLLDLDD",)),  # Mercosul, e.g. BRA2E19
    "BR_OLD": ("br_old", 0.22, ("LLL-DDDD", "LLL DDDD")),  # e.g. ABC-1234
    "D": ("eu", 0.14, ("L|L DDDD", "LL|LL DDD", "LLL|L DDD", "L|LL DDDD", "LL|L DD", "LLL|LL DD")),
    "F": ("eu", 0.08, ("LL-DDD-LL",)),  # SIV since 2009, e.g. AB-123-CD
    "I": ("eu", 0.08, ("LL DDD LL", "LLDDDLL")),
    "E": ("eu", 0.08, ("DDDD LLL",)),  # since 2000, no vowels
    "NL": ("eu", 0.06, ("DD-LLL-D", "D-LLL-DD", "LL-DDD-L", "L-DDD-LL", "LLL-DD-L", "D-LL-DDD", "LL-LL-DD")),
    "PL": ("eu", 0.06, ("LL DDDDD", "LL DDDLL", "LLL DDDD", "LLL DDLL", "LL DDDDL")),
    "GB": ("eu", 0.06, ("LLDD LLL",)),  # since 2001, e.g. AB51 ABC
}
#: Letters each format family avoids (Spain: no vowels, Q or N; France/Italy: no I, O, U).
FOREIGN_SKIP: dict[str, str] = {"E": "AEIOUQN", "F": "IOU", "I": "IOQU", "NL": "AEIOUCQ", "GB": "IQZ"}
#: Scene text that sits near plates and is NOT a plate: make/model badges, dealer frames, stickers,
#: fleet and bumper text. Rendered as rows labelled with their own characters (case kept, spaces
#: dropped), so fine-tuning on plates does not turn every text line into a plate-like serial.
# fmt: off
SCENE_TEXTS: tuple[str, ...] = (
    "TOYOTA", "CAMRY", "COROLLA", "RAV4", "TACOMA", "TUNDRA", "PRIUS", "HONDA", "ACCORD", "CIVIC",
    "CR-V", "PILOT", "ODYSSEY", "FORD", "F-150", "F-250", "ESCAPE", "EXPLORER", "FUSION", "MUSTANG",
    "RANGER", "CHEVROLET", "SILVERADO", "TAHOE", "MALIBU", "EQUINOX", "IMPALA", "NISSAN", "ALTIMA",
    "ROGUE", "SENTRA", "JEEP", "WRANGLER", "CHEROKEE", "DODGE", "RAM", "1500", "2500", "CHARGER",
    "HYUNDAI", "ELANTRA", "SONATA", "KIA", "SORENTO", "SUBARU", "OUTBACK", "FORESTER", "TESLA",
    "MAZDA", "CX-5", "VOLKSWAGEN", "JETTA", "BMW", "328i", "X5", "AUDI", "quattro", "LEXUS", "RX 350",
    "GMC", "SIERRA", "YUKON", "BUICK", "CADILLAC", "CHRYSLER", "LINCOLN", "ACURA", "VOLVO",
    "Camry", "Corolla", "Accord", "Civic", "Escape", "Altima", "Sentra", "Elantra", "Outback",
    "HYBRID", "Hybrid", "4X4", "4WD", "AWD", "V6", "V8", "HEMI", "TURBO", "DIESEL", "SPORT", "LIMITED",
    "Limited", "XLE", "XLT", "LT", "LTZ", "SE", "SEL", "GT", "EX-L", "TRD", "Z71", "LARIAT", "ECOBOOST",
    "AUTONATION", "CARMAX", "CarMax", "SMITH FORD", "HONDA OF DALLAS", "AUTO MALL", "MOTORS",
    "AUTO SALES", "Toyota of Orlando", "CHEVY", "SALES", "SERVICE", "PARTS", "DEALER", "FINANCING",
    "BABY ON BOARD", "STUDENT DRIVER", "TAXI", "CAB", "POLICE", "SHERIFF", "FIRE", "RESCUE",
    "AMBULANCE", "UBER", "lyft", "U-HAUL", "RYDER", "FEDEX", "UPS", "USPS", "SCHOOL BUS", "STOP",
    "CAUTION", "HONK", "ARMY", "NAVY", "VETERAN", "COEXIST", "OBX", "I LOVE MY DOG", "JUST MARRIED",
    "dealer.com", "www.autonation.com", "555-0134", "1-800-555-0199", "CALL", "FOR SALE",
)
# fmt: on
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


class PlateRowRenderer:
    """Seeded generator of rendered plate rows (see the module docstring)."""

    def __init__(
        self,
        seed: int,
        table: FormatTable | None = None,
        bar_one: float = 0.4,
        mix: tuple[float, float, float] = (1.0, 0.0, 0.0),
        same_o: float = 0.0,
    ) -> None:
        self.rng = np.random.default_rng(seed)
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
        """``(country code, text, printed)`` of a European or Brazilian plate (see FOREIGN_FORMATS).

        ``printed`` keeps the gaps, hyphens and the seal place (``|``); ``text`` is 0-9A-Z only.
        """
        rng = self.rng
        code = str(rng.choice(self.foreign_codes, p=self.foreign_p))
        patterns = FOREIGN_FORMATS[code][2]
        pattern = str(patterns[int(rng.integers(len(patterns)))])
        letters = "".join(c for c in ALPHANUM[10:] if c not in FOREIGN_SKIP.get(code, ""))
        printed = []
        for p in pattern:
            if p == "L":
                printed.append(str(letters[int(rng.integers(len(letters)))]))
            elif p == "D":
                printed.append(str(int(rng.integers(10))))
            elif p == "S":
                printed.append(str(ALPHANUM[int(rng.integers(36))]))
            else:
                printed.append(p)
        out = "".join(printed)
        text = "".join(c for c in out if c in ALPHANUM)
        return code, text, out

    def scene_text(self) -> str:
        """A badge / dealer / sticker string (:data:`SCENE_TEXTS`), sometimes a made-up word."""
        rng = self.rng
        if rng.random() < 0.8:
            return str(rng.choice(SCENE_TEXTS))
        syll = ("KA", "RO", "MI", "TE", "LA", "VAN", "TOR", "EX", "ON", "AR", "IS", "UM", "BRA", "GEN")
        word = "".join(str(rng.choice(syll)) for _ in range(int(rng.integers(2, 4))))
        return word.capitalize() if rng.random() < 0.4 else word

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
        """European / Brazilian plate (float BGR, 300 px high), serial quad, end widths, size factor.

        The size factor scales the camera plate width so the characters get the same pixel heights
        as on US plates (EU plates are wider for the same character height).
        """
        rng = self.rng
        style = FOREIGN_FORMATS[code][0]
        ph = 300
        pw = int(ph * (rng.uniform(4.3, 4.8) if style == "eu" else rng.uniform(2.9, 3.2)))
        fg = rng.uniform(0, 60, 3)
        if code == "NL" or (code == "GB" and rng.random() < 0.5):
            bg = np.array([rng.uniform(0, 60), rng.uniform(170, 220), rng.uniform(220, 255)])
        elif style == "br_old" and rng.random() < 0.25:  # commercial: red plate, white characters
            bg, fg = (
                np.array([rng.uniform(20, 60), rng.uniform(20, 60), rng.uniform(150, 220)]),
                rng.uniform(200, 255, 3),
            )
        elif style == "br_old":
            bg = np.full(3, rng.uniform(140, 205)) + rng.uniform(-12, 12, 3)
        else:
            bg = np.full(3, rng.uniform(195, 255)) + rng.uniform(-12, 12, 3)
        bottom = np.clip(bg + rng.uniform(-50, 20, 3), 0, 255)
        ramp = np.linspace(0, 1, ph)[:, None, None] ** rng.uniform(0.5, 2.0)
        canvas = np.ascontiguousarray(
            np.broadcast_to(bg * (1 - ramp) + bottom * ramp, (ph, pw, 3)), np.float32
        )
        blue = np.array([rng.uniform(120, 180), rng.uniform(30, 80), rng.uniform(0, 30)])
        white = np.array([245.0, 245.0, 245.0])
        border = int(rng.uniform(4, 14))
        left, right = border + int(ph * 0.06), pw - border - int(ph * 0.06)
        char_h = int(ph * rng.uniform(0.6, 0.72))
        y = int((ph - char_h) / 2 + rng.uniform(-8, 8))
        band_l = band_r = 0
        if style == "eu":
            band_l = int(ph * rng.uniform(0.3, 0.38))
            canvas[border : ph - border, border : border + band_l] = blue
            cx, cy, r = border + band_l // 2, int(ph * 0.33), int(band_l * 0.3)
            for k in range(12):  # ring of stars
                a = 2 * np.pi * k / 12
                cv2.circle(canvas, (int(cx + r * np.cos(a)), int(cy + r * np.sin(a))), 4, (0, 200, 255), -1)
            cc = code if code != "GB" else str(rng.choice(["GB", "UK"]))
            mask = self._text_mask(cc, self.fonts[0], 64, 0)
            mh = int(ph * 0.2)
            mw = min(band_l - 6, int(mask.shape[1] * mh / mask.shape[0]))
            self._blend(canvas, cv2.resize(mask, (max(4, mw), mh)), cx - mw // 2, int(ph * 0.62), white)
            left = border + band_l + int(ph * 0.05)
            if code == "F":  # region band on the right: a logo and the department number
                band_r = int(ph * rng.uniform(0.3, 0.36))
                canvas[border : ph - border, pw - border - band_r : pw - border] = blue
                dept = f"{int(rng.integers(1, 96)):02d}"
                mask = self._text_mask(dept, self.fonts[0], 64, 0)
                mw = min(band_r - 6, int(mask.shape[1] * mh / mask.shape[0]))
                self._blend(
                    canvas,
                    cv2.resize(mask, (max(4, mw), mh)),
                    pw - border - band_r // 2 - mw // 2,
                    int(ph * 0.6),
                    white,
                )
                right = pw - border - band_r - int(ph * 0.05)
        elif style == "br":  # Mercosul: blue band with BRASIL on top
            top_h = int(ph * rng.uniform(0.2, 0.26))
            canvas[border : border + top_h, border : pw - border] = blue
            self._small_line(canvas, "BRASIL", border + top_h / 2, top_h * 0.7, white)
            char_h = int(ph * rng.uniform(0.5, 0.6))
            y = border + top_h + int((ph - border - top_h - char_h) / 2)
        else:  # old Brazil: city line on top
            city = str(
                rng.choice(
                    [
                        "SP - SAO PAULO",
                        "RJ - RIO DE JANEIRO",
                        "MG - BELO HORIZONTE",
                        "PR - CURITIBA",
                        "RS - PORTO ALEGRE",
                        "BA - SALVADOR",
                        "SC - JOINVILLE",
                        "GO - GOIANIA",
                    ]
                )
            )
            self._small_line(canvas, city, ph * 0.15, ph * rng.uniform(0.13, 0.18), fg)
            char_h = int(ph * rng.uniform(0.5, 0.58))
            y = int(ph * rng.uniform(0.3, 0.36))
        glyphs = printed.replace("|", "   ")
        if style != "eu" and self.bar_one > 0 and rng.random() < self.bar_one:
            glyphs = glyphs.replace("1", "I")
        if style != "eu" and self.same_o > 0 and rng.random() < self.same_o:
            # Brazil's plate fonts draw O and 0 alike: swap the glyphs (labels stay by position), so
            # the format (letters first, digits after) decides, not the shape of the round character
            glyphs = glyphs.translate(str.maketrans("O0", "0O"))
        font = str(rng.choice(self.foreign_fonts or self.fonts))
        mask = self._text_mask(glyphs, font, 160, int(rng.integers(0, 4)))
        width = int(mask.shape[1] * char_h / mask.shape[0] * rng.uniform(0.75, 1.05))
        width = min(width, right - left)
        mask = cv2.resize(mask, (max(8, width), char_h), interpolation=cv2.INTER_AREA)
        x = left + (right - left - width) // 2 + int(rng.integers(-10, 11))
        if rng.random() < 0.3:
            self._blend(canvas, mask, x + int(rng.integers(1, 4)), y + int(rng.integers(1, 4)), fg * 0.4)
        self._blend(canvas, mask, x, y, fg)
        if "|" in glyphs or "|" in printed:  # German registration seal(s) in the gap
            gx = x + int(width * (printed.index("|") + 1.5) / len(glyphs))
            for k, colour in enumerate((rng.uniform(0, 255, 3), rng.uniform(0, 255, 3))):
                rr = int(char_h * rng.uniform(0.14, 0.2))
                cv2.circle(
                    canvas, (gx, y + int(char_h * (0.28 + 0.44 * k))), rr, tuple(float(c) for c in colour), -1
                )
        cv2.rectangle(canvas, (0, 0), (pw - 1, ph - 1), tuple(float(c) for c in fg), border)
        ends = (
            x - border if band_l and rng.random() < 0.5 else 0,
            (pw - border - x - width) if band_r else 0,
        )
        quad = np.array([[x, y], [x + width, y], [x + width, y + char_h], [x, y + char_h]], np.float32)
        return canvas, quad, ends, 0.225 / (char_h / pw)

    def scene_plate(self, text: str) -> tuple[np.ndarray, np.ndarray, tuple[int, int], float]:
        """A row of scene text (badge, dealer frame, sticker), drawn like :meth:`foreign_plate` returns."""
        rng = self.rng
        ph = 300
        font = str(rng.choice(self.scene_fonts or self.fonts))
        mask = self._text_mask(text, font, 160, int(rng.integers(0, 3)))
        char_h = int(ph * rng.uniform(0.3, 0.55))
        width = max(8, int(mask.shape[1] * char_h / mask.shape[0] * rng.uniform(0.7, 1.15)))
        margin = int(char_h * rng.uniform(0.3, 1.2))
        pw = width + 2 * margin
        kind = rng.random()
        if kind < 0.35:  # chrome badge on the car body
            bg, fg = rng.uniform(0, 255, 3), np.full(3, rng.uniform(150, 250))
        elif kind < 0.65:  # dealer frame: dark plastic, light or gold letters
            bg = rng.uniform(0, 50, 3)
            fg = (
                np.array([rng.uniform(20, 80), rng.uniform(150, 210), rng.uniform(200, 250)])
                if rng.random() < 0.3
                else rng.uniform(200, 255, 3)
            )
        else:  # sticker / sign
            bg, fg = rng.uniform(150, 255, 3), rng.uniform(0, 120, 3)
        bottom = np.clip(bg + rng.uniform(-40, 40, 3), 0, 255)
        ramp = np.linspace(0, 1, ph)[:, None, None]
        canvas = np.ascontiguousarray(
            np.broadcast_to(bg * (1 - ramp) + bottom * ramp, (ph, pw, 3)), np.float32
        )
        mask = cv2.resize(mask, (width, char_h), interpolation=cv2.INTER_AREA)
        x, y = margin, int((ph - char_h) / 2 + rng.uniform(-20, 20))
        if rng.random() < 0.4:  # emboss / shadow
            self._blend(canvas, mask, x + 3, y + 3, bg * 0.3)
        self._blend(canvas, mask, x, y, fg)
        if rng.random() < 0.4:  # frame edge or plate top beside the text
            yy = int(rng.choice([rng.uniform(0, y * 0.6), rng.uniform(y + char_h * 1.2, ph)]))
            cv2.rectangle(
                canvas,
                (0, yy),
                (pw, yy + int(rng.uniform(4, 30))),
                tuple(float(c) for c in rng.uniform(0, 255, 3)),
                -1,
            )
        quad = np.array([[x, y], [x + width, y], [x + width, y + char_h], [x, y + char_h]], np.float32)
        return canvas, quad, (0, 0), 0.225 / (char_h / pw) * rng.uniform(0.5, 1.0)

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
        crop = small[cy0:cy1, cx0:cx1]
        width = int(min(PAD_CAP, max(16, np.ceil(48 * crop.shape[1] / max(1, crop.shape[0])))))
        row = cv2.resize(crop, (width, 48), interpolation=cv2.INTER_LINEAR)
        return Sample(row, text, kind)
