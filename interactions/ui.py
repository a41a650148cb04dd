"""The in-world user interface as data: panels of buttons and labels, a language selector, the subtitle line, the
step progress and the call button. Each has state and, where it can be pressed, hit boxes (Interactables) to hand
to the InteractionSystem; turning them into scene nodes (meshes, text) is done elsewhere.

Text is never stored here, only gettext keys: the renderer looks them up in the user's language (DESIGN.md §7).
Sizes are metres; a button's hit box is its face (width, height) and ``depth`` thick, centred on its transform, its
front facing +Z of that transform (towards a user in front of it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from interactions.colliders import BoxCollider
from interactions.events import Event, Poke, Select
from interactions.input import Pose
from interactions.interactables import Interactable
from interactions.poses import yaw_matrix, yaw_of

BUTTON_DEPTH_M = 0.02
"""Thickness of a button's hit box: enough for a controller tip to land in it between two frames."""


def _activated(event: Event, name: str) -> bool:
    """True when ``event`` presses the interactable ``name``: selected by a pointer or gaze, or poked."""
    return isinstance(event, (Select, Poke)) and event.target == name


def in_front(head: Pose, distance_m: float = 1.0, below_deg: float = 10.0) -> np.ndarray:
    """(4, 4) a transform ``distance_m`` metres in front of the head, ``below_deg`` degrees below eye level, upright
    and facing the head. Content placed there is inside the comfortable field of view (older users tire their necks
    on targets above or far to the side), and it does not follow the head's pitch or roll."""
    yaw = yaw_of(head.forward())
    drop = math.radians(below_deg)
    forward = yaw_matrix(yaw)[:3, :3] @ np.array([0.0, 0.0, -1.0])
    centre = np.asarray(head.position) + distance_m * (math.cos(drop) * forward + np.array([0, -math.sin(drop), 0]))
    return yaw_matrix(yaw, centre)


@dataclass(eq=False)
class Button:
    """A pressable button: ``name`` (its interactable's), ``label_key`` (gettext key), ``size`` (width, height)
    metres, ``transform`` (4, 4) world. ``enabled`` False hides it from pointers; ``pokeable`` lets a controller
    tip press it as well as a ray or gaze select it."""

    name: str
    label_key: str = ""
    size: tuple[float, float] = (0.16, 0.08)
    transform: np.ndarray = field(default_factory=lambda: np.identity(4))
    enabled: bool = True
    pokeable: bool = True

    def __post_init__(self) -> None:
        self.transform = np.array(self.transform, dtype=np.float64).reshape(4, 4)
        self._interactable = Interactable(
            self.name,
            BoxCollider((self.size[0] / 2, self.size[1] / 2, BUTTON_DEPTH_M / 2)),
            self.transform,
            pokeable=self.pokeable,
        )

    def interactables(self) -> list[Interactable]:
        """The button's hit box, kept in step with ``transform`` and ``enabled`` (one object for its lifetime, so
        the interaction system sees moves of the panel)."""
        self._interactable.transform = self.transform
        self._interactable.selectable = self.enabled
        self._interactable.pokeable = self.enabled and self.pokeable
        return [self._interactable]

    def pressed_by(self, event: Event) -> bool:
        """True when ``event`` presses this button (Select or Poke on it) and it is enabled."""
        return self.enabled and _activated(event, self.name)


@dataclass(eq=False)
class Label:
    """Text on a panel: ``text_key`` (gettext key) with ``args`` for its placeholders, ``transform`` (4, 4)."""

    name: str
    text_key: str
    args: dict[str, object] = field(default_factory=dict)
    transform: np.ndarray = field(default_factory=lambda: np.identity(4))


@dataclass(eq=False)
class Panel:
    """A flat board of buttons and labels. ``transform`` (4, 4) world places the panel; each child's
    ``local`` (4, 4) transform places it on the panel. ``size`` (width, height) metres is for drawing only: the
    panel itself has no hit box, so it never hides its own buttons from a ray."""

    name: str
    size: tuple[float, float] = (0.6, 0.4)
    transform: np.ndarray = field(default_factory=lambda: np.identity(4))
    children: list[tuple[Button | Label, np.ndarray]] = field(default_factory=list)

    def add(self, child: Button | Label, local: ArrayLike | None = None) -> Button | Label:
        """Put ``child`` on the panel at ``local`` (4, 4; the panel's centre if None), e.g. a translation in the
        panel's plane."""
        local = np.identity(4) if local is None else np.array(local, dtype=np.float64).reshape(4, 4)
        self.children.append((child, local))
        self.layout()
        return child

    def layout(self) -> None:
        """Recompute the children's world transforms after the panel moved."""
        for child, local in self.children:
            child.transform = self.transform @ local
            if isinstance(child, Button):
                child.interactables()  # carry the move to the hit box the system already holds

    def place(self, transform: ArrayLike) -> None:
        """Move the panel (and its children) to ``transform`` (4, 4), e.g. :func:`in_front` of the head."""
        self.transform = np.array(transform, dtype=np.float64).reshape(4, 4)
        self.layout()

    def interactables(self) -> list[Interactable]:
        """Hit boxes of every button on the panel."""
        self.layout()
        return [i for child, _ in self.children if isinstance(child, Button) for i in child.interactables()]


@dataclass(eq=False)
class LanguageSelector:
    """A row of buttons, one per language code ("ko", "en", "vi", ...), each labelled in its own language
    (``language.<code>``); ``selected`` is the chosen code. Button names are ``"<name>/<code>"``."""

    name: str
    codes: Sequence[str]
    selected: str
    transform: np.ndarray = field(default_factory=lambda: np.identity(4))
    spacing_m: float = 0.18

    def __post_init__(self) -> None:
        if self.selected not in self.codes:
            raise ValueError(f"language selector {self.name!r}: {self.selected!r} is not one of {list(self.codes)}")
        self.transform = np.array(self.transform, dtype=np.float64).reshape(4, 4)
        self.buttons = [Button(f"{self.name}/{code}", f"language.{code}") for code in self.codes]
        self.layout()

    def layout(self) -> None:
        """Lay the buttons out in a row centred on ``transform``."""
        first = -(len(self.buttons) - 1) / 2 * self.spacing_m
        for i, button in enumerate(self.buttons):
            button.transform = self.transform @ yaw_matrix(0.0, (first + i * self.spacing_m, 0.0, 0.0))
            button.interactables()

    def interactables(self) -> list[Interactable]:
        """Hit boxes of the language buttons."""
        self.layout()
        return [i for b in self.buttons for i in b.interactables()]

    def handle(self, event: Event) -> str | None:
        """Choose the language whose button ``event`` pressed; the new code, or None if the event is not for us."""
        for code, button in zip(self.codes, self.buttons, strict=True):
            if button.pressed_by(event):
                self.selected = code
                return code
        return None


@dataclass(eq=False)
class SubtitleLine:
    """The current subtitle: ``text_key`` (gettext key; "" for none) and the world position (3,) of whoever speaks,
    or None for a narrator. Shown fixed in front of the viewer (preferred by users), with an arrow towards the
    speaker when they are out of view."""

    text_key: str = ""
    speaker_position: tuple[float, float, float] | None = None

    def arrow_deg(self, head: Pose, world_from_play: np.ndarray, within_deg: float = 30.0) -> float | None:
        """Degrees to turn (positive to the left, about +Y) to face the speaker, when the speaker is more than
        ``within_deg`` degrees to the side of where the head faces; None when no arrow is needed."""
        if self.speaker_position is None or not self.text_key:
            return None
        head_world = world_from_play[:3, :3] @ np.asarray(head.position) + world_from_play[:3, 3]
        to_speaker = np.asarray(self.speaker_position, dtype=np.float64) - head_world
        facing = world_from_play[:3, :3] @ head.forward()
        delta = (yaw_of(to_speaker) - yaw_of(facing) + 180.0) % 360.0 - 180.0
        return delta if abs(delta) > within_deg else None


@dataclass
class ProgressIndicator:
    """Step ``step`` (1-based) of ``count``, shown as "step i of n" (key ``progress.step``)."""

    step: int = 1
    count: int = 1

    def __post_init__(self) -> None:
        if self.count < 1 or not 1 <= self.step <= self.count:
            raise ValueError(f"progress: step {self.step} of {self.count} is not possible")

    @property
    def fraction(self) -> float:
        """0..1: the share of steps done before this one."""
        return (self.step - 1) / self.count

    def label(self) -> tuple[str, dict[str, int]]:
        """The gettext key and its arguments."""
        return "progress.step", {"step": self.step, "count": self.count}

    def advance(self, wrap: bool = False) -> bool:
        """Go to the next step; at the last one stay there (``wrap`` False) or start again at step 1. True if the
        step changed."""
        if self.step < self.count:
            self.step += 1
            return True
        if wrap and self.count > 1:
            self.step = 1
            return True
        return False


@dataclass(eq=False)
class CallButton:
    """The call button, always available: pressing it pauses everything (the InteractionSystem sets
    ``InteractionState.paused`` and sends a CallButton event) until the resume button is pressed or the operator
    calls ``InteractionSystem.resume()``. The names must match ``InteractionSettings.call_button`` and
    ``resume_button`` (their defaults do). The resume button is only offered while paused."""

    call: Button = field(default_factory=lambda: Button("call_button", "call.button", (0.2, 0.12)))
    resume: Button = field(default_factory=lambda: Button("resume_button", "call.resume", (0.2, 0.12)))

    def interactables(self) -> list[Interactable]:
        """Hit boxes of the call and resume buttons (the system ignores the resume button unless paused)."""
        return self.call.interactables() + self.resume.interactables()
