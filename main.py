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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py",
        description="Rehearse XR: guided medical rehearsals in an OpenXR headset, or headless on the mock runtime.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the application and runtime do")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="run the scene in a headset or on the mock runtime",
        description="Run the scene on an OpenXR runtime: a headset's, or the built-in headless mock.",
    )
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
    return parser


def command_run(args: argparse.Namespace) -> int:
    from xrapp.app import App
    from xrapp.settings import RunSettings
    from xrapp.xr.instance import MissingExtensionError, NoRuntimeError

    if args.frames is not None and args.frames < 1:
        print("error: --frames must be at least 1", file=sys.stderr)
        return 2
    mock_only = {"--input-script": args.input_script, "--view-size": args.view_size, "--real-time": args.real_time}
    if args.runtime == "openxr":
        for flag, value in mock_only.items():
            if value:
                print(f"error: {flag} applies to the mock runtime only (--runtime mock)", file=sys.stderr)
                return 2
    if args.input_script is not None and not args.input_script.is_file():
        print(f"error: --input-script {args.input_script}: no such file", file=sys.stderr)
        return 2
    settings = RunSettings(
        runtime=args.runtime,
        fallback_to_mock=args.fallback_mock,
        graphics=args.graphics,
        frames=args.frames,
        capture_dir=args.capture,
        capture_frames=args.capture_frames,
        input_script=args.input_script,
        refresh_hz=args.refresh_hz,
        real_time=args.real_time,
        view_size=args.view_size,
        validation=args.validate,
        mirror=args.mirror,
    )
    try:
        report = App(settings).run()
    except (NoRuntimeError, MissingExtensionError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(
        f"{report.runtime_name}: {report.frames_submitted} frames submitted ({report.frames_rendered} rendered), "
        f"{report.reconnects} reconnects"
    )
    if args.capture is not None:
        print(f"captures written to {args.capture}/")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    if args.command == "run":
        return command_run(args)
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
