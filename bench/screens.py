"""Look-check: the real console on the demo feed, signed in through the dialogs, every screen grabbed.

    QT_QPA_PLATFORM=offscreen nice -n 10 python bench/screens.py /tmp/shots --seconds 20

Builds the console as the application does (app.bootstrap's ``Assembly`` + ``ConsoleApp``) on a
throwaway data folder with an administrator, signs in through the real login and policy dialogs,
lets the demo feed raise hits, then saves PNGs of every screen (and every Administration tab, and
the console with a hit open) at 1366x768 and 1920x1080 in the dark and the light theme. The folder
is given on the command line (keep it out of git). Last line: one JSON object
``{"shots": N, "dir": ..., "hits": ..., "sizes": [...], "themes": [...]}``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_API", "pyside6")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
PW = "steady lantern 4821"


def _make_admin(data: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", str(data), "admin", "create-admin",
                    "--username", "sup1", "--full-name", "Sam Supervisor", "--password-stdin"], input=PW + "\n",
                   text=True, check=True, capture_output=True)


async def _until(predicate, limit_s: float = 60.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + limit_s
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the console did not reach the expected state")
        await asyncio.sleep(0.1)


def _every_screen(data: Path) -> None:
    """Give the administrator the investigator role too, so Search is among the screens shot."""
    from app.bootstrap import Assembly, parse_args
    from app.domain.roles import Role

    pre = Assembly.load(parse_args(["--data-dir", str(data)]))
    try:
        svc = pre.connect()
        r = svc.accounts.login("sup1", PW)
        svc.accounts.acknowledge_policy(r.actor, r.policy_version)
        # nobody grants themselves a role (the service refuses it since session 24): the shots' fixture writes it
        from app.persistence.repositories.users import UserRepository

        with svc.ctx.uow() as uow:
            UserRepository(uow.s).set_roles(r.user.id, frozenset(r.user.roles | {Role.INVESTIGATOR}))
        svc.accounts.logout(r.actor, "user")
    finally:
        pre.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="folder for the PNGs (created; not in git)")
    ap.add_argument("--seconds", type=float, default=20, help="demo feed run time before the shots")
    ap.add_argument("--font-pt", type=float, default=None, help="body font size (default: the setting's)")
    ap.add_argument("--sizes", default="1366x768,1920x1080", help="window sizes, e.g. 1280x720,1366x768")
    ap.add_argument("--themes", default="dark,light")
    a = ap.parse_args()
    sizes = [tuple(int(v) for v in size.split("x")) for size in a.sizes.split(",")]
    themes = a.themes.split(",")
    out = Path(a.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp(prefix="alpr-look-"))
    _make_admin(data)
    _every_screen(data)

    import qasync
    from PySide6.QtWidgets import QApplication

    from app.bootstrap import Assembly, parse_args
    from app.ui.application import ConsoleApp
    from app.ui.dialogs.login import LoginDialog
    from app.ui.dialogs.policy import PolicyDialog
    from app.ui.theme import apply_theme

    qapp = QApplication.instance() or QApplication([])
    qapp.setQuitOnLastWindowClosed(False)
    assembly = Assembly.load(parse_args(["--demo", "--data-dir", str(data)]))
    console = ConsoleApp(qapp, assembly)
    font_pt = a.font_pt or console.settings.ui.font_pt
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    shots: list[str] = []

    def grab(widget, name: str) -> None:  # noqa: ANN001
        path = out / f"{name}.png"
        widget.grab().save(str(path))
        shots.append(path.name)

    async def drive() -> dict:
        apply_theme(qapp, "dark", font_pt)
        task = asyncio.ensure_future(console.start())
        await _until(lambda: isinstance(console.current, LoginDialog) and console.current.isVisible())
        dlg = console.current
        await asyncio.sleep(0.3)
        grab(dlg, "login_dark")
        dlg.username.setText("sup1")
        dlg.password.setText(PW)
        dlg.sign_in.click()
        await _until(lambda: isinstance(console.current, PolicyDialog) or task.done())
        if isinstance(console.current, PolicyDialog):
            console.current.agree.setChecked(True)
            console.current.accept()
        await task
        window = console.window
        await asyncio.sleep(a.seconds)
        hits = 0
        for theme in themes:
            apply_theme(qapp, theme, font_pt)
            for w, h in sizes:
                window.resize(w, h)
                tag = f"{theme}_{w}x{h}"
                for key in list(window.screens):
                    screen = window.show_screen(key)
                    await asyncio.sleep(1.0)
                    grab(window, f"{tag}_{key}")
                    tabs = getattr(screen, "tabs", None)
                    if key == "admin" and tabs is not None:
                        for i in range(1, tabs.count()):
                            tabs.setCurrentIndex(i)
                            await asyncio.sleep(0.5)
                            grab(window, f"{tag}_{key}_{i}")
                        tabs.setCurrentIndex(0)
                console_screen = window.show_screen("console")
                await asyncio.sleep(0.5)
                hits = console_screen.ctrl.model.rowCount()
                if hits:
                    if console_screen.ctrl.detail is None:
                        console_screen.claim_btn.click()  # F2: claim the most urgent hit and open it
                        await _until(lambda cs=console_screen: cs.ctrl.detail is not None, 20)
                    await asyncio.sleep(2.0)
                    grab(window, f"{tag}_console_hit_open")
        return {"shots": len(shots), "dir": str(out), "hits": hits, "sizes": [f"{w}x{h}" for w, h in sizes],
                "themes": themes}

    with loop:
        try:
            result = loop.run_until_complete(drive())
        finally:
            console.shutdown()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
