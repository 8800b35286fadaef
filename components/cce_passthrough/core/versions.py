"""CCE cluster versions (`v1.28`, `v1.28.3-r0`) and the per-minor version gates of the CCE docs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

# Nine digits at most per part: every real version fits, and no part costs a long integer conversion.
_VERSION = re.compile(
    r"^v?(?P<major>\d{1,9})\.(?P<minor>\d{1,9})(?:\.(?P<patch>\d{1,9})(?:-r(?P<release>\d{1,9}))?)?$",
    re.ASCII,
)
_LONGEST = 48


class VersionError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class CceVersion:
    """A cluster version. `patch`/`release` are None when only `vX.Y` was declared."""

    major: int
    minor: int
    patch: int | None = None
    release: int | None = None

    @classmethod
    def parse(cls, text: str) -> CceVersion:
        match = _VERSION.match(text.strip()) if len(text) <= _LONGEST else None
        if not match:
            shown = repr(text) if len(text) <= _LONGEST else f"a text of {len(text):,} characters"
            raise VersionError(
                f"{shown} is not a CCE version (expected vX.Y or vX.Y.Z-rN, e.g. v1.28 or v1.28.3-r0)"
            )
        patch, release = match["patch"], match["release"]
        return cls(
            int(match["major"]),
            int(match["minor"]),
            int(patch) if patch is not None else None,
            int(release) if release is not None else None,
        )

    @property
    def minor_key(self) -> tuple[int, int]:
        return (self.major, self.minor)

    @property
    def precise(self) -> bool:
        return self.patch is not None

    def at_least_minor(self, major: int, minor: int) -> bool:
        return self.minor_key >= (major, minor)

    def __str__(self) -> str:
        text = f"v{self.major}.{self.minor}"
        if self.patch is not None:
            text += f".{self.patch}"
            if self.release is not None:
                text += f"-r{self.release}"
        return text


class GateResult(Enum):
    MET = "met"
    NOT_MET = "not met"
    UNPROVEN = "unproven"  # the gate names a patch release and only vX.Y is known


@dataclass(frozen=True)
class VersionGate:
    """`v1.23.13-r0, v1.25.8-r0, v1.27.5-r0 or later`: the first release of each listed minor.

    A minor newer than every listed one is supported; a minor older than every listed one, or one
    between listed minors that is not listed itself, is not.
    """

    releases: tuple[CceVersion, ...]

    @classmethod
    def of(cls, *versions: str) -> VersionGate:
        return cls(tuple(sorted(CceVersion.parse(v) for v in versions)))

    def describe(self) -> str:
        return ", ".join(str(v) for v in self.releases) + " or later"

    def evaluate(self, version: CceVersion) -> GateResult:
        newest = self.releases[-1]
        if version.minor_key > newest.minor_key:
            return GateResult.MET
        for first in self.releases:
            if first.minor_key != version.minor_key:
                continue
            needs_patch = first.patch not in (None, 0) or first.release not in (None, 0)
            if not needs_patch:
                return GateResult.MET
            if not version.precise:
                return GateResult.UNPROVEN
            have = (version.patch or 0, version.release or 0)
            want = (first.patch or 0, first.release or 0)
            return GateResult.MET if have >= want else GateResult.NOT_MET
        return GateResult.NOT_MET
