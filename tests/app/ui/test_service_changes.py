"""Issue 12: a change made through a service reaches the screens without any screen announcing it."""

from __future__ import annotations

from app.domain.changes import Changes
from app.domain.records.retention import RetentionPeriods
from app.ui.screens.records import RecordsScreen
from tests.app.ui.conftest import run_until


def test_a_retention_change_made_elsewhere_shows_on_the_records_screen(qtbot, qloop, ui_ctx, bundle):
    screen = RecordsScreen(ui_ctx)
    qtbot.addWidget(screen)
    screen.show()
    screen.activate()
    screen.tabs.setCurrentIndex(2)
    run_until(qloop, qtbot, lambda: screen.preset.count() > 0)
    assert screen.days["reads"].value() != 45
    # When the retention is changed through the service (another console, the CLI): no screen emits anything
    bundle.records.retention.change(ui_ctx.actor, "custom", RetentionPeriods(45, 60, 20))
    # Then the Records screen hears the service's change and shows the new periods
    run_until(qloop, qtbot, lambda: screen.days["reads"].value() == 45 and screen.days["images"].value() == 20)


def test_the_agency_profile_service_announces_its_change(qtbot, qloop, ui_ctx, bundle):
    import dataclasses

    profile = bundle.administration.agency_profile(ui_ctx.actor)
    with qtbot.waitSignal(ui_ctx.signals.changed, timeout=5000, check_params_cb=lambda c: c == Changes(agency=True)):
        bundle.administration.save_agency_profile(ui_ctx.actor, dataclasses.replace(profile, name="Test County SO"))
