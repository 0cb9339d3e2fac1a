"""Administration > Appearance and Sounds and speech: generated from the schema, saved with the admin permission."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLabel, QSpinBox

from app.domain.alerts import ChimeBand, FakeChimeSink, FakeSpeaker
from app.domain.errors import ValidationFailed
from app.domain.roles import Role
from app.persistence.repositories.access_log import AccessLogRepository
from app.runtime.alerts import HitAlertsBridge, policy_config
from app.settings.model import AlertSettings, UiSettings
from app.settings.store import load_settings
from app.ui.context import UiContext
from app.ui.screens.workstation_panels import TEST_PHRASE, AppearancePanel, SoundsPanel
from app.ui.theme import DEFAULT_FONT_PT, apply_theme, font_pt, palette
from tests.app.conftest import current_training, signed_in
from tests.app.ui.conftest import PW, run_until


def _actions(bundle, action):
    with bundle.ctx.uow() as uow:
        return [(e.action, e.outcome) for e in AccessLogRepository(uow.s).recent(action=action)]


def test_forms_follow_the_schema(qtbot, ui_ctx):
    panel = AppearancePanel(ui_ctx)
    qtbot.addWidget(panel)
    assert set(panel.form.editors) == set(UiSettings.model_fields)  # a new field shows up without UI code
    labels = [w.text() for w in panel.form.findChildren(QLabel)]
    assert "Theme" in labels and "Font size (pt)" in labels
    size = panel.form.editors["font_pt"]
    assert isinstance(size, QDoubleSpinBox) and (size.minimum(), size.maximum()) == (9.0, 24.0)
    sounds = SoundsPanel(ui_ctx)
    qtbot.addWidget(sounds)
    rate = sounds.form.editors["speech_rate_wpm"]
    assert isinstance(rate, QSpinBox) and (rate.minimum(), rate.maximum()) == (100, 260)
    assert rate.accessibleDescription() == AlertSettings.model_fields["speech_rate_wpm"].description


def test_admin_saves_appearance_and_it_applies(qtbot, qloop, ui_ctx, bundle, qapp):
    apply_theme(qapp, "dark", DEFAULT_FONT_PT)
    panel = AppearancePanel(ui_ctx)
    qtbot.addWidget(panel)
    panel.show()
    theme: QComboBox = panel.form.editors["theme"]  # type: ignore[assignment]
    theme.setCurrentIndex(theme.findData("light"))
    panel.form.editors["font_pt"].setValue(14.0)
    qtbot.mouseClick(panel.save_btn, Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: "Saved" in panel.message.text())
    # Then the workstation file holds it, the look changed now, and the access record says who did it
    saved = load_settings(ui_ctx.paths.settings_file).settings.ui
    assert (saved.theme, saved.font_pt) == ("light", 14.0)
    assert palette().name == "light" and font_pt() == 14.0
    assert ("settings.ui.update", "ok") in _actions(bundle, "settings.ui.update")
    apply_theme(qapp, "dark", DEFAULT_FONT_PT)


def test_a_dispatcher_cannot_change_workstation_settings(qtbot, qloop, ui_ctx, bundle):
    bundle.administration.create_user(ui_ctx.actor, "disp1", "Dana Dispatcher", PW, frozenset({Role.DISPATCHER}),
                                      training=current_training())
    disp = signed_in(bundle.accounts, "disp1", PW, result=True)
    ui2 = UiContext(bundle, ui_ctx.executor, ui_ctx.signals, ui_ctx.settings, ui_ctx.paths, disp.user, disp.actor)
    panel = SoundsPanel(ui2)
    qtbot.addWidget(panel)
    panel.form.editors["speech_rate_wpm"].setValue(120)
    qtbot.mouseClick(panel.save_btn, Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: panel.message.text() != "")
    assert "permission" in panel.message.text(), panel.message.text()
    assert not ui_ctx.paths.settings_file.exists() and ui_ctx.settings.alerts.speech_rate_wpm == 165
    assert ("settings.alerts.update", "refused") in _actions(bundle, "settings.alerts.update")


def test_out_of_bounds_value_is_refused_and_nothing_saved(ui_ctx, bundle):
    svc = bundle.workstation_settings
    with pytest.raises(ValidationFailed):
        svc.save_section(ui_ctx.actor, ui_ctx.settings, "alerts", {"speech_volume": 3.0})
    assert not ui_ctx.paths.settings_file.exists() and ui_ctx.settings.alerts.speech_volume == 1.0


def test_test_button_chimes_and_speaks_with_the_form_values(qtbot, qloop, ui_ctx):
    speaker, chimes = FakeSpeaker(), FakeChimeSink()
    ui_ctx.alerts = HitAlertsBridge(ui_ctx.signals, policy_config(AlertSettings()), speaker, chimes)
    panel = SoundsPanel(ui_ctx)
    qtbot.addWidget(panel)
    assert panel.test_btn.isEnabled()
    qtbot.mouseClick(panel.test_btn, Qt.MouseButton.LeftButton)
    assert chimes.played == [ChimeBand.HIGH]
    assert speaker.utterances and speaker.utterances[0][0] == TEST_PHRASE


def test_test_button_disabled_with_reason_without_audio(qtbot, ui_ctx):
    panel = SoundsPanel(ui_ctx)  # no alerts running on this console
    qtbot.addWidget(panel)
    assert not panel.test_btn.isEnabled() and "not running" in panel.test_btn.toolTip()
