"""The GitHub workflows and the contributor files: they parse and do what the docs promise."""

from __future__ import annotations

import yaml
from conftest import ROOT

WORKFLOWS = ROOT / ".github/workflows"


def load(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps_run(job: dict) -> list[str]:
    return [step.get("run", "") for step in job["steps"]]


def test_check_workflow_runs_check_with_annotations_and_the_tests_on_pull_requests() -> None:
    workflow = load("check.yml")
    assert "pull_request" in workflow["on"]
    assert set(workflow["jobs"]) == {"corpus", "tests"}
    assert "survey check --format github" in steps_run(workflow["jobs"]["corpus"])
    assert "bash scripts/test.sh" in steps_run(workflow["jobs"]["tests"])


def test_pages_workflow_builds_with_base_url_and_deploys_on_main() -> None:
    workflow = load("pages.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert set(workflow["jobs"]) == {"build", "deploy"}
    build = " ".join(steps_run(workflow["jobs"]["build"]))
    assert "survey build --output _site --base-url" in build
    uses = [step.get("uses", "") for step in workflow["jobs"]["build"]["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    cache = next(
        step
        for step in workflow["jobs"]["build"]["steps"]
        if step.get("uses", "").startswith("actions/cache@")
    )
    assert cache["with"]["path"] == ".survey-cache"
    assert workflow["jobs"]["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages@")
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_every_step_is_either_a_command_or_a_pinned_action() -> None:
    for path in WORKFLOWS.glob("*.yml"):
        for job in load(path.name)["jobs"].values():
            for step in job["steps"]:
                assert ("run" in step) != ("uses" in step), (path.name, step)
                if "uses" in step:
                    assert "@" in step["uses"], (path.name, step["uses"])


def test_contributor_files_exist_and_point_at_the_commands() -> None:
    template = (ROOT / ".github/pull_request_template.md").read_text()
    assert "survey check" in template
    guide = (ROOT / "CONTRIBUTING.md").read_text()
    for command in ("survey add --bibtex", "survey add --arxiv", "survey check"):
        assert command in guide
