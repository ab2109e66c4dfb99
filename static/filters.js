// Filters and sorting for paper listings. Without JavaScript every paper is listed; with it, a
// panel filters by topic, venue, tag, year range and code, with counts per value, sorts, and
// keeps its state in the URL so a filtered view can be shared and reloaded. Topic titles come from
// one file for the whole site (topics/names.js, loaded as a script so that it works from file://
// too), not from every page; until it has loaded, the topic menu shows topic ids.
"use strict";

(function () {
  const root = document.currentScript.src.replace(/static\/filters\.js(\?.*)?$/, "");
  const listing = document.querySelector("[data-listing]");
  if (!listing) return;
  const elements = [...listing.querySelectorAll("[data-key]")];
  if (elements.length < 2) return;
  let topicNames = {}; // id -> title, indented by depth
  let topicOrder = []; // ids in the order of the topic tree
  const table = listing.querySelector("table");
  // Each listed paper's data, read from the page once: a table of 10,000 papers spent seconds on
  // every change re-reading data attributes and splitting them, for each filter's counts.
  const words = (text) => text.split(" ").filter(Boolean);
  const items = elements.map((element) => {
    const data = element.dataset;
    return {
      element, parent: element.parentNode, key: data.key, year: +data.year, venue: data.venue,
      topics: words(data.topics), tags: words(data.tags), code: data.code === "1",
      title: data.title.toLowerCase(), authors: (data.authors || "").toLowerCase(),
    };
  });
  // each paper once, where it is first listed (a topic page lists a paper under each subtopic it
  // is filed in): the visibility loop in update() shows that one and hides the others when sorted
  const listed = new Set();
  const unique = items.filter((item) => !listed.has(item.key) && listed.add(item.key));
  const FACETS = {
    topic: { label: "Topic", values: (i) => i.topics, name: (v) => (topicNames[v] || v) },
    venue: { label: "Venue", values: (i) => (i.venue ? [i.venue] : []), name: (v) => v },
    tag: { label: "Tag", values: (i) => i.tags, name: (v) => v },
  };
  const years = unique.map((i) => i.year);
  const minYear = Math.min(...years);
  const maxYear = Math.max(...years);
  const SORTS = table
    ? { "title": "Title, A to Z", "year-desc": "Newest first", "year-asc": "Oldest first", "venue": "Venue", "authors": "First author" }
    : { "default": listing.querySelector(".group") ? "As grouped" : "As listed", "year-desc": "Newest first", "year-asc": "Oldest first", "title": "Title, A to Z" };
  const defaultSort = Object.keys(SORTS)[0];

  const state = readState();

  function readState() {
    const params = new URLSearchParams(window.location.search);
    const sort = params.get("sort");
    return {
      topic: params.get("topic") || "", venue: params.get("venue") || "", tag: params.get("tag") || "",
      from: +params.get("from") || minYear, to: +params.get("to") || maxYear,
      code: params.get("code") === "1", sort: sort in SORTS ? sort : defaultSort,
    };
  }
  function writeState() {
    const params = new URLSearchParams(window.location.search);
    const set = (key, value, empty) => (value === empty ? params.delete(key) : params.set(key, value));
    set("topic", state.topic, ""); set("venue", state.venue, ""); set("tag", state.tag, "");
    set("from", state.from, minYear); set("to", state.to, maxYear);
    set("code", state.code ? "1" : "", ""); set("sort", state.sort, defaultSort);
    const query = params.toString();
    history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
  }

  function matches(item, except) {
    for (const facet of Object.keys(FACETS)) {
      if (facet !== except && state[facet] && !FACETS[facet].values(item).includes(state[facet])) return false;
    }
    const year = item.year;
    if (except !== "year" && (year < state.from || year > state.to)) return false;
    if (except !== "code" && state.code && !item.code) return false;
    return true;
  }
  function counts(facet) {
    const found = new Map();
    for (const item of unique) {
      if (!matches(item, facet)) continue;
      for (const value of FACETS[facet].values(item)) found.set(value, (found.get(value) || 0) + 1);
    }
    return found;
  }

  // --- the panel --------------------------------------------------------------------------------
  const panel = document.createElement("form");
  panel.className = "filters";
  panel.setAttribute("aria-label", "Filter and sort these papers");
  panel.addEventListener("submit", (event) => event.preventDefault());
  const status = document.createElement("p");
  status.className = "filter-status";
  status.setAttribute("role", "status");
  function field(labelText, control) {
    const label = document.createElement("label");
    label.append(labelText, control);
    return label;
  }
  function select(name) {
    const element = document.createElement("select");
    element.name = name;
    element.addEventListener("change", () => {
      state[name] = ["from", "to"].includes(name) ? +element.value : element.value;
      update();
    });
    return element;
  }
  const selects = {};
  // a choice of one is no choice: a venue page's venue, a year page's years are not offered
  const single = (facet) => new Set(unique.flatMap((i) => FACETS[facet].values(i))).size <= 1;
  for (const facet of Object.keys(FACETS)) {
    selects[facet] = select(facet);
    const label = field(FACETS[facet].label + " ", selects[facet]);
    label.hidden = single(facet) && !state[facet];
    panel.append(label);
  }
  selects.from = select("from");
  selects.to = select("to");
  for (let y = minYear; y <= maxYear; y++) {
    selects.from.append(new Option(y, y));
    selects.to.append(new Option(y, y));
  }
  const range = [field("From ", selects.from), field("to ", selects.to)];
  for (const label of range) label.hidden = minYear === maxYear;
  panel.append(...range);
  const code = document.createElement("input");
  code.type = "checkbox";
  code.name = "code";
  code.addEventListener("change", () => { state.code = code.checked; update(); });
  const codeLabel = field("", code);
  const codeText = document.createElement("span");
  codeLabel.append(codeText);
  panel.append(codeLabel);
  selects.sort = select("sort");
  for (const [value, text] of Object.entries(SORTS)) selects.sort.append(new Option(text, value));
  panel.append(field("Sort ", selects.sort));
  const reset = document.createElement("button");
  reset.type = "button";
  reset.textContent = "Clear filters";
  reset.addEventListener("click", () => {
    Object.assign(state, { topic: "", venue: "", tag: "", from: minYear, to: maxYear, code: false });
    update();
  });
  panel.append(reset);
  const heading = listing.querySelector("h2");
  if (heading) heading.after(panel, status);
  else listing.prepend(panel, status);

  function fillFacet(facet) {
    const element = selects[facet];
    const found = counts(facet);
    const values = [...found.keys()];
    if (facet === "topic") values.sort((a, b) => topicOrder.indexOf(a) - topicOrder.indexOf(b));
    else values.sort((a, b) => found.get(b) - found.get(a) || a.localeCompare(b));
    if (state[facet] && !found.has(state[facet])) values.unshift(state[facet]);
    element.replaceChildren(new Option("Any", ""));
    for (const value of values) {
      element.append(new Option(FACETS[facet].name(value) + " (" + (found.get(value) || 0) + ")", value));
    }
    element.value = state[facet];
    element.disabled = values.length === 0;
  }

  // --- applying ---------------------------------------------------------------------------------
  const flat = document.createElement("ul");
  flat.className = "papers flat";
  flat.hidden = true;
  if (!table) status.after(flat);
  const collator = new Intl.Collator(); // what localeCompare uses, made once
  const keyOf = {
    "title": (i) => i.title,
    "venue": (i) => (i.venue || "\uffff").toLowerCase(),
    "authors": (i) => i.authors,
  };
  function compare(a, b) {
    if (state.sort === "year-desc") return b.year - a.year || collator.compare(a.title, b.title);
    if (state.sort === "year-asc") return a.year - b.year || collator.compare(a.title, b.title);
    return collator.compare(keyOf[state.sort](a), keyOf[state.sort](b)) || b.year - a.year;
  }
  let arranged = null; // the order the listing is in; a filter alone leaves it as it is
  let rows = items; // a table's rows, in the order shown
  function arrange() {
    if (arranged === state.sort) return;
    arranged = state.sort;
    if (table) {
      const sorted = rows.slice().sort(compare);
      // moving 10,000 rows costs a layout of them all: only when the order changes
      if (sorted.some((item, index) => item !== rows[index])) table.tBodies[0].append(...sorted.map((i) => i.element));
      rows = sorted;
      for (const th of table.querySelectorAll("th[data-sort]")) {
        const on = state.sort === th.dataset.sort || state.sort.startsWith(th.dataset.sort + "-");
        th.setAttribute("aria-sort", on ? (state.sort === "year-asc" || th.dataset.sort !== "year" ? "ascending" : "descending") : "none");
      }
      return;
    }
    if (state.sort === "default") {
      for (const item of items) item.parent.append(item.element);
      flat.hidden = true;
      for (const group of listing.querySelectorAll(".group")) group.classList.remove("flattened");
    } else {
      flat.append(...unique.slice().sort(compare).map((i) => i.element));
      flat.hidden = false;
    }
  }
  function showYear(element, year) {
    // a year from a link may lie outside this listing's years: shown as asked, not as a blank menu
    if (![...element.options].some((option) => +option.value === year)) {
      if (year < minYear) element.prepend(new Option(year, year));
      else element.append(new Option(year, year));
    }
    element.value = year;
  }
  function update() {
    for (const facet of Object.keys(FACETS)) fillFacet(facet);
    showYear(selects.from, state.from);
    showYear(selects.to, state.to);
    selects.sort.value = state.sort;
    code.checked = state.code;
    codeText.textContent = " Has code (" + unique.filter((i) => matches(i, "code") && i.code).length + ")";
    arrange();
    let shown = 0;
    const seen = new Set();
    for (const item of items) {
      const duplicate = state.sort !== "default" && !table && seen.has(item.key);
      const visible = matches(item) && !duplicate;
      if (item.element.hidden === visible) item.element.hidden = !visible; // unchanged rows untouched
      if (visible && !seen.has(item.key)) shown++;
      seen.add(item.key);
    }
    for (const group of [...listing.querySelectorAll(".group")].reverse()) {
      group.hidden = !group.querySelector("[data-key]:not([hidden])");
    }
    status.textContent = "Showing " + shown.toLocaleString("en") + " of " + unique.length.toLocaleString("en") + " papers";
    writeState();
  }
  if (table) {
    for (const th of table.querySelectorAll("th[data-sort]")) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      button.addEventListener("click", () => {
        const key = th.dataset.sort;
        state.sort = key === "year" ? (state.sort === "year-desc" ? "year-asc" : "year-desc") : key;
        update();
      });
      th.replaceChildren(button);
    }
  }
  update();

  window.SurveyFilters = {
    topicNames(pairs) { // [[id, title], ...] in tree order
      topicNames = Object.fromEntries(pairs);
      topicOrder = pairs.map((pair) => pair[0]);
      fillFacet("topic");
    },
  };
  const names = document.createElement("script");
  names.src = root + "topics/names.js";
  names.async = true;
  document.head.append(names);
})();
