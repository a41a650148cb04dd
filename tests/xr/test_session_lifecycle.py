"""Every session state transition the mock drives, seen by a plain pyopenxr program."""

from __future__ import annotations

import ctypes

import pytest
import xr

from . import xrkit

pytestmark = [pytest.mark.xr, pytest.mark.gl]

S = xr.SessionState


@pytest.fixture
def running(mock_runtime, gl_context):
    r = xrkit.Running(gl_context)
    yield r
    r.destroy()


def test_start_walks_idle_ready_synchronized_visible_focused(running):
    assert running.seen == [S.IDLE, S.READY, S.SYNCHRONIZED, S.VISIBLE, S.FOCUSED]


def test_first_frame_before_synchronized_is_not_rendered_but_later_ones_are(mock_runtime, gl_context):
    instance = xrkit.create_instance()
    try:
        session = xrkit.create_session(instance, xrkit.system(instance), gl_context)
        xrkit.states(instance)
        xrkit.begin(session)
        first = xrkit.frame(session)
        second = xrkit.frame(session)
        assert not first.should_render
        assert second.should_render
    finally:
        xr.destroy_instance(instance)


def test_request_exit_walks_down_to_exiting(running):
    xr.request_exit_session(running.session)
    assert xrkit.states(running.instance) == [S.VISIBLE, S.SYNCHRONIZED, S.STOPPING]
    xr.end_session(running.session)
    assert xrkit.states(running.instance) == [S.IDLE, S.EXITING]


def test_runtime_stop_returns_to_ready_and_the_session_can_begin_again(running, mock_runtime):
    mock_runtime.request_stop()
    assert xrkit.states(running.instance) == [S.VISIBLE, S.SYNCHRONIZED, S.STOPPING]
    xr.end_session(running.session)
    assert xrkit.states(running.instance) == [S.IDLE, S.READY]
    xrkit.begin(running.session)
    xrkit.frame(running.session)
    assert xrkit.states(running.instance) == [S.SYNCHRONIZED, S.VISIBLE, S.FOCUSED]


def test_runtime_exit_ends_in_exiting(running, mock_runtime):
    mock_runtime.request_exit()
    assert xrkit.states(running.instance)[-1] == S.STOPPING
    xr.end_session(running.session)
    assert xrkit.states(running.instance) == [S.IDLE, S.EXITING]


def test_focus_loss_keeps_rendering_in_visible(running, mock_runtime):
    mock_runtime.lose_focus()
    assert xrkit.states(running.instance) == [S.VISIBLE]
    assert xrkit.frame(running.session).should_render
    assert xrkit.states(running.instance) == []  # no focus comes back by itself
    mock_runtime.restore_focus()
    assert xrkit.states(running.instance) == [S.FOCUSED]


def test_session_loss_then_headset_comes_back_after_retries(running, mock_runtime, gl_context):
    mock_runtime.lose_session()
    assert xrkit.states(running.instance) == [S.LOSS_PENDING]
    with pytest.raises(xr.SessionLossPending):
        xr.wait_frame(running.session, xr.FrameWaitInfo())
    xr.destroy_session(running.session)
    for _ in range(mock_runtime.config.system_unavailable_attempts):
        with pytest.raises(xr.FormFactorUnavailableError):
            xrkit.system(running.instance)
    system_id = xrkit.system(running.instance)
    session = xrkit.create_session(running.instance, system_id, gl_context)
    assert xrkit.states(running.instance) == [S.IDLE, S.READY]
    xr.destroy_session(session)


def test_instance_loss_event_then_every_call_is_instance_lost(running, mock_runtime):
    mock_runtime.lose_instance()
    event = xr.poll_event(running.instance)
    assert xr.StructureType(event.type) == xr.StructureType.EVENT_DATA_INSTANCE_LOSS_PENDING
    with pytest.raises(xr.InstanceLostError):
        xr.wait_frame(running.session, xr.FrameWaitInfo())
    with pytest.raises(xr.InstanceLostError):
        xrkit.system(running.instance)


def test_reference_space_change_pending_event(running, mock_runtime):
    mock_runtime.change_reference_space(xr.ReferenceSpaceType.STAGE)
    event = xr.poll_event(running.instance)
    assert xr.StructureType(event.type) == xr.StructureType.EVENT_DATA_REFERENCE_SPACE_CHANGE_PENDING
    change = ctypes.cast(ctypes.byref(event), ctypes.POINTER(xr.EventDataReferenceSpaceChangePending)).contents
    assert change.reference_space_type == xr.ReferenceSpaceType.STAGE


def test_destroying_the_instance_destroys_its_children(running, mock_runtime):
    from xrapp.mockrt.session import MockSession
    from xrapp.mockrt.swapchain import MockSwapchain

    xr.destroy_instance(running.instance)
    assert mock_runtime.handles.live(MockSession) == []
    assert mock_runtime.handles.live(MockSwapchain) == []
    running.instance = xrkit.create_instance()  # the fixture destroys this one


def test_predicted_display_times_advance_by_one_period(running, mock_runtime):
    a = xrkit.frame(running.session)
    b = xrkit.frame(running.session)
    assert b.predicted_display_time - a.predicted_display_time == mock_runtime.config.period_ns
    assert a.predicted_display_period == round(1e9 / 90)
