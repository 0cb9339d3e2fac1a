"""Issue 11: the approval inbox details pane is wide enough to read a long synopsis at 1366x768."""

from __future__ import annotations

from app.ui.screens.hotlists_inbox import ApprovalInboxPanel
from tests.app.ui.test_hotlists_screen import _draft, wait, world  # noqa: F401 - world is a fixture

SYNOPSIS = ("Caller reports an armed robbery at the First National Bank on Main Street; two suspects left "
            "northbound in a dark blue sedan, one wearing a red jacket, the other with a cast on the left arm; "
            "the teller saw a handgun and the suspects threatened to come back. " * 2)


def test_long_synopsis_reads_in_full_lines_and_the_pane_can_be_widened(qtbot, qloop, world):  # noqa: F811
    # Given a pending entry with a long synopsis entered by sup1, and sup2's inbox at 1366x768
    world["svc"].submit_local(world["sup"], _draft(synopsis=SYNOPSIS))
    inbox = ApprovalInboxPanel(world["ui"]("sup2"))
    qtbot.addWidget(inbox)
    inbox.resize(1366 - 200, 620)  # the navigation list takes the rest of the window's width
    inbox.show()
    inbox.reload()
    wait(qloop, qtbot, lambda: inbox.model.rowCount() == 1 and "First National" in inbox.details.text())
    # Then the details take a good share of the width (the old pane stopped at 290 px) ...
    assert inbox.details.width() >= 0.35 * inbox.width()
    # ... a synopsis line holds many words, not one word per line
    doc = inbox.details.document()
    doc.setTextWidth(inbox.details.viewport().width())
    lines = doc.documentLayout().documentSize().height() / inbox.details.fontMetrics().lineSpacing()
    assert lines < 40, lines
    # and the approver can drag the splitter to widen the details further
    sizes = inbox.body.sizes()
    inbox.body.setSizes([sizes[0] - 200, sizes[1] + 200])
    assert inbox.body.sizes()[1] > sizes[1]
