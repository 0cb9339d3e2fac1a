from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from app.domain.roles import Role
from app.ui.context import UiContext
from app.ui.screens.audit import AuditScreen
from app.ui.screens.records import RecordsScreen
from app.ui.screens.search import SearchScreen
from tests.app.conftest import current_training, signed_in
from tests.app.records_fixtures import access_rows, add_read, found, make_world
from tests.app.ui.conftest import PW, run_until

SHOTS = os.environ.get("ALPR_SHOTS")


@pytest.fixture
def inv_ui(ui_ctx, bundle, ctx, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: None)  # no modal box in tests
    world = make_world(ctx, tmp_path, "w_")
    bundle.records = world.svc
    bundle.administration.create_user(ui_ctx.actor, "ivy", "Ivy Investigator", PW,
                                      frozenset({Role.INVESTIGATOR}), training=current_training())
    login = signed_in(bundle.accounts, "ivy", PW, result=True)
    ui = UiContext(bundle, ui_ctx.executor, ui_ctx.signals, ui_ctx.settings, ui_ctx.paths, login.user, login.actor)
    return ui, world


def _shot(w, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        w.resize(1300, 760)
        w.grab().save(str(Path(SHOTS) / name))



def _search_with_three_reads(qtbot, qloop, ui, world, size=None):  # noqa: ANN001, ANN202
    """The Search screen shown and loaded, with three reads (with images) in the last minutes."""
    now = world.ctx.clock.now()
    for i in range(3):
        add_read(world, f"ABC12{i}", now - timedelta(minutes=i), jpeg=True)
    s = SearchScreen(ui)
    qtbot.addWidget(s)
    if size is not None:
        s.resize(*size)
    s.show()
    s.activate()
    run_until(qloop, qtbot, lambda: s.purpose.count() > 1 and s.cameras.count() == 3)
    return s

def test_search_screen_refuses_without_reason_then_searches(qtbot, qloop, inv_ui):
    ui, world = inv_ui
    s = _search_with_three_reads(qtbot, qloop, ui, world)
    qtbot.keyClicks(s.plate, "ABC12*")
    qtbot.mouseClick(s.search_btn, Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: s.status.text().startswith("Search refused"))
    assert [r.outcome for r in access_rows(world.ctx, "search")] == ["refused"]
    s.purpose.setCurrentIndex(1)
    qtbot.keyClicks(s.case, "24-000123")
    qtbot.mouseClick(s.search_btn, Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: s.model.rowCount() == 3)
    assert "3 reads" in s.status.text()
    run_until(qloop, qtbot, lambda: len(s.model.decorations) == 3)
    s.table.selectRow(0)
    qtbot.mouseClick(s.image_btn, Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: len(access_rows(world.ctx, "read.image_view")) == 1)
    _shot(s, "search_screen.png")


def test_records_and_audit_screens_load(qtbot, qloop, ui_ctx, bundle, ctx, tmp_path):
    world = make_world(ctx, tmp_path, "w_")
    bundle.records = world.svc
    rid = add_read(world, "HLD001", world.ctx.clock.now())
    found(world, world.inv, [rid])
    world.svc.holds.place(world.inv, "24-7", "Evidence in burglary", None, [rid])
    world.svc.purge.purge(world.sup)
    r = RecordsScreen(ui_ctx)
    qtbot.addWidget(r)
    r.show()
    r.activate()
    run_until(qloop, qtbot, lambda: r.holds.rowCount() == 1 and r.docs.rowCount() == 1 and r.purges.rowCount() == 1)
    assert r.preset.currentData() == "default"
    _shot(r, "records_holds.png")
    r.tabs.setCurrentIndex(2)
    _shot(r, "records_retention.png")
    a = AuditScreen(ui_ctx)
    qtbot.addWidget(a)
    a.show()
    a.activate()
    run_until(qloop, qtbot, lambda: a.browser.model.rowCount() > 0)
    _shot(a, "audit_access.png")
    a.tabs.setCurrentIndex(1)
    _shot(a, "audit_audits.png")


@pytest.fixture
def console_theme(qapp):
    from app.ui.theme import DEFAULT_FONT_PT, apply_theme

    apply_theme(qapp, "dark", DEFAULT_FONT_PT)
    yield
    apply_theme(qapp, "dark", DEFAULT_FONT_PT)


def test_results_use_the_room_until_an_image_opens_and_dates_wait_for_between(qtbot, qloop, inv_ui, console_theme):
    """At 1366x768 (the screen's share: navigation, header, banner) in the console's theme: the image column appears
    with the first opened image (until then the results have its room), the dates are greyed out until Between is
    ticked and do not cover its label."""
    ui, world = inv_ui
    s = _search_with_three_reads(qtbot, qloop, ui, world, size=(1366 - 170, 768 - 150))
    assert not s.start.isEnabled() and not s.end.isEnabled()  # they do not filter: they must not look as if
    form = s.use_time.parentWidget()  # "Between" was cut to "Betwe" under the date field beside it
    label_end = s.use_time.mapTo(form, QPoint(s.use_time.sizeHint().width(), 0)).x()
    assert label_end <= s.start.mapTo(form, QPoint(0, 0)).x(), (label_end, s.start.mapTo(form, QPoint(0, 0)))
    qtbot.mouseClick(s.use_time, Qt.MouseButton.LeftButton)
    assert s.use_time.isChecked() and s.start.isEnabled() and s.end.isEnabled()
    qtbot.mouseClick(s.use_time, Qt.MouseButton.LeftButton)
    s.purpose.setCurrentIndex(1)
    qtbot.keyClicks(s.case, "24-000123")
    qtbot.mouseClick(s.search_btn, Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: s.model.rowCount() == 3 and len(s.model.decorations) == 3)
    assert not s.image.isVisible()
    s.table.selectRow(0)
    qtbot.mouseClick(s.image_btn, Qt.MouseButton.LeftButton)
    run_until(qloop, qtbot, lambda: s.image.isVisible() and s.image.pixmap() is not None
              and not s.image.pixmap().isNull())
    assert s.width() == 1366 - 170  # the opened image takes room from the results, it never widens the screen
