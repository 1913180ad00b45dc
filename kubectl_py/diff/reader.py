"""py-diff's reading side: every source read concurrently, each object flattened as its page arrives (so
memory holds flat maps, not pages), then matched across sources and compared by :mod:`kubectl_py.diff`."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import diff as logic
from .. import query as engine
from ..errors import NotFound, NotInDump, UsageError
from ..kube.offline import NOT_IN_INPUT, Dump


@dataclass
class SideAnswer:
    """What one source holds: per type (group, kind) the flat map of each object, by object key."""

    types: dict = field(default_factory=dict)  # (group, kind) -> {object key: flat}
    unknown: list = field(default_factory=list)  # messages: a type this source does not serve
    unread: dict = field(default_factory=dict)  # --describe: joins not read ({warning line: whether a read failed})


@dataclass
class DiffResult:
    items: list  # DiffList items
    results: list  # ContextResult per source, in order (value: SideAnswer)
    warnings: list  # (source name, message): types a source does not serve
    unread: list  # (source name, stderr line): with --describe, joins that could not be read there
    unknown_everywhere: bool  # no source that answered serves any of the types
    unread_failed: bool = False  # a join could not be read (not merely absent from input files)

    @property
    def failed(self) -> list:
        return [r for r in self.results if not r.ok]

    def document(self) -> dict:
        return logic.diff_list(self.items, [r.status() for r in self.results])

    def exit_code(self) -> int:
        """0 same, 1 different or missing, 2 a side or a join of one could not be read (as kubectl diff,
        whose >1 is an error): a comparison with holes in it is never taken for "no drift"."""
        return logic.exit_code(self.items, bool(self.failed) or self.unknown_everywhere or self.unread_failed)


def compare_sources(
    sources: list,
    type_names: list,
    names=None,
    namespace=None,
    all_namespaces=False,
    label_selector=None,
    field_selector=None,
    ignore=None,
    include_status=False,
    describe=False,
    parallel=None,
    include_generated=False,
    all_objects=False,
) -> DiffResult:
    """``all_objects``: compare every object found, even where a file side speaks only for its own
    objects (:func:`speaks_for_its_objects_only`). ``field_selector`` goes to each list request (the
    server checks it); a dump applies it itself (:meth:`.kube.offline.Dump.list`), as for py-query."""
    from ..kube.fanout import run_per_context

    if names and field_selector:  # kubectl get's words: named objects are read one by one, unfiltered
        raise UsageError("name cannot be provided when a selector is specified")

    spec = engine.QuerySpec(
        resources=tuple(type_names),
        names=tuple(names or ()),
        namespace=namespace,
        all_namespaces=all_namespaces,
        label_selector=label_selector,
        field_selector=field_selector,
    )
    # bad --ignore paths fail before any read
    rules = logic.ignore_for(ignore or (), include_status, describe, include_generated)
    secret_key = logic.new_secret_key()
    results = run_per_context(sources, lambda s: _read_side(s, spec, rules, secret_key, describe), parallel)
    limiting = set() if all_objects else {s.name for s in sources if speaks_for_its_objects_only(s)}
    return _match(results, limiting)


def speaks_for_its_objects_only(source) -> bool:
    """A file of manifests, or of one object, says which objects to compare (as ``kubectl diff -f``): not
    that every other object is missing from it. A dump read from a server (``kubectl get TYPE -o json``,
    ``cluster-info dump``) holds every object of its types, so an object it lacks is missing there."""
    if not isinstance(source, Dump):
        return False
    return len(source.objects) == 1 or all(logic.is_manifest(o) for o in source.objects)


def _read_side(source, spec, rules, secret_key, describe) -> SideAnswer:
    answer = SideAnswer()
    infos, answer.unknown = engine.resolve_types(source, spec)
    settings = None
    if describe:
        from ..describe.base import Settings

        settings = Settings(show_events=False, chunk_size=source.chunk_size)
    for info in infos:
        if not source.holds(info):  # a dump without this type says nothing of it
            answer.unknown.append(str(NotInDump(f"{NOT_IN_INPUT}{info.qualified}")))
            continue
        flats = {}
        for page in _pages(source, info, spec, flats):
            if describe:
                from ..describe import describe_objects

                docs = describe_objects(source, info, page, settings)
                for doc in docs:
                    answer.unread.update(_unread_lines(doc))
                for obj, doc in zip(page, docs):  # the object tells who set a Service's node ports
                    flats[logic.object_key(doc, True)] = logic.flatten(doc, rules, secret_key, origin=obj)
                continue
            for obj in page:
                flats[logic.object_key(obj)] = logic.flatten(obj, rules, secret_key)
        answer.types[(info.group, info.kind)] = flats
    return answer


def _unread_lines(doc: dict) -> dict:
    """{stderr line: whether a read failed} for the joins of a describe document that were not read:
    what they fill is <unreadable> there. A kind the input files hold nothing of is not a failure."""
    lines = {}
    for warning in doc.get("warnings") or []:
        _, marker, kind = warning.partition(": " + NOT_IN_INPUT)
        text = f"{NOT_IN_INPUT}{kind}" if marker else warning
        lines[f"warning: not compared ({logic.MARKERS[logic.UNREADABLE]}): {text}"] = not marker
    return lines


def _pages(source, info, spec, flats: dict):
    """Pages of objects; a named object that is absent is put in ``flats`` as None (missing here)."""
    namespace = engine.namespace_for(source, info, spec)
    if not spec.names:
        yield from source.list_pages(info, namespace, spec.label_selector, spec.field_selector)
        return
    found = []
    for name in spec.names:
        try:
            found.append(source.get(info, name, namespace))
        except NotFound:
            flats[(info.group, info.kind, namespace or "", name)] = None
    yield found


def _match(results: list, limiting: set) -> DiffResult:
    """Match objects across sources. ``limiting``: the names of sources that speak only for the objects
    they hold (of the types they hold): only those objects are compared."""
    answered = [r for r in results if r.ok]
    warnings = [(r.context, message) for r in answered for message in r.value.unknown]
    unread = [(r.context, line) for r in answered for line in r.value.unread]
    unread_failed = any(failed for r in answered for failed in r.value.unread.values())
    type_order = []
    for result in answered:
        for group_kind in result.value.types:
            if group_kind not in type_order:
                type_order.append(group_kind)
    items = []
    for group_kind in type_order:
        knowing = [r for r in answered if group_kind in r.value.types]
        if len(knowing) < 2:
            continue  # nothing to compare with: the warnings of the other sources say why
        limits = [r for r in knowing if r.context in limiting]
        keys = {}
        for result in limits or knowing:
            for key in result.value.types[group_kind]:
                keys.setdefault(key, None)
        for key in sorted(keys, key=lambda k: (k[2], k[3])):
            sides = {r.context: r.value.types[group_kind].get(key) for r in knowing}  # None: missing there
            items.append(logic.compare_object(key, sides))
    unknown_everywhere = bool(answered) and not type_order
    return DiffResult(items, results, warnings, unread, unknown_everywhere, unread_failed)
