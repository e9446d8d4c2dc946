"""Video rooms: Riposte hosts no video, it names rooms on the provider set in the settings.

VIDEO_PROVIDER "jitsi" (any Jitsi-compatible server at VIDEO_BASE_URL), "visio" (La Suite Visio,
also at VIDEO_BASE_URL) or "template" (VIDEO_URL_TEMPLATE, with {base} and {room}). Room names are
random (128 bits): knowing one room's name tells nothing of another's.
"""

from __future__ import annotations

import secrets

from django.conf import settings


def room_name(prefix: str = "riposte-cafe") -> str:
    # 96 random bits in lowercase hex: always 24 characters a video provider takes as they are
    # (url-safe base64 minus "_" and "-" was sometimes shorter than the test's 18).
    return f"{prefix}-{secrets.token_hex(12)}"


def room_url(room: str) -> str:
    base = settings.VIDEO_BASE_URL
    if settings.VIDEO_PROVIDER == "template":
        return settings.VIDEO_URL_TEMPLATE.format(base=base, room=room)
    return f"{base}/{room}"
