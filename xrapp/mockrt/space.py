"""Spaces in the mock: reference spaces (VIEW, LOCAL, STAGE), locating them, and locating the views.

Every space knows its pose in STAGE at a time (the pose sources work in STAGE); locating A in B is then
``inverse(B) @ A``. LOCAL's origin is the head's starting position on the floor-parallel plane at eye height, facing
-Z; STAGE's is the floor at the centre of the play area.
"""

from __future__ import annotations

import time

import numpy as np
import xr

from .dispatch import implements
from .errors import XrError, require, require_type
from .handles import write_handle
from .idioms import pose_is_valid, two_call
from .instance import check_view_configuration, runtime
from .poses import Pose
from .session import MockSession, get_session

FULLY_TRACKED = (
    xr.SpaceLocationFlags.ORIENTATION_VALID_BIT
    | xr.SpaceLocationFlags.POSITION_VALID_BIT
    | xr.SpaceLocationFlags.ORIENTATION_TRACKED_BIT
    | xr.SpaceLocationFlags.POSITION_TRACKED_BIT
)


def posef_to_pose(p: xr.Posef) -> Pose:
    q, v = p.orientation, p.position
    return Pose((v.x, v.y, v.z), (q.x, q.y, q.z, q.w))


def write_posef(target: xr.Posef, pose: Pose) -> None:
    (target.position.x, target.position.y, target.position.z) = pose.position
    (target.orientation.x, target.orientation.y, target.orientation.z, target.orientation.w) = pose.orientation


#: STAGE's own origin in STAGE, shared and read-only: the play space most applications locate everything in.
IDENTITY = np.identity(4)
IDENTITY.flags.writeable = False


class MockSpace:
    """A space of a session. Subclasses say where their origin is in STAGE at a time (None when not tracked)."""

    def __init__(self, session: MockSession, offset: Pose) -> None:
        self.session = session
        self.offset = offset.matrix()
        # Most spaces are made with the identity pose: then locating them needs no product with the offset.
        self.offset_is_identity = bool(np.array_equal(self.offset, IDENTITY))
        self.handle = session.runtime.handles.add(self)

    def origin_in_stage(self, t: float) -> np.ndarray | None:
        """(4, 4) transform of the space's (un-offset) origin into STAGE at ``t`` seconds, or None if untracked."""
        raise NotImplementedError

    def in_stage(self, t: float) -> np.ndarray | None:
        """(4, 4) transform of the space (offset included) into STAGE at ``t``, or None; do not modify it."""
        origin = self.origin_in_stage(t)
        if origin is None or self.offset_is_identity:
            return origin
        return origin @ self.offset

    def pose_in_stage(self, t: float) -> Pose | None:
        """The space's pose in STAGE at ``t`` (as :meth:`in_stage`, as a Pose), or None if untracked."""
        matrix = self.in_stage(t)
        return None if matrix is None else Pose.from_matrix(matrix)

    @property
    def is_stage_origin(self) -> bool:
        """True for a space that is STAGE itself (locating in it is taking poses in STAGE as they are)."""
        return False

    def destroy(self) -> None:
        self.session.runtime.handles.remove(self.handle)


class ReferenceSpace(MockSpace):
    def __init__(self, session: MockSession, space_type: xr.ReferenceSpaceType, offset: Pose) -> None:
        super().__init__(session, offset)
        self.space_type = space_type
        rt = session.runtime
        start_head = rt.pose_source.sample(rt.now_seconds()).head
        # LOCAL: at the starting head position, gravity-aligned, facing where the head faced (yaw only).
        yaw = _yaw(start_head.orientation)
        self._local = Pose(start_head.position, (0.0, np.sin(yaw / 2), 0.0, np.cos(yaw / 2))).matrix()

    @property
    def is_stage_origin(self) -> bool:
        return self.space_type == xr.ReferenceSpaceType.STAGE and self.offset_is_identity

    def pose_in_stage(self, t: float) -> Pose | None:
        if self.offset_is_identity and self.space_type == xr.ReferenceSpaceType.VIEW:
            return canonical_pose(self.session.runtime.pose_source.sample(t).head)
        return super().pose_in_stage(t)

    def origin_in_stage(self, t: float) -> np.ndarray | None:
        if self.space_type == xr.ReferenceSpaceType.STAGE:
            return IDENTITY
        if self.space_type == xr.ReferenceSpaceType.LOCAL:
            return self._local
        return self.session.runtime.pose_source.sample(t).head.matrix()


def _yaw(q) -> float:
    x, y, z, w = q
    return float(np.arctan2(2 * (w * y + x * z), 1 - 2 * (y * y + x * x)))


def supported_reference_spaces(session: MockSession) -> list[xr.ReferenceSpaceType]:
    spaces = [xr.ReferenceSpaceType.VIEW, xr.ReferenceSpaceType.LOCAL]
    if session.runtime.config.stage:
        spaces.append(xr.ReferenceSpaceType.STAGE)
    return spaces


def get_space(handle, what: str = "space") -> MockSpace:
    space = runtime().handles.get(handle, MockSpace, what)
    space.session.check_alive()
    return space


def check_time(t: int) -> None:
    require(t > 0, xr.Result.ERROR_TIME_INVALID, f"time {t} is not a valid XrTime (must be positive)")


@implements("xrEnumerateReferenceSpaces")
def enumerate_reference_spaces(handle, capacity, count_out, spaces):
    session = get_session(handle)

    def fill(index, item):
        spaces[index] = item.value

    two_call(capacity, count_out, spaces, supported_reference_spaces(session), fill, "xrEnumerateReferenceSpaces")


@implements("xrCreateReferenceSpace")
def create_reference_space(handle, info_ptr, space_out):
    session = get_session(handle)
    require_type(info_ptr, xr.StructureType.REFERENCE_SPACE_CREATE_INFO, "createInfo")
    info = info_ptr.contents
    try:
        space_type = xr.ReferenceSpaceType(info._reference_space_type)
    except ValueError:
        space_type = None
    require(
        space_type in supported_reference_spaces(session),
        xr.Result.ERROR_REFERENCE_SPACE_UNSUPPORTED,
        f"reference space type {info._reference_space_type} is not offered: use xrEnumerateReferenceSpaces",
    )
    require(
        pose_is_valid(info.pose_in_reference_space),
        xr.Result.ERROR_POSE_INVALID,
        "poseInReferenceSpace has a non-unit orientation quaternion",
    )
    space = ReferenceSpace(session, space_type, posef_to_pose(info.pose_in_reference_space))
    write_handle(space_out, space.handle, "space")


@implements("xrGetReferenceSpaceBoundsRect")
def get_reference_space_bounds_rect(handle, space_type, bounds_out):
    session = get_session(handle)
    require(
        space_type in [s.value for s in supported_reference_spaces(session)],
        xr.Result.ERROR_REFERENCE_SPACE_UNSUPPORTED,
        f"reference space type {space_type} is not offered",
    )
    if space_type == xr.ReferenceSpaceType.STAGE.value:
        bounds_out.contents.width, bounds_out.contents.height = session.runtime.config.stage_bounds_m
        return None
    bounds_out.contents.width = bounds_out.contents.height = 0.0
    return xr.Result.SPACE_BOUNDS_UNAVAILABLE


@implements("xrDestroySpace")
def destroy_space(handle):
    runtime().handles.get(handle, MockSpace, "space").destroy()


def relative(base_in_stage: np.ndarray, a_in_stage: np.ndarray) -> np.ndarray:
    """(4, 4) transform of ``a`` into ``base`` (both given in STAGE)."""
    if base_in_stage is IDENTITY:  # located in STAGE itself: nothing to undo
        return a_in_stage
    return np.linalg.inv(base_in_stage) @ a_in_stage


def canonical_pose(pose: Pose | None) -> Pose | None:
    """``pose`` as locating it through matrices returns it (``Pose.from_matrix``: a unit quaternion with w >= 0),
    without the matrices where that is the same pose; a quaternion not of unit length still goes through them."""
    if pose is None:
        return None
    x, y, z, w = pose.orientation
    norm2 = x * x + y * y + z * z + w * w
    if abs(norm2 - 1.0) > 1e-12 or w == 0:  # (at w = 0 the sign from_matrix picks depends on the matrix)
        return Pose.from_matrix(pose.matrix())
    if w < 0:
        return Pose(tuple(float(v) for v in pose.position), (-x, -y, -z, -w))
    return Pose(tuple(float(v) for v in pose.position), (float(x), float(y), float(z), float(w)))


def locate(space: MockSpace, base: MockSpace, t: float) -> Pose | None:
    """``space``'s pose in ``base`` at ``t`` seconds, or None when either is not tracked."""
    if base.is_stage_origin:  # most applications locate in STAGE: the pose in STAGE is the answer
        return space.pose_in_stage(t)
    a, b = space.in_stage(t), base.in_stage(t)
    if a is None or b is None:
        return None
    return Pose.from_matrix(relative(b, a))


@implements("xrLocateSpace")
def locate_space(space_handle, base_handle, xr_time, location_ptr):
    space = get_space(space_handle)
    base = get_space(base_handle, "baseSpace")
    require(
        space.session is base.session, xr.Result.ERROR_VALIDATION_FAILURE, "space and baseSpace are of other sessions"
    )
    check_time(xr_time)
    require_type(location_ptr, xr.StructureType.SPACE_LOCATION, "location")
    location = location_ptr.contents
    pose = locate(space, base, space.session.runtime.clock.seconds(xr_time))
    if pose is None:
        location._location_flags = 0
        return None
    location._location_flags = int(FULLY_TRACKED)
    write_posef(location.pose, pose)
    return None


def eye_poses_in_stage(session: MockSession, t: float) -> list[np.ndarray]:
    """(4, 4) transforms of the left and right eye into STAGE at ``t``: the head pose offset by ∓IPD/2 along X."""
    head = session.runtime.pose_source.sample(t).head.matrix()
    half = session.runtime.config.ipd_m / 2
    eyes = []
    for dx in (-half, half):
        eye = head.copy()  # head @ (translation by dx along x): the head's x axis times dx added to its position
        eye[:3, 3] += head[:3, 0] * dx
        eyes.append(eye)
    return eyes


@implements("xrLocateViews")
def locate_views(handle, info_ptr, state_ptr, capacity, count_out, views):
    session = get_session(handle)
    require_type(info_ptr, xr.StructureType.VIEW_LOCATE_INFO, "viewLocateInfo")
    require_type(state_ptr, xr.StructureType.VIEW_STATE, "viewState")
    info = info_ptr.contents
    check_view_configuration(info._view_configuration_type)
    check_time(info.display_time)
    base = get_space(info.space, "viewLocateInfo.space")
    require(base.session is session, xr.Result.ERROR_VALIDATION_FAILURE, "viewLocateInfo.space is of another session")
    rt = session.runtime
    t = rt.clock.seconds(info.display_time)
    base_in_stage = base.in_stage(t)
    if capacity:
        for i in range(min(capacity, 2)):
            if views[i]._type != xr.StructureType.VIEW:
                raise XrError(xr.Result.ERROR_VALIDATION_FAILURE, f"views[{i}].type is not XR_TYPE_VIEW")

    def fill(index, eye_in_stage):
        view = views[index]
        write_posef(view.pose, Pose.from_matrix(relative(base_in_stage, eye_in_stage)))
        fov = rt.config.fov_radians(index)
        view.fov.angle_left, view.fov.angle_right, view.fov.angle_up, view.fov.angle_down = fov

    eyes = []
    if base_in_stage is not None:
        # The first call of the two-call idiom (capacity 0) only asks for the count: no eye poses are worked out.
        eyes = eye_poses_in_stage(session, t) if capacity else [None, None]
    two_call(
        capacity,
        count_out,
        views,
        eyes if eyes else [None, None],
        fill if eyes else (lambda i, x: None),
        "xrLocateViews",
    )
    state_ptr.contents._view_state_flags = int(FULLY_TRACKED) if eyes else 0
    if capacity:
        session.frames.on_views_located(info.display_time, time.perf_counter_ns())
