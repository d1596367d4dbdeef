"""Coloured words that stay readable: an error's red, a warning's orange, a success's green and a
quiet grey, each made as dark (on a light window) or as light (on a dark one) as it must be to
read at 4.5:1 against what is behind it, the WCAG AA contrast for text. Fixed for a light window,
they read at 2.4 to 2.6:1 on a dark theme's #353535, and at about 4:1 on Fusion's light #efefef.

`set_tone(label, ERROR)` colours a widget's text and keeps it readable when the app's palette
changes; `outline` gives a border's colour (3:1), `readable` such a colour for anything else. A
tone may also be a palette role as style sheets name it ("palette(placeholder-text)", the hints'
colour), used as it is: a line that is a hint at times and an error at others."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QWidget

# The hues, as they look on a white window.
ERROR = "#d93025"
WARNING = "#b06000"
OK = "#188038"
QUIET = "#808080"  # secondary words (when the trials were last read)
TEXT_CONTRAST = 4.5  # WCAG AA, for text
BORDER_CONTRAST = 3.0  # WCAG AA, for a control's outline
LIGHTNESS_STEP = 0.02


def luminance(colour: QColor) -> float:
    """WCAG relative luminance, 0 (black) to 1 (white)."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF())
            + 0.0722 * linear(colour.blueF()))


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def readable(colour: str | QColor, *backgrounds: QColor,
             ratio: float = TEXT_CONTRAST) -> QColor:
    """`colour`'s hue, darkened (on light backgrounds) or lightened (on dark ones) until it reads
    at `ratio` against every one of `backgrounds`; unchanged where it already does."""
    result = QColor(colour)
    if not backgrounds:
        return result
    dark = sum(luminance(b) for b in backgrounds) / len(backgrounds) < 0.18
    hue, saturation, lightness, _ = result.getHslF()
    while min(contrast(result, b) for b in backgrounds) < ratio:
        if (dark and lightness >= 1.0) or (not dark and lightness <= 0.0):
            break  # white or black: as far as it goes
        lightness = min(1.0, lightness + LIGHTNESS_STEP) if dark else max(
            0.0, lightness - LIGHTNESS_STEP)
        result = QColor.fromHslF(max(hue, 0.0), saturation, lightness)
    return result


def background(widget: QWidget) -> QColor:
    """The colour behind a widget's words: its palette's window (or base, for a field)."""
    return widget.palette().color(widget.backgroundRole())


def outline(widget: QWidget, tone: str = ERROR) -> str:
    """A border's colour in `tone` (a field whose value cannot be used: red), seen at 3:1
    against the widget's background."""
    return readable(tone, background(widget), ratio=BORDER_CONTRAST).name()


def is_role(tone: str) -> bool:
    """Whether `tone` is a palette role ("palette(placeholder-text)") rather than a colour."""
    return tone.startswith("palette(")


def tone_style(widget: QWidget, tone: str) -> str:
    """A style sheet that colours the widget's text in `tone`, readable where it is (a palette
    role: the palette's own colour)."""
    if is_role(tone):
        return f"color: {tone};"
    return f"color: {readable(tone, background(widget)).name()};"


class _Follower(QObject):
    """Colours its widget's text again when the widget's palette changes (a new parent)."""

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.PaletteChange:
            _apply(watched)
        return super().eventFilter(watched, event)


class _ThemeWatcher(QObject):
    """One for the app: colours every toned widget's text again when the app's palette changes
    (a theme switched). Qt says so to the application object, not to a widget with a style
    sheet, which also keeps the palette it had when its sheet was applied: its own window colour
    stays the old one, while the window behind it has turned dark. So once every widget has had
    the new palette (on the next turn of the event loop), each toned widget's sheet is taken off,
    which gives it the palette it is shown on, and its colour is measured against that."""

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if watched is QCoreApplication.instance() and event.type() == QEvent.ApplicationPaletteChange:
            QTimer.singleShot(0, self, _apply_all)
        return super().eventFilter(watched, event)


_watcher: _ThemeWatcher | None = None


def _watch_theme() -> None:
    global _watcher
    app = QCoreApplication.instance()
    try:
        if _watcher is not None and _watcher.parent() is app:
            return
    except RuntimeError:  # the application it watched is gone
        pass
    _watcher = _ThemeWatcher(app)
    app.installEventFilter(_watcher)


def _apply_all() -> None:
    for widget in QApplication.allWidgets():
        if widget.property("tone"):
            _apply(widget, fresh=True)


def set_tone(widget: QWidget, tone: str | None) -> None:
    """Colour the widget's text in `tone` (ERROR, WARNING, OK, QUIET, a colour or a palette
    role such as "palette(placeholder-text)"; None: the palette's own text colour), readable on
    its background now and after the palette changes."""
    widget.setProperty("tone", tone or "")
    _watch_theme()
    if widget.findChild(_Follower, options=Qt.FindDirectChildrenOnly) is None:
        follower = _Follower(widget)
        widget.installEventFilter(follower)
    _apply(widget)


def tone_of(widget: QWidget) -> str | None:
    """The tone `set_tone` gave the widget, or None."""
    return widget.property("tone") or None


def _apply(widget: QWidget, fresh: bool = False) -> None:
    """`fresh`: measure against the palette the widget is shown on (after a theme switch: its
    style sheet kept the old one)."""
    if fresh and widget.styleSheet():
        widget.setStyleSheet("")
    tone = widget.property("tone")
    style = tone_style(widget, tone) if tone else ""
    if widget.styleSheet() != style:  # unchanged: no new polish, no new palette event
        widget.setStyleSheet(style)

