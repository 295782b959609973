from django.utils.translation import get_language


def name_in_language(name_vi: str, name_en: str) -> str:
    """The English name on English pages when there is one; else the Vietnamese."""
    if name_en and (get_language() or "").startswith("en"):
        return name_en
    return name_vi
