"""What ``py-query -w`` prints: the list, then one line (or one document) per change, as ``kubectl get -w``.

Tables are aligned as kubectl's tabwriter aligns them while watching: the list is one aligned block,
then each change is printed at once, its columns as wide as the widest cell printed so far (no line
already printed is re-padded). Documents (json, yaml, jsonpath, name, custom-columns) come one per change.
"""

from __future__ import annotations

import sys

from .. import query as engine
from .. import terminal

MIN_WIDTH, PADDING = 6, 3  # kubectl's tabwriter: minwidth 6, padding 3, RememberWidths
EVENT_CELLS = {"ADDED": "ADDED   ", "MODIFIED": "MODIFIED", "DELETED": "DELETED ", "ERROR": "ERROR   "}


class Tabs:
    """Aligned lines whose column widths only grow (tabwriter.RememberWidths, one flush per change)."""

    def __init__(self, out):
        self.out = out
        self.widths: list = []

    def block(self, rows: list) -> None:
        rows = [[terminal.cell(cell) for cell in row] for row in rows]
        for row in rows:
            for i, cell in enumerate(row[:-1]):
                width = max(MIN_WIDTH, len(cell) + PADDING)
                if i == len(self.widths):
                    self.widths.append(width)
                elif width > self.widths[i]:
                    self.widths[i] = width
        self.out.write(
            "".join(
                "".join(cell.ljust(width) for cell, width in zip(row[:-1], self.widths))
                + (row[-1] if row else "")
                + "\n"
                for row in rows
            )
        )
        self.out.flush()


class TablePrinter:
    """Server-rendered rows, with CONTEXT (several contexts), EVENT (``--output-watch-events``) and
    NAMESPACE (``-A``) columns first, in that order."""

    def __init__(
        self,
        cell,
        multi: bool,
        wide: bool,
        namespace_column: bool,
        events: bool,
        no_headers: bool,
        watch_only: bool,
        out=None,
    ):
        self.cell, self.multi, self.wide, self.events = cell, multi, wide, events
        self.namespace_column, self.no_headers, self.watch_only = namespace_column, no_headers, watch_only
        self.tabs = Tabs(out or sys.stdout)
        self.keep = None  # indices of the server's columns to print
        self.headers = None
        self.header_printed = no_headers

    def columns(self, kind: tuple) -> None:
        """``kind``: (the server's column definitions, whether the type is namespaced)."""
        definitions, namespaced = kind
        if self.keep is not None or not definitions:
            return
        self.namespace_column = self.namespace_column and namespaced
        self.keep = [i for i, c in enumerate(definitions) if self.wide or c.get("priority", 0) == 0]
        self.headers = (
            (["CONTEXT"] if self.multi else [])
            + (["EVENT"] if self.events else [])
            + (["NAMESPACE"] if self.namespace_column else [])
            + [definitions[i]["name"].upper() for i in self.keep]
        )

    def listed(self, lists: list) -> None:
        for _, _, kind, _ in lists:
            self.columns(kind)
        if not self.watch_only:
            self.changes([change for *_, changes in lists for change in changes])

    def changes(self, changes: list) -> None:
        if not changes or self.keep is None:
            return
        rows = [self._row(change) for change in changes]
        if not self.header_printed:
            rows.insert(0, self.headers)
            self.header_printed = True
        self.tabs.block(rows)

    def _row(self, change) -> list:
        cells, namespace = change.payload
        row = [self.cell(cells[i]) if i < len(cells) else "" for i in self.keep]
        if self.namespace_column:
            row.insert(0, namespace)
        if self.events:
            row.insert(0, EVENT_CELLS.get(change.type, change.type))
        if self.multi:
            row.insert(0, change.context)
        return row


class DocumentPrinter:
    """One document per change: the object (with its ``context`` key, as py-query's items), or with
    ``--output-watch-events`` the event ``{"type": ..., "object": ...}``. ``render(document)`` applies a
    jsonpath template."""

    def __init__(
        self,
        fmt,
        multi: bool,
        events: bool,
        managed_fields: bool,
        watch_only: bool,
        render,
        no_headers: bool = False,
        out=None,
    ):
        self.fmt, self.multi, self.events, self.managed_fields = fmt, multi, events, managed_fields
        self.watch_only, self.render, self.no_headers = watch_only, render, no_headers
        self.out = out or sys.stdout
        self.printed = 0
        self.tabs = Tabs(self.out)
        self.custom = None
        if fmt.name == "custom-columns":
            from .custom_columns import has_context_column, parse_spec

            self.custom = parse_spec(fmt.argument)
            self.multi = multi and not has_context_column(self.custom)  # the user's CONTEXT is not doubled

    def columns(self, kind: tuple) -> None:
        pass

    def listed(self, lists: list) -> None:
        if not self.watch_only:
            self.changes([change for *_, changes in lists for change in changes])

    def changes(self, changes: list) -> None:
        for change in changes:
            obj = engine.tag([change.payload], change.context, self.managed_fields)[0]
            document = {"type": change.type, "object": obj} if self.events else obj
            self.out.write(self._text(document, obj))
            self.printed += 1
        self.out.flush()

    def _text(self, document, obj) -> str:
        name = self.fmt.name
        if name == "json":
            from .structured import to_json

            return to_json(document)
        if name == "yaml":
            from .structured import to_yaml

            return ("---\n" if self.printed else "") + to_yaml(document)
        if name == "name":
            from .name import object_name

            return (f"{obj[engine.CONTEXT_KEY]}\t" if self.multi else "") + object_name(obj) + "\n"
        if name == "custom-columns":
            from .custom_columns import rows_for

            row = ([obj[engine.CONTEXT_KEY]] if self.multi else []) + rows_for([obj], self.custom)[0]
            rows = [[str(cell) for cell in row]]
            if not self.printed and not self.no_headers:
                rows.insert(0, (["CONTEXT"] if self.multi else []) + [h for h, _ in self.custom])
            self.tabs.block(rows)
            return ""
        return self.render(document)
