"""What the seven profile dimensions mean on the young person's side: needs and tolerances, not offers.

The keys are ``placement.profile.DIMENSIONS``' (the same columns as a job function's, so the two can be
compared); only the words differ. Forms, pages, the CSV help and the API description read ``NEEDS``.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from placement.profile import DIMENSIONS


@dataclass(frozen=True, slots=True)
class Need:
    key: str
    label: object
    #: What 1 and 5 mean for the young person.
    low: object
    high: object


_WORDS = {
    "structure": (_l("Need for structure and routine"), _l("copes well with changing tasks"),
                  _l("needs fixed routines")),
    "predictability": (_l("Need for predictability"), _l("copes with the unforeseen"),
                       _l("needs to know everything in advance")),
    "pace": (_l("Tolerance of pace and demands"), _l("needs a calm pace and few demands"),
             _l("thrives on high pace and many demands")),
    "social_contact": (_l("Tolerance of social contact"), _l("prefers to work alone"),
                       _l("thrives on constant contact")),
    "physical_load": (_l("Tolerance of physical load"), _l("light work only"), _l("can do heavy work")),
    "sensory_load": (_l("Tolerance of sensory load"), _l("needs quiet surroundings"),
                     _l("is not bothered by noise, light or smell")),
    "independence": (_l("Independence"), _l("needs close guidance"), _l("works independently")),
}

if set(_WORDS) != {dimension.key for dimension in DIMENSIONS}:  # pragma: no cover - a new dimension needs words
    raise RuntimeError("every profile dimension needs its meaning for young people in placement.participants.needs")

NEEDS: tuple[Need, ...] = tuple(Need(dimension.key, *_WORDS[dimension.key]) for dimension in DIMENSIONS)

#: What the support need (1–5) means.
SUPPORT_LOW = _l("little support, occasional contact")
SUPPORT_HIGH = _l("close, daily mentor support")
