// [search] engine = "pagefind": search.js's searches asked of Pagefind (pagefind-bin 1.5.2) over the shards
// Pagefind indexed, with the tokens bantin/search/index.py hides in each page's index copy. Loaded by
// search.js only for that engine; the same interface as its own engine (docs/search.md).

// Pagefind instances, one per set of shards and way of treating accents, each with the newest shard
// as its primary index (the WebAssembly and that shard's files download once) and each shard's name
// as a filter (mergeFilter), so a search keeps to the shards it means. This page speaks to Pagefind's
// worker in the messages pagefind.js would send (Pagefind 1.5.2), so pagefind.js need not load.
export function createEngine({ base, lang, shards }) {
  const stamp = String(Date.now()); // one page view fetches each shard's entry file once
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
        // Pagefind's own ranking weights; precision comes from the tiers of search.js
        await Promise.all(names.filter((name) => name !== primary).map((name) =>
          pf.mergeIndex(`${base}pagefind/${name}/`, { ...options, mergeFilter: { shard: name } })));
        for (const name of [primary, ...names]) loadedShards.add(name);
        return pf;
      })());
    }
    return instances.get(key);
  }

  // One search on some shards. Sorted by date, shard by shard, newest first: Pagefind sorts each
  // shard's results, but merges shards by score. The shards searched one at a time share the
  // instance's loaded chunks.
  async function run(scope, exact, term, asked, extra = {}) {
    const names = scope.map((shard) => shard.name);
    const pf = await instance(names, exact);
    const options = { sort: asked.sort === "date" ? { date: "desc" } : undefined, ...extra };
    const each = options.sort ? names.map((name) => [name]) : [names];
    // the instance of these shards holds no other (its primary is among them): no need to filter by shard
    const whole = each.length === 1 && names.includes(shards[0].name);
    const found = await Promise.all(each.map((part) => pf.search(term || null,
      { ...options, filters: whole ? { ...asked.filters } : { ...asked.filters, shard: { any: part } } })));
    return found.flatMap((result) => (result ? result.results : []));
  }

  // The pair tokens bantin/search/index.py hides in each page ("zz" + the two words folded + the marks
  // of each, joined by "z": "zzdakzlakzdwszws"): with accents, the whole tokens as a phrase; without,
  // each token's folded start, which Pagefind matches as a prefix.
  const pairToken = ([plainA, marksA], [plainB, marksB], exact) =>
    `zz${plainA}z${plainB}z` + (exact ? `${marksA}z${marksB}` : "");
  function terms(runs, exact) {
    return runs.map((run) => {
      if (run.words.length === 1) return run.typed[0]; // a word as typed (the instance folds it, or not)
      const tokens = run.words.slice(1).map((word, i) => pairToken(run.words[i], word, exact));
      return exact && tokens.length > 1 ? `"${tokens.join(" ")}"` : tokens.join(" ");
    }).join(" ");
  }
  const pairs = (runs) => runs.flatMap((run) => run.words.slice(1).map((word, i) => pairToken(run.words[i], word, false)));

  // what a search would cost, estimated from figures measured on the benchmark corpus (docs/search.md):
  // Pagefind fetches in its worker, out of this page's sight; a syllable's chunk grows with its shard
  const META_PER_ARTICLE = 14;
  const CHUNK = 7 * 1024;
  const syllableChunk = (shard) => CHUNK * Math.min(12, 2 + (shard.count ?? 0) / 100);

  return {
    warm(scope) {
      // an empty search fetches nothing: it waits for the shards to be ready and warms Pagefind's word
      // splitting (the browser's Intl.Segmenter), which the first real search would otherwise wait for
      return instance(scope.map((shard) => shard.name), false).then((pf) => pf?.search("", {}));
    },
    // pair tokens are plain letters, exact accents marked in them: the accent-folding instance finds them
    precise: (scope, asked) => (asked.paired ? run(scope, false, terms(asked.runs, asked.accented), asked)
      : run(scope, asked.accented, asked.query, asked)),
    folded: (scope, asked) => run(scope, false, terms(asked.runs, false), asked),
    async eachPair(scope, asked) {
      const found = await Promise.all(pairs(asked.runs).map((start) => run(scope, false, start, asked)));
      const hits = new Map();
      for (const result of found.flat()) {
        const hit = hits.get(result.id) ?? { ...result, hits: 0 };
        hit.hits += 1;
        hits.set(result.id, hit);
      }
      return [...hits.values()];
    },
    titles: (scope, asked, starts) => run(scope, false, starts.map((start) => `zt${start}`).join(" "), asked,
      { sort: undefined }),
    words: (scope, asked, exact) => run(scope, exact, asked.query, asked, { sort: undefined }),
    cost(scope, words, syllables = false) {
      const fresh = scope.filter((shard) => !loadedShards.has(shard.name));
      const chunks = scope.reduce((sum, shard) => sum + (syllables ? syllableChunk(shard) : CHUNK), 0);
      return fresh.reduce((sum, shard) => sum + (shard.count ?? 0), 0) * META_PER_ARTICLE + Math.max(1, words) * chunks;
    },
  };
}
