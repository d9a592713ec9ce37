"""A throwaway local MediaWiki: ``linkbot sandbox``, and the wiki every live test runs against."""
