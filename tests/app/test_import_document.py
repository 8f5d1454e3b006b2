"""Reading an import body: clean JSON only, nesting measured without recursion."""

from __future__ import annotations

import doctest
import json
import random

import pytest

from app.errors import Invalid
from app.importers import document, mapping, salesforce
from app.importers.document import MAX_DEPTH, load_json, nesting_depth


def depth(value) -> int:
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    return 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b'"x"', 0),
        (b"{}", 1),
        (b'{"a": "[[[[", "b": [[1]]}', 3),
        (b'["a\\\\", "[[", [["\\"[" ]]]', 3),
        (b'[["]"], "{{{"]', 2),
        (b'{"k": "\\\\\\"]]]]"}', 1),
        (b"[" * 100 + b"]" * 100, 100),
    ],
)
def test_nesting_depth_ignores_brackets_inside_strings(text, expected):
    assert nesting_depth(text) == expected
    assert depth(json.loads(text)) == expected


def test_nesting_depth_agrees_with_the_parsed_document():
    rnd = random.Random(7)
    leaves = ["a[", "]]", '"\\', "\\\\[", "{", "", 5, None, '\\\\\\"]', '}"{']

    def gen(d):
        if d == 0 or rnd.random() < 0.3:
            return rnd.choice(leaves)
        if rnd.random() < 0.5:
            return [gen(d - 1) for _ in range(rnd.randint(0, 3))]
        return {
            rnd.choice(["[", "]", "k", '"', "\\"]): gen(d - 1) for _ in range(rnd.randint(0, 3))
        }

    for _ in range(2000):
        value = gen(8)
        assert nesting_depth(json.dumps(value).encode()) == depth(value)


def problem(data: bytes) -> tuple[list, str, str]:
    with pytest.raises(Invalid) as err:
        load_json(data)
    (p,) = err.value.problems
    return list(p.loc), p.type, p.msg


@pytest.mark.parametrize(
    ("data", "kind", "words"),
    [
        (b"", "json_invalid", "empty"),
        (b"   \n", "json_invalid", "empty"),
        (b"{", "json_invalid", "Invalid JSON"),
        (b"NaN", "json_invalid", "NaN is not valid JSON"),
        (b'{"x": [1, -Infinity]}', "json_invalid", "-Infinity is not valid JSON"),
        (b'{"x": 1e309}', "json_invalid", "too large"),
        (b'{"x": "\xc3"}', "json_invalid", "UTF-8"),
        (b"9" * 5000, "json_invalid", "Invalid JSON"),
        (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), "json_too_deep", "65 levels"),
        (b"[" * 1_000_000, "json_too_deep", "1000000 levels"),
    ],
)
def test_unclean_json_is_refused_at_body(data, kind, words):
    loc, got, msg = problem(data)
    assert (loc, got) == (["body"], kind)
    assert words in msg


def test_clean_json_in_any_unicode_encoding_is_read():
    value = {"name": "Zoë", "n": [1, 2.5, None, True], "deep": [[[]]]}
    assert load_json(json.dumps(value).encode()) == value
    assert load_json(json.dumps(value, ensure_ascii=False).encode("utf-16")) == value
    assert load_json(b"\xef\xbb\xbf" + json.dumps(value).encode()) == value
    nested = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    assert depth(load_json(nested)) == MAX_DEPTH


@pytest.mark.parametrize("module", [document, mapping, salesforce])
def test_doctests(module):
    assert doctest.testmod(module).failed == 0
