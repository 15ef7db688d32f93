// Documents found by search (bantin/search/documents.py), shown as results: fetched by search.js when the
// reader first asks for the documents, so that a search of the articles downloads none of this.

// A document's result (bantin/search/documents.py): the document, the article it is in, and the pages that
// match, each a link to the file at that page (file.pdf#page=27).
export function documentItem(data, base, strings) {
  const item = document.createElement("li");
  item.className = "search-result search-document";
  const pages = (data.sub_results ?? []).filter((sub) => /^page=\d+$/.test(sub.anchor?.id ?? "") && sub.locations?.length);
  const paged = data.meta.format === "PDF"; // browsers open a PDF at #page=N; other files have no such address
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = paged ? pages[0]?.url ?? data.url : data.url;
  link.textContent = data.meta.title;
  heading.append(link);
  const meta = document.createElement("p");
  meta.className = "meta";
  const article = document.createElement("a");
  article.href = data.meta.article_url ? `${base}${data.meta.article_url.replace(/^\//, "")}` : data.url;
  article.textContent = data.meta.article;
  meta.append(`${data.meta.format} · ${strings.document_in} `, article);
  if (data.meta.date) meta.append(` · ${data.meta.date}`);
  item.append(heading, meta);
  if (pages.length) {
    const list = document.createElement("p");
    list.className = "search-pages";
    const unit = data.meta.unit || "trang";
    list.append(`${unit[0].toUpperCase()}${unit.slice(1)} `);
    pages.slice(0, 12).forEach((sub, i) => {
      if (i) list.append(", ");
      const page = document.createElement(paged ? "a" : "span");
      if (paged) page.href = sub.url;
      page.textContent = sub.anchor.id.slice(5);
      list.append(page);
    });
    if (pages.length > 12) list.append(" …");
    item.append(list);
  }
  return item;
}

// The documents of the articles searched: their precise matches, under a heading of their own, before the
// articles' results not shown yet. `page` is search.js's: its session, its search and how it shows results.
export async function searchDocuments(page) {
  const { root, session, strings, scope } = page;
  const search = page.now();
  root.dataset.state = "searching";
  for (const shard of scope) session.documentsDone.add(shard.of);
  const found = page.fresh(await page.precise(scope).catch(() => []));
  if (search !== page.now()) return;
  session.found += found.length;
  if (found.length) {
    session.pending.unshift({ heading: page.say(page.counted("documents_found", found.length), { count: page.number(found.length) }),
      kind: "search-documents-heading" }, ...found);
  } else {
    // none holds the words side by side: those that hold some of them (each pair of words), most first
    const some = page.fresh(await page.loose(scope).catch(() => [])).sort((a, b) => (b.hits ?? 0) - (a.hits ?? 0));
    if (search !== page.now()) return;
    if (some.length) {
      session.pending.unshift({ heading: page.say(page.counted("loose", some.length), { count: page.number(some.length) }),
        kind: "search-documents-heading" }, ...some);
    }
  }
  page.sayStatus();
  await page.showMore(search);
  if (search === page.now()) root.dataset.state = "done";
}
