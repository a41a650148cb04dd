"""The MRI rehearsal's texts: every catalogue key the scenario uses, in every track, has a reviewed (non-empty,
non-fuzzy) text in each of its languages, and so do the keys the engine and the application use themselves."""

from __future__ import annotations

import re

import pytest

from interactions.procedure.catalogue import Catalogue, default_locales_dir
from interactions.procedure.loader import load_scenario
from interactions.procedure.model import Scenario

SCENARIO = default_locales_dir().parent / "scenarios" / "mri-rehearsal.yaml"

ENGINE_KEYS = (
    "procedure.try_again",
    "procedure.well_done",
    "procedure.breathe_in",
    "procedure.hold_breath",
    "procedure.breathe_out",
    "procedure.hold_still",
    "procedure.paused",
    "procedure.finished",
    "procedure.skipped",
)
UI_KEYS = ("ui.continue", "ui.paused", "ui.resume", "ui.call_button", "ui.badge", "ui.well_done")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(SCENARIO)


@pytest.fixture(scope="module")
def catalogues(scenario) -> dict[str, Catalogue]:
    return {language: Catalogue.load(default_locales_dir(), language) for language in scenario.meta.languages}


def scenario_keys(scenario: Scenario, track: str | None = None) -> set[str]:
    """Every catalogue key the scenario shows: title, description, and per step (in ``track``, or in every track)
    its narration, hints and quiz answers."""
    keys = {scenario.meta.title, scenario.meta.description}
    for step in (s for t in ([track] if track else scenario.meta.tracks) for s in scenario.steps_for(t)):
        keys.update(filter(None, [step.say, *step.hints, *(o.text for o in getattr(step, "options", ()))]))
    return keys


def test_the_scenario_is_in_korean_and_english(scenario):
    assert set(scenario.meta.languages) == {"ko", "en"}


def test_every_key_the_scenario_uses_has_a_text_in_every_language(scenario, catalogues):
    keys = scenario_keys(scenario)
    assert len(keys) > 40, "the scenario's texts were not all found: the test would prove little"
    for catalogue in catalogues.values():
        missing = sorted(keys - catalogue.keys())
        assert not missing, f"{catalogue.source}: no text for {missing}"


@pytest.mark.parametrize("key", ENGINE_KEYS + UI_KEYS)
def test_the_engines_and_the_applications_own_keys_have_texts(catalogues, key):
    for catalogue in catalogues.values():
        assert key in catalogue, f"{catalogue.source}: no text for {key}"


def test_both_catalogues_have_the_same_keys(catalogues):
    ko, en = catalogues["ko"], catalogues["en"]
    assert ko.keys() == en.keys(), (
        f"only in ko: {sorted(ko.keys() - en.keys())}; only in en: {sorted(en.keys() - ko.keys())}"
    )


def test_every_catalogue_key_is_used(scenario, catalogues):
    used = scenario_keys(scenario) | set(ENGINE_KEYS) | set(UI_KEYS)
    unused = sorted(catalogues["en"].keys() - used)
    assert not unused, f"keys no one shows (remove them, or use them): {unused}"


def test_the_child_track_speaks_in_its_own_words(scenario):
    # Narration written for adults must not reach a child: every step the child track narrates, and that has a
    # child wording at all, uses it.
    child_says = {s.say for s in scenario.steps_for("child") if s.say}
    adult_says = {s.say for s in scenario.steps_for("adult") if s.say}
    assert any(key.endswith(".child") for key in child_says)
    shared = child_says & adult_says
    assert not shared, f"the same narration for children and adults: {sorted(shared)}"
    assert not [k for k in adult_says if k.endswith(".child")], "a child wording in the adult track"


def test_korean_texts_are_korean(catalogues):
    # A text copied from English by mistake would pass every key check.
    ko = catalogues["ko"]
    assert [key for key in sorted(ko.keys()) if not HANGUL.search(ko.text(key))] == []


def test_english_texts_are_not_korean(catalogues):
    en = catalogues["en"]
    assert [key for key in sorted(en.keys()) if HANGUL.search(en.text(key))] == []


def test_the_clinical_points_are_in_the_texts(catalogues):
    # CLINICAL.md: hearing protection is mandatory ("no earplugs, no scan"); the call button stops the scan.
    en, ko = catalogues["en"], catalogues["ko"]
    assert "no earplugs, no scan" in en.text("mri.ear_protection")
    assert "귀마개 없이는 검사하지 않습니다" in ko.text("mri.ear_protection")
    assert "stops" in en.text("mri.call_button_intro") and "멈추고" in ko.text("mri.call_button_intro")
    assert "safe with ear protection" in en.text("mri.before_scans")
