"""Look-check: start the real console on the demo feed, sign in through the dialogs, grab screens.

    python bench/screens.py --out /tmp/shots --seconds 60

Creates a throwaway data folder with an administrator, signs in via the real login and policy
dialogs, lets the demo run, then saves PNGs of every screen. Last line: one JSON object with the
files written and the number of hits on the console.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_API", "pyside6")
PW = "steady lantern 4821"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/shots")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--theme", default="dark")
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp(prefix="alpr-look-"))
    subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", str(data), "admin", "create-admin",
                    "--username", "sup1", "--full-name", "Sam Supervisor", "--password-stdin"], input=PW + "\n",
                   text=True, check=True, capture_output=True)

    import qasync
    from PySide6.QtWidgets import QApplication

    from app.bootstrap import parse_args
    from app.paths import AppPaths
    from app.ui.application import ConsoleApp
    from app.ui.dialogs.login import LoginDialog
    from app.ui.dialogs.policy import PolicyDialog
    from app.ui.theme import apply_theme

    qapp = QApplication.instance() or QApplication([])
    qapp.setQuitOnLastWindowClosed(False)
    args = parse_args(["--demo", "--data-dir", str(data)])
    console = ConsoleApp(qapp, args, AppPaths.default(data).ensure())
    console.settings.ui.theme = a.theme
    apply_theme(qapp, a.theme)
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    written: list[str] = []

    async def drive() -> dict:
        task = asyncio.ensure_future(console.start())
        while not isinstance(console.current, LoginDialog):
            await asyncio.sleep(0.1)
        dlg = console.current
        dlg.username.setText("sup1")
        dlg.password.setText(PW)
        dlg.sign_in.click()
        while not isinstance(console.current, PolicyDialog):
            await asyncio.sleep(0.1)
        console.current.agree.setChecked(True)
        console.current.accept()
        await task
        window = console.window
        window.resize(1600, 900)
        await asyncio.sleep(a.seconds)
        hits = 0
        for key in list(window.screens):
            window.show_screen(key)
            await asyncio.sleep(2.0)
            path = out / f"screen_{key}.png"
            window.grab().save(str(path))
            written.append(str(path))
        console_screen = window.screens.get("console")
        if console_screen is not None:
            window.show_screen("console")
            await asyncio.sleep(0.5)
            model = console_screen.ctrl.model
            hits = model.rowCount()
            if hits:
                console_screen.claim_btn.click()  # F2: claim the most urgent hit and open it
                await asyncio.sleep(4.0)
                path = out / "screen_console_selected.png"
                window.grab().save(str(path))
                written.append(str(path))
        return {"files": written, "hits": hits}

    with loop:
        result = loop.run_until_complete(drive())
        console.shutdown()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
