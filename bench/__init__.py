"""Benchmarks of the portal: volume.py fills a database, pages.py times pages in-process, load.sh runs wrk."""
