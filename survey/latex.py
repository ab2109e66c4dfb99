"""LaTeX to Unicode for BibTeX field values: accents, special letters, braces, dashes, and the
Greek letters and common symbols of math in titles.

A small table-driven decoder. The libraries' own decoders (pylatexenc behind bibtexparser,
pybtex's) are complete but take minutes on thousands of entries; BibTeX metadata uses a
small, well-known subset of LaTeX, which this covers. Anything unknown is kept as text.
"""

from __future__ import annotations

# ruff: noqa: RUF001  (the tables map LaTeX to exactly these look-alike characters)
import re
import unicodedata

# accent command -> combining character
ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303",
    "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
    "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323", "b": "\u0331",
}  # fmt: skip

LETTERS = {
    "ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
    "aa": "å", "AA": "Å", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð",
    "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ",
    "textendash": "–", "textemdash": "—", "textquoteright": "’", "textquoteleft": "‘",
    "textquotedblleft": "“", "textquotedblright": "”", "dag": "†", "S": "§", "P": "¶",
    "copyright": "©", "textregistered": "®", "texttrademark": "™", "ldots": "…",
    "dots": "…", "textbullet": "•", "LaTeX": "LaTeX", "TeX": "TeX",
}  # fmt: skip

# math in titles ("$\\beta$-VAE", "$O(\\log n)$"): Greek letters, common symbols, function names
MATH = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ",
    "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "ϕ",
    "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ",
    "Psi": "Ψ", "Omega": "Ω", "infty": "∞", "times": "×", "cdot": "·", "pm": "±", "leq": "≤",
    "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼",
    "to": "→", "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒", "in": "∈", "ell": "ℓ",
    "partial": "∂", "nabla": "∇", "sum": "∑", "prod": "∏", "sqrt": "√", "star": "⋆",
    "ast": "∗", "circ": "∘", "log": "log", "exp": "exp", "max": "max", "min": "min",
}  # fmt: skip

ESCAPES = {"&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", " ": " "}

STYLE_COMMANDS = (
    "emph", "textit", "textbf", "texttt", "textsc", "textrm", "textsf", "mbox", "url",
    "mathcal", "mathbf", "mathrm", "mathit", "mathbb", "mathsf", "mathtt", "text", "operatorname",
)  # fmt: skip

_ACCENT = re.compile(
    r"""\\(['`^"~=.]|[uvHckrdb](?=[\s{]))\s*(?:\{\s*(\\[ij]|[A-Za-z])\s*\}|(\\[ij]|[A-Za-z]))"""
)
_LETTER = re.compile(r"\\(" + "|".join(sorted(LETTERS, key=len, reverse=True)) + r")(?![A-Za-z])\s?")
# unlike a letter command, a math one leaves the space after it: "$O(\\log n)$" is "O(log n)"
_MATH = re.compile(r"\\(" + "|".join(sorted(MATH, key=len, reverse=True)) + r")(?![A-Za-z])")
_ESCAPE = re.compile(r"\\([&%$#_{} ])")
_STYLE = re.compile(r"\\(?:" + "|".join(STYLE_COMMANDS) + r")\s*\{([^{}]*)\}")
_DASHES = (("---", "—"), ("--", "–"), ("``", "“"), ("''", "”"))


def _accent(match: re.Match[str]) -> str:
    base = match.group(2) or match.group(3)
    base = {"\\i": "i", "\\j": "j"}.get(base, base)
    return unicodedata.normalize("NFC", base + ACCENTS[match.group(1)])


def latex_to_unicode(text: str) -> str:
    """Decode the LaTeX used in BibTeX values into plain Unicode text."""
    if "\\" not in text and "{" not in text and "-" not in text and "~" not in text and "`" not in text:
        return " ".join(text.split())
    text = _ACCENT.sub(_accent, text)
    text = _LETTER.sub(lambda m: LETTERS[m.group(1)], text)
    text = _MATH.sub(lambda m: MATH[m.group(1)], text)
    previous = None
    while previous != text:  # nested \emph{\textbf{x}}
        previous = text
        text = _STYLE.sub(r"\1", text)
    for tex, char in _DASHES:
        text = text.replace(tex, char)
    text = re.sub(r"(?<!\\)~", " ", text)  # a tie: where lines break is the browser's business
    text = re.sub(r"(?<!\\)\$", "", text)
    text = re.sub(r"(?<!\\)[{}]", "", text)
    text = _ESCAPE.sub(lambda m: ESCAPES[m.group(1)], text)
    return " ".join(text.split())
