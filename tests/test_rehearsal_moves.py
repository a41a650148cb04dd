"""A timed wait that moves scene nodes (the MRI table sliding into the bore), driven without a runtime or GL."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from interactions.input import InputFrame, Pose
from interactions.procedure.loader import load_scenario
from xrapp.rehearsal import Participant, Rehearsal

GLB = Path(__file__).resolve().parents[1] / "assets" / "scenes" / "mri_room.glb"

SCENARIO = f"""
id: table-ride
title: mri.title
audience: patient
tracks: [adult]
languages: [en, ko]
estimated_minutes: 1
clinical_review: {{status: not-for-patients}}
scene:
  file: {GLB}
  roles: {{ear_protection: grabbable, headrest: {{kind: zone, accepts: [ear_protection]}}}}
steps:
  - id: table_in
    type: timed_wait
    duration_s: 2
    moves: [table_top, ear_protection]
    move_by: [0, 0, -1.0]
  - id: after
    type: timed_wait
    duration_s: 1
"""


def world_of(scene, name):
    return next(w for n, w in scene.root.walk() if n.name == name)[:3, 3].copy()


def test_a_timed_wait_slides_its_nodes_with_the_countdown_and_leaves_them_there(tmp_path):
    path = tmp_path / "ride.yaml"
    path.write_text(SCENARIO)
    rehearsal = Rehearsal(load_scenario(path), Participant("T-1", None, "en"))
    scene = rehearsal.scene
    table, headrest = world_of(scene, "table_top"), world_of(scene, "headrest")
    phones = rehearsal.position("ear_protection").copy()
    t, halfway = 0.0, None
    while not rehearsal.engine.finished and t < 10:
        rehearsal.update(InputFrame(t, Pose((0.0, 1.6, 0.0))))
        if halfway is None and rehearsal.engine.state.step_id == "table_in" and rehearsal.engine.clock >= 1.0:
            halfway = world_of(scene, "table_top") - table
        t += 1 / 30
    assert halfway == pytest.approx((0.0, 0.0, -0.5), abs=0.03)
    # Where the wait left it, exactly, with what is on it: the headrest (a child) and the headphones (grabbable).
    assert world_of(scene, "table_top") - table == pytest.approx((0.0, 0.0, -1.0))
    assert world_of(scene, "headrest") - headrest == pytest.approx((0.0, 0.0, -1.0))
    assert rehearsal.position("ear_protection") - phones == pytest.approx(np.array((0.0, 0.0, -1.0)))
