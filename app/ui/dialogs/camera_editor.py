"""Add or edit a camera: source, name, location, direction; the login goes to the OS keyring."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QSpinBox, QWidget

from app.domain.cameras import Camera
from app.services.cameras import CameraDraft
from app.ui.dialogs.form_dialog import FormDialog, Submit

SOURCE_KINDS = (("rtsp", "RTSP stream"), ("http", "HTTP MJPEG stream"), ("usb", "USB camera"),
                ("file", "Video file"), ("folder", "Image folder"), ("demo", "Demo (synthetic traffic)"))


class CameraDialog(FormDialog):
    """Add or edit a camera; ``submit`` gets the dialog itself (draft and login) and may refuse."""

    def __init__(self, parent: QWidget | None, camera: Camera | None, submit: Submit | None = None) -> None:
        super().__init__("Add camera" if camera is None else f"Edit camera {camera.name}", submit, "OK", parent)
        self.setMinimumWidth(520)
        src = camera.source if camera else {"type": "rtsp"}
        self.key = QLineEdit(camera.key if camera else "")
        self.key.setEnabled(camera is None)
        self.key.setPlaceholderText("short id, e.g. main-5th-nb (stored with every read)")
        self.name = QLineEdit(camera.name if camera else "")
        self.location = QLineEdit(camera.location if camera else "")
        self.direction = QComboBox()
        self.direction.addItems(["", "NB", "SB", "EB", "WB"])
        self.direction.setEditable(True)
        self.direction.setCurrentText(camera.direction if camera else "")
        self.kind = QComboBox()
        for value, label in SOURCE_KINDS:
            self.kind.addItem(label, value)
        self.kind.setCurrentIndex(max(0, [k for k, _ in SOURCE_KINDS].index(src.get("type", "rtsp"))))
        self.address = QLineEdit(str(src.get("url") or src.get("path") or ""))
        self.address.setPlaceholderText("rtsp://10.1.2.3:554/stream1 (no user or password here)")
        self.index = QSpinBox()
        self.index.setRange(0, 63)
        self.index.setValue(int(src.get("index", 0)))
        self.owner = QLineEdit((camera.owner_workstation or "") if camera else "")
        self.owner.setPlaceholderText("workstation that runs recognition for it (empty: any)")
        self.enabled = QCheckBox("Enabled")
        self.enabled.setChecked(camera.enabled if camera else True)
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.user.setPlaceholderText("camera login (kept in the OS keyring)")
        for label, w, key, words in (
                ("Camera &id", self.key, "key", ("camera id", "id")), ("&Name", self.name, "name", ("name",)),
                ("&Location", self.location, "location", ("location",)),
                ("&Direction", self.direction, "direction", ("direction",)), ("&Source", self.kind, None, ()),
                ("&URL or path", self.address, "address", ("source", "url", "path")),
                ("USB inde&x", self.index, None, ()), ("Runs on &workstation", self.owner, None, ()),
                ("", self.enabled, None, ()), ("Login u&ser", self.user, "login", ("user name", "login")),
                ("Login &password", self.password, None, ())):
            w.setAccessibleName(label.replace("&", "") or "Enabled")
            self.add_field(label, w, key, words=words)
        hint = QLabel("Camera logins are stored only in the OS keyring, never in the database or settings.")
        hint.setObjectName("Muted")
        hint.setWordWrap(True)
        self.extra.addWidget(hint)
        self.finish()

    def build(self) -> CameraDialog:
        return self

    def source(self) -> dict:
        kind = self.kind.currentData()
        if kind in ("rtsp", "http"):
            return {"type": kind, "url": self.address.text().strip()}
        if kind == "usb":
            return {"type": "usb", "index": self.index.value()}
        if kind in ("file", "folder"):
            return {"type": kind, "path": self.address.text().strip()}
        return {"type": "demo"}

    def draft(self) -> CameraDraft:
        return CameraDraft(key=self.key.text().strip(), name=self.name.text().strip(), source=self.source(),
                           location=self.location.text().strip(), direction=self.direction.currentText().strip(),
                           owner_workstation=self.owner.text().strip() or None, enabled=self.enabled.isChecked())

    def login(self) -> tuple[str, str] | None:
        return (self.user.text().strip(), self.password.text()) if self.user.text().strip() else None
