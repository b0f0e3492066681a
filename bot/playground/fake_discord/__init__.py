"""A loopback Discord (REST + gateway) for tests and `make demo`; see server.py for the entry points."""

from __future__ import annotations

from .clientrun import pointed_at, running
from .errors import ApiError, FakeDiscordError
from .events import RecordedRequest, TranscriptEvent, UploadedFile
from .faults import Fault
from .interactions import Callback, InteractionHandle, InteractionMessage
from .options import Upload
from .permissions import ALL_PERMISSIONS, EVERYONE_DEFAULT, Overwrite, Perm
from .ratelimits import Bucket, RateLimits
from .server import FakeDiscord

__all__ = [
    "ALL_PERMISSIONS",
    "EVERYONE_DEFAULT",
    "ApiError",
    "Bucket",
    "Callback",
    "FakeDiscord",
    "FakeDiscordError",
    "Fault",
    "InteractionHandle",
    "InteractionMessage",
    "Overwrite",
    "Perm",
    "RateLimits",
    "RecordedRequest",
    "TranscriptEvent",
    "Upload",
    "UploadedFile",
    "pointed_at",
    "running",
]
