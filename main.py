"""Rehearse XR command line.

python main.py run --runtime mock --frames 90 --capture out/
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path


def _frame_list(text: str) -> set[int]:
    try:
        frames = {int(part) for part in text.split(",") if part.strip()}
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give frame numbers separated by commas, e.g. 0,45,89") from None
    if not frames or min(frames) < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: frame numbers start at 0")
    return frames


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give WIDTHxHEIGHT in pixels, e.g. 512x512") from None
    if w < 1 or h < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: width and height must be positive")
    return w, h


def _refresh(text: str) -> float:
    try:
        hz = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give a refresh rate in Hz, e.g. 90") from None
    if not 1.0 <= hz <= 1000.0:
        raise argparse.ArgumentTypeError(f"{text!r}: use a headset refresh rate such as 72, 90 or 120 Hz")
    return hz


def _add_session_options(run: argparse.ArgumentParser) -> None:
    """The options of every command that runs a session on a runtime (run, view)."""
    run.add_argument(
        "--runtime",
        choices=("auto", "openxr", "mock"),
        default="auto",
        help="openxr: the active OpenXR runtime (your headset); mock: the built-in headless runtime; "
        "auto (default): the active runtime, or the mock only with --fallback-mock",
    )
    run.add_argument(
        "--fallback-mock", action="store_true", help="with --runtime auto, use the mock when no runtime is installed"
    )
    run.add_argument(
        "--graphics",
        choices=("auto", "egl", "xlib"),
        default="auto",
        help="egl: headless OpenGL (XR_MNDX_egl_enable); xlib: a window under X (XR_KHR_opengl_enable); "
        "auto (default): xlib when a display is available, else egl",
    )
    run.add_argument("--frames", type=int, metavar="N", help="stop after N submitted frames (default: run until ended)")
    run.add_argument("--capture", type=Path, metavar="DIR", help="write captured eye images (PNG) into DIR")
    run.add_argument(
        "--capture-frames",
        type=_frame_list,
        metavar="LIST",
        help="frames to capture, e.g. 0,45,89 (default with --capture: the last frame)",
    )
    run.add_argument(
        "--input-script",
        type=Path,
        metavar="FILE",
        help="mock runtime: a YAML timeline of head and controller poses, buttons and faults (see README)",
    )
    run.add_argument(
        "--refresh-hz", type=_refresh, default=90.0, metavar="HZ", help="mock runtime: refresh rate (default 90)"
    )
    run.add_argument(
        "--view-size", type=_size, metavar="WxH", help="mock runtime: per-eye image size in pixels (default 512x512)"
    )
    run.add_argument(
        "--real-time", action="store_true", help="mock runtime: pace frames on the wall clock, not a virtual clock"
    )
    run.add_argument(
        "--mirror",
        choices=("off", "both", "left", "right"),
        default="off",
        help="show the eyes in a desktop window for the person running the session (needs --graphics xlib)",
    )
    run.add_argument(
        "--validate", action="store_true", help="enable the Khronos core validation layer (reports on stdout)"
    )
    run.add_argument(
        "--record-input",
        type=Path,
        metavar="FILE",
        help="write the user's input (head and controller poses, buttons, per frame) to FILE as a timeline, on any "
        "runtime (motion identifies people: record only with consent)",
    )
    run.add_argument(
        "--replay-input",
        type=Path,
        metavar="FILE",
        help="mock runtime: replay a recording made with --record-input (use the recording's --refresh-hz for "
        "frame-exact replay)",
    )
    run.add_argument(
        "--stereo",
        choices=("auto", "single-pass", "two-pass"),
        default="auto",
        help="single-pass: both eyes in one pass (gl_Layer); two-pass: one pass per eye; auto (default): single-pass "
        "where the driver offers GL_ARB_shader_viewport_layer_array (the choice is logged with -v)",
    )
    run.add_argument(
        "--gl-debug", action="store_true", help="check glGetError after every renderer GL call and name a failing one"
    )


def _add_rehearsal_options(run: argparse.ArgumentParser) -> None:
    """Options of a session running a scenario."""
    run.add_argument("--participant", default="anonymous", metavar="CODE",
                     help="the clinic's pseudonymous code for the participant (never a name)")  # fmt: skip
    run.add_argument("--track", help="the scenario's track, e.g. child or adult (default: its first)")
    run.add_argument("--language", default="ko", help="the participant's language, e.g. ko or en (default ko)")
    run.add_argument("--start-at", metavar="STEP", help="begin at this step (its id)")
    run.add_argument("--only", action="store_true", help="with --start-at: end after that one step")
    run.add_argument(
        "--db",
        type=Path,
        metavar="FILE",
        help="the records database (default $REHEARSE_DB or ~/.local/share/rehearse-xr/records.sqlite)",
    )
    run.add_argument("--no-record", action="store_true", help="keep no record of this session")
    run.add_argument(
        "--record-motion",
        action="store_true",
        help="also store the raw head and hand motion (identifying: only with explicit consent)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py",
        description="Rehearse XR: guided medical rehearsals in an OpenXR headset, or headless on the mock runtime.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the application and runtime do")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="run a rehearsal (e.g. mri) in a headset or on the mock runtime",
        description="Run a scenario on an OpenXR runtime: a headset's, or the built-in headless mock (where a "
        "simulated patient goes through it unless --input-script gives the user's movements). Without a scenario, "
        "the demonstration scene.",
    )
    run.add_argument(
        "scenario", nargs="?", metavar="SCENARIO", help="a scenario id (e.g. mri) or a scenario .yaml file"
    )
    _add_session_options(run)
    _add_rehearsal_options(run)

    demo = commands.add_parser(
        "demo",
        help="the MRI rehearsal headless on the mock runtime with a simulated patient; writes a contact sheet, "
        "the session report and the sound into --out",
        description="Run the MRI rehearsal from start to finish on the mock runtime with a simulated patient and "
        "write into --out: contact_sheet.png (the view 2 s into each step), the session report (report.html, "
        "steps.csv, session.json), rehearsal.wav (the session's sound) and records.sqlite.",
    )
    demo.add_argument("--out", type=Path, default=Path("out"), metavar="DIR", help="where to write (default out/)")
    demo.add_argument("--scenario", default="mri", help="the scenario (default mri)")
    demo.add_argument("--track", help="the scenario's track, e.g. child or adult (default: its first)")
    demo.add_argument("--language", default="ko", help="the participant's language (default ko)")
    demo.add_argument(
        "--drift",
        action="append",
        default=[],
        metavar="STEP:MM[:ATTEMPTS]",
        help="the simulated patient drifts MM millimetres during STEP (attempts e.g. 1 or 1,2; default all); "
        "repeatable. Default: a 6 mm drift in the first try of the second hold-still block",
    )
    demo.add_argument("--still", action="store_true", help="the simulated patient keeps still in every block")
    demo.add_argument(
        "--refresh-hz", type=_refresh, default=30.0, metavar="HZ", help="simulated headset refresh (default 30)"
    )
    demo.add_argument("--view-size", type=_size, default=(320, 320), metavar="WxH", help="per-eye size (320x320)")

    view = commands.add_parser(
        "view",
        help="look at a model file (.glb, .gltf, .obj, .stl) in the headset or on the mock runtime",
        description="Put a model in front of the viewer at a comfortable size (scaled to fit, centred, standing on "
        "the floor grid), so an author can inspect an asset in a headset, or capture it headless.",
    )
    view.add_argument("file", type=Path, metavar="FILE", help="the model: .glb, .gltf, .obj or .stl")
    view.add_argument(
        "--size", type=float, default=1.0, metavar="M", help="largest dimension of the model once fitted (default 1 m)"
    )
    _add_session_options(view)

    desktop = commands.add_parser(
        "desktop",
        help="walk through the scene with keyboard and mouse, no headset (needs a display)",
        description="The desktop simulator: the application on the mock runtime in real time, in a window; "
        "W/A/S/D walk, Q/E turn, right-drag or Tab looks, the mouse aims the right controller, left click selects, "
        "G grabs, M is the menu button, R recentres, Esc quits.",
    )
    desktop.add_argument(
        "--eye", choices=("left", "right", "both"), default="left", help="which eye(s) the window shows"
    )
    desktop.add_argument("--frames", type=int, metavar="N", help="stop after N frames (default: until Esc)")
    desktop.add_argument(
        "--refresh-hz", type=_refresh, default=90.0, metavar="HZ", help="refresh rate of the simulated headset"
    )
    desktop.add_argument("--view-size", type=_size, metavar="WxH", help="per-eye image size in pixels")
    desktop.add_argument(
        "--record-input", type=Path, metavar="FILE", help="write what you did to FILE, to replay with run"
    )

    report = commands.add_parser(
        "report",
        help="write a recorded session's report (HTML with plots, CSV, JSON), or list the sessions",
        description="Write the report of a recorded session: an HTML page for people (steps, timeline, head motion "
        "against each hold-still threshold), the steps as CSV and the whole session as JSON. --list shows the "
        "recorded sessions.",
    )
    report.add_argument("session", nargs="?", metavar="SESSION_ID", help="the session (its id, or a unique start)")
    report.add_argument("--list", action="store_true", help="list the recorded sessions, newest first")
    report.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="the records database (default: $REHEARSE_DB, else ~/.local/share/rehearse-xr/records.sqlite)",
    )
    report.add_argument("--out", type=Path, default=Path("out"), metavar="DIR", help="where to write (default out/)")
    report.add_argument(
        "--format", type=_report_formats, default=None, metavar="LIST", help="html,csv,json (default: all three)"
    )

    validate = commands.add_parser(
        "validate",
        help="check scenario files and list every mistake in them",
        description="Check scenario files (YAML): every field, the steps together, the scene file's node names and "
        "the sound names. Prints 'FILE: ok (...)' or one 'file:line: what is wrong, and what would be right' per "
        "mistake. Exit status: 0 all valid, 1 mistakes found, 2 a file is missing.",
    )
    validate.add_argument("files", type=Path, nargs="+", metavar="FILE", help="scenario files (.yaml)")
    return parser


def _report_formats(text: str) -> tuple[str, ...]:
    from xrapp.records.report import parse_formats

    try:
        return parse_formats(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _recorder(path: Path | None, note: str):
    """An InputRecorder for ``--record-input`` (None without it)."""
    if path is None:
        return None
    from xrapp.input_record import InputRecorder

    return InputRecorder(path, note)


def command_view(args: argparse.Namespace) -> int:
    from renderer.loader import SceneLoadError, fit_for_viewing, load_scene

    if not args.size > 0:
        print(f"error: --size {args.size}: give the model's largest dimension in metres, e.g. 1.0", file=sys.stderr)
        return 2
    try:
        # Far enough that the whole model, standing on the floor, is inside a headset's lower field of view.
        scene = fit_for_viewing(load_scene(args.file), size_m=args.size, distance_m=1.0 + args.size)
    except (SceneLoadError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return command_run(args, scene)


def command_run(args: argparse.Namespace, scene=None) -> int:
    """Run a session showing ``scene`` (default: the demo scene)."""
    from xrapp.app import App
    from xrapp.settings import RunSettings
    from xrapp.xr.instance import MissingExtensionError, NoRuntimeError

    if args.frames is not None and args.frames < 1:
        print("error: --frames must be at least 1", file=sys.stderr)
        return 2
    mock_only = {
        "--input-script": args.input_script,
        "--replay-input": args.replay_input,
        "--view-size": args.view_size,
        "--real-time": args.real_time,
    }
    if args.runtime == "openxr":
        for flag, value in mock_only.items():
            if value:
                print(f"error: {flag} applies to the mock runtime only (--runtime mock)", file=sys.stderr)
                return 2
    if args.input_script is not None and args.replay_input is not None:
        print("error: --input-script and --replay-input both drive the simulated user: give one", file=sys.stderr)
        return 2
    for flag, path in (("--input-script", args.input_script), ("--replay-input", args.replay_input)):
        if path is not None and not path.is_file():
            print(f"error: {flag} {path}: no such file", file=sys.stderr)
            return 2
    settings = RunSettings(
        runtime=args.runtime,
        fallback_to_mock=args.fallback_mock,
        graphics=args.graphics,
        frames=args.frames,
        capture_dir=args.capture,
        capture_frames=args.capture_frames,
        # A recording is a timeline: replaying it is the mock playing that script.
        input_script=args.input_script or args.replay_input,
        refresh_hz=args.refresh_hz,
        real_time=args.real_time,
        view_size=args.view_size,
        validation=args.validate,
        mirror=args.mirror,
        stereo=args.stereo,
        gl_debug=args.gl_debug,
    )
    if getattr(args, "scenario", None):
        return command_rehearsal(args, settings)
    interactions = None
    if scene is None:
        # The demo scene with its interactions: hover glows, the dwell ring, grab and place, snap turns.
        from xrapp.demo_scene import build_interactive

        interactions = build_interactive()
        scene = interactions.scene
    app = App(settings, scene=scene, interactions=interactions)
    recorder = _recorder(args.record_input, f"recorded with: main.py run --refresh-hz {args.refresh_hz:g}")
    if recorder is not None:
        app.input_observers.append(recorder)
    try:
        report = app.run()
    except (NoRuntimeError, MissingExtensionError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        if recorder is not None:
            recorder.close()
    print(
        f"{report.runtime_name}: {report.frames_submitted} frames submitted ({report.frames_rendered} rendered), "
        f"{report.reconnects} reconnects"
    )
    for line in event_lines(report.events):
        print(line)
    if args.capture is not None:
        print(f"captures written to {args.capture}/")
    if args.record_input is not None:
        print(f"input recorded to {args.record_input}")
    return 0


def _participant(args: argparse.Namespace, scenario_path: Path):
    from xrapp.rehearsal import Participant

    return Participant(args.participant, args.track, args.language)


def command_rehearsal(args: argparse.Namespace, settings) -> int:
    """``run SCENARIO``: a rehearsal session in the headset (or on the mock), recorded as it goes."""
    from interactions.procedure.loader import ScenarioError
    from xrapp.records import RecordError, RecordStore
    from xrapp.records.store import default_db_path
    from xrapp.session import find_scenario, run_rehearsal
    from xrapp.xr.instance import MissingExtensionError, NoRuntimeError

    if args.only and not args.start_at:
        print("error: --only rehearses one step: give it with --start-at STEP", file=sys.stderr)
        return 2
    try:
        path = find_scenario(args.scenario)
        store = None if args.no_record else RecordStore(args.db or default_db_path())
    except (FileNotFoundError, RecordError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    patient = None
    if settings.runtime == "mock" and settings.input_script is None:
        from xrapp.patient import PatientBehaviour

        patient = PatientBehaviour()  # nobody wears a mock headset: a simulated patient goes through it
    audio = None
    if settings.runtime != "mock":
        from xrapp.audio import Player

        audio = Player()
    try:
        outcome = run_rehearsal(path, _participant(args, path), settings, store=store, audio=audio,
                                start_at=args.start_at, only=args.only, patient=patient, on_line=print,
                                record_motion=args.record_motion)  # fmt: skip
    except ScenarioError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (NoRuntimeError, MissingExtensionError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    except (ValueError, RecordError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        if audio is not None:
            audio.close()
        if store is not None:
            store.close()
    report = outcome.run
    print(f"{report.runtime_name}: {report.frames_submitted} frames submitted ({report.frames_rendered} rendered), "
          f"{report.reconnects} reconnects")  # fmt: skip
    if outcome.session_id:
        print(f"session {outcome.session_id} recorded; report with: python main.py report {outcome.session_id}")
    return 0


def _drifts(texts: list[str]):
    from xrapp.patient import Drift

    drifts = []
    for text in texts:
        parts = text.split(":")
        try:
            if len(parts) not in (2, 3):
                raise ValueError
            attempts = tuple(int(a) for a in parts[2].split(",")) if len(parts) == 3 else ()
            drifts.append(Drift(parts[0], float(parts[1]), attempts))
        except ValueError:
            raise SystemExit(f"error: --drift {text!r}: give STEP:MM or STEP:MM:ATTEMPTS, e.g. scan_t2:6:1") from None
    return tuple(drifts)


def command_demo(args: argparse.Namespace) -> int:
    """The MRI rehearsal headless with a simulated patient; its contact sheet, report and sound into --out."""
    from xrapp.demo import run_demo

    try:
        files = run_demo(
            args.out,
            scenario=args.scenario,
            track=args.track,
            language=args.language,
            drifts=None if not args.drift and not args.still else _drifts(args.drift),
            refresh_hz=args.refresh_hz,
            view_size=args.view_size,
            on_line=print,
        )
    except (FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for what, path in files.items():
        print(f"{what}: {path}")
    return 0


#: Interaction events too frequent to list (hovers, haptics, dwell progress): counted, not printed.
_QUIET_EVENTS = ("HoverStart", "HoverEnd", "HapticPulse", "DwellProgress")


def event_lines(events) -> list[str]:
    """One line per meaningful interaction event ("event 2.03 s Select gaze continue_button"), for people and for
    scripts that check a run."""
    lines = []
    for event in events:
        kind = type(event).__name__
        if kind in _QUIET_EVENTS:
            continue
        fields = [str(v) for k, v in vars(event).items() if k != "time" and v is not None and not hasattr(v, "shape")]
        lines.append(f"event {event.time:.2f} s {kind} {' '.join(fields)}")
    return lines


def command_desktop(args: argparse.Namespace) -> int:
    from xrapp.desktop import DesktopApp, DisplayUnavailable, check_display, desktop_settings

    if args.frames is not None and args.frames < 1:
        print("error: --frames must be at least 1", file=sys.stderr)
        return 2
    try:
        check_display()
    except DisplayUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    app = DesktopApp(desktop_settings(args.eye, args.refresh_hz, args.frames, args.view_size))
    recorder = _recorder(args.record_input, f"recorded with: main.py desktop --refresh-hz {args.refresh_hz:g}")
    if recorder is not None:
        app.input_observers.append(recorder)
    try:
        report = app.run()
    finally:
        if recorder is not None:
            recorder.close()
    print(f"{report.runtime_name}: {report.frames_submitted} frames ({report.frames_rendered} shown)")
    return 0


def command_report(args: argparse.Namespace) -> int:
    """Write a session's report files, or list the sessions. Exit 2 when the database or the session is not
    there (listing the latest sessions)."""
    from xrapp.records import RecordError, RecordStore, UnknownSessionError, default_db_path
    from xrapp.records.report import FORMATS, session_list_lines, write_reports

    if args.list == (args.session is not None):
        print("error: give a SESSION_ID, or --list to see the recorded sessions", file=sys.stderr)
        return 2
    try:
        store = RecordStore(args.db or default_db_path(), create=False)
    except RecordError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        sessions = store.sessions()
        if args.list:
            for line in session_list_lines(sessions) or [f"no sessions recorded in {store.path}"]:
                print(line)
            return 0
        # A unique start of an id is enough (ids begin with the date and time).
        matches = [s.session_id for s in sessions if s.session_id.startswith(args.session)]
        session_id = matches[0] if len(matches) == 1 and args.session not in matches else args.session
        try:
            data = store.session(session_id)
        except UnknownSessionError:
            latest = "the latest sessions are:" if sessions else "no session has been recorded there yet"
            print(f"error: no session {args.session!r} in {store.path}; {latest}", file=sys.stderr)
            for line in session_list_lines(sessions[:10]):
                print(f"  {line}", file=sys.stderr)
            return 2
        written = write_reports(data, args.out, args.format or FORMATS, prefix=f"{data.session_id}-")
    except (RecordError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        store.close()
    for what, path in written.items():
        print(f"{what}: {path}")
    return 0


def _scene_node_names(path: Path) -> list[str]:
    """Every node name in the scene file at ``path`` (hidden ones included); SceneLoadError (a ValueError) if it
    cannot be read."""
    from renderer.loader import load_scene

    names, stack = [], [load_scene(path).root]
    while stack:
        node = stack.pop()
        names.append(node.name)
        stack.extend(node.children)
    return names


def command_validate(args: argparse.Namespace) -> int:
    """Check each scenario file; 0 if all are valid, 1 if any has mistakes, 2 if any is missing or unreadable."""
    from interactions.procedure.loader import ScenarioError, load_scenario, summary
    from xrapp.audio import SOUND_NAMES  # the sound names a scenario may use are the ones synthesised

    status, sounds = 0, tuple(SOUND_NAMES)
    for path in args.files:
        if not path.is_file():
            print(f"{path}: no such file", file=sys.stderr)
            status = 2
            continue
        try:
            scenario = load_scenario(path, scene_nodes=_scene_node_names, sound_names=sounds)
        except ScenarioError as error:
            print(error)
            status = max(status, 1)
        except OSError as error:
            print(f"{path}: cannot be read ({error.strerror or error})", file=sys.stderr)
            status = 2
        else:
            print(f"{path}: {summary(scenario)}")
    return status


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    if args.command == "run":
        return command_run(args)
    if args.command == "view":
        return command_view(args)
    if args.command == "desktop":
        return command_desktop(args)
    if args.command == "report":
        return command_report(args)
    if args.command == "demo":
        return command_demo(args)
    if args.command == "validate":
        return command_validate(args)
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
