"""Look at and move to: the head's direction and place against scene positions."""

import numpy as np
import pytest

from interactions.events import Teleport
from interactions.input import Pose
from interactions.procedure.model import LookAt, MoveTo
from interactions.procedure.steps.spatial import gaze_angle_deg
from tests.procedure.synthetic import ROOM, Drive, call, engine, head, look, resume, turned

DT = 1.0 / 90.0


def test_gaze_angle_is_between_forward_and_the_target():
    assert gaze_angle_deg(head(), np.array([0.0, 1.6, -2.0])) == pytest.approx(0.0)
    assert gaze_angle_deg(head(), np.array([2.0, 1.6, 0.0])) == pytest.approx(90.0)
    assert gaze_angle_deg(turned(30.0), np.array([0.0, 1.6, -2.0])) == pytest.approx(30.0)


# -- look at --------------------------------------------------------------------------------------------------------


def test_look_at_completes_after_dwelling_inside_the_cone():
    drive = Drive(engine(LookAt(id="look", target="control_window", dwell_s=1.0, cone_deg=12.0)))
    state = drive.frame(pose=head())
    assert "control_window" in state.highlights
    drive.run(0.5, pose=head())
    drive.run(2.0, pose=look("control_window"), until=lambda s: s.finished)
    result = drive.result("look")
    assert result.outcome == "completed" and result.score == 1.0
    assert result.ended == pytest.approx(0.5 + 1.0, abs=2 * DT)
    assert result.details["angle_deg"] == pytest.approx(0.0, abs=1e-6)


def test_looking_away_starts_the_dwell_again():
    drive = Drive(engine(LookAt(id="look", target="scanner", dwell_s=1.0, cone_deg=10.0)))
    at_scanner = look("scanner")
    drive.run(0.8, pose=at_scanner)
    drive.run(0.2, pose=turned(60.0))
    drive.run(0.8, pose=at_scanner)
    assert drive.results() == []
    drive.run(0.5, pose=at_scanner, until=lambda s: s.finished)
    assert drive.result("look").ended == pytest.approx(1.0 + 1.0, abs=2 * DT)


def test_the_cone_is_a_half_angle():
    window = np.array(ROOM["control_window"])  # at eye height, 90 degrees to the right
    drive = Drive(engine(LookAt(id="look", target="control_window", dwell_s=0.2, cone_deg=20.0)))
    outside, inside = turned(-90.0 + 21.0), turned(-90.0 - 19.0)
    assert gaze_angle_deg(outside, window) == pytest.approx(21.0)
    drive.run(1.0, pose=outside)
    assert drive.results() == []
    drive.run(1.0, pose=inside, until=lambda s: s.finished)
    assert drive.result("look").details["angle_deg"] == pytest.approx(19.0)


def test_a_pause_starts_the_dwell_again():
    drive = Drive(engine(LookAt(id="look", target="scanner", dwell_s=1.0)))
    drive.run(0.8, pose=look("scanner"))
    drive.frame([call()], pose=look("scanner"))
    drive.frame([resume()], pose=look("scanner"))
    drive.run(0.5, pose=look("scanner"))
    assert drive.results() == []


def test_look_at_a_node_the_scene_lacks_says_which():
    eng = engine(LookAt(id="look", target="mirror"))
    with pytest.raises(ValueError, match="step 'look' .*no node called 'mirror'"):
        eng.update(0.0, head(), [])


def test_look_at_without_positions_says_which_node():
    eng = engine(LookAt(id="look", target="scanner"), positions=None)
    with pytest.raises(ValueError, match="'scanner'"):
        eng.update(0.0, head(), [])


# -- move to --------------------------------------------------------------------------------------------------------


def test_move_to_completes_on_a_teleport_to_the_spot():
    drive = Drive(engine(MoveTo(id="go", spot="spot_table")))
    assert "spot_table" in drive.frame().highlights
    drive.frame([Teleport(0.0, "right", "spot_locker")])
    assert drive.results() == []
    drive.frame([Teleport(0.0, "right", "spot_table")])
    result = drive.result("go")
    assert result.outcome == "completed" and result.details["teleported"] is True


def test_move_to_completes_when_the_head_is_near_enough_horizontally():
    drive = Drive(engine(MoveTo(id="go", spot="spot_table", radius_m=0.4)))
    spot = ROOM["spot_table"]
    drive.frame(pose=Pose((spot[0] + 0.5, 1.7, spot[2])))
    assert drive.results() == []
    drive.frame(pose=Pose((spot[0] + 0.3, 1.7, spot[2] + 0.2)))  # 0.36 m away; height does not matter
    result = drive.result("go")
    assert result.outcome == "completed" and result.details["teleported"] is False


def test_move_to_a_spot_without_a_position_still_completes_by_teleport():
    drive = Drive(engine(MoveTo(id="go", spot="spot_garden")))
    drive.run(0.5, pose=head())
    drive.frame([Teleport(0.0, "right", "spot_garden")])
    assert drive.result("go").outcome == "completed"
