"""Phones and tablets: every page a demo role can reach fits the screen from 360 px up.

Each role's pages are collected by following the links a person can follow (home page, menu,
meeting pages, admin lists, edit forms) in a real browser, on a touch screen. Links of the
same shape (`/admin/users/7/edit`, `/admin/users/8/edit`) are visited twice at most, which
keeps the walk to a few minutes while still reaching every kind of page. Each page is loaded
once, at the narrowest phone's width, then measured at each wider screen in turn, as a phone
turned or a tablet's window widened (a 10-inch tablet is a touch screen too).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest

from tests.e2e.conftest import PageWatcher, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.shared_server]

ROLES = ["admin", "thuky", "chutich", "phochutich", "daibieu01", "vanthu01", "thukyphuong"]
WIDTHS = [360, 390, 1280]
HEIGHTS = {360: 780, 390: 844, 1280: 800}
SHOTS = Path("/tmp/ec/shots")
SAME_SHAPE = 2
MAX_PAGES = 80
# Links that are not pages: files, downloads, the packet, signing out.
NOT_A_PAGE = re.compile(r"/file\b|download|/packet|/logout|/static/|\.(pdf|ics|csv)$")
# Pages worth a look on a phone and a tablet (screenshots for a human).
SHOT_SHAPES = {"/", "/meetings", "/meetings/N", "/meetings/N/edit", "/meetings/new",
               "/meetings/N/documents", "/documents/N", "/admin/users", "/admin/users/N",
               "/admin/units", "/admin/units/N", "/admin/audit", "/notifications"}


_NEXT_FRAME = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def _shape(path: str) -> str:
    return re.sub(r"/\d+", "/N", path)


def _links(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    found = []
    for href in hrefs:
        url = urldefrag(href)[0]
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != origin or NOT_A_PAGE.search(parts.path):
            continue
        found.append(url)
    return found


def _open(page, url: str) -> int:
    response = page.goto(url, wait_until="load")
    return response.status if response else 0


def _overflow(page, width: int) -> int:
    """How far the page reaches past the screen. A phone browser zooms out to fit a page that is
    too wide, which widens innerWidth with it, so the screen's own width is the yardstick too."""
    return page.evaluate("""(width) => document.documentElement.scrollWidth
      - Math.min(window.innerWidth, width)""", width)


def _widest(page, width: int) -> str:
    """Name the element that sticks out furthest, so that a failure says what to fix."""
    return page.evaluate("""(width) => {
      let worst = null, right = width;
      for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.right > right + 0.5) { right = r.right; worst = el; }
      }
      if (!worst) return '';
      return `${worst.tagName.toLowerCase()}#${worst.id}.${[...worst.classList].join('.')}`
        + ` right=${Math.round(right)}`;
    }""", width)


class Measure:
    """Open pages at one width and note what does not fit (and what the console said)."""

    def __init__(self, username: str, width: int, failures: list[str], shot_taken: set):
        self.username, self.width = username, width
        self.failures, self.shot_taken = failures, shot_taken

    def open(self, page, url: str) -> int:
        """Open the page, note whether it fits at this width; return its HTTP status."""
        status = _open(page, url)
        if status >= 400:
            self.failures.append(f"{self.width}px {urlsplit(url).path}: HTTP {status}")
            return status
        self.check(page, url)
        return status

    def check(self, page, url: str) -> None:
        """Note whether the page as it is now fits at this width (and take its picture)."""
        width, path = self.width, urlsplit(url).path
        overflow = _overflow(page, width)
        if overflow > 0:
            self.failures.append(f"{width}px {path}: {overflow}px sideways "
                                 f"({_widest(page, width)})")
        shape = _shape(path)
        if width in (390, 1280) and shape in SHOT_SHAPES and (shape, width) not in self.shot_taken:
            self.shot_taken.add((shape, width))
            name = shape.strip("/").replace("/", "-") or "home"
            page.screenshot(path=SHOTS / f"{self.username}-{name}-{width}.png")


def _context(browser, server, username: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": HEIGHTS[width]},
                                  locale="vi-VN", is_mobile=True, has_touch=True)
    page = context.new_page()
    watcher = PageWatcher(page)
    sign_in(page, server.url, username)
    return context, page, watcher


def _measure_wider(page, url: str, wider: list[Measure]) -> None:
    """Measure the loaded page at each wider screen, then give it back its first width."""
    first = page.viewport_size
    for measure in wider:
        page.set_viewport_size({"width": measure.width, "height": HEIGHTS[measure.width]})
        page.evaluate(_NEXT_FRAME)  # the page's own resize handlers have run
        measure.check(page, url)
    page.set_viewport_size(first)


@pytest.mark.parametrize("username", ROLES)
def test_every_page_of_role_fits_the_screen(live_server, browser, username):
    """Follow links breadth-first from the home page, measuring each page on the way."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    shot_taken: set[tuple[str, int]] = set()
    narrowest, *wider = [Measure(username, width, failures, shot_taken)
                         for width in sorted(WIDTHS)]
    context, page, watcher = _context(browser, live_server, username, narrowest.width)
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    queue = [live_server.url + "/"]
    pages: list[str] = []
    while queue and len(pages) < MAX_PAGES:
        url = queue.pop(0)
        shape = _shape(urlsplit(url).path)
        if url in seen or shapes[shape] >= SAME_SHAPE:
            continue
        seen.add(url)
        shapes[shape] += 1
        pages.append(url)
        if narrowest.open(page, url) >= 400:
            continue
        queue.extend(link for link in _links(page, live_server.url) if link not in seen)
        _measure_wider(page, url, wider)
    failures.extend(f"browser: {problem}" for problem in watcher.problems)
    context.close()
    assert len(pages) >= 3, f"{username} reached only {pages}"
    assert failures == [], f"{username}: " + "\n".join(failures)
