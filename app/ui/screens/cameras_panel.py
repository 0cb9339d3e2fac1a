"""Administration > Cameras."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.cameras import Camera
from app.domain.errors import DomainError
from app.ui.asyncio_qt import async_slot, dialog_result
from app.ui.context import UiContext
from app.ui.dialogs.camera_editor import CameraDialog
from app.ui.table_model import ItemTableModel, make_table

COLUMNS = ("Id", "Name", "Location", "Direction", "Source", "Login", "Workstation", "Enabled")


def _source_text(src: dict) -> str:
    kind = src.get("type", "?")
    where = src.get("url") or src.get("path") or (f"index {src['index']}" if "index" in src else "")
    return f"{kind}: {where}" if where else kind


def _camera_cells(c: Camera) -> tuple[str, ...]:
    return (c.key, c.name, c.location, c.direction, _source_text(c.source),
            "in keyring" if c.credential_ref else "-", c.owner_workstation or "any", "yes" if c.enabled else "no")


class CamerasModel(ItemTableModel[Camera]):
    def __init__(self) -> None:
        super().__init__(COLUMNS, _camera_cells)

    @property
    def cameras(self) -> list[Camera]:
        return self.items


class CamerasPanel(QWidget):
    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.model = CamerasModel()
        self.table = make_table(self.model, "Cameras")
        self.table.doubleClicked.connect(lambda _i: self.edit())
        self.add_btn = QPushButton("&Add camera...")
        self.edit_btn = QPushButton("&Edit...")
        self.add_btn.clicked.connect(self.add)
        self.edit_btn.clicked.connect(self.edit)
        row = QHBoxLayout()
        row.addWidget(self.add_btn)
        row.addWidget(self.edit_btn)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(self.table)

    @property
    def service(self):  # noqa: ANN201
        return self.ui.services.hits.cameras if self.ui.services.hits else None

    @async_slot()
    async def reload(self) -> None:
        if self.service is None:
            return
        try:
            self.model.set_items(await self.ui.call(self.service.list, self.ui.actor))
        except DomainError as exc:
            QMessageBox.warning(self, "Cameras", str(exc))

    def _saver(self, camera: Camera | None):  # noqa: ANN202
        """The dialog's submit: add or update, then the login; a refusal keeps the dialog open."""
        async def save(dlg: CameraDialog) -> Camera:
            if camera is None:
                saved = await self.ui.call(self.service.add, self.ui.actor, dlg.draft())
            else:
                saved = await self.ui.call(self.service.update, self.ui.actor, camera.id, dlg.draft())
            login = dlg.login()
            if login:
                await self.ui.call(self.service.set_credentials, self.ui.actor, saved.id, *login)
            await self.reload()  # the service published Changes(cameras=True); the runtime broadcasts it
            return saved

        return save

    @async_slot()
    async def add(self) -> None:
        await dialog_result(CameraDialog(self, None, self._saver(None)))

    @async_slot()
    async def edit(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        cam = self.model.cameras[rows[0].row()]
        await dialog_result(CameraDialog(self, cam, self._saver(cam)))
