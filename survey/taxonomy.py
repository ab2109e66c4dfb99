"""The topic tree: content/taxonomy.yaml and content/topics/<id>.md -> list of Topics."""

from __future__ import annotations

from pathlib import Path

from survey.diagnostics import Report, did_you_mean
from survey.markup import Reference, render_markdown
from survey.model import Topic
from survey.read import LineDict, not_ours, read_text, read_yaml
from survey.schema import check_shape

IntroReferences = list[tuple[Topic, Reference]]
INTRO_LIMIT = 8000  # characters of a topic's introduction: nearly three times the longest one


def load_taxonomy(content_dir: Path, report: Report) -> tuple[list[Topic], IntroReferences]:
    """Roots of the tree (children linked), and the internal links their introductions make."""
    path = content_dir / "taxonomy.yaml"
    if not path.is_file():
        report.error(path, 0, "missing topic tree; create taxonomy.yaml (see docs/corpus.md)")
        return [], []
    data = read_yaml(path, report)
    if data is None or not check_shape(data, "taxonomy", path, report):
        return [], []
    roots = [_topic(node, None, path, index) for index, node in enumerate(data["topics"])]
    topics = list(walk(roots))
    _check_unique_ids(topics, report)
    references = _load_introductions(topics, content_dir / "topics", report)
    return roots, references


def walk(topics: list[Topic]):
    """Every topic in survey order: each topic, then its subtopics (pre-order)."""
    for topic in topics:
        yield topic
        yield from walk(topic.children)


def _topic(node: LineDict, parent: Topic | None, path: Path, order: int) -> Topic:
    topic = Topic(
        id=node["id"],
        title=node["title"].strip(),
        summary=node["summary"].strip(),
        section=str(node.get("section", "")).strip(),
        parent=parent,
        depth=0 if parent is None else parent.depth + 1,
        path=path,
        line=node.line,
        order=order,
    )
    topic.children = [_topic(child, topic, path, i) for i, child in enumerate(node.get("children", []))]
    return topic


def _check_unique_ids(topics: list[Topic], report: Report) -> None:
    first_seen: dict[str, Topic] = {}
    for topic in topics:
        if topic.id in first_seen:
            other = first_seen[topic.id]
            report.error(
                topic.path,
                topic.line,
                f"topic id '{topic.id}' is already used on line {other.line}; ids must be unique",
            )
        else:
            first_seen[topic.id] = topic


def _load_introductions(topics: list[Topic], folder: Path, report: Report) -> IntroReferences:
    references: IntroReferences = []
    ids = {t.id for t in topics}
    for topic in topics:
        path = folder / f"{topic.id}.md"
        if not path.is_file():
            report.error(topic.path, topic.line, f"topic '{topic.id}' has no introduction; write {path}")
            continue
        text = read_text(path, report)
        if text is None:
            continue
        if len(text) > INTRO_LIMIT:  # python-markdown takes time quadratic in some texts ("[[[[...")
            length = f"{len(text):,} characters long; keep it to {INTRO_LIMIT:,}"
            report.error(path, 1, f"the introduction is {length}")
            continue
        rendered = render_markdown(text)
        topic.intro_html, topic.intro_path = rendered.html, path
        references += [(topic, ref) for ref in rendered.references]
    if folder.is_dir():
        for path in sorted(folder.glob("*.md")):
            if path.stem not in ids and not not_ours(path.name):
                report.error(
                    path, 0, f"no topic '{path.stem}' in taxonomy.yaml{did_you_mean(path.stem, ids)}"
                )
    return references
