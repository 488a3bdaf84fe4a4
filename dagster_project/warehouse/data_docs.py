"""Great Expectations Data Docs that work offline.

GX 1.24's page templates load jQuery, Bootstrap, bootstrap-table, Font Awesome and vega from
CDNs: offline the index (a bootstrap-table filled by script) lists nothing and every page is
unstyled. After GX writes its pages, `localize` copies the same files (vendored from npm,
serve/vendor/README.md) into the site's static/vendor/ and points each page at them with a
relative path (dropping the CDN tags' integrity attributes, which file:// pages cannot
use), so the site works from disk and from `papers-warehouse docs` alike. The templates
cannot be overridden (GX looks in its own folder first), hence the rewrite.
Pages already rewritten hold no CDN URL and are left alone.
"""

import os
import re
import shutil
from pathlib import Path

from dagster_project.atomic_files import write_atomically

VENDOR = Path(__file__).resolve().parent.parent / "serve" / "vendor"

# Every external script and stylesheet in GX 1.24's templates → the vendored file.
CDN_FILES = {
    "https://cdn.jsdelivr.net/npm/vega@5": "vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css":
        "fontawesome/css/all.min.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js":
        "popper.min.js",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap.min.js",
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js":
        "bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css":
        "bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.js": "bootstrap-table-filter-control.min.js",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.css": "bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.css": "bootstrap-table-filter-control.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/"
    "bootstrap-datepicker.min.css": "bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/"
    "bootstrap-datepicker.min.js": "bootstrap-datepicker.min.js",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/"
    "bootstrap-prefers-dark.css": "bootstrap-prefers-dark.min.css",
}
# The navbar's logo comes from S3; GX also copies it into the site.
# Subresource-integrity attributes make a browser fetch the script in CORS mode, which it
# refuses for file:// pages; the files are ours, served from the site itself.
INTEGRITY = re.compile(r'\s(?:integrity|crossorigin)="[^"]*"')
REMOTE_LOGO = re.compile(
    r"https://great-expectations-web-assets\.s3\.us-east-2\.amazonaws\.com/logo-long\.png[^\"']*")


def localize(site: Path) -> int:
    """Make the Data Docs site at `site` self-contained; returns how many pages changed."""
    if not site.is_dir():
        return 0
    _copy_vendor(site / "static" / "vendor")
    changed = 0
    for folder, _, names in os.walk(site):
        for name in names:
            if name.endswith(".html") and _localize_page(site, Path(folder) / name):
                changed += 1
    return changed


def _localize_page(site: Path, page: Path) -> bool:
    text = page.read_text(encoding="utf-8")
    if not any(url in text for url in CDN_FILES) and not REMOTE_LOGO.search(text):
        return False
    static = os.path.relpath(site / "static", page.parent).replace(os.sep, "/")
    for url, local in CDN_FILES.items():
        text = text.replace(f'"{url}"', f'"{static}/vendor/{local}"')
    text = REMOTE_LOGO.sub(f"{static}/images/logo-long.png", text)
    write_atomically(page, INTEGRITY.sub("", text))
    return True


def _copy_vendor(target: Path) -> None:
    """The vendored files the pages need, copied once (and again when they change)."""
    for local in set(CDN_FILES.values()) | {"fontawesome/webfonts"}:
        source = VENDOR / local
        if source.is_dir():
            for font in source.iterdir():
                _copy_if_changed(font, target / local / font.name)
        else:
            _copy_if_changed(source, target / local)


def _copy_if_changed(source: Path, target: Path) -> None:
    if target.exists() and target.stat().st_size == source.stat().st_size and \
            target.stat().st_mtime_ns == source.stat().st_mtime_ns:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)  # with its mtime: an updated vendor file is copied again
