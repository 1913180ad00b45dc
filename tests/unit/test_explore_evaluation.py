"""py-explore's live result: latest-wins evaluation off the UI thread, item-wise rendering, error columns."""

import threading

from kubectl_py import jsonpath
from kubectl_py.explore.evaluation import JSONPATH, Evaluator, LatestWins, Lines, Preview, error_column

WAIT = 30  # seconds: generous bounds on waits, never a latency assertion


def _document(n):
    items = [
        {"kind": "Pod", "metadata": {"name": f"pod-{i}", "namespace": "ns-%d" % (i % 3)}, "context": "c"}
        for i in range(n)
    ]
    return {"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}}


class _Recorder:
    def __init__(self):
        self.published = []
        self.changed = threading.Event()

    def __call__(self):
        self.changed.set()


def _wait_for(predicate, what):
    done = threading.Event()
    for _ in range(WAIT * 100):
        if predicate():
            return
        done.wait(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_slow_stale_evaluation_never_overwrites_a_newer_one():
    release_first, first_started = threading.Event(), threading.Event()
    published = []

    def work(request, is_current):
        if request.template == "slow":
            first_started.set()
            release_first.wait(WAIT)  # blocks in C: cannot be interrupted until released
        yield Preview(request)

    runner = LatestWins(work)
    original_publish = runner._publish

    def publish(preview):
        accepted = original_publish(preview)
        if accepted:
            published.append(preview.request.template)
        return accepted

    runner._publish = publish
    runner.submit("slow")
    assert first_started.wait(WAIT)
    newest = runner.submit("fast")
    release_first.set()
    _wait_for(lambda: runner.shown is not None, "the newest result")
    assert runner.shown.generation == newest and runner.shown.request.template == "fast"
    assert published == ["fast"]  # the stale one was dropped, never shown
    runner.close()


def test_a_stale_render_that_never_yields_is_abandoned():
    running, iterations = threading.Event(), []

    def work(request, is_current):
        if request.template == "endless":
            running.set()
            while True:  # pure Python that never checks is_current(): only an interrupt ends it
                iterations.append(1)
                del iterations[:]
        yield Preview(request)

    runner = LatestWins(work)
    runner.submit("endless")
    assert running.wait(WAIT)
    newest = runner.submit("next")
    _wait_for(lambda: runner.shown is not None and runner.shown.generation == newest, "the next template's result")
    assert runner.shown.request.template == "next"
    # the worker is free again: a third request is served too
    third = runner.submit("third")
    _wait_for(lambda: runner.shown.generation == third, "the third result")
    runner.close()


def test_results_follow_the_newest_of_many_quick_requests():
    document = _document(500)
    runner = LatestWins(Evaluator(document).run)
    templates = ["{.items[%d].metadata.name}" % i for i in range(0, 500, 7)]
    for template in templates:
        last = runner.submit(template, JSONPATH)
    _wait_for(
        lambda: runner.shown is not None and runner.shown.generation == last and runner.shown.complete,
        "the last template's result",
    )
    assert runner.shown.output.text == jsonpath.render(templates[-1], document)
    runner.close()


def test_a_flood_of_keystrokes_over_slow_renders_never_wedges_the_runner():
    """Every submit interrupts the running render; the lock and the worker must survive wherever that lands."""
    document = _document(3000)
    runner = LatestWins(Evaluator(document).run)
    templates = [
        "{.items}",
        "{.items[*].metadata}",
        '{range .items[*]}{.metadata.name}{"\\n"}{end}',
        "{.items[?(@.context=='c')].metadata.namespace}",
        "{.items[",
        "{.kind}",
    ]
    pause = threading.Event()
    for i in range(600):
        runner.submit(templates[i % len(templates)], JSONPATH)
        assert runner.busy in (True, False)  # takes the lock: would hang if a lock were lost
        pause.wait(0.0005 * (i % 4))
    last = runner.submit("{.items[*].metadata.name}", JSONPATH)
    _wait_for(
        lambda: runner.shown is not None and runner.shown.generation == last and runner.shown.complete,
        "the last template's result",
    )
    assert runner.shown.output.text == jsonpath.render("{.items[*].metadata.name}", document)
    runner.close()


def test_templates_that_do_not_parse_are_answered_at_once_and_make_running_work_stale():
    document = _document(50)
    evaluator = Evaluator(document)
    started, release = threading.Event(), threading.Event()

    def work(request, is_current):
        if request.template == "{.kind}":
            started.set()
            release.wait(WAIT)
        yield from evaluator.run(request, is_current)

    runner = LatestWins(work, quick=evaluator.quick)
    runner.submit("{.kind}")
    assert started.wait(WAIT)
    bad = runner.submit("{.items[")
    # answered in the submitting thread, before submit returned
    assert runner.shown.generation == bad and runner.shown.caret == len("{.items") and runner.shown.error
    release.set()
    good = runner.submit("{.items[0].metadata.name}")
    _wait_for(lambda: runner.shown.generation == good, "the good template's result")
    assert runner.shown.output.text == jsonpath.render("{.items[0].metadata.name}", document)
    runner.close()


def test_item_wise_templates_show_a_first_screenful_then_the_whole_output():
    document = _document(1000)
    template = '{range .items[*]}{.metadata.namespace}/{.metadata.name}{"\\n"}{end}'
    previews = list(Evaluator(document, first_lines=50).run(_request(template), lambda: True))
    assert [p.complete for p in previews] == [False, True]
    expected = jsonpath.render(template, document)
    assert expected.startswith(previews[0].output.text) and previews[0].output.count >= 50
    assert previews[-1].output.text == expected
    assert previews[-1].output.count == len(expected.splitlines())


def test_templates_over_the_items_show_the_first_items_output_first():
    document = _document(1000)
    for template in ("{.items[*].metadata.name}", "{.items[?(@.context=='c')].metadata.namespace}"):
        previews = list(Evaluator(document, first_lines=50).run(_request(template), lambda: True))
        assert [p.complete for p in previews] == [False, True]
        expected = jsonpath.render(template, document)
        assert previews[-1].output.text == expected
        assert expected.startswith(previews[0].output.text) and previews[0].output.text
    for template in ("{.items[0].metadata.name}", "{.items[*].metadata.name} {.kind}", "{.kind}"):
        (preview,) = Evaluator(document, first_lines=50).run(_request(template), lambda: True)
        assert preview.output.text == jsonpath.render(template, document)


def test_item_wise_rendering_stops_when_no_longer_current():
    document = _document(1000)
    template = '{range .items[*]}{.metadata.name}{"\\n"}{end}'
    previews = list(Evaluator(document, first_lines=10**9).run(_request(template), lambda: False))
    assert previews == []


def test_other_templates_render_whole_as_kubectl_does():
    document = _document(20)
    for template in ("{.items[*].metadata.name}", "{.kind} {.items[0].context}", "plain text", ""):
        (preview,) = Evaluator(document).run(_request(template), lambda: True)
        assert preview.output.text == jsonpath.render(template, document)
        assert not preview.error


def test_parse_errors_carry_the_column_and_execute_errors_none():
    document = _document(3)
    (parse,) = Evaluator(document).run(_request("{.items[*].metadata"), lambda: True)
    assert parse.error and parse.caret == len("{.items[*].metadata")
    (execute,) = Evaluator(document).run(_request("{.items[7]}"), lambda: True)
    assert execute.error and execute.caret is None


def test_error_column_points_at_the_piece_that_does_not_parse():
    cases = {
        "{.metadata.name} {.spec[x]}": "[x]",
        "{.a} {%}": "%",
        '{.a}{"unterminated': '"unterminated',
        "{.items[?(@.a==1}": "[?(",
        "{.a.b}{.c....d}": "..d",  # invalid multiple recursive descent: at the second one
    }
    for template, piece in cases.items():
        assert _parse_error(template), template
        assert error_column(template) == template.index(piece), template
    assert error_column("{.unclosed") == len("{.unclosed")


def test_lines_are_found_lazily_and_counted_as_printed():
    text = "a\nbb\n\nccc"
    lines = Lines(text)
    assert lines.count == len(text.splitlines())
    assert [lines.line(i) for i in range(lines.count)] == text.splitlines()
    assert lines.line(10) == ""
    assert Lines("x\n").count == 1 and Lines("").count == 0


def _request(template):
    from kubectl_py.explore.evaluation import Request

    return Request(1, template, JSONPATH)


def _parse_error(template):
    try:
        jsonpath.compile(template)
    except jsonpath.JSONPathError as exc:
        return exc.kind == "parse"
    return False
