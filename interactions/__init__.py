"""Input to interaction events, in pure Python over plain data (poses as numpy arrays, events as dataclasses).

Nothing here touches OpenXR or OpenGL: the frame loop hands in an :class:`~interactions.input.InputFrame` each frame
and gets events and display state back, so every behaviour is tested with synthetic input.
"""
