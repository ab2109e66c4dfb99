"""The same synthetic corpus as a Hugo site, for a like-for-like build time: one page per paper,
with topics, authors and years as taxonomies (a list and a term page each), Markdown summaries.

Usage: python benchmarks/hugo_site.py CONTENT_DIR HUGO_DIR
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from survey.diagnostics import Report
from survey.pipeline import load

LAYOUTS = {
    "_default/baseof.html": "<!doctype html><html><head><title>{{ .Title }}</title></head>"
    '<body><main>{{ block "main" . }}{{ end }}</main></body></html>',
    "_default/single.html": '{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ delimit .Params.authors ", " }}'
    " · {{ .Params.year }}</p>{{ .Content }}<ul>{{ range .Params.topics }}<li>{{ . }}</li>{{ end }}</ul>"
    "{{ end }}",
    "_default/list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}'
    '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}',
    "_default/terms.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.Alphabetical }}'
    '<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}',
    "index.html": '{{ define "main" }}<h1>{{ .Site.Title }}</h1>{{ end }}',
}


def main() -> None:
    content, out = Path(sys.argv[1]), Path(sys.argv[2])
    corpus = load(content, Report())
    assert corpus is not None
    if out.exists():
        shutil.rmtree(out)
    (out / "content/papers").mkdir(parents=True)
    config = {"baseURL": "/", "title": "Synthetic", "disableKinds": ["RSS", "sitemap"],
              "taxonomies": {"topic": "topics", "author": "authors", "year": "years"}}  # fmt: skip
    (out / "config.json").write_text(json.dumps(config))
    for name, text in LAYOUTS.items():
        (out / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (out / "layouts" / name).write_text(text)
    for paper in corpus.papers:
        front = {"title": paper.title, "authors": paper.author_names, "years": [str(paper.year)],
                 "year": paper.year, "topics": paper.topic_ids, "venue": paper.venue}  # fmt: skip
        body = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n\n" + paper.summary_md
        (out / "content/papers" / f"{paper.key}.md").write_text(body, encoding="utf-8")


if __name__ == "__main__":
    main()
