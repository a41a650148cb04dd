"""The benchmark runs end to end in quick mode and writes valid JSON (no times asserted, no pyrender needed)."""

from __future__ import annotations

import json

import pytest

pytestmark = [pytest.mark.xr, pytest.mark.gl]


def test_quick_benchmark_writes_every_run_and_the_long_run(mock_runtime, tmp_path):
    from bench import run

    out = tmp_path / "latest.json"
    run.main(
        ["--quick", "--frames", "3", "--warmup", "2", "--sizes", "10", "--long-frames", "20", "--no-pyrender"]
        + ["--repeats", "2"]
        + ["--out", str(out)]
    )
    results = json.loads(out.read_text())
    assert results["pyrender_skipped"] == "--no-pyrender"
    assert [(e["kind"], e["objects"]) for e in results["scenes"]] == [("shared", 10), ("distinct", 10)]
    for entry in results["scenes"]:
        contenders = [r["contender"] for r in entry["runs"]]
        assert contenders == ["ours single-pass", "ours two-pass", "peer: per-eye PyOpenGL loop"]
        for result in entry["runs"]:
            assert result["frames"] == 3
            assert len(result["repeat_medians_ms"]) == 2  # ours and the loop peer ran twice, taking turns
            assert result["phases_ms"]["frame"]["median"] in result["repeat_medians_ms"]
            assert set(result["phases_ms"]) == {"frame", "wait_begin", "locate", "update", "render", "end"}
            assert result["gl_calls_per_frame"] > 0
            assert result["pose_to_submit_ms"]["median"] > 0
        peer = entry["runs"][2]
        assert set(peer["ratio_to_ours"]) == {"single-pass", "two-pass"}
    memory = results["long_run"]["memory"]
    assert memory["start"]["gpu_objects"] == memory["end"]["gpu_objects"]
    assert all(count == 0 for count in memory["after_release"]["gpu_objects"].values())
    assert memory["end"]["frame"] > memory["start"]["frame"]
