// Search over the static index in search/ (built by survey/search.py). Works over http(s) and
// from file://: index files are scripts that hand their data to SurveySearch, never fetch().
// Query words are matched against the term list with MiniSearch's SearchableMap (exact, prefix
// for the word being typed, and up to one or two typos), then only the postings and result
// cards needed are loaded.
"use strict";

(function () {
  const script = document.currentScript;
  const root = script.src.replace(/static\/search\.js(\?.*)?$/, "");
  const STOP = new Set(("a an and are as at be by can do does for from has have how in into is it its of on or " +
    "our that the their this to via was we what when where which who why will with").split(" "));
  // Latin letters that NFKD does not take apart, spelt as the index spells them (survey/search.py)
  const LETTERS = { "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th",
    "ı": "i", "ħ": "h", "ŧ": "t", "ŀ": "l" };
  const pending = {};
  const state = { meta: null, map: null, postings: {}, cards: {} };

  function load(path, key) {
    if (!pending[key]) {
      pending[key] = new Promise((resolve, reject) => {
        pending[key + ":resolve"] = resolve;
        const tag = document.createElement("script");
        tag.src = root + path;
        tag.async = true;
        tag.onerror = () => reject(new Error("could not load " + path));
        document.head.appendChild(tag);
      });
    }
    return pending[key];
  }
  function deliver(key, value) {
    const resolve = pending[key + ":resolve"];
    if (resolve) resolve(value);
  }

  const SurveySearch = {
    terms(meta) { deliver("terms", meta); },
    postings(number, shard) { deliver("p" + number, shard); },
    cards(number, cards) { deliver("d" + number, cards); },
  };
  window.SurveySearch = SurveySearch;

  // lower case, accents off, the letters NFKD leaves whole spelt plainly (survey/search.py)
  function fold(text) {
    return text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "").replace(/[łøßæœđðþıħŧŀ]/g, (c) => LETTERS[c]);
  }
  function tokenize(text) {
    return fold(text)
      .split(/[^\p{L}\p{N}]+/u).filter((t) => t && !STOP.has(t));
  }
  function shardOf(term) {
    let value = 0;
    for (const char of term) value = (Math.imul(value, 31) + char.codePointAt(0)) >>> 0;
    return value % state.meta.postingShards;
  }

  async function ready() {
    if (!state.map) {
      state.meta = await load("search/terms.js", "terms");
      const entries = state.meta.terms.split("\n").map((t) => [t, 1]);
      state.map = window.MiniSearch.from(entries); // the vendored SearchableMap (a radix tree)
    }
  }

  // term -> factor (1 exact, less for a prefix or a typo) for one query word
  function expand(word, isLast) {
    const found = new Map();
    if (state.map.has(word)) found.set(word, 1);
    if (isLast && word.length >= 2) {
      let count = 0;
      for (const [term] of state.map.atPrefix(word)) {
        if (!found.has(term)) found.set(term, 0.75);
        if (++count >= 60) break;
      }
    }
    if (word.length >= 4) {
      const distance = word.length >= 8 ? 2 : 1;
      for (const [term, [, d]] of state.map.fuzzyGet(word, distance)) {
        if (!found.has(term)) found.set(term, d === 1 ? 0.6 : 0.4);
      }
    }
    return found;
  }

  async function search(query, limit) {
    await ready();
    const words = tokenize(query);
    if (!words.length) return { results: [], words: [], terms: [], count: 0, partial: false };
    const expansions = words.map((w, i) => expand(w, i === words.length - 1));
    const shardNumbers = new Set();
    for (const found of expansions) for (const term of found.keys()) shardNumbers.add(shardOf(term));
    await Promise.all([...shardNumbers].map(async (n) => {
      state.postings[n] = await load("search/p/" + n + ".js", "p" + n);
    }));
    const total = new Map(); // doc -> [score, words matched]
    for (const found of expansions) {
      const best = new Map();
      for (const [term, factor] of found) {
        const flat = state.postings[shardOf(term)][term] || [];
        const idf = Math.log(1 + state.meta.papers / (flat.length / 2));
        for (let i = 0; i < flat.length; i += 2) {
          const score = flat[i + 1] * idf * factor;
          if (score > (best.get(flat[i]) || 0)) best.set(flat[i], score);
        }
      }
      for (const [doc, score] of best) {
        const seen = total.get(doc) || [0, 0];
        total.set(doc, [seen[0] + score, seen[1] + 1]);
      }
    }
    const all = [...total].sort((a, b) => b[1][1] - a[1][1] || b[1][0] - a[1][0] || a[0] - b[0]);
    const complete = all.filter(([, [, n]]) => n === words.length);
    const ranked = complete.length ? complete : all;
    const top = ranked.slice(0, limit).map(([doc]) => doc);
    const perShard = state.meta.cardsPerShard;
    await Promise.all([...new Set(top.map((d) => Math.floor(d / perShard)))].map(async (n) => {
      state.cards[n] = await load("search/d/" + n + ".js", "d" + n);
    }));
    const terms = [...new Set(expansions.flatMap((found) => [...found.keys()]))];
    const results = top.map((doc) => state.cards[Math.floor(doc / perShard)][doc % perShard]);
    return { results, words, terms, count: ranked.length, partial: !complete.length };
  }

  // --- rendering -----------------------------------------------------------------------------
  function escapeRegExp(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }
  // The text folded as tokenize folds it, with the span of the original text each folded
  // character comes from, so that a term found in the folded text ("muller") marks what is
  // written ("Müller").
  function folded(text) {
    let plain = "";
    const starts = [], ends = [];
    let index = 0;
    for (const char of text) {
      const part = fold(char);
      for (let i = 0; i < part.length; i++) { starts.push(index); ends.push(index + char.length); }
      plain += part;
      index += char.length;
    }
    return { plain, starts, ends };
  }
  // The terms where a word starts in folded text, longest first.
  function termPattern(terms, flags) {
    const alternatives = [...terms].sort((a, b) => b.length - a.length).map(escapeRegExp).join("|");
    return new RegExp("(?<![\\p{L}\\p{N}])(" + alternatives + ")", flags);
  }
  function marked(text, terms) {
    const fragment = document.createDocumentFragment();
    if (!terms.length) { fragment.append(text); return fragment; }
    const pattern = termPattern(terms, "gu");
    const { plain, starts, ends } = folded(text);
    let last = 0;
    for (const match of plain.matchAll(pattern)) {
      const start = starts[match.index], end = ends[match.index + match[0].length - 1];
      if (start < last) continue;
      fragment.append(text.slice(last, start));
      const mark = document.createElement("mark");
      mark.textContent = text.slice(start, end);
      fragment.append(mark);
      last = end;
    }
    fragment.append(text.slice(last));
    return fragment;
  }
  function snippet(text, terms) {
    const WIDTH = 180;
    text = text.replace(/ …$/, "");
    const { plain, starts } = folded(text);
    let at = -1;
    for (const term of terms) {
      const i = plain.indexOf(term);
      if (i >= 0 && (at < 0 || starts[i] < at)) at = starts[i];
    }
    const start = at < 60 ? 0 : text.lastIndexOf(" ", at - 60) + 1;
    let piece = text.slice(start, start + WIDTH);
    if (start + WIDTH < text.length) piece = piece.slice(0, piece.lastIndexOf(" ")) + " …";
    return (start > 0 ? "… " : "") + piece;
  }
  // A card names four authors; the first of the others the query names follows them, so that a
  // search for an author shows them on each paper it finds: "A, B, C, D, …, Named et al."
  function shownAuthors(authors, later, etAl, terms) {
    if (!later || !terms.length) return authors;
    const pattern = termPattern(terms, "u");
    const index = later.findIndex((name) => pattern.test(folded(name).plain));
    if (index < 0) return authors;
    const more = index < later.length - 1 || etAl;
    return authors.replace(/ et al\.$/, "") + (index > 0 ? ", …, " : ", ") + later[index] + (more ? " et al." : "");
  }
  function card(result, terms) {
    const [key, title, cardAuthors, year, venue, topics, summary, later, etAl] = result;
    const authors = shownAuthors(cardAuthors, later, etAl, terms);
    const item = document.createElement("li");
    item.className = "result";
    const link = document.createElement("a");
    link.href = root + "papers/" + key + "/index.html";
    link.className = "result-title";
    link.append(marked(title, terms));
    const meta = document.createElement("span");
    meta.className = "paper-meta";
    meta.append(marked(authors + " · " + year + (venue ? " · " + venue : ""), terms));
    const chips = document.createElement("span");
    chips.className = "result-topics";
    chips.textContent = topics.map((t) => state.meta.topics[t]).join(" · ");
    const text = document.createElement("span");
    text.className = "result-snippet";
    text.append(marked(snippet(summary, terms), terms));
    item.append(link, meta, chips, text);
    return item;
  }
  function render(list, found) {
    list.replaceChildren(...found.results.map((r) => card(r, found.terms)));
  }

  // --- the box in the header (live results) and the search page --------------------------------
  // Live results are a list of ordinary links: ArrowDown moves from the box into them, arrows move
  // between them, Enter follows one, Escape returns to the box.
  function setUpBox(form) {
    const input = form.querySelector("input[name=q]");
    const list = form.querySelector(".search-results");
    const status = form.querySelector(".search-live-status");
    let generation = 0;
    const links = () => [...list.querySelectorAll("a.result-title")];
    function close() { list.hidden = true; }
    input.addEventListener("input", async () => {
      const mine = ++generation;
      const query = input.value.trim();
      if (!query) { close(); status.textContent = ""; return; }
      const found = await search(query, 8);
      if (mine !== generation) return;
      render(list, found);
      if (!found.results.length) {
        const none = document.createElement("li");
        none.className = "result none";
        none.textContent = found.words.length
          ? "No papers match “" + query + "”."
          : "Nothing to search for in “" + query + "” yet: keep typing."; // "the", "(("
        list.append(none);
      }
      status.textContent = found.count ? counted(found.count) + " found; press the down arrow to browse them" : "No papers found";
      list.dataset.query = query; // which query these results answer (tests wait for it)
      list.hidden = false;
    });
    form.addEventListener("keydown", (event) => {
      const items = links();
      const at = items.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && items.length) {
        event.preventDefault();
        items[Math.min(at + 1, items.length - 1)].focus();
      } else if (event.key === "ArrowUp" && at >= 0) {
        event.preventDefault();
        (at === 0 ? input : items[at - 1]).focus();
      } else if (event.key === "Escape") {
        close();
        input.focus();
      }
    });
    input.addEventListener("focus", () => { ready().catch(() => {}); if (input.value.trim() && list.children.length) list.hidden = false; });
    document.addEventListener("click", (event) => { if (!form.contains(event.target)) close(); });
  }

  // "1 paper", "2,603 papers": as the pages count (survey/model.py's counted, a template filter)
  function counted(count) {
    return count.toLocaleString("en") + (count === 1 ? " paper" : " papers");
  }

  async function setUpPage(page) {
    const params = new URLSearchParams(window.location.search);
    const query = params.get("q") || "";
    const input = document.querySelector("#site-search");
    if (input && query) input.value = query;
    const status = page.querySelector(".search-status");
    const list = page.querySelector(".search-page-results");
    const more = page.querySelector(".search-more");
    if (!query.trim()) { status.textContent = "Type words from a title, an author, a venue, a year, a tag, a topic or a summary."; return; }
    let limit = 30;
    async function show() {
      const found = await search(query, limit);
      if (!found.words.length) { // punctuation, or only words too common to search for ("the")
        status.textContent = "Nothing to search for in “" + query + "”: type words from a title, an author, a venue, a year, a tag, a topic or a summary.";
      } else {
        status.textContent = found.count
          ? counted(found.count) + " for “" + query + "”" +
            (found.partial ? " (no paper matches every word; showing papers that match some)" : "")
          : "No papers match “" + query + "”.";
      }
      render(list, found);
      more.hidden = found.count <= limit;
    }
    more.addEventListener("click", () => { limit += 30; show(); });
    await show();
  }

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      const input = document.querySelector("#site-search");
      if (input) { event.preventDefault(); input.focus(); }
    }
  });
  for (const form of document.querySelectorAll("form.site-search")) setUpBox(form);
  const page = document.querySelector(".search-page");
  if (page) setUpPage(page);
  SurveySearch.query = search; // for tests and the console
})();
