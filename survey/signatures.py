"""What each page shows, as a hash, so an incremental build re-renders only pages whose inputs changed.

A page's signature covers everything its template reads: the "shell" every page shares (templates,
the generator's code, site settings, the topic tree, the survey's own paper) and the content hashes of
the papers it lists or links, with the references and counts it prints. Pages that summarise the whole
corpus (home, indexes, feeds, search, exports) have no signature and are always rendered. Only builds
with the cache compute signatures: a paper loaded without it has no content hash.
"""

from __future__ import annotations

from pathlib import Path

from survey.cache import CODE, FileHashes, digest, folder_digests
from survey.model import Corpus, Paper


def shell_signature(corpus: Corpus, templates: Path, files: FileHashes | None = None) -> str:
    parts = [
        repr(corpus.config),
        str(Path.cwd()),
        *folder_digests(templates, files),
        *folder_digests(CODE, files),
    ]
    for topic in corpus.topics:
        parent = topic.parent.id if topic.parent else ""
        parts.append(
            f"{topic.id}|{topic.title}|{topic.summary}|{topic.section}|{parent}|{len(topic.all_papers)}"
        )
    survey = corpus.survey_paper
    parts.append(survey.source_digest if survey else "")
    return digest("\n".join(parts).encode())


class PageSigner:
    """Signatures of the pages of one build; each paper's part is made once, not once per page."""

    def __init__(self, corpus: Corpus, shell: str, references: dict[str, dict[str, str]]) -> None:
        # a corpus loaded without the cache has no content hashes: then no page is ever skipped
        self.shell = shell if all(p.source_digest for p in corpus.papers) else ""
        self.references = references
        self.tokens = {id(p): f"{p.key}:{p.source_digest}" for p in corpus.papers}

    def papers(self, papers: list[Paper]) -> str:
        tokens = self.tokens
        return ",".join([tokens[id(p)] for p in papers])

    def export(self, name: str, papers: list[Paper]) -> str:
        """The signature of citation files made from `papers` alone, or "" without the cache."""
        if not self.shell:
            return ""
        return digest(f"{self.shell}|cite|{name}|{self.papers(papers)}".encode())

    def page(self, template: str, context: dict) -> str:
        """The signature of one page, or "" when the page depends on the whole corpus."""
        if not self.shell:
            return ""
        if template == "paper.html":
            paper: Paper = context["paper"]
            involved = [paper, *(r.paper for r in paper.relations), *paper.same_authors, *paper.related]
            relations = ",".join(f"{r.label}>{r.paper.key}" for r in paper.relations)
            body = f"{relations}|{self.references[paper.key]}"
        elif template == "author.html":
            involved, body = context["author"].papers, context["author"].name
        elif template == "year.html":
            involved, body = context["year"].papers, str(context["year"].year)
        elif template == "venue.html":
            involved, body = context["venue"].papers, context["venue"].name
        elif template == "topic.html":
            topic = context["topic"]
            involved, body = topic.all_papers, f"{topic.id}|{topic.intro_html}|{context['edit_url']}"
        else:
            return ""
        return digest(f"{self.shell}|{template}|{body}|{self.papers(involved)}".encode())
