"""The verification panel (002 IV.I.2, IV.J.1): the captured plate beside the wanted plate and record.

Picture with picture: the captured crop (zoomable), the wanted plate as a reference photo or,
where the entry has none (NCIC records never do), rendered as a plate image at the crop's scale,
and the overview image; below them the char-by-char comparison, read vs listed state and colour,
and the hot-list record. Accept / Reject are here (the screen wires their shortcuts).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.display_dates import time_text
from app.services.hit_queries import HitDetail
from app.ui.flow_layout import FlowLayout
from app.ui.screens.console_images import ComparisonStrip, ZoomImage
from app.ui.screens.console_look import (
    agreement_look,
    band_colour,
    band_word,
    bgr_to_qimage,
    mark_as_drawing,
    type_icon,
    type_text,
)
from app.ui.theme import palette
from recognition.synth.plate_render import render_plate

logger = logging.getLogger(__name__)
WARN = "\u26a0"
RECORD_FIELDS = ("Plate", "State", "Plate type / year", "Type", "Category", "NIC", "ORI", "Case (OCA)",
                 "Vehicle", "Source")


def wanted_plate_image(plate: str, state: str | None, crop: QImage | None) -> QImage | None:
    """The listed plate drawn as a plate, as tall as the captured crop (at least 48 px)."""
    text = plate.replace("*", "") or "?"  # a partial entry is drawn with its known characters and ?
    height = max(48, min(240, crop.height() if crop is not None else 64))
    try:
        return mark_as_drawing(bgr_to_qimage(render_plate(text, state, height)))
    except ValueError:
        logger.debug("could not render plate %r", plate)
        return None


class VerificationPanel(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("VerifyPanel")
        self.setAccessibleName("Verification panel")
        self.detail: HitDetail | None = None
        self.crop: QImage | None = None

        self.title_icon = QLabel()
        self.title = QLabel("No hit open")
        self.title.setObjectName("HitTitle")
        self.title.setWordWrap(True)  # a long camera name wraps instead of widening the console
        self.title.setAccessibleName("Open hit")
        self.title.setWordWrap(True)  # a long camera/location must wrap, not widen the panel and squeeze the queue
        self.claim = QLabel("")
        self.claim.setObjectName("Muted")
        self.warning = QLabel("")
        self.warning.setObjectName("Stale")
        self.warning.setWordWrap(True)
        self.warning.setVisible(False)
        # the title has the row to itself: beside the claim state and button it wrapped to three lines and pushed
        # the plate characters below the bottom of the scroll area at 1366x768 (claim: beside Accept / Reject)
        head = QHBoxLayout()
        head.addWidget(self.title_icon)
        head.addWidget(self.title, 1)
        self.claim_btn = QPushButton("Clai&m this hit  [Ctrl+K]")
        self.claim_btn.setAccessibleName("Claim this hit")
        self.claim_btn.setEnabled(False)

        self.captured = ZoomImage("Captured plate image, zoomable", "plate image not available")
        self.wanted = ZoomImage("Wanted plate", "no reference")
        self.overview = ZoomImage("Overview image, zoomable", "overview image not available")
        self.captured.zoom_changed.connect(self.wanted.set_zoom)  # compare at the same scale
        self.wanted.zoom_changed.connect(self.captured.set_zoom)
        pics = QGridLayout()
        pics.setSpacing(6)
        for col, (label, view) in enumerate((("CAPTURED (read)", self.captured), ("WANTED (listed)", self.wanted))):
            cap = QLabel(label)
            cap.setObjectName("Caption")
            pics.addWidget(cap, 0, col)
            pics.addWidget(view, 1, col)
        cap = QLabel("OVERVIEW")
        cap.setObjectName("Caption")
        pics.addWidget(cap, 0, 2)
        pics.addWidget(self.overview, 1, 2)
        pics.setColumnStretch(0, 2)
        pics.setColumnStretch(1, 2)
        pics.setColumnStretch(2, 3)
        pics.setRowMinimumHeight(1, 120)

        self.strip = ComparisonStrip()
        self.strip_text = QLabel("")
        self.strip_text.setWordWrap(True)
        self.strip_text.setAccessibleName("Comparison summary")
        self.decision = QLabel("")
        self.decision.setObjectName("Decision")
        self.decision.setAccessibleName("Visual verification")
        self.decision.setWordWrap(True)
        self.state_cmp = QLabel("")
        self.state_cmp.setAccessibleName("State, read against listed")
        self.colour_cmp = QLabel("")
        self.colour_cmp.setAccessibleName("Colour, read against listed")
        for label in (self.state_cmp, self.colour_cmp):
            label.setWordWrap(True)  # wraps in a narrow panel instead of being cut ("MISMA")
        checks = QVBoxLayout()
        checks.addWidget(self.claim)
        checks.addWidget(self.decision)
        checks.addWidget(self.state_cmp)
        checks.addWidget(self.colour_cmp)
        checks.addWidget(self.strip_text)
        checks.addStretch(1)
        cmp_row = QHBoxLayout()
        cmp_row.addWidget(self.strip, 0, Qt.AlignmentFlag.AlignTop)
        cmp_row.addLayout(checks, 1)

        self.instructions = QLabel("")
        self.instructions.setObjectName("Instructions")
        self.instructions.setWordWrap(True)
        self.instructions.setAccessibleName("Instructions to field")
        self.instructions.setVisible(False)
        record = QGridLayout()
        record.setHorizontalSpacing(14)
        record.setVerticalSpacing(2)
        self.values: dict[str, QLabel] = {}
        for i, name in enumerate(RECORD_FIELDS):
            key = QLabel(name)
            key.setObjectName("FieldName")
            value = QLabel("")
            value.setObjectName("FieldValue")
            value.setWordWrap(True)  # a long source or vehicle wraps in a narrow panel instead of widening it
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setAccessibleName(name)
            self.values[name] = value
            record.addWidget(key, i // 2, (i % 2) * 2)
            record.addWidget(value, i // 2, (i % 2) * 2 + 1)
        record.setColumnStretch(1, 1)
        record.setColumnStretch(3, 1)

        self.accept_btn = QPushButton("&Accept: visually verified  [F3]")
        self.accept_btn.setObjectName("AcceptButton")
        self.accept_btn.setAccessibleName("Accept as visually verified")
        self.reject_btn = QPushButton("&Reject...  [F4]")
        self.reject_btn.setObjectName("RejectButton")
        self.reject_btn.setAccessibleName("Reject with a reason")
        #: the decision row: the console keeps it below the scrolled panel, always on screen; it wraps when narrow
        self.action_row = QWidget()
        buttons = FlowLayout(self.action_row, spacing=6)
        for button in (self.accept_btn, self.reject_btn, self.claim_btn):
            buttons.addWidget(button)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.setSpacing(6)
        lay.addLayout(head)
        lay.addWidget(self.warning)
        lay.addLayout(pics, 3)
        lay.addLayout(cmp_row)
        lay.addWidget(self.instructions)
        lay.addLayout(record)
        lay.addWidget(self.action_row)
        self.show_detail(None)

    # ---- content ------------------------------------------------------------------------------
    def show_detail(self, detail: HitDetail | None, my_user_id: int | None = None,
                    actions: frozenset[str] = frozenset()) -> None:
        self.detail = detail
        # shown only while the open hit can be claimed (Ctrl+K works the same): a dashed button beside Accept /
        # Reject wrapped to a second row and took the room the plate characters need at 1366x768
        self.claim_btn.setEnabled("claim" in actions)
        self.claim_btn.setVisible("claim" in actions)
        if detail is None:
            self.title.setText("No hit open - F2 claims the next hit, Enter opens the selected one")
            self.title_icon.clear()
            self.claim.setText("")
            self.warning.setVisible(False)
            self.strip.set_comparison(None)
            for label in (self.strip_text, self.state_cmp, self.colour_cmp, self.decision):
                label.setText("")
            for value in self.values.values():
                value.setText("")
            self.instructions.setVisible(False)
            for view in (self.captured, self.wanted, self.overview):
                view.set_image(None)
            self.accept_btn.setEnabled(False)
            self.reject_btn.setEnabled(False)
            return
        s, e, r = detail.summary, detail.entry, detail.read
        colour = band_colour(s.priority).name()
        self.title_icon.setPixmap(type_icon(s.category, s.priority, 30).pixmap(30, 30))
        self.title.setText(f"<span style='color:{colour}'>P{s.priority} {band_word(s.priority)}</span> "
                           f"&nbsp;{type_text(s.category)} hit H-{s.id} &nbsp;<span style='color:{palette().muted}'>"
                           f"{r.camera_name}{' - ' + r.camera_location if r.camera_location else ''}"
                           f"{' ' + r.camera_direction if r.camera_direction else ''}, "
                           f"{time_text(r.captured_at)}</span>")
        self.title.setAccessibleDescription(f"Priority {s.priority} {type_text(s.category)} hit {s.id}")
        mine = s.claimed_by is not None and s.claimed_by == my_user_id
        self.claim.setText("Claimed by you" if mine else
                           f"Claimed by {s.claimed_by_name}" if s.claimed_by else "Not claimed")
        warning = detail.list_warning
        self.warning.setText(f"{WARN} {warning}" if warning else "")
        self.warning.setVisible(bool(warning))
        cmp = detail.plate_comparison
        self.strip.set_comparison(cmp)
        self.strip.updateGeometry()
        verdict = "Identical characters." if cmp.identical else f"Check: {cmp.describe()}."
        self.strip_text.setText(verdict)
        self._agreement(self.state_cmp, "State", r.state, e.state, detail.state_agreement)
        self._agreement(self.colour_cmp, "Colour", r.colour, e.vehicle_colour, detail.colour_agreement)
        self.values["Plate"].setText(e.plate)
        self.values["State"].setText(e.state or "--")
        self.values["Plate type / year"].setText(" / ".join(x for x in (e.lic_type, e.lic_year) if x) or "--")
        self.values["Type"].setText(f"{e.record_type or '-'}  ({s.match_kind} match)")
        self.values["Category"].setText(type_text(e.category))
        self.values["NIC"].setText(e.nic or "--")
        self.values["ORI"].setText(e.ori or "--")
        self.values["Case (OCA)"].setText(e.case_number or "--")
        self.values["Vehicle"].setText(e.vehicle or "not given")
        stale = f" <span style='color:{palette().warn}'>{WARN} STALE</span>" if warning else ""
        self.values["Source"].setText(f"{e.source_name}, list age {detail.list_age}{stale}")
        self.instructions.setText(f"{WARN} INSTRUCTIONS TO FIELD: {e.instructions}" if e.instructions else "")
        self.instructions.setVisible(bool(e.instructions))
        visual = next((x for x in reversed(detail.effective_steps)
                       if x.kind.value in ("visual_accepted", "visual_rejected")), None)
        self.decision.setText(f"{visual.describe()} - {visual.username} {time_text(visual.at)}"
                              if visual else "Visual verification pending")
        self.accept_btn.setEnabled("accept" in actions)
        self.reject_btn.setEnabled("reject" in actions)
        if detail.mismatches:
            self.accept_btn.setText("&Accept with override...  [F3]")
            self.accept_btn.setAccessibleName("Accept despite the mismatch, with an override reason")
            self.strip_text.setText(f"{verdict} {WARN} Not a clean match: " + "; ".join(detail.mismatches) + ".")
        else:
            self.accept_btn.setText("&Accept: visually verified  [F3]")
            self.accept_btn.setAccessibleName("Accept as visually verified")

    def show_images(self, plate_jpeg: bytes | None, overview_jpeg: bytes | None) -> None:
        crop = QImage.fromData(plate_jpeg) if plate_jpeg else None
        self.crop = crop if crop is not None and not crop.isNull() else None
        d = self.detail
        read = f"{d.read.plate} {d.read.state or ''}  ({d.read.confidence:.0%})" if d else ""
        self.captured.set_image(self.crop, f"read {read}")
        self.captured.set_zoom(0)
        overview = QImage.fromData(overview_jpeg) if overview_jpeg else None
        self.overview.set_image(overview, d.read.camera_name if d else "")
        if d is not None:
            self.wanted.set_image(wanted_plate_image(d.entry.plate, d.entry.state, self.crop),
                                  f"DRAWN, no photo: {d.entry.plate} {d.entry.state or ''}")  # 2 lines, not 4

    @staticmethod
    def _agreement(label: QLabel, what: str, read: str | None, listed: str | None, agreement) -> None:  # noqa: ANN001
        text, colour = agreement_look(agreement)
        # the verdict first: when the line wraps at 1366x768 its tail is what the scrolled panel cuts off
        label.setText(f"{what} <span style='color:{colour}'><b>{text}</b></span>: "
                      f"read <b>{read or '?'}</b> / listed <b>{listed or '?'}</b>")
        label.setAccessibleDescription(f"{what} read {read or 'unknown'}, listed {listed or 'unknown'}: {text}")
