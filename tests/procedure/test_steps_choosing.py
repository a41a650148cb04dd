"""Select, quiz, sequence and grab-and-place: what counts as right, what counts as an error, how it scores."""

import pytest

from interactions.events import Drop, Grab, PlacedInZone
from interactions.procedure.model import GrabPlace, Quiz, QuizOption, SelectTarget, Sequence
from tests.procedure.synthetic import Drive, engine, poke, press

# -- select ---------------------------------------------------------------------------------------------------------


def test_select_passes_on_any_of_its_targets():
    drive = Drive(engine(SelectTarget(id="pick", targets=("watch", "phone"), highlight=("locker",))))
    state = drive.frame()
    assert state.highlights == ("locker", "watch", "phone")
    drive.frame([poke("phone")])
    result = drive.result("pick")
    assert (result.outcome, result.errors, result.score) == ("passed", 0, 1.0)
    assert result.details == {"wrong_selections": 0, "selected": "phone"}


def test_select_counts_wrong_selections():
    drive = Drive(engine(SelectTarget(id="pick", targets=("watch",))))
    drive.frame([press("phone"), press("keys")])
    drive.frame([press("locker")])
    drive.frame([press("watch")])
    result = drive.result("pick")
    assert (result.outcome, result.errors, result.score) == ("passed", 3, 0.25)
    assert result.details["wrong_selections"] == 3


def test_select_score_does_not_go_below_zero():
    drive = Drive(engine(SelectTarget(id="pick", targets=("watch",))))
    drive.frame([press("phone")] * 6 + [press("watch")])
    assert drive.result("pick").score == 0.0


# -- quiz -----------------------------------------------------------------------------------------------------------

OPTIONS = (QuizOption(text="q.a"), QuizOption(text="q.b", correct=True), QuizOption(text="q.c"))


def test_quiz_shows_its_options_and_passes_on_a_right_answer():
    drive = Drive(engine(Quiz(id="quiz", say="q.question", options=OPTIONS), SelectTarget(id="then", targets=("x",))))
    state = drive.frame()
    assert state.quiz_options == ("q.a", "q.b", "q.c") and state.subtitle == "q.question"
    assert state.highlights == ("quiz_option_1", "quiz_option_2", "quiz_option_3")
    state = drive.frame([press("quiz_option_2")])
    assert state.message == "procedure.well_done" and state.quiz_options == ()
    result = drive.result("quiz")
    assert (result.outcome, result.attempts, result.errors, result.score) == ("passed", 1, 0, 1.0)
    assert result.details["answers"] == [2]


def test_quiz_wrong_answer_asks_again_and_costs_score():
    drive = Drive(engine(Quiz(id="quiz", options=OPTIONS, max_attempts=3)))
    assert drive.frame([press("quiz_option_1")]).message == "procedure.try_again"
    drive.frame([press("quiz_option_9"), press("scanner"), press("quiz_option_x")])  # not answers
    drive.frame([press("quiz_option_2")])
    result = drive.result("quiz")
    assert (result.outcome, result.attempts, result.errors) == ("passed", 2, 1)
    assert result.score == pytest.approx(2 / 3)
    assert result.details["answers"] == [1, 2]


def test_quiz_fails_when_the_answers_run_out():
    drive = Drive(engine(Quiz(id="quiz", options=OPTIONS, max_attempts=2)))
    drive.frame([press("quiz_option_1")])
    drive.frame([press("quiz_option_3"), press("quiz_option_2")])  # the right one comes too late
    result = drive.result("quiz")
    assert (result.outcome, result.attempts, result.errors, result.score) == ("failed", 2, 2, 0.0)
    assert result.details["answers"] == [1, 3]


# -- sequence -------------------------------------------------------------------------------------------------------

DONNING = ("hand_hygiene", "gown", "mask", "goggles", "gloves")


def donning(**kw):
    return Sequence(id="don", order=DONNING, contaminants=("face", "gown_front"), **kw)


def test_sequence_in_order_passes_and_highlights_the_next_item():
    drive = Drive(engine(donning(highlight=("ppe_rack",))))
    assert drive.frame().highlights == ("ppe_rack", "hand_hygiene")
    drive.frame([press("hand_hygiene"), PlacedInZone(0.0, "right", "gown", "body")])
    assert drive.engine.state.highlights == ("ppe_rack", "mask")
    drive.frame([press("mask"), press("goggles"), poke("gloves")])
    result = drive.result("don")
    assert (result.outcome, result.errors, result.score) == ("passed", 0, 1.0)
    assert result.details == {
        "order_errors": 0,
        "contaminations": 0,
        "contamination_kinds": [],
        "selected": list(DONNING),
    }


def test_sequence_retry_refuses_an_item_out_of_order():
    drive = Drive(engine(donning(on_error="retry")))
    state = drive.frame([press("hand_hygiene"), press("mask")])
    assert state.message == "procedure.try_again" and state.highlights == ("gown",)
    drive.frame([press("gown"), press("mask"), press("mask"), press("goggles"), press("gloves")])
    result = drive.result("don")
    assert (result.outcome, result.errors, result.score) == ("failed", 1, 0.75)
    assert result.details["order_errors"] == 1
    assert result.details["selected"] == ["hand_hygiene", "mask", "gown", "mask", "goggles", "gloves"]


def test_sequence_continue_accepts_the_wrong_item_and_carries_on_from_it():
    drive = Drive(engine(donning(on_error="continue")))
    drive.frame([press("hand_hygiene"), press("mask")])  # gown missed: an order error, accepted
    assert drive.engine.state.highlights == ("goggles",)  # on from the mask
    drive.frame([press("goggles"), press("gloves")])
    assert drive.engine.state.highlights == ("gown",)  # what is left, from the start
    drive.frame([press("gown")])
    result = drive.result("don")
    assert (result.outcome, result.errors) == ("failed", 1)
    assert result.details["selected"] == ["hand_hygiene", "mask", "goggles", "gloves", "gown"]


def test_sequence_counts_contaminations_touched_and_reported():
    drive = Drive(engine(donning()))
    drive.frame([press("hand_hygiene"), Grab(0.0, "left", "gown_front")])
    drive.engine.report_contamination("glove_technique")
    drive.frame([press("gown"), poke("face"), press("mask"), press("goggles"), press("gloves")])
    result = drive.result("don")
    assert (result.outcome, result.errors, result.score) == ("failed", 3, 0.25)
    assert result.details["contaminations"] == 3
    assert result.details["contamination_kinds"] == ["gown_front", "glove_technique", "face"]
    assert result.details["order_errors"] == 0


def test_a_sites_own_order_is_followed():
    site = Sequence(id="doff", order=("gloves", "gown", "goggles", "mask", "hand_hygiene"))
    drive = Drive(engine(site))
    drive.frame([press(item) for item in site.order])
    assert drive.result("doff").outcome == "passed"


# -- grab and place -------------------------------------------------------------------------------------------------


def locker(**kw):
    return GrabPlace(id="lock", objects=("watch", "phone", "keys"), zone="locker_shelf", **kw)


def placed(obj, zone="locker_shelf"):
    return PlacedInZone(0.0, "right", obj, zone)


def test_grab_place_passes_when_every_object_is_in_the_zone():
    drive = Drive(engine(locker()))
    assert drive.frame().highlights == ("watch", "phone", "keys", "locker_shelf")
    drive.frame([Grab(0.0, "right", "watch"), placed("watch")])
    assert drive.engine.state.highlights == ("phone", "keys", "locker_shelf")
    drive.frame([placed("phone"), placed("keys")])
    result = drive.result("lock")
    assert (result.outcome, result.errors, result.score) == ("passed", 0, 1.0)
    assert result.details == {"drops_outside": 0, "placed": ["watch", "phone", "keys"]}


def test_grab_place_counts_drops_outside_the_zone():
    drive = Drive(engine(locker()))
    drive.frame([Drop(0.0, "right", "watch", (0.0, 0.0, 0.0))])
    drive.frame([Drop(0.0, "right", "phone", (0.0, 0.0, 0.0), refused_by="headrest"), placed("keys", "tray")])
    drive.frame([Drop(0.0, "right", "ear_protection", (0.0, 0.0, 0.0))])  # not this step's object
    drive.frame([placed("watch"), placed("phone"), placed("keys")])
    result = drive.result("lock")
    assert (result.outcome, result.errors, result.score) == ("passed", 3, pytest.approx(0.4))
    assert result.details["drops_outside"] == 3


def test_an_object_taken_out_of_the_zone_is_no_longer_placed():
    drive = Drive(engine(locker()))
    drive.frame([placed("watch"), placed("phone")])
    drive.frame([Grab(0.0, "left", "watch")])
    drive.frame([placed("keys")])
    assert drive.results() == []
    assert drive.engine.state.highlights == ("watch", "locker_shelf")
    drive.frame([placed("watch")])
    assert drive.result("lock").outcome == "passed"
