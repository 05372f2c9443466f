"""Site chrome shared by the demo outlets' templates: menus, cookie banners, styles, share icons."""

from __future__ import annotations

import html
from datetime import datetime

SECTIONS_BROAD = {
    "News": ["UK news", "World", "Politics", "Home affairs", "Immigration", "Crime", "Education", "Health",
             "Science", "Environment", "Transport", "Northgate", "Obituaries"],
    "Opinion": ["Leaders", "Columnists", "Letters", "Cartoons", "Your view"],
    "Business": ["Economy", "Markets", "Companies", "Property", "Personal finance", "Pensions", "Jobs"],
    "Sport": ["Football", "Cricket", "Rugby union", "Rugby league", "Tennis", "Golf", "Racing", "Athletics",
              "Cycling", "Results"],
    "Culture": ["Books", "Film", "TV & radio", "Music", "Stage", "Art", "Games"],
    "Lifestyle": ["Food", "Travel", "Fashion", "Health & fitness", "Family", "Gardening", "Motoring"],
    "More": ["Puzzles", "Crosswords", "Podcasts", "Newsletters", "Events", "Shop", "Archive", "Jobs board"],
}

FOOTER_COLUMNS = {
    "About us": ["Who we are", "Editorial code", "Complaints", "Corrections and clarifications",
                 "Work for us", "Contact us", "Advertise with us", "Syndication"],
    "Help": ["Help centre", "Accessibility", "Manage my account", "Subscriptions", "Digital edition",
             "Apps", "Reader offers", "Sitemap"],
    "Legal": ["Terms and conditions", "Privacy notice", "Cookie policy", "Privacy settings",
              "Modern slavery statement", "Tax strategy"],
    "Follow us": ["Facebook", "Instagram", "X", "LinkedIn", "YouTube", "WhatsApp channel", "RSS feeds"],
}

VENDORS = [
    "Adlumen Media", "Brightpixel Analytics", "Castwell Audience", "Datafold Ltd", "Echopath Advertising",
    "Fernlight Measurement", "Gridmark Exchange", "Halcyon Ad Systems", "Inkstone Metrics", "Junction Bid",
    "Kestrel Reach", "Lumen Survey Panel", "Marlow Consent Tools", "Northwind Targeting", "Orbit Video Ads",
    "Pinecrest Attribution", "Quillon Data", "Ridgeway Retargeting", "Saltire Segments", "Tidewater Ads",
    "Umbra Identity", "Vantage Yield", "Wrenfield Insights", "Xylo Commerce", "Yardarm Partners",
    "Zephyr Audience Cloud", "Arclight Native", "Bellwether Panels", "Copperline Sync", "Driftwood Ads",
    "Emberly Social", "Foxglove Fraud Detection", "Goldcrest Reporting", "Hawthorn Header Bidding",
    "Ivywood Personalisation", "Juniper Recommendations", "Kingfisher Maps", "Larkspur Video",
    "Meadowbank Heatmaps", "Nettle Error Logging",
]

PURPOSES = [
    ("Store and/or access information on a device",
     "Cookies, device or similar online identifiers together with other information can be stored or read "
     "on your device to recognise it each time it connects to an app or to a website."),
    ("Use limited data to select advertising",
     "Advertising presented to you on this service can be based on limited data, such as the website or "
     "app you are using, your non-precise location, your device type or which content you are interacting "
     "with."),
    ("Create profiles for personalised advertising",
     "Information about your activity on this service can be stored and combined with other information "
     "about you to build or improve a profile about you."),
    ("Measure content performance",
     "Information regarding which content is presented to you and how you interact with it can be used to "
     "determine whether the content reached its intended audience and matched your interests."),
    ("Understand audiences through statistics",
     "Reports can be generated based on the combination of data sets regarding your interactions and "
     "those of other users with advertising or content to identify common characteristics."),
    ("Develop and improve services",
     "Information about your activity on this service can be used to improve products and services and to "
     "build new products and services based on user interactions."),
]

SHARE_ICONS = {
    "facebook": "M22 12a10 10 0 1 0-11.6 9.9v-7H7.9V12h2.5V9.8c0-2.5 1.5-3.9 3.8-3.9 1.1 0 2.2.2 2.2.2v2.5h"
                "-1.3c-1.2 0-1.6.8-1.6 1.6V12h2.8l-.4 2.9h-2.3v7A10 10 0 0 0 22 12z",
    "x": "M18.2 2.3h3.3l-7.2 8.3 8.5 11.2h-6.7l-5.2-6.8-6 6.8H1.6l7.7-8.8L1.2 2.3H8l4.7 6.2zm-1.2 17.5h1.8L7"
         ".1 4.2H5.1z",
    "whatsapp": "M17.5 14.4c-.3-.1-1.8-.9-2-1-.3-.1-.5-.1-.7.1-.2.3-.8 1-.9 1.2-.2.2-.3.2-.6.1-.3-.1-1.3-.5-"
                "2.4-1.5-.9-.8-1.5-1.8-1.7-2.1-.2-.3 0-.5.1-.6l.4-.5c.1-.2.2-.3.3-.5.1-.2 0-.4 0-.5l-.9-2.2c"
                "-.2-.6-.5-.5-.7-.5h-.6c-.2 0-.5.1-.8.4-.3.3-1 1-1 2.5s1.1 2.9 1.2 3.1c.1.2 2.1 3.2 5.1 4.5 "
                ".7.3 1.3.5 1.7.6.7.2 1.4.2 1.9.1.6-.1 1.8-.7 2-1.4.2-.7.2-1.3.2-1.4-.1-.2-.3-.3-.6-.4z",
    "linkedin": "M4.98 3.5C4.98 4.88 3.87 6 2.5 6S0 4.88 0 3.5 1.12 1 2.5 1s2.48 1.12 2.48 2.5zM.22 8h4.56v1"
                "4H.22zM8 8h4.37v1.92h.06c.61-1.15 2.1-2.36 4.32-2.36 4.62 0 5.47 3.04 5.47 7v7.44h-4.56v-6"
                ".6c0-1.57-.03-3.6-2.2-3.6-2.2 0-2.53 1.72-2.53 3.49V22H8z",
    "email": "M2 4h20v16H2zm2 2v.5l8 5 8-5V6zm16 2.8-8 5-8-5V18h16z",
    "link": "M10.6 13.4a1 1 0 0 1 0-1.4l3.5-3.5a1 1 0 1 1 1.4 1.4l-3.5 3.5a1 1 0 0 1-1.4 0zm-3.5 6.4a4 4 0 0"
            " 1-2.8-6.9l2.1-2.1a1 1 0 1 1 1.4 1.4l-2.1 2.1a2 2 0 0 0 2.8 2.8l2.1-2.1a1 1 0 1 1 1.4 1.4l-2.1 "
            "2.1a4 4 0 0 1-2.8 1.2zm9.2-6.5a1 1 0 0 1-.7-1.7l2.1-2.1a2 2 0 0 0-2.8-2.8l-2.1 2.1a1 1 0 1 1-1.4"
            "-1.4l2.1-2.1a4 4 0 0 1 5.6 5.6l-2.1 2.1a1 1 0 0 1-.7.3z",
}

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def esc(text: str) -> str:
    """Escape text for an HTML text node."""
    return html.escape(text, quote=False)


def attr(text: str) -> str:
    """Escape text for a double-quoted HTML attribute."""
    return html.escape(text, quote=True)


def slugify(text: str) -> str:
    """Turn a label into a URL path segment."""
    out = []
    for ch in text.lower():
        if ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")


def iso_z(dt: datetime) -> str:
    """2025-02-12T06:30:00Z."""
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_offset(dt: datetime) -> str:
    """2025-02-12T06:30:00+00:00."""
    return dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def long_date(dt: datetime) -> str:
    """Wednesday 12 February 2025."""
    return f"{DAYS[dt.weekday()]} {dt.day} {MONTHS[dt.month - 1]} {dt.year}"


def clock_12(dt: datetime) -> str:
    """6:30am."""
    hour = dt.hour % 12 or 12
    return f"{hour}:{dt.minute:02d}{'am' if dt.hour < 12 else 'pm'}"


def render_svg(name: str, size: int = 20) -> str:
    """An inline share icon."""
    return (f'<svg class="icon icon-{name}" width="{size}" height="{size}" viewBox="0 0 24 24" '
            f'aria-hidden="true" focusable="false"><path d="{SHARE_ICONS[name]}"/></svg>')


def render_share(url: str, title: str, cls: str) -> str:
    """A row of share buttons with their icons."""
    from urllib.parse import quote

    u, t = quote(url, safe=""), quote(title, safe="")
    links = [
        ("facebook", "Share on Facebook", f"http://share.example/facebook?u={u}"),
        ("x", "Share on X", f"http://share.example/x?url={u}&text={t}"),
        ("whatsapp", "Share on WhatsApp", f"http://share.example/whatsapp?text={t}%20{u}"),
        ("linkedin", "Share on LinkedIn", f"http://share.example/linkedin?url={u}"),
        ("email", "Share by email", f"mailto:?subject={t}&body={u}"),
    ]
    items = "".join(
        f'<li class="{cls}__item"><a class="{cls}__link {cls}__link--{name}" href="{attr(href)}" '
        f'target="_blank" rel="noopener" data-share="{name}" aria-label="{attr(label)}">'
        f'{render_svg(name)}<span class="visually-hidden">{esc(label)}</span></a></li>'
        for name, label, href in links
    )
    items += (f'<li class="{cls}__item"><button type="button" class="{cls}__copy" '
              f'data-copy-url="{attr(url)}">'
              f'{render_svg("link")}<span>Copy link</span></button></li>')
    return f'<ul class="{cls}" aria-label="Share this article">{items}</ul>'


def render_mega_menu(host: str, cls: str, sections: dict[str, list[str]] = SECTIONS_BROAD) -> str:
    """A two-level site menu."""
    blocks = []
    for top, subs in sections.items():
        top_slug = slugify(top)
        sub_items = "".join(
            f'<li class="{cls}__sub-item"><a class="{cls}__sub-link" href="http://{host}/{top_slug}/'
            f'{slugify(s)}" data-link-name="nav2 : {attr(s.lower())}">{esc(s)}</a></li>'
            for s in subs
        )
        blocks.append(
            f'<li class="{cls}__item"><a class="{cls}__link" href="http://{host}/{top_slug}" '
            f'data-link-name="nav1 : {attr(top.lower())}" aria-haspopup="true">{esc(top)}</a>'
            f'<ul class="{cls}__sub" role="menu">{sub_items}</ul></li>'
        )
    return f'<ul class="{cls}" role="menubar">{"".join(blocks)}</ul>'


def render_footer_columns(host: str, cls: str) -> str:
    """The link columns of a site footer."""
    cols = []
    for heading, links in FOOTER_COLUMNS.items():
        items = "".join(
            f'<li><a href="http://{host}/info/{slugify(link)}" class="{cls}__link">{esc(link)}</a></li>'
            for link in links
        )
        cols.append(f'<div class="{cls}__col"><h3 class="{cls}__heading">{esc(heading)}</h3>'
                    f'<ul>{items}</ul></div>')
    return f'<div class="{cls}__cols">{"".join(cols)}</div>'


def render_cookie_banner(site: str, host: str, cls: str) -> str:
    """A consent-management dialog with its purposes and vendor list."""
    purposes = "".join(
        f'<li class="{cls}__purpose"><label><input type="checkbox" name="purpose-{i}" '
        f'{"checked disabled" if i == 1 else ""}> <strong>{esc(name)}</strong></label>'
        f'<p class="{cls}__purpose-text">{esc(text)}</p></li>'
        for i, (name, text) in enumerate(PURPOSES, start=1)
    )
    import json

    vendors = json.dumps(
        [{"id": i, "name": v, "policyUrl": f"http://{host}/privacy/vendors/{slugify(v)}",
          "cookieMaxAgeSeconds": 86400 * 30 * (i % 13 + 1), "usesNonCookieAccess": i % 3 == 0,
          "purposes": [p for p in range(1, len(PURPOSES) + 1) if (i + p) % 3], "legIntPurposes": [2, 7]}
         for i, v in enumerate(VENDORS, start=1)],
        separators=(",", ":"),
    )
    return (
        f'<div id="consent-dialog" class="{cls}" role="dialog" aria-modal="true" '
        f'aria-labelledby="consent-title" '
        f'hidden data-consent-version="2.4.1">'
        f'<div class="{cls}__inner"><h2 id="consent-title" class="{cls}__title">'
        f'{esc(site)} values your privacy</h2>'
        f'<p class="{cls}__intro">We and our {len(VENDORS)} partners store and access information on your '
        f'device, such as cookies, and process personal data such as unique identifiers and browsing data, '
        f'for personalised advertising and content, advertising and content measurement, audience research '
        f'and service development. You can accept or manage your choices below, including your right to '
        f'object where legitimate interest is used, at any time by clicking &ldquo;Privacy settings&rdquo; '
        f'at the bottom of every page.</p>'
        f'<div class="{cls}__buttons"><button type="button" class="{cls}__accept" data-consent="accept-all">'
        f'Accept all</button><button type="button" class="{cls}__reject" data-consent="reject-all">'
        f'Reject all</button><button type="button" class="{cls}__manage" aria-expanded="false" '
        f'aria-controls="consent-details">Manage options</button></div>'
        f'<div id="consent-details" class="{cls}__details" hidden><h3>Purposes</h3><ul>{purposes}</ul>'
        f'<h3>Partners</h3><ul class="{cls}__vendors" data-render-from="cmp-vendor-list"></ul>'
        f'<script type="application/json" id="cmp-vendor-list">'
        f'{{"gvlVersion":81,"vendors":{vendors}}}</script>'
        f'<button type="button" class="{cls}__save" data-consent="save">Save and exit</button></div>'
        f'</div></div>'
    )


def render_css(prefix: str, primary: str, accent: str, font: str) -> str:
    """A site stylesheet: a few hand-written rules then the generated component and utility classes."""
    rules = [
        f":root{{--{prefix}-primary:{primary};--{prefix}-accent:{accent};--{prefix}-font:{font};"
        f"--{prefix}-grey-1:#f6f6f6;--{prefix}-grey-2:#dcdcdc;--{prefix}-grey-3:#707070}}",
        f"html{{font-family:var(--{prefix}-font);-webkit-text-size-adjust:100%}}body{{margin:0;color:#121212;"
        "background:#fff}a{color:inherit}img{max-width:100%;height:auto}",
        ".visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;"
        "clip:rect(1px,1px,1px,1px);white-space:nowrap}",
        f".demo-notice{{background:#fff3bf;color:#5c3c00;font:600 14px/1.4 sans-serif;padding:6px 12px;"
        f"text-align:center;border-bottom:2px solid {accent}}}",
    ]
    components = ["header", "nav", "menu", "breadcrumbs", "byline", "share", "related", "newsletter",
                  "footer", "consent", "comments", "figure", "promo", "ad-slot", "most-read", "tags",
                  "standfirst", "headline", "article", "sidebar"]
    modifiers = ["", "__inner", "__title", "__link", "__item", "--wide", "--compact"]
    for i, comp in enumerate(components):
        for j, mod in enumerate(modifiers):
            pad = (i * 3 + j * 2) % 24
            size = 12 + (i + j) % 10
            rules.append(
                f".{prefix}-{comp}{mod}{{padding:{pad}px {pad // 2}px;font-size:{size}px;line-height:"
                f"{1.2 + (j % 5) / 10:.1f};{'color:var(--' + prefix + '-primary);' if j % 3 == 0 else ''}"
                f"{'border-bottom:1px solid var(--' + prefix + '-grey-2);' if j % 4 == 1 else ''}}}"
            )
    for bp in (480, 740, 980, 1140, 1300):
        inner = "".join(
            f".{prefix}-col-{n}\\@{bp}{{width:{round(100 * n / 12, 4)}%}}" for n in range(1, 13)
        )
        rules.append(f"@media (min-width:{bp}px){{{inner}}}")
    for n in range(0, 13):
        rules.append(f".u-mt-{n}{{margin-top:{n * 4}px}}.u-mb-{n}{{margin-bottom:{n * 4}px}}"
                     f".u-p-{n}{{padding:{n * 4}px}}")
    return "\n".join(rules)


def render_analytics_script(site_id: str, page_id: str, section: str, published: str,
                            authors: list[str], keywords: list[str], paywall: str = "free") -> str:
    """An inline analytics and ad-config block of the kind most news pages carry."""
    import json

    config = {
        "site": site_id,
        "page": {
            "id": page_id,
            "section": section,
            "type": "article",
            "published": published,
            "authors": authors,
            "keywords": keywords,
            "paywall": paywall,
        },
        "ads": {
            "network": "/21779/" + site_id,
            "slots": [
                {"id": f"ad-slot-{n}",
                 "sizes": [[300, 250], [300, 600]] if n % 2 else [[728, 90], [970, 250]],
                 "lazy": n > 1}
                for n in range(1, 7)
            ],
            "prebid": {"timeout": 1200, "bidders": ["gridmark", "vantage", "tidewater", "kestrelreach"]},
        },
        "consent": {"framework": "tcf-2.2", "cmpId": 418, "gdprApplies": True},
        "experiments": {"related-carousel": "variant-b", "newsletter-inline": "control",
                        "comments-lazy": "on"},
    }
    return (
        "<script>window.dataLayer=window.dataLayer||[];window.__PAGE_CONFIG__="
        + json.dumps(config, separators=(",", ":"))
        + ";(function(w,d){var s=d.createElement('script');s.async=true;s.src='http://cdn."
        + site_id
        + ".example/analytics/v3/loader.js';d.head.appendChild(s);w.dataLayer.push({event:'page_view',"
        + "page_id:'" + page_id + "'});})(window,document);</script>"
    )
