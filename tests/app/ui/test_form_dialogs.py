"""Issue 11 (forms): a refused form stays open, shows why beside the field and keeps every typed value."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.domain.roles import Role
from app.ui.dialogs.records_dialogs import HoldDialog, ReasonDialog, ReleaseIntakeDialog
from app.ui.dialogs.user_editor import ResetPasswordDialog, TrainingDialog, UserDialog
from app.ui.screens.records import RecordsScreen
from tests.app.conftest import current_training
from tests.app.ui.conftest import run_until
from tests.app.ui.forms_kit import open_dialog, ui_as, users_panel


def test_new_user_refused_by_the_service_stays_open_with_everything_typed(qtbot, qloop, ui_ctx):
    # Given an account "disp1" exists and the administrator opens New user
    admin = ui_ctx.services.administration
    admin.create_user(ui_ctx.actor, "disp1", "Dana Dispatcher", "Temp-Passw0rd-99", frozenset({Role.DISPATCHER}),
                      None, current_training())
    panel = users_panel(qloop, qtbot, ui_ctx)
    dlg = open_dialog(qloop, qtbot, UserDialog, panel.new_user)
    # When the form is filled in with the taken username and submitted with Enter
    qtbot.keyClicks(dlg.username, "disp1")
    qtbot.keyClicks(dlg.full_name, "Dale Dispatcher")
    qtbot.keyClicks(dlg.title, "Senior Dispatcher")
    qtbot.keyClicks(dlg.badge, "B-77")
    qtbot.keyClicks(dlg.password, "Another-Passw0rd-42")
    dlg.role_checks[Role.DISPATCHER].setChecked(True)
    dlg.trained.setChecked(True)
    dlg.trained_on.setDate(ui_ctx.services.ctx.clock.now().date())  # completed by the service's today, not later
    qtbot.keyClick(dlg.badge, Qt.Key.Key_Return)
    run_until(qloop, qtbot, lambda: bool(dlg.problem_texts()))
    # Then the same dialog is still open, the refusal is beside the username, and nothing typed is lost
    assert dlg.isVisible()
    assert "is taken" in dlg.problem_texts()["username"]
    v = dlg.values()
    assert (v.username, v.full_name, v.title, v.badge, v.password) == (
        "disp1", "Dale Dispatcher", "Senior Dispatcher", "B-77", "Another-Passw0rd-42")
    assert v.roles == frozenset({Role.DISPATCHER}) and v.training is not None
    # and correcting the one field creates the account with the title
    dlg.username.setText("disp2")
    qtbot.keyClick(dlg.badge, Qt.Key.Key_Return)
    run_until(qloop, qtbot, lambda: not dlg.isVisible())
    made = next(u for u in admin.list_users(ui_ctx.actor) if u.username == "disp2")
    assert made.title == "Senior Dispatcher" and made.signature == "Dale Dispatcher, Senior Dispatcher"


def test_new_user_without_a_role_is_refused_beside_the_roles(qtbot, qloop, ui_ctx):
    panel = users_panel(qloop, qtbot, ui_ctx)
    dlg = open_dialog(qloop, qtbot, UserDialog, panel.new_user)
    qtbot.keyClicks(dlg.username, "cleo")
    qtbot.keyClicks(dlg.full_name, "Cleo Clerk")
    dlg.accept()
    run_until(qloop, qtbot, lambda: bool(dlg.problem_texts()))
    assert dlg.isVisible() and "at least one role" in dlg.problem_texts()["roles"]
    assert dlg.username.text() == "cleo"


INTAKE = {"agency": "Metro PD", "ori": "TX12345", "requester_name": "Det. Ray Vance",
          "requester_title": "Detective", "requester_contact": "555-0100", "case_number": "26-001122",
          "purpose": "Robbery investigation", "legal_basis": "", "plates": "abc123, XYZ9"}


def test_release_intake_refused_keeps_all_nine_fields_and_says_why_beside_them(qtbot, qloop, ui_ctx):
    # Given a records clerk on the Records screen opening a new release request
    clerk = ui_as(ui_ctx, Role.RECORDS_CLERK, "clerk1")
    screen = RecordsScreen(clerk)
    qtbot.addWidget(screen)
    dlg = open_dialog(qloop, qtbot, ReleaseIntakeDialog, screen.new_request)
    # When the nine fields are typed with a short ORI and no legal basis, and submitted
    for key, text in INTAKE.items():
        qtbot.keyClicks(dlg.f[key], text)
    dlg.use_range.setChecked(True)
    dlg.accept()
    run_until(qloop, qtbot, lambda: bool(dlg.problem_texts()))
    # Then the dialog stays open with each problem under its field, and every value is still there
    assert dlg.isVisible()
    problems = dlg.problem_texts()
    assert "9 characters" in problems.get("ori", ""), problems
    assert "legal basis" in problems["legal_basis"]
    assert {k: e.text() for k, e in dlg.f.items()} == INTAKE
    assert dlg.use_range.isChecked()
    assert clerk.services.records.releases.list(clerk.actor) == []
    # When the two fields are corrected, the same dialog enters the request
    dlg.f["ori"].setText("TX1234567")
    qtbot.keyClicks(dlg.f["legal_basis"], "Subpoena 26-S-14")
    dlg.accept()
    run_until(qloop, qtbot, lambda: not dlg.isVisible())
    (req,) = clerk.services.records.releases.list(clerk.actor)
    assert req.intake.requester_name == "Det. Ray Vance" and req.intake.scope.plates == ("ABC123", "XYZ9")
    assert dlg.problem_texts() == {}


def test_hold_refused_by_the_service_keeps_case_and_reason(qtbot, qloop, ui_ctx):
    # Given the hold dialog submitting to the real holds service as an investigator
    inv = ui_as(ui_ctx, Role.INVESTIGATOR, "inv1")
    holds = inv.services.records.holds

    async def place(values):  # noqa: ANN001, ANN202
        case, reason, review = values
        return await inv.call(holds.place, inv.actor, case, reason, review, [])

    dlg = HoldDialog(3, "26-000042", None, place)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.keyClicks(dlg.reason, "Evidence in a burglary case")
    dlg.review_on.setChecked(True)
    # When it is submitted with nothing selectable (the service refuses)
    dlg.accept()
    run_until(qloop, qtbot, lambda: bool(dlg.problem_texts()))
    # Then the dialog is open, shows why, and keeps the case, reason and review date
    assert dlg.isVisible()
    assert "Select at least one read" in dlg.problem_texts()[""]
    assert dlg.values()[:2] == ("26-000042", "Evidence in a burglary case")
    assert dlg.values()[2] is not None


def test_weak_reset_password_is_refused_in_the_dialog_which_stays_open(qtbot, qloop, ui_ctx):
    # Given a user selected in the Users panel and the Reset password dialog open
    admin = ui_ctx.services.administration
    admin.create_user(ui_ctx.actor, "disp1", "Dana Dispatcher", "Temp-Passw0rd-99", frozenset({Role.DISPATCHER}),
                      None, current_training())
    panel = users_panel(qloop, qtbot, ui_ctx, select="disp1")
    dlg = open_dialog(qloop, qtbot, ResetPasswordDialog, panel.reset_password)
    # When a short password is typed twice and submitted
    qtbot.keyClicks(dlg.password, "short1")
    qtbot.keyClicks(dlg.repeat, "short1")
    qtbot.keyClick(dlg.repeat, Qt.Key.Key_Return)
    run_until(qloop, qtbot, lambda: bool(dlg.problem_texts()))
    # Then the refusal is beside the password and the dialog is still open with both fields kept
    assert dlg.isVisible() and "password" in dlg.problem_texts()["password"].lower()
    assert dlg.password.text() == dlg.repeat.text() == "short1"
    # and a proper one is accepted by the same dialog
    for w in (dlg.password, dlg.repeat):
        w.setText("Orchard-Lantern-Violet-42")
    qtbot.keyClick(dlg.repeat, Qt.Key.Key_Return)
    run_until(qloop, qtbot, lambda: not dlg.isVisible())
    assert next(u for u in admin.list_users(ui_ctx.actor) if u.username == "disp1").must_change_password


def test_training_dialog_refuses_an_expiry_before_completion_beside_it(qtbot, qloop, ui_ctx):
    panel = users_panel(qloop, qtbot, ui_ctx, select="sup1")
    dlg = open_dialog(qloop, qtbot, TrainingDialog, panel.record_training)
    dlg.notes.setText("Refresher, classroom")
    dlg.expires.setDate(dlg.completed.date().addDays(-1))
    dlg.accept()
    run_until(qloop, qtbot, lambda: bool(dlg.problem_texts()))
    assert dlg.isVisible() and "after its completion" in dlg.problem_texts()["expires"]
    assert dlg.notes.text() == "Refresher, classroom"


def test_edit_user_sets_the_title_printed_on_documents(qtbot, qloop, ui_ctx):
    admin = ui_ctx.services.administration
    panel = users_panel(qloop, qtbot, ui_ctx, select="sup1")
    dlg = open_dialog(qloop, qtbot, UserDialog, panel.edit_user)
    qtbot.keyClicks(dlg.title, "Patrol Sergeant")
    qtbot.keyClick(dlg.title, Qt.Key.Key_Return)
    run_until(qloop, qtbot, lambda: not dlg.isVisible())
    (me,) = admin.list_users(ui_ctx.actor)
    assert me.signature == "Sam Supervisor, Patrol Sergeant"


def _bolo_dialog(qtbot, qapp):  # noqa: ANN001, ANN202
    from datetime import date

    from app.ui.dialogs.bolo_entry import BoloEntryDialog
    from app.ui.theme import DEFAULT_FONT_PT, apply_theme

    apply_theme(qapp, "dark", DEFAULT_FONT_PT)  # the console's reading size (12 pt)

    async def submit(*_a):  # noqa: ANN202
        return None

    dlg = BoloEntryDialog(submit, "Sam Supervisor (sup1)", date(2026, 12, 5), 30, 90, requesters=[(2, "Sue Second")])
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def test_a_dialog_full_of_problems_fits_the_screen_and_shows_every_line(qtbot, qapp):
    dlg = _bolo_dialog(qtbot, qapp)
    dlg.show_problems(["Pick the requesting officer.", "Case number is required.",
                       "Synopsis of the call is required (at least 10 characters).",
                       "The plate must be 2 to 8 letters or digits; partial plates are allowed only for major crimes.",
                       "State must be a 2-letter code.", "Something else went wrong."])
    # the dialog is no taller than a 768-line screen (the fields scroll) ...
    assert dlg.frameGeometry().height() <= min(768, dlg.screen().availableGeometry().height()), dlg.height()
    # ... and no error line is clipped: each is as tall as its wrapped text needs
    for key in ("officer", "case", "synopsis", "plate", "state"):
        label = dlg.errors[key]
        assert label.isVisible() and label.height() >= label.heightForWidth(label.width()), key


def test_the_fields_scroll_only_once_the_dialog_has_taken_the_free_height_of_the_screen(qtbot, qapp):
    # Given the BOLO form refused with two problems (a clerk's usual mistake) on the screen
    dlg = _bolo_dialog(qtbot, qapp)
    dlg.show_problems(["Case number is required.",
                       "The plate must be 2 to 8 letters or digits; partial plates are allowed only for major crimes."])
    # Then either every field is in view, or the dialog already takes all the height the screen leaves it
    # (it used to keep 200 px free and scroll rows away on a 768-line screen that had room for them)
    scrolls = dlg.scroll.verticalScrollBar().maximum() > 0
    assert not scrolls or dlg.frameGeometry().height() >= dlg.scroll.free_height() - 2, (
        dlg.height(), dlg.scroll.free_height())
    assert dlg.frameGeometry().height() <= dlg.screen().availableGeometry().height()


def test_a_dialog_closed_by_sign_out_while_its_service_call_runs_never_resumes_on_it(qtbot, qloop):
    import asyncio

    from app.ui.asyncio_qt import runner

    errors: list[dict] = []
    qloop.set_exception_handler(lambda _loop, context: errors.append(context))
    # Given a reason dialog whose service call is still running
    release = asyncio.Event()
    calls: list[str] = []

    async def submit(text):  # noqa: ANN001, ANN202
        calls.append(text)
        await release.wait()

    dlg = ReasonDialog("Reason for releasing the hold", "Release hold", None, submit)
    dlg.show()
    qtbot.keyClicks(dlg.text, "Case closed by the court")
    gone: list[bool] = []
    dlg.destroyed.connect(lambda *_: gone.append(True))

    async def spin(until, turns: int = 300) -> None:  # noqa: ANN001 - the loop runs, whatever tasks wait
        for _ in range(turns):
            if until():
                return
            await asyncio.sleep(0.01)

    dlg.accept()
    qloop.run_until_complete(spin(lambda: calls == ["Case closed by the court"]))
    assert calls and dlg.busy
    # When the dialog is destroyed (sign-out closes every window) before the call returns
    dlg.deleteLater()
    qloop.run_until_complete(spin(lambda: bool(gone)))
    assert gone
    release.set()
    qloop.run_until_complete(spin(lambda: False, 20))
    # Then its task went with it: nothing resumed on the deleted dialog ("Internal C++ object already deleted")
    assert errors == [] and runner(qloop).failures == []
