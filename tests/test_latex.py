"""latex.py: the table-driven decoder against latexcodec (pybtex's own LaTeX decoder), and the cases
BibTeX metadata has that latexcodec does not know."""

from __future__ import annotations

# ruff: noqa: RUF001  (the decoded text is made of exactly these look-alike characters)
import string
import unicodedata

import latexcodec  # noqa: F401  (registers the "latex" codec)
import pytest

from survey.latex import ACCENTS, LETTERS, latex_to_unicode

BASES = [*string.ascii_letters, "\\i", "\\j"]


def latexcodec_decodes(tex: str) -> str | None:
    """latexcodec's reading of `tex` with braces dropped, or None when it leaves a command undecoded."""
    try:
        text = tex.encode("ascii").decode("latex")
    except ValueError:
        return None
    text = unicodedata.normalize("NFC", text.replace("{", "").replace("}", ""))
    return None if "\\" in text else text


def accent_forms(accent: str, base: str) -> list[str]:
    # a letter command needs a space or a brace before a bare letter (\v s), a symbol does not (\'e)
    bare = f"\\{accent} {base}" if accent.isalpha() else f"\\{accent}{base}"
    return [f"\\{accent}{{{base}}}", f"{{\\{accent}{{{base}}}}}", bare]


@pytest.mark.parametrize("accent", sorted(ACCENTS))
def test_every_accent_on_every_letter_reads_as_latexcodec_reads_it(accent: str) -> None:
    compared = 0
    for base in BASES:
        for tex in accent_forms(accent, base):
            expected = latexcodec_decodes(tex)
            if expected is None:  # a combination latexcodec has no character for
                continue
            assert latex_to_unicode(tex) == expected, tex
            compared += 1
    if not compared:  # latexcodec lacks it (\b, the bar below): our table decides
        assert latex_to_unicode(f"\\{accent}{{a}}") == unicodedata.normalize("NFC", "a" + ACCENTS[accent])


@pytest.mark.parametrize("name", sorted(LETTERS))
def test_every_special_letter_reads_as_latexcodec_reads_it(name: str) -> None:
    forms = [f"\\{name}", f"{{\\{name}}}", f"\\{name}{{}}", f"a\\{name} b", f"Ab{{\\{name}}}cd"]
    known = [(tex, latexcodec_decodes(tex)) for tex in forms]
    for tex, expected in known:
        if expected is not None:
            assert latex_to_unicode(tex) == expected, tex
    if all(expected is None for _, expected in known):  # latexcodec lacks it: our table decides
        assert latex_to_unicode(f"\\{name}") == LETTERS[name]


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        ("{\\L}ukasik", "Łukasik"),
        ("Tram{\\`e}r", "Tramèr"),
        ('M{\\"u}ller', "Müller"),
        ("Ho{\\v{r}}ej{\\v{s}}{\\'\\i}", "Hořejší"),
        ("Costa-juss{\\`a}", "Costa-jussà"),
        ("{BERT}: Pre-training of Deep {T}ransformers", "BERT: Pre-training of Deep Transformers"),
        ("pages 1--10, 2019---2020", "pages 1\u201310, 2019\u20142020"),  # en and em dashes
        ("``quoted''", "“quoted”"),
        ("Q\\&A, 50\\%, \\$5, \\#1, snake\\_case", "Q&A, 50%, $5, #1, snake_case"),
        ("\\emph{\\textbf{nested}} and \\textsc{Small}", "nested and Small"),
        ("Section~3 of D.~E. Knuth", "Section 3 of D. E. Knuth"),  # a tie is a space on a web page
        ("$\\alpha$-divergence", "α-divergence"),
        ("\\unknown command", "\\unknown command"),  # unknown commands are kept as text
        ("  spread \n over   lines ", "spread over lines"),
        ("plain ASCII title", "plain ASCII title"),
    ],
)
def test_what_bibtex_metadata_holds(tex: str, text: str) -> None:
    assert latex_to_unicode(tex) == text


def test_math_in_titles_reads_as_its_symbols() -> None:
    """'$\\alpha$-Divergence' was shown as '\\alpha-Divergence', and exported as 'alpha-Divergence'."""
    assert latex_to_unicode(r"$\alpha$-Divergence and $\beta$-VAE") == "α-Divergence and β-VAE"
    assert latex_to_unicode(r"$O(\log n)$ time, $\ell_1 \leq \infty$") == "O(log n) time, ℓ_1 ≤ ∞"
    assert latex_to_unicode(r"$\mathcal{O}(n)$ and $\Lambda$") == "O(n) and Λ"
    assert latex_to_unicode(r"{\L}ukasz \i{}t \oe uvre") == "Łukasz ıt œuvre"  # letters before math
