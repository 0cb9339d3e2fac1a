"""The two palettes (dark for a darkened communications room, light for a day-lit office).

Every colour the screens show on a themed background comes from here, so the contrast checks in
``tests/app/ui/test_palette_contrast.py`` cover what a dispatcher sees: :data:`TEXT_PAIRS` (4.5:1)
and :data:`CONTROL_PAIRS` (3:1) name each foreground/background pair by field, per state of the
queue, the NCIC checklist and the buttons.

Priority cues (URGENT / High / Normal / Low) differ in icon shape (octagon, triangle, diamond, square)
AND in lightness (``band_fill`` and ``band_tint`` step from dark to light), not only in hue, so they
stay apart for a red-green colour-blind reader.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.alerts import ChimeBand

U, H, N, L = ChimeBand.URGENT, ChimeBand.HIGH, ChimeBand.NORMAL, ChimeBand.LOW


@dataclass(frozen=True, slots=True)
class Palette:
    name: str
    # surfaces and text
    window: str
    text: str
    muted: str
    accent_text: str  # sub-headings, panel titles
    base: str  # inputs, tables
    alt_base: str
    panel_border: str  # decorative frames
    control_border: str  # inputs and buttons: a boundary a user must find (3:1)
    header_bg: str
    header_text: str
    header_muted: str
    nav_bg: str
    nav_text: str
    nav_selected_bg: str
    nav_selected_text: str
    nav_mark: str
    banner_bg: str
    banner_text: str
    notice_bg: str
    table_header_bg: str
    table_header_text: str
    tab_bg: str
    tab_selected_bg: str
    tooltip_bg: str
    tooltip_text: str
    status_bg: str
    status_text: str
    # messages on the window background
    error: str
    info: str
    ok: str
    warn: str
    # buttons
    button_bg: str
    button_hover_bg: str
    button_text: str
    button_disabled_bg: str
    button_disabled_text: str
    button_disabled_border: str
    default_bg: str
    default_text: str
    default_border: str
    focus: str
    accept_bg: str
    reject_bg: str
    claim_bg: str
    action_text: str  # on accept / reject / claim
    instructions_bg: str
    instructions_text: str
    stale_bg: str
    stale_text: str
    # the queue
    selection_bg: str
    selection_text: str
    new_text: str  # "NEW - unacknowledged"
    band_tint: dict[ChimeBand, str]  # row background
    band_text: dict[ChimeBand, str]  # priority word on that row
    band_fill: dict[ChimeBand, str]  # the icon's fill
    icon_ink: str  # icon outline and letter
    # the NCIC checklist
    check_done: str
    check_pending: str
    check_na: str
    # controls drawn from the style sheet: the tick on a ticked box (its fill is nav_mark), scroll bars
    tick: str
    scroll_track: str
    scroll_handle: str


#: What looks the same in both themes: the header bar, the blue default and claim buttons, the white text on the
#: accept/reject/claim buttons, the instructions box and the priority icons (a shape and colour learned once).
SAME_IN_BOTH: dict = dict(
    header_bg="#0f2740", header_text="#ffffff", default_bg="#1f5f9f", default_text="#ffffff", claim_bg="#1f5f9f",
    action_text="#ffffff", instructions_bg="#ffcf5c", instructions_text="#1b1300", icon_ink="#101010",
    band_fill={U: "#d81b1b", H: "#ff9a1f", N: "#fff27a", L: "#9aa7b4"},
)

DARK = Palette(
    **SAME_IN_BOTH, name="dark",
    window="#1b1f24", text="#e8ebef", muted="#a9b3bf", accent_text="#a9cbef",
    base="#11161b", alt_base="#161c22", panel_border="#3a4450", control_border="#7a8898", header_muted="#c4daf0",
    nav_bg="#151a1f", nav_text="#e8ebef", nav_selected_bg="#24405f", nav_selected_text="#ffffff",
    nav_mark="#6cb2f5",
    banner_bg="#5c3b00", banner_text="#ffe6b3", notice_bg="#232b35",
    table_header_bg="#222a33", table_header_text="#dde4ec", tab_bg="#1f262e", tab_selected_bg="#24405f",
    tooltip_bg="#24405f", tooltip_text="#ffffff", status_bg="#151a1f", status_text="#b4bec9",
    error="#ff9a90", info="#9ecbff", ok="#7fdc95", warn="#ffc870",
    button_bg="#2f3b4a", button_hover_bg="#3a495b", button_text="#f2f4f7",
    button_disabled_bg="#1b1f24", button_disabled_text="#9aa4af", button_disabled_border="#6b7580",
    default_border="#8cc4ff", focus="#ffd24a",
    accept_bg="#1d6a38", reject_bg="#8f252b", stale_bg="#5c3b00", stale_text="#ffe6b3",
    selection_bg="#2b70b8", selection_text="#ffffff", new_text="#ffffff",
    band_tint={U: "#a3283c", H: "#4a3412", N: "#2b2a1c", L: "#1b1f24"},
    band_text={U: "#ffffff", H: "#ffc27a", N: "#f3e58a", L: "#c3ccd6"},
    check_done="#7fdc95", check_pending="#e8ebef", check_na="#a3adb8",
    tick="#0b1f33", scroll_track="#151a1f", scroll_handle="#7a8898",
)

LIGHT = Palette(
    **SAME_IN_BOTH, name="light",
    window="#f4f6f8", text="#17212b", muted="#4f5b67", accent_text="#23486d",
    base="#ffffff", alt_base="#f1f4f7", panel_border="#c9d2db", control_border="#6d7b89", header_muted="#d3e4f5",
    nav_bg="#e6ebf0", nav_text="#17212b", nav_selected_bg="#c9dcf0", nav_selected_text="#0b1f33",
    nav_mark="#1f5f9f",
    banner_bg="#fff1cc", banner_text="#4d3200", notice_bg="#e8f0f8",
    table_header_bg="#e1e7ed", table_header_text="#17212b", tab_bg="#e1e7ed", tab_selected_bg="#ffffff",
    tooltip_bg="#17212b", tooltip_text="#ffffff", status_bg="#e6ebf0", status_text="#434f5b",
    error="#a3001b", info="#174f8a", ok="#1b6b32", warn="#6e3a00",
    button_bg="#e3e9f0", button_hover_bg="#d3dde8", button_text="#17212b",
    button_disabled_bg="#f4f6f8", button_disabled_text="#5c6671", button_disabled_border="#7d8894",
    default_border="#0f3d6b", focus="#000000",
    accept_bg="#1b6b32", reject_bg="#c62828", stale_bg="#fff1cc", stale_text="#4d3200",
    selection_bg="#1f5f9f", selection_text="#ffffff", new_text="#000000",
    band_tint={U: "#ffb3b3", H: "#ffd9a8", N: "#fdf6d2", L: "#ffffff"},
    band_text={U: "#7a0012", H: "#6b4a00", N: "#756800", L: "#3f4a55"},
    check_done="#1b6b32", check_pending="#17212b", check_na="#56616d",
    tick="#ffffff", scroll_track="#e1e7ed", scroll_handle="#6d7b89",
)

PALETTES: dict[str, Palette] = {"dark": DARK, "light": LIGHT}

BANDS = (U, H, N, L)
#: (what, foreground field, background field): text that must reach 4.5:1.
TEXT_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("body text", "text", "window"),
    ("muted text", "muted", "window"),
    ("panel titles", "accent_text", "window"),
    ("input/table text", "text", "base"),
    ("alternate rows", "text", "alt_base"),
    ("header title", "header_text", "header_bg"),
    ("header user/clock", "header_muted", "header_bg"),
    ("navigation", "nav_text", "nav_bg"),
    ("navigation selected", "nav_selected_text", "nav_selected_bg"),
    ("warning banner", "banner_text", "banner_bg"),
    ("notice box", "text", "notice_bg"),
    ("table header", "table_header_text", "table_header_bg"),
    ("tab", "text", "tab_bg"),
    ("tab selected", "text", "tab_selected_bg"),
    ("tooltip", "tooltip_text", "tooltip_bg"),
    ("status bar", "status_text", "status_bg"),
    ("error message", "error", "window"),
    ("info message", "info", "window"),
    ("ok message", "ok", "window"),
    ("warning message", "warn", "window"),
    ("warning in a table", "warn", "base"),
    ("error in a table", "error", "base"),
    ("muted in a table", "muted", "base"),
    ("button", "button_text", "button_bg"),
    ("button hover", "button_text", "button_hover_bg"),
    ("button disabled", "button_disabled_text", "button_disabled_bg"),
    ("button default", "default_text", "default_bg"),
    ("accept button", "action_text", "accept_bg"),
    ("reject button", "action_text", "reject_bg"),
    ("claim-next button", "action_text", "claim_bg"),
    ("instructions", "instructions_text", "instructions_bg"),
    ("stale list note", "stale_text", "stale_bg"),
    ("queue selected row", "selection_text", "selection_bg"),
    ("NCIC done line", "check_done", "window"),
    ("NCIC pending line", "check_pending", "window"),
    ("NCIC n/a line", "check_na", "window"),
    ("NCIC panel muted", "muted", "window"),
)
#: (what, foreground field, background field): boundaries and focus marks that must reach 3:1.
CONTROL_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("input border on window", "control_border", "window"),
    ("input border on input", "control_border", "base"),
    ("button border on window", "control_border", "window"),
    ("default button on window", "default_border", "window"),
    ("focus ring on window", "focus", "window"),
    ("focus ring on button", "focus", "button_bg"),
    ("focus ring on default button", "focus", "default_bg"),
    ("focus ring on accept button", "focus", "accept_bg"),
    ("focus ring on reject button", "focus", "reject_bg"),
    ("focus ring on claim-next button", "focus", "claim_bg"),
    ("focus ring on selected row", "focus", "selection_bg"),
    ("disabled button border on window", "button_disabled_border", "window"),
    ("selected nav mark", "nav_mark", "nav_selected_bg"),
    ("selected row on table", "selection_bg", "base"),
    ("tick on a ticked box", "tick", "nav_mark"),
    ("ticked box on window", "nav_mark", "window"),
    ("ticked box on input", "nav_mark", "base"),
    ("disabled tick on window", "button_disabled_text", "window"),
    ("arrow on a drop-down or spin button", "text", "button_bg"),
    ("disabled arrow on window", "button_disabled_text", "window"),
    ("scroll bar handle on its track", "scroll_handle", "scroll_track"),
    ("scroll bar handle hovered", "nav_mark", "scroll_track"),
)


def queue_text_pairs(p: Palette) -> list[tuple[str, str, str]]:
    """Every (what, foreground, background) colour pair of a queue row, per band and state."""
    out: list[tuple[str, str, str]] = []
    for band in BANDS:
        tint = p.band_tint[band]
        out += [
            (f"{band.value} row text", p.text, tint),
            (f"{band.value} priority word", p.band_text[band], tint),
            (f"{band.value} unacknowledged status", p.new_text, tint),
            (f"{band.value} stale list age", p.warn, tint),
            (f"{band.value} claimed status", p.text, tint),
            (f"{band.value} priority word on the panel", p.band_text[band], p.window),
        ]
    return out

