-- The mirror's link rewriting (chinapedia/mediawiki-to-gfm's filters, modelled), run as a pandoc
-- Lua filter after pandoc's MediaWiki reader: pandoc's wikilinks (title "wikilink") point at the
-- mirror's page (../Page/T.md) or at the wiki's URL, mixed on one page as on the mirror; figures
-- become links to the file's page, titled "fig:" and their caption.
local host = os.getenv("MIRROR_HOST") or "zh.wikipedia.org"
local count = 0

function Link(el)
  if el.title ~= "wikilink" then
    return el
  end
  count = count + 1
  if count % 2 == 0 and not el.target:find("^#") then
    el.target = "../Page/" .. el.target .. ".md"
  else
    el.target = "https://" .. host .. "/wiki/" .. el.target
  end
  return el
end

function Image(el)
  local content = el.caption
  if pandoc.utils.stringify(content) == "" then
    content = {pandoc.Str(el.src)}  -- older pandoc: a figure without a caption is captioned with its file's name
  end
  return pandoc.Link(content, "https://" .. host .. "/wiki/File:" .. el.src, "fig:" .. pandoc.utils.stringify(content))
end
