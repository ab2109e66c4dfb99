"""Search in a real browser: exact words, misspelt words, from file:// and over HTTP, and the index files."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest

from survey.search import shard_of, tokens

playwright_api = pytest.importorskip("playwright.sync_api")


def live_titles(browser, url: str, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    page.keyboard.press("/")  # focuses the search box
    page.keyboard.type(query)
    page.wait_for_selector(
        f'#search-results[data-query="{query}"]', state="attached"
    )  # not an eval: the CSP forbids it
    titles = page.locator("#search-results .result-title").all_inner_texts()
    assert errors == []
    page.close()
    return titles


def test_tokens_fold_case_accents_and_stopwords() -> None:
    assert tokens("The Café of Müller-Lyer: RLHF and GPT-4") == ["cafe", "muller", "lyer", "rlhf", "gpt", "4"]
    assert 0 <= shard_of("rlhf") < 256


BIYIK = "b\u0131y\u0131k"  # with the dotless i, as Erdem B\u0131y\u0131k spells it


def test_letters_that_nfkd_leaves_whole_are_spelt_plainly() -> None:
    assert tokens(f"Łukasz {BIYIK}, Søren Straße, Æsir, Þór") == [
        "lukasz", "biyik", "soren", "strasse", "aesir", "thor",
    ]  # fmt: skip


@pytest.mark.parametrize("query", ["biyik", BIYIK, "BIYIK"])
def test_a_name_is_found_however_its_letters_are_typed(browser, site: Path, query: str) -> None:
    """static/search.js folds the query's letters as the index was folded: 'biyik' found nothing
    (two letters from the name as written, past the typos allowed)."""
    titles = live_titles(browser, (site / "index.html").as_uri(), query)
    assert titles == [
        "Open Problems and Fundamental Limitations of Reinforcement Learning from Human Feedback"
    ]


def test_what_the_box_says_aloud_counts_one_paper_as_one(browser, site: Path) -> None:
    """The status a screen reader reads out said '1 papers found'."""
    page = browser.new_page()
    page.goto((site / "index.html").as_uri())
    page.locator("#site-search").fill("biyik")
    page.wait_for_selector('#search-results[data-query="biyik"]', state="attached")
    status = page.locator(".search-live-status").inner_text()
    assert status == "1 paper found; press the down arrow to browse them"
    page.close()


def test_exact_words_find_the_paper_from_disk(browser, site: Path) -> None:
    titles = live_titles(
        browser, (site / "index.html").as_uri(), "deep reinforcement learning human preferences"
    )
    assert titles[0] == "Deep Reinforcement Learning from Human Preferences"


def test_search_over_http_under_a_sub_path(browser, sub_path_server: str) -> None:
    base = sub_path_server
    assert live_titles(browser, base + "index.html", "sleper agnts")[0].startswith("Sleeper Agents")
    assert live_titles(browser, base + "papers/index.html", "zzqxvw") == []
    titles = live_titles(browser, base + "topics/debate/index.html", "ouyang instruction")
    assert titles[0] == "Training language models to follow instructions with human feedback"


def test_misspelt_title_and_author_words_still_find_it(browser, site: Path) -> None:
    url = (site / "topics/index.html").as_uri()
    assert (
        live_titles(browser, url, "constitutonal harmlesness")[0]
        == "Constitutional AI: Harmlessness from AI Feedback"
    )
    assert "Direct Preference Optimization: Your Language Model is Secretly a Reward Model" in live_titles(
        browser, url, "rafailov prefrence"
    )


def test_search_page_takes_q_and_marks_matches(browser, site: Path) -> None:
    page = browser.new_page()
    page.goto((site / "search/index.html").as_uri() + "?q=sleeper%20agents")
    page.wait_for_selector(".search-page-results .result")
    first = page.locator(".search-page-results .result").first
    assert "Sleeper Agents" in first.locator(".result-title").inner_text()
    assert first.locator("mark").count() >= 1
    assert page.locator("#site-search").input_value() == "sleeper agents"
    page.close()


def test_a_word_typed_without_its_accents_marks_it_as_written(browser, site: Path) -> None:
    """'tramer' found Florian Tramèr's papers, but marked nothing: the marks matched the words as
    typed, not as the index folds them."""
    page = browser.new_page()
    page.goto((site / "search/index.html").as_uri() + "?q=tramer%20carlini")
    page.wait_for_selector(".search-page-results .result")
    marks = page.locator(".search-page-results .result").first.locator(".paper-meta mark").all_inner_texts()
    assert "Tramèr" in marks and "Carlini" in marks
    page.close()


def test_an_author_past_the_four_a_result_names_is_shown_when_searched_for(
    browser, site: Path, corpus
) -> None:
    """A result names four authors: a search for a later one found their papers and showed them as
    if by others ("Ryan Greenblatt, Carson Denison, Benjamin Wright, Fabien Roger et al.")."""
    late = [p for p in corpus.papers if "Jared Kaplan" in p.author_names[4:]]
    assert len(late) > 5
    page = browser.new_page()
    page.goto((site / "search/index.html").as_uri() + "?q=kaplan")
    page.wait_for_selector(".search-page-results .result")
    results = page.locator(".search-page-results .result")
    metas = {
        results.nth(i).locator(".result-title").inner_text(): results.nth(i)
        .locator(".paper-meta")
        .inner_text()
        for i in range(results.count())
    }
    page.close()
    shown = [paper for paper in late if paper.title in metas]
    assert len(shown) >= 5
    for paper in shown:
        meta = metas[paper.title].split(" · ")[0]
        head = ", ".join(paper.author_names[:4])
        named_after = (
            head + (", …, " if paper.author_names.index("Jared Kaplan") > 4 else ", ") + "Jared Kaplan"
        )
        assert meta.startswith(named_after), meta
        more = paper.author_names[-1] != "Jared Kaplan" or paper.et_al
        assert meta.endswith(" et al.") == more, meta


@pytest.mark.parametrize("query", ["((((", "the of"])
def test_a_query_with_nothing_to_search_for_says_so(browser, site: Path, query: str) -> None:
    page = browser.new_page()
    page.goto((site / "search/index.html").as_uri() + "?q=" + urllib.parse.quote(query))
    status = page.locator(".search-status")
    page.wait_for_function("() => document.querySelector('.search-status').textContent.startsWith('Nothing')")
    assert status.inner_text().startswith(f"Nothing to search for in “{query}”: type words from a title")
    assert page.locator(".search-more").is_hidden()  # no "Show more" under no results
    page.close()


def test_the_box_asks_for_more_while_nothing_typed_can_be_searched_for(browser, site: Path) -> None:
    page = browser.new_page()
    page.goto((site / "index.html").as_uri())
    page.locator("#site-search").fill("the")
    page.wait_for_selector('#search-results[data-query="the"]', state="attached")
    assert page.locator("#search-results").inner_text() == "Nothing to search for in “the” yet: keep typing."
    page.locator("#site-search").fill("the zzzqqq")
    page.wait_for_selector('#search-results[data-query="the zzzqqq"]', state="attached")
    assert page.locator("#search-results").inner_text() == "No papers match “the zzzqqq”."
    page.close()


def test_keyboard_moves_through_results_and_enter_opens(browser, site: Path) -> None:
    page = browser.new_page()
    page.goto((site / "index.html").as_uri())
    page.keyboard.press("/")
    page.keyboard.type("weak-to-strong generalization")
    page.wait_for_selector('#search-results[data-query="weak-to-strong generalization"]', state="attached")
    page.keyboard.press("ArrowDown")  # into the results
    page.keyboard.press("ArrowUp")  # back to the box
    assert page.evaluate("document.activeElement.id") == "site-search"
    page.keyboard.press("ArrowDown")
    active = page.evaluate("document.activeElement.textContent")
    assert active == page.locator("#search-results .result-title").first.inner_text()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == active
    page.close()


def test_without_javascript_the_box_leads_to_the_search_page(site: Path) -> None:
    html = (site / "papers/index.html").read_text()
    assert '<form class="site-search" role="search" action="../search/index.html" method="get">' in html
    assert "needs JavaScript" in (site / "search/index.html").read_text()


def expected_count(corpus, topic: str, venue: str) -> int:
    return sum(
        1
        for p in corpus.papers
        if topic in p.facet_topics and p.venue_ref is not None and p.venue_ref.name == venue
    )


def test_two_filters_stack_with_counts_in_the_url_and_survive_reload(browser, site: Path, corpus) -> None:
    page = browser.new_page()
    page.goto((site / "papers/index.html").as_uri())
    total = len(corpus.papers)
    assert page.locator(".filter-status").inner_text() == f"Showing {total} of {total} papers"
    selector = "select[name=topic] option[value=alignment-evaluation]"
    # until topics/names.js has loaded, the menu shows topic ids
    names_loaded = f"() => !document.querySelector('{selector}').textContent.startsWith('alignment-')"
    page.wait_for_function(names_loaded)
    topic_option = page.locator(selector)
    in_topic = sum(1 for p in corpus.papers if "alignment-evaluation" in p.facet_topics)
    title = corpus.topic_by_id["alignment-evaluation"].title
    assert topic_option.inner_text().strip() == f"{title} ({in_topic})"
    page.select_option("select[name=topic]", "alignment-evaluation")
    arxiv_option = page.locator("select[name=venue] option[value=arXiv]").inner_text()
    want = expected_count(corpus, "alignment-evaluation", "arXiv")
    assert arxiv_option == f"arXiv ({want})"  # counts reflect the topic already chosen
    page.select_option("select[name=venue]", "arXiv")
    assert page.locator(".filter-status").inner_text() == f"Showing {want} of {total} papers"
    assert page.locator("tbody tr:not([hidden])").count() == want
    assert "topic=alignment-evaluation" in page.url and "venue=arXiv" in page.url
    shared = page.url
    page.goto("about:blank")
    page.goto(shared)
    assert page.locator(".filter-status").inner_text() == f"Showing {want} of {total} papers"
    assert page.locator("select[name=topic]").input_value() == "alignment-evaluation"
    page.close()


def test_sorting_the_table_by_year_is_kept_in_the_url(browser, site: Path) -> None:
    page = browser.new_page()
    page.goto((site / "papers/index.html").as_uri())
    page.get_by_role("button", name="Year").click()
    years = [int(y) for y in page.locator("tbody tr td:nth-child(3)").all_inner_texts()]
    assert years == sorted(years, reverse=True)
    assert "sort=year-desc" in page.url
    page.close()


def test_a_filter_keeps_the_order_chosen_and_title_order_comes_back(browser, site: Path, corpus) -> None:
    """filters.js sorts only when the order asked for changes (re-sorting a table of 10,000 rows on
    every filter took seconds); a filter after a sort must still show the rows in that order."""
    page = browser.new_page()
    page.goto((site / "papers/index.html").as_uri())
    first_order = page.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.key)")
    page.get_by_role("button", name="Year").click()
    page.select_option("select[name=venue]", "arXiv")
    shown = page.locator("tbody tr:not([hidden])")
    years = [int(y) for y in shown.locator("td:nth-child(3)").all_inner_texts()]
    assert len(years) == sum(1 for p in corpus.papers if p.venue_ref and p.venue_ref.name == "arXiv")
    assert years == sorted(years, reverse=True) and years[0] > years[-1]
    page.get_by_role("button", name="Title").click()
    assert page.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.key)") == first_order
    page.close()


def test_topic_page_filters_hide_empty_groups(browser, site: Path, corpus) -> None:
    page = browser.new_page()
    page.goto((site / "topics/outer-alignment/index.html").as_uri() + "?from=2024&to=2024")
    visible_years = {int(y) for y in page.locator(".group:not([hidden]) > .year-heading").all_inner_texts()}
    assert visible_years == {2024}
    page.close()


def test_sorted_a_topic_page_shows_each_paper_once_in_one_sorted_list(browser, site: Path, corpus) -> None:
    """A paper filed under two subtopics is listed under each. Sorted newest first, the copy in the
    sorted list was hidden and the other left in its group, outside the order (two papers of
    outer alignment's 68 stood apart, under their subtopic's heading)."""
    topic = corpus.topic_by_id["outer-alignment"]
    listed = [key for child in topic.children for key in (p.key for p in child.all_papers)]
    assert len(listed) > len(set(listed))  # the bundled corpus has such papers
    page = browser.new_page()
    page.goto((site / topic.url).as_uri() + "?sort=year-desc")
    shown = page.locator("[data-listing] [data-key]:visible")
    keys = shown.evaluate_all("items => items.map(item => item.dataset.key)")
    assert sorted(keys) == sorted({p.key for p in topic.all_papers})
    assert page.locator("[data-listing] .flat [data-key]:visible").count() == len(keys)
    assert page.locator("[data-listing] .group:visible").count() == 0
    years = [corpus.paper_by_key[key].year for key in keys]
    assert years == sorted(years, reverse=True)
    page.close()


def test_a_filter_with_one_value_to_choose_is_not_offered(browser, site: Path, corpus) -> None:
    """A year page offered "From 2023 to 2023", a venue page a venue menu of that venue; and a
    list with no groups offered to sort "As grouped"."""
    page = browser.new_page()

    def offered() -> dict[str, bool]:
        names = ["topic", "venue", "tag", "from", "to", "sort"]
        return {name: page.locator(f".filters select[name={name}]").is_visible() for name in names}

    year = next(y for y in corpus.years if len({p.venue_ref.name for p in y.papers if p.venue_ref}) > 1)
    page.goto((site / year.url).as_uri())
    assert offered() == {"topic": True, "venue": True, "tag": True, "from": False, "to": False, "sort": True}
    assert page.locator(".filters select[name=sort] option").first.inner_text() == "As listed"
    venue = next(v for v in corpus.venues if len({p.year for p in v.papers}) > 1)
    page.goto((site / venue.url).as_uri())
    assert offered() == {"topic": True, "venue": False, "tag": True, "from": True, "to": True, "sort": True}
    page.goto((site / corpus.topic_by_id["outer-alignment"].url).as_uri())
    assert all(offered().values())
    assert page.locator(".filters select[name=sort] option").first.inner_text() == "As grouped"
    page.close()


def test_a_year_from_a_link_outside_the_listing_is_shown_as_asked(browser, site: Path, corpus) -> None:
    """`?from=2030` left the year menu blank, with no paper shown and nothing saying why."""
    topic = corpus.topic_by_id["outer-alignment"]
    page = browser.new_page()
    page.goto((site / topic.url).as_uri() + "?from=2030&to=1990")
    assert page.locator("select[name=from]").input_value() == "2030"
    assert page.locator("select[name=to]").input_value() == "1990"
    assert page.locator(".filter-status").inner_text() == f"Showing 0 of {len(topic.all_papers)} papers"
    page.get_by_role("button", name="Clear filters").click()
    shown = page.locator(".filter-status").inner_text()
    assert shown == f"Showing {len(topic.all_papers)} of {len(topic.all_papers)} papers"
    page.close()


def test_without_javascript_listings_show_every_paper(browser, site: Path, corpus) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((site / "papers/index.html").as_uri())
    assert page.locator("tbody tr").count() == len(corpus.papers)
    assert page.locator(".filters").count() == 0
    topic = corpus.topic_by_id["outer-alignment"]
    page.goto((site / topic.url).as_uri())
    keys = set(page.locator("[data-listing] [data-key]").evaluate_all("els => els.map(e => e.dataset.key)"))
    assert keys == {p.key for p in topic.all_papers}
    assert page.locator("[data-listing] [data-key]:visible").count() >= len(topic.all_papers)
    context.close()
