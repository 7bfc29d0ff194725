"""Rules for a new password: long enough, not common, not built from the user's own e-mail or name.

The rules apply only when a password is set (create, invitation, reset, change); logging in with an existing hash
never checks them. Guessability is judged by ``zxcvbn`` (MIT licence; Dropbox's estimator with its lists of common
passwords, names and words), told the parts of the user's e-mail and name so that those count as guessable.
"""

import re

from flask_babel import gettext as _
from zxcvbn import zxcvbn

#: A new password has at least this many characters.
MIN_LENGTH = 12
#: zxcvbn's score (0–4) a new password must reach: 3 is "safely unguessable" (about 10^8 guesses and more).
MIN_SCORE = 3
#: zxcvbn looks at this many characters at most (its run time grows with the length).
_MAX_JUDGED = 100


def _parts(email: str, name: str) -> list[str]:
    """The words of the e-mail address (local part and domain labels) and of the name, lower case."""
    words = re.split(r"[^\w]+", f"{email} {name}".lower())
    return [w for w in words if len(w) >= 3 and w not in {"com", "net", "org", "www"}]


def _skeleton(text: str) -> str:
    """Letters only, lower case, with common digit/letter swaps undone (``4nn4`` → ``anna``)."""
    swapped = text.lower().translate(str.maketrans("4@3110$5!07", "aaeillssiot"))
    return re.sub(r"[^a-zæøå]", "", swapped)


def _built_from_identity(password: str, email: str, name: str) -> bool:
    """True when the password is the e-mail or name, or is mostly made of their parts."""
    lowered = password.lower()
    whole = {email.strip().lower(), name.strip().lower(), "".join(name.lower().split())} - {""}
    if lowered in whole or _skeleton(password) in {_skeleton(w) for w in whole}:
        return True
    rest = _skeleton(password)
    if not rest:
        return False
    for part in sorted({_skeleton(p) for p in _parts(email, name)} - {""}, key=len, reverse=True):
        rest = rest.replace(part, "")
    # What is left besides the user's own words (and digits/punctuation) is too little to guess for.
    return len(rest) < 4 and len(rest) < len(_skeleton(password))


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Return why ``password`` cannot be a new password, as a translated sentence, or None when it can."""
    if len(password) < MIN_LENGTH:
        return _("The password must have at least %(count)d characters.", count=MIN_LENGTH)
    if _built_from_identity(password, email, name):
        return _("The password must not be your e-mail address or name, nor be made of them.")
    result = zxcvbn(password[:_MAX_JUDGED], user_inputs=_parts(email, name))
    if result["score"] < MIN_SCORE:
        return _("The password is too easy to guess (common words, names, dates or patterns): "
                 "use a longer phrase of unrelated words.")
    return None
