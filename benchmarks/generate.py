"""A deterministic synthetic corpus in our format, for benchmarks: N papers over the real taxonomy.

Usage: python benchmarks/generate.py N OUT_DIR [--seed S]
Realistic shape: authors drawn from a pool with heavy reuse (a few prolific authors, many
occasional ones, some with LaTeX accents), a third of the papers given as pasted BibTeX with
LaTeX-escaped names and titles, Markdown summaries, tags, and relations to earlier papers.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
GIVEN = (
    "Ada Alan Grace Jörg François Zoë Li Wei Priya Omar Sofía Kenji Amara Lars Ana Chen Elif Mateo "
    "Noor Ivan Hana Tomás Yuki Emma"
).split()
FAMILY = ["Müller", "Tramèr", "Zhang", "Wang", "Smith", "García", "Nakamura", "Okafor", "Novák", "Kim",
          "Dubois", "Rossi", "Singh", "Johansson", "Łukasik", "Petrov", "Ahmed", "Silva", "Brown", "Lee",
          "Costa-jussà", "O'Neil", "Nguyen", "Fischer", "Kowalski", "Haddad", "Moreau", "Sato"]  # fmt: skip
LATEX = {"ü": r"{\"u}", "è": r"{\`e}", "ç": r"{\c{c}}", "é": r"{\'e}", "á": r"{\'a}", "ö": r"{\"o}",
         "ë": r"{\"e}", "Ł": r"{\L}", "í": r"{\'i}", "à": r"{\`a}", "ä": r"{\"a}"}  # fmt: skip
WORDS = (
    "alignment reward preference feedback oversight debate honesty jailbreak backdoor circuit neuron "
    "attention benchmark toxicity bias factuality ethics evaluation robustness interpretability scaling "
    "policy critique constitution deception sycophancy refusal safety steering probe dictionary"
).split()
VENUES = [
    "arXiv",
    "NeurIPS 2023",
    "ICML 2024",
    "ICLR 2024",
    "ACL 2023",
    "EMNLP 2023",
    "TMLR 2024",
    "AAAI 2024",
]
TAGS = ["rlhf", "benchmark", "dataset", "interpretability", "jailbreak", "reward-model", "theory", "survey"]


def real_vocabulary() -> list[str]:
    """Words of the real corpus's titles and summaries, most frequent first: realistic text for the index."""
    counts: dict[str, int] = {}
    for path in sorted((ROOT / "content/papers").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for word in (str(data.get("title", "")) + " " + str(data.get("summary", ""))).split():
            word = word.strip(".,;:()[]'\"*").lower()
            if word.isalpha() and len(word) > 2:
                counts[word] = counts.get(word, 0) + 1
    return sorted(counts, key=lambda w: (-counts[w], w))


def sentence(rng: random.Random, vocabulary: list[str], weights: list[float], n: int) -> str:
    return " ".join(rng.choices(vocabulary, weights, k=n))


def latex(text: str) -> str:
    return "".join(LATEX.get(c, c) for c in text)


def leaf_topics() -> list[str]:
    tree = yaml.safe_load((ROOT / "content/taxonomy.yaml").read_text())["topics"]
    leaves: list[str] = []

    def walk(nodes: list[dict]) -> None:
        for node in nodes:
            if node.get("children"):
                walk(node["children"])
            else:
                leaves.append(node["id"])

    walk(tree)
    return leaves


def generate(n: int, out: Path, seed: int = 7) -> None:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "papers").mkdir(parents=True)
    shutil.copy(ROOT / "content/taxonomy.yaml", out / "taxonomy.yaml")
    (out / "topics").mkdir()
    for path in sorted((ROOT / "content/topics").glob("*.md")):
        (out / "topics" / path.name).write_text(
            f"An introduction to *{path.stem}*, with [a link](topic:{path.stem}).\n"
        )
    (out / "site.yaml").write_text(  # with a repository, as a deployed site has: pages link to their files
        "title: Synthetic Atlas\ndescription: A synthetic corpus for benchmarks.\nsurvey: p000000\n"
        "repository: https://github.com/example/synthetic-atlas\n"
    )
    pool = sorted({f"{g} {i}. {f}" for g in GIVEN for i in "ABCDEFGHJKLMNOPRSTW" for f in FAMILY})
    rng.shuffle(pool)
    pool = pool[: max(50, 2 * n)]
    weights = [1 / (rank + 1) ** 0.5 for rank in range(len(pool))]  # a few prolific authors, many occasional
    leaves = leaf_topics()
    vocabulary = real_vocabulary()
    word_weights = [1 / (rank + 1) for rank in range(len(vocabulary))]  # Zipf, like real text
    for index in range(n):
        key = f"p{index:06d}"
        year = 2015 + index * 11 // max(n, 1)
        title = sentence(rng, vocabulary, word_weights, rng.randint(4, 10)).capitalize() + f" {index}"
        authors = list(dict.fromkeys(rng.choices(pool, weights, k=rng.randint(1, 8))))
        topics = rng.sample(leaves, k=rng.choice((1, 1, 2)))
        summary = (
            f"This paper studies **{rng.choice(WORDS)}**: {sentence(rng, vocabulary, word_weights, 25)}. "
            f"It reports that {sentence(rng, vocabulary, word_weights, 20)}.\n\n"
            f"- {sentence(rng, vocabulary, word_weights, 8)}\n"
            f"- {sentence(rng, vocabulary, word_weights, 8)}\n"
        )
        data: dict = {"topics": topics, "tags": rng.sample(TAGS, k=rng.randint(0, 2)), "summary": summary}
        earlier = [f"p{rng.randrange(index):06d}" for _ in range(rng.randint(0, 2))] if index else []
        if earlier:
            data["relations"] = {"builds_on": sorted(set(earlier))}
        data["added"] = f"2025-{1 + index % 12:02d}-{1 + index % 28:02d}"  # past: a future date is refused
        arxiv = f"{year % 100:02d}{1 + index % 12:02d}.{10000 + index:05d}"
        if index % 3 == 0:
            names = " and ".join(latex(", ".join(reversed(a.split(" ", 1)))) for a in authors)
            data["bibtex"] = (
                f"@inproceedings{{{key},\n  title = {{{latex(title)}}},\n  author = {{{names}}},\n"
                f"  booktitle = {{{rng.choice(VENUES)}}},\n  year = {{{year}}},\n"
                f"  eprint = {{{arxiv}}},\n  archivePrefix = {{arXiv}}\n}}\n"
            )
        else:
            data = {"title": title, "authors": authors, "year": year, "venue": rng.choice(VENUES),
                    "arxiv": arxiv} | data  # fmt: skip
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
        (out / "papers" / f"{key}.yaml").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.n, args.out, args.seed)


if __name__ == "__main__":
    main()
