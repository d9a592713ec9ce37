"""The pywikibot adapter: the only package that imports pywikibot.

session   site, login, siteinfo -> SiteProfile
sources   pages from pywikibot's generators or an XML dump, read in API-sized batches
member_pages  another page's member list (this or another wiki), its names made this wiki's titles
retry     the one retry layer (tenacity) for transient failures
shutoff   the on-wiki emergency stop
save      one edit per page, based on the analysed revision, with conflict handling
"""
