"""Rehearse XR: the application (settings, frame loop, OpenXR client code, the mock runtime)."""
