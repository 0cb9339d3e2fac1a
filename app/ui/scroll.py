"""Scroll areas for screens and panels: below their minimum size they scroll instead of growing the window."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


class _Holder(QWidget):
    """Holds the scrolled widget without passing on height-for-width.

    A resizable QScrollArea gives a height-for-width widget its *preferred* height for the width
    (word-wrapped labels, wrapping button rows): a screen that fits the viewport would scroll. Without
    it the area uses the viewport size, down to the widget's minimum size. (QScrollArea asks the
    layout, so the holder has none and places its one child itself.)
    """

    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.inner = widget
        widget.setParent(self)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.inner.minimumSizeHint().expandedTo(self.inner.minimumSize())

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.inner.sizeHint()

    def resizeEvent(self, _event: QResizeEvent) -> None:  # noqa: N802
        self.inner.setGeometry(self.rect())
        self._follow_wrapping()

    def _follow_wrapping(self) -> None:
        """Wrapped text needs more height when narrower: the minimum follows the width (then it scrolls)."""
        lay = self.inner.layout()
        if lay is None or not lay.hasHeightForWidth():
            return
        need = max(lay.totalMinimumHeightForWidth(self.width()), self.inner.minimumSizeHint().height())
        if need != self.minimumHeight():
            self.setMinimumHeight(need)

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.LayoutRequest:  # the inner widget's content changed (a hit opened, text wrapped)
            # the explicit minimum set for the old content would win over the new minimum size hint: the panel
            # stayed short and its last lines were squeezed and cut at the bottom instead of scrolling
            self._follow_wrapping()
            self.updateGeometry()
        return super().event(e)


def scrolling(widget: QWidget, name: str = "") -> QScrollArea:
    """``widget`` in a frameless, resizable scroll area (it fills the area when there is room)."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(_Holder(widget))
    if name:
        area.setObjectName(name)
    return area
