"""What each page shows, as a hash, so an incremental build re-renders only pages whose inputs changed.

A page's signature covers everything its template reads: what every page shares (the generator's
code, site settings, the topic tree without its paper counts, which only topic pages show, the
survey's own paper), its own template with every template that one uses (`template_uses`: an edit to
one page kind's template re-renders only the pages of that kind), and the content hashes of the
papers it lists or links, with the references and counts it prints. Most pages that summarise the
whole corpus (home, what's new, the papers table, feeds, search, exports) have no signature and are
always rendered; the author index and the statistics, which print only names and counts, have one.
Only builds with the cache compute signatures: a paper loaded without it has no content hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2 import meta, nodes

from survey.cache import CODE, FileHashes, digest, folder_digests
from survey.link import topic_shapes
from survey.model import Author, Corpus, Paper, Topic, Venue, Year


def common_signature(corpus: Corpus, files: FileHashes | None = None) -> str:
    """What every page and citation file is made from besides templates and papers."""
    parts = [
        repr(corpus.config),
        str(Path.cwd()),  # with the content folder: pages link to their files, relative to it
        str(corpus.content_dir.resolve()),
        *folder_digests(CODE, files),
    ]
    for topic in corpus.topics:  # its paper counts are on topic pages only (PageSigner.page)
        parent = topic.parent.id if topic.parent else ""
        parts.append(f"{topic.id}|{topic.title}|{topic.summary}|{topic.section}|{parent}")
    survey = corpus.survey_paper
    parts.append(survey.source_digest if survey else "")
    return digest("\n".join(parts).encode())


def shell_signature(common: str, hashes: dict[str, str]) -> str:
    """What every page shares with every template (`hashes`: each one's own hash, by name)."""
    return digest(f"{common}|{every_template(hashes)}".encode())


def every_template(hashes: dict[str, str]) -> str:
    """One hash of every template's name and bytes."""
    return digest(repr(sorted(hashes.items())).encode())


def template_hashes(templates: Path, files: FileHashes | None = None) -> dict[str, str]:
    """{name: hash of its bytes} of every file in the templates folder."""
    return dict(entry.rsplit(":", 1) for entry in folder_digests(templates, files))  # type: ignore[misc]


# A global function a template calls that renders a template itself: the name of that template, or
# None when the call's first argument names it.
TemplateCalls = dict[str, str | None]


def template_uses(env: jinja2.Environment, hashes: dict[str, str], calls: TemplateCalls) -> dict[str, str]:
    """{name: hash of the template with every template it uses, directly or through others}.

    "Uses" is what Jinja names (extends, import, from, include) and what the `calls` render. A
    template that names one from a variable, or does not parse, uses every template: what it
    shows cannot be told from its text.
    """
    direct = {name: _names_used(env, name, calls) for name in hashes}
    everything = every_template(hashes)
    uses = {}
    for name in hashes:
        seen, waiting = set(), [name]
        while waiting:
            current = waiting.pop()
            if current not in seen:
                seen.add(current)
                waiting.extend(direct.get(current) or [])
        if any(direct.get(used, []) is None for used in seen):
            uses[name] = everything
        else:
            uses[name] = digest(repr(sorted((used, hashes.get(used, "")) for used in seen)).encode())
    return uses


def _names_used(env: jinja2.Environment, name: str, calls: TemplateCalls) -> list[str] | None:
    """The templates `name` names itself, or None when one of them cannot be told."""
    try:
        tree = env.parse(env.loader.get_source(env, name)[0])  # type: ignore[union-attr]
    except (jinja2.TemplateError, UnicodeDecodeError):  # reported when a page renders with it
        return None
    used: list[str | None] = list(meta.find_referenced_templates(tree))
    called = set()  # the names of `calls` called directly, whose templates are told
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name in calls:
            called.add(id(call.node))
            target = calls[call.node.name]
            if target is None:
                first = call.args[0] if call.args else None
                target = (
                    first.value if isinstance(first, nodes.Const) and isinstance(first.value, str) else None
                )
            used.append(target)
    if any(found.name in calls and id(found) not in called for found in tree.find_all(nodes.Name)):
        return None  # handed on (`{% set render = shared_partial %}`): what it renders cannot be told
    return None if None in used else used  # type: ignore[return-value]


@dataclass(frozen=True)
class Shell:
    """What pages are made from besides papers: `common` to every page and citation file, `uses`
    for each template (template_uses), and `whole`, all of it in one hash."""

    common: str
    uses: dict[str, str]
    whole: str


class PageSigner:
    """Signatures of the pages of one build; each paper's part is made once, not once per page."""

    def __init__(self, corpus: Corpus, shell: Shell | None, references: dict[str, dict[str, str]]) -> None:
        # a corpus loaded without the cache has no content hashes: then no page is ever skipped
        self.shell = shell if shell and all(p.source_digest for p in corpus.papers) else None
        self.references = references
        self.tokens = {id(p): f"{p.key}:{p.source_digest}" for p in corpus.papers}
        # what the author index and the statistics show: linking's input (keys, years, authors,
        # topics, tags, relations; linking hashed it), venues, and which papers have code
        venues_and_code = "".join(f"{p.venue}|{bool(p.code)}\n" for p in corpus.papers)
        self.counted = f"{corpus.neighbours_shape}|{digest(venues_and_code.encode())}"
        # the whole topic tree's counts, beside every topic page (the other pages show none: a paper
        # added or removed then changes only the pages that show it, not all 32,000 at 10,000)
        self.topic_counts = ",".join(str(len(topic.all_papers)) for topic in corpus.topics)
        self.addresses: dict[int, str] = {}  # _author_addresses, by id of the paper

    def _author_addresses(self, paper: Paper) -> str:
        """The addresses of the paper's authors' pages, made once per paper."""
        found = self.addresses.get(id(paper))
        if found is None:
            found = self.addresses[id(paper)] = ",".join([author.slug for author in paper.authors])
        return found

    def template(self, name: str) -> str:
        """What markup made with template `name` is made from besides papers, or "" without the
        cache (a template missing from the folder fails when it renders)."""
        if not self.shell:
            return ""
        return f"{self.shell.common}|{name}|{self.shell.uses.get(name, self.shell.whole)}"

    def papers(self, papers: list[Paper]) -> str:
        tokens = self.tokens
        return ",".join([tokens[id(p)] for p in papers])

    def export(self, name: str, papers: list[Paper]) -> str:
        """The signature of citation files made from `papers` alone, or "" without the cache."""
        if not self.shell:
            return ""
        return digest(f"{self.shell.common}|cite|{name}|{self.papers(papers)}".encode())

    def page(self, template: str, context: dict) -> str:
        """The signature of one page, or "" for a page made every time (it shows what any paper's
        file may change: a title, a date, a summary)."""
        if not self.shell:
            return ""
        if template == "paper.html":
            paper: Paper = context["paper"]
            involved = [paper, *(r.paper for r in paper.relations), *paper.same_authors, *paper.related]
            relations = ",".join(f"{r.label}>{r.paper.key}" for r in paper.relations)
            # the addresses it links: a namesake added elsewhere can move an author's page to "-2"
            venue = paper.venue_ref.slug if paper.venue_ref else ""
            body = f"{relations}|{self.references[paper.key]}|{self._author_addresses(paper)}|{venue}"
        elif template == "author.html":
            author: Author = context["author"]
            coauthors = "|".join([self._author_addresses(p) for p in author.papers])  # it links them
            involved, body = author.papers, f"{author.name}|{coauthors}"
        elif template == "year.html":
            involved, body = context["year"].papers, str(context["year"].year)
        elif template == "venue.html":
            involved, body = context["venue"].papers, context["venue"].name
        elif template in ("authors.html", "stats.html"):  # counts: no title or summary shows
            involved, body = [], self.counted
        elif template == "topic.html":
            topic = context["topic"]
            body = f"{topic.id}|{topic.intro_html}|{context['edit_url']}|{self.topic_counts}"
            involved = topic.all_papers
        else:
            return ""
        return digest(f"{self.template(template)}|{body}|{self.papers(involved)}".encode())


@dataclass
class RenderedFrom:
    """What a build rendered its pages and citation files from: kept after the build (in a
    long-running builder, and in the cache) so that the next build can tell which pages may differ.

    Between two builds with the same output folder, shell, topic tree and links (every paper's key
    and what linking reads from it but its title), only the papers whose files changed can change a
    page, and only a page that shows one (Scope.around), provided every other paper's reference is
    the same (a paper's reference is on its own page only). `edited_since` tells those papers.

    When papers were only added (no other paper's file changed, none removed), the links differ,
    but only where the new papers are: what lists them, every topic page (each shows every topic's
    count) and the papers whose related lists they may change (Scope.around, `added`); unless a new
    author or venue shares a page address with one already there (`addresses`), which moves the
    address of one of them.
    """

    output: str  # the output folder's key
    shell: str
    topics: str  # the topic tree with its introductions, hashed
    links: str  # every paper's key and what linking reads from it but its title, hashed
    papers: dict[str, tuple[str, str]]  # key -> (content token, its formatted reference hashed)
    addresses: str  # Corpus.shared_addresses

    @classmethod
    def of(
        cls, corpus: Corpus, output: str, shell: str, references: dict[str, dict[str, str]]
    ) -> RenderedFrom:
        # linking hashed every paper's key, year, authors, topics, tags and relations already
        shapes = "\n".join([corpus.neighbours_shape, *(paper.venue for paper in corpus.papers)])
        papers = {
            paper.key: (paper.source_digest, digest(references[paper.key]["alpha"].encode()))
            for paper in corpus.papers
        }  # the alpha form holds the plain one
        topics = digest(repr(topic_shapes(corpus.topics)).encode())
        return cls(output, shell, topics, digest(shapes.encode()), papers, corpus.shared_addresses)

    def edited_since(self, last: RenderedFrom) -> tuple[list[str], bool] | None:
        """The keys of the papers whose files changed or that came since `last`, and whether any
        came; or None when anything else that pages show may have changed too."""
        besides_papers = (self.output, self.shell, self.topics, self.addresses)
        if besides_papers != (last.output, last.shell, last.topics, last.addresses):
            return None
        added = self.papers.keys() - last.papers.keys()
        if len(added) != len(self.papers) - len(last.papers):  # a paper went
            return None
        if not added and self.links != last.links:
            return None
        edited = []
        for key, (token, reference) in self.papers.items():
            before = last.papers.get(key)
            if before is None:
                edited.append(key)
            elif before[0] != token:
                if added:  # added and edited at once: what linking reads may differ anywhere
                    return None
                edited.append(key)
            elif before[1] != reference:
                return None
        return edited, bool(added)


@dataclass
class Scope:
    """The topics, papers, authors, years and venues whose pages a build looks at, and the papers
    and topics whose citation files it looks at: all of them, or, when only some papers' own files
    changed since the last build (RenderedFrom.edited_since), only those showing one.

    A page's signature covers exactly the papers on it, so a page that shows no edited paper has the
    signature it had when the last build rendered or kept it (render.narrowed checks the rest).
    Those pages are not looked at.
    """

    topics: list[Topic]
    papers: list[Paper]
    authors: list[Author]
    years: list[Year]
    venues: list[Venue]
    cited_papers: list[Paper]
    cited_topics: list[Topic]
    everything: bool = True

    @classmethod
    def whole(cls, corpus: Corpus) -> Scope:
        c = corpus
        return cls(c.topics, c.papers, c.authors, c.years, c.venues, c.papers, c.topics)

    @classmethod
    def around(cls, corpus: Corpus, edited: list[Paper], added: bool = False) -> Scope:
        """Whatever shows an edited paper: its own page, the pages of the papers that list it as a
        relation, by the same authors or as related, and its topics' (and theirs above), authors',
        year's and venue's pages; its own and its topics' citation files.

        For papers `added`, also every topic page (each shows every topic's count of papers) and
        the pages of the papers sharing a topic with one: a new paper can enter a topic's newest
        few, which related lists draw from (link._related_lists), and push another out of them.
        A same-author list changes only by taking a new paper in, so it shows it.
        """
        ids = {id(paper) for paper in edited}
        shown = set(ids)
        shown.update(id(relation.paper) for paper in edited for relation in paper.relations)
        new_topics = {topic_id for paper in edited for topic_id in paper.topic_ids} if added else set()
        for paper in corpus.papers:
            listed = not ids.isdisjoint(map(id, [*paper.same_authors, *paper.related]))
            if listed or (new_topics and not new_topics.isdisjoint(paper.topic_ids)):
                shown.add(id(paper))
        topics = {topic_id for paper in edited for topic_id in paper.facet_topics}  # and those above
        cited_topics = [t for t in corpus.topics if t.id in topics]
        if added:
            topics = {topic.id for topic in corpus.topics}
        authors = {id(author) for paper in edited for author in paper.authors}
        venues = {id(paper.venue_ref) for paper in edited}
        years = {paper.year for paper in edited}
        return cls(
            topics=[t for t in corpus.topics if t.id in topics],
            papers=[p for p in corpus.papers if id(p) in shown],
            authors=[a for a in corpus.authors if id(a) in authors],
            years=[y for y in corpus.years if y.year in years],
            venues=[v for v in corpus.venues if id(v) in venues],
            cited_papers=[p for p in corpus.papers if id(p) in ids],
            cited_topics=cited_topics,
            everything=False,
        )
