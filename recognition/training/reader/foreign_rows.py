"""Rows that are not US plates, for the recogniser fine-tuning: EU / Brazil plates and scene text.

Drawn by :class:`~recognition.training.reader.render.PlateRowRenderer` (its ``sample`` picks the kind
by ``mix``); the functions here take the renderer for its random generator and drawing helpers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

if TYPE_CHECKING:
    from recognition.training.reader.render import PlateRowRenderer

ALPHANUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

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


def foreign_serial(r: PlateRowRenderer) -> tuple[str, str, str]:
    """``(country code, text, printed)`` of a European or Brazilian plate (see FOREIGN_FORMATS).

    ``printed`` keeps the gaps, hyphens and the seal place (``|``); ``text`` is 0-9A-Z only.
    """
    rng = r.rng
    code = str(rng.choice(r.foreign_codes, p=r.foreign_p))
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
    if FOREIGN_FORMATS[code][0] != "eu" and r.br_lead_o > 0 and r.lead_o_rng.random() < r.br_lead_o:
        printed[0] = "O"  # Brazil's O-series (OAA-OZZ of several states): see PlateRowRenderer
    elif (
        FOREIGN_FORMATS[code][0] == "eu"
        and "O" in letters
        and r.eu_letter_o > 0
        and r.eu_o_rng.random() < r.eu_letter_o
    ):
        places = [i for i, p in enumerate(pattern) if p == "L"]
        printed[places[int(r.eu_o_rng.integers(len(places)))]] = "O"  # one letter place made O
    out = "".join(printed)
    text = "".join(c for c in out if c in ALPHANUM)
    return code, text, out


def scene_text(r: PlateRowRenderer) -> str:
    """A badge / dealer / sticker string (:data:`SCENE_TEXTS`), sometimes a made-up word."""
    rng = r.rng
    if rng.random() < 0.8:
        return str(rng.choice(SCENE_TEXTS))
    syll = ("KA", "RO", "MI", "TE", "LA", "VAN", "TOR", "EX", "ON", "AR", "IS", "UM", "BRA", "GEN")
    word = "".join(str(rng.choice(syll)) for _ in range(int(rng.integers(2, 4))))
    return word.capitalize() if rng.random() < 0.4 else word


def draw_foreign_plate(r: PlateRowRenderer, code: str, printed: str) -> tuple[np.ndarray, np.ndarray, tuple[int, int], float]:
    """European / Brazilian plate (float BGR, 300 px high), serial quad, end widths, size factor.

    The size factor scales the camera plate width so the characters get the same pixel heights
    as on US plates (EU plates are wider for the same character height).
    """
    rng = r.rng
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
        cx, cy, radius = border + band_l // 2, int(ph * 0.33), int(band_l * 0.3)
        for k in range(12):  # ring of stars
            a = 2 * np.pi * k / 12
            cv2.circle(canvas, (int(cx + radius * np.cos(a)), int(cy + radius * np.sin(a))), 4, (0, 200, 255), -1)
        cc = code if code != "GB" else str(rng.choice(["GB", "UK"]))
        mask = r._text_mask(cc, r.fonts[0], 64, 0)
        mh = int(ph * 0.2)
        mw = min(band_l - 6, int(mask.shape[1] * mh / mask.shape[0]))
        r._blend(canvas, cv2.resize(mask, (max(4, mw), mh)), cx - mw // 2, int(ph * 0.62), white)
        left = border + band_l + int(ph * 0.05)
        if code == "F":  # region band on the right: a logo and the department number
            band_r = int(ph * rng.uniform(0.3, 0.36))
            canvas[border : ph - border, pw - border - band_r : pw - border] = blue
            dept = f"{int(rng.integers(1, 96)):02d}"
            mask = r._text_mask(dept, r.fonts[0], 64, 0)
            mw = min(band_r - 6, int(mask.shape[1] * mh / mask.shape[0]))
            r._blend(
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
        r._small_line(canvas, "BRASIL", border + top_h / 2, top_h * 0.7, white)
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
        r._small_line(canvas, city, ph * 0.15, ph * rng.uniform(0.13, 0.18), fg)
        char_h = int(ph * rng.uniform(0.5, 0.58))
        y = int(ph * rng.uniform(0.3, 0.36))
    glyphs = printed.replace("|", "   ")
    if style != "eu" and r.bar_one > 0 and rng.random() < r.bar_one:
        glyphs = glyphs.replace("1", "I")
    if style != "eu" and r.same_o > 0 and rng.random() < r.same_o:
        # Brazil's plate fonts draw O and 0 alike: swap the glyphs (labels stay by position), so
        # the format (letters first, digits after) decides, not the shape of the round character
        glyphs = glyphs.translate(str.maketrans("O0", "0O"))
    font = str(rng.choice(r.foreign_fonts or r.fonts))
    mask = r._text_mask(glyphs, font, 160, int(rng.integers(0, 4)))
    width = int(mask.shape[1] * char_h / mask.shape[0] * rng.uniform(0.75, 1.05))
    width = min(width, right - left)
    mask = cv2.resize(mask, (max(8, width), char_h), interpolation=cv2.INTER_AREA)
    x = left + (right - left - width) // 2 + int(rng.integers(-10, 11))
    if rng.random() < 0.3:
        r._blend(canvas, mask, x + int(rng.integers(1, 4)), y + int(rng.integers(1, 4)), fg * 0.4)
    r._blend(canvas, mask, x, y, fg)
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


def draw_scene_plate(r: PlateRowRenderer, text: str) -> tuple[np.ndarray, np.ndarray, tuple[int, int], float]:
    """A row of scene text (badge, dealer frame, sticker), drawn like :meth:`foreign_plate` returns."""
    rng = r.rng
    ph = 300
    font = str(rng.choice(r.scene_fonts or r.fonts))
    mask = r._text_mask(text, font, 160, int(rng.integers(0, 3)))
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
        r._blend(canvas, mask, x + 3, y + 3, bg * 0.3)
    r._blend(canvas, mask, x, y, fg)
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
