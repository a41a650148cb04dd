"""The benchmark, one command: ``python -m bench.run`` (``--quick`` for a smoke run; ``--help`` for the options).

On the mock runtime (virtual clock: xrWaitFrame never sleeps, so a frame's wall time is the application's own work)
at a small per-eye size, for scenes of 10, 100 and 1000 objects (shared mesh and material, and distinct ones):

- ours (:class:`xrapp.app.App`), single-pass and two-pass stereo: per-frame time (median, 99th percentile, worst)
  split into phases (:data:`xrapp.app.PHASES`), GL calls per frame, pose-to-submit latency (xrLocateViews
  returning → xrEndFrame called, from ``MockRuntime.frame_timings``), garbage-collector pauses;
- peer 1, a per-eye PyOpenGL loop like pyopenxr's examples (:mod:`bench.peers.pyopengl_loop`) on the same mock;
- peer 2, pyrender drawing the scene once per eye (:mod:`bench.peers.pyrender_eyes`) in its own virtual
  environment (made on first use under ``~/.cache/rehearse-xr/bench-pyrender``), as a subprocess;
- a long run (default 20,000 frames, smallest scene): RSS and the renderer's GPU object counts at start and end,
  collector pauses.

Ours and the loop peer run ``--repeats`` times (default 5), taking turns, and each reports its run of median frame
time (all the runs' medians are in the JSON): on a shared machine one run alone can be off by half. Ratios are
peer median / our median, measured in the same command (above 1: ours is faster). Nothing here asserts a time.
Writes ``bench/results/latest.json`` and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("EGL_PLATFORM", "surfaceless")

import numpy as np  # noqa: E402

from bench import scenes  # noqa: E402

RESULTS = Path(__file__).parent / "results" / "latest.json"
PYRENDER_VENV = Path.home() / ".cache" / "rehearse-xr" / "bench-pyrender"
PYRENDER_SCRIPT = Path(__file__).parent / "peers" / "pyrender_eyes.py"
PHASE_NAMES = ("wait_begin", "locate", "update", "render", "end")


# -- measuring -----------------------------------------------------------------------------------------------------


class CollectorPauses:
    """Garbage-collector pauses while active (``gc.callbacks``): each collection's generation and duration."""

    def __init__(self, armed: bool = True) -> None:
        self.pauses: list[tuple[int, int]] = []  # (generation, nanoseconds)
        self.armed = armed  # record only while armed: the frames measured, not loading or tear-down
        self._start = 0

    def _callback(self, phase: str, info: dict) -> None:
        if not self.armed:
            return
        if phase == "start":
            self._start = time.perf_counter_ns()
        else:
            self.pauses.append((info["generation"], time.perf_counter_ns() - self._start))

    def __enter__(self) -> CollectorPauses:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc) -> None:
        gc.callbacks.remove(self._callback)

    def summary(self) -> dict:
        """count, total and worst pause (ms), and the count per generation."""
        durations = np.array([d for _, d in self.pauses], np.float64) / 1e6
        return {
            "count": len(self.pauses),
            "total_ms": round(float(durations.sum()), 3) if len(durations) else 0.0,
            "worst_ms": round(float(durations.max()), 3) if len(durations) else 0.0,
            "by_generation": {str(g): sum(1 for gen, _ in self.pauses if gen == g) for g in (0, 1, 2)},
        }


def rss_kib() -> int:
    """Resident set size of this process, KiB (VmRSS of /proc/self/status)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def stats_ms(values_ns) -> dict:
    """median, 99th percentile and worst of nanosecond values, in milliseconds."""
    values = np.asarray(values_ns, np.float64) / 1e6
    if not len(values):
        return {"median": None, "p99": None, "worst": None}
    return {
        "median": round(float(np.median(values)), 3),
        "p99": round(float(np.percentile(values, 99)), 3),
        "worst": round(float(values.max()), 3),
    }


def latency_ns(runtime, frames: int) -> list[int]:
    """Pose-to-submit latency of the last ``frames`` rendered frames: xrLocateViews returning → xrEndFrame called.

    The mock keeps the timings of its latest ``FRAME_TIMINGS_KEPT`` frames only (4096), so a longer run gives the
    latency of its last 4096 frames."""
    timings = [t for t in runtime.frame_timings if t.locate_views_ns and t.end_ns]
    return [t.end_ns - t.locate_views_ns for t in timings[-frames:]]


def phase_summary(durations: np.ndarray) -> dict:
    """Per frame total and each phase: median, p99, worst (ms). ``durations``: (frames, phases) ns."""
    result = {"frame": stats_ms(durations.sum(axis=1))}
    for i, name in enumerate(PHASE_NAMES[: durations.shape[1]]):
        result[name] = stats_ms(durations[:, i])
    return result


# -- contenders ----------------------------------------------------------------------------------------------------


def run_ours(bench_scene, stereo: str, frames: int, warmup: int, size: int, long_run: bool = False) -> dict:
    """Our application on the mock: ``warmup`` + ``frames`` frames; returns the measurements."""
    from xrapp import mockrt
    from xrapp.app import App, FramePhases
    from xrapp.settings import RunSettings

    scene = scenes.to_scene(bench_scene)
    total = warmup + frames
    settings = RunSettings(runtime="mock", graphics="egl", view_size=(size, size), frames=total, stereo=stereo)
    app = App(settings, scene=scene)
    app.frame_phases = FramePhases(capacity=total + 16)
    samples: dict = {}
    pauses = CollectorPauses(armed=False)

    def observe(_frame, _timing) -> None:
        # Called each frame before drawing: collector pauses count from the first measured frame to the last one
        # (not the collections of loading and tear-down); the long run samples memory at those two frames.
        index = app.report.frames_submitted
        pauses.armed = warmup <= index < total - 1
        if long_run and (index == warmup or index == total - 1):
            samples["start" if index == warmup else "end"] = {
                "frame": index,
                "rss_kib": rss_kib(),
                "gpu_objects": app.renderer.live_objects() if app.renderer is not None else {},
            }

    app.input_observers.append(observe)
    with pauses:
        app.run()
    runtime = mockrt.installed()
    durations = app.frame_phases.durations_ns()[-frames:]
    result = {
        "contender": f"ours {stereo}",
        "frames": len(durations),
        "phases_ms": phase_summary(durations),
        "gl_calls_per_frame": int(np.median(list(app.gl_calls)[-frames:])) if app.gl_calls else None,
        "pose_to_submit_ms": stats_ms(latency_ns(runtime, frames)),
        "gc": pauses.summary(),
    }
    if long_run:
        samples["after_release"] = {"rss_kib": rss_kib(), "gpu_objects": app.renderer.live_objects()}
        result["memory"] = samples
    return result


def run_peer_loop(bench_scene, frames: int, warmup: int, size: int) -> dict:
    """Peer 1 (per-eye PyOpenGL loop) on the same mock runtime, same scene and size."""
    from bench.peers.pyopengl_loop import PerEyeLoop
    from renderer.context import GLContext
    from xrapp import mockrt

    runtime = mockrt.install(mockrt.MockConfig(recommended_size=(size, size)))
    runtime.set_pose_source(mockrt.StaticPoseSource(runtime.config.eye_height_m))
    context = GLContext.create("egl")
    context.make_current()
    try:
        loop = PerEyeLoop(context, bench_scene)
        gc.collect()
        gc.freeze()  # as ours does after loading: a competent program would too
        with CollectorPauses() as pauses:
            durations = loop.run(frames, warmup)
        gc.unfreeze()
        calls = loop.gl_calls_per_frame
        loop.close()
    finally:
        context.destroy()
    # The peer has no input/interaction phase: a zero column keeps the phases aligned with ours.
    durations = np.insert(durations, 2, 0, axis=1)
    return {
        "contender": "peer: per-eye PyOpenGL loop",
        "frames": len(durations),
        "phases_ms": phase_summary(durations),
        "gl_calls_per_frame": calls,
        "pose_to_submit_ms": stats_ms(latency_ns(runtime, frames)),
        "gc": pauses.summary(),
    }


def eye_cameras(size: int) -> tuple[np.ndarray, np.ndarray]:
    """The mock's static user's eyes: ``(2, 4, 4)`` camera → world poses and ``(2, 4, 4)`` projections."""
    from renderer.transforms import projection_from_fov
    from xrapp import mockrt

    config = mockrt.MockConfig(recommended_size=(size, size))
    poses, projections = np.zeros((2, 4, 4)), np.zeros((2, 4, 4))
    for eye in (0, 1):
        poses[eye] = np.identity(4)
        poses[eye][:3, 3] = ((eye - 0.5) * config.ipd_m, config.eye_height_m, 0.0)
        projections[eye] = projection_from_fov(*config.fov_radians(eye), 0.05, 100.0)
    return poses, projections


def ensure_pyrender_venv(venv: Path, create: bool) -> Path | None:
    """The venv's python with pyrender importable; made (``pip install pyrender``) when ``create``; else None."""
    python = venv / "bin" / "python"
    if not python.exists() and create:
        print(f"making pyrender's virtual environment in {venv} (once) ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "pyrender"], check=True)
    if not python.exists():
        return None
    probe = subprocess.run([str(python), "-c", "import pyrender"], capture_output=True)
    return python if probe.returncode == 0 else None


def run_pyrender(python: Path, bench_scene, frames: int, warmup: int, size: int, workdir: Path) -> dict:
    """Peer 2 (pyrender, two OffscreenRenderer.render calls per frame) as a subprocess in its venv."""
    path = scenes.write_npz(bench_scene, workdir / f"scene-{bench_scene.kind}-{bench_scene.count}.npz")
    poses, projections = eye_cameras(size)
    data = dict(np.load(path))
    np.savez(path, eye_poses=poses, projections=projections, **data)
    env = dict(os.environ, PYOPENGL_PLATFORM="egl", EGL_PLATFORM="surfaceless")
    done = subprocess.run(
        [str(python), str(PYRENDER_SCRIPT), str(path), str(frames), str(size), str(size), str(warmup)],
        capture_output=True,
        text=True,
        env=env,
    )
    if done.returncode != 0:
        return {"contender": "peer: pyrender per eye", "error": done.stderr.strip().splitlines()[-1:]}
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "contender": f"peer: pyrender {out['pyrender']} per eye",
        "frames": len(out["frame_ns"]),
        "phases_ms": {"frame": stats_ms(out["frame_ns"])},
        "gl_calls_per_frame": None,
        "pose_to_submit_ms": None,
        "gc": None,
    }


# -- the command ---------------------------------------------------------------------------------------------------


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--frames", type=int, default=200, help="measured frames per run (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="frames run before measuring (default 20)")
    parser.add_argument("--sizes", default="10,100,1000", help="object counts, comma-separated")
    parser.add_argument("--kinds", default="shared,distinct", help="scene kinds: shared, distinct")
    parser.add_argument("--view-size", type=int, default=128, help="per-eye image width and height, pixels")
    parser.add_argument(
        "--repeats",
        type=int,
        default=5,
        help="runs of ours and the loop peer per scene, taking turns; each reports its median run (default 5)",
    )
    parser.add_argument("--long-frames", type=int, default=20_000, help="frames of the long run (0: skip it)")
    parser.add_argument("--no-pyrender", action="store_true", help="skip the pyrender peer")
    parser.add_argument("--make-venv", action="store_true", help="create pyrender's venv if missing (pip install)")
    parser.add_argument("--pyrender-venv", type=Path, default=PYRENDER_VENV, help="pyrender's virtual environment")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the JSON goes")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 10 frames, warm-up 3, sizes 10 and 100, long run 200"
    )
    args = parser.parse_args(argv)
    if args.quick:  # smaller defaults; options given explicitly still win
        quick = {"frames": 10, "warmup": 3, "sizes": "10,100", "long_frames": 200, "repeats": 1}
        for name, value in quick.items():
            if getattr(args, name) == parser.get_default(name):
                setattr(args, name, value)
    return args


def main(argv: list[str] | None = None) -> dict:
    """Run everything asked for; write the JSON; print the table. Returns the results."""
    args = parse(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    kinds = [k for k in args.kinds.split(",") if k]
    python = None
    skipped = None
    if args.no_pyrender:
        skipped = "--no-pyrender"
    else:
        python = ensure_pyrender_venv(args.pyrender_venv, args.make_venv)
        if python is None:
            skipped = (
                f"no pyrender virtual environment at {args.pyrender_venv}: run once with --make-venv "
                "(python -m venv + pip install pyrender; pyrender pins PyOpenGL 3.1.0, so it gets its own)"
            )
            print(f"pyrender peer skipped: {skipped}", file=sys.stderr)
    results = {
        "command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "view_size": [args.view_size, args.view_size],
        "frames": args.frames,
        "warmup": args.warmup,
        "repeats": args.repeats,
        "pyrender_skipped": skipped,
        "scenes": [],
    }
    with tempfile.TemporaryDirectory() as workdir:
        for kind in kinds:
            for count in sizes:
                bench_scene = scenes.build(count, kind)
                print(f"{kind} {count} ...", file=sys.stderr, flush=True)
                entry = {"kind": kind, "objects": count, "triangles_per_eye": bench_scene.triangles, "runs": []}
                # Ours and the loop peer take turns, ``repeats`` times; each keeps its run of median frame time.
                rounds = [
                    [
                        run_ours(bench_scene, "single-pass", args.frames, args.warmup, args.view_size),
                        run_ours(bench_scene, "two-pass", args.frames, args.warmup, args.view_size),
                        run_peer_loop(bench_scene, args.frames, args.warmup, args.view_size),
                    ]
                    for _ in range(args.repeats)
                ]
                entry["runs"] += [median_run([runs[i] for runs in rounds]) for i in range(3)]
                if python is not None:
                    entry["runs"].append(
                        run_pyrender(python, bench_scene, args.frames, args.warmup, args.view_size, Path(workdir))
                    )
                add_ratios(entry)
                results["scenes"].append(entry)
    if args.long_frames:
        print(f"long run: {args.long_frames} frames ...", file=sys.stderr, flush=True)
        long = run_ours(scenes.build(min(sizes), kinds[0]), "single-pass", args.long_frames, 10, args.view_size, True)
        results["long_run"] = {"objects": min(sizes), "kind": kinds[0], **long}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(table(results))
    return results


def median_run(runs: list[dict]) -> dict:
    """Of one contender's repeated runs, the one whose median frame time is the median (the lower middle one for
    an even count), with every run's median frame time in ``repeat_medians_ms``."""
    medians = [run["phases_ms"]["frame"]["median"] for run in runs]
    chosen = dict(sorted(runs, key=lambda run: run["phases_ms"]["frame"]["median"])[(len(runs) - 1) // 2])
    chosen["repeat_medians_ms"] = medians
    return chosen


def add_ratios(entry: dict) -> None:
    """Each peer's median frame time over ours (single-pass and two-pass): above 1, ours is faster."""
    ours = {
        run["contender"]: run["phases_ms"]["frame"]["median"]
        for run in entry["runs"]
        if run["contender"].startswith("ours")
    }
    for run in entry["runs"]:
        if run["contender"].startswith("ours") or "phases_ms" not in run:
            continue
        median = run["phases_ms"]["frame"]["median"]
        run["ratio_to_ours"] = {name.removeprefix("ours "): round(median / value, 2) for name, value in ours.items()}


def table(results: dict) -> str:
    """The results as a Markdown table (ms; ratios are peer / ours single-pass and two-pass)."""
    head = (
        "| scene | contender | median | p99 | worst | wait→begin | locate | update | render | end | GL calls "
        "| pose→submit | peer/ours 1-pass | peer/ours 2-pass |"
    )
    lines = [head, "|" + "---|" * 14]

    def cell(phases: dict, name: str, key: str = "median") -> str:
        value = phases.get(name, {}).get(key) if phases else None
        return "" if value is None else f"{value:.2f}"

    for entry in results["scenes"]:
        for run in entry["runs"]:
            if "error" in run:
                lines.append(f"| {entry['kind']} {entry['objects']} | {run['contender']} | failed: {run['error']} |")
                continue
            phases = run["phases_ms"]
            ratio = run.get("ratio_to_ours", {})
            latency = run["pose_to_submit_ms"]["median"] if run["pose_to_submit_ms"] else None
            cells = [
                f"{entry['kind']} {entry['objects']}",
                run["contender"],
                cell(phases, "frame"),
                cell(phases, "frame", "p99"),
                cell(phases, "frame", "worst"),
                *(cell(phases, name) for name in PHASE_NAMES),
                "" if run["gl_calls_per_frame"] is None else str(run["gl_calls_per_frame"]),
                "" if latency is None else f"{latency:.2f}",
                f"{ratio['single-pass']:.2f}×" if "single-pass" in ratio else "",
                f"{ratio['two-pass']:.2f}×" if "two-pass" in ratio else "",
            ]
            lines.append("| " + " | ".join(cells) + " |")
    long = results.get("long_run")
    if long:
        memory = long["memory"]
        start, end = memory.get("start", {}), memory.get("end", {})
        lines += [
            "",
            f"Long run: {long['frames']} frames, {long['kind']} {long['objects']}, ours single-pass: frame median "
            f"{long['phases_ms']['frame']['median']} ms, p99 {long['phases_ms']['frame']['p99']} ms, worst "
            f"{long['phases_ms']['frame']['worst']} ms; RSS {start.get('rss_kib')} KiB at frame {start.get('frame')} "
            f"→ {end.get('rss_kib')} KiB at frame {end.get('frame')}; GPU objects {start.get('gpu_objects')} → "
            f"{end.get('gpu_objects')} (after release: {memory['after_release']['gpu_objects']}); collector: "
            f"{long['gc']['count']} pauses, total {long['gc']['total_ms']} ms, worst {long['gc']['worst_ms']} ms.",
        ]
    if results.get("pyrender_skipped"):
        lines += ["", f"pyrender peer skipped: {results['pyrender_skipped']}"]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
