"""YAML read with the line of every key and value, so a scenario's mistakes can be reported as ``file:line``.

PyYAML's ``safe_load`` forgets where things were. Here the text is *composed* (parsed into a node graph that keeps
each node's position) and turned into :class:`Marked` values: a mapping becomes ``dict[str, Marked]`` (with the
line of each key), a sequence ``list[Marked]``, a scalar its Python value. Nothing is ever raised for a bad file:
every problem comes back as ``(line, message)`` with a 1-based line, and as much of the file as could be read is
still returned, so the loader can go on checking the rest.

Deliberate differences from ``safe_load``, each because a scenario author would otherwise be surprised:

- mapping keys are kept as written (``1:`` is the key ``"1"``, ``no:`` is ``"no"``): every key in a scenario is a
  field or a name, never a number or a yes/no;
- a date (``2024-05-01``) stays the text it was written as: ``clinical_review.date`` is text;
- a key given twice is a problem (YAML forbids it; ``safe_load`` silently keeps the last);
- anchors and aliases (``&name`` / ``*name``) are refused: they hide where a value comes from from a reviewer, and
  a few nested aliases can expand to millions of values;
- tags other than YAML's core ones (``!!python/object``, ``!custom``) are refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

#: Tags a scenario's values may have (what plain YAML resolves to); anything else was written on purpose.
_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_CORE}{name}" for name in ("str", "null", "bool", "int", "float", "timestamp")}
_CONSTRUCTED = {f"{_CORE}{name}" for name in ("null", "bool", "int", "float")}

YamlProblem = tuple[int, str]
"""A problem found while reading: (1-based line, message)."""


@dataclass(eq=False)
class Marked:
    """A value read from YAML and the 1-based ``line`` it starts on.

    ``value`` is ``dict[str, Marked]`` for a mapping (``keys`` then gives the line of each key), ``list[Marked]``
    for a sequence, and ``None``, ``bool``, ``int``, ``float`` or ``str`` for a scalar. ``text`` is a scalar as
    written (``"four"``, ``"no"``, ``"4"``); ``quoted`` says whether it was in quotes (so a message can tell the
    author that ``no`` unquoted is a yes/no value, not the text "no"). ``reported`` marks a value that stands in
    for something already reported as a problem (an alias): checks leave it alone.
    """

    value: Any
    line: int
    text: str = ""
    quoted: bool = False
    keys: dict[str, int] = field(default_factory=dict)
    reported: bool = False

    @property
    def is_mapping(self) -> bool:
        return isinstance(self.value, dict)

    @property
    def is_sequence(self) -> bool:
        return isinstance(self.value, list)

    @property
    def is_scalar(self) -> bool:
        return not isinstance(self.value, (dict, list))

    def key_line(self, key: str) -> int:
        """The line of ``key`` in this mapping (this value's own line if it has no such key)."""
        return self.keys.get(key, self.line)

    def plain(self) -> Any:
        """The value without marks: dicts, lists and scalars, as ``safe_load`` would give (keys as text)."""
        if isinstance(self.value, dict):
            return {key: item.plain() for key, item in self.value.items()}
        if isinstance(self.value, list):
            return [item.plain() for item in self.value]
        return self.value


#: The tag of the node an alias is composed into (so the alias is never expanded).
_ALIAS_TAG = "!reported-alias"


class _Loader(yaml.SafeLoader):
    """A safe loader that records aliases as problems and composes them as placeholders (never expanding them)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.alias_lines: list[int] = []

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        if self.check_event(yaml.AliasEvent):
            event = self.get_event()
            self.alias_lines.append(event.start_mark.line + 1)
            return yaml.ScalarNode(_ALIAS_TAG, "", event.start_mark, event.end_mark)
        return super().compose_node(parent, index)


def read_marked(text: str) -> tuple[Marked | None, list[YamlProblem]]:
    """Read YAML ``text`` (one document) into :class:`Marked` values.

    Returns:
        ``(root, problems)``: ``root`` is None when the text is not YAML at all (a syntax error: then ``problems``
        says where and why) or holds no document; otherwise everything that could be read, with every problem
        met on the way (duplicate keys, aliases, unusual tags, keys that are not names).
    """
    loader = None
    try:
        loader = _Loader(text)  # a str is checked for characters YAML refuses here, before any parsing
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        return None, [_syntax_problem(error)]
    except yaml.YAMLError as error:  # ReaderError: a character YAML does not allow, with its position
        position = getattr(error, "position", 0) or 0
        return None, [(text.count("\n", 0, position) + 1, _reader_message(error))]
    except RecursionError:
        return None, [(1, "the file is nested too deeply to read; a scenario needs only a few levels of indentation")]
    finally:
        if loader is not None:
            loader.dispose()
    problems: list[YamlProblem] = [
        (
            line,
            "an alias ('*name') is not allowed in a scenario file: write the value out in full, so a reviewer "
            "sees it where it is used",
        )
        for line in loader.alias_lines
    ]
    if node is None:
        return None, problems
    try:
        root = _marked(node, problems)
    except RecursionError:
        return None, [(1, "the file is nested too deeply to read; a scenario needs only a few levels of indentation")]
    return root, problems


def _marked(node: yaml.Node, problems: list[YamlProblem]) -> Marked:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        _check_tag(node, f"{_CORE}map", problems)
        out = Marked({}, line)
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append((key_line, "a key must be a plain name followed by ':', not a list or a mapping"))
                continue
            key = key_node.value
            if key in out.value:
                problems.append(
                    (key_line, f"'{key}' is given twice in the same place (first at line {out.keys[key]}): keep one")
                )
            out.value[key] = _marked(value_node, problems)
            out.keys[key] = key_line
        return out
    if isinstance(node, yaml.SequenceNode):
        _check_tag(node, f"{_CORE}seq", problems)
        return Marked([_marked(item, problems) for item in node.value], line)
    quoted = node.style in ("'", '"')
    tag = node.tag
    if tag == _ALIAS_TAG:
        return Marked(None, line, reported=True)
    if tag not in _SCALAR_TAGS:
        problems.append((line, f"the tag {_short_tag(tag)!r} is not used in scenario files: remove it"))
        return Marked(node.value, line, text=node.value, quoted=quoted)
    if tag in _CONSTRUCTED:
        try:
            value = yaml.SafeLoader.yaml_constructors[tag](_CONSTRUCTOR, node)
        except (ValueError, yaml.YAMLError):
            value = node.value
    else:  # str, and timestamps kept as the text written
        value = node.value
    return Marked(value, line, text=node.value, quoted=quoted)


_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _check_tag(node: yaml.Node, expected: str, problems: list[YamlProblem]) -> None:
    if node.tag != expected:
        problems.append(
            (node.start_mark.line + 1, f"the tag {_short_tag(node.tag)!r} is not used in scenario files: remove it")
        )


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


def _syntax_problem(error: yaml.MarkedYAMLError) -> YamlProblem:
    """A YAML syntax error as (line, what is wrong and what to do), in words an author can act on."""
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else 1
    problem = (error.problem or error.context or "unreadable").strip()
    unclosed = {
        "]": "the list started here with '[' is not closed: end it with ']'",
        "}": "the mapping started here with '{' is not closed: end it with '}'",
    }
    for closing, message in unclosed.items():
        if f"expected ',' or '{closing}'" in problem and error.context_mark is not None:
            return error.context_mark.line + 1, message
    if "'\\t'" in problem or "\t" in problem:
        return line, "a tab is used for indentation here: YAML indents with spaces only"
    if "mapping values are not allowed" in problem:
        return line, (
            "a ':' that YAML did not expect: check the indentation of this line, and put text containing ': ' in quotes"
        )
    if "another document" in problem or "expected a single document" in (error.context or ""):
        return line, "a second document ('---') starts here: a scenario file holds one document only"
    if "could not find expected ':'" in problem or "expected <block end>" in problem:
        return line, (
            "this line does not fit the structure around it: check its indentation (items of one list or mapping "
            "line up) and that each field is written 'name: value'"
        )
    if "found unexpected end of stream" in problem or "found unexpected end" in problem:
        return line, "the file ends in the middle of a value: close the quote or bracket that was opened"
    return line, f"this is not valid YAML ({problem}): check the indentation and the quotes"


def _reader_message(error: yaml.YAMLError) -> str:
    character = getattr(error, "character", None)
    shown = f" (code {ord(character):#06x})" if isinstance(character, str) and character else ""
    return f"the file contains a character that YAML does not allow{shown}: save it as plain UTF-8 text without it"
