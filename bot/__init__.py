"""linkbot: repairs Markdown-mangled and URL links on MediaWiki wikis."""

__version__ = "0.1.0"
