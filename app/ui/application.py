"""GUI start-up: database, first administrator, login, policy, main window, idle lock.

Everything it runs on comes from app.bootstrap (the ``Assembly``): settings, secrets, the database,
services and the runtime (recognition, listener, housekeeping), which lives beside the windows.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox, QWidget

from app.data_at_rest import AlreadyRunning, InstanceLock, check_private
from app.domain.errors import DatabaseUnavailable, DomainError
from app.domain.users import TrainingRecord
from app.runtime.app_runtime import AppRuntime
from app.services import audit_trail
from app.services.bundle import ServiceBundle
from app.settings.model import AppSettings
from app.settings.secrets import NO_KEYRING_MESSAGE
from app.ui.asyncio_qt import dialog_result, new_event_loop
from app.ui.asyncio_qt import start as start_task
from app.ui.context import UiContext
from app.ui.dialogs.change_password import ChangePasswordDialog
from app.ui.dialogs.first_admin import FirstAdminDialog
from app.ui.dialogs.login import LoginDialog
from app.ui.dialogs.policy import PolicyDialog
from app.ui.idle import IdleWatcher, lock_summary
from app.ui.main_window import MainWindow
from app.ui.screens_registry import default_screens
from app.ui.session_hub import SessionSignals
from app.ui.sign_out import confirm_sign_out
from app.ui.theme import apply_theme
from app.workers.db_executor import DbExecutor
from app.workers.signals import AppSignals

if TYPE_CHECKING:
    from app.bootstrap import Assembly

logger = logging.getLogger(__name__)

#: Sign-outs that cannot ask the user to release held hits first: the lock's Sign out, rights ended.
HAND_BACK_AT = frozenset({"lock_abandoned", "session_revoked"})


class ConsoleApp:
    """Owns the top-level windows of one running console."""

    def __init__(self, qapp: QApplication, assembly: Assembly) -> None:
        self.qapp = qapp
        self.assembly = assembly
        self.args = assembly.args
        self.paths = assembly.paths
        self.settings: AppSettings = assembly.settings
        self.warnings: list[str] = list(assembly.warnings)
        self.secrets = assembly.secrets
        if tightened := check_private(self.paths.data, self.paths.config):
            self.warnings.append(f"Data folder permissions were too open and were tightened ({len(tightened)} "
                                 "item(s)); see the log.")
        self.executor = DbExecutor()
        self.signals = AppSignals()
        self.services: ServiceBundle | None = None
        self.window: MainWindow | None = None
        self.runtime: AppRuntime | None = None
        self.current: QWidget | None = None  # what --screenshot grabs
        self.idle = IdleWatcher(self.settings.security.idle_lock_minutes)
        qapp.installEventFilter(self.idle)
        self.idle.idle.connect(lambda: start_task(self.lock("idle")))

    async def connect_database(self) -> bool:
        while True:
            try:
                self.services = await self.executor.run(self.assembly.connect)
                if await self.executor.run(audit_trail.unsigned_writes_would_break_the_seal, self.services.ctx):
                    self.warnings.append("The access record's signing key (OS keyring) cannot be reached: unlock "
                                         "the keyring, or every verify will report the rows written now.")
                return True
            except DatabaseUnavailable as exc:
                box = QMessageBox(QMessageBox.Icon.Critical, "Database unavailable",
                                  f"{exc}\n\nCheck the network and the database server, or switch this "
                                  "workstation to the embedded database in the settings file.")
                retry = box.addButton("Retry", QMessageBox.ButtonRole.AcceptRole)
                box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
                self.current = box
                await dialog_result(box)
                if box.clickedButton() is not retry:
                    return False

    async def first_admin_if_needed(self) -> bool:
        assert self.services
        if not await self.executor.run(self.services.accounts.needs_first_admin):
            return True

        async def create(username: str, full_name: str, password: str, training: TrainingRecord, badge):  # noqa: ANN001
            return await self.executor.run(self.services.accounts.create_first_admin, username, full_name,
                                           password, training, badge)

        dlg = FirstAdminDialog(create)
        self.current = dlg
        return bool(await dialog_result(dlg))

    async def login(self) -> bool:
        assert self.services
        svc = self.services
        profile = await self.executor.run(svc.administration.agency_profile, None)
        notice = " ".join(self.warnings)

        async def authenticate(u: str, p: str):  # noqa: ANN202
            return await self.executor.run(svc.accounts.login, u, p)

        dlg = LoginDialog(authenticate, profile.display_name, svc.ctx.workstation, notice)
        self.current = dlg
        if not await dialog_result(dlg) or dlg.result_value is None:
            return False
        result = dlg.result_value
        if result.needs_policy_ack:
            pol = PolicyDialog(result.policy_text, result.policy_version, profile.display_name)
            self.current = pol
            if not await dialog_result(pol):
                await self.executor.run(svc.accounts.logout, result.actor, "policy_not_acknowledged")
                return False
            await self.executor.run(svc.accounts.acknowledge_policy, result.actor, result.policy_version)
        if result.must_change_password:
            async def change(old: str, new: str) -> None:
                await self.executor.run(svc.accounts.change_password, result.actor, old, new)

            cp = ChangePasswordDialog(change, forced=True)
            self.current = cp
            if not await dialog_result(cp):
                await self.executor.run(svc.accounts.logout, result.actor, "password_not_changed")
                return False
        alerts = self.runtime.start_alerts() if self.runtime is not None else None
        ui = UiContext(svc, self.executor, SessionSignals(self.signals), self.settings, self.paths, result.user,
                       result.actor, profile.display_name, alerts, self.runtime.cameras if self.runtime is not None else ())
        ui.on_session_revoked = lambda why: start_task(self.lock("session_revoked", why))
        db = self.assembly.db
        self.attach(MainWindow(ui, default_screens(db.url_shown if db else "")))
        if not self.secrets.available():
            self.signals.banner.emit(NO_KEYRING_MESSAGE)
        self.window.show()
        self.current = self.window
        self.idle.start()
        return True

    def attach(self, window: MainWindow) -> None:
        """The signed-in user's window: its Lock, Sign out and Password buttons run here."""
        self.window = window
        window.lock_requested.connect(lambda why: start_task(self.lock(why)))
        window.logout_requested.connect(lambda: start_task(self.sign_out()))
        window.password_requested.connect(lambda: start_task(self.change_password()))

    async def change_password(self) -> None:
        if self.window is None or self.services is None:
            return
        svc, actor = self.services, self.window.ui.actor

        async def change(old: str, new: str) -> None:
            await self.executor.run(svc.accounts.change_password, actor, old, new)

        dlg = ChangePasswordDialog(change, forced=False, parent=self.window)
        if await dialog_result(dlg):
            self.window.statusBar().showMessage("Password changed.", 5000)

    async def lock(self, reason: str, message: str = "") -> None:
        if self.window is None or self.services is None or self.idle.paused:
            return
        self.idle.pause()
        ui = self.window.ui
        await self.executor.run(self.services.accounts.lock_screen, ui.actor, reason)
        self.window.conceal()  # the screens and any dialog open over them
        svc = self.services
        if reason == "session_revoked":  # the rights ended: sign in again (password change, policy, or refused)
            box = QMessageBox(QMessageBox.Icon.Warning, "Console locked", f"The console was locked: {message}",
                              QMessageBox.StandardButton.Ok, self.window)
            self.current = box
            await dialog_result(box)
            await self.logout(reason="session_revoked")
            return

        async def unlock(_u: str, p: str):  # noqa: ANN202
            await self.executor.run(svc.accounts.unlock_screen, ui.actor, p)
            return True

        notice = (f"The console was locked: {message} " if message else "The console was locked. ")
        dlg = LoginDialog(unlock, ui.agency_name, ui.actor.workstation,
                          notice + "Enter your password to continue.", self.window, title="Console locked")
        dlg.username.setText(ui.actor.username)
        dlg.username.setEnabled(False)
        dlg.escape_closes = False  # closing the lock signs out: a stray Escape must not, and the button says it
        dlg.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Sign out")
        summary = lock_summary(ui, dlg)  # urgent hits waiting and open hits; the console behind keeps chiming
        dlg.layout().insertWidget(0, summary)
        dlg.password.setFocus()
        dlg.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.current = dlg
        unlocked = await dialog_result(dlg)
        summary.stop()
        if unlocked:
            self.window.reveal()
            self.current = self.window
            self.idle.start()
        else:
            await self.logout(reason="lock_abandoned")

    async def sign_out(self) -> None:
        """The Sign out button: hits the user still holds are released first, or the user stays."""
        if self.window is None or not await confirm_sign_out(self.window.ui, self.window):
            return
        await self.logout()

    async def logout(self, reason: str = "user") -> None:
        if self.window is not None and self.services is not None:
            if reason in HAND_BACK_AT:  # the Sign out button asked first (confirm_sign_out); these cannot ask
                try:
                    await self.executor.run(self.services.hits.hits.hand_back_at_sign_out, self.window.ui.actor, reason)
                except DomainError:  # pragma: no cover - logged by the executor; signing out goes on
                    logger.exception("held hits not handed back at sign-out")
            self.window.shutdown()
            if self.runtime is not None:
                self.runtime.stop_alerts()
            self.window.ui.close()  # the old screens hear nothing more (they are deleted below)
            await self.executor.run(self.services.accounts.logout, self.window.ui.actor, reason)
            self.window.close()
            self.window.deleteLater()
            self.window = None
        self.idle.pause()
        if not await self.login():
            self.qapp.quit()

    async def start(self) -> bool:
        if not await self.connect_database():
            return False
        self.runtime = self.assembly.console_runtime(self.executor, self.signals)
        await self.runtime.start()
        if not await self.first_admin_if_needed():
            return False
        return await self.login()

    def shutdown(self) -> None:
        if self.window is not None:
            self.window.shutdown()
        if self.runtime is not None:
            self.runtime.stop()
        self.executor.shutdown()
        self.assembly.close()


def _screenshot(app: ConsoleApp, path: str, delay_s: float, limit_s: float = 90.0) -> None:
    """Grab the first window the start-up shows (after ``delay_s``), save it and quit."""
    started = time.monotonic()

    def poll() -> None:
        widget = app.current
        waited = time.monotonic() - started
        if (widget is None or not widget.isVisible()) and waited < limit_s:
            QTimer.singleShot(250, poll)
            return
        if widget is not None:
            widget.grab().save(path)
            logger.info("screenshot of %s saved to %s", type(widget).__name__, path)
        else:
            logger.error("no window appeared within %.0f s; no screenshot", limit_s)
        QApplication.instance().exit(0 if widget is not None else 1)

    QTimer.singleShot(int(delay_s * 1000), poll)


def run_gui(assembly: Assembly) -> int:
    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    qapp.setApplicationName("ALPR Dispatch Console")
    qapp.setOrganizationName("alpr-console")
    # Dialogs (login, lock) come and go between windows: quit only when the flow says so.
    qapp.setQuitOnLastWindowClosed(False)
    args = assembly.args
    try:
        instance = InstanceLock(assembly.paths.data).acquire()
    except AlreadyRunning as exc:
        QMessageBox.critical(None, "ALPR Dispatch Console", str(exc))
        return 1
    console = ConsoleApp(qapp, assembly)
    apply_theme(qapp, console.settings.ui.theme, console.settings.ui.font_pt)
    loop = new_event_loop(qapp)  # qasync's loop, guarded against modal boxes opened in coroutines
    asyncio.set_event_loop(loop)
    if args.screenshot:
        _screenshot(console, args.screenshot, args.screenshot_delay)

    async def main() -> None:
        ok = await console.start()
        if not ok and not args.screenshot:
            qapp.quit()

    with loop:
        task = loop.create_task(main())
        try:
            loop.run_forever()
        finally:
            if not task.done():
                task.cancel()
                loop.run_until_complete(asyncio.gather(task, return_exceptions=True))
            console.shutdown()
            instance.release()
    return 0
