"""The commands behind ``bot.cli``: each takes its dependencies and returns an exit code.

common    streams, exit codes, colors, run ids, registries
local     fix, scan of files
wiki      scan of wiki pages, apply, sandbox
queue     list, show, approve, reject, review, report
members   members extract, import, check
"""
