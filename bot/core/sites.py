"""Built-in site data: zh Wikipedia's profile, and a profile for any Wikipedia host offline.

The canonical English namespace names are valid on every MediaWiki, so a profile
built from them alone is correct (if incomplete) for any Wikipedia language; the
localized names of the wikis the bot is used on most are listed here, and a live
run replaces all of it with the wiki's own siteinfo.
"""

from __future__ import annotations

from bot.core.errors import UnknownSiteError
from bot.core.profile import (
    FIRST_LETTER,
    InterwikiTarget,
    Namespace,
    SiteProfile,
    mobile_host,
)
from bot.core.sitedata import LINKTRAILS, NAMESPACE_NAMES

# Every Wikipedia language edition (open, closed and renamed codes that still resolve),
# taken from pywikibot's wikipedia family. Interlanguage prefixes and hosts both use them.
WIKIPEDIA_LANGUAGES: frozenset[str] = frozenset(
    """
    aa ab ace ady af ak als alt am ami an ang ann anp ar arc ary arz as ast atj av avk awa ay az azb
    ba ban bar bat-smg bbc bcl bdr be be-tarask bew bg bh bi bjn blk bm bn bo bol bpy br bs btm bug
    bxr ca cbk-zam cdo ce ceb ch cho chr chy ckb co cr crh cs csb cu cv cy da dag de dga din diq dsb
    dtp dty dv dz ee el eml en eo es et eu ext fa fat ff fi fiu-vro fj fo fon fr frp frr fur fy ga
    gag gan gcr gd gl glk gn gom gor got gpe gu guc gur guw gv ha hak haw he hi hif ho hr hsb ht hu
    hy hyw hz ia iba id ie ig igl ii ik ilo inh io is isv it iu ja jam jbo jv ka kaa kab kai kaj kbd
    kbp kcg kg kge ki kj kk kl km kn knc ko koi kr krc ks ksh ku kus kv kw ky la lad lb lbe lez lfn
    lg li lij lld lmo ln lo lrc lt ltg lv mad mag mai map-bms mdf mg mh mhr mi min mk ml mn mni mnw
    mos mr mrj ms mt mus mwl my myv mzn na nah nap nds nds-nl ne new ng nia nl nn no nov nqo nr nrm
    nso nup nv ny oc olo om or os pa pag pam pap pcd pcm pdc pfl pi pih pl pms pnb pnt ppl ps pt pwn
    qu rki rm rmy rn ro roa-rup roa-tara rsk ru rue rw sa sah sat sc scn sco sd se sg sh shi shn si
    simple sk skr sl sm smn sn so sq sr srn ss st stq su sv sw syl szl szy ta tay tcy tdd te ten tet
    tg th ti tig tk tl tly tn to tok tpi tr trv ts tt tum tw ty tyv udm ug uk ur uz ve vec vep vi
    vls vo wa war wo wuu xal xh xmf yi yo za zea zgh zh zh-classical zh-min-nan zh-yue zu
    """.split()
)

CANONICAL_NAMESPACES: dict[int, str] = {
    -2: "Media",
    -1: "Special",
    1: "Talk",
    2: "User",
    3: "User talk",
    4: "Project",
    5: "Project talk",
    6: "File",
    7: "File talk",
    8: "MediaWiki",
    9: "MediaWiki talk",
    10: "Template",
    11: "Template talk",
    12: "Help",
    13: "Help talk",
    14: "Category",
    15: "Category talk",
    100: "Portal",
    101: "Portal talk",
    118: "Draft",
    119: "Draft talk",
    828: "Module",
    829: "Module talk",
}

# Names every MediaWiki accepts besides the canonical ones.
GLOBAL_ALIASES: dict[int, tuple[str, ...]] = {6: ("Image",), 7: ("Image talk",), 4: ("Wikipedia",), 5: ("Wikipedia talk",)}

# Localized names and aliases, from the wikis' siteinfo (namespaces + namespacealiases), for the
# wikis the bot is used on most; every language's Media, File and Category names come from
# MediaWiki's own messages (bot.core.sitedata).
LOCAL_NAMESPACES: dict[str, dict[int, tuple[str, ...]]] = {
    "zh": {
        -2: ("媒体", "媒體"),
        -1: ("特殊", "Special"),
        1: ("讨论", "討論", "对话", "對話"),
        2: ("用户", "用戶", "使用者"),
        3: ("用户讨论", "用戶討論", "用户对话", "用戶對話", "使用者討論"),
        4: ("Wikipedia", "维基百科", "維基百科", "WP"),
        5: ("Wikipedia talk", "维基百科讨论", "維基百科討論", "WT"),
        6: ("File", "文件", "檔案", "档案", "图像", "圖像", "图片", "圖片"),
        7: ("文件讨论", "檔案討論", "图像讨论", "圖像討論"),
        8: ("MediaWiki", "MediaWiki讨论"),
        10: ("Template", "模板", "样板", "樣板", "T"),
        11: ("模板讨论", "模板討論", "样板讨论", "樣板討論"),
        12: ("帮助", "幫助", "H"),
        13: ("帮助讨论", "幫助討論"),
        14: ("Category", "分类", "分類", "CAT"),
        15: ("分类讨论", "分類討論"),
        100: ("Portal", "主题", "主題", "P"),
        101: ("主题讨论", "主題討論"),
        118: ("Draft", "草稿"),
        119: ("草稿讨论", "草稿討論"),
        828: ("Module", "模块", "模塊"),
        829: ("模块讨论", "模塊討論"),
    },
    "ja": {6: ("ファイル", "画像"), 14: ("Category", "カテゴリ"), 10: ("Template", "テンプレート"), 4: ("Wikipedia", "WP")},
    "de": {6: ("Datei", "Bild"), 14: ("Kategorie",), 10: ("Vorlage",), 12: ("Hilfe",), 2: ("Benutzer",)},
    "fr": {6: ("Fichier",), 14: ("Catégorie",), 10: ("Modèle",), 12: ("Aide",), 2: ("Utilisateur",)},
}

# zh Wikipedia serves the same pages under these language-variant paths.
ZH_VARIANTS = frozenset(
    {"zh", "zh-hans", "zh-hant", "zh-cn", "zh-tw", "zh-hk", "zh-mo", "zh-sg", "zh-my"}
)

# Sister projects reached by one prefix from every Wikipedia (same language unless noted).
SISTER_PROJECTS: tuple[tuple[str, str, bool], ...] = (
    # (prefix, domain, per-language)
    ("wikt", "wiktionary.org", True),
    ("b", "wikibooks.org", True),
    ("q", "wikiquote.org", True),
    ("s", "wikisource.org", True),
    ("n", "wikinews.org", True),
    ("v", "wikiversity.org", True),
    ("voy", "wikivoyage.org", True),
    ("commons", "commons.wikimedia.org", False),
    ("m", "meta.wikimedia.org", False),
    ("species", "species.wikimedia.org", False),
    ("d", "www.wikidata.org", False),
    ("mw", "www.mediawiki.org", False),
    ("incubator", "incubator.wikimedia.org", False),
)
# Long forms of the prefixes above: accepted in titles, never written.
PREFIX_ALIASES: dict[str, str] = {
    "wiktionary": "wikt",
    "wikibooks": "b",
    "wikiquote": "q",
    "wikisource": "s",
    "wikinews": "n",
    "wikiversity": "v",
    "wikivoyage": "voy",
    "c": "commons",
    "meta": "m",
    "wikispecies": "species",
    "wikidata": "d",
    "mediawikiwiki": "mw",
}


# Other codes the Wikimedia interwiki map still resolves to a language edition (pywikibot's
# wikipedia family: code_aliases); pages written years ago use them (be-x-old, nb, zh-yue's yue).
LANGUAGE_ALIASES: dict[str, str] = {
    "be-x-old": "be-tarask", "dk": "da", "gsw": "als", "jp": "ja", "lzh": "zh-classical", "minnan": "zh-min-nan",
    "mo": "ro", "nan": "zh-min-nan", "nb": "no", "rup": "roa-rup", "sgs": "bat-smg", "vro": "fiu-vro", "yue": "zh-yue",
}  # fmt: skip


def wikimedia_interwikis(language: str) -> tuple[InterwikiTarget, ...]:
    """The interwiki table a Wikipedia in ``language`` has for other Wikimedia wikis."""
    targets = [
        InterwikiTarget(code, f"{code}.wikipedia.org", local=True, interlanguage=True)
        for code in sorted(WIKIPEDIA_LANGUAGES)
        if code != language
    ]
    for prefix, domain, per_language in SISTER_PROJECTS:
        host = f"{language}.{domain}" if per_language else domain
        targets.append(InterwikiTarget(prefix, host, local=True))
    by_prefix = {t.prefix: t for t in targets}
    for alias, prefix in PREFIX_ALIASES.items():
        if prefix in by_prefix:
            targets.append(InterwikiTarget(alias, by_prefix[prefix].host, local=True, alias=True))
    for alias, code in LANGUAGE_ALIASES.items():
        if code in by_prefix and alias != language:
            targets.append(InterwikiTarget(alias, by_prefix[code].host, local=True, interlanguage=True, alias=True))
    return tuple(targets)


def wikipedia_namespaces(language: str) -> tuple[Namespace, ...]:
    local = LOCAL_NAMESPACES.get(language, {})
    messages = NAMESPACE_NAMES.get(language, {})
    result = []
    for ns_id, canonical in CANONICAL_NAMESPACES.items():
        names = (canonical, *local.get(ns_id, ()), *messages.get(ns_id, ()), *GLOBAL_ALIASES.get(ns_id, ()))
        result.append(Namespace(ns_id, tuple(dict.fromkeys(names)), FIRST_LETTER))
    return tuple(result)


def wikipedia_profile(language: str) -> SiteProfile:
    """An offline profile for ``<language>.wikipedia.org``."""
    host = f"{language}.wikipedia.org"
    return SiteProfile(
        host=host,
        language=language,
        hosts=frozenset({host, mobile_host(host)}),
        namespaces=wikipedia_namespaces(language),
        case=FIRST_LETTER,
        linktrail=LINKTRAILS.get(language, "[a-z]+"),
        variant_paths=ZH_VARIANTS if language == "zh" else frozenset(),
        interwikis=wikimedia_interwikis(language),
        variant_fold="zh" if language.startswith("zh") else "",
    )


ZH_WIKIPEDIA: SiteProfile = wikipedia_profile("zh")


def profile_for_host(host: str) -> SiteProfile:
    """The built-in profile for a Wikipedia host (``ja.wikipedia.org``, ``zh.m.wikipedia.org``, ...)."""
    normalized = host.strip().lower().rstrip(".")
    if "//" in normalized:
        normalized = normalized.split("//", 1)[1]
    normalized = normalized.split("/", 1)[0]
    labels = normalized.split(".")
    labels = [label for label in labels if label != "m"]
    if len(labels) == 3 and labels[1:] == ["wikipedia", "org"] and labels[0] in WIKIPEDIA_LANGUAGES:
        return ZH_WIKIPEDIA if labels[0] == "zh" else wikipedia_profile(labels[0])
    raise UnknownSiteError(
        f"no built-in profile for {host!r}: give a Wikipedia host or configure a profile"
    )
