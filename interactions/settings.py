"""Every adjustable number of interaction and comfort, in one dataclass, each with its unit and its reason.

Clinicians adjust these per patient (a frail patient's dwell, a child's haptics, the vignette for someone prone to
sickness), so the system reads them afresh every frame: changing a field takes effect on the next update.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class InteractionSettings:
    """Interaction and comfort settings. Units: seconds, metres, degrees; strengths 0..1."""

    # --- Gaze and dwell -------------------------------------------------------------------------------------------
    gaze: str = "auto"
    """When the head's gaze ray hovers and selects by dwell: ``"auto"`` (when neither controller is active: no
    controllers, or burnt or frail hands that cannot hold them), ``"always"`` (alongside the controllers, for a
    patient who holds a controller but cannot press it), ``"never"``."""

    dwell_s: float = 1.5
    """Seconds of looking at a target to select it. 1.5 s rather than the 0.5-1 s that practised gaze users choose:
    our users are novices (patients, children, grandparents) looking around a room they have never seen and reading
    labels, and an accidental select (``pause``, ``next step``) confuses more than a slow one; the visible ring shows
    that something is happening. Lower it for a user who finds it slow."""

    dwell_cooldown_s: float = 2.0
    """Seconds after a dwell selects before a continued look at the same target starts a new dwell; looking away
    re-arms at once. Long enough that a patient who keeps looking at a button does not press it twice."""

    dwell_progress_events: bool = False
    """Also send a DwellProgress event every frame the dwell progresses (the state always has the figure)."""

    gaze_teleport: bool = True
    """A gaze dwell on a teleport spot's disc teleports there (teleport with the head alone)."""

    gaze_hold_distance_m: float = 0.6
    """How far in front of the eyes an object picked up by gaze dwell is held, metres."""

    # --- Rays -----------------------------------------------------------------------------------------------------
    ray_length_m: float = 10.0
    """The longest reach of controller, mouse and gaze rays, metres (a treatment room fits)."""

    # --- Grab -----------------------------------------------------------------------------------------------------
    squeeze_grab: float = 0.5
    """Squeeze (0..1) at or above which a hand grabs. Half way: frail or burnt hands cannot squeeze hard."""

    squeeze_release: float = 0.3
    """Squeeze below which a held object is let go; the gap to ``squeeze_grab`` stops a shaky grip flickering."""

    near_grab_radius_m: float = 0.08
    """A grip within this many metres of an object's surface grabs it directly (near grab) rather than by ray."""

    return_dropped_objects: bool = True
    """An object let go outside an accepting zone goes back to where it was taken from, rather than staying in the
    air (there is no physics): nobody must bend to the floor to fetch it."""

    # --- Poke -----------------------------------------------------------------------------------------------------
    poke_tip_offset_m: float = 0.06
    """The controller's tip: this many metres ahead of the grip pose along the aim direction."""

    poke_press_m: float = 0.01
    """The tip within this distance of a pokeable (metres, allowing tracking jitter) presses it."""

    poke_release_m: float = 0.03
    """The tip must move this far away again (metres) before the next press: one touch is one Poke."""

    # --- Locomotion -----------------------------------------------------------------------------------------------
    snap_turn_deg: float = 30.0
    """Degrees per snap turn. Snap rather than smooth turning: smooth rotation is the strongest cause of sickness."""

    stick_push: float = 0.7
    """Thumbstick deflection (0..1) that counts as a push (snap turn sideways, teleport forward)."""

    stick_rearm: float = 0.3
    """The stick must come back within this deflection of centre before it turns or teleports again."""

    recentre_hold_s: float = 1.0
    """Seconds the menu button must be held to recentre (a long press, so a brush of the button does nothing)."""

    seated: bool = False
    """Seated mode (most patients in the clinic): the view is raised by ``seated_height_offset_m``. Off by default
    so that, until a clinician chooses it, the world and the play space coincide."""

    seated_height_offset_m: float = 0.4
    """Metres added to the head's height in seated mode, so the room is seen from a standing height."""

    home_position: tuple[float, float, float] = (0.0, 0.0, 0.0)
    """Where the user's feet are at the start and where a recentre puts them until they teleport, metres (world)."""

    home_yaw_deg: float = 0.0
    """The direction (yaw, degrees) the user faces after a recentre at home."""

    # --- Comfort vignette -----------------------------------------------------------------------------------------
    vignette: float = 1.0
    """Strength (0..1) of the comfort vignette right after a turn or teleport; 0 turns it off."""

    vignette_size: float = 0.35
    """How much of the view (0..1, from the edge towards the centre) the vignette darkens at full strength."""

    vignette_fade_s: float = 0.3
    """Time constant (seconds) of the vignette's exponential fade after the view was moved."""

    # --- Haptics --------------------------------------------------------------------------------------------------
    haptics: float = 1.0
    """Scale (0..1) of all haptic amplitudes; 0 for no vibration (burnt hands, a child who dislikes it)."""

    haptic_hover: tuple[float, float] = (0.15, 0.02)
    """(amplitude 0..1, duration s) of the pulse when a controller ray starts hovering something."""

    haptic_select: tuple[float, float] = (0.5, 0.05)
    """(amplitude 0..1, duration s) of the pulse on select, grab, poke and placing."""

    # --- Call button ----------------------------------------------------------------------------------------------
    call_button: str = "call_button"
    """Name of the interactable that pauses everything; it is always available, also when paused."""

    resume_button: str = "resume_button"
    """Name of the interactable that ends the pause; only available while paused."""
