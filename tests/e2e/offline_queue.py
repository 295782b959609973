"""What the questionnaire keeps in the browser (IndexedDB, static/js/store.js), read
through the page's own ``DTIStore`` so that the test sees what the page sees."""

QUEUE = """async ([store, assessment]) => {
  const user = document.body.dataset.user;
  const form = document.getElementById("q-form");
  const owner = assessment || (form && form.dataset.assessment);
  const late = new Promise((_, reject) =>
    setTimeout(() => reject(new Error("IndexedDB did not answer in 10 s")), 10000));
  const rows = await Promise.race([DTIStore.all(store, user, owner), late]);
  return rows.map(r => ({node: r.node, values: r.values || null, name: r.name || null,
                         size: r.size || 0, refused: r.refused || null,
                         conflict: !!r.conflict, user: r.user}));
}"""

KEPT = """async () => {
  const cache = await caches.open(DTIStore.pageCache(document.body.dataset.user));
  return (await cache.keys()).map(r => new URL(r.url).pathname);
}"""


def queued(page, store: str = "answers", assessment: int | None = None) -> list[dict]:
    """This account's rows of ``store`` for the page's (or that) assessment."""
    return page.evaluate(QUEUE, [store, str(assessment) if assessment else None])


def kept_pages(page) -> list[str]:
    """The paths of the pages the service worker keeps for the page's account."""
    return page.evaluate(KEPT)


def go_offline(context, link) -> None:
    """No network: the browser says so to its pages, and the line is cut."""
    context.set_offline(True)
    link.down()


def go_online(context, link) -> None:
    """The network back (the pages hear the browser's ``online`` event)."""
    link.up()
    context.set_offline(False)
