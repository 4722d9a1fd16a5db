"""Test settings: the production settings with tasks run inline and a private var/ folder."""

import os
import tempfile

os.environ.setdefault("HUEY_IMMEDIATE", "1")
os.environ.setdefault("TOUCHPOINTS_VAR_DIR", tempfile.mkdtemp(prefix="touchpoints-test-"))

from .settings import *  # noqa: E402,F403

AXES_ENABLED = True
