"""Checking YAML values against the scenario dataclasses, field by field, from their types and ``spec()`` metadata.

The model (:mod:`interactions.procedure.model`) is the schema: each dataclass field's type says what kind of value
it takes, and its ``metadata`` says what it means (``doc``), its ``unit`` and its allowed range (``min``/``max``) or
``choices``. Nothing here repeats that: :func:`fields_of` reads it, and :class:`FieldChecker` turns a
:class:`~interactions.procedure.yamlmarks.Marked` mapping into constructor arguments, collecting a problem (line,
message) for every value that does not fit instead of stopping at the first. Messages name the field, say what was
found, and say what would be right, in the units the clinician thinks in ("a number of millimetres").
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import math
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .yamlmarks import Marked

UNIT_WORDS: dict[str, tuple[str, str]] = {
    "mm": ("millimetre", "millimetres"),
    "m": ("metre", "metres"),
    "s": ("second", "seconds"),
    "min": ("minute", "minutes"),
    "deg": ("degree", "degrees"),
}
"""A field's ``unit`` → (singular, plural) words used in messages and in the reference."""

INVALID = object()
"""What :meth:`FieldChecker.convert` returns for a value it reported as a problem."""


@dataclass(frozen=True)
class FieldSpec:
    """One field of a model dataclass as the schema sees it: its resolved type and its ``spec()`` metadata."""

    name: str
    type: Any
    doc: str
    unit: str
    min: float | None
    max: float | None
    choices: tuple[str, ...] | None
    required: bool
    default: Any


@functools.cache
def fields_of(cls: type) -> dict[str, FieldSpec]:
    """The fields of dataclass ``cls`` in declaration order, with types resolved (``ClassVar`` left out)."""
    hints = typing.get_type_hints(cls)
    out = {}
    for f in dataclasses.fields(cls):
        meta = f.metadata
        if f.default is not dataclasses.MISSING:
            default, required = f.default, False
        elif f.default_factory is not dataclasses.MISSING:
            default, required = f.default_factory(), False
        else:
            default, required = None, True
        out[f.name] = FieldSpec(
            name=f.name,
            type=hints[f.name],
            doc=meta.get("doc", ""),
            unit=meta.get("unit", "") or "",
            min=meta.get("min"),
            max=meta.get("max"),
            choices=tuple(meta["choices"]) if meta.get("choices") else None,
            required=required,
            default=default,
        )
    return out


# -- describing types and values in words ------------------------------------------------------------------------


def _optional(hint: Any) -> tuple[Any, bool]:
    """(the type without ``None``, whether ``None`` is allowed)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(hint)) == 2:
            return args[0], True
    return hint, False


def unit_word(unit: str, plural: bool = True) -> str:
    words = UNIT_WORDS.get(unit)
    if words is None:
        return unit
    return words[1] if plural else words[0]


def describe_type(spec: FieldSpec, hint: Any = None) -> str:
    """What a field takes, in words: "a number of millimetres", "text", "a list, written [a, b]"."""
    hint, optional = _optional(spec.type if hint is None else hint)
    origin = typing.get_origin(hint)
    if hint is bool:
        return "true or false"
    if hint is int:
        return "a whole number" + (f" of {unit_word(spec.unit)}" if spec.unit else "")
    if hint is float:
        return "a number" + (f" of {unit_word(spec.unit)}" if spec.unit else "")
    if hint is str:
        return "one of " + ", ".join(spec.choices) if spec.choices else "text"
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            item = args[0]
            if dataclasses.is_dataclass(item):
                return "a list of entries, each {" + ", ".join(f"{n}: ..." for n in fields_of(item)) + "}"
            return "a list, written [a, b]" if item is str else f"a list of {describe_type(spec, item)}"
        unit = f" in {unit_word(spec.unit)}" if spec.unit else ""
        return f"{len(args)} numbers{unit}, e.g. [{', '.join('0' for _ in args)}]"
    if origin is dict or hint is dict:
        return "a mapping (name: value, one per line)"
    if dataclasses.is_dataclass(hint):
        return "a mapping of its fields"
    return str(hint)


def takes(spec: FieldSpec) -> str:
    """What a field takes including its range: "a number of seconds, between 1 and 3600 seconds"."""
    words = describe_type(spec)
    if spec.min is None and spec.max is None:
        return words
    hint, _ = _optional(spec.type)
    if hint in (int, float):
        return f"{words}, {range_words(spec)}"
    if typing.get_origin(hint) is tuple:
        return f"{words}, {range_words(spec, 'items')}"
    return words


def describe_value(marked: Marked) -> str:
    """The value as the author wrote it, for "got ..." in a message."""
    if marked.is_mapping:
        return "a mapping"
    if marked.is_sequence:
        return "a list"
    value = marked.value
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{marked.text} (a yes/no value)" if not marked.quoted else repr(marked.text)
    if isinstance(value, (int, float)):
        return marked.text
    return repr(_shorten(value))


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _number(value: float) -> str:
    return f"{value:g}"


def range_words(spec: FieldSpec, counting: str | None = None) -> str:
    """ "between 0.1 and 100 millimetres", "at least 1 second", "at most 6 items" ."""
    bound = spec.min if spec.max is None else spec.max if spec.min is None else None
    unit = ""
    if counting is not None:
        unit = f" {counting[:-1] if bound == 1 and counting.endswith('s') else counting}"
    elif spec.unit:
        unit = f" {unit_word(spec.unit, plural=bound != 1)}"
    if bound is None:
        return f"between {_number(spec.min)} and {_number(spec.max)}{unit}"
    return f"{'at least' if spec.max is None else 'at most'} {_number(bound)}{unit}"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """ "; did you mean 'threshold_mm'?" for the nearest choice, or ""."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _prefix(where: str) -> str:
    return f"{where}: " if where else ""


# -- checking ---------------------------------------------------------------------------------------------------


class FieldChecker:
    """Converts marked YAML into dataclass arguments, collecting ``(line, message)`` problems as it goes."""

    def __init__(self) -> None:
        self.problems: list[tuple[int, str]] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append((max(1, line), message))

    def arguments(
        self,
        cls: type,
        marked: Marked,
        where: str,
        *,
        special: dict[str, Callable[[Marked], Any]] | None = None,
        ignore: Iterable[str] = (),
        what: str = "",
    ) -> dict[str, Any] | None:
        """Constructor arguments of ``cls`` from the mapping ``marked``, or None if it is not a mapping.

        Every key is checked: unknown keys (with the nearest field suggested), missing required fields, and each
        value against its field. Fields that failed are left out of the result (so the caller can tell, by a
        missing required field, that it cannot build the object). ``special`` maps a field name to its own
        converter (returning :data:`INVALID` after reporting); ``ignore`` lists keys handled by the caller;
        ``what`` names the thing for "needs" messages (default: ``where``).
        """
        specs = fields_of(cls)
        if marked.reported:
            return None
        if not marked.is_mapping:
            self.problem(
                marked.line,
                f"{_prefix(where)}expected fields written as 'name: value' on their own lines, got "
                f"{describe_value(marked)}",
            )
            return None
        ignore = set(ignore)
        special = special or {}
        out: dict[str, Any] = {}
        for key, value in marked.value.items():
            if key in ignore:
                continue
            spec = specs.get(key)
            if spec is None:
                self.unknown_key(marked.key_line(key), key, [*specs, *ignore], where)
                continue
            converter = special.get(key)
            converted = converter(value) if converter else self.convert(spec, value, where)
            if converted is not INVALID:
                out[key] = converted
        for name, spec in specs.items():
            if spec.required and name not in marked.value:
                self.problem(marked.line, f"{what or where or 'the scenario'} needs {name}: {self.explain(spec)}")
        return out

    def unknown_key(self, line: int, key: str, known: Iterable[str], where: str) -> None:
        known = list(known)
        hint = did_you_mean(key, known)
        if not hint:
            hint = "; the fields here are: " + ", ".join(known)
        self.problem(line, f"{_prefix(where)}unknown field '{_shorten(key)}'{hint}")

    @staticmethod
    def explain(spec: FieldSpec) -> str:
        """ "how long to hold still (a number of seconds, between 1 and 3600 seconds)"."""
        return f"{spec.doc} ({takes(spec)})"

    def convert(self, spec: FieldSpec, marked: Marked, where: str, hint: Any = None, label: str = "") -> Any:
        """``marked`` as a value of field ``spec`` (or of ``hint``, for list items, called ``label`` in
        messages), or :data:`INVALID`."""
        hint, optional = _optional(spec.type if hint is None else hint)
        name = f"{_prefix(where)}{label or spec.name}"
        if marked.reported:
            return INVALID
        if marked.value is None and not marked.is_mapping and not marked.is_sequence:
            if optional:
                return None
            default = "" if spec.required else f", or leave the line out to use the default ({_shown(spec.default)})"
            self.problem(marked.line, f"{name} is empty: give {describe_type(spec, hint)}{default}")
            return INVALID
        origin = typing.get_origin(hint)
        if hint is bool:
            return self._bool(name, spec, marked)
        if hint in (int, float):
            return self._number(name, spec, marked, hint)
        if hint is str:
            return self._text(name, spec, marked)
        if origin is tuple:
            return self._tuple(name, spec, marked, typing.get_args(hint), where)
        if dataclasses.is_dataclass(hint):
            sub = f"{where}, {spec.name}" if where else spec.name
            args = self.arguments(hint, marked, sub)
            if args is None or any(s.required and n not in args for n, s in fields_of(hint).items()):
                return INVALID
            return hint(**args)
        if origin is dict or hint is dict:
            if not marked.is_mapping:
                self.problem(marked.line, f"{name} must be {describe_type(spec, hint)}, got {describe_value(marked)}")
                return INVALID
            return marked.plain()
        raise TypeError(f"the schema has a field type the loader does not know: {spec.name}: {hint}")

    def _bool(self, name: str, spec: FieldSpec, marked: Marked) -> Any:
        if isinstance(marked.value, bool):
            return marked.value
        self.problem(marked.line, f"{name} must be true or false, got {describe_value(marked)}")
        return INVALID

    def _number(self, name: str, spec: FieldSpec, marked: Marked, hint: type) -> Any:
        value = marked.value
        wanted = describe_type(spec, hint)
        # bool is an int in Python; in a scenario 'yes' is never a number of seconds.
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(marked.line, f"{name} must be {wanted}, got {describe_value(marked)}")
            return INVALID
        if not math.isfinite(value):
            self.problem(marked.line, f"{name} must be a finite number, got {marked.text}")
            return INVALID
        if hint is int:
            if isinstance(value, float) and not value.is_integer():
                self.problem(marked.line, f"{name} must be {wanted}, got {marked.text}")
                return INVALID
            value = int(value)
        else:
            value = float(value)
        too_low = spec.min is not None and value < spec.min
        too_high = spec.max is not None and value > spec.max
        if too_low or too_high:
            self.problem(marked.line, f"{name} must be {range_words(spec)}, got {marked.text}")
            return INVALID
        return value

    def _text(self, name: str, spec: FieldSpec, marked: Marked) -> Any:
        value = marked.value
        if not isinstance(value, str):
            if marked.is_scalar:
                self.problem(
                    marked.line,
                    f"{name} must be {describe_type(spec, str)}, got {describe_value(marked)}: if the text "
                    f"'{marked.text}' is meant, put it in quotes",
                )
            else:
                self.problem(marked.line, f"{name} must be {describe_type(spec, str)}, got {describe_value(marked)}")
            return INVALID
        if spec.choices and value not in spec.choices:
            self.problem(
                marked.line,
                f"{name} must be one of {', '.join(spec.choices)}; got {describe_value(marked)}"
                f"{did_you_mean(value, spec.choices)}",
            )
            return INVALID
        return value

    def _tuple(self, name: str, spec: FieldSpec, marked: Marked, args: tuple, where: str) -> Any:
        wanted = describe_type(spec, tuple[args] if args else tuple)
        homogeneous = len(args) == 2 and args[1] is Ellipsis
        if not marked.is_sequence:
            if homogeneous and args[0] is str and isinstance(marked.value, str):
                wanted = f"a list, e.g. [{marked.value}]"
            self.problem(marked.line, f"{name} must be {wanted}, got {describe_value(marked)}")
            return INVALID
        items = marked.value
        if homogeneous:
            counting = "answers" if dataclasses.is_dataclass(args[0]) else "items"
            if (spec.min is not None and len(items) < spec.min) or (spec.max is not None and len(items) > spec.max):
                self.problem(marked.line, f"{name} must have {range_words(spec, counting)}, got {len(items)}")
                return INVALID
            item_types = [args[0]] * len(items)
        else:
            if len(items) != len(args):
                self.problem(marked.line, f"{name} must be {wanted}, got {len(items)} values")
                return INVALID
            item_types = list(args)
        out = []
        ok = True
        item_spec = dataclasses.replace(spec, min=None, max=None) if homogeneous else spec
        for number, (item, item_type) in enumerate(zip(items, item_types, strict=True), start=1):
            if dataclasses.is_dataclass(item_type):
                args_ = self.arguments(item_type, item, f"{name}, entry {number}")
                complete = args_ is not None and all(n in args_ for n, s in fields_of(item_type).items() if s.required)
                converted = item_type(**args_) if complete else INVALID
            else:
                label = f"each item of {spec.name}" if homogeneous else f"{spec.name} (value {number})"
                converted = self.convert(item_spec, item, where, item_type, label)
            ok = ok and converted is not INVALID
            out.append(converted)
        return tuple(out) if ok else INVALID


def _shown(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, str):
        return repr(value) if value else "empty"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)
