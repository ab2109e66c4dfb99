"""Site settings: content/site.yaml -> SiteConfig, every problem reported."""

from __future__ import annotations

from pathlib import Path

from survey.diagnostics import Report
from survey.model import SiteConfig
from survey.read import read_yaml
from survey.schema import check_shape


def load_config(content_dir: Path, report: Report) -> SiteConfig | None:
    path = content_dir / "site.yaml"
    if not path.is_file():
        report.error(path, 0, "missing site settings; create site.yaml (see docs/corpus.md)")
        return None
    data = read_yaml(path, report)
    if data is None or not check_shape(data, "site", path, report):
        return None
    return SiteConfig(
        title=data["title"],
        description=data["description"],
        survey=data["survey"],
        base_url=data.get("base_url", ""),
        repository=data.get("repository", "").rstrip("/"),
        branch=data.get("branch", "main"),
        survey_line=data.line_of("survey"),
    )
