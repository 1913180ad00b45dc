"""py-explore's full-screen terminal UI (prompt_toolkit, imported only by this plugin).

Layout, top to bottom: the template line; under it, when the template does not parse, a caret at the column
and the parser's message; the result as ``kubectl get -o jsonpath`` prints it over the loaded List (left) and
the fields under the cursor's path with counts (right); a status line. Only the visible lines are ever laid
out (controls with lazy ``get_line``), evaluation runs off the event loop (:mod:`.evaluation`), and the UI is
drawn on the terminal itself (``/dev/tty``), never on stdout, so ``$(kubectl py-explore ...)`` works.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass, field

from prompt_toolkit.application import Application
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.completion import Completer, Completion, ThreadedCompleter
from prompt_toolkit.data_structures import Size
from prompt_toolkit.document import Document
from prompt_toolkit.filters import Condition
from prompt_toolkit.input.vt100 import Vt100Input
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.key_binding.bindings.basic import load_basic_bindings
from prompt_toolkit.layout import ConditionalContainer, Float, FloatContainer, HSplit, Layout, VSplit, Window
from prompt_toolkit.layout.controls import BufferControl, FormattedTextControl, UIContent, UIControl
from prompt_toolkit.layout.menus import CompletionsMenu
from prompt_toolkit.layout.processors import Processor, Transformation
from prompt_toolkit.layout.utils import explode_text_fragments
from prompt_toolkit.output.color_depth import ColorDepth
from prompt_toolkit.output.vt100 import Vt100_Output
from prompt_toolkit.styles import Style

from ..errors import KubectlPyError
from ..query.fields import FieldIndex, printable
from .clipboard import osc52
from .completion import ELEMENTS, FILTER_KEYS, FILTER_VALUES, Source, candidates, find_spot, tree_lines
from .evaluation import EMPTY, JSONPATH, JSONPATH_NG, Evaluator, LatestWins

ABANDONED = 130  # Esc or Ctrl-C: nothing printed
LINE_CUT = 2000  # characters of one result line laid out (a single line of `{.items}` can be megabytes)
TREE_MIN_WIDTH = 60  # narrower terminals show no field pane

HELP = "Tab complete · Enter print · ^Y copy · ^T ng · Esc quit"
SHORT_HELP = "Enter print · Esc quit"


class NoTerminal(KubectlPyError):
    """There is no terminal to draw on."""

    reason = "usage"


@dataclass
class Settings:
    """What the CLI hands over: the document templates see and how to leave."""

    document: dict  # the List of every item (or a single object), as py-query's templates see it
    items: list  # the items, for the field index
    contexts: int = 1
    failed: int = 0  # contexts that did not answer (named on stderr before the UI opened)
    template: str = ""  # to start with
    mode: str = JSONPATH
    render_ng: object = None  # (expression, document) -> text; None: no jsonpath-ng mode
    leave_with: object = None  # (template, mode) -> what Enter prints and Ctrl-Y sends
    env: dict = field(default_factory=lambda: dict(os.environ))


@dataclass(frozen=True)
class Outcome:
    code: int
    text: str = ""  # what to print on stdout


@dataclass
class Terminal:
    """The terminal to read keys from and draw on (two files: a tty cannot be opened "r+" as text)."""

    input: object
    output: object

    def close(self) -> None:
        self.input.close()
        self.output.close()


def open_terminal() -> Terminal:
    """The controlling terminal, for reading keys and drawing; NoTerminal when there is none."""
    try:
        tty_in = open("/dev/tty", "r", encoding="utf-8", errors="replace")
    except OSError:
        raise NoTerminal("py-explore needs a terminal: run it in one, or use --fields to list the fields") from None
    return Terminal(tty_in, open("/dev/tty", "w", encoding="utf-8", errors="replace"))


def run(settings: Settings, terminal: Terminal | None = None) -> Outcome:
    """Show the UI until the user leaves; ``terminal`` defaults to /dev/tty."""
    owned = terminal is None
    terminal = terminal or open_terminal()
    try:
        return Explorer(settings, terminal).run()
    finally:
        if owned:
            terminal.close()


class Explorer:
    def __init__(self, settings: Settings, terminal):
        self.settings = settings
        self.terminal = terminal
        self.mode = settings.mode
        self.source = None  # completion.Source, once the field index is built (in a thread)
        self.scroll = 0  # first result line shown
        self.message = ""  # a one-off note on the status line (copy sent, refusals)
        self.evaluator = Evaluator(settings.document, settings.render_ng)
        self.runner = LatestWins(self.evaluator.run, self._invalidate, self.evaluator.quick)
        self.app = None
        self._tree_cache = (None, [])
        self.result_height = 0

    # -- running ---------------------------------------------------------------------------------------

    def run(self) -> Outcome:
        self.app = self._build_app()
        threading.Thread(target=self._index, name="py-explore-index", daemon=True).start()
        self._submit()
        # a key waits for the interpreter lock while the worker evaluates: hand it over every 1 ms, not 5 ms
        switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(0.001)
        try:
            result = self.app.run(set_exception_handler=False)
        finally:
            sys.setswitchinterval(switch_interval)
            self.runner.close()
        return result if isinstance(result, Outcome) else Outcome(ABANDONED)

    def _index(self) -> None:
        document = self.settings.document
        is_list = isinstance(document.get("items"), list) and document.get("kind") == "List"
        index = FieldIndex.build(self.settings.items if is_list else [document])
        list_fields = FieldIndex.build([{k: v for k, v in document.items() if k != "items"}]) if is_list else None
        self.source = Source(index, is_list, len(self.settings.items), list_fields)
        self._invalidate()
        # The first `[` on a list offers filters from its elements' most frequent values, which walks every
        # item (68 ms on 10,000 pods): count them now, off the keyboard's path, so the menu finds them cached.
        for leaf in index.leaf_paths():
            if ELEMENTS in leaf.path and leaf.path.endswith(FILTER_KEYS):
                index.frequent_values(leaf.path, FILTER_VALUES)

    def _invalidate(self) -> None:
        if self.app is not None:
            self.app.invalidate()

    def _submit(self) -> None:
        self.runner.submit(self.buffer.text, self.mode)
        self.scroll = 0

    # -- what is shown ---------------------------------------------------------------------------------

    def _result_lines(self):
        """The newest output without an error: kept on screen while the template fails or is evaluated."""
        good = self.runner.good
        return good.output if good is not None else EMPTY

    def _error(self):
        shown = self.runner.shown
        return shown if shown is not None and shown.error else None

    def _status(self) -> list:
        runner, settings = self.runner, self.settings
        parts = []
        waiting = runner.waiting
        items = len(settings.items)
        parts.append(f"{items:,} object{'s' if items != 1 else ''}")
        parts.append(
            f"{settings.contexts} context{'s' if settings.contexts != 1 else ''}"
            + (f" ({settings.failed} failed)" if settings.failed else "")
        )
        good = runner.good
        if good is not None:
            count = f"{good.output.count:,}" + ("+ (counting)" if not good.complete else "")
            parts.append(f"{count} line{'s' if good.output.count != 1 else ''}")
            parts.append(f"{good.elapsed_ms:.0f} ms")
        parts.append(self.mode)
        if self.source is None:
            parts.append("indexing fields")
        text = ("… " if waiting else "") + " · ".join(parts)
        if self.message:
            text += " · " + self.message
        room = self.app.output.get_size().columns - len(text) - 2
        help_text = next((h for h in (HELP, SHORT_HELP) if len(h) <= room), "")
        return [("class:status", text), ("class:status.help", "  " + help_text if help_text else "")]

    def _caret_line(self) -> list:
        error = self._error()
        if error is None:
            return []
        message = printable(error.error)
        if error.caret is None:
            return [("class:error", message)]
        column = max(0, error.caret - self.template_window.horizontal_scroll)
        return [("", " " * column), ("class:error", "^ " + message)]

    def _tree(self) -> list:
        """The side pane's lines (lists of fragments) for the path under the cursor, cached per path."""
        source = self.source
        if source is None:
            return [[("class:tree.head", "indexing fields…")]]
        spot = find_spot(self.buffer.text, self.buffer.cursor_position, self.mode == JSONPATH)
        # outside an action (after a closing brace) the pane keeps the last path it showed
        path = spot.path if spot is not None else (self._tree_cache[0] or "")
        if self._tree_cache[0] != path:
            lines = [[("class:tree.head", printable(path or "(root)"))]]
            for level, key, count, types, example in tree_lines(source, path):
                line = [("class:tree.key", "  " * level + printable(key)), ("class:tree.count", f"  {count:,}")]
                if example and "object" not in types and "array" not in types:
                    line.append(("class:tree.example", "  " + printable(example)))
                lines.append(line)
            self._tree_cache = (path, lines)
        return self._tree_cache[1]

    # -- leaving ---------------------------------------------------------------------------------------

    def _leaving_text(self) -> str:
        text = self.buffer.text
        leave_with = self.settings.leave_with
        return leave_with(text, self.mode) if leave_with else text

    def _copy(self) -> None:
        sequence = osc52(self._leaving_text(), tmux=bool(self.settings.env.get("TMUX")))
        if sequence is None:
            self.message = "too long for the terminal's clipboard"
            return
        self.app.output.write_raw(sequence)
        self.app.output.flush()
        self.message = "sent to terminal (OSC 52)"

    # -- the application -------------------------------------------------------------------------------

    def _build_app(self):
        no_color = bool(self.settings.env.get("NO_COLOR"))
        self.buffer = Buffer(
            document=_document(self.settings.template),
            multiline=False,
            completer=ThreadedCompleter(DataCompleter(self)),
            complete_while_typing=True,
            on_text_changed=lambda _buffer: self._on_text_changed(),
            on_cursor_position_changed=lambda _buffer: self._invalidate(),
        )
        # every width is exact: prompt_toolkit then divides no widths itself (a cost on every redraw)
        prompt_width = self._prompt_width
        self.template_window = Window(
            BufferControl(self.buffer, input_processors=[MarkError(self)]),
            height=1,
            width=lambda: self._columns() - prompt_width(),
            wrap_lines=False,
        )
        prompt_window = Window(
            FormattedTextControl(lambda: [("class:prompt", f"{self.mode}> ")]), width=prompt_width, height=1
        )
        has_error = Condition(lambda: self._error() is not None)
        wide = Condition(lambda: self._columns() >= TREE_MIN_WIDTH)
        caret_window = VSplit(
            [
                Window(width=prompt_width, height=1),
                Window(
                    FormattedTextControl(self._caret_line), height=1, width=lambda: self._columns() - prompt_width()
                ),
            ]
        )
        result_window = Window(ResultControl(self), wrap_lines=False, width=self._result_width)
        tree_window = Window(LinesControl(self._tree), width=self._tree_width, wrap_lines=False, style="class:tree")
        body = HSplit(
            [
                VSplit([prompt_window, self.template_window]),
                ConditionalContainer(caret_window, filter=has_error),
                VSplit(
                    [
                        result_window,
                        ConditionalContainer(
                            VSplit([Window(width=1, char="│", style="class:separator"), tree_window]), filter=wide
                        ),
                    ]
                ),
                Window(FormattedTextControl(self._status), height=1, width=self._columns, style="class:status"),
            ]
        )
        root = FloatContainer(
            body, floats=[Float(xcursor=True, ycursor=True, content=CompletionsMenu(max_height=12, scroll_offset=1))]
        )
        output = Vt100_Output(
            self.terminal.output,
            lambda: _size(self.terminal.output),
            term=self.settings.env.get("TERM"),
            default_color_depth=ColorDepth.DEPTH_1_BIT if no_color else None,
            enable_cpr=False,
        )
        app = Application(
            layout=Layout(root, focused_element=self.template_window),
            key_bindings=merge_key_bindings([load_basic_bindings(), self._key_bindings()]),
            style=_style(no_color),
            full_screen=True,
            mouse_support=False,
            color_depth=ColorDepth.DEPTH_1_BIT if no_color else None,
            input=Vt100Input(self.terminal.input),
            output=output,
            min_redraw_interval=0.0,
            max_render_postpone_time=0.01,
        )
        app.ttimeoutlen = 0.05  # a lone Esc is known after 50 ms instead of 0.5 s
        app.timeoutlen = 0.05
        return app

    def _on_text_changed(self) -> None:
        self.message = ""
        self._submit()

    def _key_bindings(self):
        kb = KeyBindings()
        menu_open = Condition(lambda: bool(self.buffer.complete_state and self.buffer.complete_state.completions))

        @kb.add("enter", filter=menu_open)
        def _accept(event):
            state = self.buffer.complete_state
            if state.current_completion is not None or self._typed_is_complete():
                self.buffer.complete_state = None  # the chosen one is in the text already: close the menu
                return
            completion = state.completions[0]  # nothing chosen yet: take the first candidate
            self.buffer.cancel_completion()
            self.buffer.delete_before_cursor(-completion.start_position)
            self.buffer.insert_text(completion.text, fire_event=False)

        @kb.add("enter", filter=~menu_open)
        def _leave(event):
            error = self._error()
            if error is not None and error.caret is not None:
                self.message = "the template does not parse: fix it, or Esc to leave"
                return
            event.app.exit(result=Outcome(0, self._leaving_text()))

        @kb.add("escape", filter=menu_open)
        def _close_menu(event):
            self.buffer.cancel_completion()

        @kb.add("escape", filter=~menu_open)
        @kb.add("c-c")
        def _abandon(event):
            event.app.exit(result=Outcome(ABANDONED))

        @kb.add("tab")
        def _complete(event):
            if self.buffer.complete_state:
                self.buffer.complete_next()
            else:
                self.buffer.start_completion(insert_common_part=True)

        @kb.add("s-tab")
        def _complete_back(event):
            if self.buffer.complete_state:
                self.buffer.complete_previous()

        @kb.add("down", filter=menu_open)
        def _next(event):
            self.buffer.complete_next()

        @kb.add("up", filter=menu_open)
        def _previous(event):
            self.buffer.complete_previous()

        @kb.add("down", filter=~menu_open)
        def _scroll_down(event):
            self._scroll_by(1)

        @kb.add("up", filter=~menu_open)
        def _scroll_up(event):
            self._scroll_by(-1)

        @kb.add("pagedown")
        def _page_down(event):
            self._scroll_by(max(1, self._result_height() - 1))

        @kb.add("pageup")
        def _page_up(event):
            self._scroll_by(-max(1, self._result_height() - 1))

        @kb.add("c-t", filter=Condition(lambda: self.settings.render_ng is not None))
        def _toggle_mode(event):
            self.mode = JSONPATH_NG if self.mode == JSONPATH else JSONPATH
            self.message = ""
            self._submit()

        @kb.add("c-y")
        def _clipboard(event):
            self._copy()

        @kb.add("c-a")
        def _home(event):
            self.buffer.cursor_position = 0

        @kb.add("c-e")
        def _end(event):
            self.buffer.cursor_position = len(self.buffer.text)

        @kb.add("c-u")
        def _kill_before(event):
            self.buffer.delete_before_cursor(self.buffer.cursor_position)

        @kb.add("c-k")
        def _kill_after(event):
            self.buffer.delete(len(self.buffer.text) - self.buffer.cursor_position)

        @kb.add("c-w")
        def _kill_word(event):
            position = self.buffer.document.find_start_of_previous_word(WORD=False)
            if position:
                self.buffer.delete_before_cursor(-position)

        return kb

    def _typed_is_complete(self) -> bool:
        """The word under the cursor is already a whole candidate (a key typed in full)."""
        source, text, cursor = self.source, self.buffer.text, self.buffer.cursor_position
        spot = find_spot(text, cursor, self.mode == JSONPATH)
        if source is None or spot is None or spot.kind is None:
            return False
        typed = text[spot.start : cursor]
        return any(candidate.text == typed for candidate in candidates(spot, source))

    def _columns(self) -> int:
        return self.app.output.get_size().columns

    def _prompt_width(self) -> int:
        return len(f"{self.mode}> ")

    def _tree_width(self) -> int:
        return max(24, min(48, self._columns() // 3)) if self._columns() >= TREE_MIN_WIDTH else 0

    def _result_width(self) -> int:
        tree = self._tree_width()
        return self._columns() - (tree + 1 if tree else 0)

    def _result_height(self) -> int:
        return self.result_height or 10

    def _scroll_by(self, lines: int) -> None:
        total = self._result_lines().count
        self.scroll = max(0, min(self.scroll + lines, max(0, total - 1)))


def _size(tty) -> Size:
    try:
        columns, rows = os.get_terminal_size(tty.fileno())
    except OSError:
        columns, rows = 0, 0
    return Size(rows=rows or 24, columns=columns or 80)


def _document(text: str):
    return Document(text, len(text))


def _style(no_color: bool):
    if no_color:  # NO_COLOR: attributes only, never a colour
        return Style.from_dict(
            {
                "prompt": "bold",
                "error": "bold",
                "error-char": "reverse",
                "status": "reverse",
                "status.help": "",
                "tree.head": "bold underline",
                "tree.count": "",
                "tree.example": "",
                "completion-menu.completion.current": "reverse",
                "completion-menu.meta.completion.current": "reverse",
            }
        )
    return Style.from_dict(
        {
            "prompt": "bold ansicyan",
            "error": "ansired bold",
            "error-char": "bg:ansired ansiwhite",
            "status": "reverse",
            "tree.head": "bold",
            "tree.key": "ansicyan",
            "tree.count": "ansiyellow",
            "tree.example": "ansibrightblack",
            "separator": "ansibrightblack",
        }
    )


class ResultControl(UIControl):
    """The result, only the visible lines laid out: ``get_line`` reads them on demand."""

    def __init__(self, explorer: Explorer):
        self.explorer = explorer

    def is_focusable(self) -> bool:
        return False

    def create_content(self, width: int, height: int) -> UIContent:
        explorer = self.explorer
        explorer.result_height = height
        lines = explorer._result_lines()
        first = min(explorer.scroll, max(0, lines.count - 1))
        shown = max(0, min(height, lines.count - first))

        def get_line(row: int):
            text = lines.line(first + row)
            cut = len(text) > LINE_CUT
            return [("", printable(text[:LINE_CUT].expandtabs(8)) + ("…" if cut else ""))]

        return UIContent(get_line=get_line, line_count=shown, show_cursor=False)


class LinesControl(UIControl):
    """Lines of fragments from ``get_lines()``, only as many as fit laid out."""

    def __init__(self, get_lines):
        self.get_lines = get_lines

    def is_focusable(self) -> bool:
        return False

    def create_content(self, width: int, height: int) -> UIContent:
        lines = self.get_lines()
        return UIContent(get_line=lambda row: lines[row], line_count=min(len(lines), height), show_cursor=False)


class MarkError(Processor):
    """Shows the character where the template stops parsing in reverse video."""

    def __init__(self, explorer: Explorer):
        self.explorer = explorer

    def apply_transformation(self, ti):
        error = self.explorer._error()
        if error is None or error.caret is None or error.caret >= len(ti.document.text):
            return Transformation(ti.fragments)
        fragments = explode_text_fragments(ti.fragments)
        if error.caret < len(fragments):
            style, text = fragments[error.caret][:2]
            fragments[error.caret] = (style + " class:error-char", text)
        return Transformation(fragments)


class DataCompleter(Completer):
    """Keys, elements and filter values present in the loaded items (see :mod:`.completion`)."""

    def __init__(self, explorer: Explorer):
        self.explorer = explorer

    def get_completions(self, document, complete_event):
        source = self.explorer.source
        if source is None:
            return
        text, cursor = document.text, document.cursor_position
        spot = find_spot(text, cursor, self.explorer.mode == JSONPATH)
        if spot is None or spot.kind is None:
            return
        typed = text[spot.start : cursor]
        for candidate in candidates(spot, source):
            if candidate.text == typed:
                continue  # already there
            yield Completion(
                candidate.text,
                start_position=spot.start - cursor,
                display=candidate.display,
                display_meta=candidate.meta,
            )
