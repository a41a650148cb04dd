"""``python main.py demo``: the MRI rehearsal from start to finish, headless, on the mock runtime with a simulated
patient; everything a reviewer wants to look at is written into one directory:

=====================  ===========================================================================================
``contact_sheet.png``  the left eye 2 s into every step (and every retry), labelled
``report.html``        the session report (step timeline, stillness traces against their thresholds)
``steps.csv``          one row per step; ``session.json`` the whole session
``rehearsal.wav``      the session's sound as the patient heard it (level-capped)
``records.sqlite``     the session's record, as a clinic's database would hold it
=====================  ===========================================================================================

By default the patient keeps still, except that in the first try of the second hold-still block it drifts 6 mm
(beyond the 4 mm threshold): the feedback turns yellow then red, the block is tried again and passed - what a real
first rehearsal often looks like.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from interactions.procedure.loader import load_scenario

from .capture import contact_sheet
from .patient import Drift, PatientBehaviour
from .rehearsal import Participant
from .session import find_scenario, run_rehearsal
from .settings import RunSettings

DEMO_PARTICIPANT = "DEMO-0001"


def default_drifts(scenario_path: Path, track: str | None) -> tuple[Drift, ...]:
    """A 6 mm drift in the first try of the track's second hold-still block (its first, if it has one only)."""
    scenario = load_scenario(scenario_path)
    blocks = [s.id for s in scenario.steps_for(track) if s.TYPE == "hold_still"]
    if not blocks:
        return ()
    return (Drift(blocks[1] if len(blocks) > 1 else blocks[0], 6.0, attempts=(1,)),)


def run_demo(
    out: Path,
    *,
    scenario: str = "mri",
    track: str | None = None,
    language: str = "ko",
    drifts: tuple[Drift, ...] | None = None,
    refresh_hz: float = 30.0,
    view_size: tuple[int, int] = (320, 320),
    on_line: Callable[[str], None] | None = None,
) -> dict[str, Path]:
    """Run the demonstration (see the module docstring) and return what was written, by what it is.

    ``drifts`` None gives :func:`default_drifts`; ``()`` a patient still throughout. ``refresh_hz``: the simulated
    headset's rate (30 Hz samples the head more often than the 8 Hz of the published stillness trials, and keeps a
    full rehearsal to a few minutes of software rendering).
    """
    from .audio import AudioTimeline
    from .records import RecordStore
    from .records.report import write_report

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = find_scenario(scenario)
    if drifts is None:
        drifts = default_drifts(path, track)
    database = out / "records.sqlite"
    store = RecordStore(database)
    audio = AudioTimeline()
    settings = RunSettings(runtime="mock", graphics="egl", refresh_hz=refresh_hz, view_size=view_size)
    try:
        outcome = run_rehearsal(
            path,
            Participant(DEMO_PARTICIPANT, track, language),
            settings,
            store=store,
            audio=audio,
            patient=PatientBehaviour(drifts=drifts),
            on_line=on_line,
            capture_every_step=True,
        )
        files = {"records": database}
        if outcome.captured:
            files["contact sheet"] = contact_sheet(outcome.captured, out / "contact_sheet.png")
        files.update(write_report(store, outcome.session_id, out))
        wav = out / "rehearsal.wav"
        audio.write_wav(wav, duration_s=outcome.rehearsal.engine.clock)
        files["sound"] = wav
    finally:
        store.close()
    return files
