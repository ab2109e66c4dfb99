"""Rendering: one Jinja environment in which every page (pages.py lists them) and export is made.

`render_site` renders every page and export whose signature changed and stages the files whose
bytes changed (write.py commits them); when only papers' own files changed since the last build
with the cache, it looks only at the pages around them (`narrowed`). Every page gets `root`, its
way back to the site root, and links are made with the `url` filter so they stay relative
(sub-path hosting and file:// both work).
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
from markupsafe import Markup

from survey import __version__, escaping, figures
from survey.cache import BuildCache
from survey.cite import formatted_references
from survey.diagnostics import TemplateFailure
from survey.exports import (
    absolute,
    corpus_files,
    feed_dates,
    paper_citation_files,
    topic_citation_files,
    topic_names_file,
)
from survey.markup import relink
from survey.model import Corpus, Paper, Topic, counted, number
from survey.pages import Page, pages
from survey.parallel import Tick, next_free, split_work, ticking, worker_count
from survey.progress import Progress, no_progress
from survey.read import below_not_ours
from survey.search import KeptIndex, Postings, search_files
from survey.signatures import (
    PageSigner,
    RenderedFrom,
    Scope,
    Shell,
    TemplateCalls,
    common_signature,
    shell_signature,
    template_hashes,
    template_uses,
)
from survey.write import Staged, Stager, discard

FRAGMENTS_TEMPLATE = "macros/papers.html"  # the macros Fragments renders
# compiled by escaping.TextEscaping: not mixed up with templates compiled by Jinja's own generator
COMPILED_PATTERN = "text-escaped-%s.cache"


def make_env(templates: Path, compiled: Path | None = None) -> jinja2.Environment:
    """The environment every page renders in; `compiled` keeps compiled templates between builds."""
    env = escaping.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates do not change during a build (serve makes a new environment)
        # Jinja checks each stored template against its source, so a changed template is compiled anew
        bytecode_cache=jinja2.FileSystemBytecodeCache(compiled, COMPILED_PATTERN) if compiled else None,
    )
    env.template_class = SharedModuleTemplate
    env.filters["url"] = url_filter
    env.filters["relink"] = relink_filter
    env.filters["author_list"] = author_list
    env.filters["json_ld"] = json_ld
    env.filters["absolute"] = absolute_filter
    env.filters["number"] = number
    env.filters["counted"] = counted
    env.globals["figures"] = Figures
    env.globals["item_authors"] = ITEM_AUTHORS
    env.globals["version"] = __version__
    env.globals["shared_partial"] = _shared_partials(env)
    return env


# What every page at one depth is rendered with alike (see _render): the rest of a page's context
# is its own.
SHARED_NAMES = frozenset({"site", "corpus", "root"})


class SharedModuleTemplate(jinja2.Template):
    """A template that, imported `with context` (the macro files), becomes one module per page
    depth rather than one per page, when it reads nothing from the page but what every page at
    that depth shares (SHARED_NAMES: `root`, through `url` and the list functions, the site's
    settings and the corpus) and the environment's globals: every page at a depth would make the
    same module. Making one runs the file's code in a context of its own, two per page: 17% of the
    CPU of rendering 22,000 pages. A macro file naming anything else from the page (`topic`), or
    imported where the page binds a name it reads (a loop's `root`), is made for each page, as
    Jinja makes it. shared_partial asks the same of a partial."""

    def make_module(
        self,
        vars: dict[str, Any] | None = None,
        shared: bool = False,
        locals: Any = None,
    ) -> jinja2.environment.TemplateModule:
        names = self.shared_names
        if vars is None or names is None or not names.isdisjoint(locals or ()):
            return super().make_module(vars, shared, locals)
        root = vars.get("root")
        if root not in self._modules:
            self._modules[root] = super().make_module(vars, shared, locals)
        return self._modules[root]

    @functools.cached_property
    def _modules(self) -> dict[str | None, jinja2.environment.TemplateModule]:
        return {}

    @functools.cached_property
    def shared_names(self) -> frozenset[str] | None:
        """The names the template reads from its context (and `root`), when all are globals or
        SHARED_NAMES; None when it reads a page's own, or when its source cannot be read again."""
        env = self.environment
        if env.loader is None or self.name is None:
            return None
        source = env.loader.get_source(env, self.name)[0]
        names = jinja2.meta.find_undeclared_variables(env.parse(source)) | {"root"}
        return frozenset(names) if names <= env.globals.keys() | SHARED_NAMES else None


def _shared_partials(env: jinja2.Environment) -> Callable[..., Markup]:
    """`shared_partial(name)`: a partial that every page at one depth shows alike (the header, the
    footer), rendered once per depth in a build rather than once per page (an include costs a new
    context and every line of the partial again: 11% of rendering 22,000 pages). A partial that
    reads anything of the page's own (its `page_path`, say, to mark where the reader is) is
    rendered for each page instead (SharedModuleTemplate.shared_names)."""
    rendered: dict[tuple[str, str], Markup] = {}

    @jinja2.pass_context
    def shared_partial(context: jinja2.runtime.Context, name: str) -> Markup:
        key = (name, context["root"])
        if key in rendered:
            return rendered[key]
        template = env.get_template(name)
        html = Markup(template.render(context.get_all()))
        if template.shared_names is not None:  # else never kept: rendered for each page
            rendered[key] = html
        return html

    return shared_partial


@jinja2.pass_context
def url_filter(context: jinja2.runtime.Context, target: str) -> str:
    """A site-root-relative path made relative to the page being rendered."""
    return context["root"] + target


@jinja2.pass_context
def relink_filter(context: jinja2.runtime.Context, html: str) -> Markup:
    """Sanitised Markdown HTML with its site links made relative to this page."""
    return Markup(relink(html, context["root"]))


@jinja2.pass_context
def absolute_filter(context: jinja2.runtime.Context, path: str) -> str:
    """The public URL of a site path (needs base_url; feeds and sitemap only)."""
    return absolute(context["corpus"], path)


def json_ld(data: dict[str, Any]) -> Markup:
    """JSON for a <script type="application/ld+json"> block; '<' escaped so it cannot end the block."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c")
    return Markup(text)


class Figures:
    """SVG figures for templates, with links made relative to the page being rendered."""

    @staticmethod
    @jinja2.pass_context
    def taxonomy_map(context: jinja2.runtime.Context) -> Markup:
        return Markup(figures.taxonomy_map(context["corpus"], context["root"]))

    @staticmethod
    @jinja2.pass_context
    def per_year(
        context: jinja2.runtime.Context, papers: list[Paper], figure_id: str, stacked: bool
    ) -> Markup:
        return Markup(figures.papers_per_year(papers, context["corpus"], figure_id, stacked))

    @staticmethod
    @jinja2.pass_context
    def topic_relations(context: jinja2.runtime.Context, topic: Topic) -> figures.TopicGraph:
        title = f"Relations among the papers of {topic.title}"
        graph = figures.topic_graph(topic.all_papers, context["root"], title)
        return replace(graph, svg=Markup(graph.svg))

    @staticmethod
    @jinja2.pass_context
    def paper_relations(context: jinja2.runtime.Context, paper: Paper) -> Markup:
        return Markup(figures.ego_graph(paper, context["root"]))


class Fragments:
    """Markup that depends on one paper alone, made once per paper and page depth: its list item
    (`paper_item` in macros/papers.html) and its row in the papers table (`paper_row`).

    The same list item recurs on the paper's topic, author, year and venue pages and on "what's
    new"; its markup depends only on the paper, the macro's options and the way back to the site
    root. With the cache, pieces are keyed by the paper's content hash and kept from build to build
    for as long as the shell signature (templates, code, topic tree) is the same: after an edit,
    only the edited paper's pieces are made again, and "what's new" and the papers table, which
    list every paper, are mostly joined from kept pieces.
    """

    def __init__(self, env: jinja2.Environment, signer: PageSigner, kept: dict | None = None) -> None:
        self.env = env
        self.shell = signer.template(FRAGMENTS_TEMPLATE)
        self.tokens = signer.tokens if signer.shell else {}
        self.keep = kept is not None  # only with the cache, which gives pieces to keep (kept_fragments)
        self.kept = kept if kept is not None else {}  # the cache's, never changed here
        # each list's pieces by paper, in tables per (root, macro, options): looked up hundreds of
        # thousands of times in a build, where a key of six parts per paper took 0.5 s to make and hash
        self.tables: dict[tuple, dict[int, str]] = {}
        self.new: dict[tuple, str] = {}  # made in this process, for the cache
        self.modules: dict[str, Any] = {}
        env.globals["remembered_items"] = self.items
        env.globals["remembered_rows"] = self.rows

    @jinja2.pass_context
    def items(
        self,
        context: jinja2.runtime.Context,
        papers: list[Paper],
        show_topics: bool = True,
        filterable: bool = False,
        author: str | None = None,
    ) -> Markup:
        """Each paper's list item, one per line: joined here, not in a template loop (a list may
        hold every paper, and a template loop costs several times the join). On an author's page,
        a paper whose item would leave them out among "et al." has an item of its own naming them.
        """
        root, options = context["root"], (show_topics, filterable)
        texts = self._texts(root, "paper_item", papers, options)
        if author:  # not looked for in other lists: a topic's may hold thousands of papers
            for index, paper in enumerate(papers):
                if hides(paper, ITEM_AUTHORS, author):
                    texts[index] = self._text(root, "paper_item", paper, (*options, author))
        return Markup("".join(text + "\n" for text in texts))

    @jinja2.pass_context
    def rows(self, context: jinja2.runtime.Context, papers: list[Paper]) -> Markup:
        """Each paper's row in the papers table, one per line."""
        return Markup("\n  ".join(self._texts(context["root"], "paper_row", papers, ())))

    def _texts(self, root: str, macro: str, papers: list[Paper], options: tuple[bool, ...]) -> list[str]:
        """The pieces of these papers, from this process's table when made here already."""
        table = self.tables.setdefault((root, macro, options), {})
        texts = [table.get(id(paper)) for paper in papers]
        if None in texts:
            for index, paper in enumerate(papers):
                if texts[index] is None:
                    texts[index] = table[id(paper)] = self._text(root, macro, paper, options)
        return texts  # type: ignore[return-value]

    def _text(self, root: str, macro: str, paper: Paper, options: tuple) -> str:
        key = (self.shell, self.tokens.get(id(paper), paper.key), root, macro, *options)
        found = self.kept.get(key)
        if found is None:
            if root not in self.modules:
                self.modules[root] = self.env.get_template(FRAGMENTS_TEMPLATE).make_module({"root": root})
            # kept as plain text: a Markup pickles (into the cache, from a worker) far slower
            found = str(getattr(self.modules[root], macro)(paper, *options))
            if self.keep:
                self.new[key] = found
        return found


ITEM_AUTHORS = 6  # names a paper's list item shows before "et al." (`item_authors` in templates)


def author_list(paper: Paper, limit: int = 0, keep: str | None = None) -> str:
    """The paper's authors, cut after `limit` names (0: all) unless only one more would follow;
    `keep`, the author of an author page, is shown after an ellipsis when the cut would hide them."""
    names, shown = paper.author_names, _shown_authors(paper, limit)
    if hides(paper, limit, keep):
        text, more = ", ".join(shown) + f", …, {keep}", names[-1] != keep
    else:
        text, more = ", ".join(shown), len(shown) < len(names)
    return f"{text} et al." if more or paper.et_al else text


def _shown_authors(paper: Paper, limit: int) -> list[str]:
    """The names before "et al.": all when `limit` is 0 or only one more would follow it."""
    names = paper.author_names
    return names[:limit] if limit and len(names) > limit + 1 else names


def hides(paper: Paper, limit: int, name: str | None) -> bool:
    """Whether `author_list(paper, limit)` leaves this author out."""
    shown = _shown_authors(paper, limit)
    return bool(name) and len(shown) < len(paper.author_names) and name not in shown


@dataclass(slots=True)
class Export:
    """Files made by a function rather than a template (citation files, search index, data).

    `paths` are known up front when the export has a signature, so it can be skipped unrun.
    """

    paths: tuple[str, ...]
    make: Callable[[], dict[str, bytes]]
    # what the files are made from, for their signature (made in the worker that runs the export)
    signed: tuple[str, list[Paper]] | None = None
    # the search index this export fills, whose postings go back to the cache (search_export)
    index: KeptIndex | None = None


Task = Page | Export


@dataclass
class Rendered:
    """What rendering did in one process (files staged, or the failure), or what Job.sift found
    (every task's signature, and the files left as they are)."""

    staged: Staged = field(default_factory=Staged)
    names: list[str] = field(default_factory=list)  # every output path this worker accounted for
    kept: int = 0
    signatures: dict[str, str] = field(default_factory=dict)
    fragments: dict[tuple, str] = field(default_factory=dict)  # made here, for the cache
    postings: Postings | None = None  # a search index made here, for the cache (search_export)
    failure: tuple[str, int, str] | None = None


@dataclass
class Output:
    """Where a build writes, and what the previous build left in the output folder."""

    folder: Path  # the output folder, or the folder a first build writes into (write.py)
    key: str  # the output folder's full path: signatures are kept per output folder
    existing: set[str] = field(default_factory=set)  # files the previous build wrote (its manifest)
    intact: bool = False  # no file was added to or removed from the output since


@dataclass
class Job:
    """Everything a rendering worker reads, prepared once before the workers start."""

    env: jinja2.Environment
    fragments: Fragments
    corpus: Corpus
    output: Output
    signer: PageSigner  # its shell is "" when building without the cache: then nothing is skipped
    known: dict[str, str]  # signature of each output path when it was last written

    def sift(self, tasks: list[Task]) -> tuple[list[Task], Rendered]:
        """The tasks to run, and a record of every task's signature and of the files left as they
        are: a task whose files on disk are what it would make is not run again.

        Done in this process before any worker is forked: a worker taking signatures reads every
        paper, copying the parent's memory page by page (200 MB at 10,000 papers), and after most
        edits only a few dozen tasks are left to run, not worth a worker.
        """
        pending, sifted = [], Rendered()
        for task in tasks:
            paths = (task.path,) if isinstance(task, Page) else task.paths
            signature = self.signature(task)
            if signature:
                key = f"{self.output.key}|{paths[0]}"
                sifted.signatures[key] = signature
                if self.known.get(key) == signature and all(self.on_disk(path) for path in paths):
                    sifted.kept += len(paths)
                    sifted.names.extend(paths)
                    continue
            pending.append(task)
        return pending, sifted

    def run_share(self, tasks: Iterable[Task], tick: Tick) -> Rendered:
        stager = Stager(self.output.folder)
        done = Rendered(stager.result)
        try:
            for task in ticking(tasks, tick):
                self.run(task, stager, done)
        except TemplateFailure as failure:  # render_site discards what was staged
            return Rendered(failure=(failure.path, failure.line, failure.message))
        done.fragments = self.fragments.new
        return done

    def run(self, task: Task, stager: Stager, done: Rendered) -> None:
        if isinstance(task, Page):
            files = {task.path: _render(self.env, task, self.corpus)}
        else:
            files = task.make()
            if task.index:
                done.postings = task.index.last
        for path, data in files.items():
            stager.put(path, data)
        done.names.extend(files)

    def on_disk(self, path: str) -> bool:
        """Written by the previous build and still there (nobody deleted it since)."""
        output = self.output
        return path in output.existing and (
            output.intact or os.path.isfile(os.path.join(output.folder, path))
        )

    def signature(self, task: Task) -> str:
        if isinstance(task, Page):
            return self.signer.page(task.template, task.context)
        return self.signer.export(*task.signed) if task.signed else ""


def render_site(
    corpus: Corpus,
    templates: Path,
    static: Path,
    output: Output,
    cache: BuildCache | None = None,
    workers: int = 0,
    progress: Progress = no_progress,
) -> list[Rendered]:
    """Render every page and export, and stage the files whose bytes changed (see write.py).

    With a cache and the previous output, a task whose signature matches the one it had when it
    was written (and whose files are still there) is not run again; when only some papers' files
    changed since the last build, the pages and exports none of them is on are not even looked at
    (`narrowed`). Work is spread over `workers` processes (0: automatic). Raises TemplateFailure,
    after discarding everything staged, when a template fails.
    """
    cache = cache or BuildCache(None)
    env = make_env(templates, cache.templates_folder())
    shell = page_shell(corpus, templates, env, cache)
    now, references = rendered_with(corpus, shell, output.key, cache, workers, progress)
    signer = PageSigner(corpus, shell, references)
    # what the last build that saved the cache rendered from: the site on disk, unless it was
    # written since without the cache (narrowed checks that nothing in the folder changed since)
    scope, left_alone = narrowed(corpus, cache, output, cache.stored("rendered"), now)
    # The longest tasks first (see next_free): the exports made from the whole corpus (they have no
    # paths known up front), then the pages, which pages() yields whole-corpus ones first.
    search = search_export(corpus, cache, kept_search_files(corpus, cache))
    exported = list(exports(corpus, static, search, scope))
    tasks: list[Task] = [
        *(task for task in exported if not task.paths),
        *pages(corpus, feed_dates(corpus), references, scope),
        *(task for task in exported if task.paths),
    ]
    job = Job(
        env=env,
        fragments=Fragments(env, signer, kept_fragments(cache, signer)),
        corpus=corpus,
        output=output,
        signer=signer,
        known=cache.known("pages") if signer.shell else {},
    )
    tasks, sifted = job.sift(tasks)
    try:
        results = split_work(
            lambda index, count, tick: job.run_share(next_free(tasks), tick),
            worker_count(workers, len(tasks)),
            "rendering pages",
            len(tasks),
            progress,
        )
    except BaseException:  # a bug or an interrupt: still leave the site as it was
        discard(output.folder)
        raise
    failures = [result.failure for result in results if result.failure]
    if failures:
        discard(output.folder)
        raise TemplateFailure(*failures[0])
    keep_search_index(cache, results)
    for key, signature in sifted.signatures.items():
        cache.put("pages", key, signature)
    if job.fragments.keep:
        keep_fragments(cache, results, signer)
    if now:  # written with the cache, once the site is committed (pipeline.build)
        cache.store("rendered", now)
    return [*results, sifted, left_alone]


def rendered_with(
    corpus: Corpus,
    shell: Shell | None,
    output_key: str,
    cache: BuildCache,
    workers: int = 1,
    progress: Progress = no_progress,
) -> tuple[RenderedFrom | None, dict[str, dict[str, str]]]:
    """What the pages of `corpus` are rendered from besides each paper (None without the cache),
    and every paper's formatted reference."""
    references = formatted_references(
        corpus.papers, cache, worker_count(workers, len(corpus.papers)), progress
    )
    if shell is None:
        return None, references
    return RenderedFrom.of(corpus, output_key, shell.whole, references), references


NARROW_LIMIT = 100  # papers edited at once; with more, a build looks at every page


# Templates rendered by the functions templates call, for template_uses
TEMPLATE_CALLS: TemplateCalls = {
    "shared_partial": None,  # its argument
    "remembered_items": FRAGMENTS_TEMPLATE,
    "remembered_rows": FRAGMENTS_TEMPLATE,
}


def page_shell(corpus: Corpus, templates: Path, env: jinja2.Environment, cache: BuildCache) -> Shell | None:
    """What pages are made from besides papers (None without the cache). Which templates each
    template uses is worked out again only when a template changed."""
    if not cache.enabled:
        return None
    hashes = template_hashes(templates, cache.files)
    stored = cache.stored("template-uses")
    if stored and stored[0] == hashes:
        uses = stored[1]
    else:
        uses = template_uses(env, hashes, TEMPLATE_CALLS)
        cache.store("template-uses", (hashes, uses))
    common = common_signature(corpus, cache.files)
    return Shell(common, uses, shell_signature(common, hashes))


def narrowed(
    corpus: Corpus, cache: BuildCache, output: Output, last: RenderedFrom | None, now: RenderedFrom | None
) -> tuple[Scope, Rendered]:
    """The pages and citation files to look at (signatures.Scope), and those left alone, as done.

    Narrowed to what shows the papers whose files changed since the last build that rendered into
    this output folder (signatures.RenderedFrom: nothing else that pages show changed), when nothing
    was added to or removed from the folder since and every output left alone has its signature
    from then (it is kept in the cache) and is on disk. Otherwise every page and citation file is
    looked at.
    """
    whole = Scope.whole(corpus), Rendered()
    if last is None or now is None or not output.intact:
        return whole
    found = now.edited_since(last)
    if found is None or len(found[0]) > NARROW_LIMIT:
        return whole
    edited, added = found
    scope = Scope.around(corpus, [corpus.paper_by_key[key] for key in edited], added)
    left = _outputs_outside(corpus, scope)
    known, keys = cache.known("pages"), [f"{output.key}|{paths[0]}" for paths in left]
    if not all(key in known for key in keys) or not all(p in output.existing for ps in left for p in ps):
        return whole
    cache.keep("pages", keys)  # still this build's signatures
    names = [path for paths in left for path in paths]
    return scope, Rendered(names=names, kept=len(names))


def _outputs_outside(corpus: Corpus, scope: Scope) -> list[tuple[str, ...]]:
    """The paths of each page and citation-files export that `scope` leaves out."""
    inside = {id(item) for items in (scope.topics, scope.papers, scope.authors, scope.years, scope.venues)
              for item in items}  # fmt: skip
    cited = {id(item) for item in (*scope.cited_papers, *scope.cited_topics)}
    holders = [*corpus.topics, *corpus.authors, *corpus.years, *corpus.venues]
    left: list[tuple[str, ...]] = [(holder.url,) for holder in holders if id(holder) not in inside]
    left += [(paper.page_url,) for paper in corpus.papers if id(paper) not in inside]
    left += [paper_export_paths(paper) for paper in corpus.papers if id(paper) not in cited]
    left += [topic_export_paths(topic) for topic in corpus.topics if id(topic) not in cited]
    return left


def kept_fragments(cache: BuildCache, signer: PageSigner) -> dict | None:
    """The fragments the last build kept, keyed by (shell signature, paper token, ...): only those
    made under this build's shell signature are found."""
    return cache.known("fragments") if signer.shell else None


def keep_fragments(cache: BuildCache, results: list[Rendered], signer: PageSigner) -> None:
    """Add what the workers made; keep the pieces of this build's papers under its shell."""
    for result in results:
        for key, text in result.fragments.items():
            cache.put("fragments", key, text)
    current, shell = set(signer.tokens.values()), signer.template(FRAGMENTS_TEMPLATE)
    kept = cache.known("fragments")
    cache.keep("fragments", [key for key in kept if key[0] == shell and key[1] in current])


def kept_search_files(corpus: Corpus, cache: BuildCache) -> dict[str, bytes] | None:
    """The search files, made here from the postings the last build left; None without the cache,
    or without postings to start from (a first build: see search_export).

    The postings are those a long-running builder kept, else those in the cache (reading them
    back takes a twentieth of the time indexing every paper takes). Made before the workers
    start, so that the postings this build leaves are kept in the builder and in the cache.
    """
    if not cache.enabled:
        return None
    resident = cache.resident
    index = resident.search if resident and resident.search else KeptIndex(cache.stored("search"))
    if index.last is None:
        return None
    if resident:
        resident.search = index
    files = index.files(corpus)
    if index.updated:
        cache.store("search", index.last)
    return files


def search_export(corpus: Corpus, cache: BuildCache, search: dict[str, bytes] | None) -> Export:
    """The search files: those already made (kept_search_files), else made by whichever process
    runs this task. With the cache and no postings yet, its postings are handed back for the cache
    (`Export.index`, then keep_search_index): indexing every paper in the first process before the
    workers start kept the other cores idle (0.45-0.6 s at 10,000 papers)."""
    if search is not None:
        return Export((), search.copy)
    if not cache.enabled:
        return Export((), functools.partial(search_files, corpus))
    index = KeptIndex()
    return Export((), functools.partial(index.files, corpus), index=index)


def keep_search_index(cache: BuildCache, results: list[Rendered]) -> None:
    """The postings a task made (search_export), in the cache and in a resident builder."""
    for result in results:
        if result.postings is not None:
            cache.store("search", result.postings)
            if cache.resident:
                cache.resident.search = KeptIndex(result.postings)


def exports(corpus: Corpus, static: Path, search: Export, scope: Scope | None = None) -> Iterator[Export]:
    """Every file that is not a page: per-paper and per-topic citations, corpus-wide data, static files.

    `search` is the task that makes the search files (search_export); `scope` the papers and topics
    whose citation files to look at (all of them by default).
    """
    scope = scope or Scope.whole(corpus)
    for paper in scope.cited_papers:
        paths = paper_export_paths(paper)
        yield Export(paths, functools.partial(paper_citation_files, paper, paths), (paper.key, [paper]))
    for topic in scope.cited_topics:
        paths = topic_export_paths(topic)
        made = functools.partial(topic_citation_files, topic, paths)
        yield Export(paths, made, (topic.id, topic.all_papers))
    yield Export((), functools.partial(corpus_files, corpus))
    yield Export((), functools.partial(topic_names_file, corpus))
    yield search
    yield Export((), functools.partial(_static_files, static))


def paper_export_paths(paper: Paper) -> tuple[str, str, str]:
    base = paper.page_url.removesuffix("index.html")
    return (base + f"{paper.key}.bib", base + f"{paper.key}.json", base + f"{paper.key}.ris")


def topic_export_paths(topic: Topic) -> tuple[str, str]:
    base = topic.url.removesuffix("index.html")
    return (base + f"{topic.id}.bib", base + f"{topic.id}.json")


def _render(env: jinja2.Environment, page: Page, corpus: Corpus) -> bytes:
    root = "../" * page.path.count("/")
    context = {  # all but page_path the same on every page at one depth (SHARED_NAMES)
        "site": corpus.config,
        "corpus": corpus,
        "root": root,
        "page_path": page.path,
    }
    try:
        details = page.details() if page.details else {}
        html = env.get_template(page.template).render(context | page.context | details)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateFailure(
            exc.filename or page.template, exc.lineno, exc.message or "syntax error"
        ) from exc
    except Exception as exc:  # any failure inside a template is the template's to report
        path, line = _template_frame(exc)
        raise TemplateFailure(path or page.template, line, f"while rendering {page.path}: {exc}") from exc
    return html.encode("utf-8")


def _template_frame(exc: BaseException) -> tuple[str, int]:
    """The innermost template file and line in a rendering traceback (Jinja rewrites frames)."""
    found = ("", 0)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt")):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _static_files(static: Path) -> dict[str, bytes]:
    if not static.is_dir():
        return {}
    return {
        f"static/{path.relative_to(static).as_posix()}": path.read_bytes()
        for path in sorted(static.rglob("*"))
        if path.is_file() and not below_not_ours(path.relative_to(static))  # no style.css~
    }
