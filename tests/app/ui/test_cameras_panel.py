from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from app.domain.users import Actor
from app.paths import AppPaths
from app.services.hits_bundle import HitServices
from app.settings.secrets import MemorySecretStore
from app.ui.dialogs.camera_editor import CameraDialog
from app.ui.screens.cameras_panel import CamerasPanel
from tests.app.ui.conftest import run_until


@pytest.fixture
def cams(ui_ctx, tmp_path):
    secrets = MemorySecretStore()
    paths = AppPaths(tmp_path / "data", tmp_path / "cfg").ensure()
    ui_ctx.services.hits = HitServices.build(ui_ctx.services.ctx, paths, secrets, None)
    return ui_ctx, secrets


def _open_dialog(qloop, qtbot, trigger):
    trigger()
    run_until(qloop, qtbot, lambda: any(isinstance(w, CameraDialog) and w.isVisible()
                                        for w in QApplication.topLevelWidgets()))
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, CameraDialog) and w.isVisible())


def test_add_camera_login_goes_to_keyring_only(qtbot, qloop, cams):
    ui, secrets = cams
    panel = CamerasPanel(ui)
    qtbot.addWidget(panel)
    panel.show()
    dlg = _open_dialog(qloop, qtbot, panel.add)
    qtbot.keyClicks(dlg.key, "main-5th-nb")
    qtbot.keyClicks(dlg.name, "Main St")
    qtbot.keyClicks(dlg.location, "Main St & 5th Ave")
    dlg.direction.setCurrentText("NB")
    qtbot.keyClicks(dlg.address, "rtsp://10.1.2.3:554/stream1")
    qtbot.keyClicks(dlg.user, "viewer")
    qtbot.keyClicks(dlg.password, "cam-pass-123")
    dlg.accept()
    run_until(qloop, qtbot, lambda: panel.model.rowCount() == 1)
    cam = panel.model.cameras[0]
    assert cam.key == "main-5th-nb" and cam.source["url"] == "rtsp://10.1.2.3:554/stream1"
    assert "cam-pass-123" in secrets.d["camera/main-5th-nb"]
    assert "cam-pass-123" not in str(cam)  # never in the database row
    assert panel.model.data(panel.model.index(0, 5)) == "in keyring"
    # and the runtime will log in with it
    (config,) = ui.services.hits.cameras.runtime_cameras(ui.services.ctx.workstation)
    assert config.source.use_credentials
    assert ui.services.hits.cameras.credentials(Actor.system("WS", "recognition"), "main-5th-nb") == ("viewer", "cam-pass-123")


def test_login_in_url_is_refused_and_the_dialog_keeps_what_was_typed(qtbot, qloop, cams):
    # Given the Add camera dialog filled in with a login inside the URL
    ui, _ = cams
    panel = CamerasPanel(ui)
    qtbot.addWidget(panel)
    dlg = _open_dialog(qloop, qtbot, panel.add)
    qtbot.keyClicks(dlg.key, "cam2")
    qtbot.keyClicks(dlg.name, "Cam 2")
    qtbot.keyClicks(dlg.address, "rtsp://admin:secret@10.1.2.4/s")
    # When it is submitted, the service refuses
    dlg.accept()
    run_until(qloop, qtbot, lambda: bool(dlg.problem_texts()))
    # Then the dialog is still open, the refusal is under the URL field, and nothing typed is lost
    assert dlg.isVisible()
    assert "Do not put a user or password in the URL" in dlg.problem_texts()["address"]
    assert (dlg.key.text(), dlg.name.text(), dlg.address.text()) == ("cam2", "Cam 2", "rtsp://admin:secret@10.1.2.4/s")
    assert panel.model.rowCount() == 0
    # and after the fix the same dialog saves it
    dlg.address.setText("rtsp://10.1.2.4/s")
    dlg.accept()
    run_until(qloop, qtbot, lambda: panel.model.rowCount() == 1)
    assert not dlg.isVisible()
