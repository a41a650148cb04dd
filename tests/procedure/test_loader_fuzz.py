"""Whatever a scenario file holds, loading it gives a Scenario or a ScenarioError whose problems point at real lines:
random edits of a valid scenario (keys deleted, values of random types, random text, truncation) never raise
anything else. Derandomised, so every run (and CI) tries the same cases."""

from __future__ import annotations

import re

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interactions.procedure.loader import ScenarioError, load_scenario_text
from interactions.procedure.model import Scenario
from tests.procedure.test_loader import VALID


def fuzz(examples: int):
    """Hypothesis settings for these tests: reproducible, no per-example deadline (CI machines are shared)."""
    return settings(
        max_examples=examples, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
    )


SOUNDS = ("mri_spin_echo", "mri_table")

#: What YAML counts as the end of a line (so its line numbers count these too).
YAML_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def load_or_problems(text: str) -> None:
    """Load ``text``; fail the test on anything but a Scenario or a well-formed ScenarioError."""
    try:
        scenario = load_scenario_text(text, "fuzz.yaml", sound_names=SOUNDS)
    except ScenarioError as error:
        assert error.problems, "a ScenarioError must say what is wrong"
        last_line = len(YAML_LINE_BREAK.split(text))
        for problem in error.problems:
            assert problem.file == "fuzz.yaml"
            assert 1 <= problem.line <= last_line, (problem, last_line)
            assert problem.message.strip()
        assert str(error).splitlines()[0].startswith(f"fuzz.yaml:{error.problems[0].line}: ")
        return
    assert isinstance(scenario, Scenario)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["child", "adult", "zone", "welcome", "goto welcome", "hold_still", "4", "no", "2025-02-30"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def containers(node, path=()):
    """Every (path, container) in the parsed scenario, depth first."""
    yield path, node
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        if isinstance(child, (dict, list)):
            yield from containers(child, (*path, key))


@fuzz(80)
@given(st.data())
def test_structural_edits_give_a_scenario_or_problems_with_lines(data):
    tree = yaml.safe_load(VALID)
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        places = list(containers(tree))
        _, container = data.draw(st.sampled_from(places), label="where")
        keys = list(container) if isinstance(container, dict) else list(range(len(container)))
        if not keys:
            continue
        key = data.draw(st.sampled_from(keys), label="key")
        action = data.draw(st.sampled_from(["delete", "replace", "rename"]), label="action")
        if action == "delete":
            del container[key]
        elif action == "replace":
            container[key] = data.draw(values, label="value")
        elif isinstance(container, dict):
            container[data.draw(st.text(max_size=10), label="new key")] = container.pop(key)
    load_or_problems(yaml.safe_dump(tree, sort_keys=False, allow_unicode=True))


@fuzz(80)
@given(st.data())
def test_text_edits_and_truncation_give_a_scenario_or_problems_with_lines(data):
    text = VALID
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        at = data.draw(st.integers(0, len(text)), label="at")
        action = data.draw(st.sampled_from(["truncate", "insert", "delete", "delete line"]), label="action")
        if action == "truncate":
            text = text[:at]
        elif action == "insert":
            text = text[:at] + data.draw(st.text(max_size=8), label="inserted") + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + data.draw(st.integers(1, 20), label="length") :]
        else:
            lines = text.splitlines(keepends=True)
            if lines:
                del lines[data.draw(st.integers(0, len(lines) - 1), label="line")]
            text = "".join(lines)
    load_or_problems(text)


@fuzz(40)
@given(st.text(max_size=200))
def test_random_text_gives_problems_with_lines(text):
    load_or_problems(text)
