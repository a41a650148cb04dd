"""What the procedure wants shown this frame: one frozen snapshot the app turns into subtitles, highlights, the
progress bar, the hold-still feedback, the breathing guide and the sound that should be playing.

Texts are catalogue keys (the app translates them); times are seconds of the engine's clock; displacements are
millimetres.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DisplayState:
    """One frame of the procedure, as the engine sees it.

    ``step_id``/``step_type`` are None once the procedure has finished (or was ended). ``step_index`` is 0-based in
    the track's steps; ``progress`` (0..1) is the share of the track's steps already behind the current one (1.0 when
    finished). ``subtitle`` is the step's narration key (for breathing steps, the key of the current phase);
    ``hint`` the latest hint shown after a timeout; ``message`` a transient key (``procedure.try_again``,
    ``procedure.well_done``, ...; ``procedure.paused`` while paused). ``highlights`` names the scene or UI nodes to
    highlight: the step's own plus what it needs (the select target, objects still to place and their zone, the next
    item of a sequence, the quiz option buttons).

    Hold still: ``feedback`` ``"ok"``/``"yellow"``/``"red"``, ``displacement_mm`` from the attempt's reference and
    ``threshold_mm``. ``countdown_s`` is the time left in timed steps (hold still, breath hold, timed wait, automatic
    information). ``breathing`` is ``(phase, fraction)`` with phase ``"inhale"``, ``"hold"`` or ``"exhale"`` and the
    fraction 0..1 through that phase. ``quiz_options`` are the answers' catalogue keys (shown on ``quiz_option_1..n``).
    ``sound`` is the step's sound while the step runs (None while paused, unfocused or finished). ``attempt`` counts
    from 1 (hold-still blocks may be tried again).
    """

    step_id: str | None = None
    step_type: str | None = None
    step_index: int = 0
    step_count: int = 0
    progress: float = 0.0
    subtitle: str | None = None
    hint: str | None = None
    message: str | None = None
    highlights: tuple[str, ...] = ()
    feedback: str | None = None
    displacement_mm: float | None = None
    threshold_mm: float | None = None
    countdown_s: float | None = None
    breathing: tuple[str, float] | None = None
    quiz_options: tuple[str, ...] = ()
    sound: str | None = None
    paused: bool = False
    finished: bool = False
    attempt: int = 1
