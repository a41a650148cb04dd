"""A rehearsal session from start to finish: choose the scenario, open its record, wire the sound, run it on a
runtime, and (for the headless demonstration) collect what a person reviewing it wants to see.

``python main.py run mri`` and ``python main.py demo`` both come here; the first on a headset with live sound and the
clinic's record database, the second on the mock runtime with a simulated patient, writing a contact sheet, the
report and the sound into a directory.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from interactions.procedure.loader import load_scenario
from interactions.procedure.model import Scenario

from .app import App, RunReport
from .rehearsal import ASSETS, Participant, Rehearsal, scenario_hash
from .settings import RunSettings

log = logging.getLogger("xrapp.session")

SCENARIOS = ASSETS / "scenarios"


def find_scenario(name: str) -> Path:
    """The scenario file for ``name``: a path to a YAML file, or the id (or the start of the id) of one in
    ``assets/scenarios`` (``mri`` finds ``mri-rehearsal.yaml``). FileNotFoundError listing what there is."""
    path = Path(name)
    if path.suffix in (".yaml", ".yml"):
        if not path.is_file():
            raise FileNotFoundError(f"scenario file {name}: no such file")
        return path
    known = sorted(SCENARIOS.glob("*.yaml"))
    matches = [p for p in known if p.stem == name] or [p for p in known if p.stem.startswith(name)]
    if len(matches) == 1:
        return matches[0]
    names = ", ".join(p.stem for p in known) or "none"
    if not matches:
        raise FileNotFoundError(f"no scenario called {name!r}; the scenarios are: {names} (or give a .yaml path)")
    raise FileNotFoundError(f"{name!r} could be any of {', '.join(p.stem for p in matches)}: give more of the name")


@dataclass
class SessionOutcome:
    """What a rehearsal session did: the App's run report, the rehearsal (results, comfort events, score), the
    record's session id, and files written."""

    run: RunReport
    rehearsal: Rehearsal
    session_id: str | None = None
    files: dict[str, Path] = field(default_factory=dict)
    captured: list = field(default_factory=list)  # (label, (h, w, 4) uint8 left-eye image) per step, when asked


def open_record(store, scenario: Scenario, participant: Participant, record_motion: bool = False):
    """A SessionRecorder for this participant's session of ``scenario`` in ``store`` (a RecordStore). The title is
    recorded as the participant's language writes it (the file gives a catalogue key)."""
    from interactions.procedure.catalogue import Catalogue

    from .rehearsal import LOCALES

    review = scenario.meta.clinical_review
    return store.open_session(
        participant=participant.code,
        scenario_id=scenario.meta.id,
        scenario_title=Catalogue.load(LOCALES, participant.language).text(scenario.meta.title),
        review_status=review.status,
        review_note=review.note,
        scenario_hash=scenario_hash(scenario),
        track=participant.track or scenario.meta.tracks[0],
        language=participant.language,
        record_motion=record_motion,
    )


def run_rehearsal(
    scenario_path: Path,
    participant: Participant,
    settings: RunSettings,
    *,
    store=None,
    audio=None,
    start_at: str | None = None,
    only: bool = False,
    patient=None,
    on_line=None,
    capture_every_step: bool = False,
    observers=(),
    record_motion: bool = False,
) -> SessionOutcome:
    """Run one session of the scenario at ``scenario_path`` (see the module docstring).

    Args:
        store: a ``xrapp.records.RecordStore`` to record into, or None for no record.
        audio: the sound (a live player or a mixer), or None.
        start_at, only: begin at this step; ``only`` ends the session after it (rehearsing one block).
        patient: a ``xrapp.patient.PatientBehaviour`` for a simulated patient on the mock runtime, or None.
        capture_every_step: mock runtime: capture the view 2 s into each step, and when the stillness feedback
            turns red (for a contact sheet).
        observers: called with (app, InputFrame, FrameTiming) every frame (tests inject faults this way).
        record_motion: store the raw head and hand motion too (identifying: only with explicit consent).
    """
    scenario = load_scenario(scenario_path)
    if record_motion and store is None:
        raise ValueError("--record-motion needs a record to store the motion in: drop --no-record")
    recorder = open_record(store, scenario, participant, record_motion) if store is not None else None
    captures: list[tuple[str, int]] = []
    app: App | None = None

    def line(text: str) -> None:
        if on_line is not None:
            on_line(text)

    rehearsal = Rehearsal(
        scenario,
        participant,
        recorder=recorder,
        audio=audio,
        start_at=start_at,
        on_line=line,
        stop_after_one=only,
        record_motion=record_motion,
    )
    if capture_every_step:
        settings.capture_frames = set()
    app = App(settings, scene=rehearsal.scene, interactions=rehearsal)
    if patient is not None:
        from .patient import CONTROLLERS, SimulatedPatient

        app.pose_source = SimulatedPatient(rehearsal, patient)
        settings.controllers = settings.controllers or CONTROLLERS  # read when the App installs the mock
    for observer in observers:
        app.input_observers.append(lambda frame, timing, observer=observer: observer(app, frame, timing))
    if capture_every_step:
        rehearsal.on_moment = lambda label, after_s: _capture_soon(app, captures, label, after_s)
    reason = "completed"
    try:
        report = app.run()
        if rehearsal.stopped:
            reason = "rehearsed one step"
        elif not rehearsal.engine.finished:
            reason = "ended_early"
    except BaseException:
        reason = "crashed"
        raise
    finally:
        rehearsal.end("ended_early")  # records the step in progress, unless the procedure is over
        if recorder is not None:
            recorder.close(reason)
    outcome = SessionOutcome(report, rehearsal, getattr(recorder, "session_id", None))
    if capture_every_step and app.mock is not None:
        outcome.captured = [
            (label, app.mock.captures[index].views[0]) for label, index in captures if index in app.mock.captures
        ]
    return outcome


def _capture_soon(app: App, captures: list[tuple[str, int]], label: str, after_s: float = 2.0) -> None:
    """Ask the mock to read back the frame ``after_s`` from now (once the panel has settled in view)."""
    mock = app.mock
    if mock is None or mock.config.capture_frames is None:
        return
    index = mock.frames_ended + max(1, round(after_s * app.settings.refresh_hz))
    mock.config.capture_frames.add(index)
    captures.append((label, index))
