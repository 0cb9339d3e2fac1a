"""Administration > Appearance and Administration > Sounds and speech: the workstation's settings.

Both forms are generated from the settings schema (:class:`SettingsForm`) and saved through
:class:`~app.services.workstation_settings.WorkstationSettingsService` (administrator permission,
recorded in the access record). Appearance applies at once; so do the voice, rate and volumes.
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.alerts import ChimeBand
from app.domain.display_dates import set_date_style
from app.domain.errors import DomainError
from app.settings.model import AlertSettings, UiSettings
from app.ui.asyncio_qt import async_slot
from app.ui.context import UiContext
from app.ui.screens.settings_form import SettingsForm
from app.ui.theme import apply_theme

TEST_PHRASE = "Test announcement. Priority two stolen vehicle. Plate Adam Boy Charles one two three four."
SOUND_FIELDS = ("voice", "speech_rate_wpm", "speech_volume", "chime_volume", "speech_enabled",
                "phonetic_alphabet", "repeat_top_priority_s", "dedupe_minutes", "raise_window_on_top_priority")


class _SectionPanel(QWidget):
    """A generated form over ``settings.<section>`` with a Save button and a result line."""

    section = ""

    def __init__(self, ui: UiContext, form: SettingsForm, note: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.form = form
        self.save_btn = QPushButton("&Save for this workstation")
        self.save_btn.setAccessibleName(f"Save {self.section} settings")
        self.save_btn.clicked.connect(self.save)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Result")
        self.row = QHBoxLayout()
        self.row.addWidget(self.save_btn)
        self.row.addStretch(1)
        hint = QLabel(note)
        hint.setObjectName("Muted")
        hint.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(form)
        lay.addWidget(hint)
        lay.addLayout(self.row)
        lay.addWidget(self.message)
        lay.addStretch(1)

    def reload(self) -> None:
        self.form.set_values(getattr(self.ui.settings, self.section))

    @async_slot()
    async def save(self) -> None:
        svc = self.ui.services.workstation_settings
        try:
            changed = await self.ui.call(svc.save_section, self.ui.actor, self.ui.settings, self.section,
                                         self.form.values())
        except (DomainError, OSError) as exc:
            self._say(str(exc), error=True)
            return
        self.applied()
        self._say(f"Saved: {', '.join(changed)}." if changed else "Nothing changed.", error=False)

    def applied(self) -> None:
        """Put the saved values to work (each panel its own)."""

    def _say(self, text: str, error: bool) -> None:
        self.message.setObjectName("Error" if error else "Info")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)


class AppearancePanel(_SectionPanel):
    section = "ui"

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ui, SettingsForm(UiSettings, ui.settings.ui), "Applies at once on this workstation. "
                         "Ctrl+Plus / Ctrl+Minus / Ctrl+0 change the font size from any screen.", parent)

    def applied(self) -> None:
        s = self.ui.settings.ui
        apply_theme(QApplication.instance(), s.theme, s.font_pt)
        set_date_style(s.date_format)  # dates written from now on (screens refresh on their next reload)


class SoundsPanel(_SectionPanel):
    section = "alerts"

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ui, SettingsForm(AlertSettings, ui.settings.alerts, SOUND_FIELDS),
                         "Voice, rate and volumes apply at once; the announcement rules (alphabet, repeats) "
                         "at the next sign-in.", parent)
        self.test_btn = QPushButton("&Test: chime and speak")
        self.test_btn.setAccessibleName("Play a test chime and speak a test announcement")
        self.test_btn.clicked.connect(self.test_sound)
        self.row.insertWidget(1, self.test_btn)
        if ui.alerts is None:
            self.test_btn.setEnabled(False)
            self.test_btn.setToolTip("Audio alerts are not running on this console.")

    def test_sound(self) -> None:
        """Chime and speak with the values in the form (saved or not): what the dispatcher will hear."""
        alerts = self.ui.alerts
        if alerts is None:
            self._say("Audio alerts are not running on this console.", error=True)
            return
        v = self.form.values()
        self._tune(alerts, v)
        alerts.chimes.play(ChimeBand.HIGH)
        alerts.speaker.speak(TEST_PHRASE, 1)
        problem = alerts.status.message if not alerts.status.ok and alerts.status.checked else ""
        self._say(f"Playing the test chime and announcement. {problem}".strip(), error=bool(problem))

    def applied(self) -> None:
        if self.ui.alerts is not None:
            self._tune(self.ui.alerts, self.ui.settings.alerts.model_dump())

    @staticmethod
    def _tune(alerts, v: dict) -> None:  # noqa: ANN001
        configure = getattr(alerts.speaker, "configure", None)  # the real speech thread; fakes record only
        if callable(configure):
            configure(int(v["speech_rate_wpm"]), float(v["speech_volume"]), v["voice"] or None)
        set_volume = getattr(alerts.chimes, "set_volume", None)
        if callable(set_volume):
            set_volume(float(v["chime_volume"]))
