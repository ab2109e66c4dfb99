"""`survey add`: BibTeX or an arXiv record in, a paper file out that passes check; duplicates refused."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES

from survey.add_command import run_add
from survey.cli import main, parser

TODAY = date(2026, 11, 26)
RECORDED = FIXTURES / "arxiv"  # responses in the arXiv API's Atom format, kept for tests (no network)

BIBTEX = r"""@inproceedings{whatever2023,
  title = {Caf{\'e} {RLHF}: Aligning Baristas with Human Feedback},
  author = {M{\"u}ller, J{\"o}rg and Tram{\`e}r, Florian and Ng, Andrew},
  booktitle = {Proceedings of EMNLP 2023},
  year = {2023},
  doi = {10.18653/v1/2023.emnlp-main.999}
}
"""


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def add(*argv: str, stdin: io.StringIO | None = None, fetch=None) -> tuple[int, str, str]:
    args = parser().parse_args(["add", *argv])
    out, err = io.StringIO(), io.StringIO()
    code = run_add(args, stdin or io.StringIO(), out, err, fetch=fetch, today=TODAY)
    return code, out.getvalue(), err.getvalue()


def check() -> int:
    return main(["check"], io.StringIO(), io.StringIO())


def test_bibtex_in_yaml_out_that_passes_check(project: Path, tmp_path: Path) -> None:
    source = tmp_path / "entry.bib"
    source.write_text(BIBTEX)
    code, out, err = add("--bibtex", str(source), "--topic", "rl", "--summary", "Teaches baristas. It works.")
    assert (code, err) == (0, "")
    written = project / "content/papers/muller2023cafe.yaml"
    assert out.startswith(f"wrote {Path('content/papers/muller2023cafe.yaml')}")
    data = yaml.safe_load(written.read_text())
    assert data["title"] == "Café RLHF: Aligning Baristas with Human Feedback"
    assert data["authors"] == ["Jörg Müller", "Florian Tramèr", "Andrew Ng"]
    assert (data["year"], data["venue"], data["doi"]) == (
        2023,
        "Proceedings of EMNLP 2023",
        "10.18653/v1/2023.emnlp-main.999",
    )
    assert data["topics"] == ["rl"] and data["added"] == "2026-11-26"
    assert check() == 0


def test_bibtex_from_standard_input(project: Path) -> None:
    code, _, err = add("--bibtex", "-", "--topic", "sl", "--summary", "One. Two.", stdin=io.StringIO(BIBTEX))
    assert (code, err) == (0, "")
    assert (project / "content/papers/muller2023cafe.yaml").is_file()


@pytest.mark.parametrize(
    ("kind", "field"), [("book", "publisher"), ("techreport", "institution"), ("misc", "howpublished")]
)
def test_the_venue_is_read_from_the_field_its_entry_type_keeps_it_in(
    project: Path, kind: str, field: str
) -> None:
    entry = (
        f"@{kind}{{x,\n  title = {{A Venue Test}},\n  author = {{Lovelace, Ada}},\n"
        f"  {field} = {{Some Press}},\n  year = {{2020}}\n}}"
    )
    code, _, err = add("--bibtex", "-", "--topic", "sl", "--summary", "One. Two.", stdin=io.StringIO(entry))
    assert (code, err) == (0, "")
    written = yaml.safe_load((project / "content/papers/lovelace2020venue.yaml").read_text())
    assert written["venue"] == "Some Press"


def test_duplicate_arxiv_id_is_refused_naming_the_file(project: Path) -> None:
    entry = "@article{x, title={Something else entirely}, author={Ouyang, Long}, year={2022},\n"
    entry += " eprint={2203.02155}, archivePrefix={arXiv}}"
    code, _, err = add("--bibtex", "-", "--topic", "rl", "--summary", "A. B.", stdin=io.StringIO(entry))
    assert code == 1
    assert (
        err.strip()
        == "survey add: this paper is already in the corpus: content/papers/ouyang2022training.yaml"
    )


def test_near_identical_title_is_refused(project: Path) -> None:
    entry = "@misc{x, title={Training Language Models to Follow Instructions With Human Feedback.},"
    entry += " author={Ouyang, L.}, year={2022}}"
    code, _, err = add("--bibtex", "-", "--topic", "rl", "--summary", "A. B.", stdin=io.StringIO(entry))
    assert code == 1
    assert "content/papers/ouyang2022training.yaml" in err


def test_arxiv_record(project: Path) -> None:
    (project / "content/papers/rafailov2023direct.yaml").unlink()
    requested: list[str] = []

    def fetch(url: str) -> bytes:
        requested.append(url)
        return (RECORDED / "2305.18290.xml").read_bytes()

    code, _, err = add(
        "--arxiv", "arXiv:2305.18290v3", "--topic", "sl", "--summary", "DPO. No RL.", fetch=fetch
    )
    assert (code, err) == (0, "")
    assert requested == ["https://export.arxiv.org/api/query?id_list=2305.18290"]
    data = yaml.safe_load((project / "content/papers/rafailov2023direct.yaml").read_text())
    assert data["title"] == "Direct Preference Optimization: Your Language Model is Secretly a Reward Model"
    assert data["authors"][0] == "Rafael Rafailov" and len(data["authors"]) == 6
    assert (data["year"], data["arxiv"], data["venue"]) == (2023, "2305.18290", "arXiv")
    assert check() == 0


def test_an_arxiv_title_in_tex_is_written_as_it_reads(project: Path) -> None:
    """arXiv titles are TeX: '$\\beta$-DPO' went into the paper file, and onto the page, as typed."""
    (project / "content/papers/rafailov2023direct.yaml").unlink()
    record = (RECORDED / "2305.18290.xml").read_text()
    typed = "$\\beta$-Direct Preference \\emph{Optimization}:"
    tex = record.replace("Direct Preference Optimization:", typed, 1)
    assert tex != record
    code, _, err = add(
        "--arxiv", "2305.18290", "--topic", "sl", "--summary", "DPO. No RL.", fetch=lambda url: tex.encode()
    )
    assert (code, err) == (0, "")
    (written,) = (project / "content/papers").glob("rafailov2023*.yaml")
    data = yaml.safe_load(written.read_text())
    assert data["title"] == "β-Direct Preference Optimization: Your Language Model is Secretly a Reward Model"


def test_without_topic_off_a_terminal_it_errors_clearly(project: Path) -> None:
    code, _, err = add("--bibtex", "-", "--summary", "A. B.", stdin=io.StringIO(BIBTEX))
    assert code == 1
    assert err.strip() == "survey add: not on a terminal, so nothing can be asked: pass --topic ID"


def test_on_a_terminal_it_asks(project: Path, tmp_path: Path) -> None:
    source = tmp_path / "entry.bib"
    source.write_text(BIBTEX)
    code, out, err = add("--bibtex", str(source), stdin=Terminal("rl evaluation\nIt asks. It answers.\n"))
    assert (code, err) == (0, "")
    assert "Topics (intro, outer, rl, sl, evaluation)" in out
    data = yaml.safe_load((project / "content/papers/muller2023cafe.yaml").read_text())
    assert data["topics"] == ["rl", "evaluation"]


def test_unknown_topic_is_refused_with_a_suggestion(project: Path) -> None:
    code, _, err = add(
        "--bibtex", "-", "--topic", "evalution", "--summary", "A. B.", stdin=io.StringIO(BIBTEX)
    )
    assert code == 1
    assert err.strip() == "survey add: unknown topic 'evalution'; did you mean 'evaluation'?"


@pytest.mark.parametrize("bad", ["@article{x, title={No closing brace", "@article{x, title={Only a title}}"])
def test_unusable_bibtex(project: Path, bad: str) -> None:
    code, _, err = add("--bibtex", "-", "--topic", "rl", "--summary", "A. B.", stdin=io.StringIO(bad))
    assert code == 1 and err.startswith("survey add: ")
    assert list((project / "content/papers").glob("x*.yaml")) == []


def test_arxiv_unreachable_or_unknown(project: Path) -> None:
    def offline(url: str) -> bytes:
        raise OSError("Network is unreachable")

    code, _, err = add("--arxiv", "2305.18290", "--topic", "sl", "--summary", "A. B.", fetch=offline)
    assert code == 1
    assert err.strip() == (
        "survey add: could not reach the arXiv API (Network is unreachable); "
        "add the paper with --bibtex instead"
    )
    empty = b'<feed xmlns="http://www.w3.org/2005/Atom"><title>query</title></feed>'
    code, _, err = add(
        "--arxiv", "2399.99999", "--topic", "sl", "--summary", "A. B.", fetch=lambda url: empty
    )
    assert (code, err.strip()) == (1, "survey add: arXiv has no paper 2399.99999; check the id")


def test_a_preprint_entry_is_filed_as_arxiv_with_its_id(project: Path) -> None:
    entry = (
        "@misc{x,\n  title = {A Preprint About Rewards},\n  author = {Writer, Ada},\n  year = {2024},\n"
        "  howpublished = {arXiv preprint arXiv:2401.01234},\n}\n"
    )
    code, _, err = add("--bibtex", "-", "--topic", "rl", "--summary", "A. B.", stdin=io.StringIO(entry))
    assert (code, err) == (0, "")
    data = yaml.safe_load((project / "content/papers/writer2024preprint.yaml").read_text())
    assert (data["venue"], data["arxiv"]) == ("arXiv", "2401.01234")


def test_a_key_already_taken_gets_a_letter(project: Path) -> None:
    def entry(title: str) -> io.StringIO:
        return io.StringIO(
            f"@article{{x,\n  title = {{{title}}},\n  author = {{Writer, Ada}},\n  year = {{2024}},\n}}\n"
        )

    for title in ("Rewards in Practice", "Rewards in Theory", "Rewards at Scale"):
        assert add("--bibtex", "-", "--topic", "rl", "--summary", "A. B.", stdin=entry(title))[0] == 0
    written = sorted(p.name for p in (project / "content/papers").glob("writer2024rewards*.yaml"))
    assert written == ["writer2024rewards.yaml", "writer2024rewardsb.yaml", "writer2024rewardsc.yaml"]
    assert check() == 0


@pytest.mark.parametrize(
    ("year", "summary", "message"),
    [
        ("forthcoming", "A. B.", "survey add: the BibTeX year 'forthcoming' is not a number"),
        ("2024", "Only one sentence", "survey add: line 7: summary needs at least two sentences"),
    ],
)
def test_an_entry_that_would_not_pass_check_writes_nothing(
    project: Path, year: str, summary: str, message: str
) -> None:
    entry = (
        f"@article{{x,\n  title = {{Something New}},\n  author = {{Writer, Ada}},\n  year = {{{year}}},\n}}\n"
    )
    before = sorted((project / "content/papers").iterdir())
    code, _, err = add("--bibtex", "-", "--topic", "rl", "--summary", summary, stdin=io.StringIO(entry))
    assert code == 1 and err.startswith(message)
    assert sorted((project / "content/papers").iterdir()) == before


@pytest.mark.parametrize(
    ("text", "found"), [("", 0), ("@article{a, title={One}}\n@article{b, title={Two}}\n", 2)]
)
def test_bibtex_must_hold_one_paper(project: Path, text: str, found: int) -> None:
    code, _, err = add("--bibtex", "-", "--topic", "rl", "--summary", "A. B.", stdin=io.StringIO(text))
    assert (code, err.strip()) == (
        1,
        f"survey add: the BibTeX must hold exactly one entry (one paper), found {found}",
    )


def test_an_arxiv_id_in_the_wrong_form_or_answered_with_an_error(project: Path) -> None:
    asked: list[str] = []
    code, _, err = add("--arxiv", "abc", "--topic", "sl", "--summary", "A. B.", fetch=asked.append)
    assert (code, asked) == (1, [])  # refused before asking arXiv
    assert err.strip() == "survey add: 'abc' is not an arXiv id such as 2203.02155 or hep-th/9901001"
    # an answer with an entry but no date and no author: how the API reports an error
    error = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/api/errors#x</id>'
        b"<title>Error</title><summary>no such identifier</summary></entry></feed>"
    )
    code, _, err = add(
        "--arxiv", "2399.99999", "--topic", "sl", "--summary", "A. B.", fetch=lambda url: error
    )
    assert code == 1 and "Traceback" not in err
    assert err.strip() == "survey add: arXiv gave no paper for 2399.99999 (no such identifier); check the id"
    assert not list((project / "content/papers").glob("*2399*"))
