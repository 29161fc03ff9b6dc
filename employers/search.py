import re
import unicodedata

_ID_LIKE = re.compile(r"^[\d\s-]+$")


def normalize_search(text: str) -> str:
    """Lower-case, accent-free form of a search, the same shape as search_text.

    An identifier typed with hyphens or spaces (a NIT, a DUI) is searched by its digits,
    which is how it is stored.
    """
    text = (text or "").strip()
    if not text:
        return ""
    if _ID_LIKE.match(text):
        return re.sub(r"[\s-]", "", text)
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())
