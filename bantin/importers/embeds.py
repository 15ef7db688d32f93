"""Embedded media of old sites: which video hosts an address belongs to, and the player address a
page may frame, under the host's privacy-friendly address where it has one (YouTube's no-cookie
host, Vimeo's do-not-track player). Plain functions of strings; what the site lets frame is
its `iframe_hosts` (bantin/markup/sanitize.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

_YOUTUBE_ID = r"([A-Za-z0-9_-]{6,})"
_PLAYERS: list[tuple[re.Pattern[str], str]] = [
    # YouTube: a watch page, a short link, an embed on the cookie-setting host, a short
    (re.compile(r"^https?://(?:www\.|m\.)?youtube\.com/watch\?(?:.*&)?v=" + _YOUTUBE_ID), "youtube"),
    (re.compile(r"^https?://youtu\.be/" + _YOUTUBE_ID), "youtube"),
    (re.compile(r"^https?://(?:www\.)?youtube(?:-nocookie)?\.com/(?:embed|shorts|live)/" + _YOUTUBE_ID), "youtube"),
    (re.compile(r"^https?://(?:www\.|player\.)?vimeo\.com/(?:video/)?(\d+)"), "vimeo"),
    (re.compile(r"^https?://(?:www\.|m\.)?facebook\.com/(?:[^/?#]+/videos/|watch/?\?v=|plugins/video\.php\?)"),
     "facebook"),
]
# hosts WordPress turns a bare address into an embed for (oEmbed providers), beside the players above
OEMBED_HOSTS = ("twitter.com", "x.com", "instagram.com", "facebook.com", "fb.watch", "wordpress.tv",
                "videopress.com", "vimeo.com", "youtube.com", "youtu.be", "soundcloud.com", "spotify.com",
                "tiktok.com", "flickr.com", "slideshare.net", "scribd.com", "dailymotion.com", "tumblr.com",
                "reddit.com", "imgur.com", "issuu.com", "mixcloud.com", "ted.com", "speakerdeck.com",
                "kickstarter.com", "cloudup.com", "smugmug.com", "animoto.com", "pinterest.com")


@dataclass(frozen=True)
class Embed:
    """What becomes of one embedded address: a player to frame (its https address) or a link."""

    url: str  # the address as the old site had it
    player: str  # the player's address, "" when the page shows a link instead
    host: str  # the player's host, for the report ("www.youtube-nocookie.com")


def player_address(url: str) -> str:
    """The privacy-friendly player address of a video page or player, or "" for other addresses."""
    url = url.strip()
    for pattern, kind in _PLAYERS:
        match = pattern.match(url)
        if not match:
            continue
        if kind == "youtube":
            start = parse_qs(urlsplit(url).query).get("t", parse_qs(urlsplit(url).query).get("start", [""]))[0]
            seconds = start.rstrip("s") if start.rstrip("s").isdigit() else ""
            return f"https://www.youtube-nocookie.com/embed/{match.group(1)}" + (f"?start={seconds}" if seconds else "")
        if kind == "vimeo":
            return f"https://player.vimeo.com/video/{match.group(1)}?dnt=1"
        if kind == "facebook":
            if "plugins/video.php" in url:
                return "https://www.facebook.com/" + url.split("facebook.com/", 1)[1]
            return "https://www.facebook.com/plugins/video.php?href=" + quote(url, safe="")
    return ""


def embed_for(url: str, iframe_hosts: frozenset[str]) -> Embed:
    """A video or post address -> its player, when the site frames that player's host; else a link."""
    player = player_address(url)
    host = (urlsplit(player).hostname or "") if player else ""
    if player and host in iframe_hosts:
        return Embed(url, player, host)
    return Embed(url, "", host or (urlsplit(url).hostname or ""))


def is_oembed_address(text: str) -> bool:
    """Is this text one address of a host WordPress embeds (a bare URL on its own line)?"""
    text = text.strip()
    if not re.fullmatch(r"https?://\S+", text):
        return False
    host = (urlsplit(text).hostname or "").lower()
    return any(host == name or host.endswith("." + name) for name in OEMBED_HOSTS)
