"""Nothing a dispatcher must read is cut: the sign-in message grows the dialog; a drawn plate says it is drawn."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect
from PySide6.QtGui import QFontMetrics, QImage
from PySide6.QtWidgets import QApplication

from app.domain.errors import LoginRefused
from app.ui.dialogs.login import LoginDialog
from app.ui.screens.console_images import CAPTION_FLAGS, ZoomImage
from app.ui.screens.console_look import DRAWING_LABEL, drawing_band
from app.ui.screens.console_verify import wanted_plate_image
from app.ui.theme import DEFAULT_FONT_PT, apply_theme
from tests.app.ui.conftest import run_until

LONG = ("Your ALPR training is not on record or has expired (CJIS 5.2 security awareness). Contact the ALPR "
        "administrator of Test County Sheriff's Office to record your training, then sign in again.")


def _label_fits(label) -> bool:  # noqa: ANN001
    needed = label.heightForWidth(label.width()) if label.wordWrap() else label.sizeHint().height()
    return label.height() >= needed and label.isVisible()


def test_sign_in_dialog_grows_with_a_long_refusal(qtbot, qloop, qapp):
    apply_theme(qapp, "light", DEFAULT_FONT_PT)

    async def refuse(_u, _p):
        raise LoginRefused("training", LONG)

    dlg = LoginDialog(refuse, "Test County Sheriff", "WS-1")
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.keyClicks(dlg.username, "disp1")
    qtbot.keyClicks(dlg.password, "whatever it is")
    dlg.sign_in.click()
    run_until(qloop, qtbot, lambda: LONG in dlg.message.text())
    QApplication.processEvents()
    # the whole message is on screen: the label got the height its wrapped text needs
    assert _label_fits(dlg.message), (dlg.message.size(), dlg.message.heightForWidth(dlg.message.width()))
    assert dlg.message.geometry().bottom() <= dlg.rect().bottom()
    apply_theme(qapp, "dark", DEFAULT_FONT_PT)


def test_drawn_plate_is_marked_as_a_drawing():
    plate = wanted_plate_image("ABC1234", "CA", None)
    assert plate is not None
    band = drawing_band(64)
    assert plate.height() == 64 + band
    # the band above the plate is black with yellow lettering, unlike any plate photo
    img = plate.convertToFormat(QImage.Format.Format_RGB888)
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())[:, : img.width() * 3]
    top = arr[4:band - 2, 8:-8].reshape(-1, 3)
    dark = (top.max(axis=1) < 40).mean()
    yellow = ((top[:, 0] > 200) & (top[:, 1] > 160) & (top[:, 2] < 80)).mean()
    assert dark > 0.4 and yellow > 0.03, (dark, yellow)
    assert "DRAWING" in DRAWING_LABEL and "NOT A PHOTO" in DRAWING_LABEL


def test_image_caption_is_never_cut(qtbot, qapp):
    apply_theme(qapp, "dark", 16.0)
    view = ZoomImage("Wanted plate")
    qtbot.addWidget(view)
    view.resize(170, 140)
    caption = "DRAWN from the list entry (no photo): ABC1234 CA"
    view.set_image(wanted_plate_image("ABC1234", "CA", None), caption)
    view.show()
    needed = QFontMetrics(view.font()).boundingRect(QRect(0, 0, view.width() - 8, 2000), CAPTION_FLAGS, caption)
    assert view.caption_height() >= needed.height()
    assert needed.width() <= view.width() - 8  # wrapped, not cut
    apply_theme(qapp, "dark", DEFAULT_FONT_PT)
