"""Coloured words that stay readable: an error's red, a warning's orange, a success's green and a
quiet grey, each made as dark (on a light window) or as light (on a dark one) as it must be to
read at 4.5:1 against what is behind it, the WCAG AA contrast for text. Fixed for a light window,
they read at 2.4 to 2.6:1 on a dark theme's #353535, and at about 4:1 on Fusion's light #efefef.

`set_tone(label, ERROR)` colours a widget's text and keeps it readable when the app's palette
changes; `outline` gives a border's colour (3:1), `readable` such a colour for anything else,
and `over` the colour a translucent fill makes over an opaque one (words are read against it).
`follow_palette(widget, redraw)` is the one way a widget is told that the palette it is shown on
has changed (set_tone's own included): rich text with colours made from the palette, a table's
cells, a style sheet made from palette colours."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QWidget

# The hues, as they look on a white window.
ERROR = "#d93025"
WARNING = "#b06000"
OK = "#188038"
QUIET = "#6f6f6f"  # secondary words: hints, notes, captions (the one grey of widgets.hint_text)
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


def over(fill: QColor, behind: QColor) -> QColor:
    """`fill`, at its own alpha, painted over the opaque `behind`: the colour seen (opaque), what
    words on a translucent cell's background are read against."""
    share = fill.alphaF()
    return QColor.fromRgbF(*(share * a + (1 - share) * b for a, b in zip(
        fill.getRgbF()[:3], behind.getRgbF()[:3], strict=True)))


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


def tone_style(widget: QWidget, tone: str) -> str:
    """A style sheet that colours the widget's text in `tone`, readable where it is."""
    return f"color: {readable(tone, background(widget)).name()};"


FOLLOWED = "palette_followed"  # a widget's property: it has a _Follower


class _ThemeWatcher(QObject):
    """One for the app: when the app's palette has changed (a theme switched), gives every
    widget the new palette and tells its followers, on the next turn of the event loop.

    Qt says so to the application object and to its windows, which pass the palette on to the
    widgets inside them, but not to a widget with a style sheet nor to anything inside one: such
    a widget keeps the palette it had when its sheet was applied. Its words stayed black on the
    dark window, its palette() colours in the sheet those of the light one, and its window
    colour the old one, which colours made readable were measured against. Each such sheet is
    applied again here, outer widgets first, which gives the widgets the palette they are shown
    on."""

    def __init__(self, app: QObject) -> None:
        super().__init__(app)
        self.generation = 0  # app palette changes so far
        # The app's signal, not an event filter on the app: such a filter is called in Python
        # for every event of every object (each paint and mouse move), which the GUI thread felt.
        app.paletteChanged.connect(self._palette_changed)

    def _palette_changed(self, _palette) -> None:
        self.generation += 1
        QTimer.singleShot(0, self, self._tell)

    def _tell(self) -> None:
        # The windows' own notices, posted by Qt after this call was: handled first, so that
        # each window has the new palette, and each widget told by Qt has redrawn.
        QCoreApplication.sendPostedEvents(None, QEvent.ApplicationPaletteChange)
        # Asked of the widgets there are, not kept in a list: a follower goes with its widget.
        widgets = QApplication.allWidgets()
        styled = [widget for widget in widgets if widget.styleSheet()]
        for widget in sorted(styled, key=_depth):
            sheet = widget.styleSheet()
            widget.setStyleSheet("")  # the palette it had before its sheet: none of its own
            if not widget.styleSheet():  # (a follower told of that may have set a new one)
                widget.setStyleSheet(sheet)
        for widget in widgets:
            if widget.property(FOLLOWED):
                for follower in widget.findChildren(_Follower, options=Qt.FindDirectChildrenOnly):
                    follower.theme_switched()


def _depth(widget: QWidget) -> int:
    depth = 0
    while (widget := widget.parentWidget()) is not None:
        depth += 1
    return depth


_watcher: _ThemeWatcher | None = None


def watch_theme() -> None:
    """From now on, a theme switched while the app runs reaches every widget (see
    _ThemeWatcher); set_tone and follow_palette start this too. Once for the app."""
    _theme_watcher()


def _theme_watcher() -> _ThemeWatcher:
    global _watcher
    app = QCoreApplication.instance()
    try:
        if _watcher is not None and _watcher.parent() is app:
            return _watcher
    except RuntimeError:  # the application it watched is gone
        pass
    _watcher = _ThemeWatcher(app)
    return _watcher


class _Follower(QObject):
    """Calls `redraw` when the palette its widget is shown on changes: at once when the
    widget's own palette changes (a new parent, a palette set on its window), and when the app's
    has (a theme switched), once every widget has had it, unless the widget's own change came
    with it. A child of the widget: it goes with the widget."""

    def __init__(self, widget: QWidget, redraw: Callable[[], None]) -> None:
        super().__init__(widget)
        self.redraw = redraw
        self._seen = -1  # the app palette change its widget's own PaletteChange came with
        widget.setProperty(FOLLOWED, True)
        widget.installEventFilter(self)
        _theme_watcher()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.PaletteChange and watched is self.parent():
            self._seen = _theme_watcher().generation
            self.redraw()
        return super().eventFilter(watched, event)

    def theme_switched(self) -> None:
        if self._seen != _theme_watcher().generation:  # no PaletteChange came: not told
            self.redraw()


class _ToneFollower(_Follower):
    """set_tone's: colours its widget's text again (it keeps no reference to the widget, which
    it goes with)."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget, self._retone)

    def _retone(self) -> None:
        _apply(self.parent())


class _OutlineFollower(_Follower):
    """set_outline's: makes its widget's border again for the palette it is shown on."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget, self._redraw)

    def _redraw(self) -> None:
        _apply_outline(self.parent())


OUTLINE_STYLE = "border: 1px solid {colour};"


def set_outline(widget: QWidget, on: bool, style: str = OUTLINE_STYLE, tone: str = ERROR) -> None:
    """Mark the widget (a field whose value cannot be used) with a border in `tone`, seen at 3:1
    against its background now and after the palette changes (`style`: the style sheet, with
    `{colour}` for the border's colour); `on` False takes it away. It replaces the widget's
    style sheet: set no other."""
    widget.setProperty("outline_style", style if on else "")
    widget.setProperty("outline_tone", tone)
    if on and widget.findChild(_OutlineFollower, options=Qt.FindDirectChildrenOnly) is None:
        _OutlineFollower(widget)
    _apply_outline(widget)


def _apply_outline(widget: QWidget) -> None:
    style = widget.property("outline_style") or ""
    if style:
        style = style.format(colour=outline(widget, widget.property("outline_tone")))
    if widget.styleSheet() != style:  # unchanged: no new polish, no new palette event
        widget.setStyleSheet(style)


def follow_palette(widget: QWidget, redraw: Callable[[], None]) -> None:
    """Call `redraw` (which colours `widget` again from the palette it is shown on: a rich
    text's hint_span, a table's cells, a style sheet made from palette colours) whenever that
    palette changes: a new parent, or a theme switched while the widget is shown or hidden."""
    _Follower(widget, redraw)


def set_tone(widget: QWidget, tone: str | None) -> None:
    """Colour the widget's text in `tone` (ERROR, WARNING, OK, QUIET or another colour; None:
    the palette's own text colour), readable on its background now and after the palette
    changes. It replaces the widget's style sheet: set no other."""
    widget.setProperty("tone", tone or "")
    if widget.findChild(_ToneFollower, options=Qt.FindDirectChildrenOnly) is None:
        _ToneFollower(widget)
    _apply(widget)


def tone_of(widget: QWidget) -> str | None:
    """The tone `set_tone` gave the widget, or None."""
    return widget.property("tone") or None


def _apply(widget: QWidget) -> None:
    tone = widget.property("tone")
    style = tone_style(widget, tone) if tone else ""
    if widget.styleSheet() != style:  # unchanged: no new polish, no new palette event
        widget.setStyleSheet(style)

