"""The exceptions of lightseg. Every one is an ``OSError`` that keeps the errno the C API
would set (``e.errno``, ``e.strerror``) and, where the library knows one, a ``hint`` of
what to check next (``e.hint``, else ``None``)."""

from typing import Optional

__all__ = [
    "LightsegError",
    "BusError",
    "ClosedError",
    "InvalidValueError",
    "TooBrightError",
]


class LightsegError(OSError):
    """A lightseg call failed: ``errno`` says why, ``hint`` what to check."""

    hint: Optional[str] = None

    def __str__(self) -> str:
        text = super().__str__()
        return f"{text} ({self.hint})" if self.hint else text


class BusError(LightsegError):
    """The bus or the chip failed: ENOENT (no /dev/i2c-N: enable I2C), EACCES (join
    the i2c group), EBUSY (a kernel driver owns the address), EREMOTEIO, ENXIO or ENODEV
    (nothing answered, or not the chip expected: wiring and address), EIO."""


class ClosedError(LightsegError):
    """The object was closed (EBADF), or is open already (EBUSY)."""


class InvalidValueError(LightsegError, ValueError):
    """An argument the chip or the display cannot take, refused before anything was
    sent: EINVAL (out of range), ERANGE (does not fit the display), EILSEQ (a character
    without a shape), EDOM (NaN or infinity). Also a ``ValueError``."""


class TooBrightError(LightsegError):
    """Even the least sensitive setting saturates: too bright to measure (ERANGE)."""
