// The search page: Pagefind over the index shards, in the site's language. The query and filters live in
// the URL (?q=…&tinh=…, ?q=…&province=…: the select's names). What a query costs a reader on mobile data is decided here (docs/search.md):
// the newest shards first, older ones when the reader asks; loose matches within a byte budget.

const root = document.querySelector("[data-search]");
const form = root.querySelector("form");
const input = form.elements.q;
const status = root.querySelector(".search-status");
const scopeLine = root.querySelector(".search-scope");
const olderButton = root.querySelector(".search-older");
const list = root.querySelector(".search-results");
const more = root.querySelector(".search-more");
const wordsButton = root.querySelector(".search-words");
const sortSelect = form.querySelector("select[data-sort]"); // its options' data-order: "", "newest", "all-years"
const documentsButton = root.querySelector(".search-documents");
const strings = JSON.parse(root.dataset.strings);
const base = root.dataset.base;
// newest first: { name, count, first, last, lacks }; a page of an earlier bantin lists names only
const shards = JSON.parse(root.dataset.shards).map((shard) => (typeof shard === "string" ? { name: shard } : shard));
const FIRST = Number(root.dataset.first) || 3000;
const LOOSE_BYTES = (Number(root.dataset.looseKb) || 200) * 1024;
const PAGE = 10;
const lang = document.documentElement.lang || "vi";
const plurals = new Intl.PluralRules(lang);
// A sentence with a count: its *_one form where the language says "one" for the count (English: 1)
const counted = (key, count) => (plurals.select(count) === "one" && strings[`${key}_one`]) || strings[key];
const stamp = String(Date.now()); // one page view fetches each shard's entry file once

// Vietnamese without diacritics, as the build folds the hidden copy of words with đ.
function fold(text) {
  return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

const hasDiacritics = (text) => fold(text) !== text.toLowerCase();

// Pagefind instances, one per set of shards and way of treating accents, each with the newest shard
// as its primary index (the WebAssembly and that shard's files download once) and each shard's name
// as a filter (mergeFilter), so a search keeps to the shards it means. This page speaks to Pagefind's
// worker in the messages pagefind.js would send (Pagefind 1.5.2), so pagefind.js need not load.
let worker = null;
let pagefindModule = null;
let message = 0;
const replies = new Map();
function ask(instanceId, method, args) {
  if (!worker) {
    worker = new Worker(`${base}pagefind/${shards[0].name}/pagefind-worker.js`);
    worker.addEventListener("message", (event) => {
      const { id, result, error } = event.data;
      const reply = replies.get(id);
      replies.delete(id);
      if (reply) (error ? reply.reject(new Error(error)) : reply.resolve(result));
    });
    worker.addEventListener("error", () => {
      for (const reply of replies.values()) reply.reject(new Error("Pagefind's worker failed"));
      replies.clear();
    });
  }
  return new Promise((resolve, reject) => {
    const id = `m${message++}`;
    replies.set(id, { resolve, reject });
    worker.postMessage({ id, instanceId, method, args });
  });
}

async function workerInstance(instanceId, basePath, options) {
  await ask(instanceId, "init", [{ ...options, basePath, language: lang, primary: true }]);
  return {
    options: (more) => ask(instanceId, "options", [more]),
    mergeIndex: (path, more) => ask(instanceId, "mergeIndex", [path, more]),
    search: async (term, more) => {
      const found = await ask(instanceId, "search", [term, more]);
      for (const result of found?.results ?? []) {
        const dataId = result.data;
        result.data = () => ask(instanceId, "getData", [dataId]);
      }
      return found;
    },
  };
}

const instances = new Map();
const loadedShards = new Set();
function instance(names, exact) {
  const key = `${exact} ${names.join(" ")}`;
  if (!instances.has(key)) {
    instances.set(key, (async () => {
      if (!shards.length) return null;
      const primary = shards[0].name;
      const basePath = `${base}pagefind/${primary}/`;
      const options = { baseUrl: base, exactDiacritics: exact, metaCacheTag: stamp };
      const first = { ...options, mergeFilter: { shard: primary } };
      let pf;
      if (typeof Worker !== "undefined") pf = await workerInstance(`i${instances.size}`, basePath, first);
      else pf = (await (pagefindModule ??= import(`${basePath}pagefind.js`))).createInstance(first);
      await pf.options(options);
      // Pagefind's own ranking weights; precision comes from the tiers below
      await Promise.all(names.filter((name) => name !== primary).map((name) =>
        pf.mergeIndex(`${base}pagefind/${name}/`, { ...options, mergeFilter: { shard: name } })));
      for (const name of [primary, ...names]) loadedShards.add(name);
      return pf;
    })());
  }
  return instances.get(key);
}

// --- which shards a query searches ---------------------------------------------------------
// The shards that can hold matches for the filters (a year's shards for a year; not those whose
// articles lack the province, topic or section), newest first, cut into tiers of about FIRST articles.
function candidates(filters) {
  const year = Number(filters.year?.[0]) || 0;
  return shards.filter((shard) => {
    if (year && shard.first && (Number(shard.first.slice(0, 4)) > year || Number(shard.last.slice(0, 4)) < year)) {
      return false;
    }
    return !Object.entries(filters).some(([key, [value]]) => shard.lacks?.[key]?.includes(value));
  });
}

function tiers(found) {
  const cut = [];
  let tier = [];
  let count = 0;
  for (const shard of found) {
    if (tier.length && count + (shard.count ?? 0) > FIRST * 1.25) {
      cut.push(tier);
      tier = [];
      count = 0;
    }
    tier.push(shard);
    count += shard.count ?? 0;
  }
  if (tier.length) cut.push(tier);
  return cut;
}

const articlesIn = (scope) => scope.reduce((sum, shard) => sum + (shard.count ?? 0), 0);
const oldest = (scope) => scope.map((shard) => shard.first).filter(Boolean).sort()[0] ?? "";
const newest = (scope) => scope.map((shard) => shard.last).filter(Boolean).sort().at(-1) ?? "";
// dates as the pages print them: Vietnamese 06/2023 and 02/06/2023; other languages, the browser's words
const vietnamese = lang.split("-")[0] === "vi";
const asDate = (iso, options) => new Date(`${iso.slice(0, 10)}T12:00:00Z`).toLocaleDateString(lang, { timeZone: "UTC", ...options });
const monthYear = (iso) => (!iso ? "" : vietnamese ? `${iso.slice(5, 7)}/${iso.slice(0, 4)}`
  : asDate(iso, { month: "short", year: "numeric" }));
const day = (iso) => (!iso ? "" : vietnamese ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`
  : asDate(iso, { day: "numeric", month: "long", year: "numeric" }));
const range = (scope) => `${monthYear(oldest(scope))}–${monthYear(newest(scope))}`;
const number = (count) => count.toLocaleString(lang === "vi" ? "vi-VN" : lang);

// --- what a search would cost: estimates measured on the benchmark corpus (docs/search.md), as
// the worker's fetches are out of this page's sight. A syllable's chunk grows with its shard.
const META_PER_ARTICLE = 14;
const CHUNK = 7 * 1024;
const syllableChunk = (shard) => CHUNK * Math.min(12, 2 + (shard.count ?? 0) / 100);

// The bytes of searching these shards for so many words (pairs, or, with `syllables`, words apart).
function cost(scope, words, syllables = false) {
  const fresh = scope.filter((shard) => !loadedShards.has(shard.name));
  const chunks = scope.reduce((sum, shard) => sum + (syllables ? syllableChunk(shard) : CHUNK), 0);
  return articlesIn(fresh) * META_PER_ARTICLE + Math.max(1, words) * chunks;
}

// The documents of these articles' shards (bantin/search/documents.py), in parts "tl-2024", "tl-2024-2": searched,
// and their code fetched (js/search-documents.js), when the reader asks: an article search costs what it did.
const documentShards = (scope) => scope.filter((s) => s.documents && !session.documentsDone.has(s.name))
  .flatMap((s) => Array.from({ length: s.parts ?? 1 },
    (_, i) => ({ name: `tl-${s.name}${i ? `-${i + 1}` : ""}`, of: s.name, count: s.documents / (s.parts ?? 1) })));
let documentsModule;

function size(bytes) {
  if (bytes < 1024 * 1024) return `${number(Math.max(1, Math.round(bytes / 1024)))} KB`;
  return `${(bytes / 1024 / 1024).toLocaleString(lang === "vi" ? "vi-VN" : lang, { maximumFractionDigits: 1 })} MB`;
}

function say(template, values = {}) {
  return template.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");
}

function selectedFilters() {
  const filters = {};
  for (const select of form.querySelectorAll("select[data-filter-key]")) {
    const option = select.selectedOptions[0];
    if (option && option.dataset.filter) filters[select.dataset.filterKey] = [option.dataset.filter];
  }
  return filters;
}

// URL <-> form
function readUrl() {
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") ?? "";
  for (const select of form.querySelectorAll("select")) {
    const value = params.get(select.name) ?? "";
    select.value = [...select.options].some((o) => o.value === value) ? value : "";
  }
}

function writeUrl(push) {
  const params = new URLSearchParams();
  if (input.value.trim()) params.set("q", input.value.trim());
  for (const select of form.querySelectorAll("select")) if (select.value) params.set(select.name, select.value);
  const query = params.toString();
  const url = location.pathname + (query ? `?${query}` : "");
  if (url !== location.pathname + location.search) history[push ? "pushState" : "replaceState"](null, "", url);
}

// An excerpt of the page's text (the build cuts the hidden words from it) with the query's words marked.
function excerpt(data, query) {
  const shown = data.content.split(/\s+/);
  const wanted = fold(query).replace(/"/g, "").split(/\s+/).filter(Boolean);
  const strip = (w) => fold(w).replace(/[^\p{L}\p{N}]/gu, "");
  const matches = (w) => wanted.some((q) => strip(w) === q || strip(w).startsWith(q) && q === wanted.at(-1));
  // where the words stand together, in the query's order, or else where the first of them is
  const together = shown.findIndex((_, i) => wanted.length > 1 && wanted.every((q, k) => strip(shown[i + k] ?? "") === q
    || k === wanted.length - 1 && strip(shown[i + k] ?? "").startsWith(q)));
  const first = together >= 0 ? together : shown.findIndex(matches);
  const start = Math.max(0, first - 10);
  const span = shown.slice(start, start + 32);
  const fragment = document.createDocumentFragment();
  if (start > 0) fragment.append("… ");
  span.forEach((word, i) => {
    if (i) fragment.append(" ");
    if (matches(word)) {
      const mark = document.createElement("mark");
      mark.textContent = word;
      fragment.append(mark);
    } else fragment.append(word);
  });
  if (start + span.length < shown.length) fragment.append(" …");
  return fragment;
}

function resultItem(data, query) {
  if (data.meta.article_url !== undefined) return documentsModule.documentItem(data, base, strings);
  const item = document.createElement("li");
  item.className = "search-result";
  if (data.meta.image) {
    const image = document.createElement("img");
    image.src = data.meta.image;
    image.alt = data.meta.image_alt || "";
    image.loading = "lazy";
    item.append(image);
  }
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title;
  heading.append(link);
  const meta = document.createElement("p");
  meta.className = "meta";
  meta.textContent = [data.meta.date, data.meta.province].filter(Boolean).join(" · ");
  const text = document.createElement("p");
  text.append(excerpt(data, query));
  item.append(heading, meta, text);
  return item;
}

// A query of several words is asked for as its pairs, as the build indexes them (bantin/search/index.py,
// hidden_words): "zz" + the two words folded + the marks of each, joined by "z" ("zzdakzlakzdwszws").
const TELEX = { "\u0301": "s", "\u0300": "f", "\u0309": "r", "\u0303": "x", "\u0323": "j", "\u0306": "w", "\u031b": "w" };
const wordsOf = (text) => text.normalize("NFC").toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
function spellings(word) {
  let plain = "";
  let marks = "";
  let tone = "";
  let letter = "";
  for (const char of word.normalize("NFD")) {
    if (/\p{M}/u.test(char)) {
      const mark = char === "\u0302" ? letter : TELEX[char] ?? "q";
      if ("sfrxj".includes(mark)) tone += mark;
      else marks += mark;
    } else {
      letter = char === "đ" ? "d" : char;
      plain += letter;
      if (char === "đ") marks += "d";
    }
  }
  return [plain, marks + tone];
}

// Each run of two or more words as its pairs: with accents, the whole tokens as a phrase; without,
// each token's folded start, which Pagefind matches as a prefix.
function pairs(text, exact) {
  const runs = [[]];
  for (const word of wordsOf(text)) {
    if (/\p{Nd}/u.test(word)) runs.push([word], []);
    else runs.at(-1).push(word);
  }
  const starts = [];
  const parts = runs.filter((run) => run.length).map((run) => {
    if (run.length === 1) return run[0];
    const words = run.map(spellings);
    const tokens = words.slice(1).map(([plain, marks], i) => {
      const [firstPlain, firstMarks] = words[i];
      starts.push(`zz${firstPlain}z${plain}z`);
      return `zz${firstPlain}z${plain}z` + (exact ? `${firstMarks}z${marks}` : "");
    });
    return exact && tokens.length > 1 ? `"${tokens.join(" ")}"` : tokens.join(" ");
  });
  return { text: parts.join(" "), starts };
}

// How a query is asked for. Unquoted: all its words as one phrase; quoted: each quoted part as
// one, the other words as words.
function plan(query) {
  const accented = hasDiacritics(query);
  const starts = [];
  const phrase = (text, exact) => {
    const made = pairs(text, exact);
    if (exact === accented) starts.push(...made.starts);
    return made.text;
  };
  const asked = (exact) => (query.includes('"')
    ? query.replace(/"([^"]*)"?/g, (_, part) => ` ${phrase(part, exact)} `).trim()
    : phrase(query, exact));
  const precise = asked(accented);
  const folded = accented ? asked(false) : precise;
  const words = wordsOf(query).map((word) => spellings(word)[0]).filter((word) => !/\p{Nd}/u.test(word));
  return { query, accented, paired: starts.length > 0, precise, folded, starts, words };
}

// The starts of the query's words, each a letter shorter, among the titles' words ("zt" + the
// word folded: bantin/search/index.py): a misspelt word still finds the title that has it right.
const titleStarts = (words) => words.map((word) => `zt${word.length > 2 ? word.slice(0, -1) : word}`);

let current = 0; // the latest search wins; older ones stop when they finish
let session = null; // the current query: what it asked for, which shards it searched, what is left to show

// One search on some shards; the results not shown before.
// Sorted by date, shard by shard, newest first: Pagefind sorts each shard's results, but merges
// shards by score. The shards searched one at a time share the instance's loaded chunks.
async function run(scope, exact, term, extra = {}) {
  const names = scope.map((shard) => shard.name);
  const pf = await instance(names, exact);
  const options = { sort: session.sort, ...extra };
  const each = options.sort ? names.map((name) => [name]) : [names];
  // the instance of these shards holds no other (its primary is among them): no need to filter by shard
  const whole = each.length === 1 && names.includes(shards[0].name);
  const found = await Promise.all(each.map((part) => pf.search(term || null,
    { ...options, filters: whole ? { ...session.filters } : { ...session.filters, shard: { any: part } } })));
  return found.flatMap((result) => (result ? result.results : []));
}

function fresh(results) {
  return results.filter((result) => !session.seen.has(result.id) && session.seen.add(result.id));
}

// The precise results in these shards: pairs, phrases, exact accents (docs/search.md).
async function precise(scope) {
  const asked = session.plan;
  // pair tokens are plain letters, exact accents marked in them: the accent-folding instance finds them
  return fresh(await (asked.paired ? run(scope, false, asked.precise) : run(scope, asked.accented, asked.query)));
}

// Loose matches: from the pairs' chunks (loaded already), then, within the byte budget, the titles'
// words and the newest shard's words; every shard's words only on request (searchWords). The
// searches run side by side; their results are taken in this order, each once.
async function loose(scope) {
  const asked = session.plan;
  let spent = 0;
  const affordable = (part, syllables) => {
    const more = cost(part, asked.words.length, syllables);
    if (spent + more > LOOSE_BYTES) return false;
    spent += more;
    return true;
  };
  const none = Promise.resolve([]);
  const [folded, eachPair, titled, worded] = await Promise.all([
    asked.accented ? run(scope, false, asked.folded) : none, // accents aside
    Promise.all(asked.starts.length > 1 ? asked.starts.map((start) => run(scope, false, start)) : []),
    asked.words.length && affordable(scope, false) ? titles(scope) : none,
    asked.words.length && affordable(scope.slice(0, 1), true) ? words(scope.slice(0, 1)) : none,
  ]);
  const hits = new Map(); // each pair on its own: the pages with most of them first
  for (const result of eachPair.flat()) {
    const hit = hits.get(result.id) ?? { result, count: 0 };
    hit.count += 1;
    hits.set(result.id, hit);
  }
  const paired = [...hits.values()].sort((a, b) => b.count - a.count || b.result.score - a.result.score)
    .map((hit) => hit.result);
  return fresh([...folded, ...paired, ...titled, ...worded]);
}

// Misspelt words: their starts among the titles' words, then all of them but one.
async function titles(scope) {
  const starts = titleStarts(session.plan.words);
  const found = await run(scope, false, starts.join(" "), { sort: undefined });
  if (found.some((result) => !session.seen.has(result.id)) || starts.length < 2) return found;
  const each = await Promise.all(starts.map((_, i) =>
    run(scope, false, starts.filter((__, k) => k !== i).join(" "), { sort: undefined })));
  return [...found, ...each.flat().sort((a, b) => b.score - a.score)];
}

// The query's words anywhere on the page, exact accents first.
async function words(scope) {
  const asked = session.plan;
  const [exact, folded] = await Promise.all([
    asked.accented ? run(scope, true, asked.query, { sort: undefined }) : [],
    run(scope, false, asked.query, { sort: undefined }),
  ]);
  return [...exact, ...folded];
}

// The next results, each shown as soon as it and those above it have arrived (a fragment each).
async function showMore(run) {
  const batch = session.pending.splice(0, PAGE);
  const items = batch.map((item) => (item.heading !== undefined ? item : item.data()));
  for (const item of items) {
    const data = await item;
    if (run !== current) return;
    if (data.heading !== undefined) {
      const heading = document.createElement("li");
      heading.className = data.kind;
      heading.textContent = data.heading;
      list.append(heading);
    } else list.append(resultItem(data, session.plan.query));
    if (!root.dataset.shown) root.dataset.shown = "1"; // for benchmarks: the first result is on screen
  }
  updateButtons();
}

// What is left to search: the next tier (paging on), every older tier (one click), every word.
function updateButtons() {
  const left = session.tiers.slice(session.next).flat();
  const next = session.tiers[session.next] ?? [];
  const wordsCount = Math.max(1, session.plan.words.length);
  more.hidden = session.pending.length === 0 && !next.length;
  more.textContent = session.pending.length || !next.length ? strings.more
    : say(strings.more_older, { range: range(next), size: size(cost(next, wordsCount)) });
  scopeLine.hidden = !left.length;
  olderButton.textContent = left.length ? say(strings.older, { range: range(left), size: size(cost(left, wordsCount)) }) : "";
  const documents = documentShards(session.searched);
  documentsButton.hidden = !session.plan.query || !documents.length;
  const held = Math.round(documents.reduce((sum, shard) => sum + shard.count, 0));
  documentsButton.textContent = say(counted("documents", held), { count: number(held),
    size: size(cost(documents, Math.max(1, session.plan.words.length))) });
  wordsButton.hidden = !session.wordsOffered;
  if (session.wordsOffered) {
    wordsButton.textContent = say(strings.words, {
      count: number(articlesIn(session.searched)), size: size(cost(session.searched, wordsCount, true)) });
  }
}

function sayStatus() {
  const shown = session.found;
  let text = say(shown ? counted("found", shown) : strings.none, { count: number(shown), query: session.plan.query });
  if (session.next < session.tiers.length) {
    const searched = articlesIn(session.searched);
    text += ` ${say(counted("scope", searched), { count: number(searched), since: day(oldest(session.searched)) })}`;
  }
  status.textContent = text;
  root.dataset.searched = oldest(session.searched); // for tests and benchmarks: how far back, how many found
  root.dataset.found = String(shown);
  updateButtons();
}

// The reader pages past the results, or asks for every older year: the next tiers' precise results,
// under a heading that says which months they come from.
async function searchOlder(count) {
  const run = current;
  const scope = session.tiers.slice(session.next, session.next + count).flat();
  if (!scope.length) return;
  root.dataset.state = "searching";
  session.next += count;
  const found = await precise(scope);
  if (run !== current) return;
  session.searched = [...session.searched, ...scope];
  session.found += found.length;
  session.pending.push({ heading: say(counted("older_heading", found.length), { count: number(found.length), range: range(scope) }),
    kind: "search-older-heading" }, ...found);
  sayStatus();
  await showMore(run);
  if (run === current) root.dataset.state = "done";
}

async function searchWords() {
  const run = current;
  root.dataset.state = "searching";
  session.wordsOffered = false;
  const found = fresh(await words(session.searched));
  if (run !== current) return;
  if (found.length) {
    session.pending.push({ heading: say(counted("loose", found.length), { count: number(found.length) }), kind: "search-loose" }, ...found);
  }
  await showMore(run);
  if (run === current) root.dataset.state = "done";
}

async function search() {
  const run = ++current;
  root.dataset.state = "searching"; // until this search's results are shown ("done")
  const query = input.value.trim().normalize("NFC");
  const filters = selectedFilters();
  const order = sortSelect.selectedOptions[0]?.dataset.order ?? "";
  list.replaceChildren();
  delete root.dataset.shown;
  more.hidden = true;
  scopeLine.hidden = true;
  wordsButton.hidden = true;
  documentsButton.hidden = true;
  if (!query && !Object.keys(filters).length) {
    status.textContent = "";
    root.dataset.state = "done";
    return;
  }
  status.textContent = strings.loading;
  const matching = candidates(filters);
  // sorted by relevance over all years, or a year asked for: every shard that can hold matches at once
  const everyYear = order === "all-years" || "year" in filters;
  const cut = everyYear ? [matching] : tiers(matching);
  const first = cut[0] ?? [];
  session = {
    plan: plan(query), filters, sort: order === "newest" ? { date: "desc" } : undefined, seen: new Set(),
    tiers: cut, next: 1, searched: first, pending: [], found: 0, wordsOffered: false, documentsDone: new Set(),
  };
  let found;
  let others = [];
  try {
    found = first.length ? await precise(first) : [];
  } catch (error) {
    found = null; // no index: the site was built with --no-search, or the bundle is missing
  }
  if (found && found.length < PAGE && first.length && query && run === current) {
    others = await loose(first).catch(() => []);
  }
  if (run !== current) return;
  if (found === null) {
    status.textContent = strings.unavailable;
    root.dataset.state = "done";
    return;
  }
  // Without diacritics a phrase can miss what its words find apart; then the loose results are the answer.
  if (!found.length && !session.plan.accented) [found, others] = [others, []];
  session.found = found.length;
  session.pending = [...found];
  if (others.length) {
    session.pending.push({ heading: say(counted("loose", others.length), { count: number(others.length) }), kind: "search-loose" },
      ...others);
  }
  session.wordsOffered = query !== "" && session.found < PAGE;
  sayStatus();
  await showMore(run);
  if (run === current) root.dataset.state = "done"; // for tests and styling: the current query's results are shown
}

let typing;
input.addEventListener("input", () => {
  clearTimeout(typing);
  root.dataset.state = "typing";
  typing = setTimeout(() => { writeUrl(false); search(); }, 200);
});
form.addEventListener("change", (event) => {
  if (event.target.tagName === "SELECT") { root.dataset.state = "typing"; writeUrl(true); search(); }
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(typing);
  root.dataset.state = "typing";
  writeUrl(true);
  search();
});
more.addEventListener("click", () => (session.pending.length ? showMore(current) : searchOlder(1)));
// Every year: ranked together (the reader asked for the best match), or, sorted by date, after these
olderButton.addEventListener("click", () => {
  if (sortSelect.selectedOptions[0]?.dataset.order === "newest") return searchOlder(session.tiers.length);
  sortSelect.value = sortSelect.querySelector('[data-order="all-years"]').value;
  root.dataset.state = "typing";
  writeUrl(true);
  return search();
});
wordsButton.addEventListener("click", () => searchWords());
documentsButton.addEventListener("click", async () => {
  documentsButton.hidden = true;
  root.dataset.state = "searching";
  documentsModule ??= await import(root.dataset.documentsScript);
  documentsModule.searchDocuments({ root, session, strings, scope: documentShards(session.searched), now: () => current,
    run, fresh, say, number, counted, sayStatus, showMore });
});
window.addEventListener("popstate", () => { readUrl(); search(); });

// Pagefind's script and the newest shards' metadata load as soon as the box has focus, while the
// reader types (the accent-exact instance is made when a query needs it)
input.addEventListener("focus", () => {
  const first = tiers(shards)[0];
  // an empty search fetches nothing: it waits for the shards to be ready and warms Pagefind's word
  // splitting (the browser's Intl.Segmenter), which the first real search would otherwise wait for
  if (first) instance(first.map((shard) => shard.name), false).then((pf) => pf?.search("", {})).catch(() => {});
}, { once: true });

readUrl();
if (input.value || location.search) search();
if (!input.value) input.focus();
