"""A short, readable summary of a browser's User-Agent ("Firefox on Linux"), kept with a login session."""

#: Browsers, most specific first: many User-Agents name several (Edge and Opera also say "Chrome" and "Safari").
_BROWSERS = (
    ("Edg/", "Edge"), ("EdgA/", "Edge"), ("EdgiOS/", "Edge"), ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"), ("FxiOS/", "Firefox"), ("CriOS/", "Chrome"), ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"), ("Safari/", "Safari"), ("curl/", "curl"), ("python-requests/", "Python"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("CrOS", "ChromeOS"), ("Windows", "Windows"),
    ("Mac OS X", "macOS"), ("Macintosh", "macOS"), ("Linux", "Linux"),
)
#: The longest summary stored (``UserSession.user_agent``).
MAX_LENGTH = 200


def describe(user_agent: str) -> str:
    """Return e.g. "Chrome on Windows" for a User-Agent header; "" when it says nothing recognisable."""
    user_agent = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), "")
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"[:MAX_LENGTH]
    return (browser or system)[:MAX_LENGTH]
