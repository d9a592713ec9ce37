"""Where pages come from offline: local files, XML dumps (cut and scanned on all cores), member-list
registries, and the limits a page's analysis runs under."""
