// The search page, bantin's index (search-worker.js) or Pagefind's; the query and filters in the URL. What a
// query costs on mobile data is decided here (docs/search.md): newest shards first, loose matches in a budget.

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
// A sentence with a count: its *_one form where the language says "one" (English: 1)
const counted = (key, count) => (plurals.select(count) === "one" && strings[`${key}_one`]) || strings[key];

// Vietnamese without diacritics, as the build folds words (bantin/search/words.py).
function fold(text) {
  return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

const hasDiacritics = (text) => fold(text) !== text.toLowerCase();

// --- the engine: bantin's index (search-worker.js), or Pagefind ([search] engine = "pagefind") -----
// Both answer the same searches (docs/search.md): results { id, score, hits, data() }, data() giving
// { url, meta, content } as a Pagefind fragment does.
let engineMade = null;
function engine() {
  engineMade ??= root.dataset.engine === "pagefind"
    ? import(root.dataset.pagefindEngine).then((module) => module.createEngine({ base, lang, shards }))
    : Promise.resolve(bantinEngine());
  return engineMade;
}

function bantinEngine() {
  let worker = null;
  let message = 0;
  const replies = new Map();
  const loaded = new Set(); // shards whose article list (docs.bin) this page has: for the estimates below
  const fragments = new Map(); // URL -> promise of a result's fragment
  const sent = new Map(); // URL -> resolve/reject of a fragment the worker is fetching
  const fragmentUrl = (shard, n) => `${base}search-index/${shard.name}/f/${n}.bin?v=${shard.v}`;
  function ask(args, method = "search") {
    if (!worker) {
      worker = new Worker(root.dataset.worker);
      worker.addEventListener("message", (event) => {
        const { id, result, error, fragment } = event.data;
        if (fragment) { // one of the first results' fragments, fetched by the worker as soon as it had ranked them
          const url = fragmentUrl(fragment.shard, fragment.n);
          expect(url);
          const waiting = sent.get(url);
          sent.delete(url);
          if (waiting) (fragment.error ? waiting.reject(new Error(fragment.error)) : waiting.resolve(fragment.data));
          return;
        }
        const reply = replies.get(id);
        replies.delete(id);
        if (reply) (error ? reply.reject(new Error(error)) : reply.resolve(result));
      });
      worker.addEventListener("error", () => {
        for (const reply of replies.values()) reply.reject(new Error("the search worker failed"));
        replies.clear();
        for (const waiting of sent.values()) waiting.reject(new Error("the search worker failed"));
        sent.clear();
      });
    }
    return new Promise((resolve, reject) => {
      const id = message++;
      replies.set(id, { resolve, reject });
      worker.postMessage({ id, method, args });
    });
  }
  // a fragment the worker fetches, settled by its message
  function expect(url) {
    if (fragments.has(url)) return;
    const promise = new Promise((resolve, reject) => sent.set(url, { resolve, reject }));
    promise.catch(() => {}); // a failure is told when the result is shown (showMore), not as an uncaught error
    fragments.set(url, promise);
  }
  const local = (path) => (path?.startsWith("/") ? base + path.slice(1) : path);
  function fragment(shard, n) {
    const url = fragmentUrl(shard, n);
    if (!fragments.has(url)) fragments.set(url, ask({ base, shard: { name: shard.name, v: shard.v }, n }, "fragment"));
    return fragments.get(url).then((data) => ({ ...data, url: local(data.url),
      meta: { ...data.meta, image: local(data.meta.image) } }));
  }
  const facts = ({ name, v, b, t }) => ({ name, v, b, t });
  async function run(scope, asked, more) {
    const found = await ask({ base, shards: scope.map(facts), filters: asked.filters, sort: asked.sort, ...more });
    for (const shard of scope) loaded.add(shard.name);
    for (let k = 0; k < Math.min(found.count, more.show ?? 0); k++) expect(fragmentUrl(scope[found.shard[k]], found.n[k]));
    const results = new Array(found.count); // thousands for a common word: no closures, a number for an id
    for (let k = 0; k < found.count; k++) {
      const shard = scope[found.shard[k]];
      const n = found.n[k];
      results[k] = { id: place.get(shard.name) * 2 ** 32 + n, score: found.score[k], hits: found.hits[k], shard, n, data };
    }
    return results;
  }
  const place = new Map(shards.map((shard, i) => [shard.name, i]));
  function data() {
    return fragment(this.shard, this.n);
  }
  // a run of words is asked for as its pairs (the two words' folded cores and marks), a word alone as itself
  const joined = (a, b) => [`${a[0]} ${b[0]}`, `${a[1]} ${b[1]}`];
  const pairsOf = (run) => run.words.slice(1).map((word, i) => joined(run.words[i], word));
  const terms = (runs) => runs.flatMap((run) => (run.words.length === 1 ? run.words : pairsOf(run)));
  // a search's cost, from the benchmark corpus (docs/search.md): an article's bytes (gzipped) in the word and
  // title buckets, and half a byte in docs.bin
  const ENTRY_BYTES = 600;
  const TITLE_BYTES = 13;
  return {
    warm: (scope) => ask({ base, shards: scope.map(facts), warm: true })
      .then(() => { for (const shard of scope) loaded.add(shard.name); }),
    // the precise results: the worker fetches the first page's fragments at once
    precise: (scope, asked) => run(scope, asked, { terms: terms(asked.runs), exact: asked.accented, show: PAGE }),
    folded: (scope, asked) => run(scope, asked, { terms: terms(asked.runs), exact: false }),
    eachPair: (scope, asked) => run(scope, asked, { terms: asked.runs.flatMap(pairsOf), any: true }),
    // the loose tiers: pages with some of the words, most first
    titles: (scope, asked, starts) => run(scope, { ...asked, sort: undefined }, { starts, any: true }),
    words: (scope, asked, exact) => run(scope, { ...asked, sort: undefined },
      { terms: asked.runs.flatMap((run) => run.words), exact, any: true }),
    cost(scope, words, syllables = false) {
      return scope.reduce((sum, shard) => sum + (loaded.has(shard.name) ? 0 : (shard.count ?? 0) / 2)
        + Math.max(1, words) * (shard.count ?? 0) * (syllables ? ENTRY_BYTES / shard.b
          : ENTRY_BYTES / shard.b + TITLE_BYTES / shard.t), 0);
    },
  };
}

// --- which shards a query searches: those that can hold matches for the filters (a year's for a year, not
// those whose articles lack the province, topic or section), newest first, in tiers of about FIRST articles.
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
// made once (toLocaleString makes one a call)
const formats = {};
const formatter = (kind, options) => (formats[kind.name + JSON.stringify(options)] ??= new kind(lang === "vi" ? "vi-VN" : lang, options));
const asDate = (iso, options) => formatter(Intl.DateTimeFormat, { timeZone: "UTC", ...options })
  .format(new Date(`${iso.slice(0, 10)}T12:00:00Z`));
const monthYear = (iso) => (!iso ? "" : vietnamese ? `${iso.slice(5, 7)}/${iso.slice(0, 4)}`
  : asDate(iso, { month: "short", year: "numeric" }));
const day = (iso) => (!iso ? "" : vietnamese ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`
  : asDate(iso, { day: "numeric", month: "long", year: "numeric" }));
const range = (scope) => `${monthYear(oldest(scope))}–${monthYear(newest(scope))}`;
const number = (count) => formatter(Intl.NumberFormat).format(count);

// The bytes of searching these shards for so many words (pairs, or words apart), as the engine estimates them
let cost = () => 0;

// The documents of these articles' shards, in parts "tl-2024", "tl-2024-2": searched when the reader asks.
const documentPartsOf = (scope) => scope.filter((s) => s.documents).flatMap((s) => Array.from({ length: s.parts ?? 1 },
  (_, i) => ({ name: `tl-${s.name}${i ? `-${i + 1}` : ""}`, of: s.name, count: s.documents / (s.parts ?? 1) })));
const documentShards = (scope) => documentPartsOf(scope.filter((s) => !session.documentsDone.has(s.name)));
let documentsModule;
// The documents' shards are Pagefind's whatever the engine (docs/search.md): with bantin's index, a Pagefind engine
// loaded when first asked. Their cost as search-pagefind.js estimates it, and Pagefind's code (bench/search.py).
let documentsEngineMade = null;
function documentsEngine() {
  documentsEngineMade ??= root.dataset.engine === "pagefind" ? engine()
    : import(root.dataset.pagefindEngine).then((module) => module.createEngine({ base, lang, shards: documentPartsOf(shards) }));
  return documentsEngineMade;
}
const PAGEFIND_CODE = 81 * 1024;
const documentsCost = (scope, words) => scope.reduce((sum, shard) => sum + shard.count * 14 + words * 7 * 1024,
  documentsEngineMade || root.dataset.engine === "pagefind" ? 0 : PAGEFIND_CODE);

function size(bytes) {
  if (bytes < 1024 * 1024) return `${number(Math.max(1, Math.round(bytes / 1024)))} KB`;
  return `${formatter(Intl.NumberFormat, { maximumFractionDigits: 1 }).format(bytes / 1024 / 1024)} MB`;
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

// An excerpt of the page's text with the query's words marked: where they stand together, in the query's
// order, or else where the first of them is. The text is folded once, whole (folding keeps its spaces), a
// word's letters taken when compared.
function excerpt(data, query) {
  const shown = data.content.split(/\s+/);
  const folded = fold(data.content).split(/\s+/);
  const letters = new Array(folded.length);
  const plain = (i) => (i >= folded.length ? undefined
    : letters[i] ??= /^[a-z0-9]*$/.test(folded[i]) ? folded[i] : folded[i].replace(/[^\p{L}\p{N}]/gu, ""));
  const wanted = fold(query).replace(/"/g, "").split(/\s+/).filter(Boolean);
  const last = wanted.at(-1);
  const matches = (i) => wanted.some((q) => plain(i) === q || q === last && plain(i)?.startsWith(q));
  const together = wanted.length < 2 ? -1 : folded.findIndex((_, i) => wanted.every((q, k) => plain(i + k) === q
    || k === wanted.length - 1 && plain(i + k)?.startsWith(q)));
  const first = together >= 0 ? together : folded.findIndex((_, i) => matches(i));
  const start = Math.max(0, first - 10);
  const fragment = document.createDocumentFragment();
  if (start > 0) fragment.append("… ");
  const end = Math.min(shown.length, start + 32);
  for (let i = start; i < end; i++) {
    if (i > start) fragment.append(" ");
    if (matches(i)) {
      const mark = document.createElement("mark");
      mark.textContent = shown[i];
      fragment.append(mark);
    } else fragment.append(shown[i]);
  }
  if (end < shown.length) fragment.append(" …");
  return fragment;
}

function resultItem(data, query) {
  if (data.meta.article_url !== undefined) return documentsModule.documentItem(data, base, strings);
  const item = document.createElement("li");
  item.className = "search-result";
  if (data.meta.image) {
    const image = document.createElement("img");
    image.loading = "lazy"; // before src
    image.src = data.meta.image;
    image.alt = data.meta.image_alt || "";
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

// A word as the build spells it (search/words.py): folded, and its marks as Telex types them, the tone last
// ("đắk" -> ["dak", "dws"]).
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

// A longer query is searched for its first words (a pasted paragraph would fetch a file per word and shard)
const MOST_WORDS = 10;

// How a query is asked for: runs of words, a run asked for as its pairs (of neighbouring words, as the build
// indexes them), a word alone as itself. Unquoted: one run; quoted: each quoted part a run, the other words
// each a run. A word with a digit ("2024") stays a word.
function plan(query) {
  const accented = hasDiacritics(query);
  const parts = query.includes('"')
    ? [...query.matchAll(/"([^"]*)"?|([^"]+)/g)].flatMap(([, quoted, other]) => (quoted !== undefined
      ? [wordsOf(quoted)] : wordsOf(other).map((word) => [word])))
    : [wordsOf(query)];
  let left = MOST_WORDS;
  const runs = [];
  for (const part of parts) {
    let run = [];
    for (const word of part.slice(0, Math.max(0, left))) {
      if (/\p{Nd}/u.test(word)) runs.push(run, [word]), run = [];
      else run.push(word);
    }
    runs.push(run);
    left -= part.length;
  }
  const found = runs.filter((run) => run.length).map((run) => ({ typed: run, words: run.map(spellings) }));
  const words = found.flatMap((run) => run.words.map(([plain]) => plain)).filter((word) => !/\p{Nd}/u.test(word));
  const pairs = found.reduce((sum, run) => sum + run.words.length - 1, 0);
  return { query, accented, runs: found, paired: pairs > 0, pairs, words, cut: left < 0 };
}

// The starts of the query's words, a letter shorter, among the titles' words: a misspelt word finds its title.
const titleStarts = (words) => words.map((word) => (word.length > 2 ? word.slice(0, -1) : word));

let current = 0; // the latest search wins; older ones stop when they finish
let session = null; // the current query: what it asked for, which shards it searched, what is left to show

function fresh(results) {
  return results.filter((result) => !session.seen.has(result.id) && session.seen.add(result.id));
}

// What the engine is asked: the query's plan, the filters, the order.
const asked = () => ({ ...session.plan, filters: session.filters, sort: session.sort });

// The precise results in these shards: pairs, phrases, exact accents (docs/search.md).
async function precise(scope) {
  return fresh(await (await engine()).precise(scope, asked()));
}

// Loose matches: the pairs' buckets (loaded already), then, within the byte budget, the titles' words and the
// newest shard's words (every shard's: searchWords). Side by side; taken in this order, each once.
async function loose(scope) {
  const plan = session.plan;
  const searcher = await engine();
  let spent = 0;
  const affordable = (part, syllables) => {
    const more = searcher.cost(part, plan.words.length, syllables);
    if (spent + more > LOOSE_BYTES) return false;
    spent += more;
    return true;
  };
  const none = Promise.resolve([]);
  const [folded, eachPair, titled, worded] = await Promise.all([
    plan.accented ? searcher.folded(scope, asked()) : none, // accents aside
    plan.pairs > 1 ? searcher.eachPair(scope, asked()) : none, // each pair on its own: most of them first
    plan.words.length && affordable(scope, false) ? titles(scope) : none,
    plan.words.length && affordable(scope.slice(0, 1), true) ? words(scope.slice(0, 1)) : none,
  ]);
  const paired = [...eachPair].sort((a, b) => b.hits - a.hits || b.score - a.score);
  return fresh([...folded, ...paired, ...titled, ...worded]);
}

// Misspelt words: their starts among the titles' words, then all of them but one.
async function titles(scope) {
  const searcher = await engine();
  const starts = titleStarts(session.plan.words);
  const found = await searcher.titles(scope, asked(), starts);
  if (found.some((result) => !session.seen.has(result.id)) || starts.length < 2) return found;
  const each = await Promise.all(starts.map((_, i) => searcher.titles(scope, asked(), starts.filter((__, k) => k !== i))));
  return [...found, ...each.flat().sort((a, b) => b.score - a.score)];
}

// The query's words anywhere on the page, exact accents first.
async function words(scope) {
  const searcher = await engine();
  const [exact, folded] = await Promise.all([
    session.plan.accented ? searcher.words(scope, asked(), true) : [],
    searcher.words(scope, asked(), false),
  ]);
  return [...exact, ...folded];
}

// The next results, each shown once it and those above it have come; `before` (the status) with the first,
// in one frame (a phone drawing the status alone is slower).
async function showMore(run, before = () => {}) {
  const batch = session.pending.splice(0, PAGE);
  const items = batch.map((item) => (item.heading !== undefined ? item : item.data()));
  items.forEach((item) => item.catch?.(() => {})); // a failure is handled in its turn below
  await items.find((item) => item.heading === undefined)?.catch(() => {});
  if (run !== current) return;
  before();
  for (const item of items) {
    let data;
    try {
      data = await item;
    } catch (error) { // a result's file missing or unreadable on the host: the index is broken
      if (run === current) unavailable();
      return;
    }
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

// What is left: the next tier (paging on), every older tier (one click), every word.
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
    size: size(documentsCost(documents, Math.max(1, session.plan.words.length))) });
  wordsButton.hidden = !session.wordsOffered;
  if (session.wordsOffered) {
    wordsButton.textContent = say(strings.words, {
      count: number(articlesIn(session.searched)), size: size(cost(session.searched, wordsCount, true)) });
  }
}

function sayStatus() {
  const shown = session.found;
  let text = say(shown ? counted("found", shown) : strings.none, { count: number(shown), query: session.plan.query });
  if (session.plan.cut) text += ` ${say(strings.cut, { count: number(MOST_WORDS) })}`;
  if (session.next < session.tiers.length) {
    const searched = articlesIn(session.searched);
    text += ` ${say(counted("scope", searched), { count: number(searched), since: day(oldest(session.searched)) })}`;
  }
  status.textContent = text;
  root.dataset.searched = oldest(session.searched); // for tests and benchmarks: how far back, how many found
  root.dataset.found = String(shown);
  updateButtons();
}

// Paging on, or every older year: the next tiers' precise results, under their months' heading.
async function searchOlder(count) {
  const run = current;
  const scope = session.tiers.slice(session.next, session.next + count).flat();
  if (!scope.length) return;
  root.dataset.state = "searching";
  session.next += count;
  let found;
  try {
    found = await precise(scope);
  } catch (error) {
    if (run === current) unavailable();
    return;
  }
  if (run !== current) return;
  session.searched = [...session.searched, ...scope];
  session.found += found.length;
  session.pending.push({ heading: say(counted("older_heading", found.length), { count: number(found.length), range: range(scope) }),
    kind: "search-older-heading" }, ...found);
  await showMore(run, sayStatus);
  if (run === current) root.dataset.state = "done";
}

async function searchWords() {
  const run = current;
  root.dataset.state = "searching";
  session.wordsOffered = false;
  let found;
  try {
    found = fresh(await words(session.searched));
  } catch (error) {
    if (run === current) unavailable();
    return;
  }
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
  const planned = plan(query);
  if (!planned.runs.length && !Object.keys(filters).length) { // only punctuation: nothing to search for
    session = { plan: planned, tiers: [], next: 0, searched: [], pending: [], found: 0, wordsOffered: false };
    sayStatus();
    root.dataset.state = "done";
    return;
  }
  status.textContent = strings.loading;
  const matching = candidates(filters);
  // by relevance over all years, or a year asked for: every shard that can hold matches at once
  const everyYear = order === "all-years" || "year" in filters;
  const cut = everyYear ? [matching] : tiers(matching);
  const first = cut[0] ?? [];
  session = {
    plan: planned, filters, sort: order === "newest" ? "date" : undefined, seen: new Set(),
    tiers: cut, next: 1, searched: first, pending: [], found: 0, wordsOffered: false, documentsDone: new Set(),
  };
  let found;
  let others = [];
  try {
    cost = (await engine()).cost;
    found = first.length ? await precise(first) : [];
  } catch (error) {
    found = null; // no index (built with --no-search), or a file of it missing or unreadable on the host
  }
  if (found && found.length < PAGE && first.length && query && run === current) {
    others = await loose(first).catch(() => []);
  }
  if (run !== current) return;
  if (found === null) {
    unavailable();
    return;
  }
  // Without diacritics a phrase can miss what its words find apart: then the loose results answer.
  if (!found.length && !session.plan.accented) [found, others] = [others, []];
  session.found = found.length;
  session.pending = [...found];
  if (others.length) {
    session.pending.push({ heading: say(counted("loose", others.length), { count: number(others.length) }), kind: "search-loose" },
      ...others);
  }
  session.wordsOffered = query !== "" && session.found < PAGE;
  await showMore(run, sayStatus);
  if (run === current) root.dataset.state = "done"; // for tests and styling: the current query's results are shown
}

// The index cannot be read (--no-search, or a file missing or broken on the host): say so.
function unavailable() {
  status.textContent = strings.unavailable;
  more.hidden = true;
  scopeLine.hidden = true;
  wordsButton.hidden = true;
  root.dataset.state = "done";
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
  search();
  setTimeout(() => writeUrl(true)); // after: history takes a phone milliseconds
});
more.addEventListener("click", async () => {
  if (!session.pending.length) return searchOlder(1);
  const run = current;
  root.dataset.state = "searching";
  await showMore(run);
  if (run === current) root.dataset.state = "done";
});
// Every year: ranked together (the reader asked for the best match), or, by date, after these
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
  const searcher = documentsEngine();
  documentsModule.searchDocuments({ root, session, strings, scope: documentShards(session.searched), now: () => current,
    precise: async (scope) => (await searcher).precise(scope, asked()),
    loose: async (scope) => (session.plan.pairs > 1 ? (await searcher).eachPair(scope, asked()) : []),
    fresh, say, number, counted, sayStatus, showMore });
});
window.addEventListener("popstate", () => { readUrl(); search(); });

// The engine and what the newest shards' first search needs load when the box has focus, while the reader types
input.addEventListener("focus", () => {
  const first = tiers(shards)[0];
  if (first) engine().then((searcher) => searcher.warm(first)).catch(() => {});
  // and, when idle, what an answer first runs (formats, patterns: tens of ms on a phone)
  (window.requestIdleCallback ?? setTimeout)(() => [number(0), size(2 ** 21), range(shards), day(oldest(shards)),
    plan("a b"), resultItem({ url: "", meta: { title: "" }, content: "a, b" }, "a b")]);
}, { once: true });

readUrl();
if (input.value || location.search) search();
if (!input.value) input.focus();
