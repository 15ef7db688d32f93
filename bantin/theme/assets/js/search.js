// The search page: Pagefind's JavaScript API over the index shards, with a Vietnamese interface.
// The query and filters live in the URL (?q=…&tinh=…), so a search can be shared and the back
// button works. Everything here runs in the reader's browser; there is no server.

const root = document.querySelector("[data-search]");
const form = root.querySelector("form");
const input = form.elements.q;
const status = root.querySelector(".search-status");
const list = root.querySelector(".search-results");
const more = root.querySelector(".search-more");
const strings = JSON.parse(root.dataset.strings);
const base = root.dataset.base;
const shards = JSON.parse(root.dataset.shards);
const PAGE = 10;

// Vietnamese without diacritics, as the build folds the hidden copy of words with đ.
function fold(text) {
  return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

const hasDiacritics = (text) => fold(text) !== text.toLowerCase();

// Two Pagefind instances over the same shards: one folds accents, one keeps them exact.
// Pagefind sets exactDiacritics per index when it is merged, so each is an instance of its
// own; both come from one download of pagefind.js (createInstance) and share its worker.
let pagefindModule = null;
const instances = {};
function loadPagefind(exact) {
  instances[exact] ??= (async () => {
    if (!shards.length) return null;
    pagefindModule ??= import(`${base}pagefind/${shards[0]}/pagefind.js`);
    // Pagefind's own ranking weights; precision comes from the tiers below (README, "Search")
    const options = { baseUrl: base, exactDiacritics: exact };
    const pf = (await pagefindModule).createInstance(options);
    await pf.options(options);
    // the other shards load side by side (each merge registers its index at once, in this order)
    await Promise.all(shards.slice(1).map((shard) => pf.mergeIndex(`${base}pagefind/${shard}/`, options)));
    return pf;
  })();
  return instances[exact];
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

let current = 0; // the latest search wins; older ones stop when they finish
let pending = [];
let moreTier = null; // the loose results, asked for only when the precise ones run out
let looseCount = 0;
const SEPARATOR = { separator: true };

// The build indexes every two neighbouring words as one hidden token (bantin/search.py,
// hidden_words): "zz" + the two words folded + the two with their diacritics spelled in letters
// as Telex types them, joined by "z" ("zzdakzlakzddawskzlawsk" for "Đắk Lắk"). A query of
// several words is asked for as its pairs: their index entries hold only the pages where the
// words stand side by side, where the words' own entries ("hội", "thảo") hold nearly every
// page. Words are split as the build splits them; a word with a digit pairs with nothing.
const TELEX = { "\u0301": "s", "\u0300": "f", "\u0309": "r", "\u0303": "x", "\u0323": "j", "\u0306": "w", "\u031b": "w" };
const wordsOf = (text) => text.normalize("NFC").toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
function spellings(word) {
  let plain = "";
  let spelled = "";
  let base = "";
  for (const char of word.normalize("NFD")) {
    if (/\p{M}/u.test(char)) spelled += char === "\u0302" ? base : TELEX[char] ?? "q";
    else {
      base = char === "đ" ? "d" : char;
      plain += base;
      spelled += char === "đ" ? "dd" : char;
    }
  }
  return [plain, spelled];
}

// The text with each run of two or more words (no digits) as its pairs, other words as they are;
// also whether it made any pair. With accents exact: the whole tokens, as a phrase. Without:
// each token's folded start, which Pagefind matches as a prefix, so every spelling of the words
// matches (Pagefind's phrases match whole words only, so these pairs need not be neighbours).
function pairs(text, exact) {
  const runs = [[]];
  for (const word of wordsOf(text)) {
    if (/\p{Nd}/u.test(word)) runs.push([word], []);
    else runs.at(-1).push(word);
  }
  let paired = false;
  const parts = runs.filter((run) => run.length).map((run) => {
    if (run.length === 1) return run[0];
    paired = true;
    const words = run.map(spellings);
    const tokens = words.slice(1).map(([plain, spelled], i) => {
      const [firstPlain, firstSpelled] = words[i];
      return `zz${firstPlain}z${plain}z` + (exact ? `${firstSpelled}z${spelled}` : "");
    });
    return exact && tokens.length > 1 ? `"${tokens.join(" ")}"` : tokens.join(" ");
  });
  return { text: parts.join(" "), paired };
}

// Pagefind folds accents, and a page that holds some of the query's words may still match,
// so "Đà Nẵng" alone matches thousands of pages ("đa năng", "năng lực"). Results come in two
// tiers, each page once: precise (a query of several words as a phrase, each quoted part as
// one; an accented query with its diacritics exact), then the loose rest, under a heading of
// its own, fetched only when the precise results run out. README, "Search".
async function searchInTiers(query, filters, sort) {
  const accented = hasDiacritics(query);
  // unquoted: all words as one phrase; quoted: each quoted part as one, the other words as words
  let paired = false;
  const phrase = (text) => {
    const made = pairs(text, accented);
    paired ||= made.paired;
    return made.text;
  };
  const precise = query.includes('"')
    ? query.replace(/"([^"]*)"?/g, (_, part) => ` ${phrase(part)} `).trim()
    : phrase(query);
  const seen = new Set();
  const take = (found) => (found ? found.results.filter((r) => !seen.has(r.id) && seen.add(r.id)) : []);
  const run = async (exact, term) => (await loadPagefind(exact)).search(term || null, { filters, sort });
  // pair tokens are plain letters, exact accents spelled in them: the accent-folding instance finds them
  const found = take(await (paired ? run(false, precise) : run(accented, query)));
  const loose = async () => {
    // the rest: the query's words anywhere on the page, exact accents first
    const [exact, folded] = await Promise.all([
      accented && paired ? run(true, query) : null,
      accented || paired ? run(false, query) : null,
    ]);
    return [...take(exact), ...take(folded)];
  };
  // Without diacritics a phrase can miss what its words find apart; then those are the answer.
  if (!accented && !found.length) return { precise: await loose(), loose: null };
  return { precise: found, loose };
}

async function showMore(run, query) {
  if (pending.length < PAGE && moreTier) {
    const tier = moreTier;
    moreTier = null;
    const loose = await tier();
    if (run !== current) return;
    looseCount = loose.length;
    if (loose.length) pending.push(SEPARATOR, ...loose);
  }
  const batch = pending.splice(0, PAGE);
  const items = await Promise.all(batch.map((result) => (result === SEPARATOR ? result : result.data())));
  if (run !== current) return;
  for (const data of items) {
    if (data === SEPARATOR) {
      const heading = document.createElement("li");
      heading.className = "search-loose";
      heading.textContent = say(strings.loose, { count: looseCount.toLocaleString("vi-VN") });
      list.append(heading);
    } else list.append(resultItem(data, query));
  }
  more.hidden = pending.length === 0 && !moreTier;
}

async function search() {
  const run = ++current;
  root.dataset.state = "searching"; // until this search's results are shown ("done")
  const query = input.value.trim().normalize("NFC");
  const filters = selectedFilters();
  const sort = form.elements["sap-xep"].value === "moi-nhat" ? { date: "desc" } : undefined;
  list.replaceChildren();
  more.hidden = true;
  pending = [];
  moreTier = null;
  if (!query && !Object.keys(filters).length) {
    status.textContent = "";
    root.dataset.state = "done";
    return;
  }
  status.textContent = strings.loading;
  let tiers;
  try {
    tiers = await searchInTiers(query, filters, sort);
  } catch (error) {
    tiers = null; // no index: the site was built with --no-search, or the bundle is missing
  }
  if (!tiers) {
    if (run !== current) return;
    status.textContent = strings.unavailable;
    root.dataset.state = "done";
    return;
  }
  const { precise, loose } = tiers;
  if (run !== current) return;
  pending = precise;
  moreTier = loose; // after the precise results, under their own heading (showMore)
  status.textContent = say(precise.length ? strings.found : strings.none,
    { count: precise.length.toLocaleString("vi-VN"), query });
  await showMore(run, query);
  if (run === current) root.dataset.state = "done"; // for tests and styling: the current query's results are shown
}

let typing;
input.addEventListener("input", () => {
  clearTimeout(typing);
  root.dataset.state = "typing";
  typing = setTimeout(() => { writeUrl(false); search(); }, 250);
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
more.addEventListener("click", () => showMore(current, input.value.trim()));
window.addEventListener("popstate", () => { readUrl(); search(); });

// Pagefind's script, worker and metadata load as soon as the box has focus, while the reader types;
// (the accent-exact instance is made when a query needs it: one accented word, or loose results)
input.addEventListener("focus", () => loadPagefind(false).catch(() => {}), { once: true }); // a missing index is said on search

readUrl();
if (input.value || location.search) search();
if (!input.value) input.focus();
