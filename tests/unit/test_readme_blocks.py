"""The reading of README blocks that tests/integration/test_readme.py relies on: transcripts and ELLIPSIS."""

from tests.integration.readme_blocks import blocks, commands, matches, transcript


def test_blocks_are_found_with_their_indentation_removed():
    found = blocks("text\n\n```sh\na\n```\n- item\n\n  ```console\n  $ b\n  out\n  ```\n")
    assert [(b.line, b.language, b.text) for b in found] == [(3, "sh", "a\n"), (8, "console", "$ b\nout\n")]


def test_transcript_steps_keep_continuations_and_their_output():
    steps = transcript("$ kubectl a \\\n    --flag\nline 1\nline 2\n$ echo $?\n1\n$ quiet\n")
    assert [(s.command, s.expected) for s in steps] == [
        ("kubectl a \\\n    --flag", "line 1\nline 2\n"),
        ("echo $?", "1\n"),
        ("quiet", ""),
    ]


def test_sh_commands_join_continuations():
    assert commands("a \\\n  b\n\nc\n") == ["a \\\n  b", "c"]


def test_ellipsis_in_a_line_and_as_a_line():
    assert matches("web-...   Running   ...\n", "web-7cc6-x   Running   3m\n")
    assert not matches("web-...   Running\n", "web-7cc6-x   Pending\n")
    assert matches("head\n...\ntail\n", "head\na\nb\ntail\n") and matches("head\n...\ntail\n", "head\ntail\n")
    assert not matches("head\ntail\n", "head\nextra\ntail\n")
    assert matches("a  \n", "a\n")  # trailing blanks do not count
    assert not matches("a\n", "a\nb\n")  # nor is anything left over
