// bantin's search index in a worker: fetches the files a query needs (format: bantin/search/postings.py), matches,
// filters and ranks for search.js. A shard's files are fetched once a page view (versioned URLs), kept decoded.

const CRC = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
const utf8 = new TextEncoder();
const decoder = new TextDecoder();

// CRC-32 of a folded core's UTF-8 (zlib.crc32)
function crc32(text) {
  let c = 0xffffffff;
  for (const byte of utf8.encode(text)) c = CRC[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

let base = "/";
const files = new Map(); // URL -> promise of the decoded file

async function bytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  const data = new Uint8Array(await response.arrayBuffer());
  if (data[0] !== 0x1f || data[1] !== 0x8b) return data; // a host decompressed it
  // written to the inflater: 4 times faster than a Blob's stream
  const inflater = new DecompressionStream("gzip");
  const writer = inflater.writable.getWriter();
  Promise.all([writer.write(data), writer.close()]).catch(() => {}); // a broken file fails the read below
  return new Uint8Array(await new Response(inflater.readable).arrayBuffer());
}

function fetched(shard, path, decode) {
  const url = `${base}search-index/${shard.name}/${path}?v=${shard.v}`;
  if (!files.has(url)) {
    const promise = (decode ? bytes(url).then(decode) : fetch(url).then((response) => {
      if (!response.ok) throw new Error(`${url}: ${response.status}`);
      return response.json();
    }));
    promise.catch(() => files.delete(url)); // a failed fetch is tried again by the next search
    files.set(url, promise);
  }
  return files.get(url);
}

class Reader {
  constructor(data) {
    this.data = data;
    this.at = 0;
    if (data[this.at++] !== 1) throw new Error("a search index file of another version");
  }

  varint() {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = this.data[this.at++];
      if (byte === undefined) throw new Error("truncated search index file");
      value += (byte & 127) * 2 ** shift;
      if (byte < 128) return value;
      shift += 7;
    }
  }

  text(size) {
    const text = decoder.decode(this.data.subarray(this.at, this.at + size));
    this.at += size;
    return text;
  }
}

// A word bucket: its entries (hash, marks, articles, where their numbers and weights are) by hash
function wordBucket(data) {
  const reader = new Reader(data);
  const entries = [];
  for (let n = reader.varint(); n > 0; n--) {
    const view = reader.data;
    const at = reader.at;
    const hash = (view[at] | view[at + 1] << 8 | view[at + 2] << 16 | view[at + 3] << 24) >>> 0;
    reader.at += 4;
    const marks = reader.text(reader.varint());
    entries.push({ hash, marks, count: reader.varint(), size: reader.varint() });
  }
  for (const entry of entries) {
    entry.at = reader.at;
    reader.at += entry.size + entry.count;
  }
  if (reader.at > data.length) throw new Error("truncated search index file");
  return { data, entries };
}

function titleBucket(data) {
  const reader = new Reader(data);
  const entries = [];
  for (let n = reader.varint(); n > 0; n--) {
    entries.push({ word: reader.text(reader.varint()), count: reader.varint(), size: reader.varint() });
  }
  for (const entry of entries) {
    entry.at = reader.at;
    reader.at += entry.size;
  }
  if (reader.at > data.length) throw new Error("truncated search index file");
  return { data, entries };
}

function docs(data) {
  const reader = new Reader(data);
  const count = reader.varint();
  const lengths = new Float64Array(count);
  let sum = 0;
  for (let n = 0; n < count; n++) {
    lengths[n] = 2 ** (data[reader.at + n] / 4) - 1; // postings.py: length_class
    sum += lengths[n];
  }
  return { count, lengths, average: sum / Math.max(1, count) };
}

// an entry's article numbers (gaps) and, for a word, their weights
function numbers(bucket, entry) {
  const reader = { data: bucket.data, at: entry.at };
  const found = new Uint32Array(entry.count);
  let at = 0;
  for (let n = 0; n < entry.count; n++) {
    at += Reader.prototype.varint.call(reader);
    found[n] = at;
  }
  return { numbers: found, weights: bucket.data.subarray(reader.at, reader.at + (entry.hash === undefined ? 0 : entry.count)) };
}

// a result's fragment (JSON)
const fragment = (shard, n) => fetched(shard, `f/${n}.bin`, (data) => JSON.parse(decoder.decode(data)));

// --- ranking: BM25 over weight classes ---------------------------------------------------------
const COUNTS = [0, 1, 2, 3.5, 6, 9.5, 16, 25]; // a count a class (postings.py: 1, 2, 3-4, 5-7, 8-12, 13-20, 21+)
const TITLE = 5; // a title's word counts this many more mentions
const ACROSS = 0.3; // a pair only across punctuation ("khoa học, công nghệ") counts this much
const K1 = 1.2;
const B = 0.75;

function termScores(shardDocs, postings, total) {
  const scores = new Map();
  const idf = Math.log(1 + (shardDocs.count - total + 0.5) / (total + 0.5));
  for (const { numbers: found, weights } of postings) {
    for (let n = 0; n < found.length; n++) {
      if (found[n] >= shardDocs.count) continue; // a file of another build (a browser's cache)
      const weight = weights[n];
      const count = COUNTS[weight & 7] + (weight & 8 ? TITLE : 0);
      const norm = 1 - B + B * shardDocs.lengths[found[n]] / shardDocs.average;
      const score = idf * count * (K1 + 1) / (count + K1 * norm) * (weight & 16 ? ACROSS : 1);
      scores.set(found[n], Math.max(scores.get(found[n]) ?? 0, score));
    }
  }
  return scores;
}

// --- filters --------------------------------------------------------------------------------------
async function allowed(shard, filters) {
  const kinds = Object.keys(filters);
  if (!kinds.length) return null;
  const lists = await Promise.all(kinds.map((kind) => fetched(shard, kind === "tag" ? "tags.json" : "filters.json")
    .then((all) => all[kind]?.[filters[kind][0]] ?? [])));
  let keep = null;
  for (const gaps of lists) {
    const here = new Set();
    let at = 0;
    for (const gap of gaps) here.add(at += gap);
    keep = keep ? new Set([...keep].filter((n) => here.has(n))) : here;
  }
  return keep;
}

// --- one search over one shard --------------------------------------------------------------------
async function searchShard(shard, request) {
  const [shardDocs, keep] = await Promise.all([fetched(shard, "docs.bin", docs), allowed(shard, request.filters)]);
  let found = []; // a map article -> score for each term (or start) asked
  if (request.starts?.length) {
    found = await Promise.all(request.starts.map(async (start) => {
      const bucket = await fetched(shard, `t/${crc32(start.slice(0, 2)) & (shard.t - 1)}.bin`, titleBucket);
      const here = new Map();
      for (const entry of bucket.entries) {
        if (!entry.word.startsWith(start)) continue;
        for (const n of numbers(bucket, entry).numbers) here.set(n, Math.max(here.get(n) ?? 0, start.length / entry.word.length));
      }
      return here;
    }));
  } else if (request.terms?.length) {
    found = await Promise.all(request.terms.map(async ([core, marks]) => {
      const hash = crc32(core);
      const bucket = await fetched(shard, `b/${hash & (shard.b - 1)}.bin`, wordBucket);
      const postings = [];
      let total = 0;
      for (const entry of bucket.entries) {
        if (entry.hash === hash && (!request.exact || entry.marks === marks)) {
          postings.push(numbers(bucket, entry));
          total += entry.count;
        }
      }
      return termScores(shardDocs, postings, total);
    }));
  }
  let scores = null; // article -> score; null: every article (nothing asked but filters)
  let hits = null; // with `any`: article -> how many of the terms it has
  if (request.any) {
    hits = new Map();
    scores = new Map();
    for (const term of found) {
      for (const [n, score] of term) {
        hits.set(n, (hits.get(n) ?? 0) + 1);
        scores.set(n, (scores.get(n) ?? 0) + score);
      }
    }
  } else {
    for (const term of found) scores = intersect(scores, term);
  }
  const results = [];
  if (scores === null) {
    for (let n = shardDocs.count - 1; n >= 0; n--) if (!keep || keep.has(n)) results.push({ n, score: 0 });
  } else {
    for (const [n, score] of scores) if (!keep || keep.has(n)) results.push({ n, score, hits: hits?.get(n) ?? 0 });
  }
  return results;
}

function intersect(scores, more) {
  if (scores === null) return more;
  const both = new Map();
  for (const [n, score] of more) if (scores.has(n)) both.set(n, scores.get(n) + score);
  return both;
}

// Every shard of the request, newest first; ranked by score (terms found first, with `any`), or by date. The
// answer is typed arrays (transferred): shard (its index in the request), number, score, hits.
async function search(request, id) {
  base = request.base;
  if (request.warm) { // what the first search will need whatever its words: the shards' article lists
    await Promise.all(request.shards.map((shard) => fetched(shard, "docs.bin", docs)));
    return { count: 0 };
  }
  const found = (await Promise.all(request.shards.map((shard, index) =>
    searchShard(shard, request).then((results) => results.map((result) => ({ ...result, index })))))).flat();
  if (request.sort === "date") {
    found.sort((a, b) => a.index - b.index || b.n - a.n);
  } else {
    found.sort((a, b) => (b.hits ?? 0) - (a.hits ?? 0) || b.score - a.score || a.index - b.index || b.n - a.n);
  }
  // the results search.js shows first: their fragments fetched now, each sent as it comes
  for (const { index, n } of found.slice(0, request.show ?? 0)) {
    const shard = request.shards[index];
    const named = { name: shard.name, v: shard.v };
    fragment(shard, n).then((data) => postMessage({ id, fragment: { shard: named, n, data } }),
      (error) => postMessage({ id, fragment: { shard: named, n, error: String(error?.message ?? error) } }));
  }
  const answer = { count: found.length, shard: new Uint16Array(found.length), n: new Uint32Array(found.length),
    score: new Float64Array(found.length), hits: new Uint16Array(found.length) };
  found.forEach((result, k) => {
    answer.shard[k] = result.index;
    answer.n[k] = result.n;
    answer.score[k] = result.score;
    answer.hits[k] = result.hits ?? 0;
  });
  return answer;
}

addEventListener("message", async (event) => {
  const { id, method, args } = event.data;
  try {
    if (method === "fragment") { // a result's fragment, asked by search.js
      base = args.base;
      postMessage({ id, result: await fragment(args.shard, args.n) });
      return;
    }
    if (method !== "search") throw new Error(`unknown method ${method}`);
    const result = await search(args, id);
    postMessage({ id, result }, result.count ? [result.shard.buffer, result.n.buffer, result.score.buffer,
      result.hits.buffer] : []);
  } catch (error) {
    postMessage({ id, error: String(error?.message ?? error) });
  }
});
