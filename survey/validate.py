"""Rules over the corpus: each rule a small function that reports what it finds.

Shape problems (types, unknown fields) are reported while reading. The rules on one paper's own
fields (ids well formed, year in range, a real summary) run when its file is parsed
(`check_own_fields`, from papers.py), so a file the cache already holds is not checked again; the
rest need the linked corpus: references resolve, nothing is duplicated, every topic has papers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from operator import attrgetter

from survey.diagnostics import Report, did_you_mean
from survey.markup import Reference
from survey.model import Corpus, Paper, Topic
from survey.read import item_line

ARXIV_NEW = re.compile(r"^\d{4}\.\d{4,5}$")
ARXIV_OLD = re.compile(r"^[a-z-]+(\.[A-Z]{2})?/\d{7}$")
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
WEB_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
FIRST_YEAR = 1900
SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
MIN_SUMMARY_SENTENCES = 2

SummaryReferences = list[tuple[Paper, Reference, int]]
IntroReferences = list[tuple[Topic, Reference]]


def validate(
    corpus: Corpus,
    summary_refs: SummaryReferences,
    intro_refs: IntroReferences,
    report: Report,
    papers: list[Paper] | None = None,
) -> None:
    """Every rule; the per-paper ones on `papers` only, when given (the others passed already)."""
    for rule in PAPER_RULES:
        for paper in corpus.papers if papers is None else papers:
            rule(paper, corpus, report)
    for corpus_rule in CORPUS_RULES:
        corpus_rule(corpus, report)
    _check_references(corpus, summary_refs, intro_refs, report)


def check_topics(paper: Paper, corpus: Corpus, report: Report) -> None:
    known = corpus.topic_by_id
    items = paper.topic_ids
    for index, topic_id in enumerate(items):
        if topic_id not in known:
            report.error(
                paper.path,
                item_line(paper.lines, "topics", index),
                f"unknown topic '{topic_id}'{did_you_mean(topic_id, set(known))} "
                "(topics are the ids in content/taxonomy.yaml)",
            )


def check_relations(paper: Paper, corpus: Corpus, report: Report) -> None:
    keys = corpus.paper_by_key
    for kind, targets in paper.relation_keys.items():
        for index, key in enumerate(targets):
            line = item_line(paper.lines, f"relations.{kind}", index)
            if key == paper.key:
                report.error(paper.path, line, f"{kind}: a paper cannot relate to itself")
            elif not corpus.knows_paper(key):
                report.error(
                    paper.path,
                    line,
                    f"{kind}: no paper with key '{key}'{did_you_mean(key, set(keys))} "
                    "(keys are the file names in content/papers/)",
                )


def check_own_fields(paper: Paper, report: Report) -> None:
    """The rules on what the paper's file says alone. A paper that passed them passes them later too
    (the last year allowed only grows), so the cache keeps only papers that passed."""
    for rule in OWN_RULES:
        rule(paper, report)


def check_year(paper: Paper, report: Report) -> None:
    last = date.today().year + 1
    if not FIRST_YEAR <= paper.year <= last:
        report.error(paper.path, paper.line("year"), f"year {paper.year} is outside {FIRST_YEAR}-{last}")


def check_identifiers(paper: Paper, report: Report) -> None:
    if paper.arxiv and not (ARXIV_NEW.match(paper.arxiv) or ARXIV_OLD.match(paper.arxiv)):
        report.error(
            paper.path,
            paper.line("arxiv"),
            f"arXiv id '{paper.arxiv}' is not in the form 2203.02155 (no 'arXiv:' prefix, no version)",
        )
    if paper.doi and not DOI.match(paper.doi):
        report.error(
            paper.path,
            paper.line("doi"),
            f"DOI '{paper.doi}' is not in the form 10.1234/abc (no https://doi.org/ prefix)",
        )
    for name in ("url", "pdf", "code"):
        value = getattr(paper, name)
        if value and not WEB_URL.match(value):
            report.error(paper.path, paper.line(name), f"{name} '{value}' must be an http(s) URL")


def check_summary(paper: Paper, report: Report) -> None:
    sentences = SENTENCE_END.findall(paper.summary_text)
    if len(sentences) < MIN_SUMMARY_SENTENCES:
        report.error(
            paper.path,
            paper.line("summary"),
            "summary needs at least two sentences in your own words: what the paper does and why it matters",
        )


def check_added(paper: Paper, report: Report) -> None:
    """An `added` date after tomorrow (anywhere on Earth) is a typo: it would head the feeds for years."""
    if paper.added and paper.added > date.today() + timedelta(days=1):
        report.error(
            paper.path,
            paper.line("added"),
            f"added: {paper.added.isoformat()} is in the future; give the day the paper was added",
        )


OWN_RULES: list[Callable[[Paper, Report], None]] = [check_summary, check_year, check_identifiers, check_added]
PAPER_RULES: list[Callable[[Paper, Corpus, Report], None]] = [check_topics, check_relations]


def check_duplicates(corpus: Corpus, report: Report) -> None:
    """No two papers share an arXiv id, a DOI or a normalised title; each copy names the others."""
    for field, label, compared in (
        ("arxiv", "arXiv id", lambda paper: paper.arxiv.lower()),
        ("doi", "DOI", lambda paper: paper.doi.lower()),
        ("title", "title", attrgetter("title_key")),
    ):
        groups: dict[str, list[Paper]] = {}
        for paper in corpus.papers:
            if getattr(paper, field):
                groups.setdefault(compared(paper), []).append(paper)
        for group in groups.values():
            for paper in group if len(group) > 1 else []:
                others = ", ".join(report.display(p.path) for p in group if p is not paper)
                report.error(
                    paper.path,
                    paper.line(field),
                    f"duplicate {label} '{getattr(paper, field)}': {others} already has it; "
                    "keep one file per paper",
                )


def check_leaf_topics(corpus: Corpus, report: Report) -> None:
    if corpus.unreadable:  # its papers may be those a file that could not be read files under it
        return
    for topic in corpus.topics:
        if topic.is_leaf and not topic.papers:
            report.error(
                topic.path, topic.line, f"topic '{topic.id}' has no papers; file at least one under it"
            )


def check_survey_paper(corpus: Corpus, report: Report) -> None:
    if not corpus.knows_paper(corpus.config.survey):
        config = corpus.config
        report.error(
            corpus.content_dir / "site.yaml",
            config.survey_line,
            f"survey: no paper file content/papers/{config.survey}.yaml"
            f"{did_you_mean(config.survey, set(corpus.paper_by_key))}",
        )


CORPUS_RULES: list[Callable[[Corpus, Report], None]] = [
    check_duplicates,
    check_leaf_topics,
    check_survey_paper,
]


def _check_references(
    corpus: Corpus, summary_refs: SummaryReferences, intro_refs: IntroReferences, report: Report
) -> None:
    targets = {"paper": set(corpus.paper_by_key), "topic": set(corpus.topic_by_id)}
    known = {"paper": corpus.knows_paper, "topic": targets["topic"].__contains__}

    def dangles(ref: Reference) -> bool:
        return not known[ref.kind](ref.target)

    for paper, ref, line in summary_refs:
        if dangles(ref):
            report.error(paper.path, line, _dangling(ref, targets[ref.kind]))
    for topic, ref in intro_refs:
        if dangles(ref) and topic.intro_path is not None:
            report.error(topic.intro_path, ref.line_offset + 1, _dangling(ref, targets[ref.kind]))


def _dangling(ref: Reference, known: set[str]) -> str:
    return f"link to unknown {ref.kind} '{ref.target}'{did_you_mean(ref.target, known)}"
