"""The KB as downloadable files: each graph's share of every format (graphs), a page's share made
where the page is mapped (pages), the shares joined into one gzip file without recompressing
(deflate), the dump files and their manifest (files), and the VoID/DCAT description (description)."""
