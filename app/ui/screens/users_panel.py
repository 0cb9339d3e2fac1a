"""Administration > Users: accounts, roles, training dates, unlock, disable, password reset."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.display_dates import date_text
from app.domain.errors import DomainError
from app.domain.users import TrainingRecord, TrainingStatus, User
from app.ui.asyncio_qt import async_slot, dialog_result
from app.ui.context import UiContext
from app.ui.dialogs.ask_first import ask_first
from app.ui.dialogs.user_editor import ResetPasswordDialog, TrainingDialog, UserDialog, UserValues
from app.ui.table_model import ItemTableModel, make_table
from app.ui.theme import palette

COLUMNS = ("Username", "Full name", "Title", "Badge", "Roles", "Training valid until", "Status")
STATUS_COLUMN = COLUMNS.index("Status")


def user_status(u: User, now) -> tuple[str, str | None]:  # noqa: ANN001
    if not u.active:
        return "Disabled", palette().muted
    if u.is_locked(now):
        return "Locked (failed sign-ins)", palette().warn
    t = u.training_status(now.date())
    if t is TrainingStatus.MISSING:
        return "No training on record", palette().warn
    if t is TrainingStatus.EXPIRED:
        return "Training expired", palette().warn
    return "Active", None


def _user_cells(u: User, now) -> tuple[str, ...]:  # noqa: ANN001
    exp: date | None = u.training_expires_on()
    return (u.username, u.full_name, u.title or "", u.badge_number or "", ", ".join(r.label for r in sorted(u.roles)),
            date_text(exp, empty="-"), user_status(u, now)[0])


class UsersTableModel(ItemTableModel[User]):
    def __init__(self, clock) -> None:  # noqa: ANN001
        super().__init__(COLUMNS, lambda u: _user_cells(u, clock.now()))
        self.clock = clock

    @property
    def users(self) -> list[User]:
        return self.items

    def styled(self, u: User, column: int, role: int):  # noqa: ANN201
        if role == Qt.ItemDataRole.ForegroundRole and column == STATUS_COLUMN:
            colour = user_status(u, self.clock.now())[1]
            return QColor(colour) if colour else None
        return None


class UsersPanel(QWidget):
    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.model = UsersTableModel(ui.services.ctx.clock)
        self.table = make_table(self.model, "Users", single=True)
        self.table.doubleClicked.connect(lambda _i: self.edit_user())
        buttons = QHBoxLayout()
        self.actions: dict[str, QPushButton] = {}
        for key, text, slot in (
            ("new", "&New user...", self.new_user), ("edit", "&Edit...", self.edit_user),
            ("training", "Record &training...", self.record_training), ("unlock", "Unloc&k", self.unlock),
            ("reset", "Reset pass&word...", self.reset_password), ("toggle", "&Disable / enable", self.toggle_active),
        ):
            b = QPushButton(text)
            b.setAccessibleName(text.replace("&", "").replace("...", ""))
            b.clicked.connect(slot)
            buttons.addWidget(b)
            self.actions[key] = b
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addLayout(buttons)
        lay.addWidget(self.table)

    def selected(self) -> User | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.users[rows[0].row()] if rows else None

    @async_slot()
    async def reload(self) -> None:
        try:
            users = await self.ui.call(self.ui.services.administration.list_users, self.ui.actor)
        except DomainError as exc:
            QMessageBox.warning(self, "Users", str(exc))
            return
        self.model.set_items(users)

    async def _do(self, fn, *args) -> bool:  # noqa: ANN001
        try:
            await self.ui.call(fn, self.ui.actor, *args)
        except DomainError as exc:
            QMessageBox.warning(self, "Users", str(exc))
            return False
        await self.reload()
        return True

    async def _submit(self, fn, *args) -> object:  # noqa: ANN001
        """Run a service call for a dialog: a refusal propagates so the dialog stays open and shows it."""
        out = await self.ui.call(fn, self.ui.actor, *args)
        await self.reload()
        return out

    @async_slot()
    async def new_user(self) -> None:
        admin = self.ui.services.administration

        async def create(v: UserValues) -> object:
            return await self._submit(admin.create_user, v.username, v.full_name, v.password, v.roles, v.badge,
                                      v.training, v.title)

        await dialog_result(UserDialog(self, None, create))

    @async_slot()
    async def edit_user(self) -> None:
        u = self.selected()
        if u is None:
            return
        admin = self.ui.services.administration

        async def update(v: UserValues) -> object:
            return await self._submit(admin.update_user, u.id, v.full_name, v.badge, v.roles, v.title)

        await dialog_result(UserDialog(self, u, update))

    @async_slot()
    async def record_training(self) -> None:
        u = self.selected()
        if u is None:
            return
        admin = self.ui.services.administration

        async def record(rec: TrainingRecord) -> object:
            return await self._submit(admin.record_training, u.id, rec)

        await dialog_result(TrainingDialog(self, u, record))

    @async_slot()
    async def unlock(self) -> None:
        u = self.selected()
        if u is not None:
            await self._do(self.ui.services.administration.unlock, u.id)

    @async_slot()
    async def reset_password(self) -> None:
        u = self.selected()
        if u is None:
            return
        admin = self.ui.services.administration

        async def reset(password: str) -> object:  # a weak password is refused and the dialog stays open
            return await self._submit(admin.reset_password, u.id, password)

        await dialog_result(ResetPasswordDialog(self, u, reset))

    @async_slot()
    async def toggle_active(self) -> None:
        u = self.selected()
        if u is None:
            return
        # your own account: the service's refusal says why at once (no question whose answer is refused anyway)
        if u.active and u.id != self.ui.actor.user_id and not await self._disable_confirmed(u):
            return
        await self._do(self.ui.services.administration.set_active, u.id, not u.active)

    async def _disable_confirmed(self, u: User) -> bool:
        """Disabling signs the person out of every console: name them and ask, Cancel the default."""
        return await ask_first(self, "Disable account",
                               f"Disable the account of {u.full_name} ({u.username})? A console they are signed in "
                               "to locks and signs them out at its next action, even in the middle of a hit they "
                               "hold, and they cannot sign in until the account is enabled again.", "Disable account")
