"""The profile dimensions shared by job functions (what a workplace offers) and young people (what they need).

Defined once for the whole service: models, forms, scoring, CSV columns and templates all read this list.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, SmallInteger
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

SCALE_MIN = 1
SCALE_MAX = 5


@dataclass(frozen=True, slots=True)
class Dimension:
    key: str
    label: object
    #: What 1 and 5 mean on the job function's side.
    low: object
    high: object


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("structure", _l("Structure and routine"), _l("changing tasks"), _l("fixed routines")),
    Dimension("predictability", _l("Predictability"), _l("often unforeseen"), _l("fully predictable")),
    Dimension("pace", _l("Pace and demands"), _l("calm, few demands"), _l("high pace, many demands")),
    Dimension("social_contact", _l("Social contact"), _l("works mostly alone"), _l("constant contact")),
    Dimension("physical_load", _l("Physical load"), _l("light work"), _l("heavy work")),
    Dimension("sensory_load", _l("Sensory load"), _l("quiet surroundings"), _l("noise, light, smell")),
    Dimension("independence", _l("Independence expected"), _l("close guidance"), _l("works independently")),
)
DIMENSION_KEYS: tuple[str, ...] = tuple(d.key for d in DIMENSIONS)


def _scale_column(key: str):
    return mapped_column(SmallInteger, CheckConstraint(f"{key} BETWEEN {SCALE_MIN} AND {SCALE_MAX}",
                                                       name=f"{key}_scale"), default=3, nullable=False)


class ProfileMixin:
    """One 1–5 column per dimension; the meaning of 1 and 5 is in ``DIMENSIONS``."""

    @declared_attr
    def structure(cls) -> Mapped[int]:
        return _scale_column("structure")

    @declared_attr
    def predictability(cls) -> Mapped[int]:
        return _scale_column("predictability")

    @declared_attr
    def pace(cls) -> Mapped[int]:
        return _scale_column("pace")

    @declared_attr
    def social_contact(cls) -> Mapped[int]:
        return _scale_column("social_contact")

    @declared_attr
    def physical_load(cls) -> Mapped[int]:
        return _scale_column("physical_load")

    @declared_attr
    def sensory_load(cls) -> Mapped[int]:
        return _scale_column("sensory_load")

    @declared_attr
    def independence(cls) -> Mapped[int]:
        return _scale_column("independence")

    def profile(self) -> dict[str, int]:
        """Return the profile as a mapping from dimension key to its 1–5 value."""
        return {key: getattr(self, key) for key in DIMENSION_KEYS}
